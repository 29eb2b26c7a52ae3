//! What the proofs are about: request statements S, commitments h and h', and bindings b
//! (PROTOCOL.md 3.2), computed natively. `no_std`: the pallet computes S and b with these
//! functions, so they never come from a caller.
//!
//! Every hash input is a field element. Accounts and nonces (32 bytes) enter as two 128-bit
//! limbs; one requested indicator enters as the single element
//! `id + 2^32 lo + 2^64 hi + 2^96 min_width`, which the circuits rebuild from 32-bit
//! decompositions, so the packing is injective inside the proofs too.
//!
//! A request with more than [`SLOTS`] indicators is split into chunks of at most `SLOTS`
//! indicators in request order; S, h and h' are per chunk, with the chunk index and the
//! chunk's indicator count inside the hash, and unused slots are zero.

use crate::poseidon::{hash, Domain};
use alloc::vec::Vec;
use bls12_381::Scalar;

/// Indicator slots per proof. Chosen so that the eligibility circuit (the one every holder
/// proves) stays below 2^15 constraints, bellman's next FFT size: see docs/ZK.md.
pub const SLOTS: usize = 92;

/// A field element in its canonical 32-byte little-endian encoding: how S, h, h' and b travel
/// through extrinsics, storage and the verification host function.
pub type FieldBytes = [u8; 32];

/// One indicator of a request as the statement fixes it: registry id, the registry's
/// plausibility domain `[lo, hi]`, and the minimum width the institution's range must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestedIndicator {
	/// Registry id.
	pub id: u32,
	/// Smallest plausible value (scaled integer units).
	pub lo: u32,
	/// Largest plausible value.
	pub hi: u32,
	/// Minimum width `up - down` of the institution's hidden range.
	pub min_width: u32,
}

impl RequestedIndicator {
	/// The single field element this indicator contributes to S.
	pub fn packed(&self) -> Scalar {
		Scalar::from_raw([
			u64::from(self.id) | u64::from(self.lo) << 32,
			u64::from(self.hi) | u64::from(self.min_width) << 32,
			0,
			0,
		])
	}
}

/// Why a statement or commitment could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementError {
	/// A chunk holds more than [`SLOTS`] indicators.
	ChunkTooLarge,
	/// A chunk holds no indicator.
	EmptyChunk,
	/// Values (or ranges) and indicators differ in number.
	LengthMismatch,
}

/// Number of chunks (and so of proofs per party) for `indicators` indicators.
pub const fn chunk_count(indicators: usize) -> usize {
	indicators.div_ceil(SLOTS)
}

/// A 32-byte string as two 128-bit limbs, low half first.
pub fn limbs_of(bytes: &[u8; 32]) -> [Scalar; 2] {
	let word = |i: usize| {
		let mut w = [0u8; 8];
		w.copy_from_slice(&bytes[8 * i..8 * i + 8]);
		u64::from_le_bytes(w)
	};
	[Scalar::from_raw([word(0), word(1), 0, 0]), Scalar::from_raw([word(2), word(3), 0, 0])]
}

/// The canonical encoding of a field element.
pub fn to_bytes(value: &Scalar) -> FieldBytes {
	value.to_bytes()
}

/// Decodes a canonical field element; `None` for an encoding of a value >= the modulus.
pub fn from_bytes(bytes: &FieldBytes) -> Option<Scalar> {
	Option::from(Scalar::from_bytes(bytes))
}

fn check_chunk(len: usize) -> Result<(), StatementError> {
	match len {
		0 => Err(StatementError::EmptyChunk),
		n if n > SLOTS => Err(StatementError::ChunkTooLarge),
		_ => Ok(()),
	}
}

/// The header every per-chunk hash starts with: chunk index and indicator count.
fn chunk_header(chunk: u32, count: usize) -> [Scalar; 2] {
	[Scalar::from(u64::from(chunk)), Scalar::from(count as u64)]
}

/// S for one chunk: `Hash(REQ, institution, chunk, k, packed indicators, zero padding)`.
pub fn request_statement(
	institution: &[u8; 32],
	chunk: u32,
	indicators: &[RequestedIndicator],
) -> Result<Scalar, StatementError> {
	check_chunk(indicators.len())?;
	let mut inputs = Vec::with_capacity(4 + SLOTS);
	inputs.extend(limbs_of(institution));
	inputs.extend(chunk_header(chunk, indicators.len()));
	inputs.extend(indicators.iter().map(RequestedIndicator::packed));
	inputs.resize(4 + SLOTS, Scalar::zero());
	Ok(hash(Domain::Request, &inputs))
}

/// S for every chunk of a request, in chunk order.
pub fn request_statements(
	institution: &[u8; 32],
	indicators: &[RequestedIndicator],
) -> Result<Vec<Scalar>, StatementError> {
	if indicators.is_empty() {
		return Err(StatementError::EmptyChunk);
	}
	indicators
		.chunks(SLOTS)
		.enumerate()
		.map(|(chunk, part)| request_statement(institution, chunk as u32, part))
		.collect()
}

/// h for one chunk: `Hash(DATA, chunk, k, u, v)` of the affine coordinates of the chunk's
/// Jubjub data commitment `H_c` (PROTOCOL.md 9.2; computed from the values in
/// `pedersen::data_commitment_digest`).
pub fn data_commitment_digest(chunk: u32, count: usize, u: &Scalar, v: &Scalar) -> Result<Scalar, StatementError> {
	check_chunk(count)?;
	let header = chunk_header(chunk, count);
	Ok(hash(Domain::Data, &[header[0], header[1], *u, *v]))
}

