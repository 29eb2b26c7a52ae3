//! Command-line interface.

/// Every subcommand of `medshare-node`; without one, the node runs.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (deprecated upstream; prefer `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export a chain specification as JSON.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Runtime benchmarks (`benchmark pallet` writes weight files).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Runtime benchmarks: this binary was built without them.
	#[cfg(not(feature = "runtime-benchmarks"))]
	Benchmark(BenchmarksNotBuilt),

	/// Information about the database.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// Arguments of `benchmark` in a node built without the `runtime-benchmarks` feature.
#[cfg(not(feature = "runtime-benchmarks"))]
#[derive(Debug, clap::Args)]
pub struct BenchmarksNotBuilt {
	/// Ignored: the command only explains how to get a node that benchmarks.
	#[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
	pub args: Vec<String>,
}

/// `medshare-node` command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// The verifying keys of a setup ceremony: the `verifying-keys.json` that
	/// `medshare-setup export` writes (docs/CEREMONY.md). The `local` chain requires them and
	/// refuses development keys; `dev` and chain-spec files ignore them.
	#[arg(long, global = true, env = "MEDSHARE_CEREMONY_KEYS", value_name = "FILE")]
	pub ceremony_keys: Option<std::path::PathBuf>,
}
