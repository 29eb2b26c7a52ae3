//! Phase 1: powers of τ for a domain of `m = 2^power` points, independent of any circuit:
//! `τ^i·G1` for `i < 2m - 1`, `τ^i·G2`, `α·τ^i·G1` and `β·τ^i·G1` for `i < m`, and `β·G2`.
//!
//! It starts from the generators (τ = α = β = 1). Each participant multiplies in fresh secrets
//! `t`, `a` and `b`. It publishes the new `τ·G1`, `α·G1` and `β·G1` with a proof of knowledge of
//! each factor, bound to the transcript before it. A verifier checks two things:
//! - every proof, along the chain of those three points;
//! - that the final accumulator is well formed, with every series powers of the chain's τ
//!   (random linear combinations, one pairing equation per series).
//!
//! The final τ, α and β are the products of all participants' factors, so they stay unknown
//! if one participant destroyed its own.

use bls12_381::{G1Affine, G2Affine, Scalar};
use ff::Field;
use rand_core_010::CryptoRng;

use super::{combine, decode_g1, randomizers, same_ratio, scale_each, KnowledgeProof, ProofFailure, Running, KNOWLEDGE_PROOF_LEN};

const TRANSCRIPT_LABEL: &[u8] = b"medshare-ceremony-phase1-v1";
const TAU: &[u8] = b"tau";
const ALPHA: &[u8] = b"alpha";
const BETA: &[u8] = b"beta";

/// The largest domain this accumulator format describes (the circuits need far less).
pub const MAX_POWER: u32 = 24;

/// The powers of τ, α·τ and β·τ after some contributions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accumulator {
	/// `log2` of the domain size `m`.
	pub power: u32,
	/// `τ^i·G1`, `i < 2m - 1` (the H query needs `τ^(i+m)`).
	pub tau_g1: Vec<G1Affine>,
	/// `τ^i·G2`, `i < m`.
	pub tau_g2: Vec<G2Affine>,
	/// `α·τ^i·G1`, `i < m`.
	pub alpha_tau_g1: Vec<G1Affine>,
	/// `β·τ^i·G1`, `i < m`.
	pub beta_tau_g1: Vec<G1Affine>,
	/// `β·G2`.
	pub beta_g2: G2Affine,
}

/// One participant's public record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
	/// The transcript digest this contribution starts from.
	pub before: [u8; 32],
	/// `τ·G1`, `α·G1`, `β·G1` after it.
	pub tau_g1: G1Affine,
	pub alpha_g1: G1Affine,
	pub beta_g1: G1Affine,
	/// Knowledge of the factors `t`, `a`, `b` between the points before and these.
	pub tau_proof: KnowledgeProof,
	pub alpha_proof: KnowledgeProof,
	pub beta_proof: KnowledgeProof,
}

/// Bytes of an encoded [`Contribution`].
pub const CONTRIBUTION_LEN: usize = 32 + 3 * 48 + 3 * KNOWLEDGE_PROOF_LEN;

/// Which of the three secrets a check is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secret {
	Tau,
	Alpha,
	Beta,
}

/// Why a phase-1 transcript was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase1Error {
	/// The accumulator's power is above [`MAX_POWER`] or its series have the wrong lengths.
	Shape,
	/// Contribution `index` does not follow the transcript before it.
	OutOfOrder { index: usize },
	/// Contribution `index` has a point at infinity in its proof for `secret`.
	Degenerate { index: usize, secret: Secret },
	/// Contribution `index` does not prove knowledge of its factor for `secret`.
	ProofOfKnowledge { index: usize, secret: Secret },
	/// Contribution `index` moved `secret`'s point by another factor than the one it proved.
	NotProven { index: usize, secret: Secret },
	/// The final accumulator does not start with the generators.
	Generators,
	/// The final accumulator's `τ·G1`, `α·G1` or `β·G1` is not the last contribution's.
	FinalPoint { secret: Secret },
	/// A series of the final accumulator is not the powers of one τ.
	NotPowers { series: &'static str },
	/// A contribution's bytes do not decode.
	Encoding(&'static str),
}

impl core::fmt::Display for Phase1Error {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Phase1Error::Shape => write!(f, "the accumulator's series do not have the lengths its power gives"),
			Phase1Error::OutOfOrder { index } => write!(f, "contribution {index} does not follow the transcript before it (reordered, dropped or inserted contributions)"),
			Phase1Error::Degenerate { index, secret } => write!(f, "contribution {index} has a point at infinity in its proof for {secret:?}"),
			Phase1Error::ProofOfKnowledge { index, secret } => write!(f, "contribution {index} does not prove knowledge of its {secret:?} factor"),
			Phase1Error::NotProven { index, secret } => write!(f, "contribution {index} moved {secret:?} by another factor than the one it proved"),
			Phase1Error::Generators => write!(f, "the accumulator does not start with the generators"),
			Phase1Error::FinalPoint { secret } => write!(f, "the accumulator's {secret:?} point is not the last contribution's"),
			Phase1Error::NotPowers { series } => write!(f, "the accumulator's {series} are not powers of one tau"),
			Phase1Error::Encoding(what) => write!(f, "a contribution does not decode: {what}"),
		}
	}
}

