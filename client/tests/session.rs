//! End to end on the real node: a whole sharing session through the `medshare` binary, from
//! the sample FHIR bundle and the sample request, on a `--dev --tmp` node started here.
//!
//! - The institution's decrypted -1/0/1 equal what this test computes from the plaintext.
//! - A holder whose data lies outside an indicator's domain is refused at eligibility.
//! - Another account submitting the comparison of Bob's session is refused with the pallet's
//!   `NotRequestInstitution`.
//! - Keys are registered with their zero-knowledge proofs; version 1's attack modulus with the
//!   best proofs its owner can forge is refused by the node with `ModulusProofNthRootFailed`.
//! - A holder that encrypts `m + 2^400` with the best link proof it can make is refused by the
//!   node with `LinkEncryptionEquationFailed` (PROTOCOL.md 9.2).
//! - The holder's `history` lists exactly its sessions; a holder withdraws before the
//!   comparison and is refused after it, by the client and by the node; the institution's
//!   `report` counts the completed session per indicator, as JSON, CSV and a chart.
//! - Privacy (PROTOCOL.md 5): no block header, extrinsic, event or state entry of any block
//!   holds a plaintext value, range or result in any plausible encoding; positive controls
//!   show that the same search finds what is really there.

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::{contains, encodings, outcome, reported_outcomes, requested, sample, start_dev_node, ChainDump, Cli, Place, EXPECTED_VALUES};

