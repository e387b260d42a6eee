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

/// GenAuth's authentication API: form bodies (`/oidc/token`), a redirect and a `default` answer.
#[test]
fn the_authentication_spec_generates() {
    let output = generate("genauth-authentication.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.operations, 107);
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let operations = output.files.iter().find(|f| f.path == "src/operations.rs").expect("operations.rs");
    // The token endpoint's form body is sent form-encoded.
    assert!(operations.contents.contains("form_field(\"grant_type\""), "the /oidc/token form body");
}

/// Every shared spec's crate passes clippy with warnings denied, on every target (its smoke
/// test included), and rustdoc with warnings denied. The crates use the repository's runtime by
/// path, so it is compiled once for all of them (a crate with its own copy is built in
/// `xtask/tests/cli.rs`).
#[test]
fn every_shared_spec_gives_a_lint_free_documented_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("the workspace");
    let out = std::env::temp_dir().join(format!("public-specs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let specs = ["genauth-authentication.json", "genauth-management.json", "keeper.json", "petstore-expanded.yaml", "link-example.yaml", "api-with-examples.yaml"];
    let mut members = Vec::new();
    for (i, name) in specs.iter().enumerate() {
        let mut config = Config::new(format!("public-spec-{i}"));
        config.runtime = generator::config::Runtime::Path(root.join("runtime").to_string_lossy().into_owned());
        let provenance = Provenance { command: "test".into(), spec_label: (*name).into() };
        let output = generator::generate(&shared_spec(name), &config, &provenance).unwrap_or_else(|e| panic!("{e}"));
        let dir = out.join(format!("spec{i}"));
        for file in &output.files {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
            std::fs::write(&path, &file.contents).expect("write");
        }
        members.push(format!("\"spec{i}\""));
    }
    // One workspace: one lock file and one build of the shared dependencies.
    std::fs::write(out.join("Cargo.toml"), format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", "))).expect("workspace manifest");
    // The repository's lock file pins the same versions, so nothing new is resolved.
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("copy the lock file");
    let cargo = || {
        let mut command = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
        command.current_dir(&out).env("CARGO_TARGET_DIR", root.join("target/public-specs"));
        command
    };
    // TLS is left out only to spare the build a C library; `mock` brings in the whole runtime.
    let features = ["--workspace", "--no-default-features", "--features", "mock"];
    let clippy = cargo().args(["clippy", "--quiet", "--all-targets"]).args(features).args(["--", "-D", "warnings"]).output().expect("cargo runs");
    assert!(clippy.status.success(), "clippy:\n{}", String::from_utf8_lossy(&clippy.stderr));
    let doc = cargo().args(["doc", "--quiet", "--no-deps"]).args(features).env("RUSTDOCFLAGS", "-D warnings").output().expect("cargo runs");
    assert!(doc.status.success(), "cargo doc:\n{}", String::from_utf8_lossy(&doc.stderr));
    std::fs::remove_dir_all(&out).expect("clean up");
}
