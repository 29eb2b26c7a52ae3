//! Ring-Pedersen parameters on a key's modulus, with Pi^prm (CGGMP figure 17).
//!
//! The key owner draws `t = tau^2 mod N` for a random `tau` and `s = t^lambda mod N` for a
//! random `lambda < phi(N)`. Commitments `s^x t^r mod N` under them are binding for anyone who
//! cannot factor `N` (the other party) and, because `s` lies in `<t>` and `r` ranges far beyond
//! `N`, statistically hiding whatever the owner chose (docs/PROOFS.md). Pi^prm proves
//! `s` in `<t>`: per round the owner sends `A_i = t^a_i`, receives a bit `e_i` and answers
//! `z_i = a_i + e_i lambda mod phi(N)`; the verifier checks `t^z_i = A_i s^e_i mod N`.
//! A cheating owner answers one of the two challenges at most, so 80 rounds leave `2^-80`.
//!
//! Transcript (after the common prefix, protocol `pi-prm`): `s`, `t`, then `A_1..A_80`, then
//! the 80 bits `e_i` drawn with label `e`.

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
use crate::random;
use crate::wire::{EncodedResidue, EncodedRingPedersen};
use crate::{Keypair, PublicKey};

const PROTOCOL: &[u8] = b"pi-prm";

/// Ring-Pedersen parameters `(s, t)` on a key's modulus `N`, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RingPedersen {
	pub(crate) n: BigUint,
	pub(crate) s: BigUint,
	pub(crate) t: BigUint,
}

impl RingPedersen {
	/// The modulus `N`.
	pub fn n(&self) -> &BigUint {
		&self.n
	}

	/// `s = t^lambda mod N`.
	pub fn s(&self) -> &BigUint {
		&self.s
	}

	/// `t`.
	pub fn t(&self) -> &BigUint {
		&self.t
	}

	/// The wire form, `s` and `t` as wide as the key.
	pub fn to_encoded(&self) -> EncodedRingPedersen {
		let width = (self.n.bits() as usize).div_ceil(8);
		EncodedRingPedersen {
			s: EncodedResidue(to_fixed_be(&self.s, width)),
			t: EncodedResidue(to_fixed_be(&self.t, width)),
		}
	}

	/// Parameters from their wire form, checked against the key (lengths, `s` and `t` in
	/// `Z*_N`, `t` not `+-1`) but not proven: only a verified Pi^prm shows `s` in `<t>`.
	pub fn from_encoded(key: &PublicKey, encoded: &EncodedRingPedersen) -> Result<RingPedersen, RingPedersenProofError> {
		let (s, t) = (encoded.s.as_bytes(), encoded.t.as_bytes());
		if s.len() != key.byte_len() || t.len() != key.byte_len() {
			return Err(RingPedersenProofError::WrongParameterLength);
		}
		let n = key.n().clone();
		let (s, t) = (BigUint::from_bytes_be(s), BigUint::from_bytes_be(t));
		let n_minus_1 = &n - 1u32;
		let invertible = |x: &BigUint| x < &n && x.gcd(&n).is_one();
		if !invertible(&s) || !invertible(&t) || t.is_one() || t == n_minus_1 {
			return Err(RingPedersenProofError::DegenerateParameters);
		}
		Ok(RingPedersen { n, s, t })
	}
}

