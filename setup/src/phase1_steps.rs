//! Phase 1's commands: new, contribute, beacon, verify, import.

use std::fs;
use std::io::{BufReader, Read};
use std::path::Path;

use medshare_zk::ceremony::{format, phase1};
use rand_chacha::ChaCha20Rng;
use rand_core_010::SeedableRng;
use serde_json::{json, Value};

use crate::files::{Ceremony, Imported, Phase1Record};
use crate::{hex32, Failure, Progress, Randomness};

/// A verified phase 1.
pub struct Verified {
	pub accumulator: phase1::Accumulator,
	/// What the phase-2 files and the exported keys name phase 1 by.
	pub digest: [u8; 32],
	pub summary: Value,
}

pub fn new(dir: &Path, power: u32) -> Result<Value, Failure> {
	if !(1..=phase1::MAX_POWER).contains(&power) {
		return Err(Failure::new(format!("--power {power} is outside 1..={}", phase1::MAX_POWER)));
	}
	let ceremony = Ceremony::new(dir);
	if ceremony.has_phase1() {
		return Err(Failure::new(format!("{} already holds a phase 1; use another directory", dir.display())));
	}
	ceremony.write_accumulator(&phase1::Accumulator::new(power))?;
	ceremony.write_phase1_contributions(&[])?;
	Ok(json!({
		"said": [format!("phase 1 of 2^{power} powers started in {}; pass the directory to the first participant", dir.display())],
		"power": power,
		"digest": hex32(&phase1::transcript_digest(power, &[])),
	}))
}

/// One contribution: a participant's or the beacon's.
pub fn contribute(dir: &Path, randomness: Randomness, progress: &Progress) -> Result<Value, Failure> {
	let ceremony = Ceremony::new(dir);
	if ceremony.has_phase2() {
		return Err(Failure::new("phase 2 has begun on this phase 1: contribute to phase 2 instead"));
	}
	let Phase1Record::Contributions(mut contributions) = ceremony.read_phase1_record()? else {
		return Err(Failure::new("phase 1 here is an imported transcript, which takes no contributions: go on with `phase2 new`"));
	};
	let spinner = progress.spinner("reading the accumulator (every point's subgroup is checked)");
	let mut accumulator = ceremony.read_accumulator()?;
	spinner.finish_and_clear();
	// The accumulator must be the one the transcript leads to, or this contribution would be
	// refused later and the participant's time lost.
	let generator = bls12_381::G1Affine::generator();
	let expected = contributions.last().map_or([generator; 3], |c| [c.tau_g1, c.alpha_g1, c.beta_g1]);
	if accumulator.tau_g1.get(1).copied() != Some(expected[0])
		|| accumulator.alpha_tau_g1[0] != expected[1]
		|| accumulator.beta_tau_g1[0] != expected[2]
	{
		return Err(Failure::new("the accumulator is not the one the transcript leads to: ask the coordinator for matching files"));
	}
	let bar = progress.bar("multiplying in your secrets", accumulator.points());
	let record = match randomness {
		Randomness::Fresh(mut rng) => phase1::contribute(&mut accumulator, &contributions, &mut rng, &|n| bar.inc(n as u64)),
		Randomness::Beacon(seed) => phase1::beacon(&mut accumulator, &contributions, seed, &|n| bar.inc(n as u64)),
	};
	bar.finish_and_clear();
	contributions.push(record);
	ceremony.write_accumulator(&accumulator)?;
	ceremony.write_phase1_contributions(&contributions)?;
	let digest = phase1::transcript_digest(accumulator.power, &contributions);
	let index = contributions.len() - 1;
	Ok(json!({
		"said": [
			format!("contribution {index} added to phase 1; your secrets are gone with this process"),
			format!("publish this transcript digest, so that anyone can find your contribution: {}", hex32(&digest)),
		],
		"contribution": index,
		"digest": hex32(&digest),
	}))
}

