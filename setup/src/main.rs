//! `medshare-setup`: a Groth16 setup ceremony for MedShare's two circuits, in which one honest
//! participant suffices (docs/CEREMONY.md).
//!
//! Phase 1 (powers of τ) is independent of the circuits; phase 2 randomizes each circuit's δ.
//! Every contribution carries a proof of knowledge bound to the transcript before it; `verify`
//! reruns every check from the files alone; `export` writes the prover's parameters and the
//! verifying keys a chain specification takes.

mod files;
mod phase1_steps;
mod phase2_steps;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rand_chacha::ChaCha20Rng;
use rand_core_010::{SeedableRng, TryRng};
use serde_json::{json, Value};

/// The ceremony's tool: `phase1 new|contribute|beacon|verify|import`, `phase2
/// new|contribute|beacon|verify`, `export`.
#[derive(Parser)]
#[command(name = "medshare-setup", version, about, long_about = None)]
struct Cli {
	#[command(subcommand)]
	command: Command,
	/// Print a JSON object instead of text.
	#[arg(long, global = true)]
	json: bool,
	/// No progress bars.
	#[arg(long, short, global = true)]
	quiet: bool,
}

#[derive(Subcommand)]
enum Command {
	/// Phase 1: powers of tau, alpha and beta, for any circuit of the domain.
	#[command(subcommand)]
	Phase1(Phase1),
	/// Phase 2: each circuit's delta, on top of a finished phase 1.
	#[command(subcommand)]
	Phase2(Phase2),
	/// Verifies the whole ceremony, then writes `requirement.params`, `eligibility.params` (for
	/// `medshare --params`) and `verifying-keys.json` (for `medshare-node --ceremony-keys`).
	Export {
		/// The ceremony directory.
		dir: PathBuf,
		/// Where to write the parameters and keys.
		out: PathBuf,
		#[command(flatten)]
		beacon: BeaconCheck,
	},
}

#[derive(Subcommand)]
enum Phase1 {
	/// Starts a ceremony directory with an accumulator of 2^power points, every point a generator.
	New {
		dir: PathBuf,
		/// log2 of the domain; MedShare's circuits need 16.
		#[arg(long, default_value_t = 16)]
		power: u32,
	},
	/// Adds your contribution, with fresh secrets from the operating system (and --entropy).
	Contribute {
		dir: PathBuf,
		#[command(flatten)]
		entropy: Entropy,
	},
	/// Adds the last contribution from a public random beacon, which anyone can recompute.
	Beacon {
		dir: PathBuf,
		#[command(flatten)]
		beacon: BeaconValue,
	},
	/// Checks every contribution's proofs and the accumulator.
	Verify {
		dir: PathBuf,
		#[command(flatten)]
		beacon: BeaconCheck,
	},
	/// Takes phase 1 from a public BLS12-381 powers-of-tau transcript in Zcash's format
	/// (a challenge file, uncompressed, or a response file with --compressed).
	Import {
		/// The transcript file.
		file: PathBuf,
		dir: PathBuf,
		/// log2 of the transcript's powers (21 for Zcash's Powers of Tau).
		#[arg(long)]
		source_power: u32,
		/// log2 of the domain to keep.
		#[arg(long, default_value_t = 16)]
		power: u32,
		/// The file's points are compressed (a response file).
		#[arg(long)]
		compressed: bool,
	},
}

#[derive(Subcommand)]
enum Phase2 {
	/// Verifies phase 1 and derives both circuits' starting parameters from it.
	New { dir: PathBuf },
	/// Adds your contribution to both circuits.
	Contribute {
		dir: PathBuf,
		#[command(flatten)]
		entropy: Entropy,
	},
	/// Adds the last contribution to both circuits from a public random beacon.
	Beacon {
		dir: PathBuf,
		#[command(flatten)]
		beacon: BeaconValue,
	},
	/// Verifies phase 1, recomputes each circuit's starting parameters, and checks every
	/// phase-2 contribution against them.
	Verify {
		dir: PathBuf,
		#[command(flatten)]
		beacon: BeaconCheck,
	},
}

/// A participant's own entropy, mixed with the operating system's.
#[derive(clap::Args)]
struct Entropy {
	/// Any text: mixed with 64 bytes from the operating system, never stored.
	#[arg(long, env = "MEDSHARE_SETUP_ENTROPY", hide_env_values = true)]
	entropy: Option<String>,
}

/// A public random beacon.
#[derive(clap::Args)]
struct BeaconValue {
	/// The beacon's value: 0x-prefixed hex, or text (for example a named future block's hash).
	#[arg(long = "beacon")]
	value: String,
	/// log2 of the SHA-256 iterations over the value (Zcash used 42).
	#[arg(long, default_value_t = 20)]
	iterations: u32,
}

/// The beacon a verifier expects as the last contribution, if any.
#[derive(clap::Args)]
struct BeaconCheck {
	/// Also check that the last contribution is this beacon's.
	#[arg(long = "beacon")]
	value: Option<String>,
	/// log2 of the beacon's SHA-256 iterations.
	#[arg(long, default_value_t = 20)]
	iterations: u32,
}

/// Where a contribution's secrets come from.
pub enum Randomness {
	/// A participant's: the operating system's and the user's entropy.
	Fresh(ChaCha20Rng),
	/// The public beacon's seed, which every verifier recomputes.
	Beacon([u8; 32]),
}