/// Draws ring-Pedersen parameters on `keypair`'s modulus and proves them (Pi^prm) for
/// `context`. The proof is [`ring_pedersen_proof_len`] bytes (40,960 for a 2048-bit key).
pub fn generate<R: CryptoRng + ?Sized>(
	keypair: &Keypair,
	context: &ProofContext,
	rng: &mut R,
) -> Result<(RingPedersen, Vec<u8>), ProveError> {
	// Only a key that can also prove Pi^mod is worth parameters.
	if !keypair.is_blum() {
		return Err(ProveError::NotBlum);
	}
	let n_limbs = modulus_limbs(keypair);
	let n = to_biguint(&n_limbs);
	let ctx = Mont::new_public(&n).ok_or(ProveError::NotBlum)?;
	let phi = keypair.phi();
	let width = keypair.public().byte_len();
	let (t, lambda, params) = loop {
		let tau = random::nonzero_below(rng, &n_limbs);
		let t = ctx.mul_mod(&tau, &tau);
		let lambda = random::below(rng, &phi);
		let s = ctx.pow(&t, &lambda);
		let candidate = RingPedersen { n: n.clone(), s: to_biguint(&s), t: to_biguint(&t) };
		// Degenerate draws (t = 1, or a factor of N hit) have probability about 2^-1000.
		if RingPedersen::from_encoded(keypair.public(), &candidate.to_encoded()).is_ok() {
			break (t, lambda, candidate);
		}
	};
	let masks: Vec<_> = (0..KEY_PROOF_ROUNDS).map(|_| random::below(rng, &phi)).collect();
	let powers = FixedBase::new(&ctx, &t, phi.len() * 64);
	let commitments: Vec<BigUint> = masks.par_iter().map(|a| to_biguint(&powers.pow(a))).collect();
	let challenges = challenges(context, &keypair.public().to_bytes(), &params, &commitments);
	let mut proof = Vec::with_capacity(ring_pedersen_proof_len(width));
	for commitment in &commitments {
		proof.extend_from_slice(&to_fixed_be(commitment, width));
	}
	for (a, &e) in masks.iter().zip(&challenges) {
		let z = if e { add_mod(a, &lambda, &phi) } else { a.clone() };
		proof.extend_from_slice(&to_fixed_be(&to_biguint(&z), width));
	}
	Ok((params, proof))
}

/// The challenge bits for parameters `params` and commitments `A_i`.
pub(crate) fn challenges(context: &ProofContext, modulus: &[u8], params: &RingPedersen, commitments: &[BigUint]) -> Vec<bool> {
	let width = modulus.len();
	let mut transcript = KeyProofTranscript::new(PROTOCOL, context, modulus);
	transcript.append(b"s", &to_fixed_be(&params.s, width));
	transcript.append(b"t", &to_fixed_be(&params.t, width));
	for commitment in commitments {
		transcript.append(b"A", &to_fixed_be(commitment, width));
	}
	transcript.challenge_bits(b"e", KEY_PROOF_ROUNDS)
}

/// Verifies ring-Pedersen parameters `s`, `t` on the key `modulus` and their proof under
/// `context`: the host function's body. Never panics.
pub fn verify(context: &ProofContext, modulus: &[u8], s: &[u8], t: &[u8], proof: &[u8]) -> Result<(), RingPedersenProofError> {
	let key = PublicKey::from_bytes(modulus).map_err(|_| RingPedersenProofError::MalformedInput)?;
	let encoded = EncodedRingPedersen {
		s: EncodedResidue::new(s.to_vec()).map_err(|_| RingPedersenProofError::WrongParameterLength)?,
		t: EncodedResidue::new(t.to_vec()).map_err(|_| RingPedersenProofError::WrongParameterLength)?,
	};
	let params = RingPedersen::from_encoded(&key, &encoded)?;
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
	// One table of powers of t serves all 80 exponentiations (docs/PROOFS.md, performance).
	let powers = FixedBase::new(&ctx, &t, limbs * 64);
	for ((commitment, response), &e) in commitments.iter().zip(responses).zip(&challenges) {
		let z = limbs_of(response, limbs).ok_or(RingPedersenProofError::NonCanonical)?;
		let lhs = to_biguint(&powers.pow(&z));
		let rhs = if e { (commitment * &params.s) % n } else { commitment.clone() };
		if lhs != rhs {
			return Err(RingPedersenProofError::Mismatch);
		}
	}
	Ok(())
}
