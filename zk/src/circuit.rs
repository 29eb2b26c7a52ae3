//! The two circuits of PROTOCOL.md 3.3, each with [`SLOTS`] indicator slots; unused slots are
//! zero, which the statement S (computed by the pallet with the same padding) pins down.
//!
//! - [`RequirementCircuit`] (institution): public `[S, h']`; proves `lo <= down`,
//!   `down + min_width <= up <= hi` for every slot and that h' opens to the ranges.
//! - [`EligibilityCircuit`] (holder): public `[S, h, b]`; proves `lo <= m <= hi` for every slot
//!   and that h is the digest of the Jubjub data commitment `H_c = sum m_i G_i + r H` of those
//!   same values ([`crate::pedersen`], PROTOCOL.md 9.2), computed from the bits the range check
//!   uses. b is bound by Groth16's input constraint alone: a proof verifies only against the b
//!   it was made for.
//!
//! Differences are checked as 32-bit numbers: with `lo, hi` below 2^32 (their decompositions),
//! `x - lo` and `hi - x` in `[0, 2^32)` give `lo <= x <= hi` over the integers, as no field
//! wrap-around fits in 33 bits.

use crate::gadgets::{alloc_bounded, enforce_bounded, hash, Lc};
use crate::pedersen;
use bellman::gadgets::boolean::{AllocatedBit, Boolean};
use ff::{Field, PrimeFieldBits};
use crate::poseidon::Domain;
use crate::statement::{self, limbs_of, RequestedIndicator, SLOTS};
use bellman::{Circuit, ConstraintSystem, SynthesisError};
use bls12_381::Scalar;

/// Bits of every value, bound, id and width.
const VALUE_BITS: usize = 32;

pub use crate::verify::{ELIGIBILITY_INPUTS, REQUIREMENT_INPUTS};

/// What both parties share: one chunk of a request.
#[derive(Clone, Debug)]
pub struct ChunkStatement {
	/// The institution's account.
	pub institution: [u8; 32],
	/// The chunk's index in the request.
	pub chunk: u32,
	/// The chunk's indicators, at most [`SLOTS`].
	pub indicators: Vec<RequestedIndicator>,
}

impl ChunkStatement {
	/// S for this chunk.
	pub fn statement(&self) -> Result<Scalar, statement::StatementError> {
		statement::request_statement(&self.institution, self.chunk, &self.indicators)
	}
}

/// The institution's witness for one chunk.
#[derive(Clone, Debug)]
pub struct RequirementWitness {
	/// The chunk the ranges are for.
	pub statement: ChunkStatement,
	/// `(down, up)` per indicator.
	pub ranges: Vec<(u32, u32)>,
	/// The salt of h'.
	pub salt: Scalar,
}

/// The holder's witness for one chunk.
#[derive(Clone, Debug)]
pub struct EligibilityWitness {
	/// The chunk the values are for.
	pub statement: ChunkStatement,
	/// One value per indicator.
	pub values: Vec<u32>,
	/// The blinding `r` of the Jubjub commitment `H_c`.
	pub blinding: jubjub::Fr,
	/// b, computed from request id, holder account and nonce.
	pub binding: Scalar,
}

/// Requirement circuit; `None` synthesizes the shape for parameter generation.
#[derive(Clone, Debug, Default)]
pub struct RequirementCircuit(pub Option<RequirementWitness>);

/// Eligibility circuit; `None` synthesizes the shape for parameter generation.
#[derive(Clone, Debug, Default)]
pub struct EligibilityCircuit(pub Option<EligibilityWitness>);

/// Per-slot fields of the statement, rebuilt from 32-bit decompositions.
struct Slot {
	lo: Lc,
	hi: Lc,
	min_width: Lc,
}

