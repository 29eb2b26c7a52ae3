//! The holder's data commitment of version 2 (PROTOCOL.md 9.2): a Pedersen vector commitment on
//! Jubjub, the twisted Edwards curve over BLS12-381's scalar field (zkcrypto's `jubjub`),
//!
//! `H_c = m_1 G_1 + ... + m_k G_k + r H`
//!
//! for one chunk of at most [`SLOTS`](crate::SLOTS) values `m_i < 2^32` and a blinding
//! `r` in Jubjub's scalar field. Unlike the Poseidon commitment it replaces, its opening is an
//! equation in a group, which a Sigma protocol outside the circuit (Pi^link) can speak about
//! with the same `m_i` the Paillier ciphertexts carry.
//!
//! - Generators come from a fixed public tag by hashing to the curve (BLAKE2s, try and
//!   increment, then clearing the cofactor), so nobody knows a relation between them: the
//!   commitment is binding under the discrete logarithm assumption in Jubjub's prime-order
//!   subgroup, and perfectly hiding through `r H`.
//! - [`gadget`] computes the same commitment inside a bellman circuit by windowed fixed-base
//!   scalar multiplication, so the eligibility circuit can commit to exactly the values it
//!   range-checks.

use crate::Scalar;
use ff::Field;
use group::cofactor::CofactorGroup;
use group::{Curve, Group};
use jubjub::{AffinePoint, ExtendedPoint, Fr, SubgroupPoint};

/// Personalisation of the generator hash (BLAKE2s allows eight bytes).
const GENERATOR_PERSONAL: &[u8; 8] = b"MedShGen";
/// The public tag the generators derive from; a new commitment scheme changes it.
pub const GENERATOR_TAG: &[u8] = b"medshare/data-commitment/v1";
/// The index of the blinding generator `H`; value generators `G_i` use `0..SLOTS`.
const BLINDING_INDEX: u32 = u32::MAX;
/// Bits of a blinding `r` in the circuit: Jubjub's subgroup order is below `2^252`.
pub const BLINDING_BITS: usize = 252;

/// Hashes `(tag, index)` to a point of Jubjub's prime-order subgroup: BLAKE2s of the tag, the
/// index and a counter, read as a compressed point, the first that decodes and is not of small
/// order after clearing the cofactor.
pub fn group_hash(tag: &[u8], index: u32) -> SubgroupPoint {
	for counter in 0u32.. {
		let digest = blake2s_simd::Params::new()
			.hash_length(32)
			.personal(GENERATOR_PERSONAL)
			.to_state()
			.update(tag)
			.update(&index.to_le_bytes())
			.update(&counter.to_le_bytes())
			.finalize();
		let mut bytes = [0u8; 32];
		bytes.copy_from_slice(digest.as_bytes());
		if let Some(point) = Option::<AffinePoint>::from(AffinePoint::from_bytes(bytes)) {
			let point = ExtendedPoint::from(point).clear_cofactor();
			if !bool::from(point.is_identity()) {
				return point;
			}
		}
	}
	unreachable!("about half of all 32-byte strings decode to a point")
}

/// The value generator `G_i` (0-based slot `i`).
pub fn value_generator(slot: usize) -> SubgroupPoint {
	group_hash(GENERATOR_TAG, slot as u32)
}

/// The blinding generator `H`.
pub fn blinding_generator() -> SubgroupPoint {
	group_hash(GENERATOR_TAG, BLINDING_INDEX)
}

/// The generators `G_0..G_{SLOTS-1}` and `H`, derived once per process.
pub fn generators() -> &'static (Vec<SubgroupPoint>, SubgroupPoint) {
	static GENERATORS: std::sync::OnceLock<(Vec<SubgroupPoint>, SubgroupPoint)> = std::sync::OnceLock::new();
	GENERATORS.get_or_init(|| ((0..crate::SLOTS).map(value_generator).collect(), blinding_generator()))
}

