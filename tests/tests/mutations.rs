//! The generator on mutated specs: each fixture, changed at random places (keys removed, values
//! swapped for values of other kinds, keywords added where they do not belong), is generated or
//! refused with an error, never a panic, a stack overflow or a hang. Seeded, so a failure repeats:
//! the failing document is in the assertion message. `MUTATION_SEED=n MUTATION_ROUNDS=m cargo
//! test -p integration-tests --test mutations` explores further.

use std::path::Path;

use generator::{Config, Provenance};
use serde_json::{json, Value};

/// A small deterministic generator (64-bit LCG): the same seed gives the same mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every place in `value`, as JSON pointer segments.
fn places(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                path.push(key.clone());
                out.push(path.clone());
                places(item, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                out.push(path.clone());
                places(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let palette = [
        Value::Null,
        json!({}),
        json!([]),
        json!(""),
        json!("x²"),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(true),
        json!({"type": "object"}),
        json!({"type": "array"}),
        json!({"$ref": "#/components/schemas/Nope"}),
        json!({"$ref": "#/paths/~1x"}),
        json!("multipart/form-data"),
        json!("*/*"),
        json!({"application/x-www-form-urlencoded": {}}),
        json!({"schema": {"type": "string", "format": "binary"}}),
        json!("deepObject"),
        json!("matrix"),
        json!({"allOf": []}),
        json!({"not": {}}),
        json!({"content": {"text/plain": {}}}),
    ];
    let keywords = ["style", "explode", "encoding", "content", "in", "required", "default", "2XX", "4XX", "format", "additionalProperties", "nullable", "allOf", "items", "type"];
    let mut all = Vec::new();
    places(doc, &mut Vec::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let path = &all[rng.below(all.len())];
    let (parent, last) = path.split_at(path.len() - 1);
    let Some(target) = doc.pointer_mut(&pointer(parent)) else { return };
    let value = palette[rng.below(palette.len())].clone();
    match (rng.below(3), target) {
        (0, Value::Object(map)) => {
            map.remove(&last[0]);
        }
        (1, Value::Object(map)) => {
            map.insert(keywords[rng.below(keywords.len())].to_owned(), value);
        }
        (_, Value::Object(map)) => {
            map.insert(last[0].clone(), value);
        }
        (_, Value::Array(items)) => {
            if let Ok(i) = last[0].parse::<usize>()
                && i < items.len()
            {
                items[i] = value;
            }
        }
        _ => {}
    }
}

#[test]
fn mutated_fixtures_are_generated_or_refused_never_a_panic() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let names = ["bodies", "answers", "styles", "edge-cases", "params", "names", "unions", "known-crashes", "nested", "refs", "identifiers", "schemas"];
    let docs: Vec<Value> = names
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(fixtures.join(format!("{name}.yaml"))).expect("fixture");
            serde_yaml::from_str(&text).expect("a fixture parses")
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("mutations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spec = dir.join("mutated.json");
    let provenance = Provenance { command: "test".into(), spec_label: "mutated.json".into() };
    // `MUTATION_SEED` / `MUTATION_ROUNDS` explore further than the default run.
    let seed = std::env::var("MUTATION_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed);
    let rounds = std::env::var("MUTATION_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(240);
    let mut rng = Rng(seed);
    let (mut generated, mut refused) = (0, 0);
    for _ in 0..rounds {
        let mut doc = docs[rng.below(docs.len())].clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut doc, &mut rng);
        }
        let text = serde_json::to_string(&doc).expect("serializes");
        std::fs::write(&spec, &text).expect("write");
        let outcome = std::panic::catch_unwind(|| generator::generate(&spec, &Config::new("mutated"), &provenance).map(|_| ()));
        match outcome {
            Ok(Ok(())) => {
                // `MUTATION_KEEP=dir`: the generated ones, for `tests/scripts/mutation-compile.sh`.
                if let Ok(keep) = std::env::var("MUTATION_KEEP") {
                    std::fs::create_dir_all(&keep).expect("keep dir");
                    std::fs::write(Path::new(&keep).join(format!("m{generated:04}.json")), &text).expect("keep");
                }
                generated += 1;
            }
            Ok(Err(e)) => {
                // A refusal names the file.
                assert!(e.to_string().contains("mutated.json") || matches!(e, generator::Error::Config { .. }), "{e}\n{text}");
                refused += 1;
            }
            Err(_) => panic!("the generator panicked on:\n{text}"),
        }
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert!(generated > 0 && refused > 0, "generated {generated}, refused {refused}");
}
