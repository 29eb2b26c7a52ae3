//! docker-compose.yml cannot be run here (no Docker engine), so this test checks it as far as
//! the node itself can: the file parses, the four services pass the presets and ports the
//! Dockerfile's image serves, and every bootnode address names Alice's real peer id. The four
//! validators themselves run with exactly these commands, each on a host of its own, in
//! `client/tests/network.rs` (docs/NETWORK.md).

mod common;

use std::{
	collections::BTreeMap,
	io::Write,
	process::{Command, Stdio},
};

use common::compose::{self, flag};
use common::repository_root;

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

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
fn compose_file_describes_four_local_validators() {
	let dockerfile = std::fs::read_to_string(repository_root().join("Dockerfile")).unwrap();
	let final_stage = dockerfile.rsplit("\nFROM ").next().unwrap();
	assert!(dockerfile.matches("\nFROM ").count() >= 1, "the Dockerfile is multi-stage");
	assert!(
		final_stage.contains("COPY --from=builder /medshare-node /usr/local/bin/medshare-node") &&
			final_stage.matches("COPY").count() == 1,
		"the final image holds the node binary only"
	);

	let services = compose::services();
	let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
	assert_eq!(names, VALIDATORS, "the compose file runs the four validators, in this order");
	let mut peer_ids = BTreeMap::new();
	for service in &services {
		let (name, definition, command) = (service.name.as_str(), &service.definition, &service.command);
		assert_eq!(definition["build"]["context"].as_str(), Some("."), "{name} builds the repo");
		assert_eq!(definition["build"]["dockerfile"].as_str(), Some("Dockerfile"));
		assert_eq!(flag(command, "--chain"), Some("local"), "{name} runs the local preset");
		// The local chain takes a ceremony's keys (docs/CEREMONY.md), from the mounted ./ceremony.
		assert_eq!(
			definition["environment"]["MEDSHARE_CEREMONY_KEYS"].as_str(),
			Some("/ceremony/verifying-keys.json"),
			"{name} reads the ceremony's keys"
		);
		let volumes: Vec<&str> = definition["volumes"].as_sequence().expect("volumes").iter().filter_map(|v| v.as_str()).collect();
		assert!(volumes.contains(&"./ceremony:/ceremony:ro"), "{name} mounts ./ceremony: {volumes:?}");
		assert!(command.contains(&format!("--{name}")), "{name} validates with its dev key");
		let rpc_port = flag(command, "--rpc-port").expect("an RPC port");
		let published: Vec<&str> = definition["ports"]
			.as_sequence()
			.expect("published ports")
			.iter()
			.map(|p| p.as_str().unwrap())
			.collect();
		assert!(
			published.iter().any(|p| p.rsplit(':').next() == Some(rpc_port)),
			"{name} publishes its RPC port {rpc_port}: {published:?}"
		);
		let node_key = flag(command, "--node-key").expect("a fixed node key");
		peer_ids.insert(name, peer_id_of(node_key));
	}

	let alice_p2p_port = flag(&services[0].command, "--port").expect("Alice's p2p port");
	let expected_bootnode = format!("/dns/alice/tcp/{alice_p2p_port}/p2p/{}", peer_ids["alice"]);
	for service in &services[1..] {
		assert_eq!(flag(&service.command, "--bootnodes"), Some(expected_bootnode.as_str()), "{}", service.name);
	}
}
