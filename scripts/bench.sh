#!/usr/bin/env bash
# Runs the criterion benchmarks of one crate, or of all of them: scripts/bench.sh [crate...]
# Benchmarks are slow and noisy on a 2-core machine: run them on an otherwise idle machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup.sh"
. "$here/env.sh"
cd "$(dirname "$here")"
if (($#)); then
	for crate in "$@"; do cargo bench -p "$crate"; done
else
	cargo bench --workspace
fi
