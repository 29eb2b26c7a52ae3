//! Malformed moduli that pass every structural check of [`PublicKey::from_bytes`], and the
//! best provers their owners can run, for tests that show the key proofs refuse them
//! (feature `test-attacks`, never enabled in a build that ships).
//!
//! The forging prover knows the full factorisation and answers every challenge it can: an
//! `N`-th root wherever `y` has one, a fourth root of whichever of `y, -y, wy, -wy` is a square
//! modulo every prime. It succeeds exactly where the modulus is well formed, so what it fails
//! to answer is what the proof is there to catch.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};
use rand_core_010::CryptoRng;

use super::modulus::{self, Round};
use super::ring_pedersen::RingPedersen;
use super::{ProofContext, KEY_PROOF_ROUNDS, NTH_ROOT_ROUNDS};
use crate::ciphertext::to_fixed_be;
use crate::mont::to_biguint;
use crate::wire::EncodedRingPedersen;
use crate::PublicKey;

/// A modulus with its factorisation into prime powers.
#[derive(Clone, Debug)]
pub struct FactoredModulus {
	/// The modulus.
	pub n: BigUint,
	/// `(prime, exponent)` pairs whose product is `n`.
	pub factors: Vec<(BigUint, u32)>,
}

impl FactoredModulus {
	/// The modulus as a key; panics if it fails the structural checks (these moduli are built
	/// to pass them).
	pub fn public_key(&self) -> PublicKey {
		PublicKey::from_bytes(&self.n.to_bytes_be()).expect("the attack modulus passes the structural checks")
	}
}

fn to_boxed(x: &BigUint) -> crypto_bigint::BoxedUint {
	crypto_bigint::BoxedUint::from_be_slice_vartime(&x.to_bytes_be())
}

/// Baillie-PSW primality.
fn is_prime(x: &BigUint) -> bool {
	crypto_primes::is_prime(crypto_primes::Flavor::Any, &to_boxed(x))
}

/// A random prime of `bits` bits, top two bits set, `= residue mod modulus`.
fn prime<R: CryptoRng + ?Sized>(bits: u32, residue: u32, modulus: u32, rng: &mut R) -> BigUint {
	loop {
		let p = to_biguint(&crate::primes::random_prime(bits, rng));
		if &p % modulus == BigUint::from(residue) {
			return p;
		}
	}
}

/// A random number of exactly `bits` bits.
fn random_bits<R: CryptoRng + ?Sized>(bits: u64, rng: &mut R) -> BigUint {
	let mut bytes = vec![0u8; bits.div_ceil(8) as usize];
	rng.fill_bytes(&mut bytes);
	(BigUint::from_bytes_be(&bytes) % (BigUint::one() << bits)) | (BigUint::one() << (bits - 1))
}

fn build<R: CryptoRng + ?Sized>(bits: u64, rng: &mut R, draw: impl Fn(&mut R) -> Vec<(BigUint, u32)>) -> FactoredModulus {
	loop {
		let factors = draw(rng);
		let n = factors.iter().fold(BigUint::one(), |acc, (p, k)| acc * p.pow(*k));
		if n.bits() == bits {
			return FactoredModulus { n, factors };
		}
	}
}

/// Version 1's attack modulus (PROTOCOL.md 6): `N = p Q p2` with `Q` the product of nine
/// primes of about 20 bits dividing `p - 1`, so `gcd(N, phi(N)) >= Q`: every factor is above
/// 10,000 and `N` is not a square, so the structural checks pass.
pub fn smooth_subgroup_modulus<R: CryptoRng + ?Sized>(bits: u64, rng: &mut R) -> FactoredModulus {
	build(bits, rng, |rng| {
		let small: Vec<BigUint> = (0..9).map(|_| prime(20, 3, 4, rng)).collect();
		let q = small.iter().fold(BigUint::one(), |acc, r| acc * r);
		let p_bits = (bits - q.bits()) / 2;
		let k_bits = p_bits - q.bits() - 1;
		let p = loop {
			let k = random_bits(k_bits, rng);
			let candidate = BigUint::from(2u32) * &q * k + 1u32;
			if is_prime(&candidate) {
				break candidate;
			}
		};
		let p2 = prime((bits - p.bits() - q.bits()) as u32, 3, 4, rng);
		let mut factors: Vec<(BigUint, u32)> = small.into_iter().map(|r| (r, 1)).collect();
		factors.push((p, 1));
		factors.push((p2, 1));
		factors
	})
}

