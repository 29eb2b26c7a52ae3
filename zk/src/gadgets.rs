//! Circuit building blocks: linear combinations that merge their terms, Poseidon over
//! constraint-system variables, and range checks by bit decomposition.

use crate::poseidon::{Domain, FULL_ROUNDS, MDS, PARTIAL_ROUNDS, RATE, ROUND_CONSTANTS, WIDTH};
use bellman::{ConstraintSystem, Index, LinearCombination, SynthesisError, Variable};
use bls12_381::Scalar;
use ff::Field;

/// A linear combination of variables plus a constant, with its value when the prover knows
/// it. Terms are kept sorted by variable and merged, so that Poseidon's partial rounds do not
/// grow them without bound (bellman's own `LinearCombination` only appends).
#[derive(Clone, Debug)]
pub struct Lc {
	terms: Vec<(Variable, Scalar)>,
	constant: Scalar,
	value: Option<Scalar>,
}

fn order(v: &Variable) -> (u8, usize) {
	match v.get_unchecked() {
		Index::Input(i) => (0, i),
		Index::Aux(i) => (1, i),
	}
}

impl Lc {
	/// A constant.
	pub fn constant(value: Scalar) -> Self {
		Lc { terms: Vec::new(), constant: value, value: Some(value) }
	}

	/// One variable.
	pub fn variable(variable: Variable, value: Option<Scalar>) -> Self {
		Lc { terms: vec![(variable, Scalar::ONE)], constant: Scalar::ZERO, value }
	}

	/// Allocates a private variable.
	pub fn alloc<CS: ConstraintSystem<Scalar>>(
		mut cs: CS,
		value: Option<Scalar>,
	) -> Result<Self, SynthesisError> {
		let variable = cs.alloc(|| "value", || value.ok_or(SynthesisError::AssignmentMissing))?;
		Ok(Lc::variable(variable, value))
	}

	/// The value, when known.
	pub fn value(&self) -> Option<Scalar> {
		self.value
	}

	/// `self + coefficient * other`.
	pub fn add_scaled(&self, coefficient: Scalar, other: &Lc) -> Lc {
		let mut terms = Vec::with_capacity(self.terms.len() + other.terms.len());
		let (mut a, mut b) = (self.terms.iter().peekable(), other.terms.iter().peekable());
		loop {
			match (a.peek(), b.peek()) {
				(Some(x), Some(y)) if order(&x.0) == order(&y.0) => {
					let sum = x.1 + y.1 * coefficient;
					if !bool::from(sum.is_zero()) {
						terms.push((x.0, sum));
					}
					a.next();
					b.next();
				},
				(Some(x), Some(y)) if order(&x.0) < order(&y.0) => {
					terms.push(**x);
					a.next();
				},
				(_, Some(y)) => {
					terms.push((y.0, y.1 * coefficient));
					b.next();
				},
				(Some(x), None) => {
					terms.push(**x);
					a.next();
				},
				(None, None) => break,
			}
		}
		Lc {
			terms,
			constant: self.constant + other.constant * coefficient,
			value: self.value.zip(other.value).map(|(x, y)| x + y * coefficient),
		}
	}

	/// `self + other`.
	pub fn add(&self, other: &Lc) -> Lc {
		self.add_scaled(Scalar::ONE, other)
	}

	/// `self - other`.
	pub fn sub(&self, other: &Lc) -> Lc {
		self.add_scaled(-Scalar::ONE, other)
	}

	/// `self + c`.
	pub fn add_constant(&self, c: &Scalar) -> Lc {
		Lc {
			terms: self.terms.clone(),
			constant: self.constant + c,
			value: self.value.map(|v| v + c),
		}
	}

