//! Four validators of the `local` chain, each on its own host, through faults, a partition and
//! restarts (issue 14; docs/NETWORK.md).
//!
//! The hosts are Linux network namespaces (`scripts/netns.sh`: one namespace per validator, a
//! veth pair from each into one bridge, the bridge addressed so that this test reaches every
//! node's RPC). Every node runs with its service's command from docker-compose.yml, the one
//! source of the node keys and flags: only the data directory and the `/dns/<service>/` of the
//! bootnode address (that service's address on the bridge) are rewritten, so ports, keys,
//! discovery and the bootnode are the compose topology. Without root or iproute2, the nodes run
//! on 127.0.0.1 with their own ports instead and the partition scenario is skipped, said on
//! stderr; `MEDSHARE_NETWORK=netns` makes that a failure (CI runs as root), `=loopback` forces it.
//!
//! The `local` chain refuses development keys, so the nodes take the keys of a setup ceremony:
//! three participants and a beacon in both phases, run with `medshare-setup` at the circuits'
//! real size before the nodes start ([`ceremony`]; kept beside the build and reused until the
//! circuits change, `MEDSHARE_CEREMONY_FRESH=1` reruns it). Every `medshare` step proves with
//! the ceremony's parameters (`--params`). Scenario 1 shows that the client refuses development
//! parameters on this chain, and that the pallet refuses a request proven with them.
//!
//! One test runs the scenarios in order on one network, so that the nodes start once and the
//! chain grows as a real one does; each scenario has a time budget and every wait a deadline.
//! `MEDSHARE_NETWORK_SCENARIOS=1,3` runs a subset. Every process is killed and every namespace
//! deleted when the network is dropped, on panic too; a run killed outright leaves namespaces
//! that the next run's `netns.sh sweep` removes, and nodes that die with it (PR_SET_PDEATHSIG).
//!
//! 1. All four up: a full sharing session submitted through node 1, its results read from
//!    node 4; every node has the same finalized block and the same `MedicalSharing` state at it.
//! 2. Node 4 killed (SIGKILL) while the holder's data is in flight: blocks and finality go on
//!    with three, the session completes, node 4 restarts from its database, catches up and
//!    agrees.
//! 3. Two against two: neither side finalizes anything; the extrinsic submitted just before
//!    the cut and one submitted on the other side during it are both in the finalized chain
//!    after healing, and every node agrees.
//! 4. Rolling restart (SIGINT) of all four, one at a time, each while a step of a session goes
//!    through another node: nothing lost.
//! 5. Node 3's whole base path removed: it resyncs from its peers to the same state.
//!
//! The figures (first finality, finality lag at rest and with a node down, catch-up and resync
//! times) are printed as they are measured and again at the end:
//! `cargo nextest run --workspace -E 'binary_id(medshare-client::network)' --no-capture`.

mod support;

use std::{
	collections::BTreeMap,
	fs::{self, File, OpenOptions},
	io::Write,
	os::unix::process::CommandExt,
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	thread::{self, JoinHandle},
	time::{Duration, Instant},
};

use serde_json::{json, Value};
use support::common::compose::{self, flag, Place, Service};
use support::{common, expected_outcomes, reported_outcomes, sample, Run};

/// Four nodes start and answer RPC (each builds the genesis state first: about 30 s with four
/// on two cores).
const STARTUP: Duration = Duration::from_secs(300);
/// The four finalize their first block together.
const FIRST_FINALITY: Duration = Duration::from_secs(240);
/// One `medshare` command: proving plus inclusion plus finality (20-35 s here).
const STEP: Duration = Duration::from_secs(300);
/// A restarted node answers RPC and reaches the others' finalized block.
const CATCH_UP: Duration = Duration::from_secs(180);
/// A node with an empty database syncs the whole chain (full sync, as the compose flags say).
const RESYNC: Duration = Duration::from_secs(600);
/// After the cut, votes already under way may still finalize a block; then nothing may.
const PARTITION_SETTLE: Duration = Duration::from_secs(12);
/// How long both sides are watched not finalizing: six slots, three blocks for each side.
const PARTITION_HOLD: Duration = Duration::from_secs(36);
/// After healing, finality moves again.
const HEAL: Duration = Duration::from_secs(180);
/// A node stops on SIGINT.
const STOP: Duration = Duration::from_secs(60);

const INSTITUTION: &str = "//Bob";
const HOLDER: &str = "//Charlie";
/// Registers a holder key during the partition, on the side that did not submit before it.
const OTHER_HOLDER: &str = "//Dave";

#[test]
fn four_validators_on_their_own_hosts_survive_faults_partitions_and_restarts() {
	let selected = selected_scenarios();
	let started = Instant::now();
	let mut net = Network::start();
	net.figure("network up: all four finalized a block, from the first spawn", started.elapsed());
	prepare_accounts(&mut net);

	let mut completed: Vec<u64> = Vec::new();
	let scenarios: [(u32, &str, Duration, fn(&mut Network, &mut Vec<u64>)); 5] = [
		(1, "all four up, a full session", Duration::from_secs(8 * 60), all_up),
		(2, "one validator killed mid-session, then restarted", Duration::from_secs(10 * 60), kill_and_restart),
		(3, "partition two against two, then heal", Duration::from_secs(8 * 60), partition),
		(4, "rolling restart during a session", Duration::from_secs(12 * 60), rolling_restart),
		(5, "database removed, resync from peers", Duration::from_secs(12 * 60), resync),
	];
	for (number, name, budget, scenario) in scenarios {
		if !selected.contains(&number) {
			eprintln!("[network] scenario {number} ({name}) not selected (MEDSHARE_NETWORK_SCENARIOS)");
			continue;
		}
		eprintln!("\n[network] === scenario {number}: {name} ===");
		let begun = Instant::now();
		scenario(&mut net, &mut completed);
		let took = begun.elapsed();
		net.figure(&format!("scenario {number} ({name}), whole"), took);
		assert!(took <= budget, "scenario {number} ({name}) took {took:.0?}, over its budget of {budget:?}");
	}
}

/// Runs `medshare-setup --json <args>`, which must succeed.
fn setup_tool(binary: &Path, args: &[&str]) -> Value {
	let output = Command::new(binary).arg("--json").args(args).output().expect("medshare-setup runs");
	let stdout = String::from_utf8_lossy(&output.stdout);
	assert!(output.status.success(), "medshare-setup {args:?} failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
	serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("medshare-setup {args:?}: not JSON ({e}): {stdout}"))
}

