//! A ceremony's directory: what the coordinator passes from one participant to the next, and
//! what every verifier reads.
//!
//! - `phase1.accumulator`: the current powers of τ, α and β (uncompressed, the powers-of-tau
//!   layout; `medshare_zk::ceremony::format`);
//! - `phase1.transcript`: every phase-1 contribution, in order, 752 bytes each; or
//!   `phase1.import.json` when phase 1 is an imported public transcript;
//! - `lagrange.bases`: the Lagrange bases of the circuits' domain, computed once by `phase2 new`
//!   and checked against phase 1 by every verifier;
//! - `<circuit>.base.params`: the circuit's starting parameters, derived by `phase2 new` and
//!   checked against phase 1 by every verifier;
//! - `<circuit>.params`: the circuit's current parameters in bellman's format;
//! - `<circuit>.transcript`: the digest of the circuit's base parameters (what phase 2 starts
//!   from), then every phase-2 contribution, 272 bytes each.

use std::fs;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use medshare_zk::ceremony::circuit::LagrangeBases;
use medshare_zk::ceremony::{format, phase1, phase2};
use medshare_zk::setup::{self, CircuitKind, Parameters};
use serde_json::Value;

use crate::Failure;

/// How phase 1 came about.
pub enum Phase1Record {
	/// Contributions made with this tool.
	Contributions(Vec<phase1::Contribution>),
	/// An imported public transcript.
	Imported(Imported),
}

/// The record of an imported powers-of-tau transcript.
pub struct Imported {
	/// The file's name as given.
	pub source: String,
	/// BLAKE2b-512 of the whole file, as powers-of-tau ceremonies publish their files' hashes.
	pub blake2b: [u8; 64],
	pub source_power: u32,
	pub compressed: bool,
}

impl Imported {
	/// The phase-1 digest of an import: its file hash and the power taken from it.
	pub fn digest(&self, power: u32) -> [u8; 32] {
		let mut state = blake2s_simd::Params::new();
		state.personal(b"MedShImp");
		*state.to_state().update(&self.blake2b).update(&power.to_le_bytes()).finalize().as_array()
	}
}

/// The ceremony directory.
pub struct Ceremony {
	pub dir: PathBuf,
}

fn io_failure(path: &Path, e: impl std::fmt::Display) -> Failure {
	Failure::new(format!("{}: {e}", path.display()))
}

/// Writes through a temporary file renamed into place: a participant interrupted mid-write
/// leaves the previous state whole.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut BufWriter<fs::File>) -> std::io::Result<()>) -> Result<(), Failure> {
	let temporary = path.with_extension("partial");
	let file = fs::File::create(&temporary).map_err(|e| io_failure(&temporary, e))?;
	let mut out = BufWriter::new(file);
	write(&mut out).and_then(|_| out.flush()).map_err(|e| io_failure(&temporary, e))?;
	drop(out);
	fs::rename(&temporary, path).map_err(|e| io_failure(path, e))
}

impl Ceremony {
	pub fn new(dir: &Path) -> Ceremony {
		Ceremony { dir: dir.to_path_buf() }
	}

	pub fn accumulator_path(&self) -> PathBuf {
		self.dir.join("phase1.accumulator")
	}

	fn phase1_transcript_path(&self) -> PathBuf {
		self.dir.join("phase1.transcript")
	}

	fn import_path(&self) -> PathBuf {
		self.dir.join("phase1.import.json")
	}

	pub fn params_path(&self, kind: CircuitKind) -> PathBuf {
		self.dir.join(format!("{}.params", kind.name()))
	}

	fn lagrange_path(&self) -> PathBuf {
		self.dir.join("lagrange.bases")
	}

	/// The Lagrange bases `phase2 new` computed; every verifier checks them against phase 1.
	pub fn read_lagrange(&self) -> Result<LagrangeBases, Failure> {
		let path = self.lagrange_path();
		let file = fs::File::open(&path).map_err(|e| io_failure(&path, format!("{e} (start phase 2 with `medshare-setup phase2 new`)")))?;
		LagrangeBases::read(&mut BufReader::new(file)).map_err(|e| io_failure(&path, e))
	}

	pub fn write_lagrange(&self, bases: &LagrangeBases) -> Result<(), Failure> {
		write_atomically(&self.lagrange_path(), |out| bases.write(out))
	}

	fn phase2_transcript_path(&self, kind: CircuitKind) -> PathBuf {
		self.dir.join(format!("{}.transcript", kind.name()))
	}

	/// Whether phase 1 has begun here.
	pub fn has_phase1(&self) -> bool {
		self.accumulator_path().exists()
	}

	/// Whether phase 2 has begun here.
	pub fn has_phase2(&self) -> bool {
		CircuitKind::ALL.iter().any(|kind| self.phase2_transcript_path(*kind).exists())
	}

	pub fn read_accumulator(&self) -> Result<phase1::Accumulator, Failure> {
		let path = self.accumulator_path();
		let file = fs::File::open(&path).map_err(|e| {
			io_failure(&path, format!("{e} (start phase 1 with `medshare-setup phase1 new` or `phase1 import`)"))
		})?;
		format::read_accumulator(&mut BufReader::new(file)).map_err(|e| io_failure(&path, e))
	}