/// h' for one chunk: `Hash(RANGE, chunk, k, down_1, up_1, .., zero padding, salt)`.
pub fn range_commitment(chunk: u32, ranges: &[(u32, u32)], salt: &Scalar) -> Result<Scalar, StatementError> {
	check_chunk(ranges.len())?;
	let mut inputs = Vec::with_capacity(3 + 2 * SLOTS);
	inputs.extend(chunk_header(chunk, ranges.len()));
	for &(down, up) in ranges {
		inputs.push(Scalar::from(u64::from(down)));
		inputs.push(Scalar::from(u64::from(up)));
	}
	inputs.resize(2 + 2 * SLOTS, Scalar::zero());
	inputs.push(*salt);
	Ok(hash(Domain::Range, &inputs))
}

/// b: `Hash(BIND, request id, holder account, nonce)`; it ties eligibility proofs to one
/// request, one holder and one nonce.
pub fn proof_binding(request_id: u64, holder: &[u8; 32], nonce: &[u8; 32]) -> Scalar {
	let mut inputs = Vec::with_capacity(5);
	inputs.push(Scalar::from(request_id));
	inputs.extend(limbs_of(holder));
	inputs.extend(limbs_of(nonce));
	hash(Domain::Binding, &inputs)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn indicator(id: u32) -> RequestedIndicator {
		RequestedIndicator { id, lo: 10, hi: 20, min_width: 2 }
	}

	#[test]
	fn packing_is_injective_across_fields() {
		let a = RequestedIndicator { id: 1, lo: 0, hi: 0, min_width: 0 };
		let b = RequestedIndicator { id: 0, lo: 1, hi: 0, min_width: 0 };
		let c = RequestedIndicator { id: 0, lo: 0, hi: 1, min_width: 0 };
		let d = RequestedIndicator { id: 0, lo: 0, hi: 0, min_width: 1 };
		let all = [a, b, c, d].map(|x| x.packed());
		for i in 0..4 {
			for j in 0..i {
				assert_ne!(all[i], all[j]);
			}
		}
		let max = RequestedIndicator { id: u32::MAX, lo: u32::MAX, hi: u32::MAX, min_width: u32::MAX };
		assert_eq!(max.packed(), Scalar::from_raw([u64::MAX, u64::MAX, 0, 0]));
	}

	#[test]
	fn statements_split_into_chunks_with_their_index() {
		let institution = [7u8; 32];
		let request: Vec<_> = (0..(SLOTS as u32 + 5)).map(indicator).collect();
		let statements = request_statements(&institution, &request).unwrap();
		assert_eq!(statements.len(), 2);
		assert_eq!(chunk_count(request.len()), 2);
		assert_eq!(statements[0], request_statement(&institution, 0, &request[..SLOTS]).unwrap());
		assert_eq!(statements[1], request_statement(&institution, 1, &request[SLOTS..]).unwrap());
		// The same indicators in another chunk position give another statement.
		assert_ne!(statements[1], request_statement(&institution, 0, &request[SLOTS..]).unwrap());
		assert_ne!(statements[0], request_statement(&[8u8; 32], 0, &request[..SLOTS]).unwrap());
	}

	#[test]
	fn chunk_bounds_are_errors() {
		let too_many: Vec<_> = (0..=SLOTS as u32).map(indicator).collect();
		assert_eq!(request_statement(&[0; 32], 0, &too_many), Err(StatementError::ChunkTooLarge));
		assert_eq!(request_statement(&[0; 32], 0, &[]), Err(StatementError::EmptyChunk));
		assert_eq!(request_statements(&[0; 32], &[]), Err(StatementError::EmptyChunk));
		assert_eq!(data_commitment_digest(0, 0, &Scalar::one(), &Scalar::one()), Err(StatementError::EmptyChunk));
		assert_eq!(range_commitment(0, &vec![(0, 1); SLOTS + 1], &Scalar::one()), Err(StatementError::ChunkTooLarge));
	}

	#[test]
	fn commitments_depend_on_every_part() {
		let (u, v) = (Scalar::from(5u64), Scalar::from(6u64));
		let base = data_commitment_digest(0, 3, &u, &v).unwrap();
		assert_ne!(base, data_commitment_digest(1, 3, &u, &v).unwrap());
		assert_ne!(base, data_commitment_digest(0, 4, &u, &v).unwrap());
		assert_ne!(base, data_commitment_digest(0, 3, &v, &u).unwrap());
		let binding = proof_binding(1, &[2; 32], &[3; 32]);
		assert_ne!(binding, proof_binding(2, &[2; 32], &[3; 32]));
		assert_ne!(binding, proof_binding(1, &[4; 32], &[3; 32]));
		assert_ne!(binding, proof_binding(1, &[2; 32], &[4; 32]));
	}

	#[test]
	fn field_bytes_round_trip_and_reject_non_canonical() {
		let x = Scalar::from(123456789u64);
		assert_eq!(from_bytes(&to_bytes(&x)), Some(x));
		assert_eq!(from_bytes(&[0xff; 32]), None);
	}
}
