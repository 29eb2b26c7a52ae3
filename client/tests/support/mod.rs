//! Shared by the client's end-to-end tests: a dev node from the node's own harness, the
//! `medshare` binary run as a user would, and reading the whole chain back over JSON-RPC.

#![allow(dead_code)]

#[path = "../../../node/tests/common/mod.rs"]
pub mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

pub use common::{free_port, RunningNode};

/// Starts `medshare-node --dev --tmp` on free ports, keeping every state (the privacy check
/// reads the state of every block), and waits for its first finalized block.
pub fn start_dev_node() -> RunningNode {
	let binary = common::node_binary();
	assert!(
		binary.exists(),
		"{} does not exist: build the node first with `cargo build -p medshare-node` (source scripts/env.sh)",
		binary.display()
	);
	let rpc_port = free_port();
	// Archive pruning: the privacy check reads the state at every block.
	let args = common::dev_args(rpc_port, &["--state-pruning", "archive"]);
	let mut node = RunningNode::start(&args, rpc_port);
	node.wait_for_rpc(Duration::from_secs(240));
	node.wait_for_finalized_above(0, Duration::from_secs(120));
	node
}

/// The client's shipped samples.
pub fn sample(name: &str) -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name)
}

/// Runs the `medshare` binary against a node with a state directory, `--json --quiet`.
pub struct Cli {
	pub url: String,
	pub state_dir: PathBuf,
}

/// What one run printed.
pub struct Run {
	pub ok: bool,
	pub json: Value,
	pub stdout: String,
	pub stderr: String,
}

impl Cli {
	pub fn new(node: &RunningNode, state_dir: &Path) -> Cli {
		Cli { url: format!("ws://127.0.0.1:{}", node.rpc_port), state_dir: state_dir.to_path_buf() }
	}

	/// Runs `medshare <args>` and parses its JSON output.
	pub fn run(&self, args: &[&str]) -> Run {
		let output = Command::new(env!("CARGO_BIN_EXE_medshare"))
			.args(["--url", &self.url, "--state-dir"])
			.arg(&self.state_dir)
			.args(["--json", "--quiet"])
			.args(args)
			.output()
			.expect("the medshare binary runs");
		let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
		let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
		let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
		Run { ok: output.status.success(), json, stdout, stderr }
	}

	/// Runs a command that must succeed.
	pub fn ok(&self, args: &[&str]) -> Value {
		let run = self.run(args);
		assert!(run.ok, "medshare {args:?} failed\nstdout: {}\nstderr: {}", run.stdout, run.stderr);
		run.json
	}
}

pub fn hex_decode(text: &str) -> Vec<u8> {
	let digits = text.trim_start_matches("0x");
	(0..digits.len()).step_by(2).map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex")).collect()
}

fn number(value: &Value) -> u64 {
	u64::from_str_radix(value.as_str().expect("hex number").trim_start_matches("0x"), 16).expect("hex number")
}

/// Where a byte string was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
	Header { block: u64 },
	Extrinsic { block: u64, index: usize },
	Events { block: u64 },
	State { block: u64, key: String },
}

/// Everything the chain holds, read back over JSON-RPC: every block's header and extrinsics,
/// its events, and the whole state at that block.
#[derive(Clone)]
pub struct ChainDump {
	pub items: Vec<(Place, Vec<u8>)>,
	/// The runtime code, kept apart: it is the genesis wasm (checked unchanged), and its
	/// embedded metadata docs contain example numbers such as "3690".
	pub code: Vec<Vec<u8>>,
}

/// `System.Events`: twox128("System") ++ twox128("Events").
const EVENTS_KEY: &str = "0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7";
const CODE_KEY: &str = "0x3a636f6465";