/// `H_c = sum_i values[i] G_i + blinding H` (at most [`SLOTS`](crate::SLOTS) values; extra
/// values are ignored, and the statement functions refuse such chunks before this is reached).
pub fn commit(values: &[u32], blinding: &Fr) -> SubgroupPoint {
	let (g, h) = generators();
	let mut sum = h * blinding;
	for (generator, &value) in g.iter().zip(values) {
		sum += generator * Fr::from(u64::from(value));
	}
	sum
}

/// h, the eligibility proof's public data commitment: the Poseidon digest
/// `Hash(DATA, chunk, k, u, v)` of `H_c = (u, v)`.
pub fn digest(chunk: u32, count: usize, commitment: &SubgroupPoint) -> Result<Scalar, crate::statement::StatementError> {
	let (u, v) = coordinates(commitment);
	crate::statement::data_commitment_digest(chunk, count, &u, &v)
}

/// h for one chunk's values and blinding.
pub fn data_commitment_digest(chunk: u32, values: &[u32], blinding: &Fr) -> Result<Scalar, crate::statement::StatementError> {
	if values.len() > crate::SLOTS {
		return Err(crate::statement::StatementError::ChunkTooLarge);
	}
	digest(chunk, values.len(), &commit(values, blinding))
}

/// Jubjub's `d` in `-u^2 + v^2 = 1 + d u^2 v^2`: `-(10240 / 10241)`.
pub fn edwards_d() -> Scalar {
	let denominator = Option::<Scalar>::from(Scalar::from(10_241u64).invert()).unwrap_or(Scalar::ZERO);
	-(Scalar::from(10_240u64) * denominator)
}

/// The affine coordinates `(u, v)` of a point.
pub fn coordinates(point: &SubgroupPoint) -> (Scalar, Scalar) {
	let affine = ExtendedPoint::from(*point).to_affine();
	(affine.get_u(), affine.get_v())
}

/// The commitment inside a bellman circuit.
pub mod gadget {
	use super::*;
	use bellman::gadgets::boolean::Boolean;
	use bellman::gadgets::lookup::lookup3_xy;
	use bellman::gadgets::num::AllocatedNum;
	use bellman::{ConstraintSystem, SynthesisError};

	/// Bits per window of the fixed-base multiplication: `lookup3_xy` selects one of eight
	/// precomputed points with three bits.
	const WINDOW: usize = 3;

	/// A point in affine Edwards coordinates, each an allocated variable.
	#[derive(Clone)]
	pub struct EdwardsPoint {
		/// `u`.
		pub u: AllocatedNum<Scalar>,
		/// `v`.
		pub v: AllocatedNum<Scalar>,
	}