	/// bellman's form, with the constant on the `one` variable.
	pub fn to_bellman<CS: ConstraintSystem<Scalar>>(&self) -> LinearCombination<Scalar> {
		let lc = self.terms.iter().fold(LinearCombination::zero(), |lc, &(v, c)| lc + (c, v));
		if bool::from(self.constant.is_zero()) {
			lc
		} else {
			lc + (self.constant, CS::one())
		}
	}

	/// Constrains `self == other`.
	pub fn enforce_equal<CS: ConstraintSystem<Scalar>>(&self, mut cs: CS, other: &Lc) {
		let difference = self.sub(other);
		cs.enforce(|| "equal", |_| difference.to_bellman::<CS>(), |lc| lc + CS::one(), |lc| lc);
	}
}

/// `x^5` in three constraints.
fn sbox<CS: ConstraintSystem<Scalar>>(mut cs: CS, x: &Lc) -> Result<Lc, SynthesisError> {
	let x2 = Lc::alloc(cs.namespace(|| "x2"), x.value.map(|v| v.square()))?;
	cs.enforce(|| "x2 = x*x", |_| x.to_bellman::<CS>(), |_| x.to_bellman::<CS>(), |_| x2.to_bellman::<CS>());
	let x4 = Lc::alloc(cs.namespace(|| "x4"), x2.value.map(|v| v.square()))?;
	cs.enforce(|| "x4 = x2*x2", |_| x2.to_bellman::<CS>(), |_| x2.to_bellman::<CS>(), |_| x4.to_bellman::<CS>());
	let x5 = Lc::alloc(cs.namespace(|| "x5"), x4.value.zip(x.value).map(|(a, b)| a * b))?;
	cs.enforce(|| "x5 = x4*x", |_| x4.to_bellman::<CS>(), |_| x.to_bellman::<CS>(), |_| x5.to_bellman::<CS>());
	Ok(x5)
}

/// The Poseidon permutation over variables; the same steps as [`crate::poseidon::permute`].
fn permute<CS: ConstraintSystem<Scalar>>(
	mut cs: CS,
	state: &mut [Lc; WIDTH],
) -> Result<(), SynthesisError> {
	for (round, constants) in ROUND_CONSTANTS.chunks_exact(WIDTH).enumerate() {
		let full = round < FULL_ROUNDS / 2 || round >= FULL_ROUNDS / 2 + PARTIAL_ROUNDS;
		for (x, c) in state.iter_mut().zip(constants) {
			*x = x.add_constant(c);
		}
		let sboxes = if full { WIDTH } else { 1 };
		for (i, x) in state.iter_mut().enumerate().take(sboxes) {
			*x = sbox(cs.namespace(|| format!("round {round} sbox {i}")), x)?;
		}
		let input = state.clone();
		for (row, out) in state.iter_mut().enumerate() {
			*out = MDS[row * WIDTH..(row + 1) * WIDTH]
				.iter()
				.zip(input.iter())
				.fold(Lc::constant(Scalar::ZERO), |acc, (m, x)| acc.add_scaled(*m, x));
		}
	}
	Ok(())
}

/// Poseidon's fixed-length sponge over variables; the same as [`crate::poseidon::hash`].
pub fn hash<CS: ConstraintSystem<Scalar>>(
	mut cs: CS,
	domain: Domain,
	inputs: &[Lc],
) -> Result<Lc, SynthesisError> {
	let mut state: [Lc; WIDTH] = core::array::from_fn(|_| Lc::constant(Scalar::ZERO));
	state[0] = Lc::constant(domain.capacity(inputs.len()));
	if inputs.is_empty() {
		permute(cs.namespace(|| "empty"), &mut state)?;
	}
	for (i, block) in inputs.chunks(RATE).enumerate() {
		for (x, input) in state[1..].iter_mut().zip(block) {
			*x = x.add(input);
		}
		permute(cs.namespace(|| format!("block {i}")), &mut state)?;
	}
	let [_, out, ..] = state;
	Ok(out)
}

