//! SCALE types that carry keys and ciphertexts on chain.
//!
//! They hold unvalidated bytes with a bounded length: decoding rejects anything longer than the
//! largest supported key or ciphertext before allocating, so call arguments and storage items
//! have a [`MaxEncodedLen`]. Validation is separate ([`PublicKey::from_encoded`],
//! [`PublicKey::ciphertext_from_encoded`]) because it needs the key and costs real work.

use alloc::vec;
use alloc::vec::Vec;
use codec::{Compact, CompactLen, Decode, DecodeWithMemTracking, Encode, EncodeLike, Error, Input, MaxEncodedLen, Output};
use core::fmt;
use scale_info::TypeInfo;

use crate::ciphertext::{Ciphertext, CiphertextError};
use crate::key::{PublicKey, PublicKeyError, MAX_MODULUS_BITS};

/// Longest public key encoding: `MAX_MODULUS_BITS / 8` = 512 bytes.
pub const MAX_PUBLIC_KEY_BYTES: usize = (MAX_MODULUS_BITS / 8) as usize;
/// Longest ciphertext encoding: `2 * MAX_MODULUS_BITS / 8` = 1024 bytes.
pub const MAX_CIPHERTEXT_BYTES: usize = 2 * MAX_PUBLIC_KEY_BYTES;

/// Bytes that are too long for the wire type they were meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

impl fmt::Display for TooLong {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("encoding longer than the largest supported size")
	}
}

#[cfg(feature = "std")]
impl std::error::Error for TooLong {}