/// A prime power `p^3` (not a square, so the structural checks pass).
pub fn prime_cube_modulus<R: CryptoRng + ?Sized>(bits: u64, rng: &mut R) -> FactoredModulus {
	// p^3 of a prime with its top two bits set has 3 |p| - 1 or 3 |p| bits.
	build(bits, rng, |rng| vec![(prime(bits.div_ceil(3) as u32, 3, 4, rng), 3)])
}

/// `p^2 q`: two Blum primes, one of them squared.
pub fn squared_factor_modulus<R: CryptoRng + ?Sized>(bits: u64, rng: &mut R) -> FactoredModulus {
	let third = bits.div_ceil(3) as u32;
	build(bits, rng, |rng| vec![(prime(third, 3, 4, rng), 2), (prime(bits as u32 - 2 * third, 3, 4, rng), 1)])
}

/// A square-free product of three Blum primes.
pub fn three_prime_modulus<R: CryptoRng + ?Sized>(bits: u64, rng: &mut R) -> FactoredModulus {
	let third = bits.div_ceil(3) as u32;
	let sizes = [third, third, bits as u32 - 2 * third];
	build(bits, rng, |rng| sizes.iter().map(|&size| (prime(size, 3, 4, rng), 1)).collect())
}

/// `p q` with `p = 5 mod 8` (so not a Blum integer) and `q = 3 mod 4`.
pub fn non_blum_modulus<R: CryptoRng + ?Sized>(bits: u64, rng: &mut R) -> FactoredModulus {
	build(bits, rng, |rng| vec![(prime((bits / 2) as u32, 5, 8, rng), 1), (prime((bits / 2) as u32, 3, 4, rng), 1)])
}

/// A prime `= 3 mod 4` of `bits` bits.
pub fn prime_modulus<R: CryptoRng + ?Sized>(bits: u64, rng: &mut R) -> FactoredModulus {
	build(bits, rng, |rng| vec![(prime(bits as u32, 3, 4, rng), 1)])
}

/// `y^e mod m`.
fn pow(y: &BigUint, e: &BigUint, m: &BigUint) -> BigUint {
	y.modpow(e, m)
}

/// The Chinese remainder of `residues[j] mod moduli[j]` (pairwise coprime).
fn crt(residues: &[BigUint], moduli: &[BigUint]) -> BigUint {
	let n = moduli.iter().fold(BigUint::one(), |acc, m| acc * m);
	residues.iter().zip(moduli).fold(BigUint::zero(), |acc, (r, m)| {
		let rest = &n / m;
		let inverse = (&rest % m).modinv(m).unwrap_or_default();
		(acc + r * &rest % &n * inverse) % &n
	})
}

fn is_square_mod_prime(v: &BigUint, p: &BigUint) -> bool {
	let v = v % p;
	!v.is_zero() && pow(&v, &((p - 1u32) >> 1), p).is_one()
}

/// The forging prover's answers for `factored` to `ys`, with `N`-th roots in the first
/// [`NTH_ROOT_ROUNDS`] rounds.
pub fn forge_modulus_rounds(factored: &FactoredModulus, w: &BigUint, ys: &[BigUint]) -> Vec<Round> {
	let n = &factored.n;
	let moduli: Vec<BigUint> = factored.factors.iter().map(|(p, k)| p.pow(*k)).collect();
	let orders: Vec<BigUint> = factored.factors.iter().map(|(p, k)| p.pow(k - 1) * (p - 1u32)).collect();
	// N-th roots exist on the part of each group whose order is coprime to N.
	let nth_exponents: Vec<BigUint> = orders
		.iter()
		.map(|order| {
			let mut coprime = order.clone();
			loop {
				let g = coprime.gcd(n);
				if g.is_one() {
					break;
				}
				coprime /= g;
			}
			n.modinv(&coprime).unwrap_or_default()
		})
		.collect();
	// Fourth roots exist on the odd-order part: 4^-1 modulo the odd part of each order.
	let fourth_exponents: Vec<BigUint> = orders
		.iter()
		.map(|order| {
			let odd = order >> order.trailing_zeros().unwrap_or(0);
			BigUint::from(4u32).modinv(&odd).unwrap_or_default()
		})
		.collect();
	ys.iter()
		.enumerate()
		.map(|(i, y)| {
			let z = (i < NTH_ROOT_ROUNDS).then(|| {
				let parts: Vec<BigUint> =
					moduli.iter().zip(&nth_exponents).map(|(m, d)| pow(&(y % m), d, m)).collect();
				crt(&parts, &moduli)
			});
			let candidates = [(false, false), (true, false), (false, true), (true, true)];
			let adjusted = |a: bool, b: bool| {
				let v = if b { y * w % n } else { y.clone() };
				if a && !v.is_zero() {
					n - v
				} else {
					v
				}
			};
			let (a, b) = candidates
				.into_iter()
				.find(|&(a, b)| factored.factors.iter().all(|(p, _)| is_square_mod_prime(&adjusted(a, b), p)))
				.unwrap_or((false, false));
			let v = adjusted(a, b);
			let parts: Vec<BigUint> = moduli.iter().zip(&fourth_exponents).map(|(m, e)| pow(&(&v % m), e, m)).collect();
			Round { x: crt(&parts, &moduli), a, b, z }
		})
		.collect()
}

