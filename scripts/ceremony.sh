#!/usr/bin/env bash
# A setup ceremony on this machine for a local test network (docker-compose.yml, scripts/netns.sh):
# MEDSHARE_CEREMONY_PARTICIPANTS contributions (default 1) and a beacon in each phase, at the
# circuits' size, then the export to OUT (default ./ceremony): verifying-keys.json for the
# nodes (--ceremony-keys, or the compose mount) and the parameters for `medshare --params OUT`.
# All participants are this machine, so the result is only as trustworthy as this machine: a
# real chain's ceremony has independent participants (docs/CEREMONY.md). About 10 minutes.
# Usage: scripts/ceremony.sh [OUT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
bash "$here/setup.sh"
. "$here/env.sh"
cd "$root"

out="$(realpath -m "${1:-$root/ceremony}")"
work="$out.work"
participants="${MEDSHARE_CEREMONY_PARTICIPANTS:-1}"
# The beacon is public by design; for a local network the time of day serves.
beacon="local test network, $(date -u +%Y-%m-%dT%H:%M:%SZ)"

cargo build -p medshare-setup
tool="$CARGO_TARGET_DIR/debug/medshare-setup"
rm -rf "$work"
"$tool" phase1 new --power 16 "$work"
for _ in $(seq "$participants"); do "$tool" phase1 contribute "$work"; done
"$tool" phase1 beacon --beacon "$beacon" "$work"
"$tool" phase2 new "$work"
for _ in $(seq "$participants"); do "$tool" phase2 contribute "$work"; done
"$tool" phase2 beacon --beacon "$beacon" "$work"
"$tool" export --beacon "$beacon" "$work" "$out"
rm -rf "$work"
echo "[ceremony] keys and parameters in $out (beacon: \"$beacon\")"
