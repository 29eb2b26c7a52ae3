//! Montgomery arithmetic on fixed-width little-endian `u64` limbs (the portable code).
//!
//! num-bigint's `modpow` allocates on every multiplication and uses a fixed 4-bit window; every
//! Paillier operation is one or two modular exponentiations, so this module does them itself:
//! product-scanning Montgomery multiplication, a dedicated squaring (a third fewer word
//! products), sliding windows, and the width fixed at compile time for the common sizes so that
//! the compiler can specialise the loops. It also keeps the secret moduli p^2 and q^2 out of
//! num-bigint, whose division copies its divisor into buffers that are freed without being wiped.
//! [`Mont::pow`] and [`Mont::mul_mod`] hand over to [`crate::ifma`] where the CPU has AVX-512 IFMA.
//!
//! Not constant time: the window table is indexed by exponent bits and the final subtraction is
//! a branch. This is the same exposure as GMP's `mpz_powm` (used by python-phe); see
//! docs/PAILLIER.md.

use alloc::vec;
use alloc::vec::Vec;
use num_bigint::BigUint;
use zeroize::{Zeroize, Zeroizing};

/// Limbs that are wiped when dropped (every limb buffer here may hold secret material).
pub(crate) type Limbs = Zeroizing<Vec<u64>>;

/// A zero-filled limb buffer.
pub(crate) fn zeros(len: usize) -> Limbs {
	Zeroizing::new(vec![0u64; len])
}

/// `a + b * c + carry`; never overflows 128 bits.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
	let t = (a as u128) + (b as u128) * (c as u128) + (carry as u128);
	(t as u64, (t >> 64) as u64)
}

/// `a + b + carry` with carry out.
#[inline(always)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
	let t = (a as u128) + (b as u128) + (carry as u128);
	(t as u64, (t >> 64) as u64)
}

/// `a - b - borrow` with borrow out (0 or 1).
#[inline(always)]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
	let t = (a as u128).wrapping_sub(b as u128).wrapping_sub(borrow as u128);
	(t as u64, (t >> 127) as u64)
}

/// `a -= b` over equal lengths; returns the borrow.
pub(crate) fn sub_assign(a: &mut [u64], b: &[u64]) -> u64 {
	let mut borrow = 0;
	for (x, &y) in a.iter_mut().zip(b) {
		let (d, br) = sbb(*x, y, borrow);
		*x = d;
		borrow = br;
	}
	borrow
}

/// `a += b` over equal lengths; returns the carry.
pub(crate) fn add_assign(a: &mut [u64], b: &[u64]) -> u64 {
	let mut carry = 0;
	for (x, &y) in a.iter_mut().zip(b) {
		let (s, c) = adc(*x, y, carry);
		*x = s;
		carry = c;
	}
	carry
}

/// `a >= b` for equal lengths.
pub(crate) fn ge(a: &[u64], b: &[u64]) -> bool {
	for (x, y) in a.iter().rev().zip(b.iter().rev()) {
		if x != y {
			return x > y;
		}
	}
	true
}

/// Number of significant bits.
pub(crate) fn bit_len(a: &[u64]) -> usize {
	for (i, &w) in a.iter().enumerate().rev() {
		if w != 0 {
			return i * 64 + (64 - w.leading_zeros() as usize);
		}
	}
	0
}

/// Full product `out = a * b` (`out.len() == a.len() + b.len()`), schoolbook.
pub(crate) fn mul_full(out: &mut [u64], a: &[u64], b: &[u64]) {
	out.fill(0);
	for (i, &ai) in a.iter().enumerate() {
		let mut carry = 0;
		for (j, &bj) in b.iter().enumerate() {
			let (s, c) = mac(out[i + j], ai, bj, carry);
			out[i + j] = s;
			carry = c;
		}
		out[i + b.len()] = carry;
	}
}

/// Exact division `n / d` by an odd `d` known to divide `n` (Hensel division, low limb first):
/// `out` receives the low `out.len()` limbs of the quotient. Used for Paillier's
/// `L(u) = (u - 1) / p` without a general division by the secret prime.
pub(crate) fn div_exact(out: &mut [u64], n: &[u64], d: &[u64], d_inv: u64) {
	let mut rem: Limbs = Zeroizing::new(n.to_vec());
	for i in 0..out.len() {
		// The quotient limb that clears the lowest remaining limb (d_inv = d^-1 mod 2^64).
		let qi = rem[i].wrapping_mul(d_inv);
		out[i] = qi;
		let mut borrow = 0u64;
		let mut carry = 0u64;
		for (j, &dj) in d.iter().enumerate() {
			if i + j >= rem.len() {
				break;
			}
			let (lo, hi) = mac(0, qi, dj, carry);
			carry = hi;
			let (s, br) = sbb(rem[i + j], lo, borrow);
			rem[i + j] = s;
			borrow = br;
		}
		let mut k = i + d.len();
		while k < rem.len() && (carry != 0 || borrow != 0) {
			let (s, br) = sbb(rem[k], carry, borrow);
			rem[k] = s;
			borrow = br;
			carry = 0;
			k += 1;
		}
	}
}

/// `x^-1 mod 2^64` for odd `x` (Newton iteration; each step doubles the correct low bits).
pub(crate) fn inv_u64(x: u64) -> u64 {
	debug_assert!(x & 1 == 1);
	let mut y: u64 = 1;
	for _ in 0..6 {
		y = y.wrapping_mul(2u64.wrapping_sub(x.wrapping_mul(y)));
	}
	y
}

/// Limbs of `x`, zero-padded to `len` (`None` if `x` does not fit).
pub(crate) fn limbs_of(x: &BigUint, len: usize) -> Option<Limbs> {
	let mut out = zeros(len);
	for (i, d) in x.iter_u64_digits().enumerate() {
		*out.get_mut(i)? = d;
	}
	Some(out)
}