/// Allocates the `bits` low bits of `value`, each constrained to be 0 or 1, and returns their
/// weighted sum: a variable proven to lie in `[0, 2^bits)`.
pub fn alloc_bounded<CS: ConstraintSystem<Scalar>>(
	mut cs: CS,
	value: Option<u64>,
	bits: usize,
) -> Result<Lc, SynthesisError> {
	let mut sum = Lc::constant(Scalar::ZERO);
	let mut weight = Scalar::ONE;
	for i in 0..bits {
		let bit = value.map(|v| Scalar::from((v >> i) & 1));
		let var = cs.alloc(|| format!("bit {i}"), || bit.ok_or(SynthesisError::AssignmentMissing))?;
		// b * (1 - b) = 0
		cs.enforce(|| format!("bit {i} is boolean"), |lc| lc + var, |lc| lc + CS::one() - var, |lc| lc);
		sum = sum.add_scaled(weight, &Lc::variable(var, bit));
		weight = weight.double();
	}
	Ok(sum)
}

/// Constrains `x` to lie in `[0, 2^bits)` by decomposing it: `bits + 1` constraints. With a
/// witness outside the range the constraint system is unsatisfiable.
pub fn enforce_bounded<CS: ConstraintSystem<Scalar>>(
	mut cs: CS,
	x: &Lc,
	bits: usize,
) -> Result<(), SynthesisError> {
	// The low 64 bits of the field value: exactly the value when it is in range, and a
	// decomposition that cannot match when it is not.
	let low = x.value().map(|v| {
		let bytes = v.to_bytes();
		u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes"))
	});
	let decomposed = alloc_bounded(cs.namespace(|| "bits"), low, bits)?;
	decomposed.enforce_equal(cs.namespace(|| "recomposition"), x);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use bellman::gadgets::test::TestConstraintSystem;

	#[test]
	fn poseidon_gadget_matches_native_hash() {
		for len in [0usize, 1, 3, 4, 5, 9] {
			let values: Vec<Scalar> = (0..len as u64).map(|i| Scalar::from(i * 7 + 3)).collect();
			let mut cs = TestConstraintSystem::<Scalar>::new();
			let inputs: Vec<Lc> = values
				.iter()
				.enumerate()
				.map(|(i, v)| Lc::alloc(cs.namespace(|| format!("input {i}")), Some(*v)).unwrap())
				.collect();
			let out = hash(cs.namespace(|| "hash"), Domain::Data, &inputs).unwrap();
			assert!(cs.is_satisfied());
			assert_eq!(out.value(), Some(crate::poseidon::hash(Domain::Data, &values)));
			// The output as a constraint-system value agrees too.
			let expected = crate::poseidon::hash(Domain::Data, &values);
			let pinned = Lc::alloc(cs.namespace(|| "pinned"), Some(expected)).unwrap();
			out.enforce_equal(cs.namespace(|| "check"), &pinned);
			assert!(cs.is_satisfied(), "length {len}");
			let permutations = len.div_ceil(RATE).max(1);
			let per_permutation = 3 * (FULL_ROUNDS * WIDTH + PARTIAL_ROUNDS);
			assert_eq!(cs.num_constraints(), permutations * per_permutation + 1);
		}
	}

	#[test]
	fn range_check_accepts_the_range_and_rejects_outside() {
		let check = |value: Scalar| {
			let mut cs = TestConstraintSystem::<Scalar>::new();
			let x = Lc::alloc(cs.namespace(|| "x"), Some(value)).unwrap();
			enforce_bounded(cs.namespace(|| "range"), &x, 32).unwrap();
			assert_eq!(cs.num_constraints(), 33);
			cs.is_satisfied()
		};
		assert!(check(Scalar::from(0u64)));
		assert!(check(Scalar::from(u32::MAX as u64)));
		assert!(!check(Scalar::from(1u64 << 32)));
		assert!(!check(-Scalar::ONE));
		assert!(!check(-Scalar::from(5u64)));
	}
}