impl std::error::Error for Phase1Error {}

impl Accumulator {
	/// The accumulator before any contribution: every point a generator.
	pub fn new(power: u32) -> Accumulator {
		let m = 1usize << power.min(MAX_POWER);
		Accumulator {
			power: power.min(MAX_POWER),
			tau_g1: vec![G1Affine::generator(); 2 * m - 1],
			tau_g2: vec![G2Affine::generator(); m],
			alpha_tau_g1: vec![G1Affine::generator(); m],
			beta_tau_g1: vec![G1Affine::generator(); m],
			beta_g2: G2Affine::generator(),
		}
	}

	/// The domain size `m`.
	pub fn size(&self) -> usize {
		1 << self.power
	}

	fn shaped(&self) -> bool {
		let m = self.size();
		self.power <= MAX_POWER
			&& self.tau_g1.len() == 2 * m - 1
			&& self.tau_g2.len() == m
			&& self.alpha_tau_g1.len() == m
			&& self.beta_tau_g1.len() == m
	}

	/// Multiplies in `tau`, `alpha` and `beta` (all non-zero).
	fn multiply(&mut self, tau: Scalar, alpha: Scalar, beta: Scalar, progress: &(dyn Fn(usize) + Sync)) {
		let mut powers = Vec::with_capacity(self.tau_g1.len());
		let mut power = Scalar::ONE;
		for _ in 0..self.tau_g1.len() {
			powers.push(power);
			power *= tau;
		}
		let m = self.size();
		let alpha_powers: Vec<Scalar> = powers[..m].iter().map(|p| p * alpha).collect();
		let beta_powers: Vec<Scalar> = powers[..m].iter().map(|p| p * beta).collect();
		self.tau_g1 = scale_each(&self.tau_g1, &powers, progress);
		self.tau_g2 = scale_each(&self.tau_g2, &powers[..m], progress);
		self.alpha_tau_g1 = scale_each(&self.alpha_tau_g1, &alpha_powers, progress);
		self.beta_tau_g1 = scale_each(&self.beta_tau_g1, &beta_powers, progress);
		self.beta_g2 = (self.beta_g2 * beta).into();
	}

	/// How many points a contribution moves (for a progress bar).
	pub fn points(&self) -> usize {
		self.tau_g1.len() + self.tau_g2.len() + self.alpha_tau_g1.len() + self.beta_tau_g1.len()
	}
}

impl Contribution {
	/// The digest, the three points compressed, then the three proofs.
	pub fn to_bytes(&self) -> [u8; CONTRIBUTION_LEN] {
		let mut out = [0u8; CONTRIBUTION_LEN];
		out[..32].copy_from_slice(&self.before);
		for (i, point) in [self.tau_g1, self.alpha_g1, self.beta_g1].iter().enumerate() {
			out[32 + 48 * i..80 + 48 * i].copy_from_slice(&point.to_compressed());
		}
		for (i, proof) in [self.tau_proof, self.alpha_proof, self.beta_proof].iter().enumerate() {
			let at = 32 + 3 * 48 + KNOWLEDGE_PROOF_LEN * i;
			out[at..at + KNOWLEDGE_PROOF_LEN].copy_from_slice(&proof.to_bytes());
		}
		out
	}

