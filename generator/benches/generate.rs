//! `cargo bench -p generator`: how long generation takes, as a ratio to parsing the same spec.
//!
//! Parsing (YAML/JSON → `openapiv3`) is the floor any generator pays, so it is the baseline,
//! measured in the same run on the same machine. Measured: our spec, the official 420-path
//! spec, and a scaled one (the official spec twice over, paths, operationIds and schemas
//! renamed: ≈ 4 MB, 850 operations, 1,600+ schemas; budget 2 s in release and 300 MB peak),
//! and the official spec four times over, whose time and memory over the twice-over spec's show
//! how generation grows (linear: 2x).
//! Peak memory is measured in a child process per spec (Linux `/proc/self/status` `VmHWM`),
//! with parsing alone as its baseline.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use generator::{generate_from, generate_spec, load, Config, Provenance};

/// Median wall time of `f` over enough runs to fill about `budget`.
fn median(budget: Duration, mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < 5 || (start.elapsed() < budget && samples.len() < 200) {
        let t = Instant::now();
        f();
        samples.push(t.elapsed());
    }
    samples.sort();
    samples[samples.len() / 2]
}

/// Measures one spec; returns its parse+generate time and peak memory (KiB) when measured.
fn bench(label: &str, path: &Path) -> Option<(Duration, Option<u64>)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            println!("{label}: skipped, cannot read {}: {e}", path.display());
            return None;
        }
    };
    bench_text(label, path, &text)
}

fn bench_text(label: &str, path: &Path, text: &str) -> Option<(Duration, Option<u64>)> {
    let config = Config::new("bench-client");
    let provenance = Provenance {
        command: "cargo bench".into(),
        spec_label: label.into(),
    };
    let spec = match load::parse(path, text) {
        Ok(spec) => spec,
        Err(e) => {
            println!("{label}: skipped, spec refused: {e}");
            return None;
        }
    };
    if let Err(e) = generate_from(&spec, &config, &provenance) {
        println!("{label}: generation not measured, spec refused: {e}");
        return None;
    }
    let budget = Duration::from_secs(3);
    let parse = median(budget, || {
        black_box(load::parse(path, black_box(text)).expect("parses"));
    });
    let full = median(budget, || {
        let spec = load::parse(path, black_box(text)).expect("parses");
        black_box(generate_from(&spec, &config, &provenance).expect("generates"));
    });
    println!(
        "{label}: parse {parse:?} (baseline), parse+generate {full:?}, ratio {:.2}x",
        full.as_secs_f64() / parse.as_secs_f64()
    );
    // The child reads the text from a file, so its peak holds no other spec.
    let text_file = std::env::temp_dir().join(format!("generator-bench-{}.txt", std::process::id()));
    if let Err(e) = std::fs::write(&text_file, text) {
        println!("{label}: peak memory not measured, cannot write {}: {e}", text_file.display());
        return Some((full, None));
    }
    let peaks = (peak_in_child(path, &text_file, "parse"), peak_in_child(path, &text_file, "generate"));
    std::fs::remove_file(&text_file).ok();
    match peaks {
        (Some(parse), Some(peak)) => {
            println!(
                "{label}: peak memory parse {} MB (baseline), parse+generate {} MB, ratio {:.2}x",
                parse / 1024,
                peak / 1024,
                peak as f64 / parse as f64
            );
            Some((full, Some(peak)))
        }
        _ => {
            println!("{label}: peak memory not measured (no /proc/self/status)");
            Some((full, None))
        }
    }
}

/// The peak resident memory (KiB) of a child process that parses (`step` = `parse`) or parses
/// and generates once the spec in `text_file` (named `path` in messages).
fn peak_in_child(path: &Path, text_file: &Path, step: &str) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe)
        .env("BENCH_CHILD", step)
        .env("BENCH_SPEC", path)
        .env("BENCH_TEXT", text_file)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| l.strip_prefix("peak-kib ")?.trim().parse().ok())
}

