//! Running the built `medshare-node` for tests: free ports, JSON-RPC over HTTP, clean shutdown.
//! Every wait has a deadline and every failure names what to look at, so a broken node fails
//! a test instead of hanging it.

#![allow(dead_code)]

use std::{
	fs::File,
	io::Read,
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	thread,
	time::{Duration, Instant},
};

use serde_json::{json, Value};

pub mod compose;

/// The node binary cargo built for this test run.
pub fn node_binary() -> PathBuf {
	PathBuf::from(env!("CARGO_BIN_EXE_medshare-node"))
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.and_then(|listener| listener.local_addr())
		.map(|address| address.port())
		.expect("the OS hands out an ephemeral port")
}

/// Arguments for a throw-away development node on `rpc_port` (and a free p2p port), with
/// `extra` appended: no telemetry, metrics or mDNS, so parallel tests do not disturb each other.
pub fn dev_args(rpc_port: u16, extra: &[&str]) -> Vec<String> {
	let mut args: Vec<String> = ["--dev", "--tmp", "--no-telemetry", "--no-prometheus", "--no-mdns"]
		.iter()
		.map(|s| s.to_string())
		.collect();
	args.extend(["--rpc-port".to_string(), rpc_port.to_string(), "--port".to_string(), free_port().to_string()]);
	args.extend(extra.iter().map(|s| s.to_string()));
	args
}

/// One JSON-RPC call over HTTP to `url`: its `result`, or the error text.
pub fn rpc_at(url: &str, method: &str, params: Value) -> Result<Value, String> {
	let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
	let response: Value = ureq::post(url)
		.timeout(Duration::from_secs(30))
		.send_json(body)
		.map_err(|e| e.to_string())?
		.into_json()
		.map_err(|e| e.to_string())?;
	match response.get("result") {
		Some(result) => Ok(result.clone()),
		None => Err(format!("{method} returned {response}")),
	}
}

/// Every storage entry under `prefix` (hex, `0x` for all) at block `at` (a JSON hash), key
/// and value as hex, in key order, read page by page.
pub fn storage_at(url: &str, prefix: &str, at: &Value) -> Result<Vec<(String, String)>, String> {
	let mut keys: Vec<String> = Vec::new();
	loop {
		let start = keys.last().cloned();
		let page = rpc_at(url, "state_getKeysPaged", json!([prefix, 1000, start, at]))?;
		let page: Vec<String> = page
			.as_array()
			.ok_or_else(|| format!("a key page that is no list: {page}"))?
			.iter()
			.filter_map(|key| key.as_str().map(str::to_string))
			.collect();
		let done = page.len() < 1000;
		keys.extend(page);
		if done {
			break;
		}
	}
	let mut state = Vec::with_capacity(keys.len());
	for chunk in keys.chunks(200) {
		let changes = rpc_at(url, "state_queryStorageAt", json!([chunk, at]))?;
		for change in changes[0]["changes"].as_array().into_iter().flatten() {
			let key = change[0].as_str().ok_or_else(|| format!("a storage key that is no string: {change}"))?;
			state.push((key.to_string(), change[1].as_str().unwrap_or("0x").to_string()));
		}
	}
	state.sort();
	Ok(state)
}

/// The last 40 lines of a log file, for failure messages.
pub fn log_tail(path: &Path) -> String {
	let mut text = String::new();
	if let Ok(mut file) = File::open(path) {
		let _ = file.read_to_string(&mut text);
	}
	let lines: Vec<&str> = text.lines().collect();
	lines[lines.len().saturating_sub(40)..].join("\n")
}

/// Sends SIGINT to `child` and waits up to `deadline` for its exit status; kills it after that
/// and returns `None`.
pub fn interrupt(mut child: Child, deadline: Duration) -> Option<ExitStatus> {
	// SAFETY: `kill` only sends a signal to a process this test spawned and still owns.
	unsafe {
		libc::kill(child.id() as libc::pid_t, libc::SIGINT);
	}
	let start = Instant::now();
	while start.elapsed() < deadline {
		if let Ok(Some(status)) = child.try_wait() {
			return Some(status);
		}
		thread::sleep(Duration::from_millis(100));
	}
	let _ = child.kill();
	let _ = child.wait();
	None
}

