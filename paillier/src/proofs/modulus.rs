//! Pi^mod: the key's modulus `N` is a Paillier-Blum modulus (CGGMP figure 16).
//!
//! The prover sends `w` in `Z*_N` with Jacobi symbol `-1`. For each challenge `y_i` in `Z_N`
//! it answers `z_i = y_i^(N^-1 mod phi(N))` and `x_i`, a fourth root of `(-1)^a_i w^b_i y_i`
//! for the one choice of bits that makes that a square. The verifier checks that `N` is odd
//! and composite, `z_i^N = y_i` and `x_i^4 = (-1)^a_i w^b_i y_i` modulo `N`. An `N` that is
//! not a product of two primes `3 mod 4` with `gcd(N, phi(N)) = 1` passes a round with
//! probability at most 1/2 (docs/PROOFS.md).
//!
//! Only the first [`NTH_ROOT_ROUNDS`] rounds carry `z_i`: with no prime factor of `N` below
//! 10,000, seven `N`-th roots already bound that part's error by `2^-93` (see the constant).
//!
//! Transcript (after the common prefix of [`super::transcript`], protocol `pi-mod`): `w`
//! (`|N|/8` bytes), then `y_1..y_80` drawn in order with label `y`.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};

use rand_core_010::CryptoRng;
use rayon::prelude::*;

use super::transcript::KeyProofTranscript;
use super::{
	modulus_proof_len, ModulusProofError, ProofContext, ProveError, KEY_PROOF_ROUNDS, MODULUS_PROOF_BIT_BYTES, NTH_ROOT_ROUNDS,
};
use crate::ciphertext::to_fixed_be;
use crate::keypair::{modulus_limbs, BlumProver};
use crate::mont::{limbs_of, to_biguint, Mont};
use crate::{Keypair, PublicKey};

const PROTOCOL: &[u8] = b"pi-mod";

/// One answered round, in public form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
	/// A fourth root of `(-1)^a w^b y` modulo `N`.
	pub x: BigUint,
	/// Whether `y` was negated.
	pub a: bool,
	/// Whether `y` was multiplied by `w`.
	pub b: bool,
	/// The `N`-th root of `y` modulo `N`, in the first [`NTH_ROOT_ROUNDS`] rounds.
	pub z: Option<BigUint>,
}

/// The interactive protocol, with the verifier's challenges given explicitly: what
/// [`prove`] and [`verify`] run after deriving the challenges from the transcript, exposed so
/// that other implementations (CGGMP's, with an `N`-th root in every round) can be
/// cross-checked round by round.
pub mod interactive {
	use super::*;

	/// The prover's first message: `w` uniform in `Z*_N` with Jacobi symbol `-1`.
	pub fn commit<R: CryptoRng + ?Sized>(keypair: &Keypair, rng: &mut R) -> Result<BigUint, ProveError> {
		let prover = keypair.blum_prover().ok_or(ProveError::NotBlum)?;
		Ok(to_biguint(&prover.sample_w(&modulus_limbs(keypair), rng)))
	}

	/// The prover's answers to challenges `ys` for commitment `w`, with an `N`-th root in the
	/// first `nth_roots` rounds; rounds in parallel.
	pub fn prove(keypair: &Keypair, w: &BigUint, ys: &[BigUint], nth_roots: usize) -> Result<Vec<Round>, ProveError> {
		let prover = keypair.blum_prover().ok_or(ProveError::NotBlum)?;
		answer(&prover, modulus_limbs(keypair).len(), w, ys, nth_roots)
	}

	/// [`prove`] with the owner's precomputation already made.
	pub(super) fn answer(
		prover: &BlumProver<'_>,
		width: usize,
		w: &BigUint,
		ys: &[BigUint],
		nth_roots: usize,
	) -> Result<Vec<Round>, ProveError> {
		let w = limbs_of(w, width).and_then(|w| prover.commitment(&w)).ok_or(ProveError::ChallengeNotInvertible)?;
		ys.par_iter()
			.enumerate()
			.map(|(i, y)| {
				let y = limbs_of(y, width).ok_or(ProveError::ChallengeNotInvertible)?;
				let round = prover.round(&w, &y, i < nth_roots).ok_or(ProveError::ChallengeNotInvertible)?;
				Ok(Round { x: to_biguint(&round.x), a: round.a, b: round.b, z: round.z.map(|z| to_biguint(&z)) })
			})
			.collect()
	}