/// Every proof, and the accumulator; for an import, the accumulator alone.
pub fn verify(dir: &Path, beacon: Option<[u8; 32]>, progress: &Progress) -> Result<Verified, Failure> {
	let ceremony = Ceremony::new(dir);
	let spinner = progress.spinner("reading the accumulator (every point's subgroup is checked)");
	let accumulator = ceremony.read_accumulator()?;
	spinner.set_message("checking every proof of knowledge and that the accumulator holds powers of one tau");
	// The verifier's own randomness for the batched checks: a prover must not know it.
	let mut rng = ChaCha20Rng::from_seed(fresh_seed()?);
	let record = ceremony.read_phase1_record()?;
	let result = match &record {
		Phase1Record::Contributions(contributions) => {
			let digest = phase1::verify(contributions, &accumulator, &mut rng).map_err(|e| Failure::new(format!("phase 1 is refused: {e}")))?;
			if let Some(seed) = beacon {
				if !phase1::is_beacon(contributions, seed) {
					return Err(Failure::new("phase 1 is refused: its last contribution is not the beacon's"));
				}
			}
			let said = vec![
				format!("phase 1 verified: {} contributions, 2^{} powers", contributions.len(), accumulator.power),
				format!("transcript digest {}", hex32(&digest)),
			];
			(digest, json!({ "said": said, "contributions": contributions.len(), "power": accumulator.power, "digest": hex32(&digest) }))
		},
		Phase1Record::Imported(imported) => {
			phase1::check_powers(&accumulator, &mut rng).map_err(|e| Failure::new(format!("phase 1 is refused: {e}")))?;
			if beacon.is_some() {
				return Err(Failure::new("an imported phase 1 has no beacon of this tool's: check its own ceremony's beacon"));
			}
			let digest = imported.digest(accumulator.power);
			let said = vec![
				format!("phase 1 imported from {} (BLAKE2b-512 {}): its accumulator holds 2^{} powers of one tau", imported.source, hex::encode(imported.blake2b), accumulator.power),
				"its contributions are checked with its own ceremony's verifier, against that published hash".to_string(),
				format!("phase 1 digest {}", hex32(&digest)),
			];
			(digest, json!({ "said": said, "imported": imported.source, "blake2b": hex::encode(imported.blake2b), "power": accumulator.power, "digest": hex32(&digest) }))
		},
	};
	spinner.finish_and_clear();
	Ok(Verified { accumulator, digest: result.0, summary: result.1 })
}

/// A reader that hashes every byte it passes on.
struct Hashing<R> {
	inner: R,
	state: blake2b_simd::State,
}

impl<R: Read> Read for Hashing<R> {
	fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
		let n = self.inner.read(buf)?;
		self.state.update(&buf[..n]);
		Ok(n)
	}
}

pub fn import(file: &Path, dir: &Path, source_power: u32, power: u32, compressed: bool, progress: &Progress) -> Result<Value, Failure> {
	let ceremony = Ceremony::new(dir);
	if ceremony.has_phase1() {
		return Err(Failure::new(format!("{} already holds a phase 1; use another directory", dir.display())));
	}
	let opened = fs::File::open(file).map_err(|e| Failure::new(format!("{}: {e}", file.display())))?;
	let mut reader = Hashing { inner: BufReader::new(opened), state: blake2b_simd::State::new() };
	let compression = if compressed { format::Compression::Compressed } else { format::Compression::Uncompressed };
	let spinner = progress.spinner("reading the transcript (every point's subgroup is checked)");
	let (accumulator, _) = format::read_powersoftau(&mut reader, source_power, power, compression)
		.map_err(|e| Failure::new(format!("{}: {e}", file.display())))?;
	// The rest of the file (a response's public key) is hashed too: the published hash is the
	// whole file's.
	std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| Failure::new(format!("{}: {e}", file.display())))?;
	spinner.set_message("checking that the accumulator holds powers of one tau");
	phase1::check_powers(&accumulator, &mut ChaCha20Rng::from_seed(fresh_seed()?))
		.map_err(|e| Failure::new(format!("{} is refused: {e}", file.display())))?;
	spinner.finish_and_clear();
	let blake2b: [u8; 64] = reader.state.finalize().as_bytes().try_into().map_err(|_| Failure::new("BLAKE2b-512"))?;
	let imported = Imported { source: file.display().to_string(), blake2b, source_power, compressed };
	ceremony.write_accumulator(&accumulator)?;
	ceremony.write_import(&imported)?;
	let digest = imported.digest(power);
	Ok(json!({
		"said": [
			format!("imported 2^{power} powers of {} into {}", file.display(), dir.display()),
			format!("compare its BLAKE2b-512 with the hash its ceremony published: {}", hex::encode(blake2b)),
			format!("phase 1 digest {}", hex32(&digest)),
		],
		"blake2b": hex::encode(blake2b),
		"power": power,
		"digest": hex32(&digest),
	}))
}

/// A seed from the operating system for a verifier's batched checks.
pub fn fresh_seed() -> Result<[u8; 32], Failure> {
	use rand_core_010::TryRng;
	let mut seed = [0u8; 32];
	rand_010::rngs::SysRng
		.try_fill_bytes(&mut seed)
		.map_err(|e| Failure::new(format!("the operating system gave no randomness: {e}")))?;
	Ok(seed)
}
