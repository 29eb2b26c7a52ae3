//! One circuit's starting parameters from a phase-1 accumulator: what bellman's generator
//! computes from τ, α and β, computed here from their powers in the groups instead, with γ = 1
//! and δ = 1 (phase 2 then randomizes δ; γ = 1 as in BGM17 and Sapling). This is deterministic,
//! so every verifier recomputes it from the circuit and the phase-1 output.
//!
//! It follows bellman's generator step by step:
//! - the circuit's constraints, plus one `input · 0 = 0` per public input;
//! - the domain, the constraint count rounded up to a power of two;
//! - the Lagrange basis at τ, the inverse FFT of the powers of τ (here over group elements);
//! - each variable's A, B and C at τ; IC for the inputs and L for the others, `β·A + α·B + C`;
//! - H is `τ^i·(τ^m - 1)`.
//!
//! A test checks the result against bellman's own generator given the same secrets.

use std::sync::Arc;

use bellman::{Circuit, ConstraintSystem, Index, LinearCombination, SynthesisError, Variable};
use bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::{Field, PrimeField};
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};

use super::phase1::Accumulator;
use crate::setup::Parameters;

/// Why parameters could not be derived.
#[derive(Debug)]
pub enum CircuitError {
	/// The circuit needs a domain of `needed` points; the accumulator has `available`.
	TooSmall { needed: usize, available: usize },
	/// bellman could not synthesize the circuit.
	Synthesis(SynthesisError),
	/// A variable appears in no constraint (bellman's generator refuses such circuits too).
	Unconstrained,
}

impl core::fmt::Display for CircuitError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			CircuitError::TooSmall { needed, available } => write!(f, "the circuit needs a phase 1 of {needed} powers, this one has {available}"),
			CircuitError::Synthesis(e) => write!(f, "circuit synthesis failed: {e}"),
			CircuitError::Unconstrained => write!(f, "a variable of the circuit is unconstrained"),
		}
	}
}

impl std::error::Error for CircuitError {}

/// Per variable, the constraints it appears in: `(coefficient, constraint index)`.
type Column = Vec<(Scalar, usize)>;

/// The circuit's constraint matrices, column by variable, as bellman's generator records them.
#[derive(Default)]
struct Matrices {
	num_constraints: usize,
	inputs: [Vec<Column>; 3],
	aux: [Vec<Column>; 3],
}

impl Matrices {
	fn record(&mut self, which: usize, lc: &LinearCombination<Scalar>, row: usize) {
		for (variable, coefficient) in lc.as_ref() {
			let column = match variable.get_unchecked() {
				Index::Input(i) => &mut self.inputs[which][i],
				Index::Aux(i) => &mut self.aux[which][i],
			};
			column.push((*coefficient, row));
		}
	}
}

impl ConstraintSystem<Scalar> for Matrices {
	type Root = Self;

	fn alloc<F, A, AR>(&mut self, _: A, _: F) -> Result<Variable, SynthesisError>
	where
		F: FnOnce() -> Result<Scalar, SynthesisError>,
		A: FnOnce() -> AR,
		AR: Into<String>,
	{
		let index = self.aux[0].len();
		self.aux.iter_mut().for_each(|m| m.push(Vec::new()));
		Ok(Variable::new_unchecked(Index::Aux(index)))
	}

	fn alloc_input<F, A, AR>(&mut self, _: A, _: F) -> Result<Variable, SynthesisError>
	where
		F: FnOnce() -> Result<Scalar, SynthesisError>,
		A: FnOnce() -> AR,
		AR: Into<String>,
	{
		let index = self.inputs[0].len();
		self.inputs.iter_mut().for_each(|m| m.push(Vec::new()));
		Ok(Variable::new_unchecked(Index::Input(index)))
	}

	fn enforce<A, AR, LA, LB, LC>(&mut self, _: A, a: LA, b: LB, c: LC)
	where
		A: FnOnce() -> AR,
		AR: Into<String>,
		LA: FnOnce(LinearCombination<Scalar>) -> LinearCombination<Scalar>,
		LB: FnOnce(LinearCombination<Scalar>) -> LinearCombination<Scalar>,
		LC: FnOnce(LinearCombination<Scalar>) -> LinearCombination<Scalar>,
	{
		let row = self.num_constraints;
		self.record(0, &a(LinearCombination::zero()), row);
		self.record(1, &b(LinearCombination::zero()), row);
		self.record(2, &c(LinearCombination::zero()), row);
		self.num_constraints += 1;
	}

