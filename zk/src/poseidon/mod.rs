//! Poseidon over the BLS12-381 scalar field: the one hash of MedShare's commitments,
//! statements and bindings (PROTOCOL.md 3.2).
//!
//! Instance: width 5 (rate 4, capacity 1), S-box x^5, 8 full and 60 partial rounds, the
//! parameters the Poseidon paper gives for 128-bit security with a 255-bit field, and the
//! constants its Grain LFSR derives for them (`grain.rs`, checked against the authors' test
//! vector). The sponge hashes a fixed-length input: the capacity element starts as the domain
//! tag plus the input length times 2^64, so every use and every length is its own function and
//! zero padding of the last block is unambiguous.
//!
//! This module is `no_std`: the runtime computes request statements and bindings with it. The
//! circuit gadget in `gadgets.rs` performs the same steps over constraint-system variables.

use bls12_381::Scalar;

mod constants;
#[cfg(any(test, feature = "std"))]
pub mod grain;

pub(crate) use constants::{MDS, ROUND_CONSTANTS};

/// State width.
pub const WIDTH: usize = 5;
/// Field elements absorbed per permutation.
pub const RATE: usize = WIDTH - 1;
/// Full rounds (half before, half after the partial rounds).
pub const FULL_ROUNDS: usize = 8;
/// Partial rounds (S-box on the first element only).
pub const PARTIAL_ROUNDS: usize = 60;

/// What a hash is used for; each use is a separate function (PROTOCOL.md 3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Domain {
	/// The holder's data commitment h.
	Data = 1,
	/// The institution's range commitment h'.
	Range = 2,
	/// The request statement S.
	Request = 3,
	/// The proof binding b.
	Binding = 4,
}

impl Domain {
	/// Initial capacity element for an input of `length` field elements.
	pub(crate) fn capacity(self, length: usize) -> Scalar {
		Scalar::from_raw([self as u64, length as u64, 0, 0])
	}
}

/// x^5.
fn sbox(x: &mut Scalar) {
	let x2 = x.square();
	*x *= x2.square();
}

fn mix(state: &mut [Scalar; WIDTH]) {
	let input = *state;
	for (row, out) in state.iter_mut().enumerate() {
		*out = MDS[row * WIDTH..(row + 1) * WIDTH]
			.iter()
			.zip(input.iter())
			.fold(Scalar::zero(), |acc, (m, x)| acc + m * x);
	}
}

/// The Poseidon permutation.
pub fn permute(state: &mut [Scalar; WIDTH]) {
	let mut constants = ROUND_CONSTANTS.chunks_exact(WIDTH);
	let mut round = |state: &mut [Scalar; WIDTH], full: bool| {
		let round_constants = constants.next().expect("the table holds one row per round");
		for (x, c) in state.iter_mut().zip(round_constants) {
			*x += c;
		}
		if full {
			state.iter_mut().for_each(sbox);
		} else {
			sbox(&mut state[0]);
		}
		mix(state);
	};
	for _ in 0..FULL_ROUNDS / 2 {
		round(state, true);
	}
	for _ in 0..PARTIAL_ROUNDS {
		round(state, false);
	}
	for _ in 0..FULL_ROUNDS / 2 {
		round(state, true);
	}
}

/// Hashes a fixed-length input for one domain.
pub fn hash(domain: Domain, inputs: &[Scalar]) -> Scalar {
	let mut state = [Scalar::zero(); WIDTH];
	state[0] = domain.capacity(inputs.len());
	if inputs.is_empty() {
		permute(&mut state);
	}
	for block in inputs.chunks(RATE) {
		for (x, input) in state[1..].iter_mut().zip(block) {
			*x += input;
		}
		permute(&mut state);
	}
	state[1]
}

#[cfg(test)]
mod tests {
	use super::*;

	fn scalar_from_hex(hex: &str) -> Scalar {
		let hex = hex.trim_start_matches("0x");
		let mut bytes = [0u8; 32];
		for i in 0..32 {
			bytes[31 - i] = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
		}
		Scalar::from_bytes(&bytes).unwrap()
	}

	/// The test vector of the Poseidon authors' reference implementation for this instance
	/// (`poseidonperm_x5_255_5`: input 0, 1, 2, 3, 4).
	#[test]
	fn permutation_matches_the_reference_test_vector() {
		let mut state: [Scalar; WIDTH] = core::array::from_fn(|i| Scalar::from(i as u64));
		permute(&mut state);
		let expected = [
			"0x2a918b9c9f9bd7bb509331c81e297b5707f6fc7393dcee1b13901a0b22202e18",
			"0x65ebf8671739eeb11fb217f2d5c5bf4a0c3f210e3f3cd3b08b5db75675d797f7",
			"0x2cc176fc26bc70737a696a9dfd1b636ce360ee76926d182390cdb7459cf585ce",
			"0x4dc4e29d283afd2a491fe6aef122b9a968e74eff05341f3cc23fda1781dcb566",
			"0x03ff622da276830b9451b88b85e6184fd6ae15c8ab3ee25a5667be8592cce3b1",
		];
		for (got, want) in state.iter().zip(expected) {
			assert_eq!(*got, scalar_from_hex(want));
		}
	}

	#[test]
	fn committed_constants_are_the_grain_derivation() {
		let derived = grain::derive();
		let committed: Vec<[u64; 4]> = ROUND_CONSTANTS.iter().map(grain::limbs).collect();
		assert_eq!(committed, derived.round_constants);
		let committed: Vec<[u64; 4]> = MDS.iter().map(grain::limbs).collect();
		assert_eq!(committed, derived.mds);
	}

	/// Writes `constants.rs` from the derivation; run only when the instance changes.
	#[test]
	#[ignore]
	fn regenerate_constants() {
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/poseidon/constants.rs");
		std::fs::write(path, grain::render(&grain::derive())).unwrap();
	}

	#[test]
	fn domains_and_lengths_separate() {
		let one = [Scalar::one()];
		assert_ne!(hash(Domain::Data, &one), hash(Domain::Range, &one));
		// Zero padding does not collide with an explicit trailing zero.
		assert_ne!(hash(Domain::Data, &one), hash(Domain::Data, &[Scalar::one(), Scalar::zero()]));
		assert_ne!(hash(Domain::Data, &[]), hash(Domain::Data, &[Scalar::zero()]));
	}
}
