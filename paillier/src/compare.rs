//! The blinded range comparison of PROTOCOL.md 4.1-4.2 in its version 2 form (9.3).
//!
//! 1. The holder encrypts each value in its comparison slot under its own key
//!    ([`encrypt_values`], step 4).
//! 2. The institution blinds `m_i - down_i` and `up_i - m_i` with fresh random factors into
//!    alpha and beta outputs, re-randomised ([`blind`], step 5), and proves them well formed
//!    ([`prove`], Pi^cmp).
//! 3. The holder verifies the proof ([`verify`]), decrypts, reads the signs and converts each
//!    indicator to below / inside / above ([`unpack`]), then encrypts the result set under the
//!    institution's key ([`encrypt_outcomes`], steps 6-7).
//! 4. The institution decrypts the result set ([`decode_outcomes`], step 8).
//!
//! Steps 4-6 live in [`crate::cmp`] with Pi^cmp and are re-exported here. Parameters:
//! [`VALUE_BITS`], [`KAPPA`], [`CMP_SLOT_BITS`], [`cmp_slots_per_output`]; their derivation and
//! the leakage are in docs/PAILLIER.md and docs/PROOFS.md.

use alloc::vec::Vec;
use core::fmt;
use rand_core_010::CryptoRng;
use rayon::prelude::*;

pub use crate::cmp::{
	blind, encrypt_values, encrypt_values_from, part_proof_range, prove, unpack, verify, verify_part, ComparisonContext,
	ComparisonStatement, ComparisonWitness,
};
pub use crate::layout::{
	cmp_output_count, cmp_slots_per_output, outcomes_per_ciphertext, result_ciphertext_count, CMP_SLOT_BITS, KAPPA,
	OUTCOME_BITS, VALUE_BITS,
};
use crate::ciphertext::Ciphertext;
use crate::key::PublicKey;
use crate::keypair::Keypair;
use crate::mont::{bit_len, to_biguint, zeros, Limbs};
use crate::random;

/// Where a value lies relative to the institution's hidden range `[down, up]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
	/// `m < down` (t = -1).
	Below,
	/// `down <= m <= up` (t = 0).
	Inside,
	/// `m > up` (t = 1).
	Above,
}

impl Outcome {
	/// `t` of PROTOCOL.md 4.2: -1, 0 or 1.
	pub fn as_i8(self) -> i8 {
		match self {
			Outcome::Below => -1,
			Outcome::Inside => 0,
			Outcome::Above => 1,
		}
	}

	/// The outcome for `t` in {-1, 0, 1}.
	pub fn from_i8(t: i8) -> Option<Outcome> {
		match t {
			-1 => Some(Outcome::Below),
			0 => Some(Outcome::Inside),
			1 => Some(Outcome::Above),
			_ => None,
		}
	}

	/// The outcome of comparing `m` with `[down, up]` in the clear (for tests and audits).
	pub fn of(m: u32, down: u32, up: u32) -> Outcome {
		if m < down {
			Outcome::Below
		} else if m > up {
			Outcome::Above
		} else {
			Outcome::Inside
		}
	}

	/// The packed code `t + 1`.
	fn code(self) -> u64 {
		(self.as_i8() + 1) as u64
	}
}

/// Why a comparison step failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareError {
	/// No indicators.
	NoIndicators,
	/// Different numbers of ciphertexts and ranges.
	LengthMismatch {
		/// Encrypted values given.
		values: usize,
		/// Ranges given.
		ranges: usize,
	},
	/// `down > up` for this indicator.
	InvalidRange {
		/// Indicator position.
		index: usize,
	},
	/// This input ciphertext is not invertible under the key (not a ciphertext of this key).
	InvalidCiphertext {
		/// Indicator position.
		index: usize,
	},
	/// Not the number of ciphertexts the protocol produces for this many indicators.
	WrongCiphertextCount {
		/// What the protocol produces.
		expected: usize,
		/// What was given.
		got: usize,
	},
	/// A decrypted slot is not `x + 2^(CMP_SLOT_BITS - 1)` with `|x| < 2^CMP_CONTENT_BITS`:
	/// the ciphertext was not formed by the protocol (a verified proof rules it out).
	SlotOutOfRange {
		/// Slot position (`2 i` is alpha of indicator `i`, `2 i + 1` its beta).
		index: usize,
	},
	/// A decrypted plaintext has nonzero bits above its last slot.
	UnexpectedHighBits {
		/// Ciphertext position.
		ciphertext: usize,
	},
	/// A decrypted result code is 3, which encodes no outcome.
	InvalidOutcome {
		/// Indicator position.
		index: usize,
	},
}

