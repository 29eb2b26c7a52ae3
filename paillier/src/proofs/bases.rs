//! Vector ring-Pedersen parameters `(N, t, s_1..s_B)` with a batched Pi^prm: the commitments
//! of Pi^cmp (docs/PROOFS.md) bind every blinding factor and every constant of one output
//! ciphertext in one element `prod_b s_b^x_b t^mu mod N`.
//!
//! The key owner (the holder, who verifies Pi^cmp) draws `t = tau^2 mod N` and
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
//! Transcript (after the common prefix of the key proofs, protocol `pi-prm-vector`): `t`, the
//! base count, every `s_b`, then every `A_i`, then `80 B` challenge bits with label `e`.

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
use crate::{Keypair, PublicKey};

const PROTOCOL: &[u8] = b"pi-prm-vector";

/// Vector ring-Pedersen parameters on a key's modulus, validated (not necessarily proven).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RingPedersenBases {
	pub(crate) n: BigUint,
	pub(crate) t: BigUint,
	pub(crate) s: Vec<BigUint>,
}

impl RingPedersenBases {
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

	/// `t`, then every `s_b`, each as wide as the key.
	pub fn to_bytes(&self) -> Vec<u8> {
		let width = (self.n.bits() as usize).div_ceil(8);
		let mut out = to_fixed_be(&self.t, width);
		for s in &self.s {
			out.extend_from_slice(&to_fixed_be(s, width));
		}
		out
	}

	/// Parameters from [`RingPedersenBases::to_bytes`], checked against the key: `bases`
	/// bases, every element in `Z*_N`, `t` not `+-1`. Only a verified proof shows the `s_b` in
	/// `<t>`.
	pub fn from_bytes(key: &PublicKey, bytes: &[u8], bases: usize) -> Result<RingPedersenBases, RingPedersenProofError> {
		let width = key.byte_len();
		if bases == 0 || bytes.len() != width * (bases + 1) {
			return Err(RingPedersenProofError::WrongParameterLength);
		}
		let n = key.n().clone();
		let mut elements = bytes.chunks_exact(width).map(BigUint::from_bytes_be);
		let t = elements.next().ok_or(RingPedersenProofError::WrongParameterLength)?;
		let s: Vec<BigUint> = elements.collect();
		let invertible = |x: &BigUint| x < &n && x.gcd(&n).is_one();
		if !invertible(&t) || t.is_one() || t == &n - 1u32 || !s.iter().all(invertible) {
			return Err(RingPedersenProofError::DegenerateParameters);
		}
		Ok(RingPedersenBases { n, t, s })
	}
}

