//! `medshare-node`: a Substrate node for MedShare, with Aura block production and GRANDPA
//! finality.

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