	fn push_namespace<NR, N>(&mut self, _: N)
	where
		NR: Into<String>,
		N: FnOnce() -> NR,
	{
	}

	fn pop_namespace(&mut self) {}

	fn get_root(&mut self) -> &mut Self::Root {
		self
	}
}

/// In-place radix-2 FFT over group elements with root `omega` (bellman's serial FFT).
fn fft<G: Group<Scalar = Scalar> + group::WnafGroup>(a: &mut [G], omega: Scalar) {
	let mut wnaf = group::Wnaf::new();
	let n = a.len();
	let log_n = n.trailing_zeros();
	for k in 0..n {
		let rk = k.reverse_bits() >> (usize::BITS - log_n);
		if k < rk {
			a.swap(k, rk);
		}
	}
	let mut m = 1;
	while m < n {
		let w_m = Field::pow_vartime(&omega, [(n / (2 * m)) as u64]);
		for k in (0..n).step_by(2 * m) {
			let mut w = Scalar::ONE;
			for j in 0..m {
				let t = wnaf.scalar(&w).base(a[k + j + m]);
				a[k + j + m] = a[k + j] - t;
				a[k + j] += t;
				w *= w_m;
			}
		}
		m *= 2;
	}
}

/// The Lagrange basis at τ of the domain of `points.len()` (a power of two) points, from the
/// powers `τ^i·G`: the inverse FFT, as bellman's generator does on the scalars.
fn lagrange<P>(points: &[P]) -> Vec<P>
where
	P: PrimeCurveAffine<Scalar = Scalar>,
	P::Curve: group::WnafGroup,
{
	let n = points.len();
	let omega = Field::pow_vartime(&Scalar::ROOT_OF_UNITY, [1u64 << (Scalar::S - n.trailing_zeros())]);
	let mut projective: Vec<P::Curve> = points.iter().map(|p| p.to_curve()).collect();
	fft(&mut projective, omega.invert().expect("a root of unity is invertible"));
	let n_inverse = Scalar::from(n as u64).invert().expect("the domain size is not zero in the field");
	projective.iter_mut().for_each(|p| *p *= n_inverse);
	let mut out = vec![P::identity(); n];
	P::Curve::batch_normalize(&projective, &mut out);
	out
}

fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
	thread.join().expect("an FFT thread does not panic")
}

/// `Σ coefficient·basis[row]`. Most coefficients of the circuits are ±1: those are additions.
fn at_tau<G: Group<Scalar = Scalar>>(basis: &[G], column: &Column) -> G {
	column.iter().fold(G::identity(), |sum, (coefficient, row)| {
		if *coefficient == Scalar::ONE {
			sum + basis[*row]
		} else if *coefficient == -Scalar::ONE {
			sum - basis[*row]
		} else {
			sum + basis[*row] * coefficient
		}
	})
}

