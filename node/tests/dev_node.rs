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

	let status = node.stop();
	assert!(status.success(), "the node should exit cleanly on SIGINT, got {status}");
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
