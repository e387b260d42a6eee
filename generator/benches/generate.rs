//! `cargo bench -p generator`: how long generation takes, as a ratio to parsing the same spec.
//!
//! Parsing (YAML/JSON → `openapiv3`) is the floor any generator pays, so it is the baseline,
//! measured in the same run on the same machine. The official 420-path spec is measured too
//! once the generator reads it; until then its refusal is printed instead.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use generator::{generate_from, load, Config, Provenance};

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

fn bench(label: &str, path: &Path) {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            println!("{label}: skipped, cannot read {}: {e}", path.display());
            return;
        }
    };
    let config = Config::new("bench-client");
    let provenance = Provenance {
        command: "cargo bench".into(),
        spec_label: label.into(),
    };
    let spec = match load::parse(path, &text) {
        Ok(spec) => spec,
        Err(e) => {
            println!("{label}: skipped, spec refused: {e}");
            return;
        }
    };
    if let Err(e) = generate_from(&spec, &config, &provenance) {
        println!("{label}: generation not measured, spec refused: {e}");
        return;
    }
    let budget = Duration::from_secs(3);
    let parse = median(budget, || {
        black_box(load::parse(path, black_box(&text)).expect("parses"));
    });
    let full = median(budget, || {
        let spec = load::parse(path, black_box(&text)).expect("parses");
        black_box(generate_from(&spec, &config, &provenance).expect("generates"));
    });
    println!(
        "{label}: parse {parse:?} (baseline), parse+generate {full:?}, ratio {:.2}x",
        full.as_secs_f64() / parse.as_secs_f64()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    bench("spec/genauth-management.yaml", &root.join("spec/genauth-management.yaml"));
    bench(
        "shared/specs/genauth-management.json",
        &root.join("../shared/specs/genauth-management.json"),
    );
}