	impl EdwardsPoint {
		/// The complete twisted Edwards addition (Jubjub's `d` is not a square, so the formula
		/// has no exceptional cases), in six constraints:
		/// `U = (u1 + v1)(u2 + v2)`, `A = u1 v2`, `B = v1 u2`, `C = d A B`,
		/// `u3 (1 + C) = A + B`, `v3 (1 - C) = U - A - B`.
		pub fn add<CS: ConstraintSystem<Scalar>>(&self, mut cs: CS, other: &EdwardsPoint) -> Result<EdwardsPoint, SynthesisError> {
			let d = edwards_d();
			let (u1, v1, u2, v2) = (&self.u, &self.v, &other.u, &other.v);
			let value = |a: &AllocatedNum<Scalar>| a.get_value().ok_or(SynthesisError::AssignmentMissing);
			let big_u = AllocatedNum::alloc(cs.namespace(|| "U"), || Ok((value(u1)? + value(v1)?) * (value(u2)? + value(v2)?)))?;
			cs.enforce(
				|| "U = (u1 + v1)(u2 + v2)",
				|lc| lc + u1.get_variable() + v1.get_variable(),
				|lc| lc + u2.get_variable() + v2.get_variable(),
				|lc| lc + big_u.get_variable(),
			);
			let a = u1.mul(cs.namespace(|| "A = u1 v2"), v2)?;
			let b = v1.mul(cs.namespace(|| "B = v1 u2"), u2)?;
			let c = AllocatedNum::alloc(cs.namespace(|| "C"), || Ok(d * value(&a)? * value(&b)?))?;
			cs.enforce(
				|| "C = d A B",
				|lc| lc + (d, a.get_variable()),
				|lc| lc + b.get_variable(),
				|lc| lc + c.get_variable(),
			);
			let u3 = AllocatedNum::alloc(cs.namespace(|| "u3"), || {
				let denominator = Option::<Scalar>::from((Scalar::ONE + value(&c)?).invert()).ok_or(SynthesisError::DivisionByZero)?;
				Ok((value(&a)? + value(&b)?) * denominator)
			})?;
			cs.enforce(
				|| "u3 (1 + C) = A + B",
				|lc| lc + u3.get_variable(),
				|lc| lc + CS::one() + c.get_variable(),
				|lc| lc + a.get_variable() + b.get_variable(),
			);
			let v3 = AllocatedNum::alloc(cs.namespace(|| "v3"), || {
				let denominator = Option::<Scalar>::from((Scalar::ONE - value(&c)?).invert()).ok_or(SynthesisError::DivisionByZero)?;
				Ok((value(&big_u)? - value(&a)? - value(&b)?) * denominator)
			})?;
			cs.enforce(
				|| "v3 (1 - C) = U - A - B",
				|lc| lc + v3.get_variable(),
				|lc| lc + CS::one() - c.get_variable(),
				|lc| lc + big_u.get_variable() - a.get_variable() - b.get_variable(),
			);
			Ok(EdwardsPoint { u: u3, v: v3 })
		}
	}

	/// `bits`-weighted multiple of the fixed `base` (little-endian bits): one `lookup3_xy` of
	/// the eight multiples `k 8^j base` per three-bit window `j`, and one addition per window
	/// after the first.
	pub fn fixed_base_mul<CS: ConstraintSystem<Scalar>>(
		mut cs: CS,
		base: &SubgroupPoint,
		bits: &[Boolean],
	) -> Result<EdwardsPoint, SynthesisError> {
		let mut window_base = ExtendedPoint::from(*base);
		let mut acc: Option<EdwardsPoint> = None;
		for (j, window) in bits.chunks(WINDOW).enumerate() {
			let mut cs = cs.namespace(|| format!("window {j}"));
			let mut window_bits = window.to_vec();
			window_bits.resize(WINDOW, Boolean::constant(false));
			let mut table = Vec::with_capacity(1 << WINDOW);
			let mut multiple = ExtendedPoint::identity();
			for _ in 0..1 << WINDOW {
				let affine = multiple.to_affine();
				table.push((affine.get_u(), affine.get_v()));
				multiple += window_base;
			}
			let (u, v) = lookup3_xy(cs.namespace(|| "lookup"), &window_bits, &table)?;
			let point = EdwardsPoint { u, v };
			acc = Some(match acc {
				None => point,
				Some(sum) => sum.add(cs.namespace(|| "add"), &point)?,
			});
			window_base = window_base.double().double().double();
		}
		match acc {
			Some(point) => Ok(point),
			// No bits: the identity (0, 1), as constants.
			None => {
				let u = AllocatedNum::alloc(cs.namespace(|| "u"), || Ok(Scalar::ZERO))?;
				let v = AllocatedNum::alloc(cs.namespace(|| "v"), || Ok(Scalar::ONE))?;
				cs.enforce(|| "u = 0", |lc| lc + u.get_variable(), |lc| lc + CS::one(), |lc| lc);
				cs.enforce(|| "v = 1", |lc| lc + v.get_variable(), |lc| lc + CS::one(), |lc| lc + CS::one());
				Ok(EdwardsPoint { u, v })
			},
		}
	}