/// Limbs of a big-endian byte string, zero-padded to `len` (`None` if it does not fit).
pub(crate) fn limbs_from_be(bytes: &[u8], len: usize) -> Option<Limbs> {
	let mut out = zeros(len);
	for (i, chunk) in bytes.rchunks(8).enumerate() {
		let mut w = [0u8; 8];
		w[8 - chunk.len()..].copy_from_slice(chunk);
		let word = u64::from_be_bytes(w);
		w.zeroize();
		match out.get_mut(i) {
			Some(slot) => *slot = word,
			// Leading zero words beyond `len` are fine; anything else does not fit.
			None if word == 0 => {}
			None => return None,
		}
	}
	Some(out)
}

/// Big-endian bytes of `a`, exactly `width` bytes (high limbs beyond `width` must be zero).
pub(crate) fn limbs_to_be(a: &[u64], width: usize) -> Zeroizing<Vec<u8>> {
	let mut out = Zeroizing::new(vec![0u8; width]);
	for (i, &w) in a.iter().enumerate() {
		for (k, b) in w.to_le_bytes().iter().enumerate() {
			let pos = i * 8 + k;
			if pos < width {
				out[width - 1 - pos] = *b;
			}
		}
	}
	out
}

/// `x` as little-endian limbs, at least one (`[0]` for zero), for the exponentiation and
/// multiplication routines that take limb slices.
pub(crate) fn biguint_limbs(x: &BigUint) -> Vec<u64> {
	let mut limbs: Vec<u64> = x.iter_u64_digits().collect();
	if limbs.is_empty() {
		limbs.push(0);
	}
	limbs
}

/// A `BigUint` from limbs (public values only: num-bigint does not wipe).
pub(crate) fn to_biguint(a: &[u64]) -> BigUint {
	let mut digits = Vec::with_capacity(a.len() * 2);
	for &w in a {
		digits.push(w as u32);
		digits.push((w >> 32) as u32);
	}
	BigUint::new(digits)
}

/// The width of the limb vectors, fixed at compile time where it matters for speed.
trait Width: Copy {
	fn n(self) -> usize;
}

#[derive(Clone, Copy)]
struct Fixed<const N: usize>;
impl<const N: usize> Width for Fixed<N> {
	#[inline(always)]
	fn n(self) -> usize {
		N
	}
}

#[derive(Clone, Copy)]
struct Dyn(usize);
impl Width for Dyn {
	#[inline(always)]
	fn n(self) -> usize {
		self.0
	}
}

/// Calls `$body` with `$w` bound to the best `Width` for `$len` limbs.
macro_rules! with_width {
	($len:expr, $w:ident => $body:expr) => {
		match $len {
			16 => {
				let $w = Fixed::<16>;
				$body
			}
			24 => {
				let $w = Fixed::<24>;
				$body
			}
			32 => {
				let $w = Fixed::<32>;
				$body
			}
			48 => {
				let $w = Fixed::<48>;
				$body
			}
			64 => {
				let $w = Fixed::<64>;
				$body
			}
			96 => {
				let $w = Fixed::<96>;
				$body
			}
			n => {
				let $w = Dyn(n);
				$body
			}
		}
	};
}

/// Subtracts `m` from `t[..n]` (with the extra top word `top`) if the value is at least `m`;
/// the caller guarantees the value is below `2m`.
#[inline(always)]
fn final_sub<W: Width>(w: W, out: &mut [u64], t: &[u64], top: u64, m: &[u64]) {
	let n = w.n();
	let mut borrow = 0;
	for i in 0..n {
		let (d, br) = sbb(t[i], m[i], borrow);
		out[i] = d;
		borrow = br;
	}
	// Value < m exactly when the subtraction borrowed out of the top word as well.
	if top < borrow {
		out[..n].copy_from_slice(&t[..n]);
	}
}

/// A 192-bit column accumulator for product scanning.
#[derive(Clone, Copy)]
struct Acc {
	lo: u128,
	top: u64,
}

impl Acc {
	const ZERO: Acc = Acc { lo: 0, top: 0 };

	/// `self += x`.
	#[inline(always)]
	fn add(&mut self, x: Acc) {
		let (s, c) = self.lo.overflowing_add(x.lo);
		self.lo = s;
		self.top += x.top + c as u64;
	}

	/// `self += 2 * x`.
	#[inline(always)]
	fn add_doubled(&mut self, x: Acc) {
		let (s, c) = self.lo.overflowing_add(x.lo << 1);
		self.lo = s;
		self.top += (x.top << 1) + (x.lo >> 127) as u64 + c as u64;
	}

	#[inline(always)]
	fn add_mul(&mut self, a: u64, b: u64) {
		let p = (a as u128) * (b as u128);
		let (s, c) = self.lo.overflowing_add(p);
		self.lo = s;
		self.top += c as u64;
	}
	#[inline(always)]
	fn low(&self) -> u64 {
		self.lo as u64
	}
	/// Drops the low word.
	#[inline(always)]
	fn shift(&mut self) {
		self.lo = (self.lo >> 64) | ((self.top as u128) << 64);
		self.top = 0;
	}
}