	/// The verifier's checks of `rounds` against the key, `w` and the challenges `ys`:
	/// `N` composite (the key's own checks already ruled out small factors, squares and even
	/// moduli), `w` and every `y_i` invertible, every value below `N`, at least
	/// [`NTH_ROOT_ROUNDS`] `N`-th roots, and every equation of every round, in order.
	pub fn verify(key: &PublicKey, w: &BigUint, ys: &[BigUint], rounds: &[Round]) -> Result<(), ModulusProofError> {
		let n = key.n();
		let nth_roots = rounds.iter().take_while(|r| r.z.is_some()).count();
		if rounds.len() != ys.len() || nth_roots < NTH_ROOT_ROUNDS.min(rounds.len()) {
			return Err(ModulusProofError::MalformedInput);
		}
		let below_n = |x: &BigUint| x < n;
		if !below_n(w) || !ys.iter().all(below_n) || !rounds.iter().all(|r| below_n(&r.x) && r.z.as_ref().is_none_or(below_n)) {
			return Err(ModulusProofError::NonCanonical);
		}
		let ctx = Mont::new_public(n).ok_or(ModulusProofError::MalformedInput)?;
		if is_strong_probable_prime_base_2(n, &ctx) {
			return Err(ModulusProofError::ModulusIsPrime);
		}
		// w and all y_i are in Z*_N exactly when their product is (one gcd instead of 81).
		let product = ys.iter().fold(w % n, |acc, y| (acc * y) % n);
		if !product.gcd(n).is_one() {
			return Err(ModulusProofError::NotInvertible);
		}
		let width = ctx.len();
		let n_limbs = limbs_of(n, width).ok_or(ModulusProofError::MalformedInput)?;
		for (round, y) in rounds.iter().zip(ys) {
			if let Some(z) = &round.z {
				let z = limbs_of(z, width).ok_or(ModulusProofError::NonCanonical)?;
				if to_biguint(&ctx.pow(&z, &n_limbs)) != *y {
					return Err(ModulusProofError::NthRootMismatch);
				}
			}
			let mut expected = if round.b { (y * w) % n } else { y.clone() };
			if round.a && !expected.is_zero() {
				expected = n - expected;
			}
			let x = limbs_of(&round.x, width).ok_or(ModulusProofError::NonCanonical)?;
			let x2 = ctx.mul_mod(&x, &x);
			if to_biguint(&ctx.mul_mod(&x2, &x2)) != expected {
				return Err(ModulusProofError::FourthRootMismatch);
			}
		}
		Ok(())
	}
}

/// Miller-Rabin to base 2: `true` if `n` (odd, > 2) is a strong probable prime to base 2.
/// Every prime is; a composite `N` that is one is refused too, which costs an honest prover
/// nothing (random two-prime moduli essentially never are).
fn is_strong_probable_prime_base_2(n: &BigUint, ctx: &Mont) -> bool {
	let n_minus_1 = n - 1u32;
	let s = n_minus_1.trailing_zeros().unwrap_or(0);
	let d = &n_minus_1 >> s;
	let width = ctx.len();
	let (Some(two), Some(d)) = (limbs_of(&BigUint::from(2u32), width), limbs_of(&d, width)) else {
		return false;
	};
	let mut x = to_biguint(&ctx.pow(&two, &d));
	if x.is_one() || x == n_minus_1 {
		return true;
	}
	for _ in 1..s {
		x = (&x * &x) % n;
		if x == n_minus_1 {
			return true;
		}
	}
	false
}

