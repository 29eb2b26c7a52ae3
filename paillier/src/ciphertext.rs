//! Ciphertexts: fixed-width encoding and validation of ciphertexts received from outside.

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::One;

use crate::key::PublicKey;

/// Why bytes are not an acceptable ciphertext under a given public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiphertextError {
	/// The encoding is not exactly `2 |n| / 8` bytes.
	WrongLength,
	/// `c >= n^2`.
	NotBelowModulusSquared,
	/// `gcd(c, n) != 1` (this includes `c = 0`): not in the ciphertext group `Z*_{n^2}`.
	NotCoprime,
}

impl fmt::Display for CiphertextError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(match self {
			Self::WrongLength => "ciphertext length is not twice the public key length",
			Self::NotBelowModulusSquared => "ciphertext is not below n^2",
			Self::NotCoprime => "ciphertext is not coprime to n",
		})
	}
}

#[cfg(feature = "std")]
impl std::error::Error for CiphertextError {}

/// Why a batch of ciphertexts was refused (see [`PublicKey::ciphertexts_from_bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidCiphertextAt {
	/// Position of the first bad ciphertext in the batch, where the batch check can name it
	/// at no extra cost: always for a wrong length or a value not below `n^2`, never for
	/// [`CiphertextError::NotCoprime`], which the batch check sees only as a whole (naming
	/// the culprit takes one gcd per ciphertext; [`PublicKey::ciphertext_from_bytes`] on
	/// each finds it).
	pub index: Option<usize>,
	/// What is wrong with it.
	pub error: CiphertextError,
}

impl fmt::Display for InvalidCiphertextAt {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self.index {
			Some(index) => write!(f, "ciphertext {index}: {}", self.error),
			None => write!(f, "a ciphertext of the batch: {}", self.error),
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for InvalidCiphertextAt {}

/// A Paillier ciphertext, an element of `Z*_{n^2}`.
///
/// A `Ciphertext` does not carry its key: operations take the key they are meant for, and a
/// ciphertext used with another key gives a meaningless (never a panicking) result.
#[derive(Clone, PartialEq, Eq)]
pub struct Ciphertext(pub(crate) BigUint);

impl Ciphertext {
	/// Big-endian, exactly `pk.ciphertext_byte_len()` bytes. A ciphertext that does not belong to
	/// `pk` (so not below `n^2`) is reduced modulo `n^2` first.
	pub fn to_bytes(&self, pk: &PublicKey) -> Vec<u8> {
		if &self.0 < pk.n_squared() {
			to_fixed_be(&self.0, pk.ciphertext_byte_len())
		} else {
			to_fixed_be(&(&self.0 % pk.n_squared()), pk.ciphertext_byte_len())
		}
	}

	/// The ciphertext as an integer.
	pub fn as_biguint(&self) -> &BigUint {
		&self.0
	}
}

impl fmt::Debug for Ciphertext {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let bytes = self.0.to_bytes_be();
		f.write_str("Ciphertext(0x")?;
		for b in bytes.iter().take(8) {
			write!(f, "{b:02x}")?;
		}
		write!(f, "..; {} bits)", self.0.bits())
	}
}

impl PublicKey {
	/// Parses and validates a ciphertext under this key: exactly `2 |n| / 8` bytes big-endian,
	/// `c < n^2`, `gcd(c, n) = 1`.
	pub fn ciphertext_from_bytes(&self, bytes: &[u8]) -> Result<Ciphertext, CiphertextError> {
		let c = self.parse_below_n_squared(bytes)?;
		if !(&c % self.n()).gcd(self.n()).is_one() {
			return Err(CiphertextError::NotCoprime);
		}
		Ok(Ciphertext(c))
	}

	/// Validates a batch of ciphertexts at once, cheaper than one by one: instead of one gcd per
	/// ciphertext it takes a single gcd of the product of all of them modulo `n` (a prime factor
	/// of `n` divides that product exactly when it divides one of the ciphertexts).
	///
	/// A batch that fails the gcd is refused as a whole, without searching for the bad
	/// ciphertext: the search would cost one gcd per ciphertext, so a batch with one bad
	/// ciphertext last would cost a verifier (the chain) far more to refuse than a valid batch
	/// costs to accept. Refusing costs at most what accepting costs.
	pub fn ciphertexts_from_bytes<'a, I>(&self, items: I) -> Result<Vec<Ciphertext>, InvalidCiphertextAt>
	where
		I: IntoIterator<Item = &'a [u8]>,
	{
		let mut out = Vec::new();
		let mut product = BigUint::one();
		for (index, bytes) in items.into_iter().enumerate() {
			let c = self.parse_below_n_squared(bytes).map_err(|error| InvalidCiphertextAt { index: Some(index), error })?;
			product = (product * (&c % self.n())) % self.n();
			out.push(Ciphertext(c));
		}
		if !product.gcd(self.n()).is_one() {
			return Err(InvalidCiphertextAt { index: None, error: CiphertextError::NotCoprime });
		}
		Ok(out)
	}

	fn parse_below_n_squared(&self, bytes: &[u8]) -> Result<BigUint, CiphertextError> {
		if bytes.len() != self.ciphertext_byte_len() {
			return Err(CiphertextError::WrongLength);
		}
		let c = BigUint::from_bytes_be(bytes);
		if &c >= self.n_squared() {
			return Err(CiphertextError::NotBelowModulusSquared);
		}
		Ok(c)
	}
}

/// `x` big-endian, left-padded with zeros to `width` bytes (`x` must fit): the encoding of
/// ciphertexts, and of the integers of the proofs that speak about them.
pub fn to_fixed_be(x: &BigUint, width: usize) -> Vec<u8> {
	let bytes = x.to_bytes_be();
	let mut out = vec![0u8; width];
	let take = bytes.len().min(width);
	out[width - take..].copy_from_slice(&bytes[bytes.len() - take..]);
	out
}