/// The directory `medshare-setup export` wrote for this build's circuits: `verifying-keys.json`
/// for the nodes, the parameters for `medshare --params`. A three-participant ceremony with a
/// beacon in each phase, at the circuits' domain (2^16), run once and kept beside the build;
/// its name carries a hash of the development keys, which change whenever the circuits do.
fn ceremony() -> PathBuf {
	let node = common::node_binary();
	let binary = node.with_file_name("medshare-setup");
	assert!(binary.exists(), "{} does not exist: build the workspace first (cargo build --workspace)", binary.display());
	let circuits = sp_io::hashing::blake2_256(&[medshare_zk::DEV_REQUIREMENT_VK, medshare_zk::DEV_ELIGIBILITY_VK].concat());
	let out = node.with_file_name(format!("medshare-ceremony-{}", hex::encode(&circuits[..8])));
	let fresh = std::env::var("MEDSHARE_CEREMONY_FRESH").is_ok_and(|v| v == "1");
	if !fresh && out.join("verifying-keys.json").exists() {
		eprintln!("[network] the ceremony's keys and parameters from an earlier run: {}", out.display());
		return out;
	}
	let work = out.with_extension("work");
	let _ = fs::remove_dir_all(&work);
	let started = Instant::now();
	let dir = work.to_str().expect("a UTF-8 path");
	let timed = |what: &str, args: &[&str]| {
		let begun = Instant::now();
		let value = setup_tool(&binary, args);
		eprintln!("[network] ceremony: {what} took {:.0?}", begun.elapsed());
		value
	};
	timed("phase 1 new", &["phase1", "new", "--power", "16", dir]);
	for participant in 1..=3 {
		let entropy = format!("participant {participant}'s own entropy");
		timed(&format!("phase 1 contribution {participant}"), &["phase1", "contribute", "--entropy", &entropy, dir]);
	}
	timed("phase 1 beacon", &["phase1", "beacon", "--beacon", "network test beacon", "--iterations", "10", dir]);
	timed("phase 2 new (phase 1 verified, Lagrange bases, both circuits' parameters)", &["phase2", "new", dir]);
	for participant in 1..=3 {
		timed(&format!("phase 2 contribution {participant}"), &["phase2", "contribute", dir]);
	}
	timed("phase 2 beacon", &["phase2", "beacon", "--beacon", "network test beacon", "--iterations", "10", dir]);
	let partial = out.with_extension("partial");
	let _ = fs::remove_dir_all(&partial);
	let exported = timed(
		"export (everything verified)",
		&["export", "--beacon", "network test beacon", "--iterations", "10", dir, partial.to_str().expect("a UTF-8 path")],
	);
	assert!(exported["requirement"].as_str().is_some_and(|d| d.starts_with("0x")), "{exported}");
	let _ = fs::remove_dir_all(&out);
	fs::rename(&partial, &out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
	let _ = fs::remove_dir_all(&work);
	eprintln!("[network] ceremony of three participants done in {:.0?}: {}", started.elapsed(), out.display());
	out
}

fn selected_scenarios() -> Vec<u32> {
	match std::env::var("MEDSHARE_NETWORK_SCENARIOS") {
		Ok(list) if !list.trim().is_empty() => list
			.split(',')
			.map(|n| n.trim().parse().unwrap_or_else(|_| panic!("MEDSHARE_NETWORK_SCENARIOS: {n:?} is not a scenario number")))
			.collect(),
		_ => vec![1, 2, 3, 4, 5],
	}
}

/// Keys for the institution and both holders (local files), the institution's key on chain,
/// the holder's values imported and its key on chain.
fn prepare_accounts(net: &mut Network) {
	for suri in [INSTITUTION, HOLDER, OTHER_HOLDER] {
		net.read(0, &["keygen", "--suri", suri]);
	}
	let registered = net.step(0, &["institution", "register", "--suri", INSTITUTION, "--metadata", "network test institution"]);
	assert_eq!(registered["events"][0]["event"], "InstitutionRegistered", "{registered}");
	let bundle = net.bundle.clone();
	net.read(0, &["holder", "import", "--suri", HOLDER, "--bundle", &bundle]);
	let key = net.step(0, &["holder", "register-key", "--suri", HOLDER]);
	assert_eq!(key["registered"], true, "{key}");
}

// --- the five scenarios ------------------------------------------------------------------

/// 1. A full session through node 1 while a probe times finality on node 1; results read from
/// node 4; all agree.
fn all_up(net: &mut Network, completed: &mut Vec<u64>) {
	let last = net.nodes.len() - 1;
	development_parameters_refused(net);
	let probe = LagProbe::start(net.nodes[0].http());
	let request = create_request(net, 0);
	let session = join(net, 0, request);
	let steps: [fn(&mut Network, usize, u64); 3] = [submit_data, compare, answer];
	for step in steps {
		step(&mut *net, 0, session);
	}
	net.lag_figure("finality lag at rest (best -> finalized, node 1, four up)", probe.stop());
	check_results(net, last, session);
	net.converge("all four up", CATCH_UP);
	completed.push(session);
}

/// The chain's keys are the ceremony's: the client refuses to prove with the development
/// parameters, before any proof, and a request proven with them anyway is refused by the pallet.
fn development_parameters_refused(net: &mut Network) {
	let url = net.nodes[0].url();
	let output = Command::new(&net.cli_binary)
		.args(["--url", url.as_str(), "--state-dir"])
		.arg(&net.state_dir)
		.args(["--json", "--quiet", "institution", "request", "--suri", INSTITUTION, "--file", net.request_file.as_str()])
		.output()
		.expect("the medshare binary runs");
	let answer: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
	assert!(!output.status.success(), "a request was proven with development parameters: {answer}");
	assert_eq!(answer["kind"], "ParametersMismatch", "{answer} {}", String::from_utf8_lossy(&output.stderr));
	assert_eq!(support::development_proof_error(&url, &net.state_dir), "InvalidProof");
	let keys: Value = serde_json::from_str(&fs::read_to_string(net.ceremony.join("verifying-keys.json")).expect("the keys file")).expect("JSON");
	let origin = support::key_origin(&url, medshare_client::chain::Circuit::Requirement);
	assert_eq!(format!("0x{}", hex::encode(origin)), keys["requirement"]["transcript"].as_str().unwrap_or_default(), "{keys}");
}

/// 2. Node 4 killed while the holder's data is in flight through node 1.
fn kill_and_restart(net: &mut Network, completed: &mut Vec<u64>) {
	let victim = net.nodes.len() - 1;
	let request = create_request(net, 0);
	let session = join(net, 0, request);
	let mut in_flight = net.spawn_cli(0, &["holder", "submit-data", "--suri", HOLDER, "--session", &session.to_string()]);
	net.wait_in_flight(0, &mut in_flight, STEP);
	net.kill9(victim);
	let killed = Instant::now();
	let probe = LagProbe::start(net.nodes[0].http());
	let submitted = net.finish_step(0, in_flight, STEP);
	let events = submitted["events"].as_array().cloned().unwrap_or_default();
	assert!(events.iter().any(|e| e["event"] == "EncryptedDataSubmitted"), "{submitted}");
	compare(net, 0, session);
	answer(net, 0, session);
	net.lag_figure(&format!("finality lag with {} down (node 1, three up)", net.nodes[victim].service), probe.stop());
	assert!(net.nodes[victim].rpc("system_health", json!([])).is_err(), "the killed node still answers RPC");
	let down_for = killed.elapsed();
	net.figure(&format!("{} down (SIGKILL) while the session completed", net.nodes[victim].service), down_for);

	net.restart_and_catch_up(victim, CATCH_UP, "after SIGKILL");
	net.converge("after the killed node's restart", CATCH_UP);
	check_results(net, victim, session);
	completed.push(session);
}

/// 3. Nodes 1 and 2 against nodes 3 and 4.
fn partition(net: &mut Network, _completed: &mut Vec<u64>) {
	if !net.has_netns() {
		eprintln!(
			"[network] scenario 3 SKIPPED: partitions need network namespaces (root and iproute2), and this run has \
			 none; the nodes share 127.0.0.1 (see the first lines of this output for why)"
		);
		return;
	}
	let count = net.nodes.len();
	let (side_a, side_b): (Vec<usize>, Vec<usize>) = (0..count).partition(|&i| i < count / 2);

	// Submitted through node 1 and cut off before it is finalized.
	let request_file = net.request_file.clone();
	let mut before_cut =
		net.spawn_cli(side_a[0], &["institution", "request", "--suri", INSTITUTION, "--file", &request_file]);
	net.wait_in_flight(side_a[0], &mut before_cut, STEP);
	net.partition(&side_a, &side_b);
	let cut = Instant::now();
	let at_cut: Vec<Status> = (0..count).map(|i| net.status(i)).collect();
	// Submitted on the other side during the partition.
	let mut during = net.spawn_cli(side_b[0], &["holder", "register-key", "--suri", OTHER_HOLDER]);

	thread::sleep(PARTITION_SETTLE.saturating_sub(cut.elapsed()));
	let settled: Vec<Status> = (0..count).map(|i| net.status(i)).collect();
	let finalized_after_cut: u64 =
		settled.iter().zip(&at_cut).map(|(s, c)| s.finalized.saturating_sub(c.finalized)).max().unwrap_or(0);
	net.note(&format!("blocks finalized within {PARTITION_SETTLE:?} after the cut (votes under way)"), finalized_after_cut.to_string());
	thread::sleep(PARTITION_HOLD);
	let held: Vec<Status> = (0..count).map(|i| net.status(i)).collect();
	for i in 0..count {
		assert_eq!(
			(held[i].finalized, &held[i].finalized_hash),
			(settled[i].finalized, &settled[i].finalized_hash),
			"{} finalized during the partition: two validators of four cannot finalize (GRANDPA needs more than 2/3)",
			net.nodes[i].service
		);
		assert!(
			held[i].best > settled[i].best,
			"{}'s side authored no block in {PARTITION_HOLD:?} of partition (best #{})",
			net.nodes[i].service,
			held[i].best
		);
	}
	assert_ne!(held[side_a[0]].best_hash, held[side_b[0]].best_hash, "the two sides should have forked");
	assert!(during.running(), "the extrinsic submitted during the partition was reported finalized");
	net.figure("partition held with no finality on either side", cut.elapsed());

	net.heal();
	let healed = Instant::now();
	let stalled = held.iter().map(|s| s.finalized).max().unwrap_or(0);
	for i in 0..count {
		net.wait_finalized(i, stalled + 1, HEAL);
	}
	net.figure("finality resumed on all four after healing", healed.elapsed());

	let request = net.finish_step(side_a[0], before_cut, STEP);
	let request_id = request["request_id"].as_u64().expect("a request id");
	let key = net.finish_step(side_b[0], during, STEP);
	assert_eq!(key["registered"], true, "{key}");
	net.figure("both extrinsics of the partition finalized, after healing", healed.elapsed());
	net.converge("after healing the partition", HEAL);

	// Each side's extrinsic is read back through a node of the other side.
	let requests = net.read(side_b[1], &["requests"]);
	assert!(
		requests.as_array().expect("a list").iter().any(|r| r["request_id"] == request_id),
		"request {request_id}, submitted before the cut, is not on {}'s chain: {requests}",
		net.nodes[side_b[1]].service
	);
	let again = net.read(side_a[1], &["holder", "register-key", "--suri", OTHER_HOLDER]);
	assert_eq!(
		(again["registered"].as_bool(), &again["key_hash"]),
		(Some(false), &key["key_hash"]),
		"the key registered during the partition is not on {}'s chain",
		net.nodes[side_a[1]].service
	);
}

/// 4. Each node stopped with SIGINT in turn; while it is down, the next step of a session goes
/// through the next node; it restarts and catches up before the next one stops.
fn rolling_restart(net: &mut Network, completed: &mut Vec<u64>) {
	let count = net.nodes.len();
	let mut request = None;
	let mut session = None;
	for down in 0..count {
		let via = (down + 1) % count;
		net.stop(down);
		match (request, session) {
			(None, _) => request = Some(create_request(net, via)),
			(Some(r), None) => session = Some(join(net, via, r)),
			(_, Some(s)) => match down {
				2 => submit_data(net, via, s),
				_ => compare(net, via, s),
			},
		}
		net.restart_and_catch_up(down, CATCH_UP, "after SIGINT (rolling restart)");
	}
	let session = session.expect("four nodes: request, join, submit-data, compare");
	answer(net, 1 % count, session);
	check_results(net, 2 % count, session);
	net.converge("after the rolling restart", CATCH_UP);
	completed.push(session);
}

/// 5. Node 3's base path removed: a new disk, the same keys and flags.
fn resync(net: &mut Network, completed: &mut Vec<u64>) {
	let victim = 2.min(net.nodes.len() - 1);
	net.kill9(victim);
	let base_path = net.nodes[victim].base_path.clone();
	fs::remove_dir_all(&base_path).unwrap_or_else(|e| panic!("{}: {e}", base_path.display()));
	let chain = net.status(0).finalized;
	net.note("chain length when the database was removed (finalized blocks)", chain.to_string());
	net.restart_and_catch_up(victim, RESYNC, "with an empty database (full sync)");
	net.converge("after the resync", CATCH_UP);
	// The resynced node serves every earlier session.
	for &session in completed.iter() {
		let record = net.read(victim, &["session", &session.to_string()]);
		assert_eq!(record["state"], "Completed", "session {session} on the resynced node: {record}");
	}
}

// --- session steps through the `medshare` binary ---------------------------------------------

fn create_request(net: &mut Network, via: usize) -> u64 {
	let file = net.request_file.clone();
	let report = net.step(via, &["institution", "request", "--suri", INSTITUTION, "--file", &file]);
	report["request_id"].as_u64().unwrap_or_else(|| panic!("no request id: {report}"))
}

fn join(net: &mut Network, via: usize, request: u64) -> u64 {
	let report = net.step(via, &["holder", "join", "--suri", HOLDER, "--request", &request.to_string()]);
	report["session_id"].as_u64().unwrap_or_else(|| panic!("no session id: {report}"))
}

fn submit_data(net: &mut Network, via: usize, session: u64) {
	net.step(via, &["holder", "submit-data", "--suri", HOLDER, "--session", &session.to_string()]);
}

fn compare(net: &mut Network, via: usize, session: u64) {
	net.step(via, &["institution", "compare", "--suri", INSTITUTION, "--session", &session.to_string()]);
}

fn answer(net: &mut Network, via: usize, session: u64) {
	net.step(via, &["holder", "result", "--suri", HOLDER, "--session", &session.to_string()]);
}

/// The institution's -1/0/1, read through node `via`, are what the plaintext gives.
fn check_results(net: &mut Network, via: usize, session: u64) {
	let registry = net.read(via, &["registry"]);
	let results = net.read(via, &["institution", "results", "--suri", INSTITUTION, "--session", &session.to_string()]);
	assert_eq!(reported_outcomes(&results), expected_outcomes(&registry), "session {session} read through {}", net.nodes[via].service);
	let record = net.read(via, &["session", &session.to_string()]);
	assert_eq!(record["state"], "Completed", "{record}");
}

// --- the compose file ----------------------------------------------------------------------

/// The four validators of docker-compose.yml, with what this harness rewrites checked present.
fn compose_services() -> Vec<Service> {
	let services = compose::services();
	for service in &services {
		let name = &service.name;
		for required in ["--base-path", "--port", "--rpc-port", "--node-key"] {
			assert!(flag(&service.command, required).is_some(), "{name} has no {required}=, which the harness needs");
		}
		assert!(
			service.command.iter().any(|a| a == "--unsafe-rpc-external" || a == "--rpc-external"),
			"{name}: RPC must listen beyond loopback for Docker's published ports, and for this harness"
		);
	}
	assert_eq!(services.len(), 4, "the scenarios need the four validators of the compose file (two against two)");
	services
}

/// The compose command of `services[index]` on this machine ([`compose::command_for`]). In
/// namespaces every port stays the compose file's, and `--rpc-cors=all` is added should the
/// file ever drop it (this test reaches RPC by address, not as localhost). On loopback the
/// ports are free ones, with mDNS and the shared Prometheus port turned off.
fn node_args(index: usize, services: &[Service], places: &[Place], base_path: &Path, loopback: bool) -> Vec<String> {
	let mut args = compose::command_for(index, services, places, base_path);
	if loopback {
		args.retain(|arg| !arg.starts_with("--prometheus-port="));
		args.extend(["--no-mdns".to_string(), format!("--prometheus-port={}", common::free_port())]);
	} else if flag(&args, "--rpc-cors").is_none() {
		// Without it the node refuses the Host header 10.44.X.N.
		args.push("--rpc-cors=all".to_string());
	}
	args
}

// --- the network ------------------------------------------------------------------------------

/// What a node reports.
#[derive(Clone, Debug)]
struct Status {
	best: u64,
	best_hash: String,
	finalized: u64,
	finalized_hash: String,
	peers: u64,
}

fn hex_number(value: &Value) -> Result<u64, String> {
	value
		.as_str()
		.and_then(|hex| u64::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
		.ok_or_else(|| format!("not a hex number: {value}"))
}

fn status_at(url: &str) -> Result<Status, String> {
	use common::rpc_at;
	let best_hash = rpc_at(url, "chain_getBlockHash", json!([]))?;
	let best = rpc_at(url, "chain_getHeader", json!([best_hash]))?;
	let finalized_hash = rpc_at(url, "chain_getFinalizedHead", json!([]))?;
	let finalized = rpc_at(url, "chain_getHeader", json!([finalized_hash]))?;
	let health = rpc_at(url, "system_health", json!([]))?;
	Ok(Status {
		best: hex_number(&best["number"])?,
		best_hash: best_hash.as_str().unwrap_or_default().to_string(),
		finalized: hex_number(&finalized["number"])?,
		finalized_hash: finalized_hash.as_str().unwrap_or_default().to_string(),
		peers: health["peers"].as_u64().unwrap_or(0),
	})
}

/// Children die with the test process, even when it is killed outright (a nextest timeout).
fn die_with_parent(command: &mut Command) {
	// SAFETY: prctl only sets this child's own parent-death signal, between fork and exec.
	unsafe {
		command.pre_exec(|| {
			libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
			Ok(())
		});
	}
}

/// One validator: a compose service, its process and its files.
struct Node {
	service: String,
	netns: Option<String>,
	/// The ceremony's verifying keys, which the `local` chain spec reads.
	ceremony_keys: PathBuf,
	place: Place,
	args: Vec<String>,
	base_path: PathBuf,
	log_path: PathBuf,
	child: Option<Child>,
}

impl Node {
	fn http(&self) -> String {
		format!("http://{}:{}", self.place.host, self.place.rpc_port)
	}

	fn url(&self) -> String {
		format!("ws://{}:{}", self.place.host, self.place.rpc_port)
	}

	fn spawn(&mut self, binary: &Path) {
		assert!(self.child.is_none(), "{} is already running", self.service);
		let mut log = OpenOptions::new().create(true).append(true).open(&self.log_path).expect("the node log");
		let _ = writeln!(log, "=== network.rs: starting {} ===", self.service);
		let mut command = match &self.netns {
			Some(netns) => {
				let mut command = Command::new("ip");
				command.args(["netns", "exec", netns.as_str()]).arg(binary);
				command
			},
			None => Command::new(binary),
		};
		command.env("MEDSHARE_CEREMONY_KEYS", &self.ceremony_keys);
		command.args(&self.args).stdin(Stdio::null()).stdout(log.try_clone().expect("a second log handle")).stderr(log);
		die_with_parent(&mut command);
		let child = command.spawn().unwrap_or_else(|e| panic!("could not start {}: {e}", self.service));
		self.child = Some(child);
	}

	fn exited(&mut self) -> Option<ExitStatus> {
		self.child.as_mut().and_then(|child| child.try_wait().ok().flatten())
	}

	fn kill9(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// SIGINT, then waits for the exit.
	fn interrupt(&mut self, deadline: Duration) -> Option<ExitStatus> {
		common::interrupt(self.child.take()?, deadline)
	}

	fn rpc(&self, method: &str, params: Value) -> Result<Value, String> {
		common::rpc_at(&self.http(), method, params)
	}

	fn call(&self, method: &str, params: Value) -> Value {
		self.rpc(method, params.clone()).unwrap_or_else(|e| self.fail(&format!("RPC {method} {params} failed: {e}")))
	}

	fn fail(&self, what: &str) -> ! {
		panic!("{}: {what}\n--- last lines of {} ---\n{}", self.service, self.log_path.display(), common::log_tail(&self.log_path))
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.kill9();
	}
}

/// A `medshare` command running in the background.
struct Pending {
	child: Option<Child>,
	what: String,
	out: PathBuf,
	err: PathBuf,
}

impl Pending {
	fn running(&mut self) -> bool {
		self.child.as_mut().is_some_and(|child| matches!(child.try_wait(), Ok(None)))
	}

	fn wait(mut self, deadline: Duration) -> Run {
		let mut child = self.child.take().expect("waited once");
		let start = Instant::now();
		let status = loop {
			if let Ok(Some(status)) = child.try_wait() {
				break status;
			}
			if start.elapsed() > deadline {
				let _ = child.kill();
				let _ = child.wait();
				panic!("{} did not finish within {deadline:?}\nstderr: {}", self.what, fs::read_to_string(&self.err).unwrap_or_default());
			}
			thread::sleep(Duration::from_millis(200));
		};
		let stdout = fs::read_to_string(&self.out).unwrap_or_default();
		let stderr = fs::read_to_string(&self.err).unwrap_or_default();
		let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
		Run { ok: status.success(), json, stdout, stderr }
	}
}

impl Drop for Pending {
	fn drop(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

/// The four validators, their hosts and what the scenarios measured. Dropping it kills every
/// node and deletes the namespaces and the bridge.
struct Network {
	nodes: Vec<Node>,
	/// `Some(prefix)` (10.44.X) when the nodes run in namespaces.
	netns: Option<String>,
	tag: String,
	dir: PathBuf,
	node_binary: PathBuf,
	cli_binary: PathBuf,
	/// The ceremony's exported parameters (`medshare --params`) and keys.
	ceremony: PathBuf,
	state_dir: PathBuf,
	request_file: String,
	bundle: String,
	genesis: Value,
	/// Every extrinsic a step reported finalized: what, block number, block hash.
	included: Vec<(String, u64, String)>,
	figures: Vec<(String, String)>,
	cli_runs: usize,
}

fn netns_script(args: &[&str]) -> Result<String, String> {
	let script = common::repository_root().join("scripts").join("netns.sh");
	let output = Command::new("bash")
		.arg(&script)
		.args(args)
		.output()
		.map_err(|e| format!("cannot run bash {}: {e}", script.display()))?;
	if output.status.success() {
		Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
	} else {
		Err(format!("scripts/netns.sh {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()))
	}
}

/// A hard link to a built binary (a copy across file systems), so that a rebuild during the run
/// cannot give a restarted node another runtime, and with it another genesis.
fn pinned(source: &Path, dir: &Path) -> PathBuf {
	assert!(
		source.exists(),
		"{} does not exist: build the workspace first (cargo build --workspace, after . scripts/env.sh)",
		source.display()
	);
	let target = dir.join(source.file_name().expect("a file name"));
	if fs::hard_link(source, &target).is_err() {
		fs::copy(source, &target).unwrap_or_else(|e| panic!("copying {}: {e}", source.display()));
	}
	target
}

impl Network {
	/// Sets up the hosts, starts the four validators and waits until they finalize together.
	fn start() -> Network {
		let services = compose_services();
		let choice = std::env::var("MEDSHARE_NETWORK").unwrap_or_default();
		assert!(
			matches!(choice.as_str(), "" | "auto" | "netns" | "loopback"),
			"MEDSHARE_NETWORK is netns, loopback or auto, not {choice:?}"
		);
		let ceremony = ceremony();
		let tag = std::process::id().to_string();
		let dir = std::env::temp_dir().join(format!("medshare-network-{tag}"));
		let _ = fs::remove_dir_all(&dir);
		for sub in ["bin", "data", "logs", "state"] {
			fs::create_dir_all(dir.join(sub)).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
		}
		let node_binary = pinned(&common::node_binary(), &dir.join("bin"));
		let cli_binary = pinned(Path::new(env!("CARGO_BIN_EXE_medshare")), &dir.join("bin"));
		let mut net = Network {
			nodes: Vec::new(),
			netns: None,
			tag,
			state_dir: dir.join("state"),
			dir,
			node_binary,
			cli_binary,
			ceremony,
			request_file: sample("request.json").to_str().expect("a UTF-8 path").to_string(),
			bundle: sample("holder-bundle.json").to_str().expect("a UTF-8 path").to_string(),
			genesis: Value::Null,
			included: Vec::new(),
			figures: Vec::new(),
			cli_runs: 0,
		};

		if choice != "loopback" {
			let _ = netns_script(&["sweep"]);
			// Concurrent runs start their search for a free subnet at different places.
			let octet = (1 + std::process::id() % 250).to_string();
			match netns_script(&["up", &net.tag, &services.len().to_string(), &octet]) {
				Ok(prefix) => {
					assert!(prefix.starts_with("10.44.") && prefix.split('.').count() == 3, "netns.sh up printed {prefix:?}");
					net.netns = Some(prefix);
				},
				Err(why) if choice == "netns" => panic!("MEDSHARE_NETWORK=netns, but the namespaces could not be set up: {why}"),
				Err(why) => eprintln!(
					"[network] no network namespaces ({why}): the validators run on 127.0.0.1 with ports of their own, \
					 and the partition scenario will be skipped"
				),
			}
		}

		let places: Vec<Place> = services
			.iter()
			.enumerate()
			.map(|(i, service)| match &net.netns {
				Some(prefix) => Place {
					host: format!("{prefix}.{}", i + 1),
					p2p_port: flag(&service.command, "--port").and_then(|p| p.parse().ok()).expect("a numeric --port"),
					rpc_port: flag(&service.command, "--rpc-port").and_then(|p| p.parse().ok()).expect("a numeric --rpc-port"),
				},
				None => Place { host: "127.0.0.1".to_string(), p2p_port: common::free_port(), rpc_port: common::free_port() },
			})
			.collect();
		for (i, service) in services.iter().enumerate() {
			let base_path = net.dir.join("data").join(&service.name);
			let args = node_args(i, &services, &places, &base_path, net.netns.is_none());
			let netns = net.netns.as_ref().map(|_| format!("medshare-{}-{}", net.tag, i + 1));
			eprintln!(
				"[network] {} on {} ({}): medshare-node {}",
				service.name,
				places[i].host,
				netns.as_deref().unwrap_or("loopback"),
				args.join(" ")
			);
			net.nodes.push(Node {
				service: service.name.clone(),
				netns,
				ceremony_keys: net.ceremony.join("verifying-keys.json"),
				place: places[i].clone(),
				args,
				base_path,
				log_path: net.dir.join("logs").join(format!("{}.log", service.name)),
				child: None,
			});
		}

		let spawned = Instant::now();
		let binary = net.node_binary.clone();
		for node in &mut net.nodes {
			node.spawn(&binary);
		}
		for i in 0..net.nodes.len() {
			net.wait_rpc(i, STARTUP);
		}
		net.figure("all four answer RPC, from spawn (genesis built by each)", spawned.elapsed());
		net.genesis = net.nodes[0].call("chain_getBlockHash", json!([0]));
		for node in &net.nodes {
			assert_eq!(node.call("system_chain", json!([])), json!("MedShare Local Testnet"), "{}", node.service);
			assert_eq!(node.call("system_nodeRoles", json!([])), json!(["Authority"]), "{}", node.service);
			assert_eq!(node.call("chain_getBlockHash", json!([0])), net.genesis, "{} has another genesis", node.service);
		}
		// Bootnode addresses name the peer id the node's fixed key gives it.
		for (i, node) in net.nodes.iter().enumerate() {
			let peer_id = node.call("system_localPeerId", json!([]));
			for other in &services {
				let Some(bootnodes) = flag(&other.command, "--bootnodes") else { continue };
				if bootnodes.contains(&format!("/{}/tcp/", services[i].name)) {
					assert_eq!(
						bootnodes.rsplit("/p2p/").next(),
						peer_id.as_str(),
						"{}'s bootnode address names another peer id than {}'s",
						other.name,
						node.service
					);
				}
			}
		}
		for i in 0..net.nodes.len() {
			net.wait_finalized(i, 1, FIRST_FINALITY);
		}
		net.figure("first block finalized on all four, from spawn", spawned.elapsed());
		let peers = net.status(0).peers;
		net.note(&format!("{}'s peers once finality started", net.nodes[0].service), peers.to_string());
		net
	}

	fn has_netns(&self) -> bool {
		self.netns.is_some()
	}

	fn figure(&mut self, what: &str, took: Duration) {
		self.note(what, format!("{:.1} s", took.as_secs_f64()));
	}

	fn note(&mut self, what: &str, value: String) {
		eprintln!("[network] figure: {what}: {value}");
		self.figures.push((what.to_string(), value));
	}

	fn lag_figure(&mut self, what: &str, lags: Vec<f64>) {
		if lags.is_empty() {
			self.note(what, "no block both authored and finalized while measured".to_string());
			return;
		}
		let mean = lags.iter().sum::<f64>() / lags.len() as f64;
		let max = lags.iter().cloned().fold(0.0, f64::max);
		self.note(what, format!("mean {mean:.1} s, max {max:.1} s over {} blocks", lags.len()));
	}

	fn status(&self, i: usize) -> Status {
		status_at(&self.nodes[i].http()).unwrap_or_else(|e| self.nodes[i].fail(&format!("status: {e}")))
	}

	fn wait_rpc(&mut self, i: usize, deadline: Duration) -> Duration {
		let start = Instant::now();
		loop {
			if let Some(status) = self.nodes[i].exited() {
				self.nodes[i].fail(&format!("exited before answering RPC ({status})"));
			}
			if self.nodes[i].rpc("system_health", json!([])).is_ok() {
				return start.elapsed();
			}
			if start.elapsed() > deadline {
				self.nodes[i].fail(&format!("did not answer RPC at {} within {deadline:?}", self.nodes[i].http()));
			}
			thread::sleep(Duration::from_millis(250));
		}
	}

	/// Waits until node `i` has finalized block `number`.
	fn wait_finalized(&mut self, i: usize, number: u64, deadline: Duration) -> Duration {
		let start = Instant::now();
		loop {
			if let Some(status) = self.nodes[i].exited() {
				self.nodes[i].fail(&format!("exited while waiting for block {number} to be finalized ({status})"));
			}
			let finalized = status_at(&self.nodes[i].http()).map(|s| s.finalized);
			if matches!(finalized, Ok(f) if f >= number) {
				return start.elapsed();
			}
			if start.elapsed() > deadline {
				self.nodes[i].fail(&format!("block {number} was not finalized within {deadline:?} (now: {finalized:?})"));
			}
			thread::sleep(Duration::from_millis(250));
		}
	}

	/// Waits until `cli`'s extrinsic is in node `i`'s pool or in a block it has not finalized.
	fn wait_in_flight(&mut self, i: usize, cli: &mut Pending, deadline: Duration) {
		let start = Instant::now();
		loop {
			let pending = self.nodes[i].rpc("author_pendingExtrinsics", json!([])).ok();
			if pending.as_ref().and_then(Value::as_array).is_some_and(|p| !p.is_empty()) {
				return;
			}
			if let Ok(status) = status_at(&self.nodes[i].http()) {
				if status.best > status.finalized {
					let block = self.nodes[i].rpc("chain_getBlock", json!([status.best_hash])).unwrap_or(Value::Null);
					// The timestamp inherent is always there; anything more is ours.
					if block["block"]["extrinsics"].as_array().is_some_and(|x| x.len() > 1) {
						return;
					}
				}
			}
			if !cli.running() {
				panic!(
					"{} finished before it could be caught in flight\nstderr: {}",
					cli.what,
					fs::read_to_string(&cli.err).unwrap_or_default()
				);
			}
			if start.elapsed() > deadline {
				panic!("{} put nothing into {}'s pool within {deadline:?}", cli.what, self.nodes[i].service);
			}
			thread::sleep(Duration::from_millis(100));
		}
	}

	fn kill9(&mut self, i: usize) {
		eprintln!("[network] SIGKILL {}", self.nodes[i].service);
		self.nodes[i].kill9();
	}

	fn stop(&mut self, i: usize) {
		let start = Instant::now();
		let status = self.nodes[i].interrupt(STOP);
		match status {
			Some(status) if status.success() => {},
			Some(status) => self.nodes[i].fail(&format!("exited with {status} on SIGINT")),
			None => self.nodes[i].fail(&format!("did not stop within {STOP:?} of SIGINT")),
		}
		let service = self.nodes[i].service.clone();
		self.figure(&format!("{service} stopped on SIGINT"), start.elapsed());
	}

	/// Starts node `i` again from its base path and waits until it answers, is on the same
	/// chain, has peers, and has finalized beyond what the others had finalized when it started.
	fn restart_and_catch_up(&mut self, i: usize, deadline: Duration, how: &str) {
		let others: Vec<usize> = (0..self.nodes.len()).filter(|&j| j != i && self.nodes[j].child.is_some()).collect();
		let target = others.iter().map(|&j| self.status(j).finalized).max().expect("other nodes run");
		let start = Instant::now();
		let binary = self.node_binary.clone();
		self.nodes[i].spawn(&binary);
		let rpc = self.wait_rpc(i, deadline);
		let genesis = self.nodes[i].call("chain_getBlockHash", json!([0]));
		if genesis != self.genesis {
			self.nodes[i].fail(&format!("restarted on another genesis {genesis} (the network's is {})", self.genesis));
		}
		// One block beyond: finality moved with this node back among the voters.
		self.wait_finalized(i, target + 1, deadline.saturating_sub(start.elapsed()));
		let service = self.nodes[i].service.clone();
		self.figure(&format!("{service} restarted {how}: answers RPC"), rpc);
		self.figure(&format!("{service} restarted {how}: finalized #{} (the others had #{target})", target + 1), start.elapsed());
		let peers_deadline = Instant::now() + Duration::from_secs(60);
		while self.status(i).peers < 2 {
			assert!(Instant::now() < peers_deadline, "{service} has fewer than two peers a minute after catching up");
			thread::sleep(Duration::from_millis(500));
		}
	}

	fn partition(&mut self, side_a: &[usize], side_b: &[usize]) {
		let group = |side: &[usize]| side.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(" ");
		netns_script(&["partition", &self.tag, &group(side_a), &group(side_b)]).unwrap_or_else(|e| panic!("{e}"));
		let names = |side: &[usize]| side.iter().map(|&i| self.nodes[i].service.clone()).collect::<Vec<_>>().join(", ");
		eprintln!("[network] partition: {} | {}", names(side_a), names(side_b));
	}

	fn heal(&mut self) {
		netns_script(&["heal", &self.tag]).unwrap_or_else(|e| panic!("{e}"));
		eprintln!("[network] partition healed");
	}

	/// Waits until every running node has finalized the highest block any of them (or any
	/// recorded step) reached, then checks that they agree: the same block at that height, the
	/// same `MedicalSharing` state at it, and every extrinsic a step reported in their chain.
	fn converge(&mut self, when: &str, deadline: Duration) -> u64 {
		let live: Vec<usize> = (0..self.nodes.len()).filter(|&i| self.nodes[i].child.is_some()).collect();
		let recorded = self.included.iter().map(|(_, block, _)| *block).max().unwrap_or(0);
		let target = live.iter().map(|&i| self.status(i).finalized).max().unwrap_or(0).max(recorded);
		for &i in &live {
			self.wait_finalized(i, target, deadline);
		}
		let hash = self.nodes[live[0]].call("chain_getBlockHash", json!([target]));
		let reference = pallet_state(&self.nodes[live[0]], &hash);
		assert!(!reference.is_empty(), "{when}: no MedicalSharing state at #{target}");
		for &i in &live[1..] {
			let other = self.nodes[i].call("chain_getBlockHash", json!([target]));
			assert_eq!(other, hash, "{when}: {} and {} finalized different blocks #{target}", self.nodes[live[0]].service, self.nodes[i].service);
			let state = pallet_state(&self.nodes[i], &hash);
			if state != reference {
				let theirs: BTreeMap<_, _> = state.iter().cloned().collect();
				let ours: BTreeMap<_, _> = reference.iter().cloned().collect();
				let differing: Vec<&String> =
					ours.keys().chain(theirs.keys()).filter(|k| ours.get(*k) != theirs.get(*k)).take(5).collect();
				panic!(
					"{when}: {} and {} hold different MedicalSharing state at #{target} {hash}; keys: {differing:?}",
					self.nodes[live[0]].service, self.nodes[i].service
				);
			}
		}
		for (what, block, block_hash) in &self.included {
			for &i in &live {
				let at = self.nodes[i].call("chain_getBlockHash", json!([block]));
				assert_eq!(
					at.as_str(),
					Some(block_hash.as_str()),
					"{when}: {what}, finalized in #{block} {block_hash}, is not in {}'s chain",
					self.nodes[i].service
				);
			}
		}
		let bytes: usize = reference.iter().map(|(k, v)| k.len() + v.len()).sum();
		let digest = sp_crypto_hashing::blake2_256(
			reference.iter().flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()]).flatten().copied().collect::<Vec<u8>>().as_slice(),
		);
		eprintln!(
			"[network] {when}: {} nodes agree at finalized #{target} {}: {} MedicalSharing entries ({} hex chars), digest {}, \
			 {} recorded extrinsics present",
			live.len(),
			hash.as_str().unwrap_or_default(),
			reference.len(),
			bytes,
			hex::encode(&digest[..8]),
			self.included.len()
		);
		target
	}

	// --- the `medshare` binary ---

	fn spawn_cli(&mut self, via: usize, args: &[&str]) -> Pending {
		self.cli_runs += 1;
		let stem = self.dir.join("logs").join(format!("cli-{:03}", self.cli_runs));
		let (out, err) = (stem.with_extension("out"), stem.with_extension("err"));
		let what = format!("medshare {} (through {})", args.join(" "), self.nodes[via].service);
		eprintln!("[network] {what}");
		let url = self.nodes[via].url();
		let mut command = Command::new(&self.cli_binary);
		command
			.args(["--url", url.as_str(), "--state-dir"])
			.arg(&self.state_dir)
			// Each step moves between validators: it waits until its block is final, so that the
			// next step, through another node, sees it whatever that node's best block is.
			.args(["--json", "--quiet", "--wait", "finality"])
			.arg("--params")
			.arg(&self.ceremony)
			.args(args)
			.stdin(Stdio::null())
			.stdout(File::create(&out).expect("a CLI output file"))
			.stderr(File::create(&err).expect("a CLI error file"));
		die_with_parent(&mut command);
		let child = command.spawn().unwrap_or_else(|e| panic!("could not start {}: {e}", self.cli_binary.display()));
		Pending { child: Some(child), what, out, err }
	}

	fn run_ok(pending: Pending, deadline: Duration) -> Value {
		let what = pending.what.clone();
		let started = Instant::now();
		let run = pending.wait(deadline);
		assert!(run.ok, "{what} failed\nstdout: {}\nstderr: {}", run.stdout, run.stderr);
		eprintln!("[network]   done in {:.1} s", started.elapsed().as_secs_f64());
		run.json
	}

	/// A command that only reads; through node `via` once it has finalized every recorded step.
	fn read(&mut self, via: usize, args: &[&str]) -> Value {
		let recorded = self.included.iter().map(|(_, block, _)| *block).max().unwrap_or(0);
		self.wait_finalized(via, recorded, CATCH_UP);
		let pending = self.spawn_cli(via, args);
		Network::run_ok(pending, STEP)
	}

	/// A command that submits and waits for finality; its block is recorded.
	fn step(&mut self, via: usize, args: &[&str]) -> Value {
		let pending = self.spawn_cli(via, args);
		self.finish_step(via, pending, STEP)
	}

	fn finish_step(&mut self, via: usize, pending: Pending, deadline: Duration) -> Value {
		let what = pending.what.clone();
		let report = Network::run_ok(pending, deadline);
		if let Some(block) = report["block"].as_u64() {
			// Finalized by the time the command returns, so the node's block at that height.
			let hash = match report["block_hash"].as_str() {
				Some(hash) => hash.to_string(),
				None => self.nodes[via].call("chain_getBlockHash", json!([block])).as_str().unwrap_or_default().to_string(),
			};
			self.included.push((what, block, hash));
		}
		report
	}
}

impl Drop for Network {
	fn drop(&mut self) {
		for node in &mut self.nodes {
			node.kill9();
		}
		if self.netns.is_some() {
			if let Err(e) = netns_script(&["down", &self.tag]) {
				eprintln!("[network] cleanup: {e}");
			}
		}
		if !self.figures.is_empty() {
			eprintln!("\n[network] figures ({}):", if self.netns.is_some() { "network namespaces" } else { "loopback" });
			for (what, value) in &self.figures {
				eprintln!("| {what} | {value} |");
			}
		}
		let _ = fs::remove_dir_all(self.dir.join("data"));
		let _ = fs::remove_dir_all(self.dir.join("bin"));
		if thread::panicking() {
			eprintln!("[network] node logs and CLI output kept in {}", self.dir.join("logs").display());
		} else {
			let _ = fs::remove_dir_all(&self.dir);
		}
	}
}

/// Every `MedicalSharing` entry at block `at`, key and value in hex, sorted.
fn pallet_state(node: &Node, at: &Value) -> Vec<(String, String)> {
	let prefix = format!("0x{}", hex::encode(sp_crypto_hashing::twox_128(b"MedicalSharing")));
	common::storage_at(&node.http(), &prefix, at).unwrap_or_else(|e| node.fail(&format!("reading the pallet's state: {e}")))
}

/// Times, on one node, how long each block takes from first seen as best to finalized.
struct LagProbe {
	stop: Arc<AtomicBool>,
	handle: JoinHandle<Vec<f64>>,
}

impl LagProbe {
	fn start(url: String) -> LagProbe {
		let stop = Arc::new(AtomicBool::new(false));
		let flag = stop.clone();
		let handle = thread::spawn(move || {
			let mut seen_best: BTreeMap<u64, Instant> = BTreeMap::new();
			let mut lags = Vec::new();
			let mut first: Option<(u64, u64)> = None;
			let mut finalized_so_far = 0;
			while !flag.load(Ordering::Relaxed) {
				if let Ok(status) = status_at(&url) {
					let now = Instant::now();
					let (best0, finalized0) = *first.get_or_insert((status.best, status.finalized));
					if finalized_so_far == 0 {
						finalized_so_far = finalized0;
					}
					// Only blocks authored while measuring: their first sighting is a real time.
					for number in best0 + 1..=status.best {
						seen_best.entry(number).or_insert(now);
					}
					for number in finalized_so_far + 1..=status.finalized {
						if let Some(seen) = seen_best.get(&number) {
							lags.push(now.duration_since(*seen).as_secs_f64());
						}
					}
					finalized_so_far = finalized_so_far.max(status.finalized);
				}
				thread::sleep(Duration::from_millis(250));
			}
			lags
		});
		LagProbe { stop, handle }
	}

	fn stop(self) -> Vec<f64> {
		self.stop.store(true, Ordering::Relaxed);
		self.handle.join().unwrap_or_default()
	}
}
