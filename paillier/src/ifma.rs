//! Modular exponentiation with AVX-512 IFMA, used by [`crate::mont::Mont::pow`] when the CPU has
//! it (recent AMD and Intel server and laptop parts; the scalar code is used everywhere else).
//!
//! Numbers are held in 52-bit limbs, eight per 512-bit vector; `vpmadd52luq`/`vpmadd52huq`
//! multiply eight limb pairs and add the low or high 52 bits of each product to 64-bit lanes,
//! so a whole row of partial products costs one instruction per vector. Montgomery
//! multiplication is the "almost Montgomery" variant of Gueron and Krasnov (inputs and outputs
//! below `2m`, no final subtraction; `R = 2^(52 P) > 4m`), with `P` a multiple of eight limbs.
//! The result of an exponentiation is fully reduced and returned in 64-bit limbs.
//!
//! Set `MEDSHARE_PAILLIER_NO_SIMD=1` to force the scalar code (tests run both).

#![allow(unsafe_code)]

use alloc::vec;
use core::arch::x86_64::*;
use std::sync::OnceLock;
use zeroize::Zeroizing;

use crate::mont::{bit_len, ge, inv_u64, sub_assign, zeros, Limbs, Mont};

const MASK: u64 = (1 << 52) - 1;
/// Largest supported size in vectors (8192-bit moduli, `n^2` of 4096-bit keys, need 20).
const MAX_VECTORS: usize = 20;

/// Whether the CPU has AVX-512F and IFMA (and the environment does not opt out).
pub(crate) fn available() -> bool {
	static AVAILABLE: OnceLock<bool> = OnceLock::new();
	*AVAILABLE.get_or_init(|| {
		std::env::var_os("MEDSHARE_PAILLIER_NO_SIMD").is_none()
			&& std::is_x86_feature_detected!("avx512f")
			&& std::is_x86_feature_detected!("avx512ifma")
	})
}

/// `x` (64-bit limbs) as `len` 52-bit limbs.
fn to52(x: &[u64], len: usize) -> Limbs {
	let mut out = zeros(len);
	for (k, limb) in out.iter_mut().enumerate() {
		let bit = 52 * k;
		let (i, off) = (bit / 64, bit % 64);
		let lo = x.get(i).copied().unwrap_or(0) >> off;
		let hi = if off > 12 { x.get(i + 1).copied().unwrap_or(0) << (64 - off) } else { 0 };
		*limb = (lo | hi) & MASK;
	}
	out
}

/// Normalised 52-bit limbs as `len` 64-bit limbs (bits beyond `64 len` are dropped).
fn to64(x: &[u64], len: usize) -> Limbs {
	let mut out = zeros(len);
	for (k, &limb) in x.iter().enumerate() {
		let bit = 52 * k;
		let (i, off) = (bit / 64, bit % 64);
		if let Some(w) = out.get_mut(i) {
			*w |= limb << off;
		}
		if off > 12 {
			if let Some(w) = out.get_mut(i + 1) {
				*w |= limb >> (64 - off);
			}
		}
	}
	out
}

/// Calls `$f::<V>($args)` for this context's vector count (`V` a literal, so that each width
/// compiles to its own code). Every use relies on `available()` having confirmed AVX-512F and
/// IFMA when the context was built.
macro_rules! dispatch {
	($vectors:expr, $f:ident($($arg:expr),*)) => {
		match $vectors {
			1 => unsafe { $f::<1>($($arg),*) },
			2 => unsafe { $f::<2>($($arg),*) },
			3 => unsafe { $f::<3>($($arg),*) },
			4 => unsafe { $f::<4>($($arg),*) },
			5 => unsafe { $f::<5>($($arg),*) },
			6 => unsafe { $f::<6>($($arg),*) },
			7 => unsafe { $f::<7>($($arg),*) },
			8 => unsafe { $f::<8>($($arg),*) },
			9 => unsafe { $f::<9>($($arg),*) },
			10 => unsafe { $f::<10>($($arg),*) },
			11 => unsafe { $f::<11>($($arg),*) },
			12 => unsafe { $f::<12>($($arg),*) },
			13 => unsafe { $f::<13>($($arg),*) },
			14 => unsafe { $f::<14>($($arg),*) },
			15 => unsafe { $f::<15>($($arg),*) },
			16 => unsafe { $f::<16>($($arg),*) },
			17 => unsafe { $f::<17>($($arg),*) },
			18 => unsafe { $f::<18>($($arg),*) },
			19 => unsafe { $f::<19>($($arg),*) },
			20 => unsafe { $f::<20>($($arg),*) },
			_ => unreachable!("vectors is at most MAX_VECTORS"),
		}
	};
}

