//! Prime generation and primality checks for secret keys, through crypto-primes.
//!
//! Candidates are odd, exactly `bits` long with the two top bits set (so the product of two of
//! them has exactly `2 bits` bits), and are searched by an incremental sieve over small primes
//! from a random start; survivors face crypto-primes' Baillie-PSW test (Miller-Rabin base 2 and
//! a strong Lucas test, Baillie-Fiori-Wagstaff 2021), which has no known counterexample.

use crypto_bigint::BoxedUint;
use crypto_primes::hazmat::{SetBits, SmallFactorsSieveFactory};
use crypto_primes::Flavor;
use rand_core_010::CryptoRng;
use zeroize::Zeroize;

use crate::mont::{limbs_from_be, Limbs};

/// A random prime of exactly `bits` bits (`bits >= 2`) with its top two bits set.
pub(crate) fn random_prime<R: CryptoRng + ?Sized>(bits: u32, rng: &mut R) -> Limbs {
	let factory = SmallFactorsSieveFactory::<BoxedUint>::new(Flavor::Any, bits, SetBits::TwoMsb)
		.expect("bit lengths of 1024 and up are accepted by the sieve");
	let mut prime = crypto_primes::sieve_and_find(rng, factory, |_, candidate| crypto_primes::is_prime(Flavor::Any, candidate))
		.expect("the sieve never fails on a cryptographic RNG")
		.expect("the small-factor sieve never runs dry");
	let limbs = to_limbs(&prime, bits);
	prime.zeroize();
	limbs
}

/// A random Blum prime (`p = 3 mod 4`) of exactly `bits` bits with its top two bits set: a
/// Paillier-Blum modulus `N = p q` is what the modulus proof (Pi^mod) certifies. Half of all
/// primes qualify, so this draws two primes on average.
pub(crate) fn random_blum_prime<R: CryptoRng + ?Sized>(bits: u32, rng: &mut R) -> Limbs {
	loop {
		let p = random_prime(bits, rng);
		if p[0] & 3 == 3 {
			return p;
		}
	}
}

/// Baillie-PSW primality of a (secret) number given as limbs.
pub(crate) fn is_prime(p: &[u64]) -> bool {
	let mut bytes = zeroize::Zeroizing::new(alloc::vec::Vec::with_capacity(p.len() * 8));
	for w in p.iter().rev() {
		bytes.extend_from_slice(&w.to_be_bytes());
	}
	let mut candidate = BoxedUint::from_be_slice_vartime(&bytes);
	let result = crypto_primes::is_prime(Flavor::Any, &candidate);
	candidate.zeroize();
	result
}

fn to_limbs(x: &BoxedUint, bits: u32) -> Limbs {
	let mut bytes = x.to_be_bytes();
	let limbs = limbs_from_be(&bytes, (bits as usize).div_ceil(64)).expect("a prime of `bits` bits fits its limb count");
	bytes.zeroize();
	limbs
}