	/// `H_c` from the bits of each value (32 little-endian bits per value, as the range checks
	/// allocate them) and of the blinding (Jubjub scalar bits, little-endian).
	pub fn commit<CS: ConstraintSystem<Scalar>>(
		mut cs: CS,
		value_bits: &[Vec<Boolean>],
		blinding_bits: &[Boolean],
	) -> Result<EdwardsPoint, SynthesisError> {
		let (g, h) = generators();
		let mut sum = fixed_base_mul(cs.namespace(|| "blinding"), h, blinding_bits)?;
		for (slot, bits) in value_bits.iter().enumerate() {
			let generator = g.get(slot).copied().unwrap_or_else(|| value_generator(slot));
			let term = fixed_base_mul(cs.namespace(|| format!("value {slot}")), &generator, bits)?;
			sum = sum.add(cs.namespace(|| format!("sum {slot}")), &term)?;
		}
		Ok(sum)
	}
}

#[cfg(test)]
mod tests {
	use super::gadget;
	use super::*;
	use bellman::gadgets::boolean::{AllocatedBit, Boolean};
	use bellman::gadgets::test::TestConstraintSystem;
	use bellman::ConstraintSystem;
	use ff::PrimeFieldBits;

	fn bits_of<CS: ConstraintSystem<Scalar>>(cs: &mut CS, name: &str, value: u64, count: usize) -> Vec<Boolean> {
		(0..count)
			.map(|i| {
				let bit = AllocatedBit::alloc(cs.namespace(|| format!("{name} bit {i}")), Some(value >> i & 1 == 1)).unwrap();
				Boolean::from(bit)
			})
			.collect()
	}

	fn scalar_bits<CS: ConstraintSystem<Scalar>>(cs: &mut CS, r: &Fr) -> Vec<Boolean> {
		r.to_le_bits()
			.iter()
			.take(252)
			.enumerate()
			.map(|(i, bit)| Boolean::from(AllocatedBit::alloc(cs.namespace(|| format!("r bit {i}")), Some(*bit)).unwrap()))
			.collect()
	}

	#[test]
	fn generators_are_distinct_fixed_subgroup_points() {
		let points: Vec<SubgroupPoint> = (0..crate::SLOTS).map(value_generator).chain([blinding_generator()]).collect();
		for (i, p) in points.iter().enumerate() {
			assert!(!bool::from(p.is_identity()));
			assert!(points[i + 1..].iter().all(|q| q != p), "generator {i} repeats");
		}
		// Deterministic: the same tag gives the same points.
		assert_eq!(value_generator(7), group_hash(GENERATOR_TAG, 7));
		assert_ne!(value_generator(7), group_hash(b"another tag", 7));
	}

	#[test]
	fn d_is_jubjubs() {
		let (u, v) = coordinates(&value_generator(0));
		assert_eq!(v * v - u * u, Scalar::ONE + edwards_d() * u * u * v * v);
	}

	#[test]
	fn the_commitment_is_homomorphic_and_hiding_in_r() {
		let r = Fr::from(12_345u64);
		let a = commit(&[3690, 72], &r);
		let b = commit(&[3690, 73], &r);
		assert_eq!(b - a, value_generator(1));
		assert_ne!(commit(&[3690, 72], &Fr::from(12_346u64)), a);
	}