/// The IFMA form of a Montgomery context.
pub(crate) struct IfmaCtx {
	/// Vectors per number.
	vectors: usize,
	/// The modulus in `8 * vectors` 52-bit limbs.
	m: Limbs,
	/// `-m^-1 mod 2^52`.
	k0: u64,
	/// `R^2 mod m` in 52-bit limbs, `R = 2^(52 * 8 * vectors)`.
	r2: Limbs,
}

impl IfmaCtx {
	/// The context for the modulus of `mont`, or `None` without IFMA or for a size beyond
	/// [`MAX_VECTORS`].
	pub(crate) fn new(mont: &Mont) -> Option<IfmaCtx> {
		if !available() {
			return None;
		}
		let m = mont.modulus();
		let vectors = (bit_len(m) + 2).div_ceil(52 * 8);
		if vectors == 0 || vectors > MAX_VECTORS {
			return None;
		}
		let limbs = 8 * vectors;
		// R^2 mod m = 2^(2 * 52 * limbs) mod m, with the 64-bit code (no division by m).
		let r2 = mont.pow_scalar(&[2], &[(2 * 52 * limbs) as u64]);
		Some(IfmaCtx {
			vectors,
			m: to52(m, limbs),
			k0: inv_u64(m[0]).wrapping_neg() & MASK,
			r2: to52(&r2, limbs),
		})
	}

	/// `base^e mod m` for `base < m` (64-bit limbs, `m.len()` of them), fully reduced.
	pub(crate) fn pow(&self, mont: &Mont, base: &[u64], e: &[u64]) -> Limbs {
		let limbs = 8 * self.vectors;
		let b = to52(base, limbs);
		let mut out = zeros(limbs);
		// SAFETY (inside dispatch): `available()` confirmed AVX-512F and IFMA at construction.
		dispatch!(self.vectors, pow_v(&mut out, &b, e, &self.m, &self.r2, self.k0));
		reduced(mont, &out)
	}

	/// `a b mod m` for `a, b < m` (64-bit limbs), fully reduced.
	pub(crate) fn mul_mod(&self, mont: &Mont, a: &[u64], b: &[u64]) -> Limbs {
		let limbs = 8 * self.vectors;
		let (a, b) = (to52(a, limbs), to52(b, limbs));
		let mut out = zeros(limbs);
		// SAFETY (inside dispatch): `available()` confirmed AVX-512F and IFMA at construction.
		dispatch!(self.vectors, mul_v(&mut out, &a, &b, &self.m, &self.r2, self.k0));
		reduced(mont, &out)
	}
}

/// Bits per digit of the IFMA fixed-base tables and of the simultaneous exponentiation.
const DIGIT_BITS: usize = 4;
/// Nonzero values of one digit.
const DIGITS: usize = (1 << DIGIT_BITS) - 1;

fn digit(e: &[u64], position: usize) -> usize {
	let bit = position * DIGIT_BITS;
	(e.get(bit / 64).copied().unwrap_or(0) >> (bit % 64)) as usize & DIGITS
}

impl IfmaCtx {
	/// `prod bases[i]^exponents[i] mod m` (bases below `m`, 64-bit limbs) by simultaneous
	/// exponentiation: one shared squaring chain and one multiplication per nonzero 4-bit digit
	/// of each exponent, after a 15-entry table per base. For a few bases with exponents of a
	/// few hundred bits it costs about a third of separate exponentiations.
	pub(crate) fn multi_pow(&self, mont: &Mont, bases: &[&[u64]], exponents: &[&[u64]]) -> Limbs {
		let limbs = 8 * self.vectors;
		let bases: alloc::vec::Vec<Limbs> = bases.iter().map(|b| to52(b, limbs)).collect();
		let mut out = zeros(limbs);
		// SAFETY (inside dispatch): `available()` confirmed AVX-512F and IFMA at construction.
		dispatch!(self.vectors, multi_pow_v(&mut out, &bases, exponents, &self.m, &self.r2, self.k0));
		reduced(mont, &out)
	}

