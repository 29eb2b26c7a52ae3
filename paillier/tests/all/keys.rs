//! Key generation and secret key serialisation.

use crate::common::*;
use medshare_paillier::{KeyGenError, Keypair, PublicKey, SecretKeyError};
use num_bigint::BigUint;

/// (bits, p, q) from a secret key encoding.
fn split(bytes: &[u8]) -> (u32, BigUint, BigUint) {
	let bits = u16::from_be_bytes([bytes[1], bytes[2]]) as u32;
	let w = bits.div_ceil(16) as usize;
	(bits, BigUint::from_bytes_be(&bytes[3..3 + w]), BigUint::from_bytes_be(&bytes[3 + w..3 + 2 * w]))
}

fn encode(bits: u32, p: &BigUint, q: &BigUint) -> Vec<u8> {
	let w = bits.div_ceil(16) as usize;
	let mut out = vec![1u8];
	out.extend_from_slice(&(bits as u16).to_be_bytes());
	for x in [p, q] {
		let b = x.to_bytes_be();
		assert!(b.len() <= w);
		out.extend(std::iter::repeat_n(0u8, w - b.len()));
		out.extend_from_slice(&b);
	}
	out
}

fn check_structure(k: &Keypair, bits: u32) {
	let pk = k.public();
	assert_eq!(pk.modulus_bits(), bits);
	assert_eq!(pk.n().bits(), bits as u64, "exact size");
	assert_eq!(pk.to_bytes().len() as u32, bits / 8);
	assert_eq!(PublicKey::from_bytes(&pk.to_bytes()).as_ref(), Ok(pk));
	let secret = k.to_secret_bytes();
	let (b, p, q) = split(&secret);
	assert_eq!(b, bits);
	assert_ne!(p, q);
	assert_eq!(&p * &q, *pk.n());
	for x in [&p, &q] {
		assert_eq!(x.bits(), bits as u64 / 2, "equal lengths");
		assert!(x.bit(bits as u64 / 2 - 2), "second top bit set");
		assert!(x.bit(0));
	}
}

#[test]
fn generated_keys_have_the_promised_structure() {
	check_structure(holder(), 2048);
	check_structure(institution(), 2048);
	assert_ne!(holder().public(), institution().public());
}

#[test]
fn keys_of_3072_bits() {
	let k = Keypair::generate(3072, &mut rng()).unwrap();
	check_structure(&k, 3072);
	let c = k.encrypt_u64(31337, &mut rng());
	assert_eq!(c.to_bytes(k.public()).len(), 768);
	assert_eq!(k.decrypt(&c), BigUint::from(31337u32));
	assert_eq!(k.decrypt(&k.public().encrypt_u64(7, &mut rng())), BigUint::from(7u32));
}

#[test]
fn unsupported_sizes() {
	for bits in [0, 1024, 2040, 2047, 2050, 4104, 8192] {
		assert_eq!(Keypair::generate(bits, &mut rng()).unwrap_err(), KeyGenError::UnsupportedSize, "{bits}");
	}
}

#[test]
fn secret_key_round_trip() {
	let k = holder();
	let restored = Keypair::from_secret_bytes(&k.to_secret_bytes()).unwrap();
	assert_eq!(restored.public(), k.public());
	let c = k.public().encrypt_u64(2024, &mut rng());
	assert_eq!(restored.decrypt(&c), BigUint::from(2024u32));
	assert_eq!(k.decrypt(&restored.encrypt_u64(5, &mut rng())), BigUint::from(5u32));
}

#[test]
fn secret_key_rules() {
	let good = holder().to_secret_bytes().to_vec();
	let (bits, p, q) = split(&good);
	let reject = |bytes: &[u8]| Keypair::from_secret_bytes(bytes).map(|_| ()).unwrap_err();

	assert_eq!(reject(&[]), SecretKeyError::WrongLength);
	assert_eq!(reject(&good[..2]), SecretKeyError::WrongLength);
	assert_eq!(reject(&good[..good.len() - 1]), SecretKeyError::WrongLength);
	let mut longer = good.clone();
	longer.push(0);
	assert_eq!(reject(&longer), SecretKeyError::WrongLength);

	let mut v2 = good.clone();
	v2[0] = 2;
	assert_eq!(reject(&v2), SecretKeyError::UnsupportedVersion);

	for bad_bits in [1024u16, 2050, 8192] {
		let mut b = good.clone();
		b[1..3].copy_from_slice(&bad_bits.to_be_bytes());
		assert_eq!(reject(&b), SecretKeyError::UnsupportedSize, "{bad_bits}");
	}

	// p one bit short.
	assert_eq!(reject(&encode(bits, &(&p >> 1u32), &q)), SecretKeyError::PrimeSize);
	// 2^1024 - 1 is divisible by 3.
	let composite = (BigUint::from(1u32) << 1024u32) - 1u32;
	assert_eq!(reject(&encode(bits, &composite, &q)), SecretKeyError::NotPrime);
	// An even p.
	assert_eq!(reject(&encode(bits, &(&p + 1u32), &q)), SecretKeyError::NotPrime);
	assert_eq!(reject(&encode(bits, &p, &p)), SecretKeyError::EqualPrimes);
	// Two primes of 1024 bits whose product has only 2047 bits.
	let (small_p, small_q) = short_product_primes();
	assert_eq!(reject(&encode(bits, &small_p, &small_q)), SecretKeyError::ModulusSize);
}

/// Two 1024-bit primes whose product has 2047 bits (only their top bit set).
fn short_product_primes() -> (BigUint, BigUint) {
	use crypto_bigint::BoxedUint;
	use crypto_primes::{random_prime, Flavor};
	let mut rng = rng();
	loop {
		let a: BoxedUint = random_prime(&mut rng, Flavor::Any, 1024);
		let b: BoxedUint = random_prime(&mut rng, Flavor::Any, 1024);
		let (a, b) = (BigUint::from_bytes_be(&a.to_be_bytes()), BigUint::from_bytes_be(&b.to_be_bytes()));
		if (&a * &b).bits() == 2047 {
			return (a, b);
		}
	}
}

#[test]
fn debug_never_prints_secrets() {
	let k = holder();
	let shown = format!("{k:?}");
	let (_, p, q) = split(&k.to_secret_bytes());
	assert!(shown.contains("redacted"));
	for secret in [p, q] {
		let hex = format!("{secret:x}");
		assert!(!shown.contains(&hex[..16]), "{shown}");
		assert!(!shown.contains(&secret.to_string()[..16]));
	}
}
