//! The blinded range comparison of PROTOCOL.md 4.1-4.2.
//!
//! 1. The holder encrypts its values under its own key ([`encrypt_values`], step 4).
//! 2. The institution blinds `m_i - down_i` and `up_i - m_i` with fresh random factors, packs
//!    the blinded values into as few plaintexts as fit, and re-randomises every output
//!    ([`blind_and_pack`], step 5).
//! 3. The holder decrypts, reads the signs and converts each indicator to below / inside / above
//!    ([`unpack_outcomes`]), then encrypts the result set under the institution's key
//!    ([`encrypt_outcomes`], steps 6-7).
//! 4. The institution decrypts the result set ([`decode_outcomes`], step 8).
//!
//! Parameters: [`VALUE_BITS`], [`KAPPA`], [`SLOT_BITS`], [`slots_per_ciphertext`]; their
//! derivation and the leakage are in docs/PAILLIER.md.

use alloc::vec::Vec;
use core::fmt;
use num_integer::Integer;
use num_traits::One;
use rand_core_010::CryptoRng;
use rayon::prelude::*;

pub use crate::layout::{
	comparison_ciphertext_count, outcomes_per_ciphertext, result_ciphertext_count, slots_per_ciphertext, KAPPA, OUTCOME_BITS,
	SLOT_BITS, VALUE_BITS,
};
use crate::ciphertext::Ciphertext;
use crate::key::PublicKey;
use crate::keypair::Keypair;
use crate::mont::{bit_len, to_biguint, zeros, Limbs};
use crate::random;

/// Offset added to every slot: `2^(SLOT_BITS - 1)`.
const SLOT_OFFSET: i128 = 1 << (SLOT_BITS - 1);
/// The exponent `2^SLOT_BITS` as little-endian limbs (moves a packed value up one slot).
const SHIFT_ONE_SLOT: [u64; 2] = [0, 1 << (SLOT_BITS - 64)];
/// Bound on the magnitude of a genuine blinded value: `2^(VALUE_BITS + KAPPA)`.
const SLOT_BOUND: u128 = 1 << (VALUE_BITS + KAPPA);

/// Where a value lies relative to the institution's hidden range `[down, up]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
	/// `m < down` (t = -1).
	Below,
	/// `down <= m <= up` (t = 0).
	Inside,
	/// `m > up` (t = 1).
	Above,
}

impl Outcome {
	/// `t` of PROTOCOL.md 4.2: -1, 0 or 1.
	pub fn as_i8(self) -> i8 {
		match self {
			Outcome::Below => -1,
			Outcome::Inside => 0,
			Outcome::Above => 1,
		}
	}

	/// The outcome for `t` in {-1, 0, 1}.
	pub fn from_i8(t: i8) -> Option<Outcome> {
		match t {
			-1 => Some(Outcome::Below),
			0 => Some(Outcome::Inside),
			1 => Some(Outcome::Above),
			_ => None,
		}
	}

	/// The outcome of comparing `m` with `[down, up]` in the clear (for tests and audits).
	pub fn of(m: u32, down: u32, up: u32) -> Outcome {
		if m < down {
			Outcome::Below
		} else if m > up {
			Outcome::Above
		} else {
			Outcome::Inside
		}
	}

	/// The packed code `t + 1`.
	fn code(self) -> u64 {
		(self.as_i8() + 1) as u64
	}
}

/// Why a comparison step failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareError {
	/// No indicators.
	NoIndicators,
	/// Different numbers of ciphertexts and ranges.
	LengthMismatch {
		/// Encrypted values given.
		values: usize,
		/// Ranges given.
		ranges: usize,
	},
	/// `down > up` for this indicator.
	InvalidRange {
		/// Indicator position.
		index: usize,
	},
	/// This input ciphertext is not invertible under the key (not a ciphertext of this key).
	InvalidCiphertext {
		/// Indicator position.
		index: usize,
	},
	/// Not the number of ciphertexts the protocol produces for this many indicators.
	WrongCiphertextCount {
		/// What the protocol produces.
		expected: usize,
		/// What was given.
		got: usize,
	},
	/// A decrypted slot is not `x + 2^(SLOT_BITS - 1)` with `|x| < 2^(VALUE_BITS + KAPPA)`:
	/// the ciphertext was not formed by the protocol.
	SlotOutOfRange {
		/// Slot position (`2 i` is alpha of indicator `i`, `2 i + 1` its beta).
		index: usize,
	},
	/// A decrypted plaintext has nonzero bits above its last slot.
	UnexpectedHighBits {
		/// Ciphertext position.
		ciphertext: usize,
	},
	/// Both alpha and beta are negative, impossible for `down <= up`.
	Inconsistent {
		/// Indicator position.
		indicator: usize,
	},
	/// A decrypted result code is 3, which encodes no outcome.
	InvalidOutcome {
		/// Indicator position.
		index: usize,
	},
}

