fn main() {
	#[cfg(feature = "std")]
	{
		// MedShare's scripts keep the target directory outside the clone (docs/BUILD.md), where
		// the wasm builder cannot find this workspace's Cargo.lock by walking up from OUT_DIR.
		// The hint is set here, for this crate only: other wasm-building crates in the graph
		// (frame-benchmarking-cli's test runtime) must not be pointed at our workspace.
		if std::env::var_os("WASM_BUILD_WORKSPACE_HINT").is_none() {
			let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it");
			let workspace = std::path::Path::new(&manifest_dir)
				.parent()
				.expect("runtime/ lives in the workspace root");
			std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
		}
		#[cfg(not(feature = "metadata-hash"))]
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		#[cfg(feature = "metadata-hash")]
		substrate_wasm_builder::WasmBuilder::init_with_defaults().enable_metadata_hash("UNIT", 12).build();
	}
}