/// Allocates the statement part both circuits share, hashes it and returns the slots and S
/// (as a linear combination to be tied to the public input).
fn synthesize_statement<CS: ConstraintSystem<Scalar>>(
	mut cs: CS,
	statement: Option<&ChunkStatement>,
) -> Result<(Vec<Slot>, Lc, Lc, Lc), SynthesisError> {
	let limbs = statement.map(|s| limbs_of(&s.institution));
	let institution_low = Lc::alloc(cs.namespace(|| "institution low"), limbs.map(|l| l[0]))?;
	let institution_high = Lc::alloc(cs.namespace(|| "institution high"), limbs.map(|l| l[1]))?;
	let chunk = Lc::alloc(cs.namespace(|| "chunk"), statement.map(|s| Scalar::from(u64::from(s.chunk))))?;
	let count = Lc::alloc(
		cs.namespace(|| "count"),
		statement.map(|s| Scalar::from(s.indicators.len() as u64)),
	)?;
	let mut slots = Vec::with_capacity(SLOTS);
	let mut inputs = vec![institution_low, institution_high, chunk.clone(), count.clone()];
	for i in 0..SLOTS {
		let mut cs = cs.namespace(|| format!("slot {i}"));
		let field = |f: fn(&RequestedIndicator) -> u32| {
			statement.map(|s| s.indicators.get(i).map_or(0, |x| u64::from(f(x))))
		};
		let id = alloc_bounded(cs.namespace(|| "id"), field(|x| x.id), VALUE_BITS)?;
		let lo = alloc_bounded(cs.namespace(|| "lo"), field(|x| x.lo), VALUE_BITS)?;
		let hi = alloc_bounded(cs.namespace(|| "hi"), field(|x| x.hi), VALUE_BITS)?;
		let min_width = alloc_bounded(cs.namespace(|| "min width"), field(|x| x.min_width), VALUE_BITS)?;
		let packed = id
			.add_scaled(Scalar::from(1u64 << 32), &lo)
			.add_scaled(Scalar::from_raw([0, 1, 0, 0]), &hi)
			.add_scaled(Scalar::from_raw([0, 1 << 32, 0, 0]), &min_width);
		inputs.push(packed);
		slots.push(Slot { lo, hi, min_width });
	}
	let s = hash(cs.namespace(|| "S"), Domain::Request, &inputs)?;
	Ok((slots, s, chunk, count))
}

/// Allocates a public input with the value the prover computed and ties `lc` to it.
fn expose<CS: ConstraintSystem<Scalar>>(
	mut cs: CS,
	lc: &Lc,
	value: Option<Scalar>,
) -> Result<(), SynthesisError> {
	let input = cs.alloc_input(|| "input", || value.ok_or(SynthesisError::AssignmentMissing))?;
	lc.enforce_equal(cs.namespace(|| "is input"), &Lc::variable(input, value));
	Ok(())
}

fn u32_lc<CS: ConstraintSystem<Scalar>>(cs: CS, value: Option<u32>) -> Result<Lc, SynthesisError> {
	Lc::alloc(cs, value.map(|v| Scalar::from(u64::from(v))))
}

impl Circuit<Scalar> for RequirementCircuit {
	fn synthesize<CS: ConstraintSystem<Scalar>>(self, cs: &mut CS) -> Result<(), SynthesisError> {
		let witness = self.0.as_ref();
		let (slots, s, chunk, count) =
			synthesize_statement(cs.namespace(|| "statement"), witness.map(|w| &w.statement))?;
		let mut committed = vec![chunk, count];
		for (i, slot) in slots.iter().enumerate() {
			let mut cs = cs.namespace(|| format!("range {i}"));
			let range = witness.map(|w| w.ranges.get(i).copied().unwrap_or((0, 0)));
			let down = u32_lc(cs.namespace(|| "down"), range.map(|r| r.0))?;
			let up = u32_lc(cs.namespace(|| "up"), range.map(|r| r.1))?;
			enforce_bounded(cs.namespace(|| "lo <= down"), &down.sub(&slot.lo), VALUE_BITS)?;
			enforce_bounded(
				cs.namespace(|| "down + min width <= up"),
				&up.sub(&down).sub(&slot.min_width),
				VALUE_BITS,
			)?;
			enforce_bounded(cs.namespace(|| "up <= hi"), &slot.hi.sub(&up), VALUE_BITS)?;
			committed.push(down);
			committed.push(up);
		}
		committed.push(Lc::alloc(cs.namespace(|| "salt"), witness.map(|w| w.salt))?);
		let h = hash(cs.namespace(|| "h'"), Domain::Range, &committed)?;
		let public = witness.map(|w| native_requirement_inputs(w)).transpose().ok().flatten();
		expose(cs.namespace(|| "public S"), &s, public.map(|p| p[0]))?;
		expose(cs.namespace(|| "public h'"), &h, public.map(|p| p[1]))?;
		Ok(())
	}
}

/// Allocates `bits` little-endian bits of `value` (one booleanity constraint each).
fn alloc_bits<CS: ConstraintSystem<Scalar>>(
	mut cs: CS,
	value: Option<&[bool]>,
	bits: usize,
) -> Result<Vec<Boolean>, SynthesisError> {
	(0..bits)
		.map(|i| {
			let bit = value.map(|v| v.get(i).copied().unwrap_or(false));
			Ok(Boolean::from(AllocatedBit::alloc(cs.namespace(|| format!("bit {i}")), bit)?))
		})
		.collect()
}

