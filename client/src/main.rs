//! `medshare`: the command-line client for institutions and data holders. See docs/CLIENT.md.

fn main() -> std::process::ExitCode {
	medshare_client::cli::main()
}