impl fmt::Display for CompareError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::NoIndicators => write!(f, "no indicators"),
			Self::LengthMismatch { values, ranges } => write!(f, "{values} encrypted values but {ranges} ranges"),
			Self::InvalidRange { index } => write!(f, "range {index} has down > up"),
			Self::InvalidCiphertext { index } => write!(f, "ciphertext {index} is not invertible under the key"),
			Self::WrongCiphertextCount { expected, got } => write!(f, "expected {expected} ciphertexts, got {got}"),
			Self::SlotOutOfRange { index } => write!(f, "slot {index} is outside the protocol's range"),
			Self::UnexpectedHighBits { ciphertext } => write!(f, "plaintext {ciphertext} has bits above its last slot"),
			Self::Inconsistent { indicator } => write!(f, "indicator {indicator} is both below and above its range"),
			Self::InvalidOutcome { index } => write!(f, "result code {index} is invalid"),
		}
	}
}

impl std::error::Error for CompareError {}

/// Step 4 (holder): encrypts the values under the holder's own key, fast path, in parallel.
pub fn encrypt_values<R: CryptoRng + ?Sized>(holder: &Keypair, values: &[u32], rng: &mut R) -> Vec<Ciphertext> {
	let values: Vec<u64> = values.iter().map(|&v| v as u64).collect();
	holder.encrypt_many(&values, rng)
}

/// The fresh blinding factors of one indicator.
struct Blinding {
	rho: u64,
	rho_prime: u64,
	sigma: u64,
	sigma_prime: u64,
}

impl Blinding {
	/// `rho`, `sigma` uniform in `[1, 2^KAPPA)`; `rho'` uniform in `[0, rho)`, `sigma'` in
	/// `[0, sigma)`.
	fn draw<R: CryptoRng + ?Sized>(rng: &mut R) -> Blinding {
		let rho = random::nonzero_u64(rng);
		let rho_prime = random::u64_below(rng, rho);
		let sigma = random::nonzero_u64(rng);
		let sigma_prime = random::u64_below(rng, sigma);
		Blinding { rho, rho_prime, sigma, sigma_prime }
	}
}

/// ORs `value` into little-endian limbs at bit `pos` (bits past the end are dropped).
fn put_bits(limbs: &mut [u64], pos: usize, value: u128) {
	let (limb, off) = (pos / 64, (pos % 64) as u32);
	let parts = if off == 0 {
		[value as u64, (value >> 64) as u64, 0]
	} else {
		[(value << off) as u64, (value >> (64 - off)) as u64, (value >> (128 - off)) as u64]
	};
	for (k, part) in parts.into_iter().enumerate() {
		if let Some(w) = limbs.get_mut(limb + k) {
			*w |= part;
		}
	}
}

/// Reads `len <= 128` bits at bit `pos` of little-endian limbs (zeros past the end).
fn get_bits(limbs: &[u64], pos: usize, len: u32) -> u128 {
	let (limb, off) = (pos / 64, (pos % 64) as u32);
	let w = |k: usize| limbs.get(limb + k).copied().unwrap_or(0) as u128;
	let mut v = (w(0) >> off) | (w(1) << (64 - off));
	if off > 0 {
		v |= w(2) << (128 - off);
	}
	if len < 128 {
		v &= (1u128 << len) - 1;
	}
	v
}

/// `a_i^-1` for every `a_i` (Montgomery form in and out) with one modular inversion
/// (Montgomery's trick); `Err(i)` names a non-invertible input.
pub(crate) fn batch_invert(pk: &PublicKey, bases: &[Limbs], residues: &[Limbs]) -> Result<Vec<Limbs>, usize> {
	let nn = &pk.ctx.nn;
	let len = nn.len();
	let mut t = nn.scratch();
	let mut prefix: Vec<Limbs> = Vec::with_capacity(bases.len());
	for (i, b) in bases.iter().enumerate() {
		if i == 0 {
			prefix.push(b.clone());
		} else {
			let mut out = zeros(len);
			nn.mul(&mut out, &prefix[i - 1], b, &mut t);
			prefix.push(out);
		}
	}
	let last = prefix.last().ok_or(0usize)?;
	let product = to_biguint(&nn.out_of_mont(last));
	let Some(inv) = pk.invert_biguint(&product) else {
		// Name the first ciphertext that shares a factor with n.
		let index = residues
			.iter()
			.position(|r| !(to_biguint(r) % pk.n()).gcd(pk.n()).is_one())
			.unwrap_or(0);
		return Err(index);
	};
	let mut running = nn.to_mont(&inv.iter_u64_digits().collect::<Vec<_>>());
	let mut out: Vec<Limbs> = (0..bases.len()).map(|_| zeros(len)).collect();
	for i in (1..bases.len()).rev() {
		nn.mul(&mut out[i], &running, &prefix[i - 1], &mut t);
		let mut next = zeros(len);
		nn.mul(&mut next, &running, &bases[i], &mut t);
		running = next;
	}
	out[0] = running;
	Ok(out)
}