/// Montgomery product `out = a * b / R mod m` by product scanning (FIPS, Koc-Acar-Kaliski):
/// column by column, the products `a_j b_k` and the reduction products `u_j m_k` accumulate in
/// registers, with no scratch row to load and store. `s` is scratch of at least `2n` limbs.
#[inline(always)]
fn mul_w<W: Width>(w: W, out: &mut [u64], a: &[u64], b: &[u64], m: &[u64], m_inv: u64, s: &mut [u64]) {
	let n = w.n();
	let (u, t) = s[..2 * n].split_at_mut(n);
	let (a, b, m) = (&a[..n], &b[..n], &m[..n]);
	let mut acc = Acc::ZERO;
	for i in 0..n {
		// Two independent accumulators per column keep two carry chains in flight.
		let mut red = Acc::ZERO;
		for j in 0..i {
			acc.add_mul(a[j], b[i - j]);
			red.add_mul(u[j], m[i - j]);
		}
		acc.add(red);
		acc.add_mul(a[i], b[0]);
		// u_i makes column i vanish modulo 2^64.
		let ui = acc.low().wrapping_mul(m_inv);
		u[i] = ui;
		acc.add_mul(ui, m[0]);
		acc.shift();
	}
	for i in n..2 * n {
		let mut red = Acc::ZERO;
		for j in i - n + 1..n {
			acc.add_mul(a[j], b[i - j]);
			red.add_mul(u[j], m[i - j]);
		}
		acc.add(red);
		t[i - n] = acc.low();
		acc.shift();
	}
	final_sub(w, out, t, acc.low(), m);
}

/// Montgomery square `out = a^2 / R mod m` by product scanning: per column the cross products
/// `a_j a_k` (`j < k`) once, doubled, plus the diagonal square, plus the reduction products.
/// `s` is scratch of at least `2n` limbs.
#[inline(always)]
fn sqr_w<W: Width>(w: W, out: &mut [u64], a: &[u64], m: &[u64], m_inv: u64, s: &mut [u64]) {
	let n = w.n();
	let (u, t) = s[..2 * n].split_at_mut(n);
	let (a, m) = (&a[..n], &m[..n]);
	let mut acc = Acc::ZERO;
	for i in 0..2 * n - 1 {
		let mut cross = Acc::ZERO;
		let mut j = if i >= n { i - n + 1 } else { 0 };
		while 2 * j < i {
			cross.add_mul(a[j], a[i - j]);
			j += 1;
		}
		acc.add_doubled(cross);
		if i % 2 == 0 {
			acc.add_mul(a[i / 2], a[i / 2]);
		}
		if i < n {
			let mut red = Acc::ZERO;
			for j in 0..i {
				red.add_mul(u[j], m[i - j]);
			}
			acc.add(red);
			let ui = acc.low().wrapping_mul(m_inv);
			u[i] = ui;
			acc.add_mul(ui, m[0]);
		} else {
			let mut red = Acc::ZERO;
			for j in i - n + 1..n {
				red.add_mul(u[j], m[i - j]);
			}
			acc.add(red);
			t[i - n] = acc.low();
		}
		acc.shift();
	}
	// Column 2n - 1 has no products left, only the carry.
	t[n - 1] = acc.low();
	acc.shift();
	final_sub(w, out, t, acc.low(), m);
}

/// Montgomery reduction of a value below `m` (leaving Montgomery form): `out = a / R mod m`.
#[inline(always)]
fn redc_w<W: Width>(w: W, out: &mut [u64], a: &[u64], m: &[u64], m_inv: u64, t: &mut [u64]) {
	let n = w.n();
	let t = &mut t[..2 * n + 1];
	t.fill(0);
	t[..n].copy_from_slice(&a[..n]);
	let mut hi = 0;
	for i in 0..n {
		let u = t[i].wrapping_mul(m_inv);
		let mut c = 0;
		for j in 0..n {
			let (s, cc) = mac(t[i + j], u, m[j], c);
			t[i + j] = s;
			c = cc;
		}
		let (s, c2) = adc(t[i + n], c, hi);
		t[i + n] = s;
		hi = c2;
	}
	let rest = &t[n..2 * n];
	final_sub(w, out, rest, hi, m);
}

/// Window width for a sliding-window exponentiation with an exponent of `bits` bits:
/// minimises the table cost `2^(k-1)` plus about `bits / (k + 1)` window multiplications.
fn window_for(bits: usize) -> usize {
	let mut best = 1;
	let mut best_cost = usize::MAX;
	for k in 1..=7usize {
		let cost = (1usize << (k - 1)) + bits.div_ceil(k + 1);
		if cost < best_cost {
			best = k;
			best_cost = cost;
		}
	}
	best
}

/// Bit `i` of the exponent.
#[inline(always)]
fn bit(e: &[u64], i: usize) -> bool {
	(e[i / 64] >> (i % 64)) & 1 == 1
}

/// `out = base^e` in Montgomery form (base in Montgomery form, `e` little-endian limbs), by
/// left-to-right sliding windows over a table of odd powers.
#[inline(always)]
fn pow_w<W: Width>(w: W, ctx: &Mont, out: &mut [u64], base: &[u64], e: &[u64]) {
	let n = w.n();
	let (m, m_inv) = (&ctx.m[..], ctx.m_inv);
	let bits = bit_len(e);
	if bits == 0 {
		out[..n].copy_from_slice(&ctx.one[..n]);
		return;
	}
	let k = window_for(bits);
	let mut t = zeros(2 * n + 2);
	// table[i] = base^(2i + 1)
	let entries = 1usize << (k - 1);
	let mut table = zeros(n * entries);
	table[..n].copy_from_slice(&base[..n]);
	if entries > 1 {
		let mut base_sq = zeros(n);
		sqr_w(w, &mut base_sq, base, m, m_inv, &mut t);
		for i in 1..entries {
			let (done, rest) = table.split_at_mut(i * n);
			mul_w(w, &mut rest[..n], &done[(i - 1) * n..i * n], &base_sq, m, m_inv, &mut t);
		}
	}
	let mut acc = zeros(n);
	let mut tmp = zeros(n);
	let mut started = false;
	let mut i = bits as isize - 1;
	while i >= 0 {
		if !bit(e, i as usize) {
			if started {
				sqr_w(w, &mut tmp, &acc, m, m_inv, &mut t);
				core::mem::swap(&mut acc, &mut tmp);
			}
			i -= 1;
			continue;
		}
		// The longest window [l, i] of at most k bits that ends in a set bit.
		let mut l = (i - k as isize + 1).max(0);
		while !bit(e, l as usize) {
			l += 1;
		}
		let mut value = 0usize;
		for j in (l..=i).rev() {
			value = (value << 1) | bit(e, j as usize) as usize;
		}
		let entry = &table[(value >> 1) * n..((value >> 1) + 1) * n];
		if started {
			for _ in l..=i {
				sqr_w(w, &mut tmp, &acc, m, m_inv, &mut t);
				core::mem::swap(&mut acc, &mut tmp);
			}
			mul_w(w, &mut tmp, &acc, entry, m, m_inv, &mut t);
			core::mem::swap(&mut acc, &mut tmp);
		} else {
			acc.copy_from_slice(entry);
			started = true;
		}
		i = l - 1;
	}
	out[..n].copy_from_slice(&acc);
}