/// A command's failure, said to the user.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
	pub fn new(message: impl Into<String>) -> Failure {
		Failure(message.into())
	}
}

impl std::fmt::Display for Failure {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&self.0)
	}
}

fn beacon_bytes(value: &str) -> Result<Vec<u8>, Failure> {
	match value.strip_prefix("0x") {
		Some(h) => hex::decode(h).map_err(|e| Failure::new(format!("--beacon: {e}"))),
		None => Ok(value.as_bytes().to_vec()),
	}
}

impl BeaconValue {
	fn seed(&self) -> Result<[u8; 32], Failure> {
		Ok(medshare_zk::ceremony::beacon_seed(&beacon_bytes(&self.value)?, self.iterations))
	}
}

impl BeaconCheck {
	fn seed(&self) -> Result<Option<[u8; 32]>, Failure> {
		self.value
			.as_deref()
			.map(|value| Ok(medshare_zk::ceremony::beacon_seed(&beacon_bytes(value)?, self.iterations)))
			.transpose()
	}
}

impl Entropy {
	/// ChaCha20 seeded with BLAKE2s of 64 bytes from the operating system and the user's text.
	fn rng(&self) -> Result<ChaCha20Rng, Failure> {
		let mut os = [0u8; 64];
		rand_010::rngs::SysRng
			.try_fill_bytes(&mut os)
			.map_err(|e| Failure::new(format!("the operating system gave no randomness: {e}")))?;
		let mut state = blake2s_simd::Params::new().personal(b"MedShEnt").to_state();
		state.update(&os);
		if let Some(text) = &self.entropy {
			state.update(text.as_bytes());
		}
		Ok(ChaCha20Rng::from_seed(*state.finalize().as_array()))
	}
}

/// Progress of long work: a bar on a terminal, nothing under --quiet or --json.
pub struct Progress {
	quiet: bool,
}

impl Progress {
	pub fn bar(&self, message: &str, length: usize) -> ProgressBar {
		if self.quiet {
			return ProgressBar::hidden();
		}
		let bar = ProgressBar::new(length as u64);
		bar.set_style(
			ProgressStyle::with_template("{msg} [{bar:30}] {percent:>3}% {elapsed_precise} (about {eta} left)")
				.unwrap_or_else(|_| ProgressStyle::default_bar())
				.progress_chars("=> "),
		);
		bar.set_message(message.to_string());
		bar.enable_steady_tick(Duration::from_millis(250));
		bar
	}

	pub fn spinner(&self, message: &str) -> ProgressBar {
		if self.quiet {
			return ProgressBar::hidden();
		}
		let spinner = ProgressBar::new_spinner();
		spinner.set_message(message.to_string());
		spinner.enable_steady_tick(Duration::from_millis(120));
		spinner
	}
}

pub fn hex32(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn run(cli: &Cli) -> Result<Value, Failure> {
	let progress = Progress { quiet: cli.quiet || cli.json };
	match &cli.command {
		Command::Phase1(Phase1::New { dir, power }) => phase1_steps::new(dir, *power),
		Command::Phase1(Phase1::Contribute { dir, entropy }) => phase1_steps::contribute(dir, Randomness::Fresh(entropy.rng()?), &progress),
		Command::Phase1(Phase1::Beacon { dir, beacon }) => phase1_steps::contribute(dir, Randomness::Beacon(beacon.seed()?), &progress),
		Command::Phase1(Phase1::Verify { dir, beacon }) => phase1_steps::verify(dir, beacon.seed()?, &progress).map(|v| v.summary),
		Command::Phase1(Phase1::Import { file, dir, source_power, power, compressed }) => {
			phase1_steps::import(file, dir, *source_power, *power, *compressed, &progress)
		},
		Command::Phase2(Phase2::New { dir }) => phase2_steps::new(dir, &progress),
		Command::Phase2(Phase2::Contribute { dir, entropy }) => phase2_steps::contribute(dir, Randomness::Fresh(entropy.rng()?), &progress),
		Command::Phase2(Phase2::Beacon { dir, beacon }) => phase2_steps::contribute(dir, Randomness::Beacon(beacon.seed()?), &progress),
		Command::Phase2(Phase2::Verify { dir, beacon }) => phase2_steps::verify(dir, beacon.seed()?, &progress).map(|v| v.summary),
		Command::Export { dir, out, beacon } => phase2_steps::export(dir, out, beacon.seed()?, &progress),
	}
}

/// Prints `value` as JSON, or its `lines` (text for people) and then its other fields.
fn print(value: &Value, json_output: bool) {
	if json_output {
		println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
		return;
	}
	if let Some(Value::Array(lines)) = value.get("said") {
		lines.iter().filter_map(Value::as_str).for_each(|line| println!("{line}"));
	}
}

#[cfg(test)]
mod tests {
	use clap::CommandFactory;

	#[test]
	fn the_command_line_is_well_formed() {
		super::Cli::command().debug_assert();
	}
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	match run(&cli) {
		Ok(value) => {
			print(&value, cli.json);
			ExitCode::SUCCESS
		},
		Err(failure) => {
			if cli.json {
				println!("{}", json!({ "error": failure.0 }));
			} else {
				eprintln!("error: {failure}");
			}
			ExitCode::FAILURE
		},
	}
}
