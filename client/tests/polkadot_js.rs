//! polkadot-js drives a whole session: `medshare export-session` prepares every payload, the
//! Node.js script in `client/polkadot-js/` (@polkadot/api, pinned by its package-lock.json)
//! lists the MedicalSharing calls from the node's metadata and submits the six calls, checking
//! each event; the Rust client then decrypts the result, which must equal the plaintext's.
//! Skipped, saying so, only when `npm` is not installed.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{expected_outcomes, reported_outcomes, start_dev_node, Cli};

#[test]
fn polkadot_js_submits_a_session_the_rust_client_prepared() {
	let npm_version = Command::new("npm").arg("--version").output();
	if !matches!(&npm_version, Ok(o) if o.status.success()) {
		eprintln!("SKIPPED polkadot_js_submits_a_session_the_rust_client_prepared: npm is not installed (install Node.js 20 and npm to run it)");
		return;
	}
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("polkadot-js");
	let install = Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir).output().expect("npm runs");
	assert!(install.status.success(), "npm ci failed:\n{}", String::from_utf8_lossy(&install.stderr));

	let node = start_dev_node();
	let state = tempfile::tempdir().unwrap();
	let cli = Cli::new(&node, state.path());
	let document = state.path().join("session.json");
	let exported = cli.ok(&["export-session", "--out", document.to_str().unwrap()]);
	let session_id = exported["session_id"].as_u64().unwrap();

	let url = format!("ws://127.0.0.1:{}", node.rpc_port);
	let run = Command::new("node").arg("session.mjs").arg(&url).arg(&document).current_dir(&dir).output().expect("node runs");
	let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
	assert!(run.status.success(), "session.mjs failed\nstdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&run.stderr));
	let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON lines")).collect();

	// The calls, from metadata.
	let calls: Vec<&str> = lines[0]["calls"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
	for call in [
		"registerInstitution",
		"registerHolderKey",
		"createRequest",
		"submitEligibility",
		"submitEncryptedData",
		"submitComparison",
		"submitResult",
	] {
		assert!(calls.contains(&call), "{call} missing from {calls:?}");
	}
	// Every step, in order, with its event and increasing blocks.
	let steps: Vec<(&str, &str)> =
		lines[1..8].iter().map(|l| (l["call"].as_str().unwrap(), l["event"].as_str().unwrap())).collect();
	assert_eq!(
		steps,
		[
			("registerInstitution", "InstitutionRegistered"),
			("createRequest", "RequestCreated"),
			("registerHolderKey", "HolderKeyRegistered"),
			("submitEligibility", "SessionOpened"),
			("submitEncryptedData", "EncryptedDataSubmitted"),
			("submitComparison", "ComparisonSubmitted"),
			("submitResult", "SessionCompleted")
		]
	);
	let blocks: Vec<u64> = lines[1..8].iter().map(|l| l["block"].as_u64().unwrap()).collect();
	assert!(blocks.windows(2).all(|w| w[0] < w[1]), "{blocks:?}");
	assert_eq!(lines[7]["fields"]["session_id"].as_u64(), Some(session_id));
	assert_eq!(lines[8]["ok"], true);

	// The session polkadot-js submitted is a real one: the institution decrypts its result.
	let registry = cli.ok(&["registry"]);
	let results = cli.ok(&["institution", "results", "--suri", "//Bob", "--session", &session_id.to_string()]);
	assert_eq!(reported_outcomes(&results), expected_outcomes(&registry));

	node.stop();
}
