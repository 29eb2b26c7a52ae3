//! The portal in a real browser: headless Chromium (Debian's `chromium`, driven by
//! `playwright-core` from `tests/browser/`, both installed by scripts/setup.sh) against a dev
//! node and two `medshare serve`, Bob's (an institution) and Charlie's (a holder).
//! `tests/browser/portal.mjs` posts the request through the form after the form refused bad
//! input, uploads a FHIR file after a file that is not FHIR was refused, joins with the keyboard,
//! submits, compares, answers, decrypts and opens the report with its chart, and saves a
//! screenshot of each page. This test then checks that the report on the page is the
//! institution's own and equals the plaintext's outcomes, and that a stopped node is shown in
//! words. Screenshots go to `$MEDSHARE_SCREENSHOTS` (docs/figures/portal for the docs), else
//! under the target directory.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{call, expected_outcomes, sample, serve, start_dev_node};

fn browser_dir() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("browser")
}

fn screenshots() -> PathBuf {
	std::env::var_os("MEDSHARE_SCREENSHOTS")
		.map(PathBuf::from)
		.unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("portal-screenshots"))
}

/// Runs `portal.mjs phase` with `vars` and returns the JSON line it prints.
fn drive(phase: &str, vars: &[(&str, String)]) -> Value {
	let dir = browser_dir();
	assert!(
		dir.join("node_modules").join("playwright-core").exists() && Path::new("/usr/bin/chromium").exists(),
		"the browser test needs Chromium and playwright-core: run scripts/setup.sh (it installs chromium with apt and runs npm ci in {})",
		dir.display()
	);
	let output = Command::new("node")
		.arg(dir.join("portal.mjs"))
		.arg(phase)
		.envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
		.env("SCREENSHOTS", screenshots())
		.output()
		.expect("node runs (scripts/setup.sh installs it)");
	let stdout = String::from_utf8_lossy(&output.stdout);
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "portal.mjs {phase} failed:\n{stdout}\n{stderr}");
	let line = stdout.lines().last().unwrap_or_default();
	serde_json::from_str(line).unwrap_or_else(|e| panic!("portal.mjs {phase} printed no JSON line ({e}):\n{stdout}\n{stderr}"))
}

#[test]
fn a_whole_session_through_the_pages_in_chromium() {
	let node = start_dev_node();
	let url = format!("ws://127.0.0.1:{}", node.rpc_port);
	let (bob_state, charlie_state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
	let bob = serve(&url, bob_state.path(), "//Bob");
	let charlie = serve(&url, charlie_state.path(), "//Charlie");
	let page_url = |served: &support::Served| format!("{}/?token={}", served.base, served.token);

	let seen = drive(
		"session",
		&[
			("INSTITUTION_URL", page_url(&bob)),
			("HOLDER_URL", page_url(&charlie)),
			("BUNDLE", sample("holder-bundle.json").display().to_string()),
			("REQUEST", sample("request.json").display().to_string()),
		],
	);

	// The report the page showed is the institution's own, counted from what it decrypted.
	let request_id = seen["request_id"].as_u64().expect("a request id");
	let (status, report) = call(&bob, &format!("/api/report/{request_id}"), Some(&bob.token), None);
	assert_eq!(status, 200, "{report}");
	assert_eq!(report["holders"], 1, "{report}");
	let counted: Vec<Value> = report["indicators"]
		.as_array()
		.unwrap()
		.iter()
		.map(|i| serde_json::json!({ "name": i["name"], "below": i["below"], "inside": i["inside"], "above": i["above"] }))
		.collect();
	assert_eq!(seen["report"], Value::Array(counted), "the page's table is the report");

	// And it equals what the plaintext gives, indicator by indicator.
	let (_, registry) = call(&bob, "/api/registry", Some(&bob.token), None);
	let expected = expected_outcomes(&registry);
	for (code, outcome) in &expected {
		let counts = report["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code.as_str()).expect("the indicator");
		let column = ["below", "inside", "above"][(outcome + 1) as usize];
		assert_eq!(counts[column], 1, "{code}: the plaintext is {column} the range: {counts}");
	}
	// The holder's page listed its own outcomes, in the same words.
	let words: Vec<String> = seen["holder_outcomes"].as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_string()).collect();
	for (code, outcome) in &expected {
		let name = registry.as_array().unwrap().iter().find(|e| e["code"] == code.as_str()).unwrap()["name"].as_str().unwrap();
		let said = ["below the range", "inside the range", "above the range"][(outcome + 1) as usize];
		assert!(words.contains(&format!("{name}: {said}")), "{name} {said} in {words:?}");
	}

	// The node stops: the holder's page says so in words.
	node.stop();
	let down = drive("node-down", &[("HOLDER_URL", page_url(&charlie))]);
	assert!(down["error"].as_str().unwrap().contains("NodeUnreachable"), "{down}");
}
