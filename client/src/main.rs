//! `medshare`: the command-line client for institutions and data holders.
//!
//! The sharing session's commands arrive with the client issue; until then this binary only
//! says so, rather than pretending to do anything.

fn main() -> std::process::ExitCode {
	eprintln!(
		"medshare {}: this client has no commands yet. Use polkadot-js apps against \
		 ws://127.0.0.1:9944 (see README.md) to call the MedicalSharing pallet.",
		env!("CARGO_PKG_VERSION")
	);
	std::process::ExitCode::from(2)
}
