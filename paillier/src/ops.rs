//! Public-key operations: encryption with `g = n + 1` and the homomorphic operations.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::One;
use rand_core_010::CryptoRng;

use crate::ciphertext::{Ciphertext, CiphertextError};
use crate::key::PublicKey;
use crate::mont::{limbs_of, to_biguint, Limbs, Mont};
use crate::random;

/// Precomputation shared by clones of a [`PublicKey`].
pub(crate) struct PublicCtx {
	/// Montgomery context modulo `n^2`.
	pub(crate) nn: Mont,
	/// `n` as limbs (its exponent in `r^n`).
	pub(crate) n: Limbs,
}

impl PublicCtx {
	pub(crate) fn new(n: &BigUint, n_squared: &BigUint) -> PublicCtx {
		let n_len = n.iter_u64_digits().len();
		PublicCtx {
			nn: Mont::new_public(n_squared).expect("n is odd, so n^2 is odd and nonzero"),
			n: limbs_of(n, n_len).expect("n fits its own limb count"),
		}
	}
}

impl PublicKey {
	/// `x mod n^2` as limbs (a no-op for ciphertexts of this key).
	pub(crate) fn residue(&self, c: &Ciphertext) -> Limbs {
		let digits: alloc::vec::Vec<u64> = c.0.iter_u64_digits().collect();
		self.ctx.nn.load(&digits)
	}

	/// `m mod n` for a signed plaintext (negative `m` stands for `n - |m|`).
	pub(crate) fn plaintext(&self, m: &BigInt) -> BigUint {
		let r = m.mod_floor(&BigInt::from_biguint(Sign::Plus, self.n().clone()));
		// mod_floor by a positive modulus is non-negative.
		r.to_biguint().expect("mod_floor by a positive modulus is non-negative")
	}

	/// The trivial encryption `1 + (m mod n) n` (randomness 1), below `n^2`.
	pub(crate) fn trivial(&self, m: &BigUint) -> Limbs {
		let g_m = (m % self.n()) * self.n() + 1u32;
		self.ctx.nn.load(&g_m.iter_u64_digits().collect::<alloc::vec::Vec<_>>())
	}

	/// A fresh `r^n mod n^2` with `r` uniform in `[1, n)`: the public-key way (no factorisation).
	pub(crate) fn random_nth_residue<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> Limbs {
		let r = random::nonzero_below(rng, &self.ctx.n);
		self.nth_residue(&r)
	}

	/// `r^n mod n^2` for a given `r`.
	pub(crate) fn nth_residue(&self, r: &[u64]) -> Limbs {
		self.ctx.nn.pow(r, &self.ctx.n)
	}

	/// `Enc(m; r) = (1 + m n) r^n mod n^2`, `r` uniform in `[1, n)`, for `m` taken modulo `n`.
	/// The key holder should use [`Keypair::encrypt`](crate::Keypair::encrypt), several times
	/// faster.
	pub fn encrypt<R: CryptoRng + ?Sized>(&self, m: &BigUint, rng: &mut R) -> Ciphertext {
		let r = random::nonzero_below(rng, &self.ctx.n);
		self.encrypt_with(m, &r)
	}

	pub(crate) fn encrypt_with(&self, m: &BigUint, r: &[u64]) -> Ciphertext {
		let g_m = self.trivial(m);
		let r_n = self.nth_residue(r);
		Ciphertext(to_biguint(&self.ctx.nn.mul_mod(&g_m, &r_n)))
	}

	/// [`PublicKey::encrypt`] of a `u64`.
	pub fn encrypt_u64<R: CryptoRng + ?Sized>(&self, m: u64, rng: &mut R) -> Ciphertext {
		self.encrypt(&BigUint::from(m), rng)
	}

	/// [`PublicKey::encrypt`] of a signed value (negative `m` is encrypted as `n - |m|`).
	pub fn encrypt_signed<R: CryptoRng + ?Sized>(&self, m: &BigInt, rng: &mut R) -> Ciphertext {
		self.encrypt(&self.plaintext(m), rng)
	}

