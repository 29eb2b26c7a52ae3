//! Groth16 parameters: generation from a random seed, the insecure deterministic development
//! setup, and parameter files in bellman's format.
//!
//! Whoever runs a setup learns its toxic waste and can forge proofs for that circuit. A
//! production chain needs a multi-party ceremony (or at least a setup run by a party the
//! participants trust) and registers its verifying keys with `set_verifying_key`. The
//! development setup derives everything from a fixed public seed: anyone can forge proofs
//! against its keys, so it is for development and tests only.

use crate::circuit::{EligibilityCircuit, RequirementCircuit, ELIGIBILITY_INPUTS, REQUIREMENT_INPUTS};
use bls12_381::Bls12;
use rand_chacha::ChaCha20Rng;
use std::path::{Path, PathBuf};
use rand_core_010::{CryptoRng, SeedableRng};

/// Proving parameters (they include the verifying key).
pub type Parameters = groth16::Parameters<Bls12>;

/// The two circuits of the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CircuitKind {
	/// The institution's requirement circuit, public inputs `[S, h']`.
	Requirement,
	/// The holder's eligibility circuit, public inputs `[S, h, b]`.
	Eligibility,
}

impl CircuitKind {
	/// Both circuits.
	pub const ALL: [CircuitKind; 2] = [CircuitKind::Requirement, CircuitKind::Eligibility];

	/// Number of public inputs.
	pub const fn public_inputs(self) -> usize {
		match self {
			CircuitKind::Requirement => REQUIREMENT_INPUTS,
			CircuitKind::Eligibility => ELIGIBILITY_INPUTS,
		}
	}

	/// Lower-case name, used in file names.
	pub const fn name(self) -> &'static str {
		match self {
			CircuitKind::Requirement => "requirement",
			CircuitKind::Eligibility => "eligibility",
		}
	}

	/// The committed verifying key of the development setup.
	pub const fn dev_verifying_key(self) -> &'static [u8] {
		match self {
			CircuitKind::Requirement => crate::DEV_REQUIREMENT_VK,
			CircuitKind::Eligibility => crate::DEV_ELIGIBILITY_VK,
		}
	}
}

/// Why a setup or a parameter file failed.
#[derive(Debug)]
pub enum SetupError {
	/// bellman could not synthesize the circuit.
	Synthesis(bellman::SynthesisError),
	/// Reading or writing a parameter file failed.
	Io(PathBuf, std::io::Error),
}

impl core::fmt::Display for SetupError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			SetupError::Synthesis(e) => write!(f, "circuit synthesis failed: {e}"),
			SetupError::Io(path, e) => write!(f, "{}: {e}", path.display()),
		}
	}
}

impl std::error::Error for SetupError {}

/// Generates fresh parameters for a circuit from a cryptographic RNG.
pub fn generate<R: CryptoRng>(kind: CircuitKind, rng: &mut R) -> Result<Parameters, SetupError> {
	let result = match kind {
		CircuitKind::Requirement => {
			groth16::generate_random_parameters::<Bls12, _, _>(RequirementCircuit(None), rng)
		},
		CircuitKind::Eligibility => {
			groth16::generate_random_parameters::<Bls12, _, _>(EligibilityCircuit(None), rng)
		},
	};
	result.map_err(SetupError::Synthesis)
}

/// The public seed of the development setup. INSECURE: anyone can rebuild the toxic waste.
pub fn dev_seed(kind: CircuitKind) -> [u8; 32] {
	let mut state = blake2s_simd::Params::new();
	state.personal(b"MedShDev");
	*state.to_state().update(b"insecure development setup v1: ").update(kind.name().as_bytes()).finalize().as_array()
}

/// The development parameters: deterministic, reproducible, and INSECURE.
pub fn dev_parameters(kind: CircuitKind) -> Result<Parameters, SetupError> {
	generate(kind, &mut ChaCha20Rng::from_seed(dev_seed(kind)))
}