/// A complete modulus proof for `factored` under `context` from the forging prover.
pub fn forge_modulus_proof<R: CryptoRng + ?Sized>(factored: &FactoredModulus, context: &ProofContext, rng: &mut R) -> Vec<u8> {
	let n = &factored.n;
	let width = (n.bits() as usize).div_ceil(8);
	let modulus = to_fixed_be(n, width);
	// w with Jacobi symbol -1, as an honest prover would send.
	let w = loop {
		let candidate = to_biguint(&crate::random::nonzero_below(rng, &crate::mont::limbs_of(n, width.div_ceil(8)).unwrap_or_default()));
		let jacobi: i32 = factored
			.factors
			.iter()
			.map(|(p, k)| if is_square_mod_prime(&candidate, p) { 1 } else if (k % 2) == 1 { -1 } else { 1 })
			.product();
		if jacobi == -1 && candidate.gcd(n).is_one() {
			break candidate;
		}
	};
	let ys = modulus::challenges(context, n, &modulus, &w);
	modulus::encode(&w, &forge_modulus_rounds(factored, &w, &ys), width)
}

/// Ring-Pedersen parameters whose first base is `s_1 = -t^lambda`, outside `<t>` (a square `t`
/// of a Blum modulus never generates -1; the other bases are honest), and the forging prover's
/// Pi^prm: each round guesses its challenge bit for `s_1` and prepares `A_i = t^a_i s_1^-guess`,
/// answering the other bases honestly; a round verifies only if the guess was right
/// (probability `2^-80` for all rounds).
pub fn forge_ring_pedersen<R: CryptoRng + ?Sized>(
	key: &PublicKey,
	context: &super::ProofContext,
	rng: &mut R,
) -> (EncodedRingPedersen, Vec<u8>) {
	let n = key.n();
	let width = key.byte_len();
	let limbs = crate::mont::limbs_of(n, width.div_ceil(8)).unwrap_or_default();
	let tau = to_biguint(&crate::random::nonzero_below(rng, &limbs));
	let t = &tau * &tau % n;
	let bases = crate::layout::cmp_ring_pedersen_bases(key.modulus_bits()) as usize;
	// Exponents below N / 64, so that a + sum lambda_b stays below N without a reduction (the
	// forger could reduce modulo phi(N), which it knows; this is simpler and as strong).
	let small = |rng: &mut R| to_biguint(&crate::random::below(rng, &limbs)) >> 6u32;
	let lambdas: Vec<BigUint> = (0..bases).map(|_| small(rng)).collect();
	let mut s: Vec<BigUint> = lambdas.iter().map(|l| pow(&t, l, n)).collect();
	s[0] = n - &s[0];
	let s_inverse = s[0].modinv(n).unwrap_or_default();
	let params = RingPedersen { n: n.clone(), s, t };
	let mut commitments = Vec::with_capacity(KEY_PROOF_ROUNDS);
	let mut masks = Vec::with_capacity(KEY_PROOF_ROUNDS);
	let mut guesses = Vec::with_capacity(KEY_PROOF_ROUNDS);
	for _ in 0..KEY_PROOF_ROUNDS {
		let a = small(rng);
		let guess = crate::random::u64_below(rng, 2) == 1;
		let base = pow(&params.t, &a, n);
		commitments.push(if guess { base * &s_inverse % n } else { base });
		masks.push(a);
		guesses.push(guess);
	}
	let challenges = super::ring_pedersen::challenges(context, &key.to_bytes(), &params, &commitments);
	let mut proof = Vec::new();
	for x in &commitments {
		proof.extend_from_slice(&to_fixed_be(x, width));
	}
	// z = a + the honest bases' lambdas for the bits drawn; s_1's bit is what the guess covers.
	for (a, round) in masks.iter().zip(challenges.chunks_exact(bases)) {
		let z = round.iter().zip(&lambdas).skip(1).filter(|(&e, _)| e).fold(a.clone(), |z, (_, l)| z + l);
		proof.extend_from_slice(&to_fixed_be(&z, width));
	}
	(params.to_encoded(), proof)
}
