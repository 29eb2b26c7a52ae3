//! The key owner's side of the key proofs (docs/PROOFS.md): Legendre symbols, square and
//! fourth roots modulo Blum primes, `N`-th roots, and `phi(N)`, all on this crate's limb
//! arithmetic so that no secret lands in a num-bigint buffer.

use rand_core_010::CryptoRng;

use super::{add_into, one_limbs, sub_mod, trimmed, Keypair, PrimeHalf, SecretKey};
use crate::mont::{div_exact, ge, limbs_of, mul_full, sub_assign, zeros, Limbs};
use crate::random;

/// `a >> k` for `k < 64`.
fn shr(a: &[u64], k: u32) -> Limbs {
	let mut out = zeros(a.len());
	for i in 0..a.len() {
		let high = if k == 0 { 0 } else { a.get(i + 1).map_or(0, |&w| w << (64 - k)) };
		out[i] = (a[i] >> k) | high;
	}
	out
}

fn is_zero(a: &[u64]) -> bool {
	a.iter().all(|&w| w == 0)
}

fn is_one(a: &[u64]) -> bool {
	a.first() == Some(&1) && a[1..].iter().all(|&w| w == 0)
}

impl PrimeHalf {
	/// `p = 3 mod 4`.
	fn is_blum(&self) -> bool {
		self.p[0] & 3 == 3
	}

	/// The Legendre symbol `(y / p)` of `y` (any width) by Euler's criterion: 1, -1, or 0.
	fn legendre(&self, y: &[u64]) -> i8 {
		let y = self.mp.load(y);
		if is_zero(&y) {
			return 0;
		}
		if is_one(&self.mp.pow(&y, &shr(&self.p, 1))) {
			1
		} else {
			-1
		}
	}

	/// The square root of a quadratic residue `y < p` that is itself a quadratic residue:
	/// `y^((p+1)/4)` (for `p = 3 mod 4`, `(p+1)/2` is even, so the root is a square).
	fn sqrt(&self, y: &[u64]) -> Limbs {
		let mut e = shr(&self.p, 2);
		add_into(&mut e, &one_limbs(1));
		self.mp.pow(y, &e)
	}

	/// `p - y` for `0 < y < p`.
	fn negate(&self, y: &[u64]) -> Limbs {
		sub_mod(&zeros(self.p.len()), y, &self.p)
	}

	/// `q^-1 mod (p - 1)` for the other prime `q`: since `N = p q = q mod (p - 1)`, this is
	/// the exponent of the `N`-th root modulo `p`. `p - 1` is even, so Montgomery inversion
	/// does not apply; instead `u = (p - 1)^-1 mod q` by Fermat (q is prime), then
	/// `(p - 1) u - 1 = q v` exactly, and `q (-v) = 1 mod (p - 1)`.
	fn nth_root_exponent(&self, other: &PrimeHalf) -> Limbs {
		let q = &other.p;
		let mut q_minus_2 = Limbs::new(q.to_vec());
		sub_assign(&mut q_minus_2, &{
			let mut two = zeros(q.len());
			two[0] = 2;
			two
		});
		let u = other.mp.pow(&other.mp.load(&self.p_minus_1), &q_minus_2);
		let mut product = zeros(self.p.len() + u.len());
		mul_full(&mut product, &self.p_minus_1, &u);
		let one = one_limbs(product.len());
		sub_assign(&mut product, &one);
		let mut v = zeros(self.p.len());
		div_exact(&mut v, &product, q, other.p_inv64);
		// v < p - 1 because u < q, and v > 0 because p > 2.
		let mut d = Limbs::new(self.p_minus_1.to_vec());
		sub_assign(&mut d, &v);
		d
	}
}

impl SecretKey {
	/// `x mod n` from `x_p < p` and `x_q < q`: `x = x_q + q ((x_p - x_q) q^-1 mod p)`.
	pub(super) fn crt_n(&self, x_p: &[u64], x_q: &[u64]) -> Limbs {
		let x_q_p = self.p.mp.load(x_q);
		let diff = sub_mod(&self.p.mp.load(x_p), &x_q_p, &self.p.p);
		let h = self.p.mp.mul_mod(&diff, &self.p.other_inv);
		let mut x = zeros(self.q.p.len() + h.len() + 1);
		mul_full(&mut x[..self.q.p.len() + h.len()], &self.q.p, &h);
		add_into(&mut x, x_q);
		x
	}
}

/// One round of the modulus proof: `x^4 = (-1)^a w^b y` and `z^N = y` modulo `N`.
pub(crate) struct ModulusRound {
	pub(crate) x: Limbs,
	pub(crate) a: bool,
	pub(crate) b: bool,
	pub(crate) z: Option<Limbs>,
}

/// The owner's precomputation for Pi^mod: the `N`-th-root exponents modulo each prime.
pub(crate) struct BlumProver<'a> {
	secret: &'a SecretKey,
	d_p: Limbs,
	d_q: Limbs,
}

/// The commitment `w` reduced modulo each prime, checked once for Jacobi symbol `-1`, with its
/// Legendre symbols: every round reuses them.
pub(crate) struct BlumCommitment {
	w_p: Limbs,
	w_q: Limbs,
	lw_p: i8,
	lw_q: i8,
}

/// Limbs of `N`.
pub(crate) fn modulus_limbs(keypair: &Keypair) -> Limbs {
	let n = keypair.public.n();
	limbs_of(n, (n.bits() as usize).div_ceil(64)).unwrap_or_else(|| zeros(1))
}

impl Keypair {
	/// Whether both primes are `3 mod 4`, so that `N` is a Paillier-Blum modulus and the key
	/// can be proven well formed. Keys from [`Keypair::generate`] always are; secret keys saved
	/// before Blum key generation may not be.
	pub fn is_blum(&self) -> bool {
		self.secret.p.is_blum() && self.secret.q.is_blum()
	}

