//! Phase 2 of a Groth16 setup ceremony for one circuit, after Bowe, Gabizon and Miers (2017), as
//! Zcash ran it for Sapling (docs/PROOFS.md, "Setup ceremony").
//!
//! Groth16's circuit-specific trapdoor is δ: whoever knows it can forge proofs. In phase 2 each
//! participant in turn picks a secret `d`. It multiplies δ by `d` (in the verifying key, in G1
//! and G2) and divides the H and L queries, the only elements that carry 1/δ, by `d`. It also
//! publishes a proof of knowledge of `d` that is bound to the transcript before it. The final δ
//! is the product of every participant's `d` times the starting one, so it stays unknown if one
//! participant destroyed its `d`.
//!
//! `base` is the circuit's parameters from the phase-1 output ([`super::circuit::parameters`]),
//! which a verifier recomputes. It then checks that the contributions lead from `base` to the
//! final parameters, and that everything but δ, H and L is `base`'s.

use std::sync::Arc;

use bls12_381::{pairing, G1Affine, Scalar};
use ff::Field;
use group::Curve;
use rand_core_010::CryptoRng;

use super::{combine, decode_g1, randomizers, same_ratio, scale_each, KnowledgeProof, ProofFailure, Running, KNOWLEDGE_PROOF_LEN};
use crate::setup::Parameters;

/// Domain separation of the phase-2 transcript and of its proofs' secret.
const TRANSCRIPT_LABEL: &[u8] = b"medshare-ceremony-phase2-v1";
const DELTA: &[u8] = b"delta";

/// One participant's public record: the δ it left, and its proof of knowledge of `d`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
	/// The transcript digest this contribution starts from (the base and every contribution
	/// before it); the proof of knowledge is bound to it.
	pub before: [u8; 32],
	/// δ·G1 after this contribution.
	pub delta_g1: G1Affine,
	/// Knowledge of `d`, the factor between the δ before and `delta_g1`.
	pub proof: KnowledgeProof,
}

/// Bytes of an encoded [`Contribution`]: the digest, then compressed points.
pub const CONTRIBUTION_LEN: usize = 32 + 48 + KNOWLEDGE_PROOF_LEN;

/// Why a phase-2 transcript was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CeremonyError {
	/// A parameter element other than δ, H and L differs from the base's (a phase 2 built on
	/// other parameters, or an element changed).
	NotFromBase { element: &'static str },
	/// Contribution `index` starts from another transcript than the one before it (reordered,
	/// dropped or inserted contributions).
	OutOfOrder { index: usize },
	/// Contribution `index` has a point at infinity where a random point belongs.
	Degenerate { index: usize },
	/// Contribution `index` does not prove knowledge of its multiplier (skipped, replayed or
	/// forged).
	ProofOfKnowledge { index: usize },
	/// Contribution `index`'s δ is not the one before it times the multiplier it proved.
	DeltaNotProven { index: usize },
	/// The final parameters' δ in G1 is not the last contribution's.
	FinalDelta,
	/// The final parameters' δ in G2 is not their δ in G1.
	DeltaG2,
	/// The H query was not divided by exactly the δ multiplier.
	HQuery,
	/// The L query was not divided by exactly the δ multiplier.
	LQuery,
	/// A contribution's bytes do not decode.
	Encoding(&'static str),
}

impl core::fmt::Display for CeremonyError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			CeremonyError::NotFromBase { element } => write!(f, "the parameters' {element} is not the base parameters' (a phase 2 built on other parameters?)"),
			CeremonyError::OutOfOrder { index } => write!(f, "contribution {index} does not follow the transcript before it (reordered, dropped or inserted contributions)"),
			CeremonyError::Degenerate { index } => write!(f, "contribution {index} has a point at infinity in its proof of knowledge"),
			CeremonyError::ProofOfKnowledge { index } => write!(f, "contribution {index} does not prove knowledge of its multiplier"),
			CeremonyError::DeltaNotProven { index } => write!(f, "contribution {index} changed delta by another factor than the one it proved"),
			CeremonyError::FinalDelta => write!(f, "the final delta in G1 is not the last contribution's"),
			CeremonyError::DeltaG2 => write!(f, "the final delta in G2 does not match delta in G1"),
			CeremonyError::HQuery => write!(f, "the H query was not divided by the contributions' multipliers"),
			CeremonyError::LQuery => write!(f, "the L query was not divided by the contributions' multipliers"),
			CeremonyError::Encoding(what) => write!(f, "a contribution does not decode: {what}"),
		}
	}
}