/// The low 64 bits of `m`.
fn m_low(m: &BigUint) -> u64 {
	m.iter_u64_digits().next().unwrap_or(0)
}

/// A Montgomery context for an odd modulus `m` of `n` limbs, `R = 2^(64 n)`.
pub(crate) struct Mont {
	m: Limbs,
	/// `-m^-1 mod 2^64`.
	m_inv: u64,
	/// `R mod m` (1 in Montgomery form).
	one: Limbs,
	/// `R^2 mod m` (converts into Montgomery form).
	r2: Limbs,
	/// The AVX-512 IFMA form, when the CPU has it.
	#[cfg(target_arch = "x86_64")]
	ifma: Option<crate::ifma::IfmaCtx>,
}

impl Drop for Mont {
	fn drop(&mut self) {
		self.m_inv.zeroize();
	}
}

impl Mont {
	/// A context for the odd modulus `m` (little-endian limbs, top limb nonzero).
	/// Returns `None` for an even or zero modulus.
	pub(crate) fn new(m: &[u64]) -> Option<Mont> {
		let n = m.len();
		if n == 0 || m[0] & 1 == 0 || m[n - 1] == 0 {
			return None;
		}
		let m_inv = inv_u64(m[0]).wrapping_neg();
		// R^2 mod m by doubling 1 (2 * 64 n times) modulo m: no division by a secret modulus.
		let mut x = zeros(n);
		x[0] = 1;
		let mut one = zeros(n);
		for i in 0..2 * 64 * n {
			let top = x[n - 1] >> 63;
			let mut carry = 0;
			for limb in x.iter_mut() {
				let v = *limb;
				*limb = (v << 1) | carry;
				carry = v >> 63;
			}
			if top == 1 || ge(&x, m) {
				sub_assign(&mut x, m);
			}
			if i + 1 == 64 * n {
				one.copy_from_slice(&x);
			}
		}
		Some(Mont { m: Zeroizing::new(m.to_vec()), m_inv, one, r2: x, #[cfg(target_arch = "x86_64")] ifma: None }.with_simd())
	}

	/// A context for a public odd modulus, with `R mod m` and `R^2 mod m` computed by num-bigint
	/// (one division instead of the doubling loop of [`Mont::new`]).
	pub(crate) fn new_public(m: &BigUint) -> Option<Mont> {
		let limbs: Vec<u64> = m.iter_u64_digits().collect();
		let n = limbs.len();
		if n == 0 || limbs[0] & 1 == 0 {
			return None;
		}
		let r = BigUint::from(1u32) << (64 * n);
		let one = limbs_of(&(&r % m), n)?;
		let r2 = limbs_of(&((&r * &r) % m), n)?;
		Some(Mont { m: Zeroizing::new(limbs), m_inv: inv_u64(m_low(m)).wrapping_neg(), one, r2, #[cfg(target_arch = "x86_64")] ifma: None }.with_simd())
	}

	/// Adds the IFMA form where the CPU supports it.
	fn with_simd(self) -> Mont {
		#[cfg(target_arch = "x86_64")]
		{
			let mut this = self;
			this.ifma = crate::ifma::IfmaCtx::new(&this);
			this
		}
		#[cfg(not(target_arch = "x86_64"))]
		self
	}

	/// `a` as exactly `len()` limbs below `m`: padded when short, reduced when too long or
	/// not below `m`. Lets callers pass values of any width without risking a slice panic.
	pub(crate) fn load(&self, a: &[u64]) -> Limbs {
		let n = self.len();
		let significant = a.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
		if significant <= n {
			let mut out = zeros(n);
			out[..significant].copy_from_slice(&a[..significant]);
			if !ge(&out, &self.m) {
				return out;
			}
		}
		self.reduce(a)
	}

	/// Number of limbs.
	pub(crate) fn len(&self) -> usize {
		self.m.len()
	}

	/// The modulus.
	pub(crate) fn modulus(&self) -> &[u64] {
		&self.m
	}

	/// Scratch space for [`Mont::mul`] and the squarings.
	pub(crate) fn scratch(&self) -> Limbs {
		zeros(2 * self.len() + 2)
	}

	/// `out = a * b / R mod m` (inputs below `m`).
	pub(crate) fn mul(&self, out: &mut [u64], a: &[u64], b: &[u64], t: &mut [u64]) {
		with_width!(self.len(), w => mul_w(w, out, a, b, &self.m, self.m_inv, t))
	}

	/// `out = a^2 / R mod m` (input below `m`).
	#[cfg(test)]
	pub(crate) fn sqr(&self, out: &mut [u64], a: &[u64], t: &mut [u64]) {
		with_width!(self.len(), w => sqr_w(w, out, a, &self.m, self.m_inv, t))
	}

	/// Into Montgomery form: `a * R mod m` (input below `m`).
	pub(crate) fn to_mont(&self, a: &[u64]) -> Limbs {
		let a = self.load(a);
		let mut out = zeros(self.len());
		let mut t = self.scratch();
		self.mul(&mut out, &a, &self.r2, &mut t);
		out
	}

	/// Out of Montgomery form: `a / R mod m`.
	pub(crate) fn out_of_mont(&self, a: &[u64]) -> Limbs {
		let mut out = zeros(self.len());
		let mut t = self.scratch();
		with_width!(self.len(), w => redc_w(w, &mut out, a, &self.m, self.m_inv, &mut t));
		out
	}

	/// `base^e` with base and result in Montgomery form.
	pub(crate) fn pow_mont(&self, base: &[u64], e: &[u64]) -> Limbs {
		let mut out = zeros(self.len());
		with_width!(self.len(), w => pow_w(w, self, &mut out, base, e));
		out
	}

	/// `base^e mod m` in normal form (any base width; reduced first if needed); AVX-512 IFMA
	/// where available.
	pub(crate) fn pow(&self, base: &[u64], e: &[u64]) -> Limbs {
		#[cfg(target_arch = "x86_64")]
		if let Some(ifma) = &self.ifma {
			return ifma.pow(self, &self.load(base), e);
		}
		self.pow_scalar(base, e)
	}

	/// [`Mont::pow`] with the portable code only.
	pub(crate) fn pow_scalar(&self, base: &[u64], e: &[u64]) -> Limbs {
		let b = self.to_mont(base);
		let r = self.pow_mont(&b, e);
		self.out_of_mont(&r)
	}

	/// `a * b mod m` in normal form (any widths; reduced first if needed); AVX-512 IFMA where
	/// available.
	pub(crate) fn mul_mod(&self, a: &[u64], b: &[u64]) -> Limbs {
		#[cfg(target_arch = "x86_64")]
		if let Some(ifma) = &self.ifma {
			return ifma.mul_mod(self, &self.load(a), &self.load(b));
		}
		self.mul_mod_scalar(a, b)
	}

	/// [`Mont::mul_mod`] with the portable code only.
	pub(crate) fn mul_mod_scalar(&self, a: &[u64], b: &[u64]) -> Limbs {
		let am = self.to_mont(a);
		let b = self.load(b);
		let mut out = zeros(self.len());
		let mut t = self.scratch();
		// (aR)(b)/R = ab: one product leaves Montgomery form by itself.
		self.mul(&mut out, &am, &b, &mut t);
		out
	}

	/// Reduces an arbitrary-length value modulo `m` (public or secret; no num-bigint).
	/// Processes the input a limb at a time from the top: `acc = acc * 2^64 + limb`.
	pub(crate) fn reduce(&self, a: &[u64]) -> Limbs {
		let n = self.len();
		if self.m[n - 1] >> 63 == 1 {
			return self.reduce_by_chunks(a);
		}
		// 2^64 mod m in Montgomery form is (2^64 * R) mod m = to_mont(2^64 mod m).
		let mut two64 = zeros(n);
		if n > 1 {
			two64[1] = 1;
		} else {
			// one-limb modulus: 2^64 mod m computed directly
			two64[0] = ((1u128 << 64) % (self.m[0] as u128)) as u64;
		}
		let shift = self.to_mont(&two64);
		let mut acc = zeros(n);
		let mut t = self.scratch();
		let mut tmp = zeros(n);
		let mut limb = zeros(n);
		for &w in a.iter().rev() {
			// acc = acc * 2^64 (in normal form: mont(acc, shift) = acc * 2^64 mod m)
			self.mul(&mut tmp, &acc, &shift, &mut t);
			limb.fill(0);
			limb[0] = w;
			if n == 1 && w >= self.m[0] {
				limb[0] = w % self.m[0];
			}
			let carry = add_assign(&mut tmp, &limb);
			if carry == 1 || ge(&tmp, &self.m) {
				sub_assign(&mut tmp, &self.m);
			}
			core::mem::swap(&mut acc, &mut tmp);
		}
		acc
	}
}

impl Mont {
	/// [`Mont::reduce`] for a modulus with its top bit set (`m > R / 2`, so any `n`-limb chunk is
	/// below `2m`): Horner's rule over whole chunks, `acc <- acc R + chunk`, one Montgomery
	/// product per chunk (`acc R = mont(acc, R^2)`) instead of one per limb.
	fn reduce_by_chunks(&self, a: &[u64]) -> Limbs {
		let n = self.len();
		let mut acc = zeros(n);
		let mut tmp = zeros(n);
		let mut t = self.scratch();
		let chunks = a.len().div_ceil(n);
		for c in (0..chunks).rev() {
			let (lo, hi) = (c * n, ((c + 1) * n).min(a.len()));
			let mut chunk = zeros(n);
			chunk[..hi - lo].copy_from_slice(&a[lo..hi]);
			if ge(&chunk, &self.m) {
				sub_assign(&mut chunk, &self.m);
			}
			if c + 1 == chunks {
				acc = chunk;
				continue;
			}
			self.mul(&mut tmp, &acc, &self.r2, &mut t);
			let carry = add_assign(&mut tmp, &chunk);
			if carry == 1 || ge(&tmp, &self.m) {
				sub_assign(&mut tmp, &self.m);
			}
			core::mem::swap(&mut acc, &mut tmp);
		}
		acc
	}
}

impl Mont {
	/// `prod_i bases[i]^exponents[i] mod m` in normal form (bases of any width, public
	/// exponents as little-endian limbs), by Pippenger's bucket method: per window of `c` bits,
	/// every base joins the bucket of its digit (one multiplication), and the buckets combine
	/// by running products (two multiplications per bucket); `c` squarings of the accumulator
	/// per window are shared by all bases. For 700 bases and 128-bit exponents that is about
	/// 18,000 multiplications, against some 110,000 for 700 separate exponentiations.
	/// Portable code only, so its cost is the same on every CPU.
	pub(crate) fn multi_pow(&self, bases: &[&[u64]], exponents: &[&[u64]]) -> Limbs {
		let n = self.len();
		let count = bases.len().min(exponents.len());
		let bits = exponents[..count].iter().map(|e| bit_len(e)).max().unwrap_or(0);
		if bits == 0 {
			return self.out_of_mont(&self.one);
		}
		// Window minimising windows * (count + 2^(c + 1)).
		let c = (1..=16usize)
			.min_by_key(|&c| bits.div_ceil(c) * (count + (1 << (c + 1))))
			.unwrap_or(1);
		let mont_bases: Vec<Limbs> = bases[..count].iter().map(|b| self.to_mont(b)).collect();
		let digit = |e: &[u64], window: usize| -> usize {
			let mut d = 0usize;
			for k in 0..c {
				let i = window * c + k;
				if e.get(i / 64).is_some_and(|limb| limb >> (i % 64) & 1 == 1) {
					d |= 1 << k;
				}
			}
			d
		};
		let mut t = self.scratch();
		let mut tmp = zeros(n);
		let mut acc: Option<Limbs> = None;
		let mul_into = |target: &mut Option<Limbs>, factor: &[u64], tmp: &mut Limbs, t: &mut [u64]| match target {
			None => *target = Some(Zeroizing::new(factor.to_vec())),
			Some(value) => {
				self.mul(tmp, value, factor, t);
				core::mem::swap(value, tmp);
			},
		};
		for window in (0..bits.div_ceil(c)).rev() {
			if let Some(value) = acc.as_mut() {
				for _ in 0..c {
					with_width!(n, w => sqr_w(w, &mut tmp, value, &self.m, self.m_inv, &mut t));
					core::mem::swap(value, &mut tmp);
				}
			}
			let mut buckets: Vec<Option<Limbs>> = (0..(1usize << c) - 1).map(|_| None).collect();
			for (base, e) in mont_bases.iter().zip(&exponents[..count]) {
				let d = digit(e, window);
				if d != 0 {
					mul_into(&mut buckets[d - 1], base, &mut tmp, &mut t);
				}
			}
			// prod_d bucket_d^d = prod_d (running product of buckets d..top).
			let mut running: Option<Limbs> = None;
			let mut total: Option<Limbs> = None;
			for bucket in buckets.iter().rev() {
				if let Some(b) = bucket {
					mul_into(&mut running, b, &mut tmp, &mut t);
				}
				if let Some(r) = &running {
					mul_into(&mut total, r, &mut tmp, &mut t);
				}
			}
			if let Some(total) = total {
				mul_into(&mut acc, &total, &mut tmp, &mut t);
			}
		}
		match acc {
			Some(value) => self.out_of_mont(&value),
			None => self.out_of_mont(&self.one),
		}
	}
}

/// Bits per digit of a [`FixedBase`] exponent.
const FIXED_BASE_DIGIT_BITS: usize = 4;
/// Nonzero values of one digit.
const FIXED_BASE_DIGITS: usize = (1 << FIXED_BASE_DIGIT_BITS) - 1;

/// Precomputed powers of one base for many exponentiations with the same base (the
/// ring-Pedersen proof raises `t` to 80 exponents, Pi^cmp raises `t` and every `s_b` to two
/// exponents per output): `base^(d 16^j)` for every digit `d` and position `j`, in Montgomery
/// form. An exponent then costs one multiplication per nonzero 4-bit digit and no squaring,
/// about a third of [`Mont::pow`]; the table costs 16 multiplications per digit position once.
/// With AVX-512 IFMA the table and the multiplications use it.
pub(crate) struct FixedBase<'a> {
	ctx: &'a Mont,
	table: Limbs,
	positions: usize,
	/// The table in the IFMA form instead, when the CPU has it.
	#[cfg(target_arch = "x86_64")]
	ifma: bool,
}

impl<'a> FixedBase<'a> {
	/// The table for `base` (any width) and exponents of at most `max_bits` bits.
	pub(crate) fn new(ctx: &'a Mont, base: &[u64], max_bits: usize) -> FixedBase<'a> {
		let n = ctx.len();
		let positions = max_bits.div_ceil(FIXED_BASE_DIGIT_BITS);
		#[cfg(target_arch = "x86_64")]
		if let Some(ifma) = &ctx.ifma {
			let table = ifma.fixed_base_table(&ctx.load(base), positions);
			return FixedBase { ctx, table, positions, ifma: true };
		}
		let mut table = zeros(positions * FIXED_BASE_DIGITS * n);
		let mut t = ctx.scratch();
		let mut power = ctx.to_mont(base);
		for j in 0..positions {
			let row = j * FIXED_BASE_DIGITS * n;
			table[row..row + n].copy_from_slice(&power);
			for d in 1..FIXED_BASE_DIGITS {
				let (done, rest) = table.split_at_mut(row + d * n);
				ctx.mul(&mut rest[..n], &done[row + (d - 1) * n..], &power, &mut t);
			}
			// The next position's base: power^16 = power^15 * power.
			let mut next = zeros(n);
			let last = row + (FIXED_BASE_DIGITS - 1) * n;
			ctx.mul(&mut next, &table[last..last + n], &power, &mut t);
			power = next;
		}
		FixedBase {
			ctx,
			table,
			positions,
			#[cfg(target_arch = "x86_64")]
			ifma: false,
		}
	}

	/// `base^e mod m` in normal form; exponents longer than the table fall back to
	/// [`Mont::pow`] of the base.
	pub(crate) fn pow(&self, e: &[u64]) -> Limbs {
		let n = self.ctx.len();
		if bit_len(e) > self.positions * FIXED_BASE_DIGIT_BITS {
			let base = self.base();
			return self.ctx.pow(&base, e);
		}
		#[cfg(target_arch = "x86_64")]
		if let (true, Some(ifma)) = (self.ifma, &self.ctx.ifma) {
			return ifma.fixed_base_pow(self.ctx, &self.table, self.positions, e);
		}
		let mut acc = Zeroizing::new(self.ctx.one.to_vec());
		let mut tmp = zeros(n);
		let mut t = self.ctx.scratch();
		for j in 0..self.positions {
			let bit = j * FIXED_BASE_DIGIT_BITS;
			let digit = (e.get(bit / 64).copied().unwrap_or(0) >> (bit % 64)) as usize & FIXED_BASE_DIGITS;
			if digit != 0 {
				let entry = (j * FIXED_BASE_DIGITS + digit - 1) * n;
				self.ctx.mul(&mut tmp, &acc, &self.table[entry..entry + n], &mut t);
				core::mem::swap(&mut acc, &mut tmp);
			}
		}
		self.ctx.out_of_mont(&acc)
	}

	/// The base itself, in normal form.
	fn base(&self) -> Limbs {
		#[cfg(target_arch = "x86_64")]
		if let (true, Some(ifma)) = (self.ifma, &self.ctx.ifma) {
			return ifma.fixed_base_pow(self.ctx, &self.table, self.positions, &[1]);
		}
		self.ctx.out_of_mont(&self.table[..self.ctx.len()])
	}
}

impl Mont {
	/// `prod bases[i]^exponents[i] mod m` in normal form for a few bases: simultaneous
	/// exponentiation with AVX-512 IFMA where the CPU has it, otherwise [`Mont::multi_pow`].
	pub(crate) fn product_of_powers(&self, bases: &[&[u64]], exponents: &[&[u64]]) -> Limbs {
		#[cfg(target_arch = "x86_64")]
		if let Some(ifma) = &self.ifma {
			let loaded: Vec<Limbs> = bases.iter().map(|b| self.load(b)).collect();
			return ifma.multi_pow(self, &loaded.iter().map(|b| &b[..]).collect::<Vec<_>>(), exponents);
		}
		self.multi_pow(bases, exponents)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use num_bigint::BigUint;
	use num_traits::One;

	fn rand_big(bits: u64, seed: u64) -> BigUint {
		// xorshift: deterministic test values only
		let mut s = seed | 1;
		let mut digits = vec![];
		for _ in 0..bits.div_ceil(32) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			digits.push(s as u32);
		}
		let x = BigUint::new(digits);
		x & ((BigUint::one() << bits) - 1u32)
	}

	#[test]
	fn multi_pow_is_the_product_of_powers() {
		for (bits, count, exp_bits) in [(2048u64, 700usize, 128u64), (4096, 92, 128), (2048, 3, 1), (2048, 1, 64)] {
			let m = rand_big(bits, 41 + count as u64) | BigUint::one() | (BigUint::one() << (bits - 1));
			let ctx = Mont::new_public(&m).unwrap();
			let bases: Vec<BigUint> = (0..count).map(|i| rand_big(bits, 1000 + i as u64) % &m).collect();
			// Some zero exponents, as a batch may hold.
			let exps: Vec<BigUint> =
				(0..count).map(|i| if i % 7 == 3 { BigUint::ZERO } else { rand_big(exp_bits, 5000 + i as u64) }).collect();
			let base_limbs: Vec<Vec<u64>> = bases.iter().map(|b| b.iter_u64_digits().collect()).collect();
			let exp_limbs: Vec<Vec<u64>> = exps.iter().map(|e| e.iter_u64_digits().collect()).collect();
			let got = to_biguint(&ctx.multi_pow(
				&base_limbs.iter().map(|b| &b[..]).collect::<Vec<_>>(),
				&exp_limbs.iter().map(|e| &e[..]).collect::<Vec<_>>(),
			));
			let want = bases.iter().zip(&exps).fold(BigUint::one(), |acc, (b, e)| acc * b.modpow(e, &m) % &m);
			assert_eq!(got, want, "{bits}-bit modulus, {count} bases");
		}
		let ctx = Mont::new_public(&(rand_big(2048, 9) | BigUint::one())).unwrap();
		assert_eq!(to_biguint(&ctx.multi_pow(&[], &[])), BigUint::one());
	}

	#[test]
	fn matches_num_bigint() {
		for (bits, seed) in [(64u64, 3u64), (1000, 5), (1024, 7), (2048, 11), (1536, 13), (4096, 17), (130, 19)] {
			let m = rand_big(bits, seed) | BigUint::one() | (BigUint::one() << (bits - 1));
			let n = (bits as usize).div_ceil(64);
			let ctx = Mont::new(&limbs_of(&m, n).unwrap()).unwrap();
			let a = rand_big(bits + 7, seed + 100) % &m;
			let b = rand_big(bits, seed + 200) % &m;
			let e = rand_big(bits / 2 + 3, seed + 300);
			let al = limbs_of(&a, n).unwrap();
			let bl = limbs_of(&b, n).unwrap();
			assert_eq!(to_biguint(&ctx.mul_mod(&al, &bl)), (&a * &b) % &m, "mul {bits}");
			assert_eq!(to_biguint(&ctx.mul_mod_scalar(&al, &bl)), (&a * &b) % &m, "scalar mul {bits}");
			let el: Vec<u64> = e.iter_u64_digits().collect();
			assert_eq!(to_biguint(&ctx.pow(&al, &el)), a.modpow(&e, &m), "pow {bits}");
			assert_eq!(to_biguint(&ctx.pow_scalar(&al, &el)), a.modpow(&e, &m), "scalar pow {bits}");
			let am = ctx.to_mont(&al);
			let mut sq = zeros(n);
			ctx.sqr(&mut sq, &am, &mut ctx.scratch());
			assert_eq!(to_biguint(&ctx.out_of_mont(&sq)), (&a * &a) % &m, "sqr {bits}");
			let big = rand_big(3 * bits + 17, seed + 400);
			let bl: Vec<u64> = big.iter_u64_digits().collect();
			assert_eq!(to_biguint(&ctx.reduce(&bl)), &big % &m, "reduce {bits}");
			assert_eq!(to_biguint(&ctx.pow(&al, &[])), BigUint::one(), "pow 0");
		}
	}

	#[test]
	fn exponent_shapes() {
		let m = rand_big(2048, 41) | BigUint::one() | (BigUint::one() << 2047u32);
		let ctx = Mont::new_public(&m).unwrap();
		let a = rand_big(2040, 43);
		let al = limbs_of(&a, 32).unwrap();
		let shapes: [&[u64]; 9] = [&[1], &[2], &[3], &[u64::MAX], &[0, 1], &[1 << 63], &[0x8000_0000_0000_0001, 0x1], &[0, 0, 0b1011], &[u64::MAX; 5]];
		for e in shapes {
			let eb = to_biguint(e);
			assert_eq!(to_biguint(&ctx.pow(&al, e)), a.modpow(&eb, &m), "exponent {e:x?}");
			assert_eq!(to_biguint(&ctx.pow_scalar(&al, e)), a.modpow(&eb, &m), "scalar, exponent {e:x?}");
		}
		// The doubling construction for secret moduli agrees with the public one.
		let secret = Mont::new(&limbs_of(&m, 32).unwrap()).unwrap();
		assert_eq!(&secret.r2[..], &ctx.r2[..]);
		assert_eq!(&secret.one[..], &ctx.one[..]);
	}

	#[test]
	fn exact_division() {
		let d = rand_big(1024, 23) | BigUint::one();
		let q = rand_big(1000, 29);
		let prod = &d * &q;
		let pl: Vec<u64> = prod.iter_u64_digits().collect();
		let dl: Vec<u64> = d.iter_u64_digits().collect();
		let mut out = vec![0u64; 16];
		div_exact(&mut out, &pl, &dl, inv_u64(dl[0]));
		assert_eq!(to_biguint(&out), q);
	}

	#[test]
	#[ignore = "timing probe, run with --release -- --ignored --nocapture"]
	fn speed_probe() {
		for bits in [1024u64, 2048, 4096] {
			let m = rand_big(bits, 77) | BigUint::one() | (BigUint::one() << (bits - 1));
			let n = (bits as usize) / 64;
			let ctx = Mont::new(&limbs_of(&m, n).unwrap()).unwrap();
			let a = limbs_of(&(&m - 12345u32), n).unwrap();
			let e: Vec<u64> = (0..n / 2).map(|i| 0x9e3779b97f4a7c15u64.wrapping_mul(i as u64 + 1)).collect();
			let iters = 20;
			let t = std::time::Instant::now();
			for _ in 0..iters {
				std::hint::black_box(ctx.pow_scalar(&a, &e));
			}
			std::println!("{bits}-bit modulus, {}-bit exp: {:.3} ms", n * 32, t.elapsed().as_secs_f64() * 1e3 / iters as f64);
			let t = std::time::Instant::now();
			for _ in 0..iters {
				std::hint::black_box(ctx.pow(&a, &e));
			}
			std::println!("  with SIMD if available: {:.3} ms", t.elapsed().as_secs_f64() * 1e3 / iters as f64);
			let am = ctx.to_mont(&a);
			let mut out = zeros(n);
			let mut sc = ctx.scratch();
			let t = std::time::Instant::now();
			for _ in 0..10000 {
				ctx.mul(&mut out, &am, &am, &mut sc);
				std::hint::black_box(&out);
			}
			std::println!("  mul {:.3} us", t.elapsed().as_secs_f64() * 1e6 / 10000.0);
			let t = std::time::Instant::now();
			for _ in 0..10000 {
				ctx.sqr(&mut out, &am, &mut sc);
				std::hint::black_box(&out);
			}
			std::println!("  sqr {:.3} us", t.elapsed().as_secs_f64() * 1e6 / 10000.0);
			let abig = &m - 12345u32;
			let ebig = to_biguint(&e);
			let t = std::time::Instant::now();
			for _ in 0..5 {
				std::hint::black_box(abig.modpow(&ebig, &m));
			}
			std::println!("  num-bigint modpow {:.3} ms", t.elapsed().as_secs_f64() * 1e3 / 5.0);
		}
	}

	#[test]
	fn byte_round_trip() {
		let x = rand_big(2040, 31);
		let bytes = x.to_bytes_be();
		let l = limbs_from_be(&bytes, 32).unwrap();
		assert_eq!(to_biguint(&l), x);
		assert_eq!(&limbs_to_be(&l, 256)[1..], &bytes[..]);
		assert!(limbs_from_be(&[1u8; 17], 2).is_none());
	}

	#[test]
	fn fixed_base_matches_pow() {
		for (bits, seed) in [(1024u64, 41u64), (2048, 43), (4096, 47)] {
			let m = rand_big(bits, seed) | BigUint::one() | (BigUint::one() << (bits - 1));
			let n = (bits as usize).div_ceil(64);
			let ctx = Mont::new_public(&m).unwrap();
			let base = rand_big(bits, seed + 1) % &m;
			let table = FixedBase::new(&ctx, &limbs_of(&base, n).unwrap(), bits as usize);
			for (k, e_bits) in [(0u64, 1u64), (1, 5), (2, bits - 3), (3, bits), (4, bits + 40)] {
				let e = rand_big(e_bits, seed + 10 + k) | (BigUint::one() << (e_bits - 1));
				let el: Vec<u64> = e.iter_u64_digits().collect();
				assert_eq!(to_biguint(&table.pow(&el)), base.modpow(&e, &m), "{bits}-bit modulus, {e_bits}-bit exponent");
			}
			assert_eq!(to_biguint(&table.pow(&[0])), BigUint::one());
		}
	}
}
