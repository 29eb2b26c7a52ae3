//! Ring-Pedersen parameters `(N, t, s_1..s_B)` on a key's modulus, with a batched Pi^prm
//! (CGGMP figure 17, one proof for all bases). Pi^cmp (docs/PROOFS.md) commits every blinding
//! factor and every constant of one output ciphertext in one element
//! `prod_b s_b^x_b t^mu mod N` under the holder's parameters, so a key carries
//! [`cmp_ring_pedersen_bases`] bases (16 for 2048 bits, 32 for 4096).
//!
//! The key owner (the verifier of proofs made under its parameters) draws `t = tau^2 mod N` and
//! `s_b = t^lambda_b mod N` for random `lambda_b < phi(N)`. Anyone who cannot factor `N` (the
//! institution) cannot open such a commitment two ways (strong RSA; Damgard-Fujisaki), and
//! because every `s_b` lies in `<t>` and `mu` ranges far beyond `N` the commitment hides the
//! exponents statistically, whatever the owner chose.
//!
//! The batched Pi^prm shows every `s_b` in `<t>` at once: per round the owner sends
//! `A = t^a`, receives a challenge vector `e` in `{0,1}^B` and answers
//! `z = a + sum_b e_b lambda_b mod phi(N)`; the verifier checks `t^z = A prod_b s_b^e_b`.
//! If some `s_b` is not in `<t>`, two challenge vectors that differ only in `e_b` cannot both be
//! answered, so at most half of the challenges can: 80 rounds leave `2^-80`, with the proof
//! exactly as long as Pi^prm for one base.
//!
//! Transcript (after the common prefix of the key proofs, protocol `pi-prm`): `t`, the base
//! count, every `s_b`, then every `A_i`, then `80 B` challenge bits with label `e`.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::One;
use rand_core_010::CryptoRng;
use rayon::prelude::*;

use super::transcript::KeyProofTranscript;
use super::{ring_pedersen_proof_len, ProofContext, ProveError, RingPedersenProofError, KEY_PROOF_ROUNDS};
use crate::ciphertext::to_fixed_be;
use crate::keypair::{add_mod, modulus_limbs};
use crate::mont::{limbs_of, to_biguint, FixedBase, Mont};
use crate::layout::cmp_ring_pedersen_bases;
use crate::random;
use crate::wire::{EncodedBases, EncodedResidue, EncodedRingPedersen};
use crate::{Keypair, PublicKey};

const PROTOCOL: &[u8] = b"pi-prm";

/// Ring-Pedersen parameters on a key's modulus, validated (not necessarily proven).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RingPedersen {
	pub(crate) n: BigUint,
	pub(crate) t: BigUint,
	pub(crate) s: Vec<BigUint>,
}

impl RingPedersen {
	/// The modulus `N`.
	pub fn n(&self) -> &BigUint {
		&self.n
	}

	/// `t`.
	pub fn t(&self) -> &BigUint {
		&self.t
	}

	/// `s_1..s_B`, each `t^lambda_b mod N`.
	pub fn s(&self) -> &[BigUint] {
		&self.s
	}

	/// The wire form: every `s_b`, then `t`, each as wide as the key.
	pub fn to_encoded(&self) -> EncodedRingPedersen {
		let width = (self.n.bits() as usize).div_ceil(8);
		let s: Vec<u8> = self.s.iter().flat_map(|s| to_fixed_be(s, width)).collect();
		EncodedRingPedersen { s: EncodedBases(s), t: EncodedResidue(to_fixed_be(&self.t, width)) }
	}

	/// Parameters from their wire form, checked against the key: [`cmp_ring_pedersen_bases`]
	/// bases, each as wide as the key, every element in `Z*_N`, `t` not `+-1`. Only a verified
	/// Pi^prm shows the `s_b` in `<t>`.
	pub fn from_encoded(key: &PublicKey, encoded: &EncodedRingPedersen) -> Result<RingPedersen, RingPedersenProofError> {
		RingPedersen::from_bytes(key, encoded.s.as_bytes(), encoded.t.as_bytes())
	}

	pub(crate) fn from_bytes(key: &PublicKey, s: &[u8], t: &[u8]) -> Result<RingPedersen, RingPedersenProofError> {
		let width = key.byte_len();
		let bases = cmp_ring_pedersen_bases(key.modulus_bits()) as usize;
		if s.len() != width * bases || t.len() != width {
			return Err(RingPedersenProofError::WrongParameterLength);
		}
		let n = key.n().clone();
		let t = BigUint::from_bytes_be(t);
		let s: Vec<BigUint> = s.chunks_exact(width).map(BigUint::from_bytes_be).collect();
		let invertible = |x: &BigUint| x < &n && x.gcd(&n).is_one();
		if !invertible(&t) || t.is_one() || t == &n - 1u32 || !s.iter().all(invertible) {
			return Err(RingPedersenProofError::DegenerateParameters);
		}
		Ok(RingPedersen { n, t, s })
	}
}

