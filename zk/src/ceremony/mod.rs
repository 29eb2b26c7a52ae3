//! A Groth16 setup ceremony for the project's circuits over BLS12-381, in which one honest
//! participant suffices (issue 16; docs/PROOFS.md, "Setup ceremony").
//!
//! - [`phase1`]: powers of τ, α and β for a domain size, independent of any circuit. Each
//!   participant multiplies in secrets of its own and proves knowledge of them.
//! - [`circuit`]: one circuit's starting parameters from a phase-1 accumulator, with γ = δ = 1.
//!   Anyone can recompute them.
//! - [`phase2`]: per circuit, each participant multiplies δ by a secret, after Bowe, Gabizon and
//!   Miers (2017), as Zcash ran it for Sapling.
//!
//! Both phases use the same proof of knowledge ([`KnowledgeProof`]) and the same kind of
//! transcript: merlin, domain-separated per phase, binding every earlier contribution.

pub mod circuit;
pub mod format;
pub mod keys;
pub mod phase1;
pub mod phase2;

use bls12_381::hash_to_curve::{ExpandMsgXmd, HashToCurve};
use bls12_381::{pairing, G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::Curve;
use merlin::Transcript;
use rand_core_010::CryptoRng;

/// Hashing to G2 for the proofs of knowledge (RFC 9380, SHA-256, simplified SWU).
const HASH_TO_G2_DST: &[u8] = b"MEDSHARE-CEREMONY-V1_BLS12381G2_XMD:SHA-256_SSWU_RO_";

/// Proof that its author knows the `x` by which it moved a point of G1, bound to the transcript
/// `before` and to a label naming the secret: a random `s`, `s·x`, and `r·x` where
/// `r = H(label, before, s, s·x)` in G2. Without `x`, `r·x` cannot be made for a point `r` fixed
/// only after `s·x` (knowledge-of-exponent in the algebraic group model; BGM17).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnowledgeProof {
	pub s: G1Affine,
	pub s_x: G1Affine,
	pub r_x: G2Affine,
}

/// Bytes of an encoded [`KnowledgeProof`]: three compressed points.
pub const KNOWLEDGE_PROOF_LEN: usize = 48 + 48 + 96;

/// Why a [`KnowledgeProof`] was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofFailure {
	/// A point at infinity where a random point belongs.
	Degenerate,
	/// `s·x` and `r·x` are not `s` and `r` times one secret.
	Knowledge,
	/// The point it accompanies moved by another factor than the proven one.
	Ratio,
}

impl KnowledgeProof {
	/// Proves knowledge of `x` for a contribution after the transcript `before`.
	pub fn prove<R: CryptoRng + ?Sized>(x: Scalar, label: &[u8], before: &[u8; 32], rng: &mut R) -> KnowledgeProof {
		let s = (G1Projective::generator() * Scalar::random(&mut *rng)).to_affine();
		let s_x = (s * x).to_affine();
		let r_x = (r_point(label, before, &s, &s_x) * x).to_affine();
		KnowledgeProof { s, s_x, r_x }
	}

	/// Checks the proof, and that `to` is `from` times the proven secret.
	pub fn check(&self, label: &[u8], before: &[u8; 32], from: &G1Affine, to: &G1Affine) -> Result<(), ProofFailure> {
		if bool::from(self.s.is_identity() | self.s_x.is_identity() | self.r_x.is_identity()) {
			return Err(ProofFailure::Degenerate);
		}
		let r = r_point(label, before, &self.s, &self.s_x);
		if !same_ratio(&self.s, &self.s_x, &r, &self.r_x) {
			return Err(ProofFailure::Knowledge);
		}
		if !same_ratio(from, to, &r, &self.r_x) {
			return Err(ProofFailure::Ratio);
		}
		Ok(())
	}

	/// `s`, `s·x` and `r·x`, compressed.
	pub fn to_bytes(&self) -> [u8; KNOWLEDGE_PROOF_LEN] {
		let mut out = [0u8; KNOWLEDGE_PROOF_LEN];
		out[..48].copy_from_slice(&self.s.to_compressed());
		out[48..96].copy_from_slice(&self.s_x.to_compressed());
		out[96..].copy_from_slice(&self.r_x.to_compressed());
		out
	}

	/// Decodes, refusing points off the curve or outside the prime-order subgroup.
	pub fn from_bytes(bytes: &[u8]) -> Option<KnowledgeProof> {
		if bytes.len() != KNOWLEDGE_PROOF_LEN {
			return None;
		}
		Some(KnowledgeProof { s: decode_g1(&bytes[..48])?, s_x: decode_g1(&bytes[48..96])?, r_x: decode_g2(&bytes[96..])? })
	}
}

/// A compressed G1 point of the subgroup.
pub(crate) fn decode_g1(bytes: &[u8]) -> Option<G1Affine> {
	let bytes: &[u8; 48] = bytes.try_into().ok()?;
	Option::from(G1Affine::from_compressed(bytes))
}

/// A compressed G2 point of the subgroup.
pub(crate) fn decode_g2(bytes: &[u8]) -> Option<G2Affine> {
	let bytes: &[u8; 96] = bytes.try_into().ok()?;
	Option::from(G2Affine::from_compressed(bytes))
}