	/// Decodes, refusing points off the curve or outside the prime-order subgroup.
	pub fn from_bytes(bytes: &[u8]) -> Result<Contribution, Phase1Error> {
		if bytes.len() != CONTRIBUTION_LEN {
			return Err(Phase1Error::Encoding("wrong length"));
		}
		let point = |i: usize| decode_g1(&bytes[32 + 48 * i..80 + 48 * i]).ok_or(Phase1Error::Encoding("not a G1 point of the subgroup"));
		let proof = |i: usize| {
			let at = 32 + 3 * 48 + KNOWLEDGE_PROOF_LEN * i;
			KnowledgeProof::from_bytes(&bytes[at..at + KNOWLEDGE_PROOF_LEN]).ok_or(Phase1Error::Encoding("a proof's points are not in the subgroups"))
		};
		Ok(Contribution {
			before: bytes[..32].try_into().map_err(|_| Phase1Error::Encoding("digest"))?,
			tau_g1: point(0)?,
			alpha_g1: point(1)?,
			beta_g1: point(2)?,
			tau_proof: proof(0)?,
			alpha_proof: proof(1)?,
			beta_proof: proof(2)?,
		})
	}
}

/// The digest a contribution after `contributions` starts from; after all of them, the digest
/// of the whole phase 1.
pub fn transcript_digest(power: u32, contributions: &[Contribution]) -> [u8; 32] {
	let mut running = Running::new(TRANSCRIPT_LABEL, &power.to_le_bytes());
	contributions.iter().for_each(|c| running.append(&c.to_bytes()));
	running.digest()
}

fn nonzero<R: CryptoRng + ?Sized>(rng: &mut R) -> Scalar {
	loop {
		let x = Scalar::random(&mut *rng);
		if !bool::from(x.is_zero()) {
			return x;
		}
	}
}

/// Adds a contribution with fresh secrets from `rng`, dropped when this returns. `progress`
/// hears how many points are done, of [`Accumulator::points`].
pub fn contribute<R: CryptoRng + ?Sized>(
	accumulator: &mut Accumulator,
	previous: &[Contribution],
	rng: &mut R,
	progress: &(dyn Fn(usize) + Sync),
) -> Contribution {
	let (tau, alpha, beta) = (nonzero(rng), nonzero(rng), nonzero(rng));
	contribute_secrets(accumulator, previous, tau, alpha, beta, rng, progress)
}

/// [`contribute`] with given secrets: for tests that compare with bellman's own generator.
pub(crate) fn contribute_secrets<R: CryptoRng + ?Sized>(
	accumulator: &mut Accumulator,
	previous: &[Contribution],
	tau: Scalar,
	alpha: Scalar,
	beta: Scalar,
	rng: &mut R,
	progress: &(dyn Fn(usize) + Sync),
) -> Contribution {
	let before = transcript_digest(accumulator.power, previous);
	let contribution_proofs = (
		KnowledgeProof::prove(tau, TAU, &before, rng),
		KnowledgeProof::prove(alpha, ALPHA, &before, rng),
		KnowledgeProof::prove(beta, BETA, &before, rng),
	);
	accumulator.multiply(tau, alpha, beta, progress);
	Contribution {
		before,
		tau_g1: accumulator.tau_g1[1.min(accumulator.tau_g1.len() - 1)],
		alpha_g1: accumulator.alpha_tau_g1[0],
		beta_g1: accumulator.beta_tau_g1[0],
		tau_proof: contribution_proofs.0,
		alpha_proof: contribution_proofs.1,
		beta_proof: contribution_proofs.2,
	}
}

/// Checks that `contributions`, each proven, lead from the generators to `last`, and that `last`
/// is well formed. Returns the transcript digest.
pub fn verify<R: CryptoRng + ?Sized>(contributions: &[Contribution], last: &Accumulator, rng: &mut R) -> Result<[u8; 32], Phase1Error> {
	if !last.shaped() || last.power == 0 {
		return Err(Phase1Error::Shape);
	}
	let mut running = Running::new(TRANSCRIPT_LABEL, &last.power.to_le_bytes());
	let (mut tau, mut alpha, mut beta) = (G1Affine::generator(), G1Affine::generator(), G1Affine::generator());
	for (index, c) in contributions.iter().enumerate() {
		if c.before != running.digest() {
			return Err(Phase1Error::OutOfOrder { index });
		}
		for (secret, label, proof, from, to) in [
			(Secret::Tau, TAU, &c.tau_proof, &tau, &c.tau_g1),
			(Secret::Alpha, ALPHA, &c.alpha_proof, &alpha, &c.alpha_g1),
			(Secret::Beta, BETA, &c.beta_proof, &beta, &c.beta_g1),
		] {
			proof.check(label, &c.before, from, to).map_err(|failure| match failure {
				ProofFailure::Degenerate => Phase1Error::Degenerate { index, secret },
				ProofFailure::Knowledge => Phase1Error::ProofOfKnowledge { index, secret },
				ProofFailure::Ratio => Phase1Error::NotProven { index, secret },
			})?;
		}
		(tau, alpha, beta) = (c.tau_g1, c.alpha_g1, c.beta_g1);
		running.append(&c.to_bytes());
	}
	for (secret, at, chain) in [(Secret::Tau, last.tau_g1[1], tau), (Secret::Alpha, last.alpha_tau_g1[0], alpha), (Secret::Beta, last.beta_tau_g1[0], beta)] {
		if at != chain {
			return Err(Phase1Error::FinalPoint { secret });
		}
	}
	check_powers(last, rng)?;
	Ok(running.digest())
}