impl ChainDump {
	/// Reads blocks 0 ..= the finalized head.
	pub fn read(node: &RunningNode) -> ChainDump {
		let head = node.call("chain_getFinalizedHead", json!([]));
		let head_number = number(&node.call("chain_getHeader", json!([head]))["number"]);
		let mut items = Vec::new();
		let mut code = Vec::new();
		for block in 0..=head_number {
			let hash = node.call("chain_getBlockHash", json!([block]));
			let signed = node.call("chain_getBlock", json!([hash]));
			let header = &signed["block"]["header"];
			let mut header_bytes = Vec::new();
			for log in header["digest"]["logs"].as_array().into_iter().flatten() {
				header_bytes.extend(hex_decode(log.as_str().unwrap_or("0x")));
			}
			for field in ["parentHash", "stateRoot", "extrinsicsRoot"] {
				header_bytes.extend(hex_decode(header[field].as_str().unwrap_or("0x")));
			}
			items.push((Place::Header { block }, header_bytes));
			for (index, extrinsic) in signed["block"]["extrinsics"].as_array().into_iter().flatten().enumerate() {
				items.push((Place::Extrinsic { block, index }, hex_decode(extrinsic.as_str().unwrap())));
			}
			let events = node.call("state_getStorage", json!([EVENTS_KEY, hash]));
			items.push((Place::Events { block }, hex_decode(events.as_str().unwrap_or("0x"))));
			for (key, value) in state_at(node, &hash) {
				if key == CODE_KEY {
					code.push(value);
				} else {
					items.push((Place::State { block, key }, value));
				}
			}
		}
		ChainDump { items, code }
	}

	/// Every place holding `needle`.
	pub fn find(&self, needle: &[u8]) -> Vec<Place> {
		let mut places: Vec<Place> =
			self.items.iter().filter(|(_, bytes)| contains(bytes, needle)).map(|(place, _)| place.clone()).collect();
		places.dedup();
		places
	}

	/// The dump with every occurrence of `blobs` cut out of the places `within` selects: what
	/// lies on either side of a cut stays searchable, as separate pieces of the same place, so a
	/// cut never joins bytes into a match of its own. Returns the dump and the number of bytes
	/// cut.
	pub fn without(self, blobs: &[Vec<u8>], within: impl Fn(&Place) -> bool) -> (ChainDump, usize) {
		let mut items = Vec::with_capacity(self.items.len());
		let mut cut = 0;
		for (place, bytes) in self.items {
			if !within(&place) {
				items.push((place, bytes));
				continue;
			}
			let mut pieces = vec![bytes];
			for blob in blobs.iter().filter(|b| !b.is_empty()) {
				let mut next = Vec::new();
				for piece in pieces {
					let mut rest = piece.as_slice();
					while let Some(at) = rest.windows(blob.len()).position(|w| w == blob.as_slice()) {
						next.push(rest[..at].to_vec());
						cut += blob.len();
						rest = &rest[at + blob.len()..];
					}
					next.push(rest.to_vec());
				}
				pieces = next;
			}
			items.extend(pieces.into_iter().map(|piece| (place.clone(), piece)));
		}
		(ChainDump { items, code: self.code }, cut)
	}
}

/// The Paillier proofs of every sharing extrinsic up to block `head`, refused attempts
/// included: the `link_proof` of `submit_encrypted_data` and the `comparison_proof` of
/// `submit_comparison`, decoded with the client's own chain reader. Their integer responses sit
/// in fixed-width big-endian fields with leading zero bytes by design (a Pi^cmp constant below
/// 2^241 in 38 bytes starts with seven zero bytes and a byte of 0 or 1), so a four-byte needle
/// such as 505 as u32 BE (00 00 01 f9) matches one of them in a few runs out of a hundred. What
/// those responses reveal is the proofs' zero knowledge, argued in docs/PROOFS.md and tested
/// in paillier's own suites; the privacy scan searches everything else.
pub fn paillier_proofs(url: &str, head: u64) -> Vec<(String, Vec<u8>)> {
	use medshare_client::chain::{Bytes, Chain, PALLET};
	let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
	runtime.block_on(async {
		let chain = Chain::connect(url).await.expect("the node answers over RPC");
		let mut proofs = Vec::new();
		for block in 1..=head {
			let at = chain.at(block).await.expect("a finalized block");
			let extrinsics = at.extrinsics().fetch().await.expect("its extrinsics");
			for extrinsic in extrinsics.iter() {
				let extrinsic = extrinsic.expect("a decodable extrinsic");
				if extrinsic.pallet_name() != PALLET {
					continue;
				}
				for field in extrinsic.iter_call_data_fields() {
					if matches!(field.name(), "link_proof" | "comparison_proof") {
						proofs.push((field.name().to_string(), field.decode_as::<Bytes>().expect("a proof is bytes").0));
					}
				}
			}
		}
		proofs
	})
}

