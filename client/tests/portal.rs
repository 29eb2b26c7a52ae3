//! `medshare serve` against a real `--dev --tmp` node: the one-time token guards every route,
//! the server refuses a non-loopback address without `--allow-remote`, and the routes answer
//! with the library's own results (the registry in words, an uploaded FHIR bundle imported,
//! a file that is not FHIR refused with its message). Then a whole session through two portals,
//! Bob's and Charlie's, each with its own state directory: the institution's -1/0/1 equal the
//! plaintext's, and its report and chart count them. Steps run as jobs whose progress can be
//! read while they run; bad request forms and an ended request are refused before anything is
//! proven or sent. `tests/browser.rs` drives the same through the pages in Chromium.

mod support;

use std::process::Command;

use serde_json::Value;
use support::{call, expected_outcomes, reported_outcomes, sample, serve, start_dev_node, Served};

#[test]
fn the_portal_answers_only_with_its_token_on_loopback_and_drives_a_session() {
	// Refused before it connects to anything.
	let refused = Command::new(env!("CARGO_BIN_EXE_medshare"))
		.args(["--suri", "//Charlie", "serve", "--listen", "0.0.0.0:0"])
		.output()
		.expect("medshare runs");
	assert!(!refused.status.success());
	let stderr = String::from_utf8_lossy(&refused.stderr);
	assert!(stderr.contains("refusing to listen on 0.0.0.0:0") && stderr.contains("--allow-remote"), "{stderr}");

	let node = start_dev_node();
	let state = tempfile::tempdir().unwrap();
	let url = format!("ws://127.0.0.1:{}", node.rpc_port);
	let served = serve(&url, state.path(), "//Charlie");

	// Without the token, or with another, nothing is answered: the page, the API.
	for path in ["/", "/api/whoami", "/api/registry"] {
		let (status, body) = call(&served, path, None, None);
		assert_eq!(status, 401, "{path}: {body}");
		assert_eq!(body["kind"], "Unauthorized", "{path}: {body}");
		let wrong = "0".repeat(served.token.len());
		assert_eq!(call(&served, path, Some(&wrong), None).0, 401, "{path}");
		assert_eq!(call(&served, path, Some(&served.token[..served.token.len() - 1]), None).0, 401, "{path}");
	}
	// The token in the query, as the printed URL has it, opens the page.
	let page = ureq::get(&format!("{}/?token={}", served.base, served.token)).call().expect("the page");
	let policy = page.header("content-security-policy").unwrap_or_default().to_string();
	assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe"), "{policy}");
	assert!(page.into_string().unwrap().contains("<title>MedShare portal</title>"));
	// The script and the style sheet hold nothing of the signer's: they load without the token.
	for asset in ["/app.js", "/style.css"] {
		let loaded = ureq::get(&format!("{}{asset}", served.base)).call().unwrap_or_else(|e| panic!("{asset}: {e}"));
		assert_eq!(loaded.header("content-security-policy"), Some(policy.as_str()), "{asset}");
	}

	// With it, the library's results.
	let token = Some(served.token.as_str());
	let (status, me) = call(&served, "/api/whoami", token, None);
	assert_eq!((status, me["account"].as_str()), (200, Some("5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y")), "{me}");
	assert_eq!((me["institution"].as_bool(), me["key_registered"].as_bool()), (Some(false), Some(false)), "{me}");
	assert_eq!(me["block_ms"], 2000, "the dev chain's block time: {me}");
	let (status, registry) = call(&served, "/api/registry", token, None);
	assert_eq!(status, 200);
	assert!(registry.as_array().unwrap().iter().any(|e| e["code"] == "8310-5" && e["name"] == "Body temperature"), "{registry}");
	let (status, requests) = call(&served, "/api/requests", token, None);
	assert_eq!((status, requests), (200, serde_json::json!([])));
	let (status, history) = call(&served, "/api/history", token, None);
	assert_eq!((status, history), (200, serde_json::json!([])));

	// An uploaded FHIR bundle is imported into the holder's state; a file that is not FHIR is
	// refused with the importer's message, and nothing is written.
	let bundle = std::fs::read_to_string(sample("holder-bundle.json")).unwrap();
	let (status, imported) = call(&served, "/api/import", token, Some(&bundle));
	assert_eq!(status, 200, "{imported}");
	let temperature = imported["values"].as_array().unwrap().iter().find(|v| v["code"] == "8310-5").expect("temperature");
	assert_eq!(temperature["unit"], "Cel", "{temperature}");
	let (status, refused) = call(&served, "/api/import", token, Some("{\"resourceType\": \"Patient\"}"));
	assert_eq!((status, refused["kind"].as_str()), (400, Some("Import")), "{refused}");
	assert!(refused["error"].as_str().unwrap().contains("the bundle cannot be imported"), "{refused}");

	// A whole session through two portals, one per party.
	let bob_state = tempfile::tempdir().unwrap();
	let bob = serve(&url, bob_state.path(), "//Bob");
	let as_bob = Some(bob.token.as_str());
	let ok = |served: &Served, path: &str, token: Option<&str>, body: Option<&str>| {
		let (status, value) = call(served, path, token, body);
		assert_eq!(status, 200, "{path}: {value}");
		value
	};
	// A step is a job: answered at once, followed until it ends, its progress visible meanwhile.
	let (status, started) = call(&bob, "/api/keygen", as_bob, Some(""));
	assert_eq!(status, 202, "{started}");
	let job = format!("/api/jobs/{}", started["job"]);
	let ended = loop {
		let (status, seen) = call(&bob, &job, as_bob, None);
		assert_eq!(status, 200, "{seen}");
		if seen["state"] != Value::Null {
			break seen;
		}
		std::thread::sleep(std::time::Duration::from_millis(200));
	};
	assert_eq!((ended["state"].as_str(), ended["step"].as_str()), (Some("done"), Some("keygen")), "{ended}");
	assert!(ended["progress"]["message"].as_str().unwrap().contains("Paillier key pair"), "{ended}");
	assert_eq!(ended["result"]["bits"], 2048, "{ended}");
	assert_eq!(call(&bob, "/api/jobs/999", as_bob, None).1["kind"], "NoSuchJob");
	ok(&bob, "/api/institution/register?wait", as_bob, Some("portal test institution"));
	// A request that cannot be posted is refused before anything is proven or sent.
	let too_narrow = r#"{"indicators":[{"code":"8310-5","unit":"Cel","low":"36.5","high":"37.5","min_width":"0.25"}]}"#;
	for path in ["/api/institution/check-request", "/api/institution/request"] {
		let (status, refused) = call(&bob, path, as_bob, Some(too_narrow));
		assert_eq!((status, refused["kind"].as_str()), (400, Some("RequestFile")), "{path}: {refused}");
		assert!(refused["error"].as_str().unwrap().contains("below the registry's minimum 0.50 Cel"), "{refused}");
	}
	assert_eq!(call(&bob, "/api/requests", as_bob, None).1, serde_json::json!([]), "nothing was sent");
	// A request that ends soon (10 blocks, 20 s here): by the session's end it takes no one.
	let short = r#"{"lifetime":10,"indicators":[{"code":"8310-5","unit":"Cel","low":"36.5","high":"37.5","min_width":"0.5"}]}"#;
	let short_id = ok(&bob, "/api/institution/request?wait", as_bob, Some(short))["request_id"].as_u64().unwrap();
	let request_file = std::fs::read_to_string(sample("request.json")).unwrap();
	let request_id = ok(&bob, "/api/institution/request?wait", as_bob, Some(&request_file))["request_id"].as_u64().unwrap();
	let (_, listed) = call(&served, "/api/requests", token, None);
	let names: Vec<&str> = listed[0]["indicators"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
	assert!(names.contains(&"Body temperature"), "the holder sees the indicators in words: {listed}");

	ok(&served, "/api/holder/register-key?wait", token, Some(""));
	let session_id = ok(&served, &format!("/api/holder/join/{request_id}?wait"), token, Some(""))["session_id"].as_u64().unwrap();
	ok(&served, &format!("/api/holder/submit-data/{session_id}?wait"), token, Some(""));
	ok(&bob, &format!("/api/institution/compare/{session_id}?wait"), as_bob, Some(""));
	let answered = ok(&served, &format!("/api/holder/answer/{session_id}?wait"), token, Some(""));
	let results = ok(&bob, &format!("/api/institution/results/{session_id}?wait"), as_bob, Some(""));
	assert_eq!(reported_outcomes(&results), expected_outcomes(&registry));
	assert_eq!(answered["outcomes"], results["outcomes"]);
	let report = ok(&bob, &format!("/api/report/{request_id}"), as_bob, None);
	assert_eq!(report["holders"], 1, "{report}");
	let chart = ureq::get(&format!("{}/api/report/{request_id}/chart.svg", bob.base))
		.set("x-medshare-token", &bob.token)
		.call()
		.expect("the chart");
	assert_eq!(chart.content_type(), "image/svg+xml");
	assert!(chart.into_string().unwrap().starts_with("<svg"));
	let history = ok(&served, "/api/history", token, None);
	assert_eq!(history[0]["state"], "Completed", "{history}");
	// Charlie's portal cannot report on Bob's request: its state has no ranges of it.
	let (status, refused) = call(&served, &format!("/api/report/{request_id}"), token, None);
	assert_ne!(status, 200, "{refused}");
	let own = ok(&bob, "/api/institution/requests", as_bob, None);
	let listed = own.as_array().unwrap().iter().find(|r| r["request_id"] == request_id).expect("Bob's request");
	assert_eq!((listed["sessions"][0]["state"].as_str(), listed["sessions"][0]["decrypted"].as_bool()), (Some("Completed"), Some(true)), "{own}");

	// The short request has ended: joining it is refused before any proof, in words.
	loop {
		let (_, me) = call(&served, "/api/whoami", token, None);
		let ends = own.as_array().unwrap().iter().find(|r| r["request_id"] == short_id).expect("the short request")["expires_at"].as_u64().unwrap();
		if me["head"].as_u64().unwrap() >= ends {
			break;
		}
		std::thread::sleep(std::time::Duration::from_secs(1));
	}
	let (status, late) = call(&served, &format!("/api/holder/join/{short_id}?wait"), token, Some(""));
	assert_eq!((status, late["kind"].as_str()), (422, Some("RequestExpired")), "{late}");
	assert!(late["error"].as_str().unwrap().contains("nothing was proven or sent"), "{late}");

	// The node goes away: the page is told so, in words, and the portal keeps running.
	node.stop();
	let (status, gone) = call(&served, "/api/requests", token, None);
	assert_eq!((status, gone["kind"].as_str()), (502, Some("NodeUnreachable")), "{gone}");
	assert!(gone["error"].as_str().unwrap().contains("Is the node still running"), "{gone}");
	assert_eq!(call(&served, "/api/holder/data", token, None).0, 200, "the portal itself still answers");
}