/// The weighted sum of little-endian bits.
fn from_bits(bits: &[Boolean]) -> Lc {
	let mut sum = Lc::constant(Scalar::ZERO);
	let mut weight = Scalar::ONE;
	for bit in bits {
		if let Boolean::Is(bit) = bit {
			let value = bit.get_value().map(|b| if b { Scalar::ONE } else { Scalar::ZERO });
			sum = sum.add_scaled(weight, &Lc::variable(bit.get_variable(), value));
		}
		weight = weight.double();
	}
	sum
}

impl Circuit<Scalar> for EligibilityCircuit {
	fn synthesize<CS: ConstraintSystem<Scalar>>(self, cs: &mut CS) -> Result<(), SynthesisError> {
		let witness = self.0.as_ref();
		let (slots, s, chunk, count) =
			synthesize_statement(cs.namespace(|| "statement"), witness.map(|w| &w.statement))?;
		let mut value_bits = Vec::with_capacity(SLOTS);
		for (i, slot) in slots.iter().enumerate() {
			let mut cs = cs.namespace(|| format!("value {i}"));
			let m = witness.map(|w| w.values.get(i).copied().unwrap_or(0));
			let m_bits: Option<Vec<bool>> = m.map(|m| (0..VALUE_BITS).map(|k| m >> k & 1 == 1).collect());
			// 0 <= m < 2^32 by its decomposition, whose bits the commitment uses too.
			let bits = alloc_bits(cs.namespace(|| "m"), m_bits.as_deref(), VALUE_BITS)?;
			let m = from_bits(&bits);
			enforce_bounded(cs.namespace(|| "lo <= m"), &m.sub(&slot.lo), VALUE_BITS)?;
			enforce_bounded(cs.namespace(|| "m <= hi"), &slot.hi.sub(&m), VALUE_BITS)?;
			value_bits.push(bits);
		}
		let r_bits: Option<Vec<bool>> =
			witness.map(|w| w.blinding.to_le_bits().iter().take(pedersen::BLINDING_BITS).map(|b| *b).collect());
		let r_bits = alloc_bits(cs.namespace(|| "r"), r_bits.as_deref(), pedersen::BLINDING_BITS)?;
		let point = pedersen::gadget::commit(cs.namespace(|| "H_c"), &value_bits, &r_bits)?;
		let coordinate = |n: &bellman::gadgets::num::AllocatedNum<Scalar>| Lc::variable(n.get_variable(), n.get_value());
		let h = hash(cs.namespace(|| "h"), Domain::Data, &[chunk, count, coordinate(&point.u), coordinate(&point.v)])?;
		let public = witness.map(|w| native_eligibility_inputs(w)).transpose().ok().flatten();
		expose(cs.namespace(|| "public S"), &s, public.map(|p| p[0]))?;
		expose(cs.namespace(|| "public h"), &h, public.map(|p| p[1]))?;
		// b only needs to be an input: Groth16 binds every input to the proof.
		cs.alloc_input(|| "b", || public.map(|p| p[2]).ok_or(SynthesisError::AssignmentMissing))?;
		Ok(())
	}
}

/// `[S, h']` for a requirement witness, computed natively.
pub fn native_requirement_inputs(
	witness: &RequirementWitness,
) -> Result<[Scalar; REQUIREMENT_INPUTS], statement::StatementError> {
	if witness.ranges.len() != witness.statement.indicators.len() {
		return Err(statement::StatementError::LengthMismatch);
	}
	Ok([
		witness.statement.statement()?,
		statement::range_commitment(witness.statement.chunk, &witness.ranges, &witness.salt)?,
	])
}

/// `[S, h, b]` for an eligibility witness, computed natively.
pub fn native_eligibility_inputs(
	witness: &EligibilityWitness,
) -> Result<[Scalar; ELIGIBILITY_INPUTS], statement::StatementError> {
	if witness.values.len() != witness.statement.indicators.len() {
		return Err(statement::StatementError::LengthMismatch);
	}
	Ok([
		witness.statement.statement()?,
		pedersen::data_commitment_digest(witness.statement.chunk, &witness.values, &witness.blinding)?,
		witness.binding,
	])
}

#[cfg(test)]
mod tests {
	use super::*;
	use bellman::gadgets::test::TestConstraintSystem;

