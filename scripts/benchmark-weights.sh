#!/usr/bin/env bash
# Builds medshare-node with runtime benchmarks and regenerates the sharing pallet's weights
# (pallets/sharing/src/weights.rs) on this machine. Usage: scripts/benchmark-weights.sh
# 20 steps x 10 repeats: the linear benchmarks validate up to 700 ciphertexts a run, so the
# whole pallet takes about 5 minutes. Extra arguments go to `benchmark pallet`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bash "$here/setup.sh"
. "$here/env.sh"
cd "$root"

# MEDSHARE_WEIGHTS_PROFILE=production measures a validator's build (one LTO build of the node,
# over an hour on two cores); the default is the development profile (docs/BUILD.md).
profile="${MEDSHARE_WEIGHTS_PROFILE:-dev}"
cargo build -p medshare-node --features runtime-benchmarks --profile "$profile"
if [ "$profile" = dev ]; then node="$CARGO_TARGET_DIR/debug/medshare-node"; else node="$CARGO_TARGET_DIR/$profile/medshare-node"; fi
# The natively verified key proofs are measured on the portable path: a validator may lack
# AVX-512 IFMA, and the weights must hold for every validator (docs/PROOFS.md).
MEDSHARE_PAILLIER_NO_SIMD=1 "$node" benchmark pallet \
	--chain dev \
	--pallet pallet_medical_sharing \
	--extrinsic '*' \
	--steps 20 \
	--repeat 10 \
	--heap-pages 4096 \
	--template "$here/frame-weight-template.hbs" \
	--header "$here/weights-header.txt" \
	--output pallets/sharing/src/weights.rs \
	"$@"
echo "[weights] wrote pallets/sharing/src/weights.rs"
