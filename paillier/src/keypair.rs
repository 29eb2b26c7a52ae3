//! Key pairs: generation, secret key serialisation, CRT decryption and the key holder's fast
//! encryption.
//!
//! All secret values (p, q, p^2, q^2, exponents, CRT constants, Montgomery contexts) live in
//! limb buffers that are overwritten with zeros when dropped, and the arithmetic on them is this
//! crate's own ([`crate::mont`]), so no copy of them lands in num-bigint buffers that would be
//! freed unwiped. Plaintexts and ciphertexts are not secret key material and use num-bigint.

use alloc::vec::Vec;
use core::fmt;
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::ToPrimitive;
use rand_chacha::ChaCha20Rng;
use rand_core_010::{CryptoRng, SeedableRng};
use rayon::prelude::*;
use zeroize::{Zeroize, Zeroizing};

use crate::ciphertext::Ciphertext;
use crate::key::{PublicKey, MAX_MODULUS_BITS, MIN_MODULUS_BITS};
use crate::mont::{add_assign, bit_len, div_exact, ge, inv_u64, limbs_from_be, limbs_to_be, mul_full, sub_assign, to_biguint, zeros, Limbs, Mont};
use crate::{primes, random};

mod blum;
pub(crate) use blum::{add_mod, modulus_limbs, BlumProver, NthRoots};

/// Version byte of the secret key encoding.
const SECRET_KEY_VERSION: u8 = 1;

/// Why a key pair cannot be generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyGenError {
	/// The size is not a multiple of 8 between `MIN_MODULUS_BITS` and `MAX_MODULUS_BITS`.
	UnsupportedSize,
}

impl fmt::Display for KeyGenError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("modulus size must be a multiple of 8 between 2048 and 4096 bits")
	}
}

impl std::error::Error for KeyGenError {}

/// Why bytes are not an acceptable secret key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKeyError {
	/// Too short for the header, or not `3 + 2 * ceil(bits / 16)` bytes.
	WrongLength,
	/// Unknown version byte.
	UnsupportedVersion,
	/// The stated modulus size is not a multiple of 8 between 2048 and 4096 bits.
	UnsupportedSize,
	/// `p` or `q` does not have exactly half the modulus size in bits.
	PrimeSize,
	/// `p` or `q` is not prime (Baillie-PSW).
	NotPrime,
	/// `p = q`.
	EqualPrimes,
	/// `n = p q` does not have exactly the stated size.
	ModulusSize,
	/// `gcd(n, (p - 1)(q - 1)) != 1`. Cannot happen for distinct primes of equal length (see
	/// docs/PAILLIER.md); checked anyway because the CRT constants depend on it.
	NotCoprime,
}

impl fmt::Display for SecretKeyError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(match self {
			Self::WrongLength => "secret key has the wrong length",
			Self::UnsupportedVersion => "secret key has an unknown version",
			Self::UnsupportedSize => "secret key states an unsupported modulus size",
			Self::PrimeSize => "secret prime does not have half the modulus size",
			Self::NotPrime => "secret factor is not prime",
			Self::EqualPrimes => "secret primes are equal",
			Self::ModulusSize => "modulus does not have the stated size",
			Self::NotCoprime => "gcd(n, (p-1)(q-1)) is not 1",
		})
	}
}

impl std::error::Error for SecretKeyError {}

/// `a` without its leading zero limbs (at least one limb).
fn trimmed(a: &[u64]) -> Limbs {
	let len = a.iter().rposition(|&w| w != 0).map_or(1, |i| i + 1);
	Zeroizing::new(a[..len].to_vec())
}

/// `acc += x` where `acc` is at least as long as `x` (carry propagates; `acc` must not overflow).
fn add_into(acc: &mut [u64], x: &[u64]) {
	let (low, high) = acc.split_at_mut(x.len());
	let mut carry = add_assign(low, x);
	for w in high {
		if carry == 0 {
			break;
		}
		let (s, c) = w.overflowing_add(carry);
		*w = s;
		carry = c as u64;
	}
}