/// The circuit's parameters with γ = δ = 1 from the accumulator `phase1`.
pub fn parameters<C: Circuit<Scalar>>(circuit: C, phase1: &Accumulator) -> Result<Parameters, CircuitError> {
	let mut matrices = Matrices::default();
	matrices.alloc_input(|| "one", || Ok(Scalar::ONE)).map_err(CircuitError::Synthesis)?;
	circuit.synthesize(&mut matrices).map_err(CircuitError::Synthesis)?;
	for i in 0..matrices.inputs[0].len() {
		let input = LinearCombination::zero() + Variable::new_unchecked(Index::Input(i));
		matrices.enforce(|| "", |_| input, |lc| lc, |lc| lc);
	}
	let m = matrices.num_constraints.max(1).next_power_of_two();
	if m > phase1.size() {
		return Err(CircuitError::TooSmall { needed: m, available: phase1.size() });
	}

	// The four bases at once: each inverse FFT is one thread's work.
	let projective = |points: Vec<G1Affine>| points.iter().map(G1Projective::from).collect::<Vec<_>>();
	let (tau_g1, tau_g2, alpha_tau, beta_tau) = std::thread::scope(|scope| {
		let tau_g2 = scope.spawn(|| lagrange(&phase1.tau_g2[..m]).iter().map(G2Projective::from).collect::<Vec<_>>());
		let alpha_tau = scope.spawn(|| projective(lagrange(&phase1.alpha_tau_g1[..m])));
		let beta_tau = scope.spawn(|| projective(lagrange(&phase1.beta_tau_g1[..m])));
		let tau_g1 = projective(lagrange(&phase1.tau_g1[..m]));
		(tau_g1, joined(tau_g2), joined(alpha_tau), joined(beta_tau))
	});

	// Per variable: A and B at τ, and β·A + α·B + C (IC for inputs, L for the others).
	let evaluate = |columns: &[Vec<Column>; 3]| {
		let count = columns[0].len();
		let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
		let chunk = count.div_ceil(threads).max(1);
		let mut out = vec![(G1Projective::identity(), G1Projective::identity(), G2Projective::identity(), G1Projective::identity()); count];
		std::thread::scope(|scope| {
			for (index, slot) in out.chunks_mut(chunk).enumerate() {
				let (tau_g1, tau_g2, alpha_tau, beta_tau) = (&tau_g1, &tau_g2, &alpha_tau, &beta_tau);
				scope.spawn(move || {
					for (offset, value) in slot.iter_mut().enumerate() {
						let v = index * chunk + offset;
						let (a, b, c) = (&columns[0][v], &columns[1][v], &columns[2][v]);
						*value = (
							at_tau(tau_g1, a),
							at_tau(tau_g1, b),
							at_tau(tau_g2, b),
							at_tau(beta_tau, a) + at_tau(alpha_tau, b) + at_tau(tau_g1, c),
						);
					}
				});
			}
		});
		out
	};
	let inputs = evaluate(&matrices.inputs);
	let aux = evaluate(&matrices.aux);
	let affine_g1 = |points: Vec<G1Projective>| {
		let mut out = vec![G1Affine::identity(); points.len()];
		G1Projective::batch_normalize(&points, &mut out);
		out
	};
	let all = || inputs.iter().chain(aux.iter());
	let a = affine_g1(all().map(|v| v.0).collect());
	let b_g1 = affine_g1(all().map(|v| v.1).collect());
	let mut b_g2 = vec![G2Affine::identity(); inputs.len() + aux.len()];
	G2Projective::batch_normalize(&all().map(|v| v.2).collect::<Vec<_>>(), &mut b_g2);
	let ic = affine_g1(inputs.iter().map(|v| v.3).collect());
	let l = affine_g1(aux.iter().map(|v| v.3).collect());
	if l.iter().any(|p| bool::from(p.is_identity())) {
		return Err(CircuitError::Unconstrained);
	}
	let h = affine_g1((0..m - 1).map(|i| G1Projective::from(phase1.tau_g1[i + m]) - phase1.tau_g1[i]).collect());

	let (g1, g2) = (G1Affine::generator(), G2Affine::generator());
	Ok(Parameters {
		vk: groth16::VerifyingKey {
			alpha_g1: phase1.alpha_tau_g1[0],
			beta_g1: phase1.beta_tau_g1[0],
			beta_g2: phase1.beta_g2,
			gamma_g2: g2,
			delta_g1: g1,
			delta_g2: g2,
			ic,
		},
		h: Arc::new(h),
		l: Arc::new(l),
		// As bellman: polynomials that are zero at τ are left out of A and B.
		a: Arc::new(a.into_iter().filter(|p| !bool::from(p.is_identity())).collect()),
		b_g1: Arc::new(b_g1.into_iter().filter(|p| !bool::from(p.is_identity())).collect()),
		b_g2: Arc::new(b_g2.into_iter().filter(|p| !bool::from(p.is_identity())).collect()),
	})
}

#[cfg(test)]
mod tests {
	use super::super::phase1;
	use super::super::phase2::tests::Cubic;
	use super::*;
	use bls12_381::Bls12;
	use rand_chacha::ChaCha20Rng;
	use rand_core_010::SeedableRng;

	#[test]
	fn the_parameters_are_bellmans_for_the_same_secrets() {
		let (tau, alpha, beta) = (Scalar::from(11u64), Scalar::from(13u64), Scalar::from(17u64));
		let mut accumulator = Accumulator::new(3);
		phase1::contribute_secrets(&mut accumulator, &[], tau, alpha, beta, &mut ChaCha20Rng::from_seed([1; 32]), &|_| {});
		let ours = parameters(Cubic(None), &accumulator).expect("parameters");
		let bellmans = groth16::generate_parameters::<Bls12, _>(
			Cubic(None),
			G1Projective::generator(),
			G2Projective::generator(),
			alpha,
			beta,
			Scalar::ONE,
			Scalar::ONE,
			tau,
		)
		.expect("bellman's parameters");
		assert!(ours == bellmans, "the same parameters as bellman's generator");
	}

	#[test]
	fn a_phase_1_too_small_for_the_circuit_is_refused() {
		let refused = parameters(Cubic(None), &Accumulator::new(1));
		assert!(matches!(refused, Err(CircuitError::TooSmall { needed: 8, available: 2 })), "{:?}", refused.err());
	}
}