#[test]
fn a_full_session_through_the_cli_keeps_plaintexts_off_chain() {
	let node = start_dev_node();
	let state = tempfile::tempdir().unwrap();
	let cli = Cli::new(&node, state.path());
	let request_file = sample("request.json");
	let bundle = sample("holder-bundle.json");

	let registry = cli.ok(&["registry"]);
	let requested = requested(&registry);
	let values: BTreeMap<&str, u32> = EXPECTED_VALUES.into_iter().collect();

	// The needles must not be public numbers of the session (domains, min widths), or the
	// privacy check could not tell a leak from the public request.
	let mut public_numbers: Vec<u64> = Vec::new();
	for entry in registry.as_array().unwrap() {
		public_numbers.push(entry["lo"].as_u64().unwrap());
		public_numbers.push(entry["hi"].as_u64().unwrap());
	}
	public_numbers.extend(requested.iter().map(|r| u64::from(r.min_width)));
	let secret_numbers: Vec<(u32, u8)> = requested
		.iter()
		.flat_map(|r| [(values[r.code.as_str()], r.scale), (r.down, r.scale), (r.up, r.scale)])
		.collect();
	for (number, _) in &secret_numbers {
		assert!(!public_numbers.contains(&u64::from(*number)), "sample secret {number} equals a public number");
	}

	// Institution: key, registration, request.
	cli.ok(&["keygen", "--suri", "//Bob"]);
	let registered = cli.ok(&["institution", "register", "--suri", "//Bob", "--metadata", "e2e institution"]);
	assert_eq!(registered["events"][0]["event"], "InstitutionRegistered");
	let request = cli.ok(&["institution", "request", "--suri", "//Bob", "--file", request_file.to_str().unwrap()]);
	let request_id = request["request_id"].as_u64().unwrap();
	assert_eq!(request["indicators"].as_array().unwrap().len(), requested.len());

	// Holder: key, import, eligibility, data.
	cli.ok(&["keygen", "--suri", "//Charlie"]);
	let imported = cli.ok(&["holder", "import", "--suri", "//Charlie", "--bundle", bundle.to_str().unwrap()]);
	for (code, value) in EXPECTED_VALUES {
		let row = imported["values"].as_array().unwrap().iter().find(|v| v["code"] == code).expect("imported");
		assert_eq!(row["scaled"].as_u64(), Some(u64::from(value)), "{code}");
	}
	// The holder's key, registered once with its proofs; a second call finds it on chain.
	let key = cli.ok(&["holder", "register-key", "--suri", "//Charlie"]);
	assert_eq!(key["registered"], true, "{key}");
	let again = cli.ok(&["holder", "register-key", "--suri", "//Charlie"]);
	assert_eq!((again["registered"].as_bool(), &again["key_hash"]), (Some(false), &key["key_hash"]));
	// Version 1's attack key is refused by the node (PROTOCOL.md 6, docs/PROOFS.md).
	assert_eq!(support::forged_holder_key_error(&cli.url), "ModulusProofNthRootFailed");
	let joined = cli.ok(&["holder", "join", "--suri", "//Charlie", "--request", &request_id.to_string()]);
	let session_id = joined["session_id"].as_u64().unwrap();
	let session = session_id.to_string();
	// The attack of issue 11, E(m + 2^400) with the best link proof, is refused by the node;
	// the honest data then goes through.
	assert_eq!(support::shifted_data_error(&cli.url, state.path(), session_id), "LinkEncryptionEquationFailed");
	cli.ok(&["holder", "submit-data", "--suri", "//Charlie", "--session", &session]);

	// Dave is no institution of this request: the pallet refuses his comparison, even though
	// this state directory holds Bob's ranges and so the client can compute one.
	let intruder = cli.run(&["institution", "compare", "--suri", "//Dave", "--session", &session]);
	assert!(!intruder.ok, "Dave's comparison was accepted: {}", intruder.stdout);
	assert_eq!(intruder.json["kind"], "NotRequestInstitution", "{}", intruder.stdout);
	assert!(intruder.stderr.contains("MedicalSharing::NotRequestInstitution"), "{}", intruder.stderr);
	assert!(intruder.stderr.contains("Sign with the account of the institution that created the request"), "the error says what to do: {}", intruder.stderr);

	// The attack of issue 12, one holder value in every slot with the best comparison proof, is
	// refused by the node; the honest comparison then goes through.
	assert_eq!(support::one_value_everywhere_error(&cli.url, state.path(), session_id), "ComparisonEquationFailed");
	cli.ok(&["institution", "compare", "--suri", "//Bob", "--session", &session]);
	let answered = cli.ok(&["holder", "result", "--suri", "//Charlie", "--session", &session]);
	let results = cli.ok(&["institution", "results", "--suri", "//Bob", "--session", &session]);

	// The institution learns exactly the -1/0/1 the plaintext gives.
	let expected: Vec<(String, i64)> =
		requested.iter().map(|r| (r.code.clone(), outcome(values[r.code.as_str()], r.down, r.up))).collect();
	assert_eq!(reported_outcomes(&results), expected);
	// The sample covers all three outcomes, so a constant answer could not pass.
	for t in [-1, 0, 1] {
		assert!(expected.iter().any(|(_, o)| *o == t), "the sample should produce outcome {t}");
	}
	assert_eq!(answered["outcomes"], results["outcomes"], "holder and institution see the same outcomes");

	// `watch` replays the session's events and stops when it completes.
	let watch = cli.run(&["watch", "--session", &session, "--from-block", "1"]);
	assert!(watch.ok, "{}", watch.stderr);
	let names: Vec<String> = watch
		.stdout
		.lines()
		.map(|l| serde_json::from_str::<Value>(l).unwrap()["event"].as_str().unwrap().to_string())
		.collect();
	assert_eq!(names, ["SessionOpened", "EncryptedDataSubmitted", "ComparisonSubmitted", "SessionCompleted"]);

	// The holder's history: exactly her session, with the outcomes she learnt.
	let history = cli.ok(&["history", "--suri", "//Charlie"]);
	let rows = history.as_array().unwrap();
	assert_eq!(rows.len(), 1, "{history}");
	assert_eq!((rows[0]["session_id"].as_u64(), rows[0]["request_id"].as_u64()), (Some(session_id), Some(request_id)));
	assert_eq!((rows[0]["state"].as_str(), &rows[0]["outcomes"]), (Some("Completed"), &answered["outcomes"]));
	assert_eq!(cli.ok(&["history", "--suri", "//Ferdie"]), serde_json::json!([]), "Ferdie has no sessions");

	// Dave joins and withdraws before any comparison: his deposit is released, and the
	// institution's client says why it cannot compare. Joining again, he cannot withdraw once
	// the comparison is on chain: the client refuses, and so does the node.
	let request_arg = request_id.to_string();
	cli.ok(&["keygen", "--suri", "//Dave"]);
	cli.ok(&["holder", "import", "--suri", "//Dave", "--bundle", bundle.to_str().unwrap()]);
	let dave_session = cli.ok(&["holder", "join", "--suri", "//Dave", "--request", &request_arg])["session_id"].as_u64().unwrap();
	let withdrawn = cli.ok(&["withdraw", "--suri", "//Dave", "--session", &dave_session.to_string()]);
	assert_eq!(withdrawn["events"][0]["event"], "SessionWithdrawn", "{withdrawn}");
	assert!(withdrawn["events"][0]["deposit_released"].as_u64().unwrap() > 0, "{withdrawn}");
	let late = cli.run(&["institution", "compare", "--suri", "//Bob", "--session", &dave_session.to_string()]);
	assert_eq!(late.json["kind"], "Withdrawn", "{}", late.stdout);
	assert!(late.stderr.contains(&format!("the holder withdrew session {dave_session} in block #")), "{}", late.stderr);
	let again = cli.ok(&["holder", "join", "--suri", "//Dave", "--request", &request_arg])["session_id"].as_u64().unwrap();
	cli.ok(&["holder", "submit-data", "--suri", "//Dave", "--session", &again.to_string()]);
	cli.ok(&["institution", "compare", "--suri", "//Bob", "--session", &again.to_string()]);
	let too_late = cli.run(&["withdraw", "--suri", "//Dave", "--session", &again.to_string()]);
	assert_eq!(too_late.json["kind"], "AlreadyCompared", "{}", too_late.stdout);
	assert_eq!(
		support::pallet_error_of(&cli.url, "//Dave", medshare_client::chain::Call::WithdrawSession { session_id: again }),
		"AlreadyCompared"
	);
	let dave_history = cli.ok(&["history", "--suri", "//Dave"]);
	let states: Vec<(u64, &str)> =
		dave_history.as_array().unwrap().iter().map(|r| (r["session_id"].as_u64().unwrap(), r["state"].as_str().unwrap())).collect();
	assert_eq!(states, vec![(dave_session, "Withdrawn"), (again, "Compared")]);

	// The researcher's report over the request: Charlie's outcomes counted once, Dave's two
	// sessions not (one withdrawn, one under way); as JSON, CSV and a chart.
	let chart = state.path().join("cohort.svg");
	let report = cli.ok(&["report", "--suri", "//Bob", "--request", &request_arg, "--chart", chart.to_str().unwrap()]);
	assert_eq!((report["holders"].as_u64(), &report["sessions"]), (Some(1), &serde_json::json!([session_id])), "{report}");
	assert_eq!((report["withdrawn"].as_u64(), report["open"].as_u64()), (Some(1), Some(1)), "{report}");
	let counted: Vec<(String, i64)> = report["indicators"]
		.as_array()
		.unwrap()
		.iter()
		.map(|i| {
			let [below, inside, above] = ["below", "inside", "above"].map(|k| i[k].as_u64().unwrap());
			assert_eq!(below + inside + above, 1, "{i}");
			(i["code"].as_str().unwrap().to_string(), if below == 1 { -1 } else if above == 1 { 1 } else { 0 })
		})
		.collect();
	assert_eq!(counted, expected);
	assert!(std::fs::read_to_string(&chart).unwrap().starts_with("<svg"));
	let csv = cli.run(&["report", "--suri", "//Bob", "--request", &request_arg, "--csv"]);
	assert!(csv.ok, "{}", csv.stderr);
	assert_eq!(csv.stdout.lines().count(), 1 + requested.len(), "{}", csv.stdout);
	let not_theirs = cli.run(&["report", "--suri", "//Charlie", "--request", &request_arg]);
	assert_eq!(not_theirs.json["kind"], "NotRequestInstitution", "{}", not_theirs.stdout);

	// A second holder whose temperature lies outside the domain (117.5 [degF] = 47.5 Cel above
	// 45.00) is refused at eligibility, before anything is submitted.
	let hot = std::fs::read_to_string(&bundle).unwrap().replace("\"value\": 98.9,", "\"value\": 117.5,");
	let hot_path = state.path().join("hot-bundle.json");
	std::fs::write(&hot_path, hot).unwrap();
	let hot_import = cli.ok(&["holder", "import", "--suri", "//Eve", "--bundle", hot_path.to_str().unwrap()]);
	let temperature = hot_import["values"].as_array().unwrap().iter().find(|v| v["code"] == "8310-5").unwrap();
	assert_eq!(temperature["in_domain"], false);
	let refused = cli.run(&["holder", "join", "--suri", "//Eve", "--request", &request_id.to_string()]);
	assert!(!refused.ok, "an out-of-domain holder joined: {}", refused.stdout);
	assert_eq!(refused.json["kind"], "NotEligible", "{}", refused.stdout);
	assert!(refused.stderr.contains("Body temperature = 47.50 Cel"), "{}", refused.stderr);
	assert!(refused.stderr.contains("25.00 Cel to 45.00 Cel"), "{}", refused.stderr);
	let requests = cli.ok(&["requests"]);
	let open = requests.as_array().unwrap().iter().find(|r| r["request_id"] == request_id).unwrap();
	assert_eq!(open["open_sessions"], 1, "Eve opened no session, Charlie's completed, Dave's first withdrawn and his second under way");

	// --- privacy -------------------------------------------------------------------------
	let dump = ChainDump::read(&node);
	// The Paillier proofs are left out of the search (see `paillier_proofs`): the refused
	// attack and the honest submission of each step, and nothing else.
	let head = dump.items.iter().filter(|(p, _)| matches!(p, Place::Header { .. })).count() as u64 - 1;
	let proofs = support::paillier_proofs(&cli.url, head);
	for kind in ["link_proof", "comparison_proof"] {
		assert!(proofs.iter().filter(|(k, _)| k == kind).count() >= 2, "the attack's and the honest {kind} are on chain");
	}
	let proof_bytes: usize = proofs.iter().map(|(_, p)| p.len()).sum();
	let (dump, cut) =
		dump.without(&proofs.into_iter().map(|(_, p)| p).collect::<Vec<_>>(), |p| matches!(p, Place::Extrinsic { .. }));
	assert_eq!(cut, proof_bytes, "each proof is cut once, from its own extrinsic");
	// So are the random values the pallet keeps in state (see `random_state_values`); the
	// positive controls below search the dump as it was.
	let random = support::random_state_values(&dump);
	assert!(random.len() >= 8, "the session's and the request's random values are in state: {}", random.len());
	let (searched, _) = dump.clone().without(&random, |p| matches!(p, Place::State { .. }));
	let first_code = dump.code.first().expect("the runtime code is in state").clone();
	assert!(dump.code.iter().all(|c| *c == first_code), "the runtime code changed, so it could carry session data");

	let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
	for (number, scale) in &secret_numbers {
		needles.extend(encodings(*number, *scale));
	}
	let outcomes: Vec<i64> = expected.iter().map(|(_, o)| *o).collect();
	let texts = |sep: &str| outcomes.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(sep);
	needles.push(("outcomes as i8 bytes".into(), outcomes.iter().map(|o| *o as i8 as u8).collect()));
	needles.push(("outcome codes t+1 as bytes".into(), outcomes.iter().map(|o| (*o + 1) as u8).collect()));
	needles.push(("outcomes as text".into(), texts(",").into_bytes()));
	needles.push(("outcomes as spaced text".into(), texts(", ").into_bytes()));
	let packed: u32 = outcomes.iter().enumerate().map(|(i, o)| ((*o + 1) as u32) << (2 * i)).sum();
	if packed > 0xffff {
		needles.push(("packed result as u32 LE".into(), packed.to_le_bytes().to_vec()));
	}
	let leaks = leaks_in(&searched, &needles);
	let bytes: usize = dump.items.iter().map(|(_, b)| b.len()).sum();
	eprintln!(
		"privacy check: {} needles over {} items ({} bytes) of {} blocks",
		needles.len(),
		dump.items.len(),
		bytes,
		dump.items.iter().filter(|(p, _)| matches!(p, Place::Header { .. })).count()
	);
	assert!(leaks.is_empty(), "plaintext found on chain:\n{}", leaks.join("\n"));

	// Positive controls: the same search finds what the chain really holds, in each kind of
	// place, and finds a planted secret in each encoding.
	let session_record = cli.ok(&["session", &session]);
	let result_hash = support::hex_decode(session_record["result_hash"].as_str().unwrap());
	assert!(dump.find(&result_hash).iter().any(|p| matches!(p, Place::Events { .. })), "result hash in the events");
	let commitment = {
		let file = std::fs::read_dir(state.path().join("chains")).unwrap().next().unwrap().unwrap().path();
		let secrets: Value =
			serde_json::from_str(&std::fs::read_to_string(file.join("requests").join(format!("{request_id}.json"))).unwrap()).unwrap();
		support::hex_decode(secrets["range_commitments"][0].as_str().unwrap())
	};
	assert!(dump.find(&commitment).iter().any(|p| matches!(p, Place::Extrinsic { .. })), "h' in the create_request extrinsic");
	assert!(dump.find(&commitment).iter().any(|p| matches!(p, Place::State { .. })), "h' in the Requests state");
	let bob_public = support::hex_decode("8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48");
	assert!(dump.find(&bob_public).iter().any(|p| matches!(p, Place::State { .. })));
	// A secret planted in the middle of a real extrinsic is found in every encoding.
	let (place, real) = dump.items.iter().find(|(p, _)| matches!(p, Place::Extrinsic { .. })).unwrap().clone();
	for (what, needle) in encodings(3_717, 2) {
		let mut planted = ChainDump { items: vec![(place.clone(), real.clone())], code: Vec::new() };
		assert!(planted.find(&needle).is_empty());
		let mut bytes = real.clone();
		bytes.splice(real.len() / 2..real.len() / 2, needle.iter().copied());
		planted.items[0].1 = bytes;
		assert_eq!(planted.find(&needle), vec![place.clone()], "the search misses {what}");
		assert!(contains(&planted.items[0].1, &needle));
	}
	assert!(encodings(3_717, 2).iter().any(|(_, n)| n == b"37.17") && encodings(945, 1).iter().any(|(_, n)| n == b"94.5"));
	// The outcomes planted in state as a SCALE list are found; their four bytes by chance next
	// to a hash are not reported.
	let outcome_needle = vec![("outcomes as i8 bytes".to_string(), vec![0u8, 0, 1, 0xff])];
	let key = Place::State { block: 1, key: "0x00".into() };
	let planted = ChainDump { items: vec![(key.clone(), [vec![7u8; 9], scale_vec(&outcome_needle[0].1), vec![7; 9]].concat())], code: Vec::new() };
	assert_eq!(leaks_in(&planted, &outcome_needle).len(), 1, "a planted list of outcomes is found");
	let by_chance = ChainDump { items: vec![(key, [vec![5u8, 0, 0, 0, 0], vec![1, 0xff, 0x12, 0x34]].concat())], code: Vec::new() };
	assert!(leaks_in(&by_chance, &outcome_needle).is_empty());

	// The state this session left, for the runtime's upgrade dry run and invariant checks.
	if let Some(path) = support::state_snapshot_path() {
		support::write_state_snapshot(&dump, &path);
	}
	node.stop();
}