/// Checks that `accumulator` is well formed: it starts with the generators and every series is
/// the powers of one τ (times α or β). This is all that can be checked of an imported
/// accumulator, whose contributions were verified with its own ceremony's tools.
pub fn check_powers<R: CryptoRng + ?Sized>(last: &Accumulator, rng: &mut R) -> Result<(), Phase1Error> {
	if !last.shaped() || last.power == 0 {
		return Err(Phase1Error::Shape);
	}
	let (g1, g2) = (G1Affine::generator(), G2Affine::generator());
	if last.tau_g1[0] != g1 || last.tau_g2[0] != g2 {
		return Err(Phase1Error::Generators);
	}
	// Each G1 series: Σρ_i·P_(i+1) = τ·Σρ_i·P_i, checked against τ·G2.
	let tau_g2 = last.tau_g2[1];
	for (series, points) in [("powers of tau in G1", &last.tau_g1), ("alpha powers", &last.alpha_tau_g1), ("beta powers", &last.beta_tau_g1)] {
		let rho = randomizers(points.len() - 1, rng);
		if !same_ratio(&combine(&points[..points.len() - 1], &rho), &combine(&points[1..], &rho), &g2, &tau_g2) {
			return Err(Phase1Error::NotPowers { series });
		}
	}
	let rho = randomizers(last.tau_g2.len() - 1, rng);
	if !same_ratio(&g1, &last.tau_g1[1], &combine(&last.tau_g2[..last.tau_g2.len() - 1], &rho), &combine(&last.tau_g2[1..], &rho)) {
		return Err(Phase1Error::NotPowers { series: "powers of tau in G2" });
	}
	if !same_ratio(&g1, &last.beta_tau_g1[0], &g2, &last.beta_g2) {
		return Err(Phase1Error::NotPowers { series: "beta in G2" });
	}
	Ok(())
}

/// The secrets a public-beacon contribution uses: the first three non-zero scalars drawn from
/// ChaCha20 seeded with `seed` ([`super::beacon_seed`]), in [`contribute`]'s order.
pub fn beacon_secrets(seed: [u8; 32]) -> [Scalar; 3] {
	let mut rng = super::beacon_rng(seed);
	[nonzero(&mut rng), nonzero(&mut rng), nonzero(&mut rng)]
}

/// Adds the final public-beacon contribution: [`contribute`] with randomness anyone can
/// recompute from `seed`, so that no participant could have known the final secrets in advance.
pub fn beacon(
	accumulator: &mut Accumulator,
	previous: &[Contribution],
	seed: [u8; 32],
	progress: &(dyn Fn(usize) + Sync),
) -> Contribution {
	contribute(accumulator, previous, &mut super::beacon_rng(seed), progress)
}

/// Whether the last of `contributions` is the beacon contribution of `seed`: its points are the
/// ones before it times [`beacon_secrets`]. Checks only that; [`verify`] checks the rest.
pub fn is_beacon(contributions: &[Contribution], seed: [u8; 32]) -> bool {
	let Some((last, earlier)) = contributions.split_last() else { return false };
	let generator = G1Affine::generator();
	let before = earlier.last().map_or([generator; 3], |c| [c.tau_g1, c.alpha_g1, c.beta_g1]);
	let after = [last.tau_g1, last.alpha_g1, last.beta_g1];
	let secrets = beacon_secrets(seed);
	(0..3).all(|i| G1Affine::from(before[i] * secrets[i]) == after[i])
}

#[cfg(test)]
mod tests {
	use super::*;
	use group::Curve;
	use rand_chacha::ChaCha20Rng;
	use rand_core_010::SeedableRng;

	fn rng(seed: u8) -> ChaCha20Rng {
		ChaCha20Rng::from_seed([seed; 32])
	}

