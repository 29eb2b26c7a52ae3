//! Phase 2's commands (new, contribute, beacon, verify) and the export.

use std::fs;
use std::path::Path;

use medshare_zk::ceremony::circuit::{self, LagrangeBases, Synthesized};
use medshare_zk::ceremony::keys::{CeremonyKey, CeremonyKeys};
use medshare_zk::ceremony::{phase1, phase2};
use medshare_zk::circuit::{EligibilityCircuit, RequirementCircuit};
use medshare_zk::setup::{self, CircuitKind, Parameters};
use rand_chacha::ChaCha20Rng;
use rand_core_010::SeedableRng;
use serde_json::{json, Value};

use crate::files::{write_atomically, Ceremony};
use crate::phase1_steps::{self, fresh_seed};
use crate::{hex32, Failure, Progress, Randomness};

fn circuits() -> Result<[(CircuitKind, Synthesized); 2], Failure> {
	let failed = |e: circuit::CircuitError| Failure::new(format!("the circuits' constraints: {e}"));
	Ok([
		(CircuitKind::Requirement, Synthesized::new(RequirementCircuit(None)).map_err(failed)?),
		(CircuitKind::Eligibility, Synthesized::new(EligibilityCircuit(None)).map_err(failed)?),
	])
}

/// The circuits' domain: both circuits share it, so they share one set of Lagrange bases.
fn domain(circuits: &[(CircuitKind, Synthesized); 2]) -> Result<usize, Failure> {
	let m = circuits[0].1.domain_size();
	if circuits.iter().any(|(_, c)| c.domain_size() != m) {
		return Err(Failure::new("the two circuits have different domains; this tool expects one"));
	}
	Ok(m)
}

/// Both circuits' base parameters (γ = δ = 1) from a verified phase 1 and its bases.
fn bases(
	circuits: &[(CircuitKind, Synthesized); 2],
	accumulator: &phase1::Accumulator,
	lagrange: &LagrangeBases,
	progress: &Progress,
) -> Result<Vec<(CircuitKind, Parameters)>, Failure> {
	let spinner = progress.spinner("deriving both circuits' starting parameters from phase 1");
	let out = circuits
		.iter()
		.map(|(kind, circuit)| {
			circuit::parameters_with(circuit, accumulator, lagrange)
				.map(|params| (*kind, params))
				.map_err(|e| Failure::new(format!("the {} circuit's parameters: {e}", kind.name())))
		})
		.collect();
	spinner.finish_and_clear();
	out
}

pub fn new(dir: &Path, progress: &Progress) -> Result<Value, Failure> {
	let ceremony = Ceremony::new(dir);
	if ceremony.has_phase2() {
		return Err(Failure::new(format!("{} already holds a phase 2", dir.display())));
	}
	let phase1 = phase1_steps::verify(dir, None, progress)?;
	let mut said = vec![format!("phase 1 verified: digest {}", hex32(&phase1.digest))];
	let circuits = circuits()?;
	let m = domain(&circuits)?;
	let spinner = progress.spinner(&format!(
		"computing the Lagrange bases of 2^{} points (inverse FFTs over the curve; minutes, once per ceremony)",
		m.trailing_zeros()
	));
	let lagrange = LagrangeBases::new(&phase1.accumulator, m).map_err(|e| Failure::new(e.to_string()))?;
	spinner.finish_and_clear();
	ceremony.write_lagrange(&lagrange)?;
	for (kind, params) in bases(&circuits, &phase1.accumulator, &lagrange, progress)? {
		let base = phase2::parameters_digest(&params);
		ceremony.write_base_params(kind, &params)?;
		ceremony.write_params(kind, &params)?;
		ceremony.write_phase2_transcript(kind, &base, &[])?;
		said.push(format!("{} circuit: starting parameters {}", kind.name(), hex32(&base)));
	}
	said.push("phase 2 started; pass the directory to the first participant".into());
	Ok(json!({ "said": said, "phase1": hex32(&phase1.digest) }))
}

/// One contribution to both circuits: a participant's or the beacon's.
pub fn contribute(dir: &Path, mut randomness: Randomness, progress: &Progress) -> Result<Value, Failure> {
	let ceremony = Ceremony::new(dir);
	let mut said = Vec::new();
	let mut digests = serde_json::Map::new();
	for kind in CircuitKind::ALL {
		let (base, mut contributions) = ceremony.read_phase2_transcript(kind)?;
		let spinner = progress.spinner(&format!("reading the {} parameters (every point's subgroup is checked)", kind.name()));
		let mut params = ceremony.read_params(kind)?;
		spinner.finish_and_clear();
		// The parameters must be the ones the transcript leads to, or the contribution would be
		// refused later.
		let consistent = match contributions.last() {
			Some(last) => last.delta_g1 == params.vk.delta_g1,
			None => phase2::parameters_digest(&params) == base,
		};
		if !consistent {
			return Err(Failure::new(format!(
				"the {} parameters are not the ones its transcript leads to: ask the coordinator for matching files",
				kind.name()
			)));
		}
		let bar = progress.bar(&format!("{}: dividing H and L by your secret", kind.name()), params.h.len() + params.l.len());
		let record = match &mut randomness {
			Randomness::Fresh(rng) => phase2::contribute(&mut params, &base, &contributions, rng, &|n| bar.inc(n as u64)),
			Randomness::Beacon(seed) => phase2::beacon(&mut params, &base, &contributions, *seed, &|n| bar.inc(n as u64)),
		};
		bar.finish_and_clear();
		contributions.push(record);
		ceremony.write_params(kind, &params)?;
		ceremony.write_phase2_transcript(kind, &base, &contributions)?;
		let digest = phase2::transcript_digest(&base, &contributions);
		said.push(format!("{}: contribution {} added, transcript digest {}", kind.name(), contributions.len() - 1, hex32(&digest)));
		digests.insert(kind.name().into(), hex32(&digest).into());
	}
	said.push("publish these digests, so that anyone can find your contribution; your secret is gone with this process".into());
	Ok(json!({ "said": said, "digests": digests }))
}

