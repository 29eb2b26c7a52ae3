#!/usr/bin/env bash
# Sets up a fresh machine if needed, builds MedShare and starts a development node with
# JSON-RPC on ws://127.0.0.1:9944 (polkadot-js apps can connect to it). Ctrl-C stops it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bash "$here/setup.sh"
. "$here/env.sh"
cd "$root"

echo "[run] building medshare-node (the first build takes a while; later ones are quick)"
cargo build -p medshare-node

node="$CARGO_TARGET_DIR/debug/medshare-node"
echo "[run] starting a development chain: Alice validates, sudo is Alice (the registrar)"
echo "[run] JSON-RPC: ws://127.0.0.1:9944  polkadot-js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944"
exec "$node" --dev --rpc-port 9944 --rpc-cors all "$@"