impl std::error::Error for CeremonyError {}

impl Contribution {
	/// The digest, `delta_g1` compressed, then the proof.
	pub fn to_bytes(&self) -> [u8; CONTRIBUTION_LEN] {
		let mut out = [0u8; CONTRIBUTION_LEN];
		out[..32].copy_from_slice(&self.before);
		out[32..80].copy_from_slice(&self.delta_g1.to_compressed());
		out[80..].copy_from_slice(&self.proof.to_bytes());
		out
	}

	/// Decodes, refusing points off the curve or outside the prime-order subgroup.
	pub fn from_bytes(bytes: &[u8]) -> Result<Contribution, CeremonyError> {
		if bytes.len() != CONTRIBUTION_LEN {
			return Err(CeremonyError::Encoding("wrong length"));
		}
		Ok(Contribution {
			before: bytes[..32].try_into().map_err(|_| CeremonyError::Encoding("digest"))?,
			delta_g1: decode_g1(&bytes[32..80]).ok_or(CeremonyError::Encoding("delta is not a G1 point of the subgroup"))?,
			proof: KnowledgeProof::from_bytes(&bytes[80..]).ok_or(CeremonyError::Encoding("the proof's points are not in the subgroups"))?,
		})
	}
}

/// BLAKE2s-256 of the parameters in bellman's format: names the base of a transcript.
pub fn parameters_digest(params: &Parameters) -> [u8; 32] {
	let mut bytes = Vec::new();
	params.write(&mut bytes).expect("writing to a Vec cannot fail");
	let mut state = blake2s_simd::Params::new();
	state.personal(b"MedShCer");
	*state.to_state().update(&bytes).finalize().as_array()
}

/// The digest a contribution after `contributions` starts from; after all of them, the digest
/// of the whole transcript (what a chain records with the verifying key).
pub fn transcript_digest(base: &[u8; 32], contributions: &[Contribution]) -> [u8; 32] {
	let mut running = Running::new(TRANSCRIPT_LABEL, base);
	contributions.iter().for_each(|c| running.append(&c.to_bytes()));
	running.digest()
}

/// Adds a contribution to `params`: a fresh secret `d` from `rng` multiplies δ and divides the
/// H and L queries; returns the public record. `d` is dropped when this returns. `progress`
/// hears how many query points are done, of `h.len() + l.len()`.
pub fn contribute<R: CryptoRng + ?Sized>(
	params: &mut Parameters,
	base: &[u8; 32],
	previous: &[Contribution],
	rng: &mut R,
	progress: &(dyn Fn(usize) + Sync),
) -> Contribution {
	let d = nonzero(rng);
	let before = transcript_digest(base, previous);
	let proof = KnowledgeProof::prove(d, DELTA, &before, rng);
	let d_inverse = d.invert().expect("d is not zero");
	params.vk.delta_g1 = (params.vk.delta_g1 * d).to_affine();
	params.vk.delta_g2 = (params.vk.delta_g2 * d).to_affine();
	params.h = Arc::new(scale_each(&params.h, &[d_inverse], progress));
	params.l = Arc::new(scale_each(&params.l, &[d_inverse], progress));
	Contribution { before, delta_g1: params.vk.delta_g1, proof }
}

fn nonzero<R: CryptoRng + ?Sized>(rng: &mut R) -> Scalar {
	loop {
		let d = Scalar::random(&mut *rng);
		if !bool::from(d.is_zero()) {
			return d;
		}
	}
}

/// Adds the final public-beacon contribution: [`contribute`] with randomness anyone can
/// recompute from `seed` ([`super::beacon_seed`]).
pub fn beacon(
	params: &mut Parameters,
	base: &[u8; 32],
	previous: &[Contribution],
	seed: [u8; 32],
	progress: &(dyn Fn(usize) + Sync),
) -> Contribution {
	contribute(params, base, previous, &mut super::beacon_rng(seed), progress)
}

