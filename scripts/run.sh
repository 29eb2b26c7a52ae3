#!/usr/bin/env bash
# The README's main command. Sets up a fresh machine if needed, builds MedShare, starts a
# development node with JSON-RPC on ws://127.0.0.1:9944, runs one complete sharing session on
# it (`medshare demo`: Bob is the institution, Charlie the holder), and then leaves the node
# running for polkadot-js apps until Ctrl-C. Extra arguments go to the node.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bash "$here/setup.sh"
. "$here/env.sh"
cd "$root"

rpc_port=9944
echo "[run] building medshare-node and the medshare client (the first build takes a while)"
# Two invocations, not one: together cargo would unify the client's dependency features into
# the node's and rebuild the whole node stack a second time (docs/BUILD.md).
cargo build -p medshare-node
cargo build -p medshare-client

node="$CARGO_TARGET_DIR/debug/medshare-node"
client="$CARGO_TARGET_DIR/debug/medshare"
log="$CARGO_TARGET_DIR/dev-node.log"

if curl -s -o /dev/null "http://127.0.0.1:$rpc_port" 2>/dev/null; then
	echo "[run] something already listens on port $rpc_port: stop it (another dev node?) and rerun" >&2
	exit 1
fi

echo "[run] starting a development chain (Alice validates and is sudo; Bob is the demo institution)"
echo "[run] node log: $log"
"$node" --dev --rpc-port "$rpc_port" --rpc-cors all "$@" >"$log" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true' EXIT

health='{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}'
for _ in $(seq 1 120); do
	if curl -s -H 'Content-Type: application/json' -d "$health" "http://127.0.0.1:$rpc_port" | grep -q '"result"'; then
		break
	fi
	if ! kill -0 "$node_pid" 2>/dev/null; then
		echo "[run] the node stopped; the end of its log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	sleep 1
done

echo "[run] running one complete sharing session (the first run also creates the development"
echo "[run] proving parameters, about two minutes, cached in ~/.cache/medshare/params)"
"$client" --url "ws://127.0.0.1:$rpc_port" demo

echo
echo "[run] the node keeps running: polkadot-js apps https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944"
echo "[run] (docs/POLKADOT_JS.md explains the calls); Ctrl-C stops it"
wait "$node_pid"