	fn chunk(count: usize) -> ChunkStatement {
		ChunkStatement {
			institution: [5u8; 32],
			chunk: 1,
			indicators: (0..count as u32)
				.map(|id| RequestedIndicator { id, lo: 100 + id, hi: 1_000 + id, min_width: 10 })
				.collect(),
		}
	}

	fn requirement(count: usize) -> RequirementWitness {
		let statement = chunk(count);
		let ranges = statement.indicators.iter().map(|i| (i.lo + 5, i.lo + 5 + i.min_width)).collect();
		RequirementWitness { statement, ranges, salt: Scalar::from(77u64) }
	}

	fn eligibility(count: usize) -> EligibilityWitness {
		let statement = chunk(count);
		let values = statement.indicators.iter().map(|i| i.lo + 1).collect();
		EligibilityWitness { statement, values, blinding: -jubjub::Fr::from(88u64), binding: Scalar::from(99u64) }
	}

	fn check_requirement(witness: RequirementWitness) -> (bool, usize) {
		let mut cs = TestConstraintSystem::new();
		let expected = native_requirement_inputs(&witness).unwrap();
		RequirementCircuit(Some(witness)).synthesize(&mut cs).unwrap();
		assert!(cs.verify(&expected), "the public inputs are the native S and h'");
		(cs.is_satisfied(), cs.num_constraints())
	}

	fn check_eligibility(witness: EligibilityWitness) -> (bool, usize) {
		let mut cs = TestConstraintSystem::new();
		let expected = native_eligibility_inputs(&witness).unwrap();
		EligibilityCircuit(Some(witness)).synthesize(&mut cs).unwrap();
		assert!(cs.verify(&expected), "the public inputs are the native S, h and b");
		(cs.is_satisfied(), cs.num_constraints())
	}

	/// Pinned so that any circuit change is noticed (and the keys regenerated).
	const REQUIREMENT_CONSTRAINTS: usize = 42_186;
	const ELIGIBILITY_CONSTRAINTS: usize = 38_312;

	#[test]
	fn constraint_counts_are_pinned() {
		let (ok, requirement) = check_requirement(requirement(SLOTS));
		assert!(ok);
		let (ok, eligibility) = check_eligibility(eligibility(SLOTS));
		assert!(ok);
		assert_eq!((requirement, eligibility), (REQUIREMENT_CONSTRAINTS, ELIGIBILITY_CONSTRAINTS));
		// With the Jubjub commitment the holder's circuit needs bellman's 2^16 evaluation
		// domain (PROTOCOL.md 9.2 allows it); it must not need the next one.
		assert!(eligibility + ELIGIBILITY_INPUTS + 1 <= 1 << 16);
	}

	#[test]
	fn partial_chunks_are_padded_and_satisfied() {
		assert!(check_requirement(requirement(1)).0);
		assert!(check_eligibility(eligibility(1)).0);
		assert!(check_eligibility(eligibility(SLOTS - 1)).0);
	}

	#[test]
	fn requirement_edges() {
		// down = lo and up = hi, the widest range.
		let mut w = requirement(3);
		w.ranges = w.statement.indicators.iter().map(|i| (i.lo, i.hi)).collect();
		assert!(check_requirement(w).0);
		// Exactly the minimum width.
		let mut w = requirement(3);
		w.ranges[1] = (w.statement.indicators[1].lo, w.statement.indicators[1].lo + 10);
		assert!(check_requirement(w).0);
	}

	#[test]
	fn requirement_witness_outside_its_bounds_is_unsatisfiable() {
		let cases: [fn(&RequestedIndicator) -> (u32, u32); 4] = [
			|i| (i.lo - 1, i.lo + 20),             // down below lo
			|i| (i.hi - 20, i.hi + 1),             // up above hi
			|i| (i.lo + 5, i.lo + 5 + 9),          // one narrower than min width
			|i| (i.lo + 50, i.lo + 20),            // inverted
		];
		for case in cases {
			let mut w = requirement(4);
			w.ranges[2] = case(&w.statement.indicators[2]);
			assert!(!check_requirement(w).0);
		}
	}

	#[test]
	fn eligibility_edges_and_values_outside_the_domain() {
		for (value, ok) in [(100u32, true), (1_000, true), (99, false), (1_001, false), (0, false), (u32::MAX, false)] {
			let mut w = eligibility(2);
			w.values[0] = value;
			assert_eq!(check_eligibility(w).0, ok, "value {value} in [100, 1000]");
		}
	}
}
