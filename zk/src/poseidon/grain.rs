//! Derivation of the Poseidon constants with the Grain LFSR of the Poseidon paper
//! (Grassi et al., "Poseidon: A New Hash Function for Zero-Knowledge Proof Systems",
//! appendix F), exactly as the authors' reference scripts do it for a prime field.
//!
//! Only tests and the regeneration command use this module: the runtime reads the committed
//! table in `constants.rs`, and a test checks that the table is what this derivation yields.

use super::{FULL_ROUNDS, PARTIAL_ROUNDS, WIDTH};

/// The BLS12-381 scalar field modulus, little-endian 64-bit limbs.
const MODULUS: [u64; 4] = [
	0xffff_ffff_0000_0001,
	0x53bd_a402_fffe_5bfe,
	0x3339_d808_09a1_d805,
	0x73ed_a753_299d_7d48,
];
/// Bit length of the modulus.
const FIELD_BITS: u32 = 255;

/// The 80-bit Grain LFSR, seeded with the instance parameters.
struct Grain {
	state: [bool; 80],
}

impl Grain {
	fn new() -> Self {
		// Seed: field type (1 = prime field, 2 bits), S-box (0 = x^alpha, 4 bits), field size
		// (12 bits), width (12 bits), full rounds (10 bits), partial rounds (10 bits), 30 ones.
		let mut bits = [true; 80];
		let mut at = 0;
		let mut put = |value: u32, width: usize| {
			for i in (0..width).rev() {
				bits[at] = (value >> i) & 1 == 1;
				at += 1;
			}
		};
		put(1, 2);
		put(0, 4);
		put(FIELD_BITS, 12);
		put(WIDTH as u32, 12);
		put(FULL_ROUNDS as u32, 10);
		put(PARTIAL_ROUNDS as u32, 10);
		let mut grain = Grain { state: bits };
		for _ in 0..160 {
			grain.clock();
		}
		grain
	}

	fn clock(&mut self) -> bool {
		let s = &self.state;
		let bit = s[62] ^ s[51] ^ s[38] ^ s[23] ^ s[13] ^ s[0];
		self.state.copy_within(1.., 0);
		self.state[79] = bit;
		bit
	}

	/// One output bit: bits come in pairs, and the second is kept only when the first is 1.
	fn next_bit(&mut self) -> bool {
		loop {
			let keep = self.clock();
			let bit = self.clock();
			if keep {
				return bit;
			}
		}
	}

	/// `FIELD_BITS` output bits, most significant first, as little-endian limbs.
	fn next_integer(&mut self) -> [u64; 4] {
		let mut limbs = [0u64; 4];
		for _ in 0..FIELD_BITS {
			let carry_in = self.next_bit() as u64;
			let mut carry = carry_in;
			for limb in limbs.iter_mut() {
				let out = *limb >> 63;
				*limb = (*limb << 1) | carry;
				carry = out;
			}
		}
		limbs
	}
}

fn below_modulus(value: &[u64; 4]) -> bool {
	for i in (0..4).rev() {
		if value[i] != MODULUS[i] {
			return value[i] < MODULUS[i];
		}
	}
	false
}

/// The Poseidon constants as canonical little-endian limbs: round constants, in the order the
/// rounds consume them, and the MDS matrix, row by row.
pub struct Derived {
	pub round_constants: Vec<[u64; 4]>,
	pub mds: Vec<[u64; 4]>,
}

/// Runs the derivation: round constants by rejection sampling, then a Cauchy MDS matrix
/// M[i][j] = 1 / (x_i + y_j) from 2t distinct sampled elements (reduced, not rejected, as the
/// reference does).
pub fn derive() -> Derived {
	use bls12_381::Scalar;
	let mut grain = Grain::new();
	let mut round_constants = Vec::with_capacity((FULL_ROUNDS + PARTIAL_ROUNDS) * WIDTH);
	while round_constants.len() < (FULL_ROUNDS + PARTIAL_ROUNDS) * WIDTH {
		let candidate = grain.next_integer();
		if below_modulus(&candidate) {
			round_constants.push(candidate);
		}
	}
	loop {
		let samples: Vec<Scalar> =
			(0..2 * WIDTH).map(|_| Scalar::from_raw(grain.next_integer())).collect();
		let distinct = samples.iter().enumerate().all(|(i, a)| samples[..i].iter().all(|b| a != b));
		if !distinct {
			continue;
		}
		let (xs, ys) = samples.split_at(WIDTH);
		let mut mds = Vec::with_capacity(WIDTH * WIDTH);
		for x in xs {
			for y in ys {
				let inverse = (x + y).invert();
				if bool::from(inverse.is_none()) {
					break;
				}
				mds.push(limbs(&inverse.unwrap()));
			}
		}
		if mds.len() == WIDTH * WIDTH {
			return Derived { round_constants, mds };
		}
	}
}

/// Canonical little-endian limbs of a field element.
pub fn limbs(value: &bls12_381::Scalar) -> [u64; 4] {
	let bytes = value.to_bytes();
	core::array::from_fn(|i| {
		u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().expect("eight bytes"))
	})
}

/// The Rust source of `constants.rs`.
pub fn render(derived: &Derived) -> String {
	use core::fmt::Write;
	let mut out = String::new();
	out.push_str(
		"//! Poseidon constants for BLS12-381's scalar field, width 5, x^5, 8 full and 60 partial\n\
		 //! rounds, derived by `grain.rs` (the Poseidon paper's Grain LFSR).\n\
		 //! Generated: do not edit. Regenerate with\n\
		 //! `cargo test -p medshare-zk --lib poseidon::tests::regenerate_constants -- --ignored`.\n\n\
		 use bls12_381::Scalar;\n\n",
	);
	let entry = |out: &mut String, l: &[u64; 4]| {
		let _ = writeln!(
			out,
			"\tScalar::from_raw([0x{:016x}, 0x{:016x}, 0x{:016x}, 0x{:016x}]),",
			l[0], l[1], l[2], l[3]
		);
	};
	let _ = writeln!(
		out,
		"/// Round constants, `WIDTH` per round, in round order.\n\
		 pub(crate) const ROUND_CONSTANTS: [Scalar; {}] = [",
		derived.round_constants.len()
	);
	for l in &derived.round_constants {
		entry(&mut out, l);
	}
	out.push_str("];\n\n/// The MDS matrix, row-major.\npub(crate) const MDS: [Scalar; 25] = [\n");
	for l in &derived.mds {
		entry(&mut out, l);
	}
	out.push_str("];\n");
	out
}
