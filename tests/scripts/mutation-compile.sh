#!/usr/bin/env bash
# Sampled compile of mutated specs: the seeded mutations of `tests/tests/mutations.rs` that the
# generator accepts are generated into one workspace (runtime by path), which must pass
# `cargo clippy --all-targets -- -D warnings`, and every crate's generated smoke test must pass.
# An accepted spec whose crate does not compile is a generator defect.
#
# Usage: tests/scripts/mutation-compile.sh [seed] [crates]   (default seed 1, 16 crates; minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
seed="${1:-1}"
count="${2:-16}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
MUTATION_SEED="$seed" MUTATION_ROUNDS=$((count * 3)) MUTATION_KEEP="$work/specs" \
    cargo test --quiet -p integration-tests --test mutations >/dev/null
cargo build --quiet -p xtask
members=()
for spec in $(ls "$work/specs" | head -n "$count"); do
    name="${spec%.json}"
    target/debug/xtask generate --spec "$work/specs/$spec" --out "$work/ws/$name" --crate-name "$name" \
        --runtime-path "$root/runtime" >/dev/null 2>&1
    members+=("\"$name\"")
done
(IFS=,; printf '[workspace]\nresolver = "3"\nmembers = [%s]\n' "${members[*]}") >"$work/ws/Cargo.toml"
cp Cargo.lock "$work/ws/"
export CARGO_TARGET_DIR="$root/target/mutation-compile"
cd "$work/ws"
cargo clippy --quiet --workspace --all-targets --no-default-features --features mock --keep-going -- -D warnings
cargo test --quiet --workspace --no-default-features --features mock --test operations
echo "seed $seed: ${#members[@]} mutated specs generated crates that pass clippy and their smoke tests"