/// Step 5 (institution): from the holder's `E_U(m_i)` and the secret ranges `[down_i, up_i]`,
/// the packed, blinded, re-randomised comparison ciphertexts
/// ([`comparison_ciphertext_count`] of them).
///
/// For each indicator, with fresh `rho, sigma` in `[1, 2^64)`, `rho'` in `[0, rho)`,
/// `sigma'` in `[0, sigma)`:
/// `alpha = rho (m - down) + rho'` as `c^rho E(rho' - rho down)` and
/// `beta = sigma (up - m) + sigma'` as `(c^-1)^sigma E(sigma up + sigma')`;
/// `alpha_1, beta_1, alpha_2, ...` fill the slots of consecutive plaintexts, each slot holding
/// `x + 2^97`. The products `c^e` are combined by Horner's rule (`SLOT_BITS` squarings per
/// slot), all plaintext constants of a ciphertext are added in one trivial encryption, and every
/// output is multiplied by a fresh `r^n`. Parallel over output ciphertexts.
pub fn blind_and_pack<R: CryptoRng + ?Sized>(
	holder: &PublicKey,
	encrypted_values: &[Ciphertext],
	ranges: &[(u32, u32)],
	rng: &mut R,
) -> Result<Vec<Ciphertext>, CompareError> {
	let k = encrypted_values.len();
	if k == 0 {
		return Err(CompareError::NoIndicators);
	}
	if ranges.len() != k {
		return Err(CompareError::LengthMismatch { values: k, ranges: ranges.len() });
	}
	if let Some(index) = ranges.iter().position(|&(down, up)| down > up) {
		return Err(CompareError::InvalidRange { index });
	}
	let nn = &holder.ctx.nn;
	let per = slots_per_ciphertext(holder.modulus_bits()) as usize;
	let total = 2 * k;
	let outputs = total.div_ceil(per);

	// All randomness first, from the caller's RNG, then the parallel work.
	let blinding: Vec<Blinding> = (0..k).map(|_| Blinding::draw(rng)).collect();
	let rerandomizers: Vec<Limbs> = (0..outputs).map(|_| random::nonzero_below(rng, &holder.ctx.n)).collect();

	let residues: Vec<Limbs> = encrypted_values.iter().map(|c| holder.residue(c)).collect();
	let in_mont: Vec<Limbs> = residues.par_iter().map(|r| nn.to_mont(r)).collect();
	let inverses: Vec<Limbs> = batch_invert(holder, &in_mont, &residues)
		.map_err(|index| CompareError::InvalidCiphertext { index })?
		.par_iter()
		.map(|x| nn.out_of_mont(x))
		.collect();

	// Slot g: base, exponent and plaintext constant (k_g + 2^97 > 0, below 2^98).
	let slot = |g: usize| -> (&Limbs, u64, u128) {
		let i = g / 2;
		let (down, up) = (ranges[i].0 as i128, ranges[i].1 as i128);
		let b = &blinding[i];
		if g.is_multiple_of(2) {
			let constant = b.rho_prime as i128 - b.rho as i128 * down;
			(&residues[i], b.rho, (constant + SLOT_OFFSET) as u128)
		} else {
			let constant = b.sigma as i128 * up + b.sigma_prime as i128;
			(&inverses[i], b.sigma, (constant + SLOT_OFFSET) as u128)
		}
	};

	let packed = (0..outputs)
		.into_par_iter()
		.map(|j| {
			let first = j * per;
			let used = per.min(total - first);
			let mut acc: Option<Limbs> = None;
			let mut constants = zeros(holder.ctx.n.len());
			for s in (0..used).rev() {
				let (base, exponent, constant) = slot(first + s);
				let term = nn.pow(base, &[exponent]);
				acc = Some(match acc {
					None => term,
					// Horner: acc <- acc^(2^SLOT_BITS) * term, SLOT_BITS squarings.
					Some(acc) => nn.mul_mod(&nn.pow(&acc, &SHIFT_ONE_SLOT), &term),
				});
				put_bits(&mut constants, SLOT_BITS as usize * s, constant);
			}
			let acc = acc.expect("every output ciphertext has at least one slot");
			let with_constants = nn.mul_mod(&acc, &holder.trivial(&to_biguint(&constants)));
			let r_n = holder.nth_residue(&rerandomizers[j]);
			Ciphertext(to_biguint(&nn.mul_mod(&with_constants, &r_n)))
		})
		.collect();
	Ok(packed)
}

