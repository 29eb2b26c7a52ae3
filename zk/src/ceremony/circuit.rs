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
	/// The Lagrange bases are for a domain of `bases` points; the circuit needs `needed`.
	OtherDomain { needed: usize, bases: usize },
	/// A series of the given Lagrange bases is not the inverse FFT of the phase 1's powers.
	NotLagrange { series: &'static str },
	/// An element of the given starting parameters is not the one the phase 1 gives.
	NotDerived { element: &'static str },
}

impl core::fmt::Display for CircuitError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			CircuitError::TooSmall { needed, available } => write!(f, "the circuit needs a phase 1 of {needed} powers, this one has {available}"),
			CircuitError::Synthesis(e) => write!(f, "circuit synthesis failed: {e}"),
			CircuitError::Unconstrained => write!(f, "a variable of the circuit is unconstrained"),
			CircuitError::OtherDomain { needed, bases } => write!(f, "the circuit needs a domain of {needed} points, the bases are for {bases}"),
			CircuitError::NotLagrange { series } => write!(f, "the Lagrange basis of the {series} is not the phase 1's"),
			CircuitError::NotDerived { element } => write!(f, "the starting parameters' {element} is not the one the phase 1 gives"),
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

/// In-place radix-2 FFT with root `omega`, on every core: over group elements for the Lagrange
/// bases, over scalars for their check. `twiddle(state, x, w)` is `w·x`, with per-thread state
/// (a group's wNAF tables).
fn fft<T, S>(a: &mut [T], omega: Scalar, state: impl Fn() -> S + Sync, twiddle: impl Fn(&mut S, T, &Scalar) -> T + Sync)
where
	T: Copy + Send + Sync + core::ops::Add<Output = T> + core::ops::Sub<Output = T>,
{
	let n = a.len();
	let log_n = n.trailing_zeros();
	for k in 0..n {
		let rk = k.reverse_bits() >> (usize::BITS - log_n);
		if k < rk {
			a.swap(k, rk);
		}
	}
	let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
	// Butterflies of one block's halves `lo` and `hi` with the twiddles `w`; a factor of one
	// (the first of every block) needs no multiplication.
	let butterflies = |state: &mut S, lo: &mut [T], hi: &mut [T], w: &[Scalar]| {
		for ((x, y), w) in lo.iter_mut().zip(hi.iter_mut()).zip(w) {
			let t = if *w == Scalar::ONE { *y } else { twiddle(state, *y, w) };
			*y = *x - t;
			*x = *x + t;
		}
	};
	let mut m = 1;
	while m < n {
		let w_m = Field::pow_vartime(&omega, [(n / (2 * m)) as u64]);
		let twiddles: Vec<Scalar> = core::iter::successors(Some(Scalar::ONE), |w| Some(w * w_m)).take(m).collect();
		let blocks = n / (2 * m);
		std::thread::scope(|scope| {
			if blocks >= threads {
				// Many small blocks: whole blocks per thread.
				for group in a.chunks_mut(2 * m * blocks.div_ceil(threads)) {
					let (twiddles, butterflies, state) = (&twiddles, &butterflies, &state);
					scope.spawn(move || {
						let mut own = state();
						for block in group.chunks_mut(2 * m) {
							let (lo, hi) = block.split_at_mut(m);
							butterflies(&mut own, lo, hi, twiddles);
						}
					});
				}
			} else {
				// Few large blocks: each block's butterflies split between the threads.
				let part = m.div_ceil(threads);
				for block in a.chunks_mut(2 * m) {
					let (lo, hi) = block.split_at_mut(m);
					for ((lo, hi), w) in lo.chunks_mut(part).zip(hi.chunks_mut(part)).zip(twiddles.chunks(part)) {
						let (butterflies, state) = (&butterflies, &state);
						scope.spawn(move || butterflies(&mut state(), lo, hi, w));
					}
				}
			}
		});
		m *= 2;
	}
}

/// The primitive root of unity of a domain of `n` (a power of two) points.
fn root_of_unity(n: usize) -> Scalar {
	Field::pow_vartime(&Scalar::ROOT_OF_UNITY, [1u64 << (Scalar::S - n.trailing_zeros())])
}

/// The FFT over group elements, with wNAF multiplications (public points and factors).
fn group_fft<G: group::WnafGroup<Scalar = Scalar> + Send + Sync>(a: &mut [G], omega: Scalar) {
	fft(a, omega, group::Wnaf::new, |wnaf, point, w| wnaf.scalar(w).base(point));
}

/// The Lagrange basis at τ of the domain of `points.len()` (a power of two) points, from the
/// powers `τ^i·G`: the inverse FFT, as bellman's generator does on the scalars.
fn lagrange<P>(points: &[P]) -> Vec<P>
where
	P: PrimeCurveAffine<Scalar = Scalar>,
	P::Curve: group::WnafGroup + Send + Sync,
{
	let n = points.len();
	let mut projective: Vec<P::Curve> = points.iter().map(|p| p.to_curve()).collect();
	group_fft(&mut projective, root_of_unity(n).invert().expect("a root of unity is invertible"));
	let n_inverse = Scalar::from(n as u64).invert().expect("the domain size is not zero in the field");
	let mut affine = vec![P::identity(); n];
	P::Curve::batch_normalize(&projective, &mut affine);
	super::scale_each(&affine, &[n_inverse], &|_| {})
}

/// Whether `bases` is the Lagrange basis of the powers `powers` (both of the domain's size):
/// the powers are the basis's forward transform, `τ^i·G = Σ_j ω^(ij)·L_j(τ)·G`, so for random
/// `ρ`, `Σ_i ρ_i·τ^i·G = Σ_j c_j·L_j(τ)·G` with `c` the forward FFT of `ρ` over the scalars.
/// Two multi-exponentiations instead of an FFT over the curve; a wrong basis passes with
/// probability at most 1/r.
fn is_lagrange_basis<P, R>(powers: &[P], bases: &[P], rng: &mut R) -> bool
where
	P: PrimeCurveAffine<Scalar = Scalar>,
	P::Curve: group::prime::PrimeCurve,
	R: rand_core_010::CryptoRng + ?Sized,
{
	let n = bases.len();
	if powers.len() < n || !n.is_power_of_two() {
		return false;
	}
	let rho = super::randomizers(n, rng);
	let mut c = rho.clone();
	fft(&mut c, root_of_unity(n), || (), |_, x, w| x * w);
	super::combine(&powers[..n], &rho) == super::combine(bases, &c)
}

/// The signed width-4 NAF digits of `c`, least significant first: every digit is 0 or odd in
/// `-7..=7`, and no two non-zero digits are closer than four places.
fn wnaf_digits(c: &Scalar) -> Vec<i8> {
	let repr = c.to_repr();
	let mut k = [0u64; 5];
	for (limb, bytes) in k.iter_mut().zip(repr.chunks(8)) {
		*limb = u64::from_le_bytes(bytes.try_into().unwrap_or_default());
	}
	let mut digits = Vec::with_capacity(257);
	while k.iter().any(|limb| *limb != 0) {
		let digit = if k[0] & 1 == 1 {
			let window = (k[0] & 0xf) as i8;
			let digit = if window >= 8 { window - 16 } else { window };
			// k -= digit, with carries or borrows across the limbs.
			let (mut carry, add) = (u64::from(digit.unsigned_abs()), digit < 0);
			for limb in k.iter_mut() {
				if carry == 0 {
					break;
				}
				let (value, overflow) = if add { limb.overflowing_add(carry) } else { limb.overflowing_sub(carry) };
				*limb = value;
				carry = u64::from(overflow);
			}
			digit
		} else {
			0
		};
		digits.push(digit);
		for i in 0..k.len() {
			k[i] = (k[i] >> 1) | (k.get(i + 1).map_or(0, |next| next << 63));
		}
	}
	digits
}

/// `Σ c_i·P_i` for the entries of one column, vartime (public points and coefficients), by
/// Straus's interleaving: one chain of doublings shared by all terms, each adding its width-4
/// NAF digits from a table of its odd multiples. Most coefficients are ±1 (plain additions);
/// a column's large ones (Poseidon's constants) share their 255 doublings.
fn linear_combination<G: Group<Scalar = Scalar>>(terms: impl Iterator<Item = (Scalar, G)>) -> G {
	let mut sum = G::identity();
	let mut interleaved: Vec<(Vec<i8>, [G; 4])> = Vec::new();
	for (coefficient, point) in terms {
		if coefficient == Scalar::ONE {
			sum += point;
		} else if coefficient == -Scalar::ONE {
			sum -= point;
		} else {
			// The shorter of c and -c: a small negative coefficient is a small positive one.
			let (digits, negated) = (wnaf_digits(&coefficient), wnaf_digits(&-coefficient));
			let (digits, base) = if negated.len() < digits.len() { (negated, -point) } else { (digits, point) };
			let double = base.double();
			let table = [base, base + double, base + double + double, base + double + double + double];
			interleaved.push((digits, table));
		}
	}
	let length = interleaved.iter().map(|(digits, _)| digits.len()).max().unwrap_or(0);
	let mut acc = G::identity();
	for position in (0..length).rev() {
		acc = acc.double();
		for (digits, table) in &interleaved {
			match digits.get(position).copied().unwrap_or(0) {
				0 => {},
				d if d > 0 => acc += table[(d / 2) as usize],
				d => acc -= table[(-d / 2) as usize],
			}
		}
	}
	acc + sum
}

/// A column's terms `(coefficient, basis[row])`.
fn terms<'a, G: Copy>(basis: &'a [G], column: &'a Column) -> impl Iterator<Item = (Scalar, G)> + 'a {
	column.iter().map(move |(coefficient, row)| (*coefficient, basis[*row]))
}

/// `Σ coefficient·basis[row]`.
fn at_tau<G: Group<Scalar = Scalar>>(basis: &[G], column: &Column) -> G {
	linear_combination(terms(basis, column))
}

/// The Lagrange bases at τ of one domain size, in every series a circuit needs. They depend
/// only on the phase 1 and the domain, so circuits of the same domain share them: computing them
/// (inverse FFTs over group elements) is most of a circuit's derivation.
pub struct LagrangeBases {
	m: usize,
	tau_g1: Vec<G1Affine>,
	tau_g2: Vec<G2Affine>,
	alpha_tau: Vec<G1Affine>,
	beta_tau: Vec<G1Affine>,
}

impl LagrangeBases {
	/// The bases of the domain of `m` points (a power of two) from `phase1`: four inverse FFTs
	/// over the curve, one series after another, each on every core (minutes at 2^16).
	pub fn new(phase1: &Accumulator, m: usize) -> Result<LagrangeBases, CircuitError> {
		if !m.is_power_of_two() || m > phase1.size() {
			return Err(CircuitError::TooSmall { needed: m, available: phase1.size() });
		}
		Ok(LagrangeBases {
			m,
			tau_g1: lagrange(&phase1.tau_g1[..m]),
			tau_g2: lagrange(&phase1.tau_g2[..m]),
			alpha_tau: lagrange(&phase1.alpha_tau_g1[..m]),
			beta_tau: lagrange(&phase1.beta_tau_g1[..m]),
		})
	}

	/// The domain size.
	pub fn size(&self) -> usize {
		self.m
	}

	/// Checks that these are `phase1`'s bases, in seconds instead of the minutes that
	/// recomputing them takes: every series against its powers ([`is_lagrange_basis`]). So a
	/// verifier takes the coordinator's bases and checks them.
	pub fn check<R: rand_core_010::CryptoRng + ?Sized>(&self, phase1: &Accumulator, rng: &mut R) -> Result<(), CircuitError> {
		let m = self.m;
		if !m.is_power_of_two() || m > phase1.size() {
			return Err(CircuitError::TooSmall { needed: m, available: phase1.size() });
		}
		let checks = [
			("powers of tau in G1", is_lagrange_basis(&phase1.tau_g1[..m], &self.tau_g1, rng)),
			("powers of tau in G2", is_lagrange_basis(&phase1.tau_g2[..m], &self.tau_g2, rng)),
			("alpha powers", is_lagrange_basis(&phase1.alpha_tau_g1[..m], &self.alpha_tau, rng)),
			("beta powers", is_lagrange_basis(&phase1.beta_tau_g1[..m], &self.beta_tau, rng)),
		];
		match checks.iter().find(|(_, ok)| !ok) {
			Some((series, _)) => Err(CircuitError::NotLagrange { series }),
			None => Ok(()),
		}
	}

	/// Writes the four series, uncompressed: the domain size as a little-endian `u64`, then
	/// `τ` in G1, `τ` in G2, `α·τ` and `β·τ`.
	pub fn write<W: std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
		out.write_all(&(self.m as u64).to_le_bytes())?;
		self.tau_g1.iter().try_for_each(|p| out.write_all(&p.to_uncompressed()))?;
		self.tau_g2.iter().try_for_each(|p| out.write_all(&p.to_uncompressed()))?;
		self.alpha_tau.iter().chain(&self.beta_tau).try_for_each(|p| out.write_all(&p.to_uncompressed()))
	}

	/// Reads what [`LagrangeBases::write`] wrote, every point checked to be in its subgroup.
	pub fn read<R: std::io::Read>(input: &mut R) -> Result<LagrangeBases, super::format::FormatError> {
		use super::format::{read_series, Compression, FormatError};
		let mut m = [0u8; 8];
		input.read_exact(&mut m)?;
		let m = u64::from_le_bytes(m);
		if !m.is_power_of_two() || m > 1 << super::phase1::MAX_POWER {
			return Err(FormatError::Power(m.trailing_zeros()));
		}
		let m = m as usize;
		let mut series_g1 = |name| read_series::<G1Affine, _>(input, name, m, m, Compression::Uncompressed);
		let tau_g1 = series_g1("Lagrange basis in G1")?;
		let tau_g2 = read_series::<G2Affine, _>(input, "Lagrange basis in G2", m, m, Compression::Uncompressed)?;
		let mut series_g1 = |name| read_series::<G1Affine, _>(input, name, m, m, Compression::Uncompressed);
		let alpha_tau = series_g1("alpha Lagrange basis")?;
		let beta_tau = series_g1("beta Lagrange basis")?;
		Ok(LagrangeBases { m, tau_g1, tau_g2, alpha_tau, beta_tau })
	}
}