/// Draws ring-Pedersen parameters ([`cmp_ring_pedersen_bases`] bases) on `keypair`'s modulus
/// and proves them (Pi^prm) for `context`. The proof is [`ring_pedersen_proof_len`] bytes
/// (40,960 for a 2048-bit key), as for one base.
pub fn generate<R: CryptoRng + ?Sized>(
	keypair: &Keypair,
	context: &ProofContext,
	rng: &mut R,
) -> Result<(RingPedersen, Vec<u8>), ProveError> {
	let bases = cmp_ring_pedersen_bases(keypair.public().modulus_bits()) as usize;
	if !keypair.is_blum() {
		return Err(ProveError::NotBlum);
	}
	let n_limbs = modulus_limbs(keypair);
	let n = to_biguint(&n_limbs);
	let ctx = Mont::new_public(&n).ok_or(ProveError::NotBlum)?;
	let phi = keypair.phi();
	let width = keypair.public().byte_len();
	let (params, lambdas) = loop {
		let tau = random::nonzero_below(rng, &n_limbs);
		let t = ctx.mul_mod(&tau, &tau);
		let powers = FixedBase::new(&ctx, &t, phi.len() * 64);
		let lambdas: Vec<_> = (0..bases).map(|_| random::below(rng, &phi)).collect();
		let s = lambdas.iter().map(|l| to_biguint(&powers.pow(l))).collect();
		let candidate = RingPedersen { n: n.clone(), t: to_biguint(&t), s };
		// Degenerate draws (t = 1, or a factor of N hit) have probability about 2^-1000.
		if RingPedersen::from_encoded(keypair.public(), &candidate.to_encoded()).is_ok() {
			break (candidate, lambdas);
		}
	};
	let t = limbs_of(&params.t, ctx.len()).ok_or(ProveError::NotBlum)?;
	let powers = FixedBase::new(&ctx, &t, phi.len() * 64);
	let masks: Vec<_> = (0..KEY_PROOF_ROUNDS).map(|_| random::below(rng, &phi)).collect();
	let commitments: Vec<BigUint> = masks.par_iter().map(|a| to_biguint(&powers.pow(a))).collect();
	let challenges = challenges(context, &keypair.public().to_bytes(), &params, &commitments);
	let mut proof = Vec::with_capacity(ring_pedersen_proof_len(width));
	for commitment in &commitments {
		proof.extend_from_slice(&to_fixed_be(commitment, width));
	}
	for (a, round) in masks.iter().zip(challenges.chunks_exact(bases.max(1))) {
		let mut z = a.clone();
		for (lambda, _) in lambdas.iter().zip(round).filter(|(_, &e)| e) {
			z = add_mod(&z, lambda, &phi);
		}
		proof.extend_from_slice(&to_fixed_be(&to_biguint(&z), width));
	}
	Ok((params, proof))
}

/// The challenge bits, `B` per round, round after round.
pub(crate) fn challenges(context: &ProofContext, modulus: &[u8], params: &RingPedersen, commitments: &[BigUint]) -> Vec<bool> {
	let width = modulus.len();
	let mut transcript = KeyProofTranscript::new(PROTOCOL, context, modulus);
	transcript.append(b"t", &to_fixed_be(&params.t, width));
	transcript.append(b"bases", &(params.s.len() as u32).to_le_bytes());
	for s in &params.s {
		transcript.append(b"s", &to_fixed_be(s, width));
	}
	for commitment in commitments {
		transcript.append(b"A", &to_fixed_be(commitment, width));
	}
	transcript.challenge_bits(b"e", KEY_PROOF_ROUNDS * params.s.len())
}

/// Verifies ring-Pedersen parameters (every `s_b` concatenated in `s`, and `t`) on the key
/// `modulus` and their proof (Pi^prm) under `context`: the host function's body. Never panics.
pub fn verify(context: &ProofContext, modulus: &[u8], s: &[u8], t: &[u8], proof: &[u8]) -> Result<(), RingPedersenProofError> {
	let key = PublicKey::from_bytes(modulus).map_err(|_| RingPedersenProofError::MalformedInput)?;
	let params = RingPedersen::from_bytes(&key, s, t)?;
	let bases = params.s.len();
	let width = key.byte_len();
	if proof.len() != ring_pedersen_proof_len(width) {
		return Err(RingPedersenProofError::WrongLength);
	}
	let n = key.n();
	let elements: Vec<BigUint> = proof.chunks_exact(width).map(BigUint::from_bytes_be).collect();
	if elements.iter().any(|x| x >= n) {
		return Err(RingPedersenProofError::NonCanonical);
	}
	let (commitments, responses) = elements.split_at(KEY_PROOF_ROUNDS);
	let challenges = challenges(context, modulus, &params, commitments);
	let ctx = Mont::new_public(n).ok_or(RingPedersenProofError::MalformedInput)?;
	let limbs = ctx.len();
	let t = limbs_of(&params.t, limbs).ok_or(RingPedersenProofError::MalformedInput)?;
	let powers = FixedBase::new(&ctx, &t, limbs * 64);
	for ((commitment, response), round) in commitments.iter().zip(responses).zip(challenges.chunks_exact(bases)) {
		let z = limbs_of(response, limbs).ok_or(RingPedersenProofError::NonCanonical)?;
		let lhs = to_biguint(&powers.pow(&z));
		let rhs = params.s.iter().zip(round).filter(|(_, &e)| e).fold(commitment.clone(), |acc, (s, _)| acc * s % n);
		if lhs != rhs {
			return Err(RingPedersenProofError::Mismatch);
		}
	}
	Ok(())
}

