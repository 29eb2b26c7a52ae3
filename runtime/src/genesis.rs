//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (Alice, Bob,
//! Charlie and Dave), both with the common vital signs and labs in the indicator registry.

use alloc::{string::ToString, vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_medical_sharing::IndicatorSpec;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{AccountId, BalancesConfig, BlockTimeConfig, MedicalSharingConfig, RuntimeGenesisConfig, SudoConfig, UNIT};

/// Balance given to each well-known development account.
const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// The indicators every MedShare chain starts with: common vital signs and labs, with
/// plausibility domains wide enough for any living patient and tight enough to catch unit
/// mistakes (a temperature in Fahrenheit will not pass as Celsius).
///
/// The minimum range widths (PROTOCOL.md 9.1, docs/REGISTRY.md) are about the spread of a
/// clinical reference interval's edge: narrower ranges would let an institution locate a
/// holder's value more finely than any clinical question needs. In the registry's scaled
/// units: 0.50 Cel, 10 mm[Hg] systolic and 5 diastolic, 10 /min heart rate, 2.0 % saturation,
/// 1.0 mmol/L glucose, 4 /min respiratory rate, 5.0 kg body weight and 5.0 cm body height.
pub fn default_indicators() -> Vec<IndicatorSpec> {
	let spec = |code: &str, name: &str, unit: &str, scale: u8, (lo, hi): (u32, u32), min_width: u32| IndicatorSpec {
		code: code.to_string(),
		name: name.to_string(),
		unit: unit.to_string(),
		scale,
		lo,
		hi,
		min_width,
	};
	vec![
		spec("8310-5", "Body temperature", "Cel", 2, (2_500, 4_500), 50),
		spec("8480-6", "Systolic blood pressure", "mm[Hg]", 0, (40, 300), 10),
		spec("8462-4", "Diastolic blood pressure", "mm[Hg]", 0, (20, 200), 5),
		spec("8867-4", "Heart rate", "/min", 0, (20, 300), 10),
		spec("2708-6", "Oxygen saturation in arterial blood", "%", 1, (500, 1_000), 20),
		spec("15074-8", "Glucose in blood", "mmol/L", 1, (10, 500), 10),
		spec("9279-1", "Respiratory rate", "/min", 0, (4, 80), 4),
		spec("29463-7", "Body weight", "kg", 1, (5, 5_000), 50),
		spec("8302-2", "Body height", "cm", 1, (300, 2_720), 50),
	]
}

/// Which verifying keys a preset starts with.
enum Keys {
	/// The development keys (docs/ZK.md), INSECURE: anyone can forge proofs against them.
	Development,
	/// None, and development keys refused: the node's chain spec adds a ceremony's keys from
	/// the file given with `--ceremony-keys` (docs/CEREMONY.md).
	Ceremony,
}

fn genesis(
	slot_duration: Option<u64>,
	authorities: &[(AuraId, GrandpaId)],
	endowed: Vec<AccountId>,
	registrar_sudo: AccountId,
	demo_institution: AccountId,
	keys: Keys,
) -> Value {
	let mut patch = build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|account| (account, ENDOWMENT)).collect::<Vec<_>>(),
		},
		block_time: BlockTimeConfig { slot_duration: slot_duration },
		aura: pallet_aura::GenesisConfig {
			authorities: authorities.iter().map(|(aura, _)| aura.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: authorities
				.iter()
				.map(|(_, grandpa)| (grandpa.clone(), 1))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(registrar_sudo) },
		medical_sharing: MedicalSharingConfig { indicators: default_indicators(), institutions: vec![demo_institution] },
	});
	let sharing = &mut patch["medicalSharing"];
	match keys {
		Keys::Development => {
			sharing["requirementVerifyingKey"] = serde_json::json!(medshare_zk::DEV_REQUIREMENT_VK);
			sharing["eligibilityVerifyingKey"] = serde_json::json!(medshare_zk::DEV_ELIGIBILITY_VK);
		},
		Keys::Ceremony => sharing["refuseDevelopmentKeys"] = Value::Bool(true),
	}
	patch
}

fn authority(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(sr.public().into(), ed.public().into())
}

/// One validator, Alice, who is also sudo (the registrar); Bob is the approved demo institution;
/// two-second slots ([`crate::DEV_SLOT_DURATION`]).
fn development() -> Value {
	genesis(
		Some(crate::DEV_SLOT_DURATION),
		&[authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		Sr25519Keyring::Bob.to_account_id(),
		Keys::Development,
	)
}

/// Four validators: Alice, Bob, Charlie and Dave; Alice is sudo; Bob is the demo institution.
/// No verifying keys, and development keys refused: a ceremony's keys come from the node
/// (`--ceremony-keys`), or from the registrar with `set_verifying_key`.
fn local_testnet() -> Value {
	genesis(
		None,
		&[
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		Sr25519Keyring::Bob.to_account_id(),
		Keys::Ceremony,
	)
}

/// The JSON patch of a named preset, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialising a JSON value cannot fail")
			.into_bytes(),
	)
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