/// `(a - b) mod m` for `a, b < m` of the same width.
fn sub_mod(a: &[u64], b: &[u64], m: &[u64]) -> Limbs {
	let mut d = Zeroizing::new(a.to_vec());
	if sub_assign(&mut d, b) != 0 {
		add_assign(&mut d, m);
	}
	d
}

/// Everything one prime contributes to decryption and fast encryption.
struct PrimeHalf {
	p: Limbs,
	p_minus_1: Limbs,
	/// Arithmetic modulo p^2.
	pp: Mont,
	/// Arithmetic modulo p.
	mp: Mont,
	/// `h_p = L_p(g^(p-1) mod p^2)^-1 mod p = (-q)^-1 mod p` for `g = n + 1`.
	h: Limbs,
	/// `q^-1 mod p` (the other prime's inverse).
	other_inv: Limbs,
	/// `p^-1 mod 2^64`, for the exact division in `L_p`.
	p_inv64: u64,
	/// `n mod p^2`, for `1 + m n mod p^2`.
	n_mod: Limbs,
}

impl Drop for PrimeHalf {
	fn drop(&mut self) {
		self.p_inv64.zeroize();
	}
}

impl PrimeHalf {
	/// Precomputes for prime `p` with the other prime `q`; `None` if `q` is not invertible
	/// modulo `p` (never for distinct primes) or `p` is even.
	fn new(p: &[u64], q: &[u64]) -> Option<PrimeHalf> {
		let p = trimmed(p);
		let mp = Mont::new(&p)?;
		let mut p_sq = zeros(2 * p.len());
		mul_full(&mut p_sq, &p, &p);
		let pp = Mont::new(&trimmed(&p_sq))?;
		let mut p_minus_1 = Zeroizing::new(p.to_vec());
		p_minus_1[0] &= !1;
		let mut p_minus_2 = Zeroizing::new(p_minus_1.to_vec());
		// p - 2 (p >= 3): subtract one more from the even p - 1.
		sub_assign(&mut p_minus_2, &one_limbs(p.len()));
		// q^-1 = q^(p-2) mod p (Fermat; p is prime).
		let q_mod_p = mp.load(q);
		let other_inv = mp.pow(&q_mod_p, &p_minus_2);
		if mp.mul_mod(&q_mod_p, &other_inv)[..] != one_limbs(p.len())[..] {
			return None;
		}
		// h_p = -(q^-1) mod p (see docs/PAILLIER.md: L_p(g^(p-1)) = (p-1) q = -q mod p).
		let h = sub_mod(&zeros(p.len()), &other_inv, &p);
		let p_inv64 = inv_u64(p[0]);
		let mut n = zeros(p.len() + q.len());
		mul_full(&mut n, &p, q);
		let n_mod = pp.load(&n);
		Some(PrimeHalf { p, p_minus_1, pp, mp, h, other_inv, p_inv64, n_mod })
	}

	/// `m mod p` from a ciphertext: `L_p(c^(p-1) mod p^2) h_p mod p`.
	fn decrypt(&self, c: &[u64]) -> Limbs {
		let c_p = self.pp.load(c);
		let mut u = self.pp.pow(&c_p, &self.p_minus_1);
		// u = 1 + k p with k < p for a valid ciphertext; L_p(u) = k = (u - 1) / p exactly.
		sub_assign(&mut u, &one_limbs(self.pp.len()));
		let mut k = zeros(self.mp.len());
		div_exact(&mut k, &u, &self.p, self.p_inv64);
		self.mp.mul_mod(&k, &self.h)
	}