	/// [`PublicKey::encrypt_signed`] of an `i64`.
	pub fn encrypt_i64<R: CryptoRng + ?Sized>(&self, m: i64, rng: &mut R) -> Ciphertext {
		self.encrypt_signed(&BigInt::from(m), rng)
	}

	/// `E(a) E(b) = E(a + b)`.
	pub fn add(&self, a: &Ciphertext, b: &Ciphertext) -> Ciphertext {
		let (a, b) = (self.residue(a), self.residue(b));
		Ciphertext(to_biguint(&self.ctx.nn.mul_mod(&a, &b)))
	}

	/// `E(a) (1 + k n) = E(a + k)`: adds a plaintext constant without fresh randomness (the
	/// result is as random as `c`; re-randomise before publishing if `c` was not fresh).
	pub fn add_plain(&self, c: &Ciphertext, k: &BigInt) -> Ciphertext {
		let t = self.trivial(&self.plaintext(k));
		Ciphertext(to_biguint(&self.ctx.nn.mul_mod(&self.residue(c), &t)))
	}

	/// `E(a)^k = E(k a)` for `k >= 0`.
	pub fn mul_scalar_u64(&self, c: &Ciphertext, k: u64) -> Ciphertext {
		Ciphertext(to_biguint(&self.ctx.nn.pow(&self.residue(c), &[k])))
	}

	/// `E(a)^k = E(k a)`; a negative `k` uses the inverse of `c` modulo `n^2`, which exists for
	/// every valid ciphertext (a ciphertext of another key may have none: `NotCoprime`).
	pub fn mul_scalar(&self, c: &Ciphertext, k: &BigInt) -> Result<Ciphertext, CiphertextError> {
		let (sign, magnitude) = (k.sign(), k.magnitude());
		let base = if sign == Sign::Minus { self.inverse(c)? } else { self.residue(c) };
		let e: alloc::vec::Vec<u64> = magnitude.iter_u64_digits().collect();
		Ok(Ciphertext(to_biguint(&self.ctx.nn.pow(&base, &e))))
	}

	/// `E(a)^-1 = E(-a)`.
	pub fn neg(&self, c: &Ciphertext) -> Result<Ciphertext, CiphertextError> {
		Ok(Ciphertext(to_biguint(&self.inverse(c)?)))
	}

	/// `E(a) E(b)^-1 = E(a - b)`.
	pub fn sub(&self, a: &Ciphertext, b: &Ciphertext) -> Result<Ciphertext, CiphertextError> {
		let b_inv = self.inverse(b)?;
		Ok(Ciphertext(to_biguint(&self.ctx.nn.mul_mod(&self.residue(a), &b_inv))))
	}

	/// `c r^n` with a fresh `r`: same plaintext, fresh randomness, unlinkable to `c`.
	pub fn rerandomize<R: CryptoRng + ?Sized>(&self, c: &Ciphertext, rng: &mut R) -> Ciphertext {
		let r_n = self.random_nth_residue(rng);
		Ciphertext(to_biguint(&self.ctx.nn.mul_mod(&self.residue(c), &r_n)))
	}

	/// `c^-1 mod n^2` as limbs.
	pub(crate) fn inverse(&self, c: &Ciphertext) -> Result<Limbs, CiphertextError> {
		let inv = to_biguint(&self.residue(c)).modinv(self.n_squared()).ok_or(CiphertextError::NotCoprime)?;
		Ok(self.ctx.nn.load(&inv.iter_u64_digits().collect::<alloc::vec::Vec<_>>()))
	}

	/// `x^-1 mod n^2` for an integer coprime to `n` (used by batch inversion).
	pub(crate) fn invert_biguint(&self, x: &BigUint) -> Option<BigUint> {
		if x.is_one() {
			return Some(BigUint::one());
		}
		x.modinv(self.n_squared())
	}
}