/// A circuit's constraints, with one `input · 0 = 0` per public input as bellman's generator
/// adds, and its domain size.
pub struct Synthesized {
	matrices: Matrices,
	m: usize,
}

impl Synthesized {
	/// Records `circuit`'s constraints.
	pub fn new<C: Circuit<Scalar>>(circuit: C) -> Result<Synthesized, CircuitError> {
		let mut matrices = Matrices::default();
		matrices.alloc_input(|| "one", || Ok(Scalar::ONE)).map_err(CircuitError::Synthesis)?;
		circuit.synthesize(&mut matrices).map_err(CircuitError::Synthesis)?;
		for i in 0..matrices.inputs[0].len() {
			let input = LinearCombination::zero() + Variable::new_unchecked(Index::Input(i));
			matrices.enforce(|| "", |_| input, |lc| lc, |lc| lc);
		}
		let m = matrices.num_constraints.max(1).next_power_of_two();
		Ok(Synthesized { matrices, m })
	}

	/// The domain size the circuit needs.
	pub fn domain_size(&self) -> usize {
		self.m
	}
}

/// The circuit's parameters with γ = δ = 1 from the accumulator `phase1`.
pub fn parameters<C: Circuit<Scalar>>(circuit: C, phase1: &Accumulator) -> Result<Parameters, CircuitError> {
	let circuit = Synthesized::new(circuit)?;
	let bases = LagrangeBases::new(phase1, circuit.m)?;
	parameters_with(&circuit, phase1, &bases)
}