	/// `(1 + m n) r^p mod p^2` for a plaintext `m` (limbs) and `r` in `[1, p)`.
	///
	/// `r -> r^p` maps `Z*_{p^2}` onto its subgroup of order `p - 1`, which is exactly the set of
	/// `n`-th residues modulo `p^2`; for uniform `r` in `[1, p)` it is a bijection onto that
	/// subgroup. So `r^p` replaces `r^n mod p^2` with an exponent half as long.
	fn blind(&self, m: &[u64], r: &[u64]) -> Limbs {
		let r_p = self.pp.pow(r, &self.p);
		if m.iter().all(|&w| w == 0) {
			return r_p;
		}
		// 1 + m n mod p^2, from the precomputed n mod p^2.
		let mut g_m = self.pp.mul_mod(&self.pp.load(m), &self.n_mod);
		let one = one_limbs(g_m.len());
		if add_assign(&mut g_m, &one) == 1 || ge(&g_m, self.pp.modulus()) {
			sub_assign(&mut g_m, self.pp.modulus());
		}
		self.pp.mul_mod(&g_m, &r_p)
	}
}

fn one_limbs(len: usize) -> Limbs {
	let mut one = zeros(len);
	one[0] = 1;
	one
}

/// The secret half of a key pair.
struct SecretKey {
	p: PrimeHalf,
	q: PrimeHalf,
	/// `q^2`, for the CRT recombination modulo `n^2`.
	q_sq: Limbs,
	/// `(q^2)^-1 mod p^2`.
	q_sq_inv: Limbs,
}

impl SecretKey {
	/// Precomputes from two distinct odd primes; `None` if they fail the invertibility checks.
	fn new(p: &[u64], q: &[u64]) -> Option<SecretKey> {
		let hp = PrimeHalf::new(p, q)?;
		let hq = PrimeHalf::new(q, p)?;
		let mut q_sq = zeros(2 * hq.p.len());
		mul_full(&mut q_sq, &hq.p, &hq.p);
		let q_sq = trimmed(&q_sq);
		// (q^2)^-1 mod p^2 by one Newton (Hensel) step from x0 = (q^-1)^2 mod p:
		// x1 = x0 (2 - q^2 x0) mod p^2 is correct modulo p^2 because q^2 x0 = 1 mod p.
		let x0 = hp.mp.mul_mod(&hp.other_inv, &hp.other_inv);
		let q_sq_p = hp.pp.load(&q_sq);
		let e = hp.pp.mul_mod(&q_sq_p, &x0);
		let mut two = zeros(hp.pp.len());
		two[0] = 2;
		let two = hp.pp.load(&two);
		let correction = sub_mod(&two, &e, hp.pp.modulus());
		let q_sq_inv = hp.pp.mul_mod(&x0, &correction);
		if hp.pp.mul_mod(&q_sq_p, &q_sq_inv)[..] != one_limbs(hp.pp.len())[..] {
			return None;
		}
		Some(SecretKey { p: hp, q: hq, q_sq, q_sq_inv })
	}

	/// `n = p q`.
	fn modulus(&self) -> BigUint {
		let mut n = zeros(self.p.p.len() + self.q.p.len());
		mul_full(&mut n, &self.p.p, &self.q.p);
		to_biguint(&n)
	}

	/// Decryption by CRT, both halves in parallel:
	/// `m = m_q + q ((m_p - m_q) q^-1 mod p)`.
	fn decrypt(&self, c: &[u64]) -> Limbs {
		let (m_p, m_q) = rayon::join(|| self.p.decrypt(c), || self.q.decrypt(c));
		self.crt_n(&m_p, &m_q)
	}

	/// Combines `x_p mod p^2` and `x_q mod q^2` into `x mod n^2`:
	/// `x = x_q + q^2 ((x_p - x_q) (q^2)^-1 mod p^2)`.
	fn crt_squares(&self, x_p: &[u64], x_q: &[u64]) -> Limbs {
		let x_q_p = self.p.pp.load(x_q);
		let diff = sub_mod(x_p, &x_q_p, self.p.pp.modulus());
		let h = self.p.pp.mul_mod(&diff, &self.q_sq_inv);
		let mut x = zeros(self.q_sq.len() + h.len() + 1);
		mul_full(&mut x[..self.q_sq.len() + h.len()], &self.q_sq, &h);
		add_into(&mut x, x_q);
		x
	}