	pub(crate) fn three_participants(power: u32) -> (Vec<Contribution>, Accumulator) {
		let mut accumulator = Accumulator::new(power);
		let mut contributions = Vec::new();
		for participant in 0..3u8 {
			let record = contribute(&mut accumulator, &contributions, &mut rng(20 + participant), &|_| {});
			contributions.push(record);
		}
		(contributions, accumulator)
	}

	/// A beacon is recognised by its seed alone, and a last participant who claims the beacon
	/// but used secrets of its own is caught.
	#[test]
	fn a_beacon_contribution_is_recomputed_from_its_seed() {
		let (mut contributions, mut last) = three_participants(3);
		let seed = crate::ceremony::beacon_seed(b"block 0xabc", 4);
		let record = beacon(&mut last, &contributions, seed, &|_| {});
		contributions.push(record);
		assert!(verify(&contributions, &last, &mut rng(1)).is_ok());
		assert!(is_beacon(&contributions, seed));
		assert!(!is_beacon(&contributions, crate::ceremony::beacon_seed(b"block 0xabd", 4)));
		// An honest-looking contribution with its own randomness in the beacon's place.
		contributions.pop();
		let (mut other, mut previous) = three_participants(3);
		other.push(contribute(&mut previous, &contributions, &mut rng(77), &|_| {}));
		assert!(verify(&other, &previous, &mut rng(1)).is_ok());
		assert!(!is_beacon(&other, seed));
		assert!(!is_beacon(&[], seed));
	}

	#[test]
	fn three_contributions_verify_and_hold_powers_of_one_tau() {
		let (contributions, last) = three_participants(3);
		assert_eq!(verify(&contributions, &last, &mut rng(1)), Ok(transcript_digest(3, &contributions)));
		assert_ne!(last.tau_g1[1], G1Affine::generator());
		for c in &contributions {
			assert_eq!(Contribution::from_bytes(&c.to_bytes()), Ok(c.clone()));
		}
	}

	#[test]
	fn a_skipped_or_replayed_proof_or_a_chosen_tau_is_refused() {
		let (contributions, last) = three_participants(3);
		let mut altered = contributions.clone();
		// Replaying the first participant's tau proof in the third contribution.
		altered[2].tau_proof = contributions[0].tau_proof;
		assert_eq!(verify(&altered, &last, &mut rng(1)), Err(Phase1Error::ProofOfKnowledge { index: 2, secret: Secret::Tau }));
		// Claiming an alpha point it did not move there by the proven factor.
		let mut altered = contributions.clone();
		altered[1].alpha_g1 = G1Affine::generator();
		assert_eq!(verify(&altered, &last, &mut rng(1)), Err(Phase1Error::NotProven { index: 1, secret: Secret::Alpha }));
		// The attack the proofs stop: a last participant that sets τ to one of its own (x) with
		// an accumulator it computed from x, proving some other factor.
		let x = Scalar::from(5u64);
		let mut chosen = Accumulator::new(3);
		let mut altered = contributions[..2].to_vec();
		let record = contribute_secrets(&mut chosen, &altered, x, x, x, &mut rng(9), &|_| {});
		altered.push(record);
		assert!(matches!(verify(&altered, &chosen, &mut rng(1)), Err(Phase1Error::NotProven { index: 2, .. })));
	}

	#[test]
	fn a_tampered_accumulator_or_a_reordered_transcript_is_refused() {
		let (contributions, last) = three_participants(3);
		let mut tampered = last.clone();
		tampered.tau_g1[5] = (tampered.tau_g1[5] * Scalar::from(2u64)).to_affine();
		assert_eq!(verify(&contributions, &tampered, &mut rng(1)), Err(Phase1Error::NotPowers { series: "powers of tau in G1" }));
		let mut tampered = last.clone();
		tampered.tau_g2[3] = G2Affine::generator();
		assert_eq!(verify(&contributions, &tampered, &mut rng(1)), Err(Phase1Error::NotPowers { series: "powers of tau in G2" }));
		let mut tampered = last.clone();
		tampered.beta_g2 = G2Affine::generator();
		assert_eq!(verify(&contributions, &tampered, &mut rng(1)), Err(Phase1Error::NotPowers { series: "beta in G2" }));
		let mut reordered = contributions.clone();
		reordered.swap(0, 1);
		assert_eq!(verify(&reordered, &last, &mut rng(1)), Err(Phase1Error::OutOfOrder { index: 0 }));
		let mut short = last.clone();
		short.alpha_tau_g1.pop();
		assert_eq!(verify(&contributions, &short, &mut rng(1)), Err(Phase1Error::Shape));
	}
}
