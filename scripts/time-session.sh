#!/usr/bin/env bash
# Times a whole four-indicator sharing session through the CLI (`medshare demo`) on a fresh
# development chain, waiting for inclusion (the default) and for finality, alternately in one
# run so that both see the same machine. The session is timed from the demo's start to the
# institution's decrypted result (the demo's steps after it, a withdrawal and the reports, are
# shown apart). Prints a Markdown table for docs/PERFORMANCE.md.
#
#   scripts/time-session.sh            # 5 sessions each way
#   scripts/time-session.sh 10         # 10 each way
#
# The keys are generated (and the proving parameters created, on a fresh machine) by one
# warm-up session that is not counted: what is timed is a session as a returning user runs it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
runs="${1:-5}"
bash "$here/setup.sh" >/dev/null
. "$here/env.sh"
cd "$root"

cargo build -q -p medshare-node
cargo build -q -p medshare-client
node="$CARGO_TARGET_DIR/debug/medshare-node"
client="$CARGO_TARGET_DIR/debug/medshare"
port=9977
work="$(mktemp -d)"
"$node" --dev --tmp --rpc-port "$port" --port 30377 --no-prometheus >"$work/node.log" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
health='{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}'
until curl -s -H 'Content-Type: application/json' -d "$health" "http://127.0.0.1:$port" | grep -q '"result"'; do
	kill -0 "$node_pid" 2>/dev/null || { tail -n 20 "$work/node.log" >&2; exit 1; }
	sleep 1
done

export MEDSHARE_STATE_DIR="$work/state"
demo() { "$client" --url "ws://127.0.0.1:$port" --wait "$1" --json demo; }
echo "[time-session] warm-up session (keys, parameters)" >&2
demo inclusion >/dev/null
for i in $(seq 1 "$runs"); do
	for wait in inclusion finality; do
		start=$(date +%s.%N)
		demo "$wait" >"$work/$wait-$i.json"
		end=$(date +%s.%N)
		echo "$wait $(echo "$end - $start" | bc)" >>"$work/times"
		echo "[time-session] run $i, --wait $wait: $(tail -n 1 "$work/times" | cut -d' ' -f2) s" >&2
	done
done

python3 - "$work" "$runs" "$root/docs/figures/report-example.png" <<'EOF'
import json, os, re, shutil, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
times = {"inclusion": [], "finality": []}
for line in open(os.path.join(work, "times")):
    wait, seconds = line.split()
    times[wait].append(float(seconds))
# Per step: seconds from the previous step's end, median over the runs (from the demo's JSON).
steps = {}
for wait in times:
    for i in range(1, runs + 1):
        report = json.load(open(os.path.join(work, f"{wait}-{i}.json")))
        previous = 0.0
        for step in report["steps"]:
            # Ids and counts differ from run to run; the step does not.
            key = (step["actor"], re.sub(r"\d+", "N", step["what"].split(" (")[0].split(";")[0]))
            steps.setdefault(key, {"inclusion": [], "finality": []})[wait].append(step["elapsed"] - previous)
            previous = step["elapsed"]
# The session ends with the institution's decrypted result.
session = {wait: [] for wait in times}
for wait in times:
    for i in range(1, runs + 1):
        report = json.load(open(os.path.join(work, f"{wait}-{i}.json")))
        session[wait].append(next(s["elapsed"] for s in report["steps"] if s["what"].startswith("decrypted the result")))
fin = statistics.median(session["finality"])
print(f"A four-indicator session through `medshare demo` ({runs} runs each way, alternating; median):\n")
print("| --wait | session: start to the institution's result | min | max | vs finality | whole demo (process wall time) |")
print("|---|---|---|---|---|---|")
for wait in ("inclusion", "finality"):
    t = session[wait]
    median = statistics.median(t)
    print(f"| {wait} | {median:.1f} s | {min(t):.1f} s | {max(t):.1f} s | {median / fin:.2f} | {statistics.median(times[wait]):.1f} s |")
print("\nPer step (median seconds since the previous step ended):\n")
print("| actor | step | inclusion | finality |")
print("|---|---|---|---|")
for (actor, what), by in steps.items():
    cell = lambda v: f"{statistics.median(v):.1f}" if v else "-"
    print(f"| {actor} | {what} | {cell(by['inclusion'])} | {cell(by['finality'])} |")
# The chart of the last session's report, as docs/CLIENT.md shows it.
last = json.load(open(os.path.join(work, f"inclusion-{runs}.json")))
shutil.copyfile(last["chart"], sys.argv[3])
print(f"\nchart of request {last['request_id']} copied to {sys.argv[3]}", file=sys.stderr)
EOF