/// Draws `bases` vector ring-Pedersen bases on `keypair`'s modulus and proves them for
/// `context`. The proof is [`ring_pedersen_proof_len`] bytes, as for one base.
pub fn generate<R: CryptoRng + ?Sized>(
	keypair: &Keypair,
	bases: usize,
	context: &ProofContext,
	rng: &mut R,
) -> Result<(RingPedersenBases, Vec<u8>), ProveError> {
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
		let candidate = RingPedersenBases { n: n.clone(), t: to_biguint(&t), s };
		// Degenerate draws (t = 1, or a factor of N hit) have probability about 2^-1000.
		if RingPedersenBases::from_bytes(keypair.public(), &candidate.to_bytes(), bases).is_ok() {
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
	for (a, round) in masks.iter().zip(challenges.chunks_exact(bases)) {
		let mut z = a.clone();
		for (lambda, _) in lambdas.iter().zip(round).filter(|(_, &e)| e) {
			z = add_mod(&z, lambda, &phi);
		}
		proof.extend_from_slice(&to_fixed_be(&to_biguint(&z), width));
	}
	Ok((params, proof))
}

/// The challenge bits, `B` per round, round after round.
fn challenges(context: &ProofContext, modulus: &[u8], params: &RingPedersenBases, commitments: &[BigUint]) -> Vec<bool> {
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

/// Verifies vector ring-Pedersen parameters (`bases` bases, [`RingPedersenBases::to_bytes`])
/// on the key `modulus` and their proof under `context`. Never panics.
pub fn verify(
	context: &ProofContext,
	modulus: &[u8],
	params: &[u8],
	bases: usize,
	proof: &[u8],
) -> Result<RingPedersenBases, RingPedersenProofError> {
	let key = PublicKey::from_bytes(modulus).map_err(|_| RingPedersenProofError::MalformedInput)?;
	let params = RingPedersenBases::from_bytes(&key, params, bases)?;
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
	Ok(params)
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_chacha::ChaCha20Rng;
	use rand_core_010::{Rng, SeedableRng};

	fn context() -> ProofContext {
		ProofContext { genesis_hash: [7; 32], account: [9; 32] }
	}

	#[test]
	fn honest_bases_verify_and_bind_their_context() {
		let mut rng = ChaCha20Rng::seed_from_u64(21);
		let keypair = Keypair::generate(2048, &mut rng).unwrap();
		let (params, proof) = generate(&keypair, 4, &context(), &mut rng).unwrap();
		let modulus = keypair.public().to_bytes();
		assert_eq!(verify(&context(), &modulus, &params.to_bytes(), 4, &proof), Ok(params.clone()));
		let other = ProofContext { account: [8; 32], ..context() };
		assert_eq!(verify(&other, &modulus, &params.to_bytes(), 4, &proof), Err(RingPedersenProofError::Mismatch));
		assert_eq!(
			verify(&context(), &modulus, &params.to_bytes(), 3, &proof),
			Err(RingPedersenProofError::WrongParameterLength)
		);
	}

	#[test]
	fn a_base_outside_t_is_refused() {
		// The owner publishes s_1 = -t^lambda_1, outside <t> (-1 is a non-residue modulo both
		// primes), and forges the best way: it guesses each round's challenge bit for s_1 and
		// sends A = t^a s_1^-guess, which answers exactly the rounds it guessed right.
		let mut rng = ChaCha20Rng::seed_from_u64(22);
		let keypair = Keypair::generate(2048, &mut rng).unwrap();
		let phi = keypair.phi();
		let n_limbs = modulus_limbs(&keypair);
		let n = to_biguint(&n_limbs);
		let ctx = Mont::new_public(&n).unwrap();
		let tau = random::nonzero_below(&mut rng, &n_limbs);
		let t = to_biguint(&ctx.mul_mod(&tau, &tau));
		let lambdas: Vec<BigUint> = (0..3).map(|_| to_biguint(&random::below(&mut rng, &phi))).collect();
		let mut s: Vec<BigUint> = lambdas.iter().map(|l| t.modpow(l, &n)).collect();
		s[1] = &n - &s[1];
		let params = RingPedersenBases { n: n.clone(), t: t.clone(), s };
		let s1_inv = params.s[1].modinv(&n).unwrap();
		let phi = to_biguint(&phi);
		let width = keypair.public().byte_len();
		let masks: Vec<BigUint> = (0..KEY_PROOF_ROUNDS).map(|_| BigUint::from(rng.next_u64())).collect();
		let guesses: Vec<bool> = (0..KEY_PROOF_ROUNDS).map(|_| rng.next_u32() & 1 == 1).collect();
		let commitments: Vec<BigUint> = masks
			.iter()
			.zip(&guesses)
			.map(|(a, &g)| if g { t.modpow(a, &n) * &s1_inv % &n } else { t.modpow(a, &n) })
			.collect();
		let modulus = keypair.public().to_bytes();
		let challenges = challenges(&context(), &modulus, &params, &commitments);
		let mut proof = Vec::new();
		for c in &commitments {
			proof.extend_from_slice(&to_fixed_be(c, width));
		}
		let mut right = 0;
		for ((a, round), &g) in masks.iter().zip(challenges.chunks_exact(3)).zip(&guesses) {
			right += usize::from(round[1] == g);
			let z = [0, 2].iter().filter(|&&b| round[b]).fold(a.clone(), |z, &b| (z + &lambdas[b]) % &phi);
			proof.extend_from_slice(&to_fixed_be(&z, width));
		}
		assert!(right < KEY_PROOF_ROUNDS, "all 80 guesses right: probability 2^-80");
		assert_eq!(verify(&context(), &modulus, &params.to_bytes(), 3, &proof), Err(RingPedersenProofError::Mismatch));
	}
}