/// The whole state at block `hash` (a JSON string), key (hex) and value, page by page.
pub fn state_at(node: &RunningNode, hash: &Value) -> Vec<(String, Vec<u8>)> {
	common::storage_at(&node.http(), "0x", hash)
		.unwrap_or_else(|e| panic!("reading the state at {hash}: {e}"))
		.into_iter()
		.map(|(key, value)| (key, hex_decode(&value)))
		.collect()
}

/// Where the end-to-end session leaves a snapshot of its chain's state for the runtime's
/// try-runtime test (`runtime/tests/try_runtime.rs`): `MEDSHARE_STATE_SNAPSHOT`, which
/// scripts/test.sh sets; no snapshot is written without it.
pub fn state_snapshot_path() -> Option<PathBuf> {
	std::env::var_os("MEDSHARE_STATE_SNAPSHOT").map(PathBuf::from)
}

/// Writes the whole state at the dump's last block (the finalized head when it was read),
/// `{"block": n, "state": [[key, value], ..]}` in hex, the runtime code included, from the
/// state the dump already holds.
pub fn write_state_snapshot(dump: &ChainDump, path: &Path) {
	let state_block = |place: &Place| match place {
		Place::State { block, .. } => Some(*block),
		_ => None,
	};
	let block = dump.items.iter().filter_map(|(place, _)| state_block(place)).max().expect("the dump holds state");
	let to_hex = |value: &[u8]| format!("0x{}", hex::encode(value));
	let mut state: Vec<Value> = dump
		.items
		.iter()
		.filter_map(|(place, value)| match place {
			Place::State { block: at, key } if *at == block => Some(json!([key, to_hex(value)])),
			_ => None,
		})
		.collect();
	state.push(json!([CODE_KEY, to_hex(dump.code.last().expect("the runtime code is in state"))]));
	let snapshot = json!({ "block": block, "state": state });
	std::fs::write(path, serde_json::to_vec(&snapshot).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// `MedicalSharing.<item>`'s storage prefix in hex: twox128 of the pallet and of the item.
fn storage_prefix(item: &str) -> String {
	let pallet = sp_crypto_hashing::twox_128(b"MedicalSharing");
	let item = sp_crypto_hashing::twox_128(item.as_bytes());
	format!("0x{}{}", hex::encode(pallet), hex::encode(item))
}

/// The uniformly random 32-byte values the sharing pallet keeps in state, decoded from the
/// dump with the pallet's own types: each session's nonce, data commitments and payload hashes,
/// each request's statements and range commitments, each registered key's hash. They are
/// public by design and random by construction, and sit next to zero bytes (a `u128` deposit's
/// high bytes, then `Some` and a hash): `00 00 01 f9`, 505 as u32 BE, occurs there once in 256
/// hashes, which says nothing about a leak. The privacy search masks them first.
pub fn random_state_values(dump: &ChainDump) -> Vec<Vec<u8>> {
	use codec::Decode;
	use medshare_client::chain::{Request, Session, SessionPayload as Payload};
	let (sessions, requests) = (storage_prefix("Sessions"), storage_prefix("Requests"));
	let (holder_keys, payloads) = (storage_prefix("HolderKeys"), storage_prefix("SessionPayloads"));
	let institutions = storage_prefix("Institutions");
	let mut values: Vec<Vec<u8>> = Vec::new();
	for (place, bytes) in &dump.items {
		let Place::State { key, .. } = place else { continue };
		let input = &mut &bytes[..];
		if key.starts_with(&sessions) {
			let session = Session::decode(input).expect("a session as the pallet stores it");
			values.push(session.nonce.to_vec());
			values.extend(session.data_commitments.iter().map(|c| c.to_vec()));
			for hash in [session.holder_key_hash, session.data_hash, session.comparison_hash, session.result_hash].into_iter().flatten() {
				values.push(hash.0.to_vec());
			}
		} else if key.starts_with(&requests) {
			let request = Request::decode(input).expect("a request as the pallet stores it");
			values.extend(request.statements.iter().chain(request.range_commitments.iter()).map(|c| c.to_vec()));
		} else if key.starts_with(&holder_keys) {
			values.push(medshare_client::chain::RegisteredKey::decode(input).expect("a registered key").key_hash.0.to_vec());
		} else if key.starts_with(&payloads) {
			values.push(Payload::decode(input).expect("a payload").holder_key.key_hash.0.to_vec());
		} else if key.starts_with(&institutions) {
			let institution = medshare_client::chain::Institution::decode(input).expect("an institution");
			values.extend(institution.public_key.map(|k| k.key_hash.0.to_vec()));
		}
	}
	values.sort();
	values.dedup();
	values
}

/// Whether `haystack` contains `needle`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
	!needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Plausible encodings of a scaled fixed-point value: u32 little and big endian, the integer
/// as text, and the decimal as text with and without trailing zeros ("37.17", "3717",
/// "94.5", "94.50"). Texts shorter than four characters are left out: two or three ASCII
/// digits occur by chance in any few kilobytes of ciphertext.
pub fn encodings(scaled: u32, scale: u8) -> Vec<(String, Vec<u8>)> {
	let mut out = vec![
		(format!("{scaled} as u32 LE"), scaled.to_le_bytes().to_vec()),
		(format!("{scaled} as u32 BE"), scaled.to_be_bytes().to_vec()),
	];
	let mut texts = vec![scaled.to_string()];
	if scale > 0 {
		let divisor = 10u32.pow(u32::from(scale));
		let exact = format!("{}.{:0width$}", scaled / divisor, scaled % divisor, width = usize::from(scale));
		let trimmed = exact.trim_end_matches('0').trim_end_matches('.').to_string();
		texts.push(exact);
		texts.push(trimmed);
	}
	texts.sort();
	texts.dedup();
	for text in texts {
		if text.len() >= 4 {
			out.push((format!("{text:?} as text"), text.into_bytes()));
		}
	}
	out
}

/// What the sample bundle holds for the requested indicators, converted by hand:
/// 98.9 [degF] = 37.17 Cel, 97 % (59408-5), 70.5 kg, 175.2 cm.
pub const EXPECTED_VALUES: [(&str, u32); 4] = [("8310-5", 3_717), ("2708-6", 970), ("29463-7", 705), ("8302-2", 1_752)];

/// The decimal text of the request file as a scaled integer (independent of the client's parser).
pub fn scaled(text: &str, scale: u8) -> u32 {
	let value: f64 = text.parse().expect("a decimal");
	(value * 10f64.powi(i32::from(scale))).round() as u32
}

pub struct Requested {
	pub code: String,
	pub scale: u8,
	pub down: u32,
	pub up: u32,
	pub min_width: u32,
}

pub fn requested(registry: &Value) -> Vec<Requested> {
	let file: Value = serde_json::from_str(&std::fs::read_to_string(sample("request.json")).unwrap()).unwrap();
	file["indicators"]
		.as_array()
		.unwrap()
		.iter()
		.map(|line| {
			let code = line["code"].as_str().unwrap().to_string();
			let entry = registry.as_array().unwrap().iter().find(|e| e["code"] == code.as_str()).expect("a registered code");
			let scale = entry["scale"].as_u64().unwrap() as u8;
			Requested {
				scale,
				down: scaled(line["low"].as_str().unwrap(), scale),
				up: scaled(line["high"].as_str().unwrap(), scale),
				min_width: scaled(line["min_width"].as_str().unwrap(), scale),
				code,
			}
		})
		.collect()
}

pub fn outcome(value: u32, down: u32, up: u32) -> i64 {
	if value < down {
		-1
	} else if value > up {
		1
	} else {
		0
	}
}

/// The -1/0/1 per requested indicator that the plaintext gives, in request order.
pub fn expected_outcomes(registry: &Value) -> Vec<(String, i64)> {
	let values: std::collections::BTreeMap<&str, u32> = EXPECTED_VALUES.into_iter().collect();
	requested(registry).iter().map(|r| (r.code.clone(), outcome(values[r.code.as_str()], r.down, r.up))).collect()
}

/// The outcomes of a `medshare institution results --json` report.
pub fn reported_outcomes(results: &Value) -> Vec<(String, i64)> {
	results["outcomes"]
		.as_array()
		.expect("outcomes")
		.iter()
		.map(|o| (o["code"].as_str().unwrap().to_string(), o["outcome"].as_i64().unwrap()))
		.collect()
}

/// Registers, as `//Eve` over RPC, version 1's attack modulus (`N = p Q p2`, `Q | p - 1`) with
/// the best proofs its owner can forge, and returns the pallet error the node answers with.
/// This runs the key-proof host function from the runtime's wasm, across the real boundary.
pub fn forged_holder_key_error(url: &str) -> String {
	use medshare_client::chain::{Call, Chain, KeyRegistration};
	use medshare_client::signer::Signer;
	use medshare_paillier::proofs::{attacks, ProofContext};
	let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
	runtime.block_on(async {
		let chain = Chain::connect(url).await.expect("the node answers").waiting(medshare_client::chain::Wait::Inclusion);
		let eve = Signer::from_uri("//Eve").expect("a development URI");
		let context = ProofContext { genesis_hash: chain.genesis_hash(), account: eve.account_bytes() };
		let mut rng = rand_010::rng();
		let bad = attacks::smooth_subgroup_modulus(2048, &mut rng);
		let key = bad.public_key();
		let modulus_proof = attacks::forge_modulus_proof(&bad, &context, &mut rng);
		let (params, ring_pedersen_proof) = attacks::forge_ring_pedersen(&key, &context, &mut rng);
		let registration = KeyRegistration {
			key: key.to_encoded(),
			ring_pedersen: params,
			modulus_proof: medshare_paillier::EncodedKeyProof::new(modulus_proof).expect("a proof of the right length"),
			ring_pedersen_proof: medshare_paillier::EncodedKeyProof::new(ring_pedersen_proof).expect("a proof of the right length"),
		};
		match chain.submit(&Call::RegisterHolderKey { registration }, &eve.keypair).await {
			Err(error) => error.pallet_error().map(str::to_string).unwrap_or_else(|| panic!("not a pallet error: {error}")),
			Ok(included) => panic!("the malformed key was registered in block {}", included.block),
		}
	})
}

/// As `//Bob`, proves the sample request with the development parameters, bypassing the
/// client's own refusal (`ParametersMismatch`), submits it over RPC and returns the pallet error
/// the node answers with: on a chain whose keys came from a ceremony, development proofs are
/// forgeries, and the Groth16 host function must refuse them.
pub fn development_proof_error(url: &str, state_dir: &Path) -> String {
	use medshare_client::chain::Chain;
	use medshare_client::ops::{self, Context};
	use medshare_client::progress::Progress;
	use medshare_client::signer::Signer;
	use medshare_client::state::StateDir;
	use medshare_zk::setup::{self, CircuitKind};
	let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
	runtime.block_on(async {
		// Finality: the refused call still spends Bob's nonce, and the next step, through any
		// node, must see that.
		let chain = Chain::connect(url).await.expect("the node answers").waiting(medshare_client::chain::Wait::Finality);
		let params_dir = setup::default_parameter_dir();
		let ctx = Context { chain: chain.clone(), state: StateDir::new(state_dir), progress: Progress::terminal(false), params_dir, ceremony_params: None };
		let bob = Signer::from_uri("//Bob").expect("a development URI");
		let registry = chain.registry().await.expect("the registry");
		let text = std::fs::read_to_string(sample("request.json")).expect("the sample request");
		// The client's own check, told that the chain holds the development key.
		let pretended = ops::ChainKey {
			kind: CircuitKind::Requirement,
			key: CircuitKind::Requirement.dev_verifying_key().to_vec(),
			origin: medshare_client::chain::KeyOrigin::Development,
		};
		let prepared = ops::prepare_request(&ctx, &bob, &registry, &text, &pretended).expect("a request proven");
		match chain.submit(&prepared.call, &bob.keypair).await {
			Err(error) => error.pallet_error().map(str::to_string).unwrap_or_else(|| panic!("not a pallet error: {error}")),
			Ok(included) => panic!("a request proven with development parameters was accepted in block {}", included.block),
		}
	})
}

/// The ceremony transcript digest the chain records for `circuit`'s key (panics on a
/// development key).
pub fn key_origin(url: &str, circuit: medshare_client::chain::Circuit) -> [u8; 32] {
	use medshare_client::chain::{Chain, KeyOrigin};
	let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
	runtime.block_on(async {
		let chain = Chain::connect(url).await.expect("the node answers");
		match chain.verifying_key(circuit).await.expect("the key").expect("a key is set") {
			(_, KeyOrigin::Ceremony { transcript }) => transcript.0,
			(_, KeyOrigin::Development) => panic!("the chain holds a development key for {circuit:?}"),
		}
	})
}

/// Submits `call` over RPC, signed by `suri`, and returns the pallet error the node answers
/// with (the call must fail).
pub fn pallet_error_of(url: &str, suri: &str, call: medshare_client::chain::Call) -> String {
	use medshare_client::chain::Chain;
	use medshare_client::signer::Signer;
	let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
	runtime.block_on(async {
		let chain = Chain::connect(url).await.expect("the node answers").waiting(medshare_client::chain::Wait::Inclusion);
		let signer = Signer::from_uri(suri).expect("a secret URI");
		match chain.submit(&call, &signer.keypair).await {
			Err(error) => error.pallet_error().map(str::to_string).unwrap_or_else(|| panic!("not a pallet error: {error}")),
			Ok(included) => panic!("{} was accepted in block {}", call.name(), included.block),
		}
	})
}

/// As `//Charlie` over RPC, submits the data of session `session_id` with the attack of issue
/// 11: the first value encrypted as `m + 2^400` (which would let the holder read the
/// institution's blinding, and so its exact range, out of the comparison), with the best link
/// proof the holder can make (the prover's own algorithm over its real commitment). Returns
/// the pallet error the node answers with: the link host function runs from the runtime's wasm.
pub fn shifted_data_error(url: &str, state_dir: &Path, session_id: u64) -> String {
	use medshare_client::chain::{Call, Chain};
	use medshare_client::ops::load_keypair;
	use medshare_client::signer::Signer;
	use medshare_client::state::{SessionSecrets, StateDir};
	use medshare_paillier::num_bigint::BigUint;
	use medshare_zk::link::{self, LinkContext};
	let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
	runtime.block_on(async {
		let chain = Chain::connect(url).await.expect("the node answers").waiting(medshare_client::chain::Wait::Inclusion);
		let charlie = Signer::from_uri("//Charlie").expect("a development URI");
		let state = StateDir::new(state_dir);
		let keypair = load_keypair(&state, &charlie).expect("Charlie's key");
		let secrets: SessionSecrets = state
			.require(&state.session_path(&chain.genesis(), session_id), "session secrets", "joined first")
			.expect("Charlie's session secrets");
		let session = chain.require_session(session_id).await.expect("the session");
		let values: Vec<u32> = secrets.values.iter().map(|(_, _, v)| *v).collect();
		let mut rng = rand_010::rng();
		let ciphertexts: Vec<_> = values
			.iter()
			.enumerate()
			.map(|(i, &m)| {
				let shift = if i == 0 { BigUint::from(1u32) << 400u32 } else { BigUint::ZERO };
				// In the indicator's comparison slot, as step 4 encrypts.
				let slot = medshare_paillier::cmp::slot_shift(keypair.public(), i);
				keypair.encrypt(&((BigUint::from(m) + shift) << slot), &mut rng)
			})
			.collect();
		let blindings: Vec<[u8; 32]> =
			secrets.blindings.iter().map(|b| hex_decode(b).try_into().expect("32 bytes")).collect();
		let context = LinkContext {
			genesis_hash: chain.genesis_hash(),
			holder: charlie.account_bytes(),
			request_id: session.request_id,
			session_id,
		};
		let link_proof =
			link::prove(&keypair, context, &values, &ciphertexts, &blindings, &session.data_commitments, &mut rng, |_, _| {})
				.expect("the holder can make its best proof");
		let call = Call::SubmitEncryptedData {
			session_id,
			ciphertexts: ciphertexts.iter().map(|c| c.to_bytes(keypair.public())).collect(),
			link_proof,
		};
		match chain.submit(&call, &charlie.keypair).await {
			Err(error) => error.pallet_error().map(str::to_string).unwrap_or_else(|| panic!("not a pallet error: {error}")),
			Ok(included) => panic!("the shifted data was accepted in block {}", included.block),
		}
	})
}

/// As `//Bob` over RPC, submits the comparison of session `session_id` with the attack of
/// issue 12: the first holder ciphertext in every slot (every range compared with one value),
/// with the best comparison proof the institution can make (the prover's own algorithm on the
/// real statement, answering with the bases it used). Returns the pallet error the node
/// answers with: the comparison host function runs from the runtime's wasm.
pub fn one_value_everywhere_error(url: &str, state_dir: &Path, session_id: u64) -> String {
	use medshare_client::chain::{Call, Chain};
	use medshare_client::signer::Signer;
	use medshare_client::state::{RequestSecrets, StateDir};
	use medshare_paillier::cmp::attacks::{cheat, Cheat};
	use medshare_paillier::compare::ComparisonContext;
	use medshare_paillier::PublicKey;
	let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
	runtime.block_on(async {
		let chain = Chain::connect(url).await.expect("the node answers").waiting(medshare_client::chain::Wait::Inclusion);
		let bob = Signer::from_uri("//Bob").expect("a development URI");
		let state = StateDir::new(state_dir);
		let session = chain.require_session(session_id).await.expect("the session");
		let secrets: RequestSecrets = state
			.require(&state.request_path(&chain.genesis(), session.request_id), "request secrets", "created first")
			.expect("Bob's ranges");
		let payload = chain.payload(session_id).await.expect("the payload").expect("data submitted");
		let key = PublicKey::from_encoded(&payload.holder_key.key).expect("the holder's key");
		let data = key.ciphertexts_from_bytes(payload.encrypted_data.iter().map(|c| c.as_bytes())).expect("valid data");
		let bases = medshare_client::ops::ring_pedersen_of(&key, &payload.holder_key.ring_pedersen)
			.expect("registered bases");
		let context = ComparisonContext {
			genesis_hash: chain.genesis_hash(),
			institution: bob.account_bytes(),
			holder: session.holder.0,
			request_id: session.request_id,
			session_id,
		};
		let ranges: Vec<(u32, u32)> = secrets.indicators.iter().map(|i| (i.down, i.up)).collect();
		let (outputs, comparison_proof) =
			cheat(&key, &bases, &context, &data, &ranges, Cheat::OneCiphertextInEverySlot, &mut rand_010::rng());
		let call = Call::SubmitComparison { session_id, first_group: 0, ciphertexts: outputs.iter().map(|c| c.to_bytes(&key)).collect(), comparison_proof };
		match chain.submit(&call, &bob.keypair).await {
			Err(error) => error.pallet_error().map(str::to_string).unwrap_or_else(|| panic!("not a pallet error: {error}")),
			Ok(included) => panic!("the comparison of one value everywhere was accepted in block {}", included.block),
		}
	})
}

// --- medshare serve ----------------------------------------------------------------------

/// A running `medshare serve` and the URL it printed.
pub struct Served {
	pub child: Child,
	pub base: String,
	pub token: String,
}

impl Drop for Served {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

pub fn serve(url: &str, state: &std::path::Path, suri: &str) -> Served {
	let mut child = Command::new(env!("CARGO_BIN_EXE_medshare"))
		.args(["--url", url, "--state-dir"])
		.arg(state)
		.args(["--json", "--quiet", "--suri", suri, "serve"])
		.stdout(Stdio::piped())
		.stderr(Stdio::inherit())
		.spawn()
		.expect("medshare serve starts");
	let mut line = String::new();
	BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the portal prints its URL");
	let printed: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON: {line:?}: {e}"));
	let url = printed["url"].as_str().expect("a url").to_string();
	let (base, token) = url.split_once("/?token=").expect("the URL carries the token");
	assert!(base.starts_with("http://127.0.0.1:"), "{url}");
	Served { child, base: base.to_string(), token: token.to_string() }
}

/// Status and JSON body of a GET (or of a POST with `body`), with `token` in the header.
pub fn call(served: &Served, path: &str, token: Option<&str>, body: Option<&str>) -> (u16, Value) {
	let url = format!("{}{path}", served.base);
	let request = match body {
		Some(_) => ureq::post(&url),
		None => ureq::get(&url),
	};
	let request = match token {
		Some(token) => request.set("x-medshare-token", token),
		None => request,
	};
	let response = match body {
		Some(body) => request.send_string(body),
		None => request.call(),
	};
	let response = match response {
		Ok(response) => response,
		Err(ureq::Error::Status(_, response)) => response,
		Err(e) => panic!("{url}: {e}"),
	};
	let status = response.status();
	let text = response.into_string().expect("a body");
	(status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

