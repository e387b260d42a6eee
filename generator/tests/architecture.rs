//! ARCHITECTURE.md's invariants that a test can check by reading the sources: one way from
//! spec to files (load → model → plan → emit), emitters that only print, and a copy of the
//! runtime that a vendored crate gets whole.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn source(dir: &str) -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())) {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().expect("stem").to_string_lossy().into_owned();
            files.insert(name, fs::read_to_string(&path).expect("read"));
        }
    }
    files
}

/// The sibling modules `text` refers to through `super::`.
fn siblings(text: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("super::") {
        let rest = &text[i + "super::".len()..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if names.contains(&word) {
            found.insert(word);
        }
    }
    found
}

#[test]
fn emit_modules_depend_on_each_other_in_one_direction_only() {
    let files = source("emit");
    let names: BTreeSet<String> = files.keys().filter(|n| *n != "mod").cloned().collect();
    let edges: BTreeMap<&String, BTreeSet<String>> =
        files.iter().filter(|(n, _)| *n != "mod").map(|(n, text)| (n, siblings(text, &names))).collect();
    // Depth-first search for a cycle.
    fn visit<'a>(n: &'a String, edges: &'a BTreeMap<&String, BTreeSet<String>>, path: &mut Vec<&'a String>, done: &mut BTreeSet<&'a String>) {
        if let Some(start) = path.iter().position(|p| *p == n) {
            panic!("emit modules import each other in a cycle: {:?}", &path[start..]);
        }
        if !done.insert(n) {
            return;
        }
        path.push(n);
        for next in &edges[n] {
            visit(next, edges, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, &edges, &mut Vec::new(), &mut done);
    }
}

#[test]
fn emitters_only_print_the_plan() {
    for (name, text) in source("emit") {
        // Names are decided in `naming` (through the model and the plan), never while printing.
        for forbidden in ["naming::", "Namespace", "config::Config", "&Config", "Config::"] {
            assert!(!text.contains(forbidden), "emit/{name}.rs uses {forbidden}: emitters read the plan only");
        }
    }
    for (name, text) in source("plan") {
        assert!(!text.contains("crate::emit"), "plan/{name}.rs depends on emit: the way is model → plan → emit");
    }
    let model = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model.rs")).expect("model.rs");
    for forbidden in ["crate::plan", "crate::emit", "crate::config", "quote!", "proc_macro2"] {
        assert!(!model.contains(forbidden), "model.rs uses {forbidden}: the model knows neither config nor Rust syntax");
    }
}

fn files_under(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir.join(rel)).expect("read runtime dir") {
        let entry = entry.expect("entry");
        let path = rel.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            files_under(dir, &path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn a_vendored_crate_gets_every_runtime_source() {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let mut wanted = vec![PathBuf::from("Cargo.toml")];
    files_under(&runtime, Path::new("src"), &mut wanted);
    let wanted: BTreeSet<String> = wanted.iter().map(|p| p.to_string_lossy().replace('\\', "/")).collect();
    let listed: BTreeSet<String> = generator::emit::RUNTIME_FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
    assert_eq!(listed, wanted, "generator/src/emit/vendor.rs must list every file of runtime/src");
    for (path, contents) in generator::emit::RUNTIME_FILES {
        assert_eq!(fs::read_to_string(runtime.join(path)).expect("read"), *contents, "{path}");
    }
}
