//! End to end: the built node runs a development chain, finalizes blocks, serves the genesis
//! indicator registry over JSON-RPC and stops cleanly on SIGINT.

mod common;

use std::time::Duration;

use codec::Decode;
use common::{free_port, RunningNode};
use frame_support::storage::StoragePrefixedMap;
use medshare_runtime::Runtime;
use pallet_medical_sharing::{Indicator, IndicatorCount, Indicators};
use serde_json::json;

fn hex_decode(text: &str) -> Vec<u8> {
	let digits = text.trim_start_matches("0x");
	(0..digits.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("RPC returns hex"))
		.collect()
}

fn hex_encode(bytes: &[u8]) -> String {
	let mut text = String::from("0x");
	for byte in bytes {
		text.push_str(&format!("{byte:02x}"));
	}
	text
}

#[test]
fn dev_node_finalizes_blocks_and_serves_the_genesis_indicator_registry() {
	let rpc_port = free_port();
	let mut node = RunningNode::start(&common::dev_args(rpc_port, &[]), rpc_port);
	node.wait_for_rpc(Duration::from_secs(180));

	assert_eq!(node.call("system_chain", json!([])), json!("MedShare Development"));
	let finalized = node.wait_for_finalized_above(3, Duration::from_secs(180));
	assert!(finalized > 3);

	// Every entry under MedicalSharing::Indicators, decoded with the pallet's own type.
	let prefix = Indicators::<Runtime>::final_prefix();
	let keys = node.call("state_getKeysPaged", json!([hex_encode(&prefix), 100]));
	let keys = keys.as_array().expect("a list of storage keys");
	let mut indicators: Vec<Indicator> = keys
		.iter()
		.map(|key| {
			let value = node.call("state_getStorage", json!([key]));
			let bytes = hex_decode(value.as_str().expect("a stored value"));
			Indicator::decode(&mut &bytes[..]).expect("a stored indicator decodes")
		})
		.collect();
	indicators.sort_by(|a, b| a.code.cmp(&b.code));
	let codes: Vec<String> =
		indicators.iter().map(|i| String::from_utf8(i.code.to_vec()).unwrap()).collect();
	for expected in ["8310-5", "8480-6", "8462-4", "8867-4", "2708-6", "15074-8"] {
		assert!(codes.iter().any(|c| c == expected), "{expected} missing from {codes:?}");
	}
	let temperature = indicators.iter().find(|i| &i.code[..] == b"8310-5").unwrap();
	assert_eq!(&temperature.unit[..], b"Cel");
	assert_eq!((temperature.scale, temperature.lo, temperature.hi), (2, 2_500, 4_500));

	let count_key = hex_encode(&IndicatorCount::<Runtime>::hashed_key());
	let count = node.call("state_getStorage", json!([count_key]));
	let count = u32::decode(&mut &hex_decode(count.as_str().unwrap())[..]).unwrap();
	assert_eq!(count as usize, indicators.len());

	// The dev chain's keys are the development setup's, and the node says so.
	assert!(node.log().contains("proofs with the DEVELOPMENT key"), "no warning: {}", node.log_tail());

	let status = node.stop();
	assert!(status.success(), "the node should exit cleanly on SIGINT, got {status}");
}

/// `build-spec --chain local` with `--ceremony-keys`, its stderr and the spec on success.
fn local_spec(keys: Option<&std::path::Path>) -> (bool, String, String) {
	let mut command = std::process::Command::new(common::node_binary());
	command.args(["build-spec", "--chain", "local", "--raw", "--disable-default-bootnode"]).env_remove("MEDSHARE_CEREMONY_KEYS");
	if let Some(keys) = keys {
		command.arg("--ceremony-keys").arg(keys);
	}
	let output = command.output().expect("the node binary runs");
	(output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned(), String::from_utf8_lossy(&output.stdout).into_owned())
}

fn keys_file(requirement: &[u8], eligibility: &[u8]) -> String {
	let entry = |key: &[u8], digest: u8| json!({ "key": hex_encode(key), "transcript": hex_encode(&[digest; 32]) });
	json!({
		"format": "medshare-verifying-keys-v1",
		"phase1": hex_encode(&[1; 32]),
		"requirement": entry(requirement, 2),
		"eligibility": entry(eligibility, 3),
	})
	.to_string()
}

/// The `local` chain takes a ceremony's keys, refuses to start without them, and refuses a
/// file that passes the development keys off as a ceremony's.
#[test]
fn the_local_chain_takes_ceremony_keys_and_refuses_development_keys() {
	let (ok, stderr, _) = local_spec(None);
	assert!(!ok && stderr.contains("--ceremony-keys FILE"), "{stderr}");

	let dir = tempfile::tempdir().unwrap();
	let development = dir.path().join("development.json");
	std::fs::write(&development, keys_file(medshare_zk::DEV_REQUIREMENT_VK, medshare_zk::DEV_ELIGIBILITY_VK)).unwrap();
	let (ok, stderr, _) = local_spec(Some(&development));
	assert!(!ok && stderr.contains("the requirement key is the development key"), "{stderr}");

	// Well-formed keys that are not the development ones: α and β in G1 swapped.
	let other = |key: &[u8]| {
		let mut key = key.to_vec();
		let (alpha, beta) = key[..192].split_at_mut(96);
		alpha.swap_with_slice(beta);
		key
	};
	let ceremony = dir.path().join("ceremony.json");
	let (requirement, eligibility) = (other(medshare_zk::DEV_REQUIREMENT_VK), other(medshare_zk::DEV_ELIGIBILITY_VK));
	std::fs::write(&ceremony, keys_file(&requirement, &eligibility)).unwrap();
	let (ok, stderr, spec) = local_spec(Some(&ceremony));
	assert!(ok, "{stderr}");
	// The genesis holds the keys, their transcript digests and the refusal of development keys.
	let top = serde_json::from_str::<serde_json::Value>(&spec).unwrap()["genesis"]["raw"]["top"].clone();
	let stored = |key: Vec<u8>| top[hex_encode(&key)].as_str().map(str::to_string);
	use pallet_medical_sharing::{Circuit, DevelopmentKeysRefused, KeyOrigin, VerifyingKeyOrigins, VerifyingKeys};
	let key = stored(VerifyingKeys::<Runtime>::hashed_key_for(Circuit::Eligibility)).expect("the eligibility key");
	assert_eq!(key, hex_encode(&codec::Encode::encode(&eligibility)));
	let origin = stored(VerifyingKeyOrigins::<Runtime>::hashed_key_for(Circuit::Requirement)).expect("an origin");
	let origin = KeyOrigin::decode(&mut &hex_decode(&origin)[..]).unwrap();
	assert_eq!(origin, KeyOrigin::Ceremony { transcript: sp_core::H256([2; 32]) });
	assert_eq!(stored(DevelopmentKeysRefused::<Runtime>::hashed_key().to_vec()).as_deref(), Some("0x01"));
}

#[test]
fn node_reports_a_clear_error_for_an_unknown_chain() {
	let output = std::process::Command::new(common::node_binary())
		.args(["--chain", "/nonexistent/spec.json", "--tmp"])
		.output()
		.expect("the node binary runs");
	assert!(!output.status.success());
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(stderr.contains("spec.json"), "the error should name the missing file: {stderr}");
}