	pub fn write_accumulator(&self, accumulator: &phase1::Accumulator) -> Result<(), Failure> {
		fs::create_dir_all(&self.dir).map_err(|e| io_failure(&self.dir, e))?;
		write_atomically(&self.accumulator_path(), |out| format::write_accumulator(accumulator, out))
	}

	pub fn read_phase1_record(&self) -> Result<Phase1Record, Failure> {
		let import = self.import_path();
		if import.exists() {
			let text = fs::read_to_string(&import).map_err(|e| io_failure(&import, e))?;
			let value: Value = serde_json::from_str(&text).map_err(|e| io_failure(&import, e))?;
			let bad = || io_failure(&import, "not an import record");
			let blake2b = value["blake2b"].as_str().and_then(|h| hex::decode(h).ok()).and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
			return Ok(Phase1Record::Imported(Imported {
				source: value["source"].as_str().ok_or_else(bad)?.to_string(),
				blake2b,
				source_power: value["source_power"].as_u64().and_then(|p| u32::try_from(p).ok()).ok_or_else(bad)?,
				compressed: value["compressed"].as_bool().ok_or_else(bad)?,
			}));
		}
		let path = self.phase1_transcript_path();
		let bytes = fs::read(&path).map_err(|e| io_failure(&path, e))?;
		if bytes.len() % phase1::CONTRIBUTION_LEN != 0 {
			return Err(io_failure(&path, "not a whole number of contributions (a truncated copy?)"));
		}
		let contributions = bytes
			.chunks(phase1::CONTRIBUTION_LEN)
			.enumerate()
			.map(|(i, chunk)| phase1::Contribution::from_bytes(chunk).map_err(|e| io_failure(&path, format!("contribution {i}: {e}"))))
			.collect::<Result<Vec<_>, _>>()?;
		Ok(Phase1Record::Contributions(contributions))
	}

	pub fn write_phase1_contributions(&self, contributions: &[phase1::Contribution]) -> Result<(), Failure> {
		write_atomically(&self.phase1_transcript_path(), |out| contributions.iter().try_for_each(|c| out.write_all(&c.to_bytes())))
	}

	pub fn write_import(&self, imported: &Imported) -> Result<(), Failure> {
		let record = serde_json::json!({
			"source": imported.source,
			"blake2b": hex::encode(imported.blake2b),
			"source_power": imported.source_power,
			"compressed": imported.compressed,
		});
		write_atomically(&self.import_path(), |out| {
			out.write_all(serde_json::to_string_pretty(&record).unwrap_or_default().as_bytes())
		})
	}

	/// The circuit's base digest and phase-2 contributions.
	pub fn read_phase2_transcript(&self, kind: CircuitKind) -> Result<([u8; 32], Vec<phase2::Contribution>), Failure> {
		let path = self.phase2_transcript_path(kind);
		let bytes = fs::read(&path).map_err(|e| io_failure(&path, format!("{e} (start phase 2 with `medshare-setup phase2 new`)")))?;
		if bytes.len() < 32 || (bytes.len() - 32) % phase2::CONTRIBUTION_LEN != 0 {
			return Err(io_failure(&path, "not a base digest and a whole number of contributions (a truncated copy?)"));
		}
		let base: [u8; 32] = bytes[..32].try_into().map_err(|_| io_failure(&path, "base digest"))?;
		let contributions = bytes[32..]
			.chunks(phase2::CONTRIBUTION_LEN)
			.enumerate()
			.map(|(i, chunk)| phase2::Contribution::from_bytes(chunk).map_err(|e| io_failure(&path, format!("contribution {i}: {e}"))))
			.collect::<Result<Vec<_>, _>>()?;
		Ok((base, contributions))
	}

	pub fn write_phase2_transcript(&self, kind: CircuitKind, base: &[u8; 32], contributions: &[phase2::Contribution]) -> Result<(), Failure> {
		write_atomically(&self.phase2_transcript_path(kind), |out| {
			out.write_all(base)?;
			contributions.iter().try_for_each(|c| out.write_all(&c.to_bytes()))
		})
	}

	/// The circuit's current parameters, every point checked to be in its subgroup (a point
	/// outside it would leak a contributor's secret modulo small primes).
	pub fn read_params(&self, kind: CircuitKind) -> Result<Parameters, Failure> {
		let path = self.params_path(kind);
		setup::read_parameters(&path, true).map_err(|e| Failure::new(e.to_string()))
	}

	fn base_params_path(&self, kind: CircuitKind) -> PathBuf {
		self.dir.join(format!("{}.base.params", kind.name()))
	}

	/// The circuit's starting parameters, which `phase2 new` derived and verifiers check.
	pub fn read_base_params(&self, kind: CircuitKind) -> Result<Parameters, Failure> {
		setup::read_parameters(&self.base_params_path(kind), true).map_err(|e| Failure::new(e.to_string()))
	}

	pub fn write_base_params(&self, kind: CircuitKind, params: &Parameters) -> Result<(), Failure> {
		write_atomically(&self.base_params_path(kind), |out| params.write(out))
	}

	pub fn write_params(&self, kind: CircuitKind, params: &Parameters) -> Result<(), Failure> {
		write_atomically(&self.params_path(kind), |out| params.write(out))
	}
}
