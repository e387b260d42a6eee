//! `cargo xtask spec-drift`: our spec against the official one (`../shared/specs/`), and the
//! comparison itself on two small documents.

use std::path::Path;

use xtask::drift::{compare, model, ReviewedFile};

#[test]
fn every_difference_from_the_official_spec_is_explained() {
    let root = xtask::workspace_root();
    let (ours, _) = model(&root.join("spec/genauth-management.yaml")).expect("our spec");
    let (theirs, tags) = model(&root.join("../shared/specs/genauth-management.json")).expect("the official spec");
    let report = compare(&ours, &theirs, &tags);
    let review = report.review(&ReviewedFile::load(&root.join("spec/drift.yaml")).expect("spec/drift.yaml"));
    assert!(review.unexplained.is_empty(), "not explained in spec/drift.yaml:\n{}", review.unexplained.join("\n"));
    assert!(review.stale.is_empty(), "entries of spec/drift.yaml that match nothing: {:?}", review.stale);
    // Every operation of ours is one of the official spec's.
    let unmatched: Vec<&str> = report.operations.iter().filter(|(_, _, up)| up.is_none()).map(|(id, _, _)| id.as_str()).collect();
    assert!(unmatched.is_empty(), "{unmatched:?}");
    assert_eq!(report.operations.len(), 99);
    // The four groups are covered whole: none of their operations is missing.
    for group in ["管理用户/API 列表", "管理用户分组/API 列表", "管理角色/API 列表", "管理组织机构/API 列表"] {
        assert!(!report.missing.contains_key(group), "{group}: {:?}", report.missing.get(group));
    }
}

fn spec(body: &str) -> xtask::drift::Report {
    let dir = std::env::temp_dir().join(format!("drift-{}-{}", std::process::id(), body.len()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let write = |name: &str, paths: &str| {
        let path = dir.join(name);
        let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}");
        std::fs::write(&path, text).expect("write");
        path
    };
    let upstream = r#"
  /things:
    get:
      operationId: Things_list
      tags: [things]
      parameters:
        - {name: page, in: query, schema: {type: number}}
        - {name: kind, in: query, required: true, schema: {type: string, enum: [a, b]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [items]
                properties:
                  items: {type: array, items: {type: object, required: [id], properties: {id: {type: string}, size: {type: number}}}}
  /other:
    post:
      operationId: Other_make
      tags: [other]
      responses: {'200': {description: ok}}
"#;
    let ours = write("ours.yaml", body);
    let theirs = write("theirs.yaml", upstream);
    let (ours, _) = model(&ours).expect("ours");
    let (theirs, tags) = model(&theirs).expect("theirs");
    let report = compare(&ours, &theirs, &tags);
    std::fs::remove_dir_all(Path::new(&dir)).expect("clean up");
    report
}

#[test]
fn finds_types_enum_values_required_ness_fields_and_missing_operations() {
    let report = spec(
        r#"
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: page, in: query, schema: {type: integer}}
        - {name: kind, in: query, schema: {type: string, enum: [a, b, c]}}
        - {name: extra, in: query, schema: {type: boolean}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [items]
                properties:
                  items: {type: array, items: {type: object, required: [id], properties: {id: {type: string}}}}
  /mine:
    get:
      operationId: mine
      responses: {'200': {description: ok}}
"#,
    );
    assert_eq!(
        report.differences,
        [
            "listThings: answer items[].size: upstream has it (number, optional), ours not",
            "listThings: query kind: upstream enum [a, b], required, ours enum [a, b, c], optional",
            "listThings: query page: upstream number, optional, ours integer, optional",
            "listThings: query extra: ours has it (boolean, optional), upstream not",
            "mine: GET /mine is not an upstream operation",
        ]
    );
    assert_eq!(report.missing["other"], ["POST /other (Other_make)"]);
}

#[test]
fn the_readme_lists_every_operation() {
    let root = xtask::workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let (ours, _) = model(&root.join("spec/genauth-management.yaml")).expect("our spec");
    let missing: Vec<&str> =
        ours.operations.iter().map(|op| op.name.as_str()).filter(|name| !readme.contains(&format!("`{name}`"))).collect();
    assert!(missing.is_empty(), "README's operation table lacks {missing:?}");
}
