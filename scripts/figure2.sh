#!/usr/bin/env bash
# The paper's figure 2, measured here: the data holder's computation cost for 100, 300, 500 and
# 700 indicators in MedShare (zk/benches/holder_cost.rs, criterion) and in a proxy re-encryption
# scheme in the manner of Huang et al. 2020 (zk/benches/pre_baseline.py, umbral-pre from PyPI,
# not linked into MedShare), in one run. Draws docs/figures/figure2.png and prints the table of
# docs/PERFORMANCE.md. About a quarter of an hour on two cores; run it on a quiet machine.
#
#   scripts/figure2.sh                  # 10 runs per point
#   scripts/figure2.sh --pre-runs 20    # more runs of the (fast) baseline
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bash "$here/setup.sh" >/dev/null
. "$here/env.sh"
cd "$root"

pre_runs=10
while [ $# -gt 0 ]; do
	case "$1" in
		--pre-runs) pre_runs="$2"; shift 2 ;;
		*) echo "unknown argument: $1" >&2; exit 2 ;;
	esac
done

out="$CARGO_TARGET_DIR/figure2"
rm -rf "$out"
mkdir -p "$out"
cargo bench -p medshare-zk --bench holder_cost --no-run
while pgrep -x rustc >/dev/null; do
	echo "waiting for other rustc processes to finish..." >&2
	sleep 20
done
CRITERION_HOME="$out/criterion" cargo bench -p medshare-zk --bench holder_cost
python3 zk/benches/pre_baseline.py --runs "$pre_runs" >"$out/pre.json"
python3 zk/benches/figure2.py "$out" docs/figures/figure2.png | tee "$out/table.md"
