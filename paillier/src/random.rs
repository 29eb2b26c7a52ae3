//! Uniform sampling from a caller-supplied cryptographically secure RNG.

use rand_core_010::CryptoRng;

use crate::mont::{bit_len, ge, zeros, Limbs};

/// Uniform in `[0, bound)` (`bound > 0`), by rejection: draw `bit_len(bound)` random bits and
/// retry when the draw is not below `bound` (fewer than two draws on average).
pub(crate) fn below<R: CryptoRng + ?Sized>(rng: &mut R, bound: &[u64]) -> Limbs {
	let bits = bit_len(bound);
	let mut x = zeros(bound.len());
	if bits == 0 {
		return x;
	}
	let limbs = bits.div_ceil(64);
	let top_mask = if bits.is_multiple_of(64) { u64::MAX } else { (1u64 << (bits % 64)) - 1 };
	loop {
		for w in x[..limbs].iter_mut() {
			*w = rng.next_u64();
		}
		x[limbs - 1] &= top_mask;
		if !ge(&x, bound) {
			return x;
		}
	}
}

/// Uniform in `[1, bound)` (`bound > 1`).
pub(crate) fn nonzero_below<R: CryptoRng + ?Sized>(rng: &mut R, bound: &[u64]) -> Limbs {
	loop {
		let x = below(rng, bound);
		if x.iter().any(|&w| w != 0) {
			return x;
		}
	}
}

/// Uniform in `[0, bound)` for a `u64` bound > 0 (rejection below the largest multiple of
/// `bound`, so there is no modulo bias).
pub(crate) fn u64_below<R: CryptoRng + ?Sized>(rng: &mut R, bound: u64) -> u64 {
	let zone = u64::MAX - (u64::MAX - bound + 1) % bound;
	loop {
		let x = rng.next_u64();
		if x <= zone {
			return x % bound;
		}
	}
}

/// Uniform in `[1, 2^64)`.
pub(crate) fn nonzero_u64<R: CryptoRng + ?Sized>(rng: &mut R) -> u64 {
	loop {
		let x = rng.next_u64();
		if x != 0 {
			return x;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn bounds_hold() {
		let mut rng = rand_010::rng();
		for bound in [1u64, 2, 3, 7, 1 << 63, u64::MAX] {
			for _ in 0..200 {
				assert!(u64_below(&mut rng, bound) < bound);
			}
		}
		let bound = [5u64, 1];
		for _ in 0..200 {
			let x = nonzero_below(&mut rng, &bound);
			assert!(!ge(&x, &bound) && x.iter().any(|&w| w != 0));
		}
		// Small bounds hit every value.
		let mut seen = [false; 3];
		for _ in 0..200 {
			seen[u64_below(&mut rng, 3) as usize] = true;
		}
		assert!(seen.iter().all(|&s| s));
	}
}