	/// Draws the randomness of one fast encryption: `r_p` in `[1, p)`, `r_q` in `[1, q)`.
	fn draw<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> (Limbs, Limbs) {
		(random::nonzero_below(rng, &self.p.p), random::nonzero_below(rng, &self.q.p))
	}

	/// `(1 + m n) r^n mod n^2` for `m < n` (limbs) computed as `(1 + m n) r_p^p mod p^2` and
	/// `(1 + m n) r_q^q mod q^2` in parallel, then CRT. With `r_p`, `r_q` independent and uniform,
	/// the result has the same distribution as a public-key encryption (docs/PAILLIER.md).
	fn encrypt_with(&self, m: &[u64], r: &(Limbs, Limbs)) -> Limbs {
		let (x_p, x_q) = rayon::join(|| self.p.blind(m, &r.0), || self.q.blind(m, &r.1));
		self.crt_squares(&x_p, &x_q)
	}
}

/// A Paillier key pair. The secret half is wiped on drop and never printed.
pub struct Keypair {
	public: PublicKey,
	secret: SecretKey,
}

impl fmt::Debug for Keypair {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("Keypair").field("public", &self.public).field("secret", &"<redacted>").finish()
	}
}

/// Accepted key sizes: a multiple of 8 in `[MIN_MODULUS_BITS, MAX_MODULUS_BITS]`.
fn supported(bits: u32) -> bool {
	(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) && bits.is_multiple_of(8)
}

impl Keypair {
	/// Generates a key pair with a modulus of exactly `bits` bits (a multiple of 8 from 2048 to
	/// 4096; 2048 and 3072 are the usual choices).
	///
	/// `p` and `q` are independent random Blum primes (`3 mod 4`, so that `N` is a
	/// Paillier-Blum modulus the key proofs can certify) of `bits / 2` bits with their two top
	/// bits set,
	/// generated in parallel, each from its own ChaCha20 stream seeded from `rng`; `p != q` and
	/// `gcd(n, (p - 1)(q - 1)) = 1` are checked (the latter always holds for distinct primes of
	/// equal length, but costs nothing to confirm).
	pub fn generate<R: CryptoRng + ?Sized>(bits: u32, rng: &mut R) -> Result<Keypair, KeyGenError> {
		if !supported(bits) {
			return Err(KeyGenError::UnsupportedSize);
		}
		let half = bits / 2;
		loop {
			let mut seeds = Zeroizing::new([[0u8; 32]; 2]);
			rng.fill_bytes(&mut seeds[0]);
			rng.fill_bytes(&mut seeds[1]);
			let mut rng_p = ChaCha20Rng::from_seed(seeds[0]);
			let mut rng_q = ChaCha20Rng::from_seed(seeds[1]);
			let (p, q) = rayon::join(|| primes::random_blum_prime(half, &mut rng_p), || primes::random_blum_prime(half, &mut rng_q));
			// The generator states could replay p and q and rand_chacha does not wipe them on
			// drop: overwrite them in place.
			wipe(&mut rng_p);
			wipe(&mut rng_q);
			if let Ok(keypair) = Keypair::from_primes(&p, &q, bits) {
				return Ok(keypair);
			}
		}
	}

