//! docker-compose.yml as the tests read it: the one source of the validators' node keys and
//! flags. `node/tests/compose.rs` checks the file; `client/tests/network.rs` runs its commands,
//! each validator on a host of its own, rewritten by [`command_for`] only where a host without
//! Docker must differ.

use std::path::Path;

use serde_yaml::Value;

use super::repository_root;

/// A service of the compose file that runs a command, in file order.
pub struct Service {
	pub name: String,
	/// The service's whole definition, merge keys resolved.
	pub definition: Value,
	pub command: Vec<String>,
}

/// docker-compose.yml, merge keys (`<<: *validator`) resolved.
pub fn load() -> Value {
	let path = repository_root().join("docker-compose.yml");
	let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
	let mut compose: Value = serde_yaml::from_str(&text).expect("docker-compose.yml is valid YAML");
	compose.apply_merge().expect("the YAML merge keys resolve");
	compose
}

/// Every service with a command list, in file order; each argument must be `--flag` or
/// `--flag=value`, the only forms [`command_for`] rewrites.
pub fn services() -> Vec<Service> {
	let compose = load();
	let mut out = Vec::new();
	for (name, definition) in compose["services"].as_mapping().expect("docker-compose.yml has services") {
		let name = name.as_str().expect("service names are strings").to_string();
		let Some(command) = definition["command"].as_sequence() else { continue };
		let command: Vec<String> =
			command.iter().map(|arg| arg.as_str().expect("command arguments are strings").to_string()).collect();
		for arg in &command {
			assert!(arg.starts_with("--"), "{name}: only --flag and --flag=value are understood, not {arg:?}");
		}
		out.push(Service { name, definition: definition.clone(), command });
	}
	out
}

/// The value of `--name=value` in a command.
pub fn flag<'a>(command: &'a [String], name: &str) -> Option<&'a str> {
	let prefix = format!("{name}=");
	command.iter().find_map(|arg| arg.strip_prefix(&prefix))
}

/// Where a validator runs, as this test and the other validators reach it.
#[derive(Clone, Debug)]
pub struct Place {
	pub host: String,
	pub p2p_port: u16,
	pub rpc_port: u16,
}

/// The compose command of `services[index]` for a host without Docker: `--base-path`, the two
/// ports (the service's `place`), and `/dns/<service>/tcp/<port>/` in bootnode, reserved-node
/// and public addresses (that service's place). Every other flag, node keys included, stays.
pub fn command_for(index: usize, services: &[Service], places: &[Place], base_path: &Path) -> Vec<String> {
	let place = &places[index];
	services[index]
		.command
		.iter()
		.map(|arg| match arg.split_once('=') {
			Some(("--base-path", _)) => format!("--base-path={}", base_path.display()),
			Some(("--port", _)) => format!("--port={}", place.p2p_port),
			Some(("--rpc-port", _)) => format!("--rpc-port={}", place.rpc_port),
			Some((name @ ("--bootnodes" | "--reserved-nodes" | "--public-addr"), addresses)) => {
				let mut addresses = addresses.to_string();
				for (service, place) in services.iter().zip(places) {
					let port = flag(&service.command, "--port").unwrap_or("30333");
					for dns in ["dns", "dns4"] {
						addresses = addresses.replace(
							&format!("/{dns}/{}/tcp/{port}/", service.name),
							&format!("/ip4/{}/tcp/{}/", place.host, place.p2p_port),
						);
					}
				}
				assert!(!addresses.contains("/dns"), "{}: {name} names a host that is no compose service: {addresses}", services[index].name);
				format!("{name}={addresses}")
			},
			_ => arg.clone(),
		})
		.collect()
}