/// A verifying key in bellman's byte format, as the chain stores it.
pub fn verifying_key_bytes(params: &Parameters) -> Vec<u8> {
	let mut bytes = Vec::with_capacity(crate::verify::verifying_key_len(params.vk.ic.len().saturating_sub(1)));
	params.vk.write(&mut bytes).expect("writing to a Vec cannot fail");
	bytes
}

/// Writes parameters to a file, through a temporary file of this process's own (parallel test
/// processes may write the same parameters at once) renamed into place, so a reader never sees
/// half a file.
pub fn write_parameters(params: &Parameters, path: &Path) -> Result<(), SetupError> {
	let io = |e| SetupError::Io(path.to_path_buf(), e);
	if let Some(dir) = path.parent() {
		std::fs::create_dir_all(dir).map_err(io)?;
	}
	let temporary = path.with_extension(format!("{}.partial", std::process::id()));
	let file = std::fs::File::create(&temporary).map_err(io)?;
	let mut writer = std::io::BufWriter::new(file);
	params.write(&mut writer).map_err(io)?;
	writer.into_inner().map_err(|e| io(e.into_error()))?.sync_all().map_err(io)?;
	std::fs::rename(&temporary, path).map_err(io)
}

/// Reads parameters from a file. `checked` verifies that every point is on the curve and in
/// the subgroup: slow, and needed for files from elsewhere; files this program wrote itself
/// can skip it.
pub fn read_parameters(path: &Path, checked: bool) -> Result<Parameters, SetupError> {
	let io = |e| SetupError::Io(path.to_path_buf(), e);
	let file = std::fs::File::open(path).map_err(io)?;
	Parameters::read(std::io::BufReader::new(file), checked).map_err(io)
}

/// Where parameter files are kept by default: `$MEDSHARE_PARAMS_DIR`, else
/// `$XDG_CACHE_HOME/medshare/params`, else `$HOME/.cache/medshare/params`.
pub fn default_parameter_dir() -> PathBuf {
	if let Some(dir) = std::env::var_os("MEDSHARE_PARAMS_DIR") {
		return PathBuf::from(dir);
	}
	let cache = std::env::var_os("XDG_CACHE_HOME")
		.map(PathBuf::from)
		.or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
		.unwrap_or_else(std::env::temp_dir);
	cache.join("medshare").join("params")
}

/// The development parameters of a circuit, from `dir` if an earlier run left them there,
/// otherwise generated and saved. A file whose key is not the committed development key (left
/// by a build with an older circuit) is never used: it is regenerated and replaced.
pub fn load_or_create_dev_parameters(dir: &Path, kind: CircuitKind) -> Result<Parameters, SetupError> {
	let path = dir.join(format!("dev-{}.params", kind.name()));
	if path.exists() {
		let params = read_parameters(&path, false)?;
		if verifying_key_bytes(&params) == kind.dev_verifying_key() {
			return Ok(params);
		}
	}
	let params = dev_parameters(kind)?;
	write_parameters(&params, &path)?;
	Ok(params)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The committed development keys are what the development setup produces.
	#[test]
	fn committed_dev_keys_match_the_dev_setup() {
		for kind in CircuitKind::ALL {
			let params = dev_parameters(kind).unwrap();
			assert_eq!(verifying_key_bytes(&params), kind.dev_verifying_key(), "{kind:?}");
			assert_eq!(
				kind.dev_verifying_key().len(),
				crate::verify::verifying_key_len(kind.public_inputs())
			);
		}
	}

	/// Writes `keys/dev-*.vk`; run after a circuit change.
	#[test]
	#[ignore]
	fn regenerate_dev_keys() {
		for kind in CircuitKind::ALL {
			let params = dev_parameters(kind).unwrap();
			let path = format!("{}/keys/dev-{}.vk", env!("CARGO_MANIFEST_DIR"), kind.name());
			std::fs::write(path, verifying_key_bytes(&params)).unwrap();
		}
	}

	#[test]
	fn dev_seeds_differ_per_circuit() {
		assert_ne!(dev_seed(CircuitKind::Requirement), dev_seed(CircuitKind::Eligibility));
	}
}
