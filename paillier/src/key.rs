//! Paillier public keys: the modulus `n` (with `g = n + 1` implied), its fixed-width encoding and
//! the validation of keys received from outside (PROTOCOL.md 3.1).

use alloc::vec::Vec;
use core::fmt;
use num_bigint::BigUint;

use crate::small_primes;

/// Smallest accepted modulus size in bits (PROTOCOL.md 3.1).
pub const MIN_MODULUS_BITS: u32 = 2048;
/// Largest accepted modulus size in bits; bounds the on-chain encodings.
pub const MAX_MODULUS_BITS: u32 = 4096;

/// Why bytes are not an acceptable public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKeyError {
	/// The encoding is shorter than `MIN_MODULUS_BITS / 8` or longer than `MAX_MODULUS_BITS / 8`
	/// bytes.
	WrongLength,
	/// The top bit of the first byte is clear, so `n` is shorter than the size its encoding
	/// states.
	NotExactSize,
	/// `n` is even.
	Even,
	/// `n` has a prime factor below [`SMALL_PRIME_BOUND`](crate::SMALL_PRIME_BOUND).
	SmallFactor,
	/// `n` is a perfect square.
	PerfectSquare,
}

impl fmt::Display for PublicKeyError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(match self {
			Self::WrongLength => "public key length is not between 256 and 512 bytes",
			Self::NotExactSize => "public key modulus is shorter than its encoding",
			Self::Even => "public key modulus is even",
			Self::SmallFactor => "public key modulus has a small prime factor",
			Self::PerfectSquare => "public key modulus is a perfect square",
		})
	}
}

#[cfg(feature = "std")]
impl std::error::Error for PublicKeyError {}

/// A Paillier public key: the modulus `n`; the generator is `g = n + 1`.
///
/// Obtained from [`PublicKey::from_bytes`] (untrusted input, validated) or from a
/// [`Keypair`](crate::Keypair).
#[derive(Clone)]
pub struct PublicKey {
	n: BigUint,
	n_squared: BigUint,
	bits: u32,
	/// Montgomery context modulo `n^2` for the std operations (shared by clones).
	#[cfg(feature = "std")]
	pub(crate) ctx: std::sync::Arc<crate::ops::PublicCtx>,
}

impl PublicKey {
	/// Parses and validates a public key: `n` big-endian, exactly `|n| / 8` bytes.
	///
	/// Checks, in order: the length is between [`MIN_MODULUS_BITS`]` / 8` and
	/// [`MAX_MODULUS_BITS`]` / 8` bytes; the top bit is set (so `n` has exactly `8 * len` bits);
	/// `n` is odd; `n` has no prime factor below
	/// [`SMALL_PRIME_BOUND`](crate::SMALL_PRIME_BOUND); `n` is not a perfect square.
	/// These rule out malformed and degenerate keys; they cannot prove that `n` is a product of
	/// two large primes (nothing short of a zero-knowledge proof can).
	pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, PublicKeyError> {
		let bits = bytes.len().checked_mul(8).ok_or(PublicKeyError::WrongLength)?;
		if bits < MIN_MODULUS_BITS as usize || bits > MAX_MODULUS_BITS as usize {
			return Err(PublicKeyError::WrongLength);
		}
		// The length check above guarantees at least one byte.
		let (first, last) = match (bytes.first(), bytes.last()) {
			(Some(f), Some(l)) => (*f, *l),
			_ => return Err(PublicKeyError::WrongLength),
		};
		if first & 0x80 == 0 {
			return Err(PublicKeyError::NotExactSize);
		}
		if last & 1 == 0 {
			return Err(PublicKeyError::Even);
		}
		if small_primes::smallest_factor(bytes).is_some() {
			return Err(PublicKeyError::SmallFactor);
		}
		let n = BigUint::from_bytes_be(bytes);
		let root = n.sqrt();
		if &root * &root == n {
			return Err(PublicKeyError::PerfectSquare);
		}
		Ok(PublicKey::from_modulus(n, bits as u32))
	}

	/// Builds the key from a modulus known to be valid (our own key generation, or validated).
	pub(crate) fn from_modulus(n: BigUint, bits: u32) -> PublicKey {
		let n_squared = &n * &n;
		#[cfg(feature = "std")]
		let ctx = std::sync::Arc::new(crate::ops::PublicCtx::new(&n, &n_squared));
		PublicKey {
			n,
			n_squared,
			bits,
			#[cfg(feature = "std")]
			ctx,
		}
	}

	/// `n` big-endian, exactly [`PublicKey::byte_len`] bytes.
	pub fn to_bytes(&self) -> Vec<u8> {
		crate::ciphertext::to_fixed_be(&self.n, self.byte_len())
	}

	/// `|n|` in bits (a multiple of 8).
	pub fn modulus_bits(&self) -> u32 {
		self.bits
	}

	/// Length of the public key encoding, `|n| / 8`.
	pub fn byte_len(&self) -> usize {
		(self.bits / 8) as usize
	}

	/// Length of a ciphertext encoding, `2 |n| / 8`.
	pub fn ciphertext_byte_len(&self) -> usize {
		2 * self.byte_len()
	}

	/// The modulus `n`.
	pub fn n(&self) -> &BigUint {
		&self.n
	}

	/// `n^2`, the ciphertext modulus.
	pub fn n_squared(&self) -> &BigUint {
		&self.n_squared
	}
}

impl PartialEq for PublicKey {
	fn eq(&self, other: &Self) -> bool {
		self.n == other.n
	}
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let bytes = self.n.to_bytes_be();
		write!(f, "PublicKey({} bits, n = 0x", self.bits)?;
		for b in bytes.iter().take(8) {
			write!(f, "{b:02x}")?;
		}
		f.write_str("..)")
	}
}
