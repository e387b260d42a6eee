//! Every spec in `tests/fixtures/errors/` is refused with a message naming the file, the JSON
//! pointer of the offending part and, where the parser knows it, the line.

use std::path::{Path, PathBuf};

use generator::{Config, Error, Provenance};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/errors").join(name)
}

fn refuse(name: &str) -> Error {
    let provenance = Provenance {
        command: "t".into(),
        spec_label: "t".into(),
    };
    match generator::generate(&fixture(name), &Config::new("x"), &provenance) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e,
    }
}

/// Whether the error came from parsing (`Parse`) or from the model (`Unsupported`).
#[derive(Debug, PartialEq)]
enum Kind {
    Parse,
    Unsupported,
}

struct Case {
    file: &'static str,
    kind: Kind,
    pointer: &'static str,
    line: Option<(usize, usize)>,
    message: &'static str,
}

const CASES: &[Case] = &[
    Case {
        file: "openapi-3.1.yaml",
        kind: Kind::Parse,
        pointer: "/openapi",
        line: Some((2, 1)),
        message: "OpenAPI 3.1.0 is not supported: this generator reads OpenAPI 3.0 only",
    },
    Case {
        file: "swagger-2.0.json",
        kind: Kind::Parse,
        pointer: "/swagger",
        line: Some((2, 3)),
        message: "Swagger 2.0 documents are not supported; convert the spec to OpenAPI 3.0",
    },
    Case {
        file: "invalid-yaml.yaml",
        kind: Kind::Parse,
        pointer: "",
        line: Some((10, 1)),
        message: "invalid YAML: did not find expected ',' or '}', while parsing a flow mapping at line 9 column 16",
    },
    Case {
        file: "invalid-json.json",
        kind: Kind::Parse,
        pointer: "",
        line: Some((4, 13)),
        message: "invalid JSON: key must be a string",
    },
    Case {
        file: "paths-is-a-list.yaml",
        kind: Kind::Parse,
        pointer: "/paths",
        line: Some((6, 3)),
        message: "not a valid OpenAPI 3.0 document: paths: invalid type: sequence, expected a mapping (an OpenAPI Paths object)",
    },
    Case {
        file: "unresolved-ref.yaml",
        kind: Kind::Unsupported,
        pointer: "/components/schemas/Pet/properties/owner/$ref",
        line: None,
        message: "unresolved `$ref` \"#/components/schemas/Owner\": no such schema in components.schemas",
    },
    Case {
        file: "external-ref.yaml",
        kind: Kind::Unsupported,
        pointer: "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
        line: None,
        message: "unsupported `$ref` \"pets.yaml#/components/schemas/Pet\": schema references must point to \
                  `#/components/schemas/<name>` in the same document",
    },
    Case {
        file: "duplicate-operation-id.yaml",
        kind: Kind::Unsupported,
        pointer: "/paths/~1owners/get/operationId",
        line: None,
        message: "duplicate operationId \"listThings\": already used at /paths/~1pets/get/operationId",
    },
    Case {
        file: "not.yaml",
        kind: Kind::Unsupported,
        pointer: "/components/schemas/NotAString/not",
        line: None,
        message: "`not` is not supported",
    },
    Case {
        file: "cookie-parameter.yaml",
        kind: Kind::Unsupported,
        pointer: "/paths/~1session/get/parameters/1/in",
        line: None,
        message: "cookie parameters are not supported",
    },
    Case {
        file: "non-json-body.yaml",
        kind: Kind::Unsupported,
        pointer: "/paths/~1upload/post/requestBody/content",
        line: None,
        message: "only JSON request bodies are supported; found [\"multipart/form-data\"]",
    },
    Case {
        file: "path-param-not-in-path.yaml",
        kind: Kind::Unsupported,
        pointer: "/paths/~1items/get/parameters/0/name",
        line: None,
        message: "path parameter \"id\" does not appear in path \"/items\"",
    },
];

#[test]
fn each_rejected_spec_names_file_pointer_and_reason() {
    let mut failures = Vec::new();
    for case in CASES {
        let err = refuse(case.file);
        let text = err.to_string();
        let kind = match &err {
            Error::Parse { .. } => Some(Kind::Parse),
            Error::Unsupported { .. } => Some(Kind::Unsupported),
            _ => None,
        };
        let Some(location) = err.location() else {
            failures.push(format!("{}: no location in {err:?}", case.file));
            continue;
        };
        let mut problems = Vec::new();
        if kind.as_ref() != Some(&case.kind) {
            problems.push(format!("kind {kind:?}, expected {:?}", case.kind));
        }
        if !text.contains(case.file) {
            problems.push("message does not name the file".to_owned());
        }
        if location.file != fixture(case.file) {
            problems.push(format!("location names {}", location.file.display()));
        }
        if location.pointer != case.pointer {
            problems.push(format!("pointer {:?}, expected {:?}", location.pointer, case.pointer));
        }
        let shown = if case.pointer.is_empty() { "/" } else { case.pointer };
        if !text.contains(&format!(" at {shown}: ")) {
            problems.push(format!("message does not show the pointer {shown}"));
        }
        if location.line != case.line {
            problems.push(format!("line {:?}, expected {:?}", location.line, case.line));
        }
        if let Some((line, column)) = case.line
            && !text.contains(&format!("{}:{line}:{column} at ", case.file))
        {
            problems.push(format!("message does not show {line}:{column}"));
        }
        if !text.contains(case.message) {
            problems.push(format!("message lacks {:?}", case.message));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n    got: {text}", case.file, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn positions_are_not_repeated_in_the_message() {
    // The location prefix already says `file:line:column`; the parser's own "at line L column C"
    // for the same spot would only repeat it.
    let text = refuse("invalid-json.json").to_string();
    assert!(!text.contains("at line 4 column 13"), "{text}");
    let text = refuse("paths-is-a-list.yaml").to_string();
    assert!(!text.contains("at line 6 column 3"), "{text}");
}

#[test]
fn every_error_fixture_has_a_case() {
    let mut files: Vec<String> = std::fs::read_dir(fixture(""))
        .expect("fixtures/errors exists")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut covered: Vec<&str> = CASES.iter().map(|c| c.file).collect();
    covered.sort_unstable();
    assert_eq!(files, covered);
}

#[test]
fn a_missing_file_is_a_read_error_naming_it() {
    let err = refuse("no-such-spec.yaml");
    assert!(matches!(err, Error::Read { .. }), "{err:?}");
    assert!(err.location().is_none());
    assert!(err.to_string().contains("no-such-spec.yaml: cannot read"), "{err}");
}