impl fmt::Display for CompareError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::NoIndicators => write!(f, "no indicators"),
			Self::LengthMismatch { values, ranges } => write!(f, "{values} encrypted values but {ranges} ranges"),
			Self::InvalidRange { index } => write!(f, "range {index} has down > up"),
			Self::InvalidCiphertext { index } => write!(f, "ciphertext {index} is not invertible under the key"),
			Self::WrongCiphertextCount { expected, got } => write!(f, "expected {expected} ciphertexts, got {got}"),
			Self::SlotOutOfRange { index } => write!(f, "slot {index} is outside the protocol's range"),
			Self::UnexpectedHighBits { ciphertext } => write!(f, "plaintext {ciphertext} has bits above its last slot"),
			Self::InvalidOutcome { index } => write!(f, "result code {index} is invalid"),
		}
	}
}

impl std::error::Error for CompareError {}

/// ORs `value` into little-endian limbs at bit `pos` (bits past the end are dropped).
fn put_bits(limbs: &mut [u64], pos: usize, value: u128) {
	let (limb, off) = (pos / 64, (pos % 64) as u32);
	let parts = if off == 0 {
		[value as u64, (value >> 64) as u64, 0]
	} else {
		[(value << off) as u64, (value >> (64 - off)) as u64, (value >> (128 - off)) as u64]
	};
	for (k, part) in parts.into_iter().enumerate() {
		if let Some(w) = limbs.get_mut(limb + k) {
			*w |= part;
		}
	}
}

/// Reads `len <= 128` bits at bit `pos` of little-endian limbs (zeros past the end).
fn get_bits(limbs: &[u64], pos: usize, len: u32) -> u128 {
	let (limb, off) = (pos / 64, (pos % 64) as u32);
	let w = |k: usize| limbs.get(limb + k).copied().unwrap_or(0) as u128;
	let mut v = (w(0) >> off) | (w(1) << (64 - off));
	if off > 0 {
		v |= w(2) << (128 - off);
	}
	if len < 128 {
		v &= (1u128 << len) - 1;
	}
	v
}

/// Step 7 (holder): the result set `t_i + 1`, two bits each in request order (indicator 0 in
/// the lowest bits), packed into [`result_ciphertext_count`] plaintexts below `n` and encrypted
/// under the institution's key with fresh randomness.
pub fn encrypt_outcomes<R: CryptoRng + ?Sized>(institution: &PublicKey, outcomes: &[Outcome], rng: &mut R) -> Vec<Ciphertext> {
	let per = outcomes_per_ciphertext(institution.modulus_bits()) as usize;
	let chunks: Vec<&[Outcome]> = outcomes.chunks(per).collect();
	let randomness: Vec<Limbs> = chunks.iter().map(|_| random::nonzero_below(rng, &institution.ctx.n)).collect();
	chunks
		.par_iter()
		.zip(randomness.par_iter())
		.map(|(chunk, r)| {
			let mut plain = zeros(institution.ctx.n.len());
			for (s, outcome) in chunk.iter().enumerate() {
				put_bits(&mut plain, OUTCOME_BITS as usize * s, outcome.code() as u128);
			}
			institution.encrypt_with(&to_biguint(&plain), r)
		})
		.collect()
}

/// Step 8 (institution): decrypts and unpacks the result set of `indicators` indicators.
pub fn decode_outcomes(institution: &Keypair, result: &[Ciphertext], indicators: usize) -> Result<Vec<Outcome>, CompareError> {
	if indicators == 0 {
		return Err(CompareError::NoIndicators);
	}
	let per = outcomes_per_ciphertext(institution.public().modulus_bits()) as usize;
	let expected = indicators.div_ceil(per);
	if result.len() != expected {
		return Err(CompareError::WrongCiphertextCount { expected, got: result.len() });
	}
	let plaintexts: Vec<Limbs> = result.par_iter().map(|c| institution.decrypt_limbs(c)).collect();
	let mut outcomes = Vec::with_capacity(indicators);
	for (j, plain) in plaintexts.iter().enumerate() {
		let used = per.min(indicators - j * per);
		if bit_len(plain) > OUTCOME_BITS as usize * used {
			return Err(CompareError::UnexpectedHighBits { ciphertext: j });
		}
		for s in 0..used {
			let index = j * per + s;
			let outcome = match get_bits(plain, OUTCOME_BITS as usize * s, OUTCOME_BITS) {
				0 => Outcome::Below,
				1 => Outcome::Inside,
				2 => Outcome::Above,
				_ => return Err(CompareError::InvalidOutcome { index }),
			};
			outcomes.push(outcome);
		}
	}
	Ok(outcomes)
}
