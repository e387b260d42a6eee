#!/usr/bin/env bash
# Any specs (say, real public ones downloaded for a try) generated into one workspace (runtime by
# path), which must pass `cargo clippy --all-targets -- -D warnings` and rustdoc with warnings
# denied, and every crate's smoke test must pass. Warnings and refusals of the generator are
# printed per spec.
#
# Usage: tests/scripts/specs-compile.sh SPEC...   (minutes; honours CARGO_TARGET_DIR, builds in
# its `specs-compile/`). On failure the workspace is kept and its path printed.
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: $0 SPEC..." >&2; exit 2; }
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
specs=()
for spec in "$@"; do specs+=("$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"); done
(cd "$root" && cargo build --quiet -p xtask)
members=()
status=0
for spec in "${specs[@]}"; do
    name="spec-$(basename "${spec%.*}" | tr -c 'a-zA-Z0-9\n' '-' | tr 'A-Z' 'a-z')"
    echo "== $spec" >&2
    if "$target/debug/xtask" generate --spec "$spec" --out "$work/$name" --crate-name "$name" --runtime-path "$root/runtime"; then
        members+=("\"$name\"")
    else
        status=1
    fi
done
[ "${#members[@]}" -gt 0 ] || { echo "no spec generated" >&2; exit 1; }
(IFS=,; printf '[workspace]\nresolver = "3"\nmembers = [%s]\n' "${members[*]}") >"$work/Cargo.toml"
cp "$root/Cargo.lock" "$work/"
export CARGO_TARGET_DIR="$target/specs-compile"
cd "$work"
cargo clippy --quiet --workspace --all-targets --no-default-features --features mock --keep-going -- -D warnings || status=1
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --workspace --no-deps --no-default-features --features mock || status=1
cargo test --quiet --workspace --no-default-features --features mock --test operations --no-fail-fast || status=1
if [ "$status" != 0 ]; then
    echo "generator defects above; the crates are kept in $work" >&2
    exit 1
fi
rm -rf "$work"
echo "${#members[@]} specs generated crates that pass clippy, rustdoc and their smoke tests"