macro_rules! bounded_bytes {
	($(#[$doc:meta])* $name:ident, $max:expr, $what:literal) => {
		$(#[$doc])*
		///
		/// Encoded exactly like a `Vec<u8>` (compact length, then the bytes).
		#[derive(Clone, PartialEq, Eq, Debug, TypeInfo)]
		pub struct $name(pub(crate) Vec<u8>);

		impl $name {
			/// Longest accepted content in bytes.
			pub const MAX_LEN: usize = $max;

			/// Wraps bytes (not validated beyond their length).
			pub fn new(bytes: Vec<u8>) -> Result<Self, TooLong> {
				if bytes.len() > Self::MAX_LEN {
					return Err(TooLong);
				}
				Ok(Self(bytes))
			}

			/// The raw bytes.
			pub fn as_bytes(&self) -> &[u8] {
				&self.0
			}

			/// The raw bytes, by value.
			pub fn into_inner(self) -> Vec<u8> {
				self.0
			}
		}

		impl TryFrom<Vec<u8>> for $name {
			type Error = TooLong;
			fn try_from(bytes: Vec<u8>) -> Result<Self, TooLong> {
				Self::new(bytes)
			}
		}

		impl Encode for $name {
			fn size_hint(&self) -> usize {
				Compact::<u32>::compact_len(&(self.0.len() as u32)) + self.0.len()
			}
			fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
				self.0.encode_to(dest)
			}
		}

		impl EncodeLike for $name {}

		impl Decode for $name {
			fn decode<I: Input>(input: &mut I) -> Result<Self, Error> {
				let len = Compact::<u32>::decode(input)?.0 as usize;
				if len > Self::MAX_LEN {
					return Err(concat!($what, " longer than its maximum").into());
				}
				input.on_before_alloc_mem(len)?;
				let mut bytes = vec![0u8; len];
				input.read(&mut bytes)?;
				Ok(Self(bytes))
			}
		}

		impl DecodeWithMemTracking for $name {}

		impl MaxEncodedLen for $name {
			fn max_encoded_len() -> usize {
				Compact::<u32>::compact_len(&(Self::MAX_LEN as u32)) + Self::MAX_LEN
			}
		}
	};
}

bounded_bytes!(
	/// A public key as it travels on chain: at most [`MAX_PUBLIC_KEY_BYTES`] unvalidated bytes.
	EncodedPublicKey,
	MAX_PUBLIC_KEY_BYTES,
	"public key"
);

bounded_bytes!(
	/// A ciphertext as it travels on chain: at most [`MAX_CIPHERTEXT_BYTES`] unvalidated bytes.
	EncodedCiphertext,
	MAX_CIPHERTEXT_BYTES,
	"ciphertext"
);

impl PublicKey {
	/// Validates an on-chain public key (see [`PublicKey::from_bytes`]).
	pub fn from_encoded(encoded: &EncodedPublicKey) -> Result<PublicKey, PublicKeyError> {
		PublicKey::from_bytes(encoded.as_bytes())
	}

	/// The wire form of this key.
	pub fn to_encoded(&self) -> EncodedPublicKey {
		// A valid key is at most MAX_MODULUS_BITS long, so this never exceeds the bound.
		EncodedPublicKey(self.to_bytes())
	}

	/// Validates an on-chain ciphertext under this key (see [`PublicKey::ciphertext_from_bytes`]).
	pub fn ciphertext_from_encoded(&self, encoded: &EncodedCiphertext) -> Result<Ciphertext, CiphertextError> {
		self.ciphertext_from_bytes(encoded.as_bytes())
	}
}

impl Ciphertext {
	/// The wire form of this ciphertext under `pk`.
	pub fn to_encoded(&self, pk: &PublicKey) -> EncodedCiphertext {
		// 2 |n| / 8 <= MAX_CIPHERTEXT_BYTES for every valid key.
		EncodedCiphertext(self.to_bytes(pk))
	}
}

/// Longest key proof: the longer of the two proofs for the largest key (the ring-Pedersen
/// proof, 80 KiB).
pub const MAX_KEY_PROOF_BYTES: usize = {
	let modulus = crate::proofs::modulus_proof_len(MAX_PUBLIC_KEY_BYTES);
	let ring_pedersen = crate::proofs::ring_pedersen_proof_len(MAX_PUBLIC_KEY_BYTES);
	if modulus > ring_pedersen {
		modulus
	} else {
		ring_pedersen
	}
};

bounded_bytes!(
	/// A ring-Pedersen parameter (`t`, or one base) as it travels on chain: at most
	/// [`MAX_PUBLIC_KEY_BYTES`] unvalidated bytes, exactly as long as its key when valid.
	EncodedResidue,
	MAX_PUBLIC_KEY_BYTES,
	"ring-Pedersen parameter"
);

bounded_bytes!(
	/// A key proof (Pi^mod or Pi^prm) as it travels on chain: at most [`MAX_KEY_PROOF_BYTES`]
	/// unvalidated bytes.
	EncodedKeyProof,
	MAX_KEY_PROOF_BYTES,
	"key proof"
);

/// Longest list of ring-Pedersen bases `s_1..s_B`: [`crate::cmp_ring_pedersen_bases`] of the
/// largest key, each as wide as that key (32 times 512 bytes).
pub const MAX_RING_PEDERSEN_BASES_BYTES: usize =
	crate::layout::cmp_ring_pedersen_bases(crate::key::MAX_MODULUS_BITS) as usize * MAX_PUBLIC_KEY_BYTES;

bounded_bytes!(
	/// Ring-Pedersen bases `s_1..s_B` concatenated, each exactly as wide as its key when valid:
	/// at most [`MAX_RING_PEDERSEN_BASES_BYTES`] unvalidated bytes.
	EncodedBases,
	MAX_RING_PEDERSEN_BASES_BYTES,
	"ring-Pedersen bases"
);

/// Ring-Pedersen parameters `(s_1..s_B, t)` on a key's modulus `N` (PROTOCOL.md 9.1, 9.3): the
/// other party's proofs commit under them (Pi^cmp commits one output's factors and constants
/// in one element), so the owner of `N` is the only one who could break their binding.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct EncodedRingPedersen {
	/// `s_b = t^lambda_b mod N`, [`crate::cmp_ring_pedersen_bases`] of them, concatenated.
	pub s: EncodedBases,
	/// `t`, a random square modulo `N`.
	pub t: EncodedResidue,
}

/// A Paillier key with everything the chain needs to accept it: the ring-Pedersen parameters
/// on its modulus and the two proofs (Pi^mod, Pi^prm) bound to the chain and the registering
/// account. Checked by [`KeyRegistration::verify`].
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct KeyRegistration {
	/// The Paillier public key `N`.
	pub key: EncodedPublicKey,
	/// Ring-Pedersen parameters on `N`.
	pub ring_pedersen: EncodedRingPedersen,
	/// Pi^mod: `N` is a Paillier-Blum modulus.
	pub modulus_proof: EncodedKeyProof,
	/// Pi^prm: `s` lies in `<t>`.
	pub ring_pedersen_proof: EncodedKeyProof,
}
