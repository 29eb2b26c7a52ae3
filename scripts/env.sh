# Shared environment for every MedShare script and for CI: source it, do not run it.
# One target directory outside the clone, so builds survive a fresh checkout (docs/BUILD.md).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medshare/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Two cores: let cargo use both, and keep rustc from spawning more LLVM threads than that.
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-$(nproc)}"
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-1}"
# The runtime's wasm is built once, in release, by substrate-wasm-builder.
export WASM_BUILD_TYPE="${WASM_BUILD_TYPE:-release}"
export PATH="$HOME/.cargo/bin:$PATH"