	/// The table of a fixed base for exponents of `positions` 4-bit digits: `base^(d 16^j) R`
	/// for every digit `d` and position `j`, in 52-bit limbs.
	pub(crate) fn fixed_base_table(&self, base: &[u64], positions: usize) -> Limbs {
		let limbs = 8 * self.vectors;
		let base = to52(base, limbs);
		let mut table = Zeroizing::new(vec![0u64; positions * DIGITS * limbs]);
		// SAFETY (inside dispatch): `available()` confirmed AVX-512F and IFMA at construction.
		dispatch!(self.vectors, fixed_table_v(&mut table, &base, positions, &self.m, &self.r2, self.k0));
		table
	}

	/// `base^e mod m` from a [`IfmaCtx::fixed_base_table`] of `positions` positions (`e` must
	/// have at most `4 positions` bits): one multiplication per nonzero digit, no squaring.
	pub(crate) fn fixed_base_pow(&self, mont: &Mont, table: &[u64], positions: usize, e: &[u64]) -> Limbs {
		let mut out = zeros(8 * self.vectors);
		// SAFETY (inside dispatch): `available()` confirmed AVX-512F and IFMA at construction.
		dispatch!(self.vectors, fixed_pow_v(&mut out, table, positions, e, &self.m, &self.r2, self.k0));
		reduced(mont, &out)
	}
}

/// Fills `row` with `power^d` for `d = 1..=15` (Montgomery domain, `power` in it too): one
/// digit position of a fixed-base table, or one base's table of a simultaneous exponentiation.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn digit_row<const V: usize>(row: &mut [u64], power: &[u64], m: &[__m512i; V], m0: u64, k0: u64) {
	let n = 8 * V;
	row[..n].copy_from_slice(&power[..n]);
	for d in 1..DIGITS {
		let (done, rest) = row.split_at_mut(d * n);
		amm::<V>(&mut rest[..n], &done[(d - 1) * n..d * n], power, m, m0, k0);
	}
}

/// `acc <- acc table[entry]` for a nonzero digit `d` of row `row` (`tmp` is scratch).
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn mul_digit<const V: usize>(
	acc: &mut Limbs,
	tmp: &mut Limbs,
	table: &[u64],
	row: usize,
	d: usize,
	m: &[__m512i; V],
	m0: u64,
	k0: u64,
) {
	let n = 8 * V;
	let entry = (row * DIGITS + d - 1) * n;
	amm::<V>(tmp, acc, &table[entry..entry + n], m, m0, k0);
	core::mem::swap(acc, tmp);
}