/// `r`: the label, the transcript digest, `s` and `s·x` hashed to G2.
fn r_point(label: &[u8], before: &[u8; 32], s: &G1Affine, s_x: &G1Affine) -> G2Affine {
	let mut message = Vec::with_capacity(1 + label.len() + 32 + 96);
	// The label's length first, so that no two (label, rest) pairs share an encoding.
	message.push(u8::try_from(label.len()).expect("labels are short"));
	message.extend_from_slice(label);
	message.extend_from_slice(before);
	message.extend_from_slice(&s.to_compressed());
	message.extend_from_slice(&s_x.to_compressed());
	<G2Projective as HashToCurve<ExpandMsgXmd<sha2::Sha256>>>::hash_to_curve([message.as_slice()], HASH_TO_G2_DST).to_affine()
}

/// Whether `b1 / a1` in G1 equals `b2 / a2` in G2: `e(a1, b2) == e(b1, a2)`.
pub(crate) fn same_ratio(a1: &G1Affine, b1: &G1Affine, a2: &G2Affine, b2: &G2Affine) -> bool {
	pairing(a1, b2) == pairing(b1, a2)
}

/// A merlin transcript of one phase: its label, what it starts from, every contribution.
pub(crate) struct Running(Transcript);

impl Running {
	pub(crate) fn new(label: &'static [u8], start: &[u8]) -> Running {
		let mut transcript = Transcript::new(label);
		transcript.append_message(b"start", start);
		Running(transcript)
	}

	/// The digest after everything appended so far.
	pub(crate) fn digest(&self) -> [u8; 32] {
		let mut out = [0u8; 32];
		self.0.clone().challenge_bytes(b"transcript digest", &mut out);
		out
	}

	pub(crate) fn append(&mut self, contribution: &[u8]) {
		self.0.append_message(b"contribution", contribution);
	}
}

/// `points[i] · factors[i]` (or `· factors[0]` for every point when only one is given), on every
/// core, telling `progress` how many points each thread finished.
pub(crate) fn scale_each<P>(points: &[P], factors: &[Scalar], progress: &(dyn Fn(usize) + Sync)) -> Vec<P>
where
	P: group::prime::PrimeCurveAffine<Scalar = Scalar> + Send + Sync,
	P::Curve: Send + group::WnafGroup,
{
	let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
	let chunk = points.len().div_ceil(threads).max(1);
	let mut out = vec![P::identity(); points.len()];
	std::thread::scope(|scope| {
		for (index, (from, to)) in points.chunks(chunk).zip(out.chunks_mut(chunk)).enumerate() {
			scope.spawn(move || {
				// wNAF: the public points and factors need no constant-time multiplication, and it
				// is about twice as fast.
				let mut wnaf = group::Wnaf::new();
				let projective: Vec<P::Curve> = from
					.iter()
					.enumerate()
					.map(|(i, p)| {
						let factor = factors.get(index * chunk + i).or(factors.first()).copied().unwrap_or(Scalar::ONE);
						wnaf.scalar(&factor).base(p.to_curve())
					})
					.collect();
				P::Curve::batch_normalize(&projective, to);
				progress(from.len());
			});
		}
	});
	out
}

/// `Σ ρ_i · points_i`, by bellman's multi-exponentiation (Pippenger) on every core.
pub(crate) fn combine<P>(points: &[P], rho: &[Scalar]) -> P
where
	P: group::prime::PrimeCurveAffine<Scalar = Scalar>,
	P::Curve: group::prime::PrimeCurve,
{
	use bellman::multiexp::{multiexp, Exponent, FullDensity};
	let exponents: Vec<Exponent<Scalar>> = rho.iter().map(Exponent::from).collect();
	let bases = std::sync::Arc::new(points[..rho.len().min(points.len())].to_vec());
	// An error only means no bases; the identity then fails the caller's check.
	multiexp::<FullDensity, _, P::Curve, _>(&bellman::multicore::Worker::new(), (bases, 0), FullDensity, std::sync::Arc::new(exponents))
		.wait()
		.map_or(P::identity(), |sum| sum.to_affine())
}

/// The seed of a public-beacon contribution: SHA-256 of `value` (a public random value fixed
/// after the last participant, such as a named future block's hash), then SHA-256 applied
/// `2^iterations_log2` more times, so that nobody could have ground through candidate values
/// before it was known (Zcash's beacon used 2^42).
pub fn beacon_seed(value: &[u8], iterations_log2: u32) -> [u8; 32] {
	use sha2::Digest;
	let mut seed: [u8; 32] = sha2::Sha256::digest(value).into();
	for _ in 0..1u64 << iterations_log2.min(63) {
		seed = sha2::Sha256::digest(seed).into();
	}
	seed
}

/// The randomness of a beacon contribution, which every verifier recomputes.
pub(crate) fn beacon_rng(seed: [u8; 32]) -> rand_chacha::ChaCha20Rng {
	<rand_chacha::ChaCha20Rng as rand_core_010::SeedableRng>::from_seed(seed)
}

/// Random scalars for a batched check.
pub(crate) fn randomizers<R: CryptoRng + ?Sized>(n: usize, rng: &mut R) -> Vec<Scalar> {
	(0..n).map(|_| Scalar::random(&mut *rng)).collect()
}
