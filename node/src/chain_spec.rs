//! The built-in chains: `dev` (one validator) and `local` (four validators).

use std::path::Path;

use medshare_runtime::WASM_BINARY;
use medshare_zk::ceremony::keys::CeremonyKeys;
use sc_service::ChainType;
use serde_json::{json, Value};

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

/// Local test network: Alice, Bob, Charlie and Dave validate; Alice is sudo. Its verifying
/// keys come from a setup ceremony's file (`--ceremony-keys`): the chain refuses development
/// keys, at genesis and afterwards.
pub fn local_testnet(ceremony_keys: Option<&Path>) -> Result<ChainSpec, String> {
	let path = ceremony_keys.ok_or_else(|| {
		"the local chain refuses development verifying keys and takes a setup ceremony's: pass \
		 --ceremony-keys FILE (the verifying-keys.json that `medshare-setup export` writes; \
		 docs/CEREMONY.md), or run --chain dev for development keys"
			.to_string()
	})?;
	let keys = std::fs::read_to_string(path)
		.map_err(|e| e.to_string())
		.and_then(|text| CeremonyKeys::from_json(&text).map_err(|e| e.to_string()))
		.map_err(|e| format!("--ceremony-keys {}: {e}", path.display()))?;
	let preset = medshare_runtime::genesis::get_preset(&sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET.into())
		.ok_or("the runtime has no local_testnet preset")?;
	let mut patch: Value = serde_json::from_slice(&preset).map_err(|e| format!("the local_testnet preset: {e}"))?;
	let sharing = &mut patch["medicalSharing"];
	sharing["requirementVerifyingKey"] = json!(keys.requirement.key);
	sharing["requirementKeyTranscript"] = json!(keys.requirement.transcript);
	sharing["eligibilityVerifyingKey"] = json!(keys.eligibility.key);
	sharing["eligibilityKeyTranscript"] = json!(keys.eligibility.transcript);
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("MedShare Local Testnet")
		.with_id("medshare_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_patch(patch)
		.with_properties(properties())
		.build())
}

