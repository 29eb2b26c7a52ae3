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

# The end-to-end session leaves its chain's state here for the try-runtime step below.
export MEDSHARE_STATE_SNAPSHOT="$CARGO_TARGET_DIR/medshare-dev-state.json"
rm -f "$MEDSHARE_STATE_SNAPSHOT"

step "all crates, including the end-to-end node tests"
cargo nextest run --workspace --no-fail-fast -E 'not binary_id(medshare-client::network)'

# Alone, so that its four validators do not share the two cores with the other node tests (the
# same features as above: nothing is rebuilt). As root every validator gets its own network
# namespace, and a missing one is a failure; without root they share 127.0.0.1 and the
# partition is skipped, said in the output.
step "four validators on their own hosts: a crash, a partition, restarts, a lost database (docs/NETWORK.md)"
network_mode=loopback
[ "$(id -u)" -ne 0 ] || network_mode=netns
MEDSHARE_NETWORK="${MEDSHARE_NETWORK:-$network_mode}" \
	cargo nextest run --workspace --no-fail-fast --no-capture -E 'binary_id(medshare-client::network)'

step "pallet benchmarks as tests on the mock runtime (feature runtime-benchmarks)"
cargo nextest run -p pallet-medical-sharing --features runtime-benchmarks --no-fail-fast

step "try-runtime: the upgrade's dry run and every pallet's invariants on the session's chain state (docs/CHAIN.md)"
SKIP_WASM_BUILD=1 cargo nextest run -p medshare-runtime --features try-runtime --no-fail-fast

step "benchmarks compile (run them with scripts/bench.sh)"
cargo build --workspace --benches --quiet

step "done"