/// `VmHWM` of this process, in KiB.
fn own_peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")?.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The official spec `copies` times over, each copy's paths, operationIds and schema names
/// suffixed.
fn scaled(official: &str, copies: usize) -> Option<String> {
    use serde_json::Value;
    fn rename(value: &Value, suffix: &str) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let v = match (k.as_str(), v) {
                            ("$ref", Value::String(r)) if r.starts_with("#/components/schemas/") => Value::String(format!("{r}{suffix}")),
                            ("operationId", Value::String(id)) => Value::String(format!("{id}{suffix}")),
                            _ => rename(v, suffix),
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|v| rename(v, suffix)).collect()),
            other => other.clone(),
        }
    }
    let mut doc: Value = serde_json::from_str(official).ok()?;
    let paths = doc.get("paths")?.as_object()?.clone();
    let schemas = doc.pointer("/components/schemas")?.as_object()?.clone();
    let (mut all_paths, mut all_schemas) = (serde_json::Map::new(), serde_json::Map::new());
    for copy in 0..copies {
        let (prefix, suffix) = if copy == 0 { (String::new(), String::new()) } else { (format!("/v{copy}"), format!("V{copy}")) };
        for (path, item) in &paths {
            all_paths.insert(format!("{prefix}{path}"), rename(item, &suffix));
        }
        for (name, schema) in &schemas {
            all_schemas.insert(format!("{name}{suffix}"), rename(schema, &suffix));
        }
    }
    doc["paths"] = Value::Object(all_paths);
    doc["components"]["schemas"] = Value::Object(all_schemas);
    serde_json::to_string(&doc).ok()
}

/// The specs measured: (label, path for messages, text).
fn specs() -> Vec<(String, std::path::PathBuf, Option<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let ours = root.join("spec/genauth-management.yaml");
    let official = root.join("../shared/specs/genauth-management.json");
    let official_text = std::fs::read_to_string(&official).ok();
    let twice = official_text.as_deref().and_then(|t| scaled(t, 2));
    let four_times = official_text.as_deref().and_then(|t| scaled(t, 4));
    vec![
        ("spec/genauth-management.yaml".to_owned(), ours.clone(), std::fs::read_to_string(&ours).ok()),
        ("shared/specs/genauth-management.json".to_owned(), official.clone(), official_text),
        (TWICE.to_owned(), official.clone(), twice),
        (FOUR_TIMES.to_owned(), official, four_times),
    ]
}

fn main() {
    // A child measuring one step's peak memory: `BENCH_CHILD=<parse|generate>`, the spec's text
    // in the file `BENCH_TEXT`, named `BENCH_SPEC`.
    if let Ok(step) = std::env::var("BENCH_CHILD") {
        let path = std::path::PathBuf::from(std::env::var_os("BENCH_SPEC").expect("BENCH_SPEC"));
        if let Some(text) = std::env::var_os("BENCH_TEXT").and_then(|file| std::fs::read_to_string(file).ok()) {
            let spec = load::parse(&path, &text).expect("parses");
            if step == "generate" {
                let provenance = Provenance { command: "cargo bench".into(), spec_label: "bench".into() };
                // As `cargo xtask generate` does: the parsed document is dropped once modelled.
                black_box(generate_spec(spec, &Config::new("bench-client"), &provenance).expect("generates"));
            } else {
                black_box(spec);
            }
            if let Some(peak) = own_peak() {
                println!("peak-kib {peak}");
            }
        }
        return;
    }
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let mut measured = std::collections::HashMap::new();
    for (label, path, text) in specs() {
        let result = match text {
            Some(text) => bench_text(&label, &path, &text),
            None => bench(&label, &path),
        };
        if let Some(result) = result {
            measured.insert(label, result);
        }
    }
    // Twice the spec should cost twice as much, not four times.
    if let (Some((t2, m2)), Some((t4, m4))) = (measured.get(TWICE), measured.get(FOUR_TIMES)) {
        let memory = match (m2, m4) {
            (Some(m2), Some(m4)) => format!("{:.2}x", *m4 as f64 / *m2 as f64),
            _ => "not measured".to_owned(),
        };
        println!(
            "growth from twice to four times the official spec (linear: 2x): time {:.2}x, peak memory {memory}",
            t4.as_secs_f64() / t2.as_secs_f64()
        );
    }
}

const TWICE: &str = "scaled: the official spec twice";
const FOUR_TIMES: &str = "scaled: the official spec four times";
