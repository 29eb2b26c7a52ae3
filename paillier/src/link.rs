//! The Paillier half of Pi^link (PROTOCOL.md 9.2, docs/PROOFS.md): the holder shows, for each
//! ciphertext `C = (1 + N)^x rho^N`, a masked opening
//!
//! `(1 + N)^z w^N = A C^e  (mod N^2)`
//!
//! where `A = (1 + N)^alpha r^N` is its mask, `e` the challenge, `z = alpha + e x` (an
//! integer, sent in full) and `w = r rho^e mod N`. The Jubjub half, the challenge and the
//! bounds on `z` live in `medshare-zk`'s `link` module; this module owns the Paillier
//! arithmetic: the prover's nonces and the verifier's batched check.
//!
//! The batched check raises every equation to a weight `lambda_i` and multiplies them:
//!
//! `(1 + N sum lambda_i z_i) (prod w_i^lambda_i)^N = prod A_i^lambda_i prod_e (prod_{i: e} C_i^lambda_i)^e`
//!
//! with three multi-exponentiations ([`Mont::multi_pow`]) and one `N`-th power, instead of an
//! `N`-th power per equation. Only the plaintext part of an equation matters for soundness (an
//! error that is an `N`-th residue only changes `w`), and a wrong plaintext part survives
//! random weights with probability at most `2^-weight_bits` for a modulus whose prime factors
//! exceed the weights (docs/PROOFS.md).

use alloc::vec::Vec;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};
use rand_core_010::CryptoRng;
use zeroize::Zeroizing;

use crate::ciphertext::Ciphertext;
use crate::key::PublicKey;
use crate::keypair::{Keypair, NthRoots};
use crate::mont::{biguint_limbs, to_biguint, Mont};

/// An encryption's randomness `rho` in `Z*_N` (secret: it opens the ciphertext). Wiped on drop.
pub struct Nonce(Zeroizing<Vec<u64>>);

impl core::fmt::Debug for Nonce {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("Nonce(<redacted>)")
	}
}

/// One equation `(1 + N)^z w^N = A C^e (mod N^2)` of a batch, with its weight.
#[derive(Clone, Copy, Debug)]
pub struct LinkEquation<'a> {
	/// The mask `A`, below `N^2` (checked here, with its membership in the group).
	pub mask: &'a BigUint,
	/// The ciphertext `C` the proof speaks about.
	pub ciphertext: &'a Ciphertext,
	/// The challenge `e`.
	pub challenge: u128,
	/// The plaintext response `z` (a non-negative integer below `N`).
	pub response: &'a BigUint,
	/// The nonce response `w` in `[1, N)`.
	pub nonce_response: &'a BigUint,
	/// The batch weight `lambda` (ignored by [`PublicKey::check_link_equations_each`]).
	pub weight: u128,
}

/// Why a batch of link equations was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkEquationError {
	/// A mask is not below `N^2`, a nonce response is zero or not below `N`, or a response is
	/// not below `N`.
	OutOfRange,
	/// A mask or nonce response shares a factor with `N` (not in the group).
	NotUnit,
	/// The equations do not hold.
	Unsatisfied,
}

impl core::fmt::Display for LinkEquationError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(match self {
			Self::OutOfRange => "a mask or response is out of range",
			Self::NotUnit => "a mask or nonce response is not invertible modulo N",
			Self::Unsatisfied => "the Paillier equations of the link proof do not hold",
		})
	}
}

impl std::error::Error for LinkEquationError {}

fn u128_limbs(x: u128) -> [u64; 2] {
	[x as u64, (x >> 64) as u64]
}

/// The holder's side of the Paillier half: opens its own ciphertexts' randomness, makes masks
/// and answers challenges. Built once per proof ([`Keypair::link_prover`]).
pub struct LinkProver<'a> {
	keypair: &'a Keypair,
	roots: NthRoots<'a>,
	mod_n: Mont,
}

impl Keypair {
	/// The Paillier half of a Pi^link prover for this key.
	pub fn link_prover(&self) -> LinkProver<'_> {
		LinkProver {
			keypair: self,
			roots: self.nth_roots(),
			mod_n: self.public().mod_n(),
		}
	}
}