/// A verified ceremony.
pub struct Verified {
	pub keys: CeremonyKeys,
	pub summary: Value,
}

/// Phase 1; the bases and each circuit's starting parameters checked against it (random linear
/// combinations: seconds, where recomputing them takes minutes); every phase-2 contribution.
pub fn verify(dir: &Path, beacon: Option<[u8; 32]>, progress: &Progress) -> Result<Verified, Failure> {
	let ceremony = Ceremony::new(dir);
	let phase1 = phase1_steps::verify(dir, None, progress)?;
	let mut said = vec![format!("phase 1 verified: digest {}", hex32(&phase1.digest))];
	let mut rng = ChaCha20Rng::from_seed(fresh_seed()?);
	let circuits = circuits()?;
	let spinner = progress.spinner("reading the Lagrange bases and checking them against phase 1");
	let lagrange = ceremony.read_lagrange()?;
	lagrange
		.check(&phase1.accumulator, &mut rng)
		.map_err(|e| Failure::new(format!("the Lagrange bases are refused: {e}")))?;
	if lagrange.size() != domain(&circuits)? {
		return Err(Failure::new("the Lagrange bases are for another domain than the circuits'"));
	}
	spinner.finish_and_clear();
	let mut entries = Vec::new();
	for (kind, circuit) in &circuits {
		let refused = |why: String| Failure::new(format!("the {} circuit's phase 2 is refused: {why}", kind.name()));
		let spinner = progress.spinner(&format!("checking the {} circuit's starting parameters against phase 1", kind.name()));
		let base = ceremony.read_base_params(*kind)?;
		circuit::check_parameters(circuit, &phase1.accumulator, &lagrange, &base, &mut rng).map_err(|e| refused(e.to_string()))?;
		let (base_digest, contributions) = ceremony.read_phase2_transcript(*kind)?;
		if phase2::parameters_digest(&base) != base_digest {
			return Err(refused("its transcript starts from other parameters than this phase 1 gives".into()));
		}
		spinner.set_message(format!("checking the {} circuit's contributions", kind.name()));
		let params = ceremony.read_params(*kind)?;
		let digest = phase2::verify(&base, &contributions, &params, &mut rng).map_err(|e| refused(e.to_string()))?;
		spinner.finish_and_clear();
		if let Some(seed) = beacon {
			if !phase2::is_beacon(&base.vk.delta_g1, &contributions, seed) {
				return Err(refused("its last contribution is not the beacon's".into()));
			}
		}
		said.push(format!("{}: {} contributions verified, transcript digest {}", kind.name(), contributions.len(), hex32(&digest)));
		entries.push(CeremonyKey { key: setup::verifying_key_bytes(&params), transcript: digest });
	}
	let [requirement, eligibility]: [CeremonyKey; 2] = entries.try_into().map_err(|_| Failure::new("two circuits"))?;
	let keys = CeremonyKeys { phase1: phase1.digest, requirement, eligibility };
	let summary = json!({
		"said": said,
		"phase1": hex32(&keys.phase1),
		"requirement": hex32(&keys.requirement.transcript),
		"eligibility": hex32(&keys.eligibility.transcript),
	});
	Ok(Verified { keys, summary })
}

/// Verifies, then writes the prover's parameters and the chain's verifying keys.
pub fn export(dir: &Path, out: &Path, beacon: Option<[u8; 32]>, progress: &Progress) -> Result<Value, Failure> {
	let verified = verify(dir, beacon, progress)?;
	fs::create_dir_all(out).map_err(|e| Failure::new(format!("{}: {e}", out.display())))?;
	let ceremony = Ceremony::new(dir);
	for kind in CircuitKind::ALL {
		let to = out.join(format!("{}.params", kind.name()));
		fs::copy(ceremony.params_path(kind), &to).map_err(|e| Failure::new(format!("{}: {e}", to.display())))?;
	}
	let keys = out.join("verifying-keys.json");
	let text = verified.keys.to_json();
	write_atomically(&keys, |file| std::io::Write::write_all(file, text.as_bytes()))?;
	let mut summary = verified.summary;
	if let Some(Value::Array(said)) = summary.get_mut("said") {
		said.push(format!("wrote requirement.params and eligibility.params (for `medshare --params {}`)", out.display()).into());
		said.push(format!("wrote {} (for `medshare-node --chain local --ceremony-keys`)", keys.display()).into());
	}
	Ok(summary)
}
