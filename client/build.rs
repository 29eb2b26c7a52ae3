//! Lets the client's end-to-end tests reuse the node's test harness (`node/tests/common`).
//!
//! That harness finds the node through `CARGO_BIN_EXE_medshare-node`, which cargo defines only
//! for the node package's own tests. Here the same variable points at the `medshare-node` that
//! the workspace build puts next to this build's outputs (`<target>/<profile>/`), so the
//! harness compiles unchanged; the tests check that the file exists and say how to build it.

use std::path::PathBuf;

fn main() {
	let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
	// OUT_DIR is <target>/<profile>/build/medshare-client-<hash>/out.
	let profile_dir = out_dir.ancestors().nth(3).expect("OUT_DIR lies under the profile directory");
	println!("cargo:rustc-env=CARGO_BIN_EXE_medshare-node={}", profile_dir.join("medshare-node").display());
	println!("cargo:rerun-if-changed=build.rs");
}
