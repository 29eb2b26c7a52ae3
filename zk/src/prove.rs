//! Proving for the two parties: a whole request is split into chunks of [`SLOTS`] indicators,
//! and each chunk gets its own commitment and proof. Inputs are checked before any proving
//! work, so a value outside its domain is a clear error instead of a proof the chain rejects.

use crate::circuit::{
	native_eligibility_inputs, native_requirement_inputs, ChunkStatement, EligibilityCircuit,
	EligibilityWitness, RequirementCircuit, RequirementWitness,
};
use crate::setup::Parameters;
use crate::statement::{self, FieldBytes, RequestedIndicator, StatementError, SLOTS};
use bls12_381::{Bls12, Scalar};
use ff::Field;
use rand_core_010::CryptoRng;

/// Why a proof was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProveError {
	/// The request names no indicator.
	NoIndicators,
	/// Values or ranges and indicators differ in number.
	LengthMismatch { indicators: usize, given: usize },
	/// A range leaves the indicator's domain or is inverted (`down < lo`, `up > hi` or `up < down`).
	RangeOutsideDomain { index: usize },
	/// A range is narrower than the indicator's minimum width.
	RangeTooNarrow { index: usize },
	/// A value lies outside the indicator's domain: the holder is not eligible.
	ValueOutsideDomain { index: usize },
	/// The statement could not be computed.
	Statement(StatementError),
	/// bellman failed while proving.
	Synthesis(String),
}

impl core::fmt::Display for ProveError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			ProveError::NoIndicators => write!(f, "the request names no indicator"),
			ProveError::LengthMismatch { indicators, given } => {
				write!(f, "{given} entries given for {indicators} indicators")
			},
			ProveError::RangeOutsideDomain { index } => write!(
				f,
				"the range of indicator #{index} leaves its plausibility domain or is inverted"
			),
			ProveError::RangeTooNarrow { index } => {
				write!(f, "the range of indicator #{index} is narrower than its minimum width")
			},
			ProveError::ValueOutsideDomain { index } => write!(
				f,
				"the value of indicator #{index} lies outside its plausibility domain: not eligible"
			),
			ProveError::Statement(e) => write!(f, "statement: {e:?}"),
			ProveError::Synthesis(e) => write!(f, "proving failed: {e}"),
		}
	}
}

impl std::error::Error for ProveError {}

impl From<StatementError> for ProveError {
	fn from(e: StatementError) -> Self {
		ProveError::Statement(e)
	}
}

/// One chunk of an institution's requirement proof.
#[derive(Clone, Debug)]
pub struct RequirementChunk {
	/// S of the chunk (what the pallet computes).
	pub statement: FieldBytes,
	/// h', the range commitment the request publishes.
	pub commitment: FieldBytes,
	/// The salt that opens h' (keep it secret; it is needed to audit the ranges later).
	pub salt: FieldBytes,
	/// The Groth16 proof.
	pub proof: Vec<u8>,
}

/// One chunk of a holder's eligibility proof.
#[derive(Clone, Debug)]
pub struct EligibilityChunk {
	/// S of the chunk.
	pub statement: FieldBytes,
	/// h, the digest of the Jubjub data commitment `H_c`, submitted with the proof.
	pub commitment: FieldBytes,
	/// `r`, the Jubjub scalar that blinds `H_c` (keep it secret: with the values it opens
	/// `H_c`, and the link proof of step 4 needs it).
	pub blinding: FieldBytes,
	/// The Groth16 proof.
	pub proof: Vec<u8>,
}

fn check_lengths(indicators: usize, given: usize) -> Result<(), ProveError> {
	if indicators == 0 {
		return Err(ProveError::NoIndicators);
	}
	if indicators != given {
		return Err(ProveError::LengthMismatch { indicators, given });
	}
	Ok(())
}

fn proof_bytes(proof: &groth16::Proof<Bls12>) -> Vec<u8> {
	let mut bytes = Vec::with_capacity(crate::verify::PROOF_LEN);
	proof.write(&mut bytes).expect("writing to a Vec cannot fail");
	bytes
}

