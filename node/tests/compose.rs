//! docker-compose.yml cannot be run here (no Docker engine), so this test checks it as far as
//! the node itself can: the file parses, the four services pass flags, presets and ports the
//! built node accepts, every bootnode address names Alice's real peer id, and the four
//! validators started with exactly those flags (only paths and port numbers moved to free
//! ones on 127.0.0.1) form one network that finalizes blocks.

mod common;

use std::{
	collections::BTreeMap,
	io::Write,
	process::{Command, Stdio},
	time::Duration,
};

use common::{free_port, repository_root, RunningNode};
use serde_json::json;
use serde_yaml::Value;

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

fn load_compose() -> Value {
	let path = repository_root().join("docker-compose.yml");
	let text = std::fs::read_to_string(&path).expect("docker-compose.yml is in the repository");
	let mut compose: Value = serde_yaml::from_str(&text).expect("docker-compose.yml is valid YAML");
	compose.apply_merge().expect("the YAML merge keys resolve");
	compose
}

fn command_of(compose: &Value, service: &str) -> Vec<String> {
	compose["services"][service]["command"]
		.as_sequence()
		.unwrap_or_else(|| panic!("service {service} has a command list"))
		.iter()
		.map(|arg| arg.as_str().expect("command arguments are strings").to_string())
		.collect()
}

/// The value of `--flag=value` in a command.
fn flag<'a>(command: &'a [String], name: &str) -> Option<&'a str> {
	let prefix = format!("{name}=");
	command.iter().find_map(|arg| arg.strip_prefix(&prefix))
}

fn peer_id_of(node_key_hex: &str) -> String {
	let mut child = Command::new(common::node_binary())
		.args(["key", "inspect-node-key"])
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.spawn()
		.expect("the node binary runs");
	child.stdin.take().unwrap().write_all(node_key_hex.as_bytes()).unwrap();
	let output = child.wait_with_output().unwrap();
	assert!(output.status.success(), "the node rejected the node key {node_key_hex}");
	String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn compose_file_describes_four_local_validators_the_node_accepts() {
	let compose = load_compose();
	let dockerfile = std::fs::read_to_string(repository_root().join("Dockerfile")).unwrap();
	let final_stage = dockerfile.rsplit("\nFROM ").next().unwrap();
	assert!(dockerfile.matches("\nFROM ").count() >= 1, "the Dockerfile is multi-stage");
	assert!(
		final_stage.contains("COPY --from=builder /medshare-node /usr/local/bin/medshare-node") &&
			final_stage.matches("COPY").count() == 1,
		"the final image holds the node binary only"
	);

	let mut peer_ids = BTreeMap::new();
	for service in VALIDATORS {
		let definition = &compose["services"][service];
		assert_eq!(definition["build"]["context"].as_str(), Some("."), "{service} builds the repo");
		assert_eq!(definition["build"]["dockerfile"].as_str(), Some("Dockerfile"));
		let command = command_of(&compose, service);
		assert_eq!(flag(&command, "--chain"), Some("local"), "{service} runs the local preset");
		assert!(command.contains(&format!("--{service}")), "{service} validates with its dev key");
		let rpc_port = flag(&command, "--rpc-port").expect("an RPC port");
		let published: Vec<&str> = definition["ports"]
			.as_sequence()
			.expect("published ports")
			.iter()
			.map(|p| p.as_str().unwrap())
			.collect();
		assert!(
			published.iter().any(|p| p.rsplit(':').next() == Some(rpc_port)),
			"{service} publishes its RPC port {rpc_port}: {published:?}"
		);
		let node_key = flag(&command, "--node-key").expect("a fixed node key");
		peer_ids.insert(service, peer_id_of(node_key));
	}

	let alice = command_of(&compose, "alice");
	let alice_p2p_port = flag(&alice, "--port").expect("Alice's p2p port");
	let expected_bootnode = format!("/dns/alice/tcp/{alice_p2p_port}/p2p/{}", peer_ids["alice"]);
	for service in &VALIDATORS[1..] {
		let command = command_of(&compose, service);
		assert_eq!(flag(&command, "--bootnodes"), Some(expected_bootnode.as_str()), "{service}");
	}

	// Run the four validators with the compose flags. Only what must differ on one host is
	// rewritten: data directories, port numbers, and Alice's DNS name becomes 127.0.0.1.
	let alice_port = free_port();
	let base = tempfile::tempdir().unwrap();
	let mut nodes = Vec::new();
	for service in VALIDATORS {
		let p2p_port = if service == "alice" { alice_port } else { free_port() };
		let rpc_port = free_port();
		let mut args: Vec<String> = command_of(&compose, service)
			.into_iter()
			.map(|arg| match arg.split_once('=') {
				Some(("--base-path", _)) =>
					format!("--base-path={}", base.path().join(service).display()),
				Some(("--port", _)) => format!("--port={p2p_port}"),
				Some(("--rpc-port", _)) => format!("--rpc-port={rpc_port}"),
				Some(("--bootnodes", address)) => format!(
					"--bootnodes={}",
					address.replace(
						&format!("/dns/alice/tcp/{alice_p2p_port}/"),
						&format!("/ip4/127.0.0.1/tcp/{alice_port}/")
					)
				),
				_ => arg,
			})
			.collect();
		// Keep discovery on loopback: no multicast DNS, Prometheus on a free port.
		args.extend(["--no-mdns".to_string(), format!("--prometheus-port={}", free_port())]);
		let mut node = RunningNode::start(&args, rpc_port);
		node.wait_for_rpc(Duration::from_secs(180));
		assert_eq!(node.call("system_chain", json!([])), json!("MedShare Local Testnet"));
		assert_eq!(node.call("system_localPeerId", json!([])), json!(peer_ids[service]));
		assert_eq!(node.call("system_nodeRoles", json!([])), json!(["Authority"]));
		nodes.push(node);
	}

	// GRANDPA needs three of the four validators: finality proves they found each other.
	let genesis = nodes[0].call("chain_getBlockHash", json!([0]));
	for node in &nodes[1..] {
		assert_eq!(node.call("chain_getBlockHash", json!([0])), genesis, "one chain");
	}
	nodes[3].wait_for_finalized_above(1, Duration::from_secs(240));
	let peers = nodes[0].call("system_health", json!([]))["peers"].as_u64().unwrap();
	assert_eq!(peers, 3, "Alice sees the three other validators");
	for node in nodes {
		assert!(node.stop().success());
	}
}
