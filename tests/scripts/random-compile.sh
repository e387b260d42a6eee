#!/usr/bin/env bash
# Sampled compile of random valid specs: the documents of `tests/tests/random_specs.rs` (all
# accepted) are generated into one workspace (runtime by path), which must pass
# `cargo clippy --all-targets -- -D warnings`, and every crate's generated smoke test must pass.
# A random valid spec whose crate does not compile, warns or fails its smoke test is a generator
# defect (minimal repros go to `tests/fixtures/random-found/`).
#
# Usage: tests/scripts/random-compile.sh [seed] [crates]   (default seed 1, 16 crates; minutes)
# Honours CARGO_TARGET_DIR (default `target/`); the workspace is built in its `random-compile/`.
# `RANDOM_PENDING=1` compiles documents with the pending constructs of the test instead (each
# named after its construct). On failure the workspace is kept and its path printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
seed="${1:-1}"
count="${2:-16}"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
cleanup() { [ "${keep_work:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
RANDOM_SEED="$seed" RANDOM_SPECS="$count" RANDOM_KEEP="$work/specs" \
    cargo test --quiet -p integration-tests --test random_specs >/dev/null 2>&1 \
    || [ "${RANDOM_PENDING:-}" = 1 ] # refused pending constructs are not kept
cargo build --quiet -p xtask
members=()
for spec in $(ls "$work/specs" | head -n "$count"); do
    name="${spec%.json}"
    "$target/debug/xtask" generate --spec "$work/specs/$spec" --out "$work/ws/$name" --crate-name "$name" \
        --runtime-path "$root/runtime" >/dev/null 2>&1
    members+=("\"$name\"")
done
(IFS=,; printf '[workspace]\nresolver = "3"\nmembers = [%s]\n' "${members[*]}") >"$work/ws/Cargo.toml"
cp Cargo.lock "$work/ws/"
export CARGO_TARGET_DIR="$target/random-compile"
cd "$work/ws"
status=0
cargo clippy --quiet --workspace --all-targets --no-default-features --features mock --keep-going -- -D warnings \
    2>"$work/clippy.log" || status=1
cat "$work/clippy.log" >&2
# The crates clippy refused are tested one by one (a lint is no reason to skip a smoke test, but
# a crate that does not compile would stop the others').
refused=$(grep -o 'could not compile `[^`]*`' "$work/clippy.log" | tr -d '`' | awk '{print $4}' | sort -u || true)
exclude=()
for name in $refused; do exclude+=(--exclude "$name"); done
cargo test --quiet --workspace "${exclude[@]}" --no-default-features --features mock --test operations --no-fail-fast || status=1
for name in $refused; do
    [ -e "$name/tests/operations.rs" ] || continue # no operations, no smoke test
    cargo test --quiet -p "$name" --no-default-features --features mock --test operations || status=1
done
if [ "$status" != 0 ]; then
    keep_work=1
    echo "seed $seed: generator defects above (clippy refused: ${refused:-none});" \
        "the specs and crates are kept in $work" >&2
    exit 1
fi
echo "seed $seed: ${#members[@]} random specs generated crates that pass clippy and their smoke tests"
