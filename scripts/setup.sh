#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test MedShare. Idempotent: everything that is
# already present is left alone and nothing is downloaded twice.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/env.sh"

say() { printf '[setup] %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
	echo "[setup] cargo was not found: install Rust with rustup first (https://rustup.rs)." >&2
	exit 1
fi

installed_targets="$(rustup target list --installed)"
if ! grep -qx 'wasm32v1-none' <<<"$installed_targets"; then
	say "adding rustup target wasm32v1-none"
	rustup target add wasm32v1-none
fi
if ! grep -qx 'wasm32-unknown-unknown' <<<"$installed_targets"; then
	say "adding rustup target wasm32-unknown-unknown"
	rustup target add wasm32-unknown-unknown
fi
if ! rustup component list --installed | grep -q '^rust-src'; then
	say "adding rustup component rust-src"
	rustup component add rust-src
fi

missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg -s libclang-dev >/dev/null 2>&1 || missing+=(libclang-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
# The labels of `medshare report --chart` (plotters draws them from a TrueType font).
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# The portal's browser test (client/tests/browser.rs): Debian's Chromium, driven by
# playwright-core under Node.js; no browser is downloaded by npm.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# ip: the four-validator network test puts each validator in a network namespace (docs/NETWORK.md).
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if ((${#missing[@]})); then
	say "installing with apt-get: ${missing[*]}"
	sudo_cmd=()
	[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo-nextest >/dev/null 2>&1 && ! cargo nextest --version >/dev/null 2>&1; then
	say "installing cargo-nextest"
	cargo install --locked cargo-nextest
fi

# playwright-core for the browser test, at the version package-lock.json pins; again only when
# the lock file changed since the last install.
browser_test="$here/../client/tests/browser"
if ! cmp -s "$browser_test/package-lock.json" "$browser_test/node_modules/.medshare-installed-lock.json" 2>/dev/null \
	|| [ ! -d "$browser_test/node_modules/playwright-core" ]; then
	say "installing playwright-core for the portal's browser test (npm ci)"
	(cd "$browser_test" && npm ci --no-audit --no-fund --loglevel=error)
	cp "$browser_test/package-lock.json" "$browser_test/node_modules/.medshare-installed-lock.json"
fi

mkdir -p "$CARGO_TARGET_DIR"
say "ready (target directory: $CARGO_TARGET_DIR)"