	/// Builds a key pair from two primes, checking everything except primality.
	fn from_primes(p: &[u64], q: &[u64], bits: u32) -> Result<Keypair, SecretKeyError> {
		let half = (bits / 2) as usize;
		if bit_len(p) != half || bit_len(q) != half {
			return Err(SecretKeyError::PrimeSize);
		}
		if p[0] & 1 == 0 || q[0] & 1 == 0 {
			return Err(SecretKeyError::NotPrime);
		}
		if trimmed(p)[..] == trimmed(q)[..] {
			return Err(SecretKeyError::EqualPrimes);
		}
		// For primes, gcd(pq, (p-1)(q-1)) != 1 exactly when p | q - 1 or q | p - 1.
		if divides(p, q) || divides(q, p) {
			return Err(SecretKeyError::NotCoprime);
		}
		let secret = SecretKey::new(p, q).ok_or(SecretKeyError::NotPrime)?;
		let n = secret.modulus();
		if n.bits() != bits as u64 {
			return Err(SecretKeyError::ModulusSize);
		}
		Ok(Keypair { public: PublicKey::from_modulus(n, bits), secret })
	}

	/// The public key.
	pub fn public(&self) -> &PublicKey {
		&self.public
	}

	/// Serialises the secret key: version byte `1`, the modulus size as a big-endian `u16`,
	/// then `p` and `q` big-endian, `ceil(bits / 16)` bytes each. Wiped when dropped.
	pub fn to_secret_bytes(&self) -> Zeroizing<Vec<u8>> {
		let bits = self.public.modulus_bits();
		let width = bits.div_ceil(16) as usize;
		let mut out = Zeroizing::new(Vec::with_capacity(3 + 2 * width));
		out.push(SECRET_KEY_VERSION);
		out.extend_from_slice(&(bits as u16).to_be_bytes());
		out.extend_from_slice(&limbs_to_be(&self.secret.p.p, width));
		out.extend_from_slice(&limbs_to_be(&self.secret.q.p, width));
		out
	}

	/// Parses and fully validates a secret key written by [`Keypair::to_secret_bytes`]
	/// (including Baillie-PSW primality of `p` and `q`, a few milliseconds).
	pub fn from_secret_bytes(bytes: &[u8]) -> Result<Keypair, SecretKeyError> {
		let (&version, rest) = bytes.split_first().ok_or(SecretKeyError::WrongLength)?;
		if version != SECRET_KEY_VERSION {
			return Err(SecretKeyError::UnsupportedVersion);
		}
		if rest.len() < 2 {
			return Err(SecretKeyError::WrongLength);
		}
		let bits = u16::from_be_bytes([rest[0], rest[1]]) as u32;
		if !supported(bits) {
			return Err(SecretKeyError::UnsupportedSize);
		}
		let width = bits.div_ceil(16) as usize;
		let body = &rest[2..];
		if body.len() != 2 * width {
			return Err(SecretKeyError::WrongLength);
		}
		let limbs = (bits as usize / 2).div_ceil(64);
		let p = limbs_from_be(&body[..width], limbs).ok_or(SecretKeyError::PrimeSize)?;
		let q = limbs_from_be(&body[width..], limbs).ok_or(SecretKeyError::PrimeSize)?;
		let keypair = Keypair::from_primes(&p, &q, bits)?;
		if !primes::is_prime(&p) || !primes::is_prime(&q) {
			return Err(SecretKeyError::NotPrime);
		}
		Ok(keypair)
	}

	/// Fast encryption by the key holder, several times cheaper than [`PublicKey::encrypt`]:
	/// CRT over `p^2` and `q^2` with `r^p`, `r^q` in place of `r^n`, halves in parallel.
	pub fn encrypt<R: CryptoRng + ?Sized>(&self, m: &BigUint, rng: &mut R) -> Ciphertext {
		let r = self.secret.draw(rng);
		let m: Vec<u64> = (m % self.public.n()).iter_u64_digits().collect();
		Ciphertext(to_biguint(&self.secret.encrypt_with(&m, &r)))
	}

	/// [`Keypair::encrypt`] of a `u64`.
	pub fn encrypt_u64<R: CryptoRng + ?Sized>(&self, m: u64, rng: &mut R) -> Ciphertext {
		self.encrypt(&BigUint::from(m), rng)
	}