/// Steps 6 (holder): decrypts the comparison ciphertexts, checks every slot, and converts each
/// indicator: `alpha < 0` is [`Outcome::Below`], `beta < 0` is [`Outcome::Above`], otherwise
/// [`Outcome::Inside`]. Anything the protocol cannot produce is an error, never a guess.
pub fn unpack_outcomes(holder: &Keypair, packed: &[Ciphertext], indicators: usize) -> Result<Vec<Outcome>, CompareError> {
	if indicators == 0 {
		return Err(CompareError::NoIndicators);
	}
	let per = slots_per_ciphertext(holder.public().modulus_bits()) as usize;
	// In u128 so that an absurd indicator count is a count mismatch, not an overflow.
	let expected = (2 * indicators as u128).div_ceil(per as u128);
	if packed.len() as u128 != expected {
		let expected = usize::try_from(expected).unwrap_or(usize::MAX);
		return Err(CompareError::WrongCiphertextCount { expected, got: packed.len() });
	}
	// Now 2 * indicators <= packed.len() * per, which fits in memory and so in usize.
	let total = 2 * indicators;
	let plaintexts: Vec<Limbs> = packed.par_iter().map(|c| holder.decrypt_limbs(c)).collect();
	let mut slots: Vec<i128> = Vec::with_capacity(total);
	for (j, plain) in plaintexts.iter().enumerate() {
		let used = per.min(total - j * per);
		if bit_len(plain) > SLOT_BITS as usize * used {
			return Err(CompareError::UnexpectedHighBits { ciphertext: j });
		}
		for s in 0..used {
			let x = get_bits(plain, SLOT_BITS as usize * s, SLOT_BITS) as i128 - SLOT_OFFSET;
			if x.unsigned_abs() >= SLOT_BOUND {
				return Err(CompareError::SlotOutOfRange { index: j * per + s });
			}
			slots.push(x);
		}
	}
	slots
		.chunks_exact(2)
		.enumerate()
		.map(|(i, pair)| match (pair[0] < 0, pair[1] < 0) {
			(false, false) => Ok(Outcome::Inside),
			(true, false) => Ok(Outcome::Below),
			(false, true) => Ok(Outcome::Above),
			(true, true) => Err(CompareError::Inconsistent { indicator: i }),
		})
		.collect()
}

/// Step 7 (holder): the result set `t_i + 1`, two bits each in request order (indicator 0 in
/// the lowest bits), packed into [`result_ciphertext_count`] plaintexts below `n` and encrypted
/// under the institution's key with fresh randomness.
pub fn encrypt_outcomes<R: CryptoRng + ?Sized>(institution: &PublicKey, outcomes: &[Outcome], rng: &mut R) -> Vec<Ciphertext> {
	let per = outcomes_per_ciphertext(institution.modulus_bits()) as usize;
	let chunks: Vec<&[Outcome]> = outcomes.chunks(per).collect();
	let randomness: Vec<Limbs> = chunks.iter().map(|_| random::nonzero_below(rng, &institution.ctx.n)).collect();
	chunks
		.par_iter()
		.zip(randomness.par_iter())
		.map(|(chunk, r)| {
			let mut plain = zeros(institution.ctx.n.len());
			for (s, outcome) in chunk.iter().enumerate() {
				put_bits(&mut plain, OUTCOME_BITS as usize * s, outcome.code() as u128);
			}
			institution.encrypt_with(&to_biguint(&plain), r)
		})
		.collect()
}

/// Step 8 (institution): decrypts and unpacks the result set of `indicators` indicators.
pub fn decode_outcomes(institution: &Keypair, result: &[Ciphertext], indicators: usize) -> Result<Vec<Outcome>, CompareError> {
	if indicators == 0 {
		return Err(CompareError::NoIndicators);
	}
	let per = outcomes_per_ciphertext(institution.public().modulus_bits()) as usize;
	let expected = indicators.div_ceil(per);
	if result.len() != expected {
		return Err(CompareError::WrongCiphertextCount { expected, got: result.len() });
	}
	let plaintexts: Vec<Limbs> = result.par_iter().map(|c| institution.decrypt_limbs(c)).collect();
	let mut outcomes = Vec::with_capacity(indicators);
	for (j, plain) in plaintexts.iter().enumerate() {
		let used = per.min(indicators - j * per);
		if bit_len(plain) > OUTCOME_BITS as usize * used {
			return Err(CompareError::UnexpectedHighBits { ciphertext: j });
		}
		for s in 0..used {
			let index = j * per + s;
			let outcome = match get_bits(plain, OUTCOME_BITS as usize * s, OUTCOME_BITS) {
				0 => Outcome::Below,
				1 => Outcome::Inside,
				2 => Outcome::Above,
				_ => return Err(CompareError::InvalidOutcome { index }),
			};
			outcomes.push(outcome);
		}
	}
	Ok(outcomes)
}
