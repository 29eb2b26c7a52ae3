//! The built-in chains: `dev` (one validator) and `local` (four validators).

use medshare_runtime::WASM_BINARY;
use sc_service::ChainType;

/// A chain specification with no extensions. Genesis is built by the runtime, whose genesis
/// checks the verifying keys through MedShare's host functions, so the chain spec's own
/// executor needs the same extra host functions as the service's.
pub type ChainSpec =
	sc_service::GenericChainSpec<sc_service::NoExtension, crate::service::ExtraHostFunctions>;

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the runtime's wasm binary is missing: the node was built with SKIP_WASM_BUILD; \
		 rebuild without it"
			.to_string()
	})
}

fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), "MED".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

/// Development chain: Alice validates alone and is sudo, the registrar.
pub fn development() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("MedShare Development")
		.with_id("medshare_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Local test network: Alice, Bob, Charlie and Dave validate; Alice is sudo.
pub fn local_testnet() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("MedShare Local Testnet")
		.with_id("medshare_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