/// `R mod m` (one in the Montgomery domain) and plain one, in 52-bit limbs.
#[target_feature(enable = "avx512f,avx512ifma")]
fn ones<const V: usize>(m: &[__m512i; V], m0: u64, r2: &[u64], k0: u64) -> (Limbs, Limbs) {
	let mut one = zeros(8 * V);
	one[0] = 1;
	let mut r = zeros(8 * V);
	amm::<V>(&mut r, &one, r2, m, m0, k0);
	(r, one)
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn multi_pow_v<const V: usize>(out: &mut [u64], bases: &[Limbs], exps: &[&[u64]], m52: &[u64], r2: &[u64], k0: u64) {
	let n = 8 * V;
	let m = load::<V>(m52);
	let m0 = m52[0];
	let (mut acc, one) = ones::<V>(&m, m0, r2, k0);
	// tables[b][d - 1] = base_b^d R.
	let mut tables = Zeroizing::new(vec![0u64; bases.len() * DIGITS * n]);
	let mut power = zeros(n);
	for (b, base) in bases.iter().enumerate() {
		amm::<V>(&mut power, base, r2, &m, m0, k0);
		digit_row::<V>(&mut tables[b * DIGITS * n..(b + 1) * DIGITS * n], &power, &m, m0, k0);
	}
	let bits = exps.iter().map(|e| bit_len(e)).max().unwrap_or(0);
	let mut tmp = zeros(n);
	for position in (0..bits.div_ceil(DIGIT_BITS)).rev() {
		for _ in 0..DIGIT_BITS {
			amm::<V>(&mut tmp, &acc, &acc, &m, m0, k0);
			core::mem::swap(&mut acc, &mut tmp);
		}
		for (b, e) in exps.iter().enumerate().take(bases.len()) {
			let d = digit(e, position);
			if d != 0 {
				mul_digit::<V>(&mut acc, &mut tmp, &tables, b, d, &m, m0, k0);
			}
		}
	}
	amm::<V>(out, &acc, &one, &m, m0, k0);
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn fixed_table_v<const V: usize>(table: &mut [u64], base: &[u64], positions: usize, m52: &[u64], r2: &[u64], k0: u64) {
	let n = 8 * V;
	let m = load::<V>(m52);
	let m0 = m52[0];
	let mut power = zeros(n);
	amm::<V>(&mut power, base, r2, &m, m0, k0);
	for j in 0..positions {
		let row = j * DIGITS * n;
		digit_row::<V>(&mut table[row..row + DIGITS * n], &power, &m, m0, k0);
		let mut next = zeros(n);
		let last = row + (DIGITS - 1) * n;
		amm::<V>(&mut next, &table[last..last + n], &power, &m, m0, k0);
		power = next;
	}
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn fixed_pow_v<const V: usize>(out: &mut [u64], table: &[u64], positions: usize, e: &[u64], m52: &[u64], r2: &[u64], k0: u64) {
	let n = 8 * V;
	let m = load::<V>(m52);
	let m0 = m52[0];
	let (mut acc, one) = ones::<V>(&m, m0, r2, k0);
	let mut tmp = zeros(n);
	for j in 0..positions {
		let d = digit(e, j);
		if d != 0 {
			mul_digit::<V>(&mut acc, &mut tmp, table, j, d, &m, m0, k0);
		}
	}
	amm::<V>(out, &acc, &one, &m, m0, k0);
}

/// A value below `2m` in 52-bit limbs as a fully reduced value in 64-bit limbs.
fn reduced(mont: &Mont, x: &[u64]) -> Limbs {
	let m = mont.modulus();
	let mut r = to64(x, m.len() + 1);
	let mut m_wide = zeros(m.len() + 1);
	m_wide[..m.len()].copy_from_slice(m);
	if ge(&r, &m_wide) {
		sub_assign(&mut r, &m_wide);
	}
	Zeroizing::new(r[..m.len()].to_vec())
}

/// `out = a b mod m` up to one extra `m`: `amm(amm(a, b), R^2) = (a b / R) R^2 / R`.
#[target_feature(enable = "avx512f,avx512ifma")]
fn mul_v<const V: usize>(out: &mut [u64], a: &[u64], b: &[u64], m52: &[u64], r2: &[u64], k0: u64) {
	let m = load::<V>(m52);
	let mut t = zeros(8 * V);
	amm::<V>(&mut t, a, b, &m, m52[0], k0);
	amm::<V>(out, &t, r2, &m, m52[0], k0);
}

/// Loads `8V` limbs into `V` vectors.
#[inline]
#[target_feature(enable = "avx512f")]
fn load<const V: usize>(x: &[u64]) -> [__m512i; V] {
	let x = &x[..8 * V];
	let mut out = [_mm512_setzero_si512(); V];
	for (v, o) in out.iter_mut().enumerate() {
		// SAFETY: the slice has 8V limbs, so 8 limbs from 8v are in bounds; unaligned load.
		*o = unsafe { _mm512_loadu_si512(x.as_ptr().add(8 * v).cast()) };
	}
	out
}

/// Almost Montgomery multiplication `out = a b / R mod m`, up to one extra `m`: inputs below
/// `2m` in normalised 52-bit limbs, output likewise.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn amm<const V: usize>(out: &mut [u64], a: &[u64], b: &[u64], m: &[__m512i; V], m0: u64, k0: u64) {
	let a_vec = load::<V>(a);
	let mut acc = [_mm512_setzero_si512(); V];
	let zero = _mm512_setzero_si512();
	for &bi in &b[..8 * V] {
		let bv = _mm512_set1_epi64(bi as i64);
		for v in 0..V {
			acc[v] = _mm512_madd52lo_epu64(acc[v], a_vec[v], bv);
		}
		// y makes the lowest limb a multiple of 2^52; its carry is computed in scalar.
		let low = _mm_cvtsi128_si64(_mm512_castsi512_si128(acc[0])) as u64;
		let y = low.wrapping_mul(k0) & MASK;
		let carry = (low + (m0.wrapping_mul(y) & MASK)) >> 52;
		let yv = _mm512_set1_epi64(y as i64);
		for v in 0..V {
			acc[v] = _mm512_madd52lo_epu64(acc[v], m[v], yv);
		}
		// Divide by 2^52: shift every lane down by one limb, carrying into the new lowest.
		for v in 0..V - 1 {
			acc[v] = _mm512_alignr_epi64::<1>(acc[v + 1], acc[v]);
		}
		acc[V - 1] = _mm512_alignr_epi64::<1>(zero, acc[V - 1]);
		acc[0] = _mm512_mask_add_epi64(acc[0], 1, acc[0], _mm512_set1_epi64(carry as i64));
		// High halves of the products belong one limb up, which is where they are now.
		for v in 0..V {
			acc[v] = _mm512_madd52hi_epu64(acc[v], a_vec[v], bv);
			acc[v] = _mm512_madd52hi_epu64(acc[v], m[v], yv);
		}
	}
	// Lanes hold up to about 4 * 8V * 2^52 < 2^64: propagate carries into 52-bit limbs.
	let out = &mut out[..8 * V];
	for (v, a) in acc.iter().enumerate() {
		// SAFETY: out has 8V limbs; unaligned store of 8 limbs at 8v.
		unsafe { _mm512_storeu_si512(out.as_mut_ptr().add(8 * v).cast(), *a) };
	}
	let mut carry = 0u64;
	for limb in out.iter_mut() {
		let t = *limb + carry;
		*limb = t & MASK;
		carry = t >> 52;
	}
}

/// Bit `i` of the exponent.
#[inline(always)]
fn bit(e: &[u64], i: usize) -> bool {
	(e[i / 64] >> (i % 64)) & 1 == 1
}

/// `out = b^e mod m` up to one extra `m` (52-bit limbs; `b < m`), sliding windows.
#[target_feature(enable = "avx512f,avx512ifma")]
fn pow_v<const V: usize>(out: &mut [u64], b: &[u64], e: &[u64], m52: &[u64], r2: &[u64], k0: u64) {
	let n = 8 * V;
	let m = load::<V>(m52);
	let m0 = m52[0];
	let mut one = zeros(n);
	one[0] = 1;
	let bits = bit_len(e);
	if bits == 0 {
		// b^0 = 1, and 1 < m for every modulus here.
		out[..n].copy_from_slice(&one);
		return;
	}
	// Into the Montgomery domain: b R = amm(b, R^2).
	let mut base = zeros(n);
	amm::<V>(&mut base, b, r2, &m, m0, k0);
	let k = match bits {
		0..=24 => 2,
		25..=80 => 3,
		81..=240 => 4,
		241..=672 => 5,
		_ => 6,
	};
	// table[i] = base^(2i + 1)
	let entries = 1usize << (k - 1);
	let mut table = Zeroizing::new(vec![0u64; n * entries]);
	table[..n].copy_from_slice(&base);
	if entries > 1 {
		let mut sq = zeros(n);
		amm::<V>(&mut sq, &base, &base, &m, m0, k0);
		for i in 1..entries {
			let (done, rest) = table.split_at_mut(i * n);
			amm::<V>(&mut rest[..n], &done[(i - 1) * n..i * n], &sq, &m, m0, k0);
		}
	}
	let mut acc = zeros(n);
	let mut tmp = zeros(n);
	let mut started = false;
	let mut i = bits as isize - 1;
	while i >= 0 {
		if !bit(e, i as usize) {
			if started {
				amm::<V>(&mut tmp, &acc, &acc, &m, m0, k0);
				core::mem::swap(&mut acc, &mut tmp);
			}
			i -= 1;
			continue;
		}
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
				amm::<V>(&mut tmp, &acc, &acc, &m, m0, k0);
				core::mem::swap(&mut acc, &mut tmp);
			}
			amm::<V>(&mut tmp, &acc, entry, &m, m0, k0);
			core::mem::swap(&mut acc, &mut tmp);
		} else {
			acc.copy_from_slice(entry);
			started = true;
		}
		i = l - 1;
	}
	// Out of the Montgomery domain: acc / R = amm(acc, 1), below 2m.
	amm::<V>(out, &acc, &one, &m, m0, k0);
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mont::{limbs_of, to_biguint};
	use num_bigint::BigUint;

	fn value(bits: u64, seed: u64) -> BigUint {
		let mut s = seed | 1;
		let digits: alloc::vec::Vec<u32> = (0..bits.div_ceil(32))
			.map(|_| {
				s ^= s << 13;
				s ^= s >> 7;
				s ^= s << 17;
				s as u32
			})
			.collect();
		BigUint::new(digits) >> (bits.div_ceil(32) * 32 - bits)
	}

	#[test]
	fn radix_conversion_round_trips() {
		let x = value(2048, 3);
		let limbs = limbs_of(&x, 32).unwrap();
		assert_eq!(&to64(&to52(&limbs, 40), 32)[..], &limbs[..]);
		assert!(to52(&limbs, 40).iter().all(|&l| l <= MASK));
	}

	#[test]
	fn agrees_with_num_bigint_at_every_width() {
		if !available() {
			return;
		}
		// Widths from one vector (66 bits) to twenty (8192 bits), odd moduli with and without
		// their top limb full.
		for (i, bits) in [66u64, 130, 400, 415, 416, 1024, 1500, 2048, 3072, 4096, 6146, 8192].into_iter().enumerate() {
			let m = value(bits, 100 + i as u64) | BigUint::from(1u32) | (BigUint::from(1u32) << (bits - 1));
			let n = (bits as usize).div_ceil(64);
			let mont = Mont::new_public(&m).unwrap();
			let ctx = IfmaCtx::new(&mont).expect("IFMA is available");
			let base = value(bits + 5, 200 + i as u64) % &m;
			for e in [value(bits / 2, 300 + i as u64), BigUint::from(1u32), BigUint::from(2u32), BigUint::from(0u32)] {
				let el: alloc::vec::Vec<u64> = e.iter_u64_digits().collect();
				let got = ctx.pow(&mont, &limbs_of(&base, n).unwrap(), &el);
				assert_eq!(to_biguint(&got), base.modpow(&e, &m), "{bits} bits");
			}
			// Simultaneous and fixed-base exponentiation against num-bigint.
			let bases: alloc::vec::Vec<BigUint> = (0..3).map(|k| value(bits + 3, 500 + 10 * i as u64 + k) % &m).collect();
			let exps: alloc::vec::Vec<BigUint> = (0..3).map(|k| value(37 + 90 * k, 600 + 10 * i as u64 + k)).collect();
			let base_limbs: alloc::vec::Vec<Limbs> = bases.iter().map(|b| limbs_of(b, n).unwrap()).collect();
			let exp_limbs: alloc::vec::Vec<alloc::vec::Vec<u64>> = exps.iter().map(|e| e.iter_u64_digits().collect()).collect();
			let got = ctx.multi_pow(
				&mont,
				&base_limbs.iter().map(|b| &b[..]).collect::<alloc::vec::Vec<_>>(),
				&exp_limbs.iter().map(|e| &e[..]).collect::<alloc::vec::Vec<_>>(),
			);
			let expected = bases.iter().zip(&exps).fold(BigUint::from(1u32), |acc, (b, e)| acc * b.modpow(e, &m) % &m);
			assert_eq!(to_biguint(&got), expected, "{bits} bits");
			let table = ctx.fixed_base_table(&base_limbs[0], 60);
			assert_eq!(to_biguint(&ctx.fixed_base_pow(&mont, &table, 60, &exp_limbs[2])), bases[0].modpow(&exps[2], &m));
			let other = value(bits + 9, 400 + i as u64) % &m;
			let product = ctx.mul_mod(&mont, &limbs_of(&base, n).unwrap(), &limbs_of(&other, n).unwrap());
			assert_eq!(to_biguint(&product), (&base * &other) % &m, "{bits} bits");
		}
	}
}