/// Every place of `dump` holding one of `needles`, described. The outcome needles are a few
/// bytes of 00, 01 and ff, which also occur by chance where state puts a small number, an
/// Option tag and a random hash side by side (the session summary's `deposit`, a u128 ending in
/// zero bytes, then `Some` (01) and a key hash starting 0xff match 00 00 01 ff once in 256
/// runs). State would hold a leaked list SCALE-encoded, with its length prefix, so in state the
/// outcome needles are looked for with that prefix; everywhere else, and for every other
/// needle, as they are.
fn leaks_in(dump: &ChainDump, needles: &[(String, Vec<u8>)]) -> Vec<String> {
	let mut leaks = Vec::new();
	for (what, needle) in needles {
		for place in dump.find(needle) {
			let structural = what.starts_with("outcome") && needle.len() < 8 && matches!(place, Place::State { .. });
			if structural && !dump.find(&scale_vec(needle)).contains(&place) {
				continue;
			}
			leaks.push(format!("{what} ({}) in {place:?}", hex::encode(needle)));
		}
	}
	leaks
}

/// `bytes` as SCALE encodes a `Vec<u8>` of them (compact length prefix, single-byte mode).
fn scale_vec(bytes: &[u8]) -> Vec<u8> {
	assert!(bytes.len() < 64, "single-byte compact prefix");
	[vec![(bytes.len() as u8) << 2], bytes.to_vec()].concat()
}
