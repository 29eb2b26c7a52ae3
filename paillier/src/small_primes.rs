//! The odd primes below [`SMALL_PRIME_BOUND`], computed at compile time, and a trial division
//! that works on big-endian bytes with native 64-bit arithmetic only (cheap inside wasm).

/// Trial division bound for untrusted moduli (see docs/PAILLIER.md for the choice).
pub const SMALL_PRIME_BOUND: u32 = 10_000;

/// Number of odd primes below the bound (1229 primes below 10 000, minus the prime 2).
const COUNT: usize = 1228;

/// The odd primes below [`SMALL_PRIME_BOUND`] in increasing order.
pub(crate) const ODD_SMALL_PRIMES: [u16; COUNT] = sieve();

const fn sieve() -> [u16; COUNT] {
	const N: usize = SMALL_PRIME_BOUND as usize;
	let mut composite = [false; N];
	let mut out = [0u16; COUNT];
	let mut count = 0;
	let mut i = 3;
	while i < N {
		if !composite[i] {
			// A wrong COUNT fails compilation here (index out of bounds in const evaluation).
			out[count] = i as u16;
			count += 1;
			let mut j = i * i;
			while j < N {
				composite[j] = true;
				j += 2 * i;
			}
		}
		i += 2;
	}
	assert!(count == COUNT, "COUNT must be the number of odd primes below the bound");
	out
}

/// The smallest odd prime below the bound that divides the big-endian number `bytes`, if any.
///
/// Primes are grouped so that each group's product `P` is below 2^32; the remainder modulo `P` is
/// accumulated 32 bits at a time in a `u64` (`r < 2^32`, so `r * 2^32 + word < 2^64`), then tested
/// against each prime of the group. About 600 groups, 64 steps each for a 2048-bit number.
pub(crate) fn smallest_factor(bytes: &[u8]) -> Option<u32> {
	let mut i = 0;
	while i < COUNT {
		let start = i;
		let mut product: u64 = 1;
		while i < COUNT && product * (ODD_SMALL_PRIMES[i] as u64) < (1u64 << 32) {
			product *= ODD_SMALL_PRIMES[i] as u64;
			i += 1;
		}
		let r = rem_be(bytes, product);
		for &p in &ODD_SMALL_PRIMES[start..i] {
			if r.is_multiple_of(p as u64) {
				return Some(p as u32);
			}
		}
	}
	None
}

/// `bytes mod m` for `0 < m < 2^32`, `bytes` big-endian.
fn rem_be(bytes: &[u8], m: u64) -> u64 {
	let mut r: u64 = 0;
	// Leading bytes that do not fill a 32-bit word first, then whole words.
	let head = bytes.len() % 4;
	for &b in &bytes[..head] {
		r = ((r << 8) | b as u64) % m;
	}
	for w in bytes[head..].chunks_exact(4) {
		let word = u32::from_be_bytes([w[0], w[1], w[2], w[3]]) as u64;
		r = ((r << 32) | word) % m;
	}
	r
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn table() {
		assert_eq!(ODD_SMALL_PRIMES[0], 3);
		assert_eq!(ODD_SMALL_PRIMES[COUNT - 1], 9973);
		assert!(ODD_SMALL_PRIMES.windows(2).all(|w| w[0] < w[1]));
	}

	#[test]
	fn finds_factors() {
		assert_eq!(smallest_factor(&(3u32 * 1_000_003).to_be_bytes()), Some(3));
		assert_eq!(smallest_factor(&(9973u64 * 1_000_000_007).to_be_bytes()), Some(9973));
		assert_eq!(smallest_factor(&(1_000_003u64 * 1_000_000_007).to_be_bytes()), None);
		assert_eq!(smallest_factor(&[0x01]), None);
		assert_eq!(smallest_factor(&[]), Some(3), "zero is divisible by everything");
	}
}