/// The challenges `y_1..y_80` for modulus `n` (fixed-width bytes) and commitment `w`.
pub(crate) fn challenges(context: &ProofContext, n: &BigUint, modulus: &[u8], w: &BigUint) -> Vec<BigUint> {
	let mut transcript = KeyProofTranscript::new(PROTOCOL, context, modulus);
	transcript.append(b"w", &to_fixed_be(w, modulus.len()));
	(0..KEY_PROOF_ROUNDS).map(|_| transcript.challenge_below(b"y", n)).collect()
}

/// Proves that `keypair`'s modulus is a Paillier-Blum modulus, bound to `context`. The proof
/// is [`modulus_proof_len`] bytes (22,548 for a 2048-bit key).
pub fn prove<R: CryptoRng + ?Sized>(keypair: &Keypair, context: &ProofContext, rng: &mut R) -> Result<Vec<u8>, ProveError> {
	let public = keypair.public();
	let modulus = public.to_bytes();
	let width = modulus.len();
	// One precomputation (the N-th-root exponents) serves the commitment and every round.
	let prover = keypair.blum_prover().ok_or(ProveError::NotBlum)?;
	let n_limbs = modulus_limbs(keypair);
	let w = to_biguint(&prover.sample_w(&n_limbs, rng));
	let ys = challenges(context, public.n(), &modulus, &w);
	let rounds = interactive::answer(&prover, n_limbs.len(), &w, &ys, NTH_ROOT_ROUNDS)?;
	Ok(encode(&w, &rounds, width))
}

/// The proof bytes of commitment `w` and `rounds` for a key of `width` bytes.
pub(crate) fn encode(w: &BigUint, rounds: &[Round], width: usize) -> Vec<u8> {
	let mut proof = Vec::with_capacity(modulus_proof_len(width));
	proof.extend_from_slice(&to_fixed_be(w, width));
	for round in rounds {
		proof.extend_from_slice(&to_fixed_be(&round.x, width));
	}
	for z in rounds.iter().filter_map(|round| round.z.as_ref()) {
		proof.extend_from_slice(&to_fixed_be(z, width));
	}
	let mut bits = [0u8; MODULUS_PROOF_BIT_BYTES];
	for (i, round) in rounds.iter().enumerate() {
		bits[2 * i / 8] |= (round.a as u8) << (2 * i % 8);
		bits[(2 * i + 1) / 8] |= (round.b as u8) << ((2 * i + 1) % 8);
	}
	proof.extend_from_slice(&bits);
	proof
}

/// Verifies a modulus proof for the key `modulus` (big-endian `N`) under `context`: the
/// host function's body. Never panics.
pub fn verify(context: &ProofContext, modulus: &[u8], proof: &[u8]) -> Result<(), ModulusProofError> {
	let key = PublicKey::from_bytes(modulus).map_err(|_| ModulusProofError::MalformedInput)?;
	let width = key.byte_len();
	if proof.len() != modulus_proof_len(width) {
		return Err(ModulusProofError::WrongLength);
	}
	let (elements, bits) = proof.split_at(width * (1 + KEY_PROOF_ROUNDS + NTH_ROOT_ROUNDS));
	let mut elements = elements.chunks_exact(width).map(BigUint::from_bytes_be);
	let w = elements.next().ok_or(ModulusProofError::WrongLength)?;
	let xs: Vec<BigUint> = elements.by_ref().take(KEY_PROOF_ROUNDS).collect();
	let mut zs = elements;
	let bit = |i: usize| bits[i / 8] >> (i % 8) & 1 == 1;
	// Bits past the last round must be zero, so that every proof has one encoding.
	if (2 * KEY_PROOF_ROUNDS..8 * MODULUS_PROOF_BIT_BYTES).any(bit) {
		return Err(ModulusProofError::NonCanonical);
	}
	let rounds: Vec<Round> = xs
		.into_iter()
		.enumerate()
		.map(|(i, x)| Round { x, a: bit(2 * i), b: bit(2 * i + 1), z: if i < NTH_ROOT_ROUNDS { zs.next() } else { None } })
		.collect();
	if w >= *key.n() {
		return Err(ModulusProofError::NonCanonical);
	}
	let ys = challenges(context, key.n(), modulus, &w);
	interactive::verify(&key, &w, &ys, &rounds)
}
