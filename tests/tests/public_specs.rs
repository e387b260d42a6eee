//! The generator on real specs nobody here shaped (`../shared/specs/`): each is either
//! generated or refused with a located, specific message, never a panic.

use std::path::{Path, PathBuf};

use generator::{Config, Provenance};

fn shared_spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs").join(name)
}

fn generate(name: &str) -> Result<generator::Output, generator::Error> {
    let provenance = Provenance {
        command: "test".into(),
        spec_label: name.into(),
    };
    generator::generate(&shared_spec(name), &Config::new("public-spec"), &provenance)
}

#[test]
fn the_official_management_spec_generates() {
    let output = generate("genauth-management.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.operations, 425);
    assert!(output.types >= 822, "every component schema becomes a type: {}", output.types);
    let operations = output.files.iter().find(|f| f.path == "src/operations.rs").expect("operations.rs");
    assert!(operations.contents.contains("pub fn users_management_controller_get_user_batch("));
}

#[test]
fn textbook_specs_generate() {
    for (name, operations) in [
        ("petstore-expanded.yaml", 4),
        ("link-example.yaml", 6),
        ("api-with-examples.yaml", 2),
        ("keeper.json", 6),
    ] {
        let output = generate(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(output.operations, operations, "{name}");
    }
}

#[test]
fn the_authentication_spec_is_refused_at_its_form_body() {
    let err = generate("genauth-authentication.json").expect_err("form bodies are not supported");
    let location = err.location().expect("located");
    assert_eq!(location.pointer, "/paths/~1oidc~1token/post/requestBody/content");
    assert!(err.to_string().contains("only JSON request bodies are supported"), "{err}");
}
