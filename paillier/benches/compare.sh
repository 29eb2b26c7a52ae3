#!/usr/bin/env bash
# Runs the medshare-paillier criterion benchmarks and the python-phe + gmpy2 baseline in one run
# and prints the ratio table of docs/PERFORMANCE.md (also written to
# $CARGO_TARGET_DIR/paillier-bench/table.md).
#
#   paillier/benches/compare.sh                 # everything, about a quarter of an hour on two cores
#   paillier/benches/compare.sh --phe-reps 1    # one python pipeline run per size instead of three
#   paillier/benches/compare.sh --no-portable   # skip the second run without SIMD
#
# The crate uses AVX-512 IFMA where the CPU has it; the second criterion run sets
# MEDSHARE_PAILLIER_NO_SIMD=1 to measure the portable code that every other CPU runs.
# Timings are only meaningful on a quiet machine: the script waits until no rustc is running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/scripts/env.sh"
cd "$root"

phe_reps=3
portable=1
while [ $# -gt 0 ]; do
	case "$1" in
		--phe-reps) phe_reps="$2"; shift 2 ;;
		--no-portable) portable=0; shift ;;
		*) echo "unknown argument: $1" >&2; exit 2 ;;
	esac
done

out="$CARGO_TARGET_DIR/paillier-bench"
# Fresh estimates only: a stale file from an earlier run must not leak into the table.
rm -rf "$out"
mkdir -p "$out"

cargo bench -p medshare-paillier --bench paillier --no-run
while pgrep -x rustc >/dev/null; do
	echo "waiting for other rustc processes to finish..." >&2
	sleep 20
done

# Every phase runs under cpu_guard.py, which measures how much CPU other processes took meanwhile
# and repeats a disturbed phase (up to three attempts); the report prints what remained.
guard() { python3 "$here/cpu_guard.py" "$out/interference.json" "$@"; }
bench() { cargo bench -p medshare-paillier --bench paillier -- "$@"; }
for group in keygen_2048 ops_2048 keygen_3072 ops_3072 holder_pipeline institution; do
	CRITERION_HOME="$out/criterion" guard "$group" -- bash -c "$(declare -f bench); bench '^$group/'"
done
if [ "$portable" = 1 ]; then
	for group in ops_2048 holder_pipeline institution; do
		MEDSHARE_PAILLIER_NO_SIMD=1 CRITERION_HOME="$out/criterion-portable" \
			guard "$group (portable)" -- bash -c "$(declare -f bench); bench '^$group/'"
	done
fi
guard "python-phe" -- sh -c "python3 '$here/phe_baseline.py' --pipeline-reps '$phe_reps' > '$out/phe.json'"
python3 "$here/report.py" "$out" | tee "$out/table.md"