/// Whether the last of `contributions` is the beacon contribution of `seed`: its δ is the one
/// before it (`base_delta` before the first) times the beacon's secret. Checks only that;
/// [`verify`] checks the rest.
pub fn is_beacon(base_delta: &G1Affine, contributions: &[Contribution], seed: [u8; 32]) -> bool {
	let Some((last, earlier)) = contributions.split_last() else { return false };
	let before = earlier.last().map_or(*base_delta, |c| c.delta_g1);
	(before * nonzero(&mut super::beacon_rng(seed))).to_affine() == last.delta_g1
}

/// Checks that `contributions` lead from `base` to `last`: every contribution follows the
/// transcript before it and proves knowledge of the multiplier by which it changed δ; `last`'s
/// δ is the last contribution's in G1 and G2; its H and L queries are `base`'s divided by the
/// same product (checked on a random linear combination, so one wrong point is caught but
/// with probability 1/r); every other element is `base`'s. Returns the transcript digest.
pub fn verify<R: CryptoRng + ?Sized>(
	base: &Parameters,
	contributions: &[Contribution],
	last: &Parameters,
	rng: &mut R,
) -> Result<[u8; 32], CeremonyError> {
	let (b, l) = (&base.vk, &last.vk);
	let same = [
		("alpha_g1", b.alpha_g1 == l.alpha_g1),
		("beta_g1", b.beta_g1 == l.beta_g1),
		("beta_g2", b.beta_g2 == l.beta_g2),
		("gamma_g2", b.gamma_g2 == l.gamma_g2),
		("IC query", b.ic == l.ic),
		("A query", base.a == last.a),
		("B query in G1", base.b_g1 == last.b_g1),
		("B query in G2", base.b_g2 == last.b_g2),
		("H query length", base.h.len() == last.h.len()),
		("L query length", base.l.len() == last.l.len()),
	];
	if let Some((element, _)) = same.iter().find(|(_, equal)| !equal) {
		return Err(CeremonyError::NotFromBase { element });
	}

	let mut running = Running::new(TRANSCRIPT_LABEL, &parameters_digest(base));
	let mut delta = b.delta_g1;
	for (index, c) in contributions.iter().enumerate() {
		if c.before != running.digest() {
			return Err(CeremonyError::OutOfOrder { index });
		}
		c.proof.check(DELTA, &c.before, &delta, &c.delta_g1).map_err(|failure| match failure {
			ProofFailure::Degenerate => CeremonyError::Degenerate { index },
			ProofFailure::Knowledge => CeremonyError::ProofOfKnowledge { index },
			ProofFailure::Ratio => CeremonyError::DeltaNotProven { index },
		})?;
		delta = c.delta_g1;
		running.append(&c.to_bytes());
	}
	if l.delta_g1 != delta {
		return Err(CeremonyError::FinalDelta);
	}
	// bellman draws its own generators, so β (unchanged, in both groups) is the common ratio.
	if !same_ratio(&l.beta_g1, &l.delta_g1, &l.beta_g2, &l.delta_g2) {
		return Err(CeremonyError::DeltaG2);
	}
	// H and L times δ are unchanged: e(Σρ·H', δ') == e(Σρ·H, δ).
	for (before, after, error) in [(&base.h, &last.h, CeremonyError::HQuery), (&base.l, &last.l, CeremonyError::LQuery)] {
		let rho = randomizers(before.len(), rng);
		if pairing(&combine(after, &rho), &l.delta_g2) != pairing(&combine(before, &rho), &b.delta_g2) {
			return Err(error);
		}
	}
	Ok(running.digest())
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use bellman::{Circuit, ConstraintSystem, SynthesisError};
	use bls12_381::{G1Projective, G2Affine};
	use rand_chacha::ChaCha20Rng;
	use rand_core_010::SeedableRng;

	/// `x³ + x + 5 = y` with `y` public: small, but every query of a real circuit is there.
	#[derive(Clone, Copy)]
	pub(crate) struct Cubic(pub(crate) Option<Scalar>);

	impl Circuit<Scalar> for Cubic {
		fn synthesize<CS: ConstraintSystem<Scalar>>(self, cs: &mut CS) -> Result<(), SynthesisError> {
			let x_value = self.0;
			let x = cs.alloc(|| "x", || x_value.ok_or(SynthesisError::AssignmentMissing))?;
			let x2_value = x_value.map(|x| x.square());
			let x2 = cs.alloc(|| "x^2", || x2_value.ok_or(SynthesisError::AssignmentMissing))?;
			cs.enforce(|| "x*x", |lc| lc + x, |lc| lc + x, |lc| lc + x2);
			let x3_value = x2_value.zip(x_value).map(|(a, b)| a * b);
			let x3 = cs.alloc(|| "x^3", || x3_value.ok_or(SynthesisError::AssignmentMissing))?;
			cs.enforce(|| "x^2*x", |lc| lc + x2, |lc| lc + x, |lc| lc + x3);
			let y = cs.alloc_input(|| "y", || x3_value.zip(x_value).map(|(a, b)| a + b + Scalar::from(5)).ok_or(SynthesisError::AssignmentMissing))?;
			cs.enforce(|| "y", |lc| lc + x3 + x + (Scalar::from(5), CS::one()), |lc| lc + CS::one(), |lc| lc + y);
			Ok(())
		}
	}

	fn rng(seed: u8) -> ChaCha20Rng {
		ChaCha20Rng::from_seed([seed; 32])
	}

	/// The circuit's parameters from a phase 1 of one participant seeded by `seed`.
	fn base(seed: u8) -> Parameters {
		let mut accumulator = super::super::phase1::Accumulator::new(3);
		super::super::phase1::contribute(&mut accumulator, &[], &mut rng(seed), &|_| {});
		super::super::circuit::parameters(Cubic(None), &accumulator).expect("parameters")
	}

	/// The base and three contributions on it.
	fn ceremony() -> (Parameters, Vec<Contribution>, Parameters) {
		let start = base(1);
		let digest = parameters_digest(&start);
		let mut params = start.clone();
		let mut contributions = Vec::new();
		for participant in 0..3u8 {
			let record = contribute(&mut params, &digest, &contributions, &mut rng(10 + participant), &|_| {});
			contributions.push(record);
		}
		(start, contributions, params)
	}

	fn proves(params: &Parameters, verifying: &Parameters) -> bool {
		let x = Scalar::from(3);
		let y = x * x * x + x + Scalar::from(5);
		let proof = groth16::create_random_proof(Cubic(Some(x)), params, &mut rng(99)).expect("a proof");
		groth16::verify_proof(&groth16::prepare_verifying_key(&verifying.vk), &proof, &[y]).is_ok()
	}

	#[test]
	fn three_participants_make_parameters_that_prove_and_verify() {
		let (start, contributions, last) = ceremony();
		let digest = verify(&start, &contributions, &last, &mut rng(50)).expect("the transcript verifies");
		assert_eq!(digest, transcript_digest(&parameters_digest(&start), &contributions));
		assert_ne!(last.vk.delta_g1, start.vk.delta_g1);
		assert!(proves(&last, &last), "the ceremony's parameters prove");
		assert!(!proves(&start, &last), "the base's proofs do not verify under the ceremony's key");
		for c in &contributions {
			assert_eq!(Contribution::from_bytes(&c.to_bytes()), Ok(c.clone()));
		}
	}

	#[test]
	fn a_beacon_contribution_is_recomputed_from_its_seed() {
		let (start, mut contributions, mut last) = ceremony();
		let seed = crate::ceremony::beacon_seed(b"block 0xabc", 3);
		let digest = parameters_digest(&start);
		let before_beacon = last.clone();
		contributions.push(beacon(&mut last, &digest, &contributions, seed, &|_| {}));
		assert!(verify(&start, &contributions, &last, &mut rng(50)).is_ok());
		assert!(is_beacon(&start.vk.delta_g1, &contributions, seed));
		assert!(!is_beacon(&start.vk.delta_g1, &contributions, crate::ceremony::beacon_seed(b"block 0xabc", 2)));
		// A last participant's own secret in the beacon's place.
		contributions.pop();
		let mut own = before_beacon;
		contributions.push(contribute(&mut own, &digest, &contributions.clone(), &mut rng(77), &|_| {}));
		assert!(!is_beacon(&start.vk.delta_g1, &contributions, seed));
	}

	#[test]
	fn a_replayed_or_skipped_proof_of_knowledge_is_refused() {
		let (start, mut contributions, last) = ceremony();
		// The third participant replays the second's proof, bound to the transcript before it.
		let honest = contributions[2].clone();
		contributions[2] = Contribution { proof: contributions[1].proof, ..honest.clone() };
		assert_eq!(verify(&start, &contributions, &last, &mut rng(50)), Err(CeremonyError::ProofOfKnowledge { index: 2 }));
		// Or proves nothing: r·d is not r times the multiplier of s.
		contributions[2] = Contribution { proof: KnowledgeProof { r_x: G2Affine::generator(), ..honest.proof }, ..honest.clone() };
		assert_eq!(verify(&start, &contributions, &last, &mut rng(50)), Err(CeremonyError::ProofOfKnowledge { index: 2 }));
		contributions[2] = Contribution { proof: KnowledgeProof { s: G1Affine::identity(), s_x: G1Affine::identity(), ..honest.proof }, ..honest };
		assert_eq!(verify(&start, &contributions, &last, &mut rng(50)), Err(CeremonyError::Degenerate { index: 2 }));
	}

	#[test]
	fn a_last_participant_cannot_set_a_delta_it_knows() {
		// The attack the proof of knowledge stops: the last participant replaces δ by x·G for an
		// x of its own (so it could forge proofs), with a valid proof for some other multiplier.
		let (start, mut contributions, mut last) = ceremony();
		let x = Scalar::from(7u64);
		let chosen = Contribution {
			delta_g1: (G1Affine::generator() * x).to_affine(),
			..contribute(&mut last.clone(), &parameters_digest(&start), &contributions[..2], &mut rng(77), &|_| {})
		};
		contributions[2] = chosen;
		last.vk.delta_g1 = (G1Affine::generator() * x).to_affine();
		last.vk.delta_g2 = (G2Affine::generator() * x).to_affine();
		assert_eq!(verify(&start, &contributions, &last, &mut rng(50)), Err(CeremonyError::DeltaNotProven { index: 2 }));
	}

	#[test]
	fn tampered_elements_are_refused() {
		let (start, contributions, last) = ceremony();
		let with = |change: &dyn Fn(&mut Parameters)| {
			let mut altered = last.clone();
			change(&mut altered);
			verify(&start, &contributions, &altered, &mut rng(50))
		};
		let shift = |p: &G1Affine| (G1Projective::from(p) + G1Projective::generator()).to_affine();
		assert_eq!(with(&|p| p.l = Arc::new([vec![shift(&p.l[0])], p.l[1..].to_vec()].concat())), Err(CeremonyError::LQuery));
		assert_eq!(with(&|p| p.h = Arc::new([vec![shift(&p.h[0])], p.h[1..].to_vec()].concat())), Err(CeremonyError::HQuery));
		assert_eq!(with(&|p| p.vk.alpha_g1 = shift(&p.vk.alpha_g1)), Err(CeremonyError::NotFromBase { element: "alpha_g1" }));
		assert_eq!(with(&|p| p.vk.ic[0] = shift(&p.vk.ic[0])), Err(CeremonyError::NotFromBase { element: "IC query" }));
		assert_eq!(with(&|p| p.vk.delta_g2 = G2Affine::generator()), Err(CeremonyError::DeltaG2));
		assert_eq!(with(&|p| p.vk.delta_g1 = shift(&p.vk.delta_g1)), Err(CeremonyError::FinalDelta));
		let mut bytes = contributions[0].to_bytes();
		bytes[40] ^= 1;
		assert!(matches!(Contribution::from_bytes(&bytes), Err(CeremonyError::Encoding(_))));
	}

	#[test]
	fn a_reordered_transcript_or_another_base_is_refused() {
		let (start, contributions, last) = ceremony();
		let mut reordered = contributions.clone();
		reordered.swap(1, 2);
		assert_eq!(verify(&start, &reordered, &last, &mut rng(50)), Err(CeremonyError::OutOfOrder { index: 1 }));
		assert_eq!(verify(&start, &contributions[1..], &last, &mut rng(50)), Err(CeremonyError::OutOfOrder { index: 0 }));
		// A phase 2 built on another phase 1.
		let other = base(2);
		assert_eq!(verify(&other, &contributions, &last, &mut rng(50)), Err(CeremonyError::NotFromBase { element: "alpha_g1" }));
	}
}