impl LinkProver<'_> {
	/// The randomness of a ciphertext of this key: the `rho` in `[1, N)` with
	/// `c = (1 + N)^m rho^N mod N^2`. Since `c = rho^N (mod N)` and `x -> x^N` permutes
	/// `Z*_N`, `rho` is the `N`-th root of `c mod N`.
	pub fn nonce(&self, c: &Ciphertext) -> Nonce {
		let digits = Zeroizing::new(biguint_limbs(&c.0));
		Nonce(self.roots.root(&digits))
	}

	/// A fresh mask `A = Enc(alpha; r)` and its nonce `r`, by the fast encryption.
	pub fn mask<R: CryptoRng + ?Sized>(&self, alpha: &BigUint, rng: &mut R) -> (Ciphertext, Nonce) {
		let mask = self.keypair.encrypt(alpha, rng);
		let nonce = self.nonce(&mask);
		(mask, nonce)
	}

	/// The nonce response `w = r rho^e mod N` for the mask nonce `r`, the ciphertext nonce
	/// `rho` and the challenge `e`.
	pub fn nonce_response(&self, mask_nonce: &Nonce, ciphertext_nonce: &Nonce, challenge: u128) -> BigUint {
		let rho_e = self.mod_n.pow(&ciphertext_nonce.0, &u128_limbs(challenge));
		to_biguint(&self.mod_n.mul_mod(&mask_nonce.0, &rho_e))
	}
}