	#[test]
	fn the_gadget_computes_the_native_commitment() {
		let values = [3_690u32, 120, u32::MAX, 0];
		let r = Fr::from(0x1234_5678_9abc_def0u64) * Fr::from(0x0fed_cba9_8765_4321u64);
		let mut cs = TestConstraintSystem::<Scalar>::new();
		let value_bits: Vec<Vec<Boolean>> =
			values.iter().enumerate().map(|(i, &m)| bits_of(&mut cs, &format!("m{i}"), u64::from(m), 32)).collect();
		let blinding_bits = scalar_bits(&mut cs, &r);
		let before = cs.num_constraints();
		let point = gadget::commit(cs.namespace(|| "commit"), &value_bits, &blinding_bits).unwrap();
		assert!(cs.is_satisfied(), "{:?}", cs.which_is_unsatisfied());
		let (u, v) = coordinates(&commit(&values, &r));
		assert_eq!((point.u.get_value(), point.v.get_value()), (Some(u), Some(v)));
		// Pinned cost: 128 windows (11 per 32-bit value, 84 for the blinding) of one lookup of
		// 3 constraints each, less one where a value's last window pads a constant bit (its bit
		// product is free), and 127 additions of 6 constraints (one per window after the first
		// of each multiplication, one per value into the sum). Per 32-bit value that is 98
		// constraints: a full 92-value chunk adds about 9,800 to the eligibility circuit.
		assert_eq!(cs.num_constraints() - before, 3 * 128 - 4 + 6 * 127);
	}

