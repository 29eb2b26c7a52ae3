#!/usr/bin/env bash
# Sets up a fresh machine if needed, then runs every MedShare test: unit and property tests of
# every crate, the pallet on its mock runtime (with and without runtime benchmarks), and the
# end-to-end tests that start the real node. Benchmarks are compiled here and run on demand.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bash "$here/setup.sh"
. "$here/env.sh"
cd "$root"

step() { printf '\n[test] %s\n' "$*"; }

step "all crates, including the end-to-end node tests"
cargo nextest run --workspace --no-fail-fast

step "pallet benchmarks as tests on the mock runtime (feature runtime-benchmarks)"
cargo nextest run -p pallet-medical-sharing --features runtime-benchmarks --no-fail-fast

step "the runtime's try-runtime API and invariant hooks compile (docs/CHAIN.md)"
SKIP_WASM_BUILD=1 cargo check -p medshare-runtime -p pallet-medical-sharing \
	--features medshare-runtime/try-runtime,pallet-medical-sharing/try-runtime --quiet

step "benchmarks compile (run them with scripts/bench.sh)"
cargo build --workspace --benches --quiet

step "done"