/// A node process that is interrupted (and, if need be, killed) when dropped.
pub struct RunningNode {
	child: Option<Child>,
	pub rpc_port: u16,
	log_path: PathBuf,
	_log_dir: tempfile::TempDir,
}

impl RunningNode {
	/// Starts the node with `args`; its output goes to a log file that failures quote.
	pub fn start(args: &[String], rpc_port: u16) -> Self {
		let log_dir = tempfile::tempdir().expect("a temporary directory for the node log");
		let log_path = log_dir.path().join("node.log");
		let log = File::create(&log_path).expect("the node log file");
		let child = Command::new(node_binary())
			.args(args)
			.stdin(Stdio::null())
			.stdout(log.try_clone().expect("a second handle to the log"))
			.stderr(log)
			.spawn()
			.unwrap_or_else(|e| panic!("could not start {}: {e}", node_binary().display()));
		Self { child: Some(child), rpc_port, log_path, _log_dir: log_dir }
	}

	/// The last lines the node printed, for failure messages.
	pub fn log_tail(&self) -> String {
		log_tail(&self.log_path)
	}

	/// Everything the node printed so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log_path).unwrap_or_default()
	}

	/// The node's JSON-RPC over HTTP.
	pub fn http(&self) -> String {
		format!("http://127.0.0.1:{}", self.rpc_port)
	}

	fn fail(&self, what: &str) -> ! {
		panic!("{what}\n--- last lines of the node log ({}) ---\n{}", self.log_path.display(), self.log_tail())
	}

	/// Calls a JSON-RPC method and returns its `result`, or the error text.
	pub fn rpc(&self, method: &str, params: Value) -> Result<Value, String> {
		rpc_at(&self.http(), method, params)
	}

	/// Like [`Self::rpc`], but a failure fails the test with the node's log.
	pub fn call(&self, method: &str, params: Value) -> Value {
		self.rpc(method, params).unwrap_or_else(|e| self.fail(&format!("RPC {method} failed: {e}")))
	}

	/// Waits until the node answers JSON-RPC, failing early if the process exits.
	pub fn wait_for_rpc(&mut self, deadline: Duration) {
		let start = Instant::now();
		loop {
			if let Some(status) = self.exit_status() {
				self.fail(&format!("the node exited before answering RPC ({status})"));
			}
			if self.rpc("system_health", json!([])).is_ok() {
				return;
			}
			if start.elapsed() > deadline {
				self.fail(&format!("the node did not answer RPC on port {} within {deadline:?}", self.rpc_port));
			}
			thread::sleep(Duration::from_millis(500));
		}
	}

	/// Waits until the finalized head is above `number`.
	pub fn wait_for_finalized_above(&mut self, number: u64, deadline: Duration) -> u64 {
		let start = Instant::now();
		loop {
			if let Some(status) = self.exit_status() {
				self.fail(&format!("the node exited while waiting for finality ({status})"));
			}
			let head = self.call("chain_getFinalizedHead", json!([]));
			let header = self.call("chain_getHeader", json!([head]));
			let finalized = header["number"]
				.as_str()
				.and_then(|hex| u64::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
				.unwrap_or_else(|| self.fail(&format!("unexpected header {header}")));
			if finalized > number {
				return finalized;
			}
			if start.elapsed() > deadline {
				self.fail(&format!(
					"block {} was not finalized within {deadline:?} (finalized: {finalized})",
					number + 1
				));
			}
			thread::sleep(Duration::from_secs(1));
		}
	}

	fn exit_status(&mut self) -> Option<ExitStatus> {
		self.child.as_mut().and_then(|child| child.try_wait().ok().flatten())
	}

	/// Sends SIGINT and waits for a clean exit; returns the exit status.
	pub fn stop(mut self) -> ExitStatus {
		let status = self.interrupt_and_wait(Duration::from_secs(60));
		status.unwrap_or_else(|| self.fail("the node did not stop within 60 s of SIGINT"))
	}

	fn interrupt_and_wait(&mut self, deadline: Duration) -> Option<ExitStatus> {
		interrupt(self.child.take()?, deadline)
	}
}

impl Drop for RunningNode {
	fn drop(&mut self) {
		let _ = self.interrupt_and_wait(Duration::from_secs(20));
	}
}

/// The repository root, for tests that read files shipped with it.
pub fn repository_root() -> &'static Path {
	Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("node/ lives in the repository root")
}