	/// What binding Pi^cmp's constants to the committed ranges would cost in a circuit
	/// (docs/PROOFS.md, "Threshold binding"), measured with this crate's gadgets for one
	/// indicator: the bits of `rho, rho', sigma, sigma'` (64 each), `rho >= 1`, `sigma >= 1`,
	/// `rho' < rho`, `sigma' < sigma`, the two products with the committed `down`, `up`, the
	/// constants `k = rho' - rho down + 2^96` and `sigma up + sigma' + 2^96` as 97-bit integers,
	/// and a Jubjub commitment to `rho, sigma` and both constants (what a link to the Paillier
	/// exponents needs, as Pi^link links `m`). Not part of any circuit: a measurement, pinned.
	#[test]
	fn threshold_binding_costs_what_docs_proofs_says() {
		use crate::gadgets::{enforce_bounded, Lc};
		let (rho, rho_extra, sigma, sigma_extra, down, up) = (0xdead_beef_1234_5678u64, 77u64, 0x1234_5678_9abc_def0u64, 5u64, 3_600u64, 3_750u64);
		let mut cs = TestConstraintSystem::<Scalar>::new();
		let down_var = Lc::alloc(cs.namespace(|| "down"), Some(Scalar::from(down))).unwrap();
		let up_var = Lc::alloc(cs.namespace(|| "up"), Some(Scalar::from(up))).unwrap();
		let before = cs.num_constraints();
		let lc_of = |bits: &[Boolean], value: u64| {
			let mut sum = Lc::constant(Scalar::ZERO);
			let mut weight = Scalar::ONE;
			for bit in bits {
				if let Boolean::Is(b) = bit {
					sum = sum.add_scaled(weight, &Lc::variable(b.get_variable(), b.get_value().map(|v| Scalar::from(v as u64))));
				}
				weight = weight.double();
			}
			let _ = value;
			sum
		};
		let rho_bits = bits_of(&mut cs, "rho", rho, 64);
		let rho_extra_bits = bits_of(&mut cs, "rho'", rho_extra, 64);
		let sigma_bits = bits_of(&mut cs, "sigma", sigma, 64);
		let sigma_extra_bits = bits_of(&mut cs, "sigma'", sigma_extra, 64);
		let (r, r2, s2, s3) = (lc_of(&rho_bits, rho), lc_of(&rho_extra_bits, rho_extra), lc_of(&sigma_bits, sigma), lc_of(&sigma_extra_bits, sigma_extra));
		let one = Scalar::ONE;
		enforce_bounded(cs.namespace(|| "rho >= 1"), &r.add_constant(&-one), 64).unwrap();
		enforce_bounded(cs.namespace(|| "sigma >= 1"), &s2.add_constant(&-one), 64).unwrap();
		enforce_bounded(cs.namespace(|| "rho' < rho"), &r.sub(&r2).add_constant(&-one), 64).unwrap();
		enforce_bounded(cs.namespace(|| "sigma' < sigma"), &s2.sub(&s3).add_constant(&-one), 64).unwrap();
		// rho down and sigma up: one multiplication each.
		let product = |cs: &mut TestConstraintSystem<Scalar>, name: &str, a: &Lc, b: &Lc| {
			let value = a.value().zip(b.value()).map(|(x, y)| x * y);
			let p = Lc::alloc(cs.namespace(|| name.to_string()), value).unwrap();
			cs.enforce(|| format!("{name} product"), |_| a.to_bellman::<TestConstraintSystem<Scalar>>(), |_| b.to_bellman::<TestConstraintSystem<Scalar>>(), |_| p.to_bellman::<TestConstraintSystem<Scalar>>());
			p
		};
		let rho_down = product(&mut cs, "rho down", &r, &down_var);
		let sigma_up = product(&mut cs, "sigma up", &s2, &up_var);
		let offset = Scalar::from(1u64 << 48) * Scalar::from(1u64 << 48);
		let k_alpha = r2.sub(&rho_down).add_constant(&offset);
		let k_beta = sigma_up.add(&s3).add_constant(&offset);
		// Each constant as 97 bits, tied to its value.
		let k_bits = |cs: &mut TestConstraintSystem<Scalar>, name: &str, k: &Lc| -> Vec<Boolean> {
			let bytes = k.value().unwrap().to_bytes();
			let bits: Vec<Boolean> = (0..97)
				.map(|i| Boolean::from(AllocatedBit::alloc(cs.namespace(|| format!("{name} bit {i}")), Some(bytes[i / 8] >> (i % 8) & 1 == 1)).unwrap()))
				.collect();
			lc_of(&bits, 0).enforce_equal(cs.namespace(|| format!("{name} recomposition")), k);
			bits
		};
		let k_alpha_bits = k_bits(&mut cs, "k alpha", &k_alpha);
		let k_beta_bits = k_bits(&mut cs, "k beta", &k_beta);
		let (g, _) = generators();
		let mut sum = gadget::fixed_base_mul(cs.namespace(|| "rho G"), &g[0], &rho_bits).unwrap();
		for (j, bits) in [&sigma_bits, &k_alpha_bits, &k_beta_bits].into_iter().enumerate() {
			let term = gadget::fixed_base_mul(cs.namespace(|| format!("term {j}")), &g[j + 1], bits).unwrap();
			sum = sum.add(cs.namespace(|| format!("sum {j}")), &term).unwrap();
		}
		assert!(cs.is_satisfied(), "{:?}", cs.which_is_unsatisfied());
		let per_indicator = cs.num_constraints() - before;
		assert_eq!(per_indicator, THRESHOLD_BINDING_CONSTRAINTS_PER_INDICATOR);
		// A 92-indicator chunk: more than three times the eligibility circuit, past 2^17.
		assert!(per_indicator * crate::SLOTS > 1 << 17);
	}

	/// Constraints per indicator of the threshold binding measured above.
	const THRESHOLD_BINDING_CONSTRAINTS_PER_INDICATOR: usize = 1_694;

	#[test]
	fn a_wrong_sum_is_unsatisfied() {
		let mut cs = TestConstraintSystem::<Scalar>::new();
		let value_bits = vec![bits_of(&mut cs, "m", 5, 32)];
		let blinding_bits = scalar_bits(&mut cs, &Fr::from(9u64));
		gadget::commit(cs.namespace(|| "commit"), &value_bits, &blinding_bits).unwrap();
		assert!(cs.is_satisfied());
		// The last addition's u set to the commitment of another value.
		let (u, _) = coordinates(&commit(&[6], &Fr::from(9u64)));
		cs.set("commit/sum 0/u3/num", u);
		assert!(!cs.is_satisfied());
	}
}