/// [`parameters`] with Lagrange bases computed once for several circuits of one domain.
pub fn parameters_with(circuit: &Synthesized, phase1: &Accumulator, bases: &LagrangeBases) -> Result<Parameters, CircuitError> {
	let (matrices, m) = (&circuit.matrices, circuit.m);
	if m > phase1.size() {
		return Err(CircuitError::TooSmall { needed: m, available: phase1.size() });
	}
	if bases.m != m {
		return Err(CircuitError::OtherDomain { needed: m, bases: bases.m });
	}
	let g1 = |points: &[G1Affine]| points.iter().map(G1Projective::from).collect::<Vec<_>>();
	let (tau_g1, alpha_tau, beta_tau) = (&g1(&bases.tau_g1), &g1(&bases.alpha_tau), &g1(&bases.beta_tau));
	let tau_g2 = &bases.tau_g2.iter().map(G2Projective::from).collect::<Vec<_>>();

	// Per variable: A and B at τ, and β·A + α·B + C (IC for inputs, L for the others).
	let evaluate = |columns: &[Vec<Column>; 3]| {
		let count = columns[0].len();
		let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
		let chunk = count.div_ceil(threads).max(1);
		let mut out = vec![(G1Projective::identity(), G1Projective::identity(), G2Projective::identity(), G1Projective::identity()); count];
		std::thread::scope(|scope| {
			for (index, slot) in out.chunks_mut(chunk).enumerate() {
				scope.spawn(move || {
					for (offset, value) in slot.iter_mut().enumerate() {
						let v = index * chunk + offset;
						let (a, b, c) = (&columns[0][v], &columns[1][v], &columns[2][v]);
						*value = (
							at_tau(tau_g1, a),
							at_tau(tau_g1, b),
							at_tau(tau_g2, b),
							linear_combination(terms(beta_tau, a).chain(terms(alpha_tau, b)).chain(terms(tau_g1, c))),
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

/// A column with its repeated rows merged and zero sums dropped: the coefficients the
/// polynomial at τ is made of, so an empty one means the point at infinity.
fn merged(column: &Column) -> Vec<(Scalar, usize)> {
	let mut rows = std::collections::BTreeMap::new();
	for (coefficient, row) in column {
		*rows.entry(*row).or_insert(Scalar::ZERO) += coefficient;
	}
	rows.into_iter().filter(|(_, c)| !bool::from(c.is_zero())).map(|(row, c)| (c, row)).collect()
}

/// `Σ_k ρ_k·column_k` as one row vector of the domain's size: what a random combination of the
/// columns' points is in the Lagrange basis.
fn fold_columns<'a>(columns: impl Iterator<Item = &'a Vec<(Scalar, usize)>>, rho: &[Scalar], m: usize) -> Vec<Scalar> {
	let mut sigma = vec![Scalar::ZERO; m];
	for (column, r) in columns.zip(rho) {
		for (coefficient, row) in column {
			sigma[*row] += *coefficient * r;
		}
	}
	sigma
}

/// Checks that `params` are what [`parameters_with`] computes for `circuit` from `phase1` and
/// `bases`, without recomputing them (which takes minutes at the circuits' size): every fixed
/// element and H exactly, and each query (A, B in both groups, IC, L) by one random linear
/// combination, `Σ_k ρ_k·Q_k = Σ_r σ_r·L_r(τ)` with `σ` the same combination of the columns.
/// A wrong point passes with probability at most 1/r. So a ceremony's verifiers take the
/// coordinator's starting parameters and check them.
pub fn check_parameters<R: rand_core_010::CryptoRng + ?Sized>(
	circuit: &Synthesized,
	phase1: &Accumulator,
	bases: &LagrangeBases,
	params: &Parameters,
	rng: &mut R,
) -> Result<(), CircuitError> {
	let (matrices, m) = (&circuit.matrices, circuit.m);
	if m > phase1.size() {
		return Err(CircuitError::TooSmall { needed: m, available: phase1.size() });
	}
	if bases.m != m {
		return Err(CircuitError::OtherDomain { needed: m, bases: bases.m });
	}
	let differs = |element| Err(CircuitError::NotDerived { element });
	let (g1, g2, vk) = (G1Affine::generator(), G2Affine::generator(), &params.vk);
	let fixed = [
		("alpha_g1", vk.alpha_g1 == phase1.alpha_tau_g1[0]),
		("beta_g1", vk.beta_g1 == phase1.beta_tau_g1[0]),
		("beta_g2", vk.beta_g2 == phase1.beta_g2),
		("gamma_g2", vk.gamma_g2 == g2),
		("delta_g1", vk.delta_g1 == g1),
		("delta_g2", vk.delta_g2 == g2),
	];
	if let Some((element, _)) = fixed.iter().find(|(_, same)| !same) {
		return differs(element);
	}
	let h: Vec<G1Projective> = (0..m - 1).map(|i| G1Projective::from(phase1.tau_g1[i + m]) - phase1.tau_g1[i]).collect();
	let mut expected_h = vec![G1Affine::identity(); h.len()];
	G1Projective::batch_normalize(&h, &mut expected_h);
	if params.h[..] != expected_h[..] {
		return differs("H query");
	}

	let merge = |columns: &[Column]| columns.iter().map(merged).collect::<Vec<_>>();
	let (inputs, aux) = (matrices.inputs.each_ref().map(|c| merge(c)), matrices.aux.each_ref().map(|c| merge(c)));
	let all = |which: usize| inputs[which].iter().chain(aux[which].iter());
	// A and B keep the variables whose polynomial is not zero, as bellman's generator does.
	for (element, which, query_len) in [("A query", 0, params.a.len()), ("B query in G1", 1, params.b_g1.len()), ("B query in G2", 1, params.b_g2.len())] {
		if all(which).filter(|c| !c.is_empty()).count() != query_len {
			return differs(element);
		}
	}
	let kept = |which: usize| all(which).filter(|c| !c.is_empty()).collect::<Vec<_>>();
	let (a_columns, b_columns) = (kept(0), kept(1));
	let rho = super::randomizers(a_columns.len(), rng);
	if super::combine(&params.a, &rho) != super::combine(&bases.tau_g1, &fold_columns(a_columns.into_iter(), &rho, m)) {
		return differs("A query");
	}
	let rho = super::randomizers(b_columns.len(), rng);
	let sigma = fold_columns(b_columns.into_iter(), &rho, m);
	if super::combine(&params.b_g1, &rho) != super::combine(&bases.tau_g1, &sigma) {
		return differs("B query in G1");
	}
	if super::combine(&params.b_g2, &rho) != super::combine(&bases.tau_g2, &sigma) {
		return differs("B query in G2");
	}
	// IC and L: β·A + α·B + C of every input and every other variable.
	for (element, columns, points) in [("IC query", &inputs, &vk.ic), ("L query", &aux, &*params.l)] {
		if columns[0].len() != points.len() {
			return differs(element);
		}
		let rho = super::randomizers(points.len(), rng);
		let combined = G1Projective::from(super::combine(&bases.beta_tau, &fold_columns(columns[0].iter(), &rho, m)))
			+ super::combine(&bases.alpha_tau, &fold_columns(columns[1].iter(), &rho, m))
			+ super::combine(&bases.tau_g1, &fold_columns(columns[2].iter(), &rho, m));
		if G1Projective::from(super::combine(points, &rho)) != combined {
			return differs(element);
		}
	}
	Ok(())
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

	/// The bases a coordinator hands out are checked, not trusted: written and read back they
	/// pass; one wrong point in any series is refused, as are another phase 1's bases.
	#[test]
	fn lagrange_bases_are_checked_against_their_phase_1() {
		let mut rng = ChaCha20Rng::from_seed([2; 32]);
		let mut accumulator = Accumulator::new(4);
		phase1::contribute(&mut accumulator, &[], &mut rng, &|_| {});
		let bases = LagrangeBases::new(&accumulator, 8).expect("bases");
		let mut bytes = Vec::new();
		bases.write(&mut bytes).unwrap();
		let read = LagrangeBases::read(&mut bytes.as_slice()).expect("the bases read back");
		assert!(read.check(&accumulator, &mut rng).is_ok());
		let circuit = Synthesized::new(Cubic(None)).unwrap();
		assert!(parameters_with(&circuit, &accumulator, &read).unwrap() == parameters(Cubic(None), &accumulator).unwrap());

		let mut wrong = LagrangeBases::read(&mut bytes.as_slice()).unwrap();
		wrong.tau_g2[5] = G2Affine::generator();
		assert!(matches!(wrong.check(&accumulator, &mut rng), Err(CircuitError::NotLagrange { series: "powers of tau in G2" })));
		let mut wrong = LagrangeBases::read(&mut bytes.as_slice()).unwrap();
		wrong.beta_tau.swap(1, 2);
		assert!(matches!(wrong.check(&accumulator, &mut rng), Err(CircuitError::NotLagrange { series: "beta powers" })));
		let mut other = Accumulator::new(4);
		phase1::contribute(&mut other, &[], &mut rng, &|_| {});
		assert!(matches!(bases.check(&other, &mut rng), Err(CircuitError::NotLagrange { .. })));
		// Bases of another domain size do not serve the circuit.
		let small = LagrangeBases::new(&accumulator, 4).unwrap();
		assert!(matches!(parameters_with(&circuit, &accumulator, &small), Err(CircuitError::OtherDomain { needed: 8, bases: 4 })));
	}

	/// A coordinator's starting parameters are checked, not trusted: the honest ones pass, and a
	/// changed point of any query, or another phase 1's parameters, is refused.
	#[test]
	fn starting_parameters_are_checked_against_their_phase_1() {
		let mut rng = ChaCha20Rng::from_seed([3; 32]);
		let mut accumulator = Accumulator::new(3);
		phase1::contribute(&mut accumulator, &[], &mut rng, &|_| {});
		let circuit = Synthesized::new(Cubic(None)).unwrap();
		let bases = LagrangeBases::new(&accumulator, 8).unwrap();
		let honest = parameters_with(&circuit, &accumulator, &bases).unwrap();
		assert!(check_parameters(&circuit, &accumulator, &bases, &honest, &mut rng).is_ok());

		let tampered = |change: &dyn Fn(&mut Parameters), element: &str| {
			let mut params = honest.clone();
			change(&mut params);
			let refused = check_parameters(&circuit, &accumulator, &bases, &params, &mut ChaCha20Rng::from_seed([4; 32]));
			assert!(matches!(refused, Err(CircuitError::NotDerived { element: e }) if e == element), "{element}: {refused:?}");
		};
		let doubled = |p: &G1Affine| G1Affine::from(p * Scalar::from(2u64));
		tampered(&|p| p.vk.ic[1] = doubled(&p.vk.ic[1]), "IC query");
		tampered(&|p| Arc::make_mut(&mut p.l)[0] = doubled(&p.l[0]), "L query");
		tampered(&|p| Arc::make_mut(&mut p.a).swap(0, 1), "A query");
		tampered(&|p| Arc::make_mut(&mut p.b_g2)[0] = G2Affine::generator(), "B query in G2");
		tampered(&|p| Arc::make_mut(&mut p.b_g1).pop().map_or((), |_| ()), "B query in G1");
		tampered(&|p| Arc::make_mut(&mut p.h)[2] = G1Affine::generator(), "H query");
		tampered(&|p| p.vk.delta_g1 = doubled(&p.vk.delta_g1), "delta_g1");

		// Parameters of the same circuit from another phase 1.
		let mut other = Accumulator::new(3);
		phase1::contribute(&mut other, &[], &mut rng, &|_| {});
		let foreign = parameters(Cubic(None), &other).unwrap();
		assert!(matches!(check_parameters(&circuit, &accumulator, &bases, &foreign, &mut rng), Err(CircuitError::NotDerived { .. })));
	}

	/// The interleaved multi-scalar multiplication against plain multiplications, with ±1,
	/// small, negative-small and full-size coefficients.
	#[test]
	fn linear_combinations_equal_their_plain_sums() {
		let mut rng = ChaCha20Rng::from_seed([6; 32]);
		let coefficients =
			[Scalar::ONE, -Scalar::ONE, Scalar::from(2u64), -Scalar::from(1u64 << 40), Scalar::from(u64::MAX), Scalar::random(&mut rng), -Scalar::random(&mut rng), Scalar::ZERO];
		let points: Vec<G1Projective> = (0..coefficients.len()).map(|_| G1Projective::random(&mut rng)).collect();
		for n in 0..=coefficients.len() {
			let expected = (0..n).fold(G1Projective::identity(), |sum, i| sum + points[i] * coefficients[i]);
			assert_eq!(linear_combination((0..n).map(|i| (coefficients[i], points[i]))), expected, "{n} terms");
		}
		let q = G2Projective::random(&mut rng);
		let c = Scalar::random(&mut rng);
		assert_eq!(linear_combination([(c, q), (c, q)].into_iter()), q * (c + c));
	}

	#[test]
	fn a_phase_1_too_small_for_the_circuit_is_refused() {
		let refused = parameters(Cubic(None), &Accumulator::new(1));
		assert!(matches!(refused, Err(CircuitError::TooSmall { needed: 8, available: 2 })), "{:?}", refused.err());
	}
}