	/// [`Keypair::encrypt`] of a signed value (negative `m` is encrypted as `n - |m|`).
	pub fn encrypt_signed<R: CryptoRng + ?Sized>(&self, m: &BigInt, rng: &mut R) -> Ciphertext {
		self.encrypt(&self.public.plaintext(m), rng)
	}

	/// Encrypts many values, in parallel over the values (randomness is drawn from `rng` first).
	pub fn encrypt_many<R: CryptoRng + ?Sized>(&self, values: &[u64], rng: &mut R) -> Vec<Ciphertext> {
		let draws: Vec<(Limbs, Limbs)> = values.iter().map(|_| self.secret.draw(rng)).collect();
		values
			.par_iter()
			.zip(draws.par_iter())
			.map(|(&m, r)| Ciphertext(to_biguint(&self.secret.encrypt_with(&[m], r))))
			.collect()
	}

	/// Re-randomisation by the key holder: `c r^n` with `r^n` from the fast path.
	pub fn rerandomize<R: CryptoRng + ?Sized>(&self, c: &Ciphertext, rng: &mut R) -> Ciphertext {
		let r = self.secret.draw(rng);
		let r_n = self.secret.encrypt_with(&[], &r);
		Ciphertext(to_biguint(&self.public.ctx.nn.mul_mod(&self.public.residue(c), &r_n)))
	}

	/// Decrypts to the plaintext in `[0, n)` (CRT over `p^2` and `q^2`, halves in parallel).
	/// A ciphertext of another key decrypts to a meaningless value.
	pub fn decrypt(&self, c: &Ciphertext) -> BigUint {
		to_biguint(&self.decrypt_limbs(c))
	}

	pub(crate) fn decrypt_limbs(&self, c: &Ciphertext) -> Limbs {
		let digits = Zeroizing::new(c.0.iter_u64_digits().collect::<Vec<u64>>());
		self.secret.decrypt(&digits)
	}

	/// Decrypts with the signed reading of PROTOCOL.md 3.1: `x > n / 2` stands for `x - n`.
	pub fn decrypt_signed(&self, c: &Ciphertext) -> BigInt {
		let x = self.decrypt(c);
		let n = self.public.n();
		if x > (n >> 1u32) {
			BigInt::from_biguint(Sign::Minus, n - &x)
		} else {
			BigInt::from_biguint(Sign::Plus, x)
		}
	}

	/// [`Keypair::decrypt_signed`] as an `i128`, or `None` if it does not fit.
	pub fn decrypt_i128(&self, c: &Ciphertext) -> Option<i128> {
		self.decrypt_signed(c).to_i128()
	}
}

/// Overwrites a generator's state in place (best effort: `black_box` keeps the store alive).
fn wipe(rng: &mut ChaCha20Rng) {
	*rng = ChaCha20Rng::from_seed([0; 32]);
	core::hint::black_box(rng);
}

/// `a | b - 1` for odd `a > 1` and `b >= 1`, with our own arithmetic (the values are secret).
fn divides(a: &[u64], b: &[u64]) -> bool {
	let Some(ctx) = Mont::new(&trimmed(a)) else { return false };
	let mut b_minus_1 = Zeroizing::new(b.to_vec());
	sub_assign(&mut b_minus_1, &one_limbs(b.len()));
	ctx.load(&b_minus_1).iter().all(|&w| w == 0)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn divisibility_rule() {
		// 3 | 7 - 1 and 5 | 11 - 1: the gcd condition fails for such pairs.
		assert!(divides(&[3], &[7]));
		assert!(divides(&[5], &[11]));
		assert!(!divides(&[5], &[7]));
		assert!(!divides(&[7], &[3]));
		// 2^84 is not a multiple of 3; leading zero limbs do not matter.
		assert!(!divides(&[3, 0], &[1, 1 << 20]));
		assert!(divides(&[3, 0], &[1, 3 << 20]) == (3u128 << 84).is_multiple_of(3));
	}
}
