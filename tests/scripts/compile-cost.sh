#!/usr/bin/env bash
# Compile cost of generated code: LLVM IR lines of the crate generated from the official
# GenAuth management spec (../shared/specs/genauth-management.json, 425 operations) with every
# operation instantiated (`-Clink-dead-code`), and of the runtime crate it is built on, compared
# with openapi-generator's Rust client for the same spec (4.27 M lines, measured the same way in
# release; openapi-generator is a Java tool not available here, so its figure is a constant).
#
# Usage: tests/scripts/compile-cost.sh [dev|release]   (default release; takes a few minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
profile="${1:-release}"
spec="../shared/specs/genauth-management.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --quiet --release -p xtask
target/release/xtask generate --spec "$spec" --out "$work/crate" --crate-name management-ir >/dev/null
cp Cargo.lock "$work/crate/"
flags=(--quiet --lib)
[ "$profile" = release ] && flags+=(--release)
export CARGO_TARGET_DIR="$PWD/target/compile-cost"
(cd "$work/crate" && cargo rustc "${flags[@]}" -- -Clink-dead-code --emit=llvm-ir)
(cd "$work/crate" && cargo rustc "${flags[@]}" -p openapi-client-runtime -- -Clink-dead-code --emit=llvm-ir)
dir="$CARGO_TARGET_DIR/$([ "$profile" = release ] && echo release || echo debug)/deps"
crate=$(cat "$(ls -t "$dir"/management_ir-*.ll | head -1)" | wc -l)
runtime=$(cat "$(ls -t "$dir"/openapi_client_runtime-*.ll | head -1)" | wc -l)
anchor=4270000
echo "generated crate: $crate IR lines ($profile)"
echo "runtime crate:   $runtime IR lines ($profile, compiled once for every generated crate)"
awk -v c="$crate" -v r="$runtime" -v a="$anchor" 'BEGIN {
    printf "openapi-generator: %d IR lines (release, anchor)\n", a;
    printf "ratio crate / openapi-generator: %.2f; crate + runtime / openapi-generator: %.2f\n", c / a, (c + r) / a }'
