//! Encryption, decryption and the homomorphic laws.

use crate::common::*;
use medshare_paillier::{Ciphertext, Keypair};
use num_bigint::{BigInt, BigUint, Sign};
use proptest::prelude::*;

fn n() -> BigUint {
	holder().public().n().clone()
}

/// Both the public-key and the key holder's encryption.
fn both(k: &Keypair, m: &BigUint) -> [Ciphertext; 2] {
	[k.public().encrypt(m, &mut rng()), k.encrypt(m, &mut rng())]
}

proptest! {
	#![proptest_config(cases(16))]

	#[test]
	fn decrypt_inverts_encrypt(m in plaintext()) {
		let k = holder();
		for c in both(k, &m) {
			prop_assert_eq!(k.decrypt(&c), m.clone());
			// Every ciphertext we produce passes the validation applied to untrusted ones.
			prop_assert_eq!(k.public().ciphertext_from_bytes(&c.to_bytes(k.public())), Ok(c.clone()));
		}
	}

	#[test]
	fn add_is_plaintext_addition(a in plaintext(), b in plaintext()) {
		let k = holder();
		let [ca, _] = both(k, &a);
		let [_, cb] = both(k, &b);
		prop_assert_eq!(k.decrypt(&k.public().add(&ca, &cb)), (&a + &b) % n());
	}

	#[test]
	fn scalar_multiplication(a in plaintext(), s in any::<i64>()) {
		let k = holder();
		let c = k.encrypt(&a, &mut rng());
		let product = k.public().mul_scalar(&c, &BigInt::from(s)).unwrap();
		let expected = (BigInt::from_biguint(Sign::Plus, a.clone()) * s).mod_floor_n();
		prop_assert_eq!(k.decrypt(&product), expected);
		let unsigned = k.public().mul_scalar_u64(&c, s.unsigned_abs());
		prop_assert_eq!(k.decrypt(&unsigned), (&a * s.unsigned_abs()) % n());
	}

	#[test]
	fn negation_and_subtraction(a in plaintext(), b in plaintext()) {
		let k = holder();
		let (ca, cb) = (k.encrypt(&a, &mut rng()), k.public().encrypt(&b, &mut rng()));
		let neg = k.public().neg(&ca).unwrap();
		prop_assert_eq!(k.decrypt(&k.public().add(&neg, &ca)), BigUint::ZERO);
		prop_assert_eq!(k.decrypt(&neg), (n() - &a) % n());
		let diff = k.public().sub(&ca, &cb).unwrap();
		prop_assert_eq!(k.decrypt(&diff), (&a + n() - &b) % n());
	}

	#[test]
	fn plaintext_constants(a in plaintext(), s in any::<i64>()) {
		let k = holder();
		let c = k.encrypt(&a, &mut rng());
		let shifted = k.public().add_plain(&c, &BigInt::from(s));
		let expected = (BigInt::from_biguint(Sign::Plus, a) + s).mod_floor_n();
		prop_assert_eq!(k.decrypt(&shifted), expected);
	}

	#[test]
	fn signed_values_round_trip(v in any::<i64>()) {
		let k = holder();
		prop_assert_eq!(k.decrypt_i128(&k.public().encrypt_i64(v, &mut rng())), Some(v as i128));
		prop_assert_eq!(k.decrypt_i128(&k.encrypt_signed(&BigInt::from(v), &mut rng())), Some(v as i128));
		// E(v) E(-v) = E(0).
		let sum = k.public().add(&k.public().encrypt_i64(v, &mut rng()), &k.encrypt_signed(&BigInt::from(-(v as i128)), &mut rng()));
		prop_assert_eq!(k.decrypt_signed(&sum), BigInt::from(0));
	}

	#[test]
	fn rerandomisation_changes_bytes_not_plaintext(m in plaintext()) {
		let k = holder();
		let c = k.public().encrypt(&m, &mut rng());
		for fresh in [k.public().rerandomize(&c, &mut rng()), k.rerandomize(&c, &mut rng())] {
			prop_assert_ne!(fresh.to_bytes(k.public()), c.to_bytes(k.public()));
			prop_assert_eq!(k.decrypt(&fresh), m.clone());
		}
	}
}

/// `x mod n` for a signed `x`, as the plaintext a homomorphic result should hold.
trait ModN {
	fn mod_floor_n(self) -> BigUint;
}

impl ModN for BigInt {
	fn mod_floor_n(self) -> BigUint {
		let n = BigInt::from_biguint(Sign::Plus, n());
		let r = ((self % &n) + &n) % &n;
		r.to_biguint().expect("non-negative after adding n")
	}
}

#[test]
fn encryption_is_randomised() {
	let k = holder();
	let m = BigUint::from(42u32);
	let a = k.encrypt(&m, &mut rng());
	let b = k.encrypt(&m, &mut rng());
	let c = k.public().encrypt(&m, &mut rng());
	assert_ne!(a, b);
	assert_ne!(a, c);
	assert!(a.as_biguint() < k.public().n_squared());
}

#[test]
fn plaintext_edges() {
	let k = holder();
	let n = n();
	for m in [BigUint::ZERO, BigUint::from(1u32), &n - 1u32, &n >> 1u32, (&n >> 1u32) + 1u32] {
		for c in both(k, &m) {
			assert_eq!(k.decrypt(&c), m);
		}
	}
	// Plaintexts are taken modulo n.
	assert_eq!(k.decrypt(&k.encrypt(&(&n + 5u32), &mut rng())), BigUint::from(5u32));
	// The signed reading: n/2 is positive, n/2 + 1 negative.
	let half = &n >> 1u32;
	assert_eq!(k.decrypt_signed(&k.encrypt(&half, &mut rng())), BigInt::from_biguint(Sign::Plus, half.clone()));
	assert_eq!(k.decrypt_signed(&k.encrypt(&(&half + 1u32), &mut rng())), -BigInt::from_biguint(Sign::Plus, half));
	assert_eq!(k.decrypt_i128(&k.encrypt(&(&n - 1u32), &mut rng())), Some(-1));
	assert_eq!(k.decrypt_i128(&k.encrypt(&(&n >> 2u32), &mut rng())), None, "too large for i128");
}

#[test]
fn many_values_encrypt_in_parallel() {
	let k = holder();
	let values: Vec<u64> = (0..40).map(|i| i * 1_000_003).collect();
	let cts = k.encrypt_many(&values, &mut rng());
	assert_eq!(cts.len(), values.len());
	for (c, v) in cts.iter().zip(&values) {
		assert_eq!(k.decrypt(c), BigUint::from(*v));
	}
}

#[test]
fn ciphertexts_of_another_key_never_panic() {
	let (a, b) = (holder(), institution());
	let c = b.encrypt_u64(7, &mut rng());
	// Meaningless results, but no panic, and the encodings keep their width.
	let _ = a.decrypt(&c);
	let _ = a.public().add(&c, &c);
	let _ = a.public().neg(&c);
	let _ = a.public().rerandomize(&c, &mut rng());
	assert_eq!(c.to_bytes(a.public()).len(), a.public().ciphertext_byte_len());
	// Zero is no ciphertext: inversion reports it instead of panicking.
	let zero = a.public().ciphertext_from_bytes(&vec![0; 512]);
	assert!(zero.is_err());
}