/// Proves, chunk by chunk, that the institution's ranges fit the request. `progress` is
/// called after each chunk with (chunks done, chunks in all).
pub fn prove_requirement<R: CryptoRng>(
	params: &Parameters,
	institution: &[u8; 32],
	indicators: &[RequestedIndicator],
	ranges: &[(u32, u32)],
	rng: &mut R,
	mut progress: impl FnMut(usize, usize),
) -> Result<Vec<RequirementChunk>, ProveError> {
	check_lengths(indicators.len(), ranges.len())?;
	for (index, (indicator, &(down, up))) in indicators.iter().zip(ranges).enumerate() {
		if down < indicator.lo || up > indicator.hi || up < down {
			return Err(ProveError::RangeOutsideDomain { index });
		}
		if u64::from(down) + u64::from(indicator.min_width) > u64::from(up) {
			return Err(ProveError::RangeTooNarrow { index });
		}
	}
	let total = statement::chunk_count(indicators.len());
	let mut chunks = Vec::with_capacity(total);
	for (chunk, (part, part_ranges)) in indicators.chunks(SLOTS).zip(ranges.chunks(SLOTS)).enumerate() {
		let witness = RequirementWitness {
			statement: ChunkStatement {
				institution: *institution,
				chunk: chunk as u32,
				indicators: part.to_vec(),
			},
			ranges: part_ranges.to_vec(),
			salt: Scalar::random(&mut *rng),
		};
		let [s, h] = native_requirement_inputs(&witness)?;
		let salt = witness.salt;
		let proof = groth16::create_random_proof(RequirementCircuit(Some(witness)), params, &mut *rng)
			.map_err(|e| ProveError::Synthesis(e.to_string()))?;
		chunks.push(RequirementChunk {
			statement: s.to_bytes(),
			commitment: h.to_bytes(),
			salt: salt.to_bytes(),
			proof: proof_bytes(&proof),
		});
		progress(chunk + 1, total);
	}
	Ok(chunks)
}

/// What ties a holder's proofs to one session.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
	/// The request's on-chain id.
	pub request_id: u64,
	/// The holder's account.
	pub holder: [u8; 32],
	/// The session nonce the holder submits with the proofs.
	pub nonce: [u8; 32],
}

impl Binding {
	/// b.
	pub fn value(&self) -> Scalar {
		statement::proof_binding(self.request_id, &self.holder, &self.nonce)
	}
}

/// Proves, chunk by chunk, that the holder's values lie in the request's domains and that
/// fresh Jubjub data commitments (their digests h) hold exactly those values. `progress` is called after each chunk.
pub fn prove_eligibility<R: CryptoRng>(
	params: &Parameters,
	institution: &[u8; 32],
	indicators: &[RequestedIndicator],
	values: &[u32],
	binding: &Binding,
	rng: &mut R,
	mut progress: impl FnMut(usize, usize),
) -> Result<Vec<EligibilityChunk>, ProveError> {
	check_lengths(indicators.len(), values.len())?;
	if let Some(index) = indicators.iter().zip(values).position(|(i, &m)| m < i.lo || m > i.hi) {
		return Err(ProveError::ValueOutsideDomain { index });
	}
	let b = binding.value();
	let total = statement::chunk_count(indicators.len());
	let mut chunks = Vec::with_capacity(total);
	for (chunk, (part, part_values)) in indicators.chunks(SLOTS).zip(values.chunks(SLOTS)).enumerate() {
		let witness = EligibilityWitness {
			statement: ChunkStatement {
				institution: *institution,
				chunk: chunk as u32,
				indicators: part.to_vec(),
			},
			values: part_values.to_vec(),
			blinding: jubjub::Fr::random(&mut *rng),
			binding: b,
		};
		let [s, h, _] = native_eligibility_inputs(&witness)?;
		let blinding = witness.blinding;
		let proof = groth16::create_random_proof(EligibilityCircuit(Some(witness)), params, &mut *rng)
			.map_err(|e| ProveError::Synthesis(e.to_string()))?;
		chunks.push(EligibilityChunk {
			statement: s.to_bytes(),
			commitment: h.to_bytes(),
			blinding: blinding.to_bytes(),
			proof: proof_bytes(&proof),
		});
		progress(chunk + 1, total);
	}
	Ok(chunks)
}