	/// The Pi^mod prover, or `None` for a key that is not Blum.
	pub(crate) fn blum_prover(&self) -> Option<BlumProver<'_>> {
		if !self.is_blum() {
			return None;
		}
		Some(BlumProver {
			secret: &self.secret,
			d_p: self.secret.p.nth_root_exponent(&self.secret.q),
			d_q: self.secret.q.nth_root_exponent(&self.secret.p),
		})
	}

	/// `phi(N) = (p - 1)(q - 1)`.
	pub(crate) fn phi(&self) -> Limbs {
		let (p, q) = (&self.secret.p, &self.secret.q);
		let mut phi = zeros(p.p.len() + q.p.len());
		mul_full(&mut phi, &p.p_minus_1, &q.p_minus_1);
		phi
	}
}

impl BlumProver<'_> {
	/// A uniform `w` in `Z*_N` with Jacobi symbol `-1` (a residue modulo exactly one prime).
	pub(crate) fn sample_w<R: CryptoRng + ?Sized>(&self, n: &[u64], rng: &mut R) -> Limbs {
		loop {
			let w = random::nonzero_below(rng, n);
			let (lp, lq) = (self.secret.p.legendre(&w), self.secret.q.legendre(&w));
			if lp * lq == -1 {
				return w;
			}
		}
	}

	/// Reduces the commitment `w` modulo each prime; `None` unless its Jacobi symbol is `-1`.
	pub(crate) fn commitment(&self, w: &[u64]) -> Option<BlumCommitment> {
		let (p, q) = (&self.secret.p, &self.secret.q);
		let (w_p, w_q) = (p.mp.load(w), q.mp.load(w));
		let (lw_p, lw_q) = (p.legendre(&w_p), q.legendre(&w_q));
		(lw_p * lw_q == -1).then_some(BlumCommitment { w_p, w_q, lw_p, lw_q })
	}

	/// The round for challenge `y` (limbs below `N`) and commitment `w`, with the `N`-th root
	/// if `nth_root`; `None` if `y` is not invertible modulo `N`.
	pub(crate) fn round(&self, w: &BlumCommitment, y: &[u64], nth_root: bool) -> Option<ModulusRound> {
		let (p, q) = (&self.secret.p, &self.secret.q);
		let (y_p, y_q) = (p.mp.load(y), q.mp.load(y));
		let (ly_p, ly_q) = (p.legendre(&y_p), q.legendre(&y_q));
		if ly_p == 0 || ly_q == 0 {
			return None;
		}
		// -1 is a non-residue modulo a Blum prime, so exactly one of y, -y, wy, -wy is a square
		// modulo both primes.
		let (a, b) = [(false, false), (true, false), (false, true), (true, true)].into_iter().find(|&(a, b)| {
			let sign = |ly: i8, lw: i8| ly * if a { -1 } else { 1 } * if b { lw } else { 1 };
			sign(ly_p, w.lw_p) == 1 && sign(ly_q, w.lw_q) == 1
		})?;
		let adjust = |half: &PrimeHalf, y: &Limbs, w: &Limbs| {
			let mut v = if b { half.mp.mul_mod(y, w) } else { Limbs::new(y.to_vec()) };
			if a {
				v = half.negate(&v);
			}
			half.sqrt(&half.sqrt(&v))
		};
		let x = self.secret.crt_n(&adjust(p, &y_p, &w.w_p), &adjust(q, &y_q, &w.w_q));
		let z = nth_root.then(|| trimmed(&self.secret.crt_n(&p.mp.pow(&y_p, &self.d_p), &q.mp.pow(&y_q, &self.d_q))));
		Some(ModulusRound { x: trimmed(&x), a, b, z })
	}
}

/// `N`-th roots modulo `N` for the key's owner: `x -> x^N` permutes `Z*_N`, with inverse
/// `y -> y^(N^-1 mod phi(N))`, computed modulo each prime (works for any key, Blum or not).
pub(crate) struct NthRoots<'a> {
	secret: &'a SecretKey,
	d_p: Limbs,
	d_q: Limbs,
}

impl Keypair {
	/// The precomputed `N`-th-root exponents modulo each prime.
	pub(crate) fn nth_roots(&self) -> NthRoots<'_> {
		NthRoots {
			secret: &self.secret,
			d_p: self.secret.p.nth_root_exponent(&self.secret.q),
			d_q: self.secret.q.nth_root_exponent(&self.secret.p),
		}
	}
}

impl NthRoots<'_> {
	/// The `x` in `[0, N)` with `x^N = y (mod N)` (any width of `y`; reduced first).
	pub(crate) fn root(&self, y: &[u64]) -> Limbs {
		let (p, q) = (&self.secret.p, &self.secret.q);
		let (r_p, r_q) = rayon::join(|| p.mp.pow(&p.mp.load(y), &self.d_p), || q.mp.pow(&q.mp.load(y), &self.d_q));
		trimmed(&self.secret.crt_n(&r_p, &r_q))
	}
}

/// `(a + b) mod m` for `a, b < m` (limbs as long as `m`, or shorter).
pub(crate) fn add_mod(a: &[u64], b: &[u64], m: &[u64]) -> Limbs {
	let mut sum = zeros(m.len() + 1);
	sum[..a.len()].copy_from_slice(a);
	add_into(&mut sum, b);
	let mut m_ext = zeros(m.len() + 1);
	m_ext[..m.len()].copy_from_slice(m);
	if ge(&sum, &m_ext) {
		sub_assign(&mut sum, &m_ext);
	}
	Limbs::new(sum[..m.len()].to_vec())
}
