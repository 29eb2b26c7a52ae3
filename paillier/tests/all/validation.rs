//! Every validation rule of PROTOCOL.md 3.1 rejects its bad input with its own error.

use crate::common::*;
use medshare_paillier::{CiphertextError, InvalidCiphertextAt, PublicKey, PublicKeyError};
use num_bigint::BigUint;
use num_traits::{One, Zero};
use rand_010::RngExt;

/// `x` big-endian, left-padded to `width` bytes.
fn fixed(x: &BigUint, width: usize) -> Vec<u8> {
	let b = x.to_bytes_be();
	assert!(b.len() <= width);
	let mut out = vec![0; width - b.len()];
	out.extend_from_slice(&b);
	out
}

/// The holder's secret prime p (from the secret key encoding).
fn secret_p() -> BigUint {
	let bytes = holder().to_secret_bytes();
	BigUint::from_bytes_be(&bytes[3..3 + 128])
}

/// A random `bytes`-long odd number with its top bit set that passes every check.
fn plausible_modulus(bytes: usize) -> Vec<u8> {
	let mut rng = rng();
	loop {
		let mut b = vec![0u8; bytes];
		rng.fill(&mut b[..]);
		b[0] |= 0x80;
		b[bytes - 1] |= 1;
		if PublicKey::from_bytes(&b).is_ok() {
			return b;
		}
	}
}

#[test]
fn valid_keys_are_accepted() {
	let pk = holder().public();
	assert_eq!(PublicKey::from_bytes(&pk.to_bytes()).as_ref(), Ok(pk));
	// Every multiple of 8 bits from 2048 to 4096 is a legal size.
	for bytes in [256, 257, 384, 512] {
		let key = PublicKey::from_bytes(&plausible_modulus(bytes)).unwrap();
		assert_eq!(key.modulus_bits() as usize, 8 * bytes);
		assert_eq!(key.ciphertext_byte_len(), 2 * bytes);
	}
}

#[test]
fn key_length_out_of_range() {
	for len in [0, 1, 128, 255, 513, 1024] {
		let mut b = vec![0xffu8; len];
		if let Some(last) = b.last_mut() {
			*last = 0xfd;
		}
		assert_eq!(PublicKey::from_bytes(&b), Err(PublicKeyError::WrongLength), "length {len}");
	}
}

#[test]
fn key_shorter_than_stated() {
	let mut b = holder().public().to_bytes();
	b[0] &= 0x7f;
	assert_eq!(PublicKey::from_bytes(&b), Err(PublicKeyError::NotExactSize));
	// A 2047-bit key written in 256 bytes, i.e. with a leading zero bit.
	let short = holder().public().n() >> 1u32;
	assert_eq!(PublicKey::from_bytes(&fixed(&short, 256)), Err(PublicKeyError::NotExactSize));
}

#[test]
fn key_even() {
	let mut b = holder().public().to_bytes();
	b[255] &= 0xfe;
	assert_eq!(PublicKey::from_bytes(&b), Err(PublicKeyError::Even));
}

#[test]
fn key_small_factor() {
	let top = BigUint::one() << 2047u32;
	for f in [3u32, 5, 101, 9973] {
		// The smallest odd multiple of f with the top bit set, times a large cofactor.
		let mut x = &top + (f - (&top % f)) % f;
		if !x.bit(0) {
			x += f;
		}
		assert_eq!(PublicKey::from_bytes(&fixed(&x, 256)), Err(PublicKeyError::SmallFactor), "factor {f}");
	}
}

#[test]
fn key_perfect_square() {
	let p = secret_p();
	let square = &p * &p;
	assert_eq!(square.bits(), 2048, "p has its two top bits set, so p^2 has 2048 bits");
	assert_eq!(PublicKey::from_bytes(&fixed(&square, 256)), Err(PublicKeyError::PerfectSquare));
}

#[test]
fn valid_ciphertexts_are_accepted() {
	let pk = holder().public();
	let c = holder().encrypt_u64(99, &mut rng());
	let bytes = c.to_bytes(pk);
	assert_eq!(bytes.len(), 512);
	assert_eq!(pk.ciphertext_from_bytes(&bytes), Ok(c));
	// 1 = E(0; r = 1) is a (trivial) ciphertext.
	assert!(pk.ciphertext_from_bytes(&fixed(&BigUint::one(), 512)).is_ok());
}

#[test]
fn ciphertext_wrong_length() {
	let pk = holder().public();
	let bytes = holder().encrypt_u64(1, &mut rng()).to_bytes(pk);
	for len in [0, 256, 511, 513, 1024] {
		let mut b = bytes.clone();
		b.resize(len, 0);
		assert_eq!(pk.ciphertext_from_bytes(&b), Err(CiphertextError::WrongLength), "length {len}");
	}
}

#[test]
fn ciphertext_not_below_n_squared() {
	let pk = holder().public();
	for c in [pk.n_squared().clone(), pk.n_squared() + 1u32, (BigUint::one() << 4096u32) - 1u32] {
		assert_eq!(pk.ciphertext_from_bytes(&fixed(&c, 512)), Err(CiphertextError::NotBelowModulusSquared));
	}
}

#[test]
fn ciphertext_not_coprime() {
	let pk = holder().public();
	let p = secret_p();
	for c in [BigUint::zero(), pk.n().clone(), p.clone(), &p * 12345u32, pk.n_squared() - pk.n()] {
		assert_eq!(pk.ciphertext_from_bytes(&fixed(&c, 512)), Err(CiphertextError::NotCoprime));
	}
}

#[test]
fn batch_validation_names_the_first_bad_ciphertext() {
	let pk = holder().public();
	let good: Vec<Vec<u8>> = (0..5).map(|i| holder().encrypt_u64(i, &mut rng()).to_bytes(pk)).collect();
	let ok = pk.ciphertexts_from_bytes(good.iter().map(Vec::as_slice)).unwrap();
	assert_eq!(ok.len(), 5);
	for (c, b) in ok.iter().zip(&good) {
		assert_eq!(c.to_bytes(pk), *b);
	}

	let mut bad = good.clone();
	bad[3] = fixed(&(secret_p() * 7u32), 512);
	assert_eq!(
		pk.ciphertexts_from_bytes(bad.iter().map(Vec::as_slice)),
		Err(InvalidCiphertextAt { index: None, error: CiphertextError::NotCoprime })
	);
	bad[1].pop();
	assert_eq!(
		pk.ciphertexts_from_bytes(bad.iter().map(Vec::as_slice)),
		Err(InvalidCiphertextAt { index: Some(1), error: CiphertextError::WrongLength })
	);
	bad[0] = fixed(pk.n_squared(), 512);
	assert_eq!(
		pk.ciphertexts_from_bytes(bad.iter().map(Vec::as_slice)),
		Err(InvalidCiphertextAt { index: Some(0), error: CiphertextError::NotBelowModulusSquared })
	);
	assert_eq!(pk.ciphertexts_from_bytes(std::iter::empty()), Ok(vec![]));
}

#[test]
fn arbitrary_bytes_never_panic() {
	let mut rng = rng();
	let pk = holder().public();
	for len in [0usize, 1, 255, 256, 257, 511, 512, 513] {
		for _ in 0..20 {
			let mut b = vec![0u8; len];
			rng.fill(&mut b[..]);
			let _ = PublicKey::from_bytes(&b);
			let _ = pk.ciphertext_from_bytes(&b);
		}
	}
}