impl PublicKey {
	/// Range and group membership of every equation's mask and responses; the product of all
	/// masks and nonce responses is a unit exactly when each of them is (one gcd for all).
	fn check_link_inputs(&self, mod_n: &Mont, equations: &[LinkEquation<'_>]) -> Result<(), LinkEquationError> {
		let n = self.n();
		// Montgomery products: each carries a factor R^-1, a unit, so the product is a unit
		// exactly when every factor is.
		let mut product = mod_n.load(&[1]);
		let mut next = product.clone();
		let mut t = mod_n.scratch();
		for eq in equations {
			if eq.mask >= self.n_squared()
				|| eq.nonce_response.is_zero()
				|| eq.nonce_response >= n
				|| eq.response >= n
			{
				return Err(LinkEquationError::OutOfRange);
			}
			for factor in [eq.mask, eq.nonce_response] {
				mod_n.mul(&mut next, &product, &mod_n.load(&biguint_limbs(factor)), &mut t);
				core::mem::swap(&mut product, &mut next);
			}
		}
		if !to_biguint(&product).gcd(n).is_one() {
			return Err(LinkEquationError::NotUnit);
		}
		Ok(())
	}

	/// A Montgomery context modulo `N`.
	fn mod_n(&self) -> Mont {
		Mont::new_public(self.n()).expect("a key's modulus is odd")
	}

	/// `(1 + N)^z = 1 + (z mod N) N (mod N^2)`.
	fn one_plus_n_pow(&self, z: &BigUint) -> BigUint {
		((z % self.n()) * self.n() + 1u32) % self.n_squared()
	}

	/// Checks every equation separately: an `N`-th power and an `e`-th power each. The
	/// baseline the batched check is measured against, and the reference its tests use.
	pub fn check_link_equations_each(&self, equations: &[LinkEquation<'_>]) -> Result<(), LinkEquationError> {
		self.check_link_inputs(&self.mod_n(), equations)?;
		let nn = &self.ctx.nn;
		for eq in equations {
			let w_n = nn.pow(&biguint_limbs(eq.nonce_response), &self.ctx.n);
			let left = nn.mul_mod(&biguint_limbs(&self.one_plus_n_pow(eq.response)), &w_n);
			let c_e = nn.pow(&biguint_limbs(&eq.ciphertext.0), &u128_limbs(eq.challenge));
			let right = nn.mul_mod(&biguint_limbs(eq.mask), &c_e);
			if left[..] != right[..] {
				return Err(LinkEquationError::Unsatisfied);
			}
		}
		Ok(())
	}

	/// Checks all equations at once with their weights (see the module documentation).
	pub fn check_link_equations(&self, equations: &[LinkEquation<'_>]) -> Result<(), LinkEquationError> {
		let mod_n = self.mod_n();
		self.check_link_inputs(&mod_n, equations)?;
		if equations.is_empty() {
			return Ok(());
		}
		let n = self.n();
		let nn = &self.ctx.nn;
		let weights: Vec<[u64; 2]> = equations.iter().map(|eq| u128_limbs(eq.weight)).collect();
		let weight_refs: Vec<&[u64]> = weights.iter().map(|w| &w[..]).collect();
		// sum lambda_i z_i mod N.
		let z_sum = equations.iter().fold(BigUint::zero(), |acc, eq| (acc + eq.response * eq.weight) % n);
		// (prod w_i^lambda_i mod N)^N mod N^2: the N-th power depends on its base modulo N only.
		let w_digits: Vec<Vec<u64>> = equations.iter().map(|eq| biguint_limbs(eq.nonce_response)).collect();
		let w_product = mod_n.multi_pow(&w_digits.iter().map(|d| &d[..]).collect::<Vec<_>>(), &weight_refs);
		let left = nn.mul_mod(&biguint_limbs(&self.one_plus_n_pow(&z_sum)), &nn.pow(&w_product, &self.ctx.n));
		// prod A_i^lambda_i, then each challenge's ciphertexts raised together.
		let a_digits: Vec<Vec<u64>> = equations.iter().map(|eq| biguint_limbs(eq.mask)).collect();
		let mut right = nn.multi_pow(&a_digits.iter().map(|d| &d[..]).collect::<Vec<_>>(), &weight_refs);
		let mut challenges: Vec<u128> = equations.iter().map(|eq| eq.challenge).collect();
		challenges.sort_unstable();
		challenges.dedup();
		for challenge in challenges {
			let (bases, exps): (Vec<Vec<u64>>, Vec<&[u64]>) = equations
				.iter()
				.zip(&weight_refs)
				.filter(|(eq, _)| eq.challenge == challenge)
				.map(|(eq, w)| (biguint_limbs(&eq.ciphertext.0), *w))
				.unzip();
			let c_product = nn.multi_pow(&bases.iter().map(|d| &d[..]).collect::<Vec<_>>(), &exps);
			let c_e = nn.pow(&c_product, &u128_limbs(challenge));
			right = nn.mul_mod(&right, &c_e);
		}
		if left[..] != right[..] {
			return Err(LinkEquationError::Unsatisfied);
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_chacha::ChaCha20Rng;
	use rand_core_010::SeedableRng;

	/// An honest batch: values, their ciphertexts, masks and responses for one challenge.
	struct Batch {
		ciphertexts: Vec<Ciphertext>,
		masks: Vec<Ciphertext>,
		responses: Vec<BigUint>,
		nonce_responses: Vec<BigUint>,
		challenge: u128,
	}

	fn honest(keypair: &Keypair, values: &[u64], challenge: u128, rng: &mut ChaCha20Rng) -> Batch {
		let prover = keypair.link_prover();
		let ciphertexts = keypair.encrypt_many(values, rng);
		let mut batch = Batch { ciphertexts: vec![], masks: vec![], responses: vec![], nonce_responses: vec![], challenge };
		for (c, &m) in ciphertexts.iter().zip(values) {
			let alpha = BigUint::from(rng.next_u64()) << 100u32;
			let (mask, r) = prover.mask(&alpha, rng);
			let rho = prover.nonce(c);
			batch.responses.push(&alpha + BigUint::from(m) * challenge);
			batch.nonce_responses.push(prover.nonce_response(&r, &rho, challenge));
			batch.masks.push(mask);
		}
		batch.ciphertexts = ciphertexts;
		batch
	}

	fn equations(batch: &Batch) -> Vec<LinkEquation<'_>> {
		(0..batch.ciphertexts.len())
			.map(|i| LinkEquation {
				mask: &batch.masks[i].0,
				ciphertext: &batch.ciphertexts[i],
				challenge: batch.challenge,
				response: &batch.responses[i],
				nonce_response: &batch.nonce_responses[i],
				weight: 0x1234_5678_9abc_def0_0fed_cba9_8765_4321 ^ (i as u128 * 0x9e37_79b9_7f4a_7c15),
			})
			.collect()
	}

	use rand_core_010::Rng;

	#[test]
	fn nonces_open_the_ciphertexts_and_honest_equations_hold() {
		let mut rng = ChaCha20Rng::seed_from_u64(1);
		let keypair = Keypair::generate(2048, &mut rng).unwrap();
		let prover = keypair.link_prover();
		let c = keypair.encrypt_u64(3690, &mut rng);
		let rho = prover.nonce(&c);
		let n = keypair.public().n();
		let rho_big = to_biguint(&rho.0);
		let expected = (BigUint::from(3690u32) * n + 1u32) * rho_big.modpow(n, keypair.public().n_squared()) % keypair.public().n_squared();
		assert_eq!(c.0, expected);
		let batch = honest(&keypair, &[3690, 120, 0, u32::MAX as u64], (1u128 << 127) + 12345, &mut rng);
		keypair.public().check_link_equations_each(&equations(&batch)).unwrap();
		keypair.public().check_link_equations(&equations(&batch)).unwrap();
	}

	#[test]
	fn a_wrong_plaintext_fails_both_checks() {
		let mut rng = ChaCha20Rng::seed_from_u64(2);
		let keypair = Keypair::generate(2048, &mut rng).unwrap();
		let mut batch = honest(&keypair, &[10, 20, 30], 99, &mut rng);
		// The response of another plaintext (off by one) for the second ciphertext.
		batch.responses[1] += 99u32;
		assert_eq!(keypair.public().check_link_equations_each(&equations(&batch)), Err(LinkEquationError::Unsatisfied));
		assert_eq!(keypair.public().check_link_equations(&equations(&batch)), Err(LinkEquationError::Unsatisfied));
	}

	#[test]
	fn out_of_range_and_non_units_are_refused() {
		let mut rng = ChaCha20Rng::seed_from_u64(3);
		let keypair = Keypair::generate(2048, &mut rng).unwrap();
		let mut batch = honest(&keypair, &[10, 20], 7, &mut rng);
		batch.nonce_responses[0] = keypair.public().n().clone();
		assert_eq!(keypair.public().check_link_equations(&equations(&batch)), Err(LinkEquationError::OutOfRange));
		let mut batch = honest(&keypair, &[10, 20], 7, &mut rng);
		batch.nonce_responses[1] = BigUint::zero();
		assert_eq!(keypair.public().check_link_equations(&equations(&batch)), Err(LinkEquationError::OutOfRange));
		let mut batch = honest(&keypair, &[10, 20], 7, &mut rng);
		batch.masks[0] = Ciphertext(keypair.public().n() * 3u32);
		assert_eq!(keypair.public().check_link_equations(&equations(&batch)), Err(LinkEquationError::NotUnit));
	}

	#[test]
	fn negated_nonce_responses_pass_only_as_a_changed_nonce() {
		// -w is another N-th root's response: (-w)^N = -(w^N), so a single sign flip fails and
		// two sign flips (the order-2 error the batch must not let through by luck) fail too.
		let mut rng = ChaCha20Rng::seed_from_u64(4);
		let keypair = Keypair::generate(2048, &mut rng).unwrap();
		let mut batch = honest(&keypair, &[10, 20, 30], 7, &mut rng);
		let n = keypair.public().n().clone();
		batch.nonce_responses[0] = &n - &batch.nonce_responses[0];
		batch.nonce_responses[2] = &n - &batch.nonce_responses[2];
		assert_eq!(keypair.public().check_link_equations_each(&equations(&batch)), Err(LinkEquationError::Unsatisfied));
		// Weights odd and even decide the batch's verdict on sign errors; here the product of
		// the two flips is -1 or 1 depending on the weights' parity. Squares are not compared:
		// a sign error is an N-th residue error and does not change what the proof shows.
		let eqs = equations(&batch);
		let parity = (eqs[0].weight + eqs[2].weight) % 2;
		let verdict = keypair.public().check_link_equations(&eqs);
		assert_eq!(verdict.is_ok(), parity == 0);
	}
}
