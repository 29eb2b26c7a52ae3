//! Parameters of the blinded comparison (PROTOCOL.md 4.1-4.2) and how many ciphertexts each
//! step produces. Pure arithmetic, available without std, so the pallet can check counts.
//!
//! Derivation (docs/PAILLIER.md has the long form):
//! - values and bounds are below `2^VALUE_BITS`, so `|m - down| < 2^32` and `|up - m| < 2^32`;
//! - `alpha = rho (m - down) + rho'` with `1 <= rho < 2^KAPPA`, `0 <= rho' < rho`, so
//!   `|alpha| < 2^(VALUE_BITS + KAPPA) = 2^96` (likewise `beta`);
//! - a slot of `SLOT_BITS = 98` bits holds `x + 2^97`, which lies in `(2^96, 3 * 2^96)`: inside
//!   the slot with one bit to spare, and a decrypted slot outside that interval is detectably not
//!   a protocol value;
//! - slots fill the plaintext from bit 0 up to at most bit `|n| - 3`, so a packed plaintext is
//!   below `2^(|n| - 2) < n / 2` and never wraps modulo `n`.

/// Bits of a plaintext value or range bound (PROTOCOL.md 2: values are below `2^32`).
pub const VALUE_BITS: u32 = 32;
/// Bits of the blinding factors `rho`, `sigma` (statistical hiding parameter).
pub const KAPPA: u32 = 64;
/// Width of one packed slot.
pub const SLOT_BITS: u32 = 98;
/// Bits of one packed outcome `t + 1` in the result set.
pub const OUTCOME_BITS: u32 = 2;

// |alpha| < 2^(VALUE_BITS + KAPPA), and the offset 2^(SLOT_BITS - 1) must keep every slot
// positive and below 2^SLOT_BITS.
const _: () = assert!(VALUE_BITS + KAPPA < SLOT_BITS - 1);

/// Slots in one comparison plaintext for a holder key of `modulus_bits`:
/// `floor((|n| - 2) / SLOT_BITS)`, 20 for 2048 bits, 31 for 3072, 41 for 4096.
pub const fn slots_per_ciphertext(modulus_bits: u32) -> u32 {
	modulus_bits.saturating_sub(2) / SLOT_BITS
}

/// Outcomes in one result plaintext for an institution key of `modulus_bits`:
/// `floor((|n| - 1) / OUTCOME_BITS)`, so the plaintext stays below `2^(|n| - 1) < n`.
pub const fn outcomes_per_ciphertext(modulus_bits: u32) -> u32 {
	modulus_bits.saturating_sub(1) / OUTCOME_BITS
}

/// `ceil(items / per)`, or `u32::MAX` (a count no list can have) when nothing fits.
const fn chunks(items: u64, per: u32) -> u32 {
	if per == 0 {
		return u32::MAX;
	}
	let count = items.div_ceil(per as u64);
	if count > u32::MAX as u64 {
		u32::MAX
	} else {
		count as u32
	}
}

/// Ciphertexts the institution submits in step 5 for `indicators` indicators under a holder key
/// of `modulus_bits` bits: two slots (alpha, beta) per indicator, [`slots_per_ciphertext`] per
/// ciphertext. Returns `u32::MAX` for a modulus too small to hold one slot.
pub const fn comparison_ciphertext_count(modulus_bits: u32, indicators: u32) -> u32 {
	chunks(2 * indicators as u64, slots_per_ciphertext(modulus_bits))
}

/// Ciphertexts the holder submits in step 7 for `indicators` indicators under an institution key
/// of `modulus_bits` bits ([`outcomes_per_ciphertext`] per ciphertext; one for up to 1023
/// indicators at 2048 bits). Returns `u32::MAX` for a modulus too small to hold one outcome.
pub const fn result_ciphertext_count(modulus_bits: u32, indicators: u32) -> u32 {
	chunks(indicators as u64, outcomes_per_ciphertext(modulus_bits))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parameters_fit() {
		assert_eq!(slots_per_ciphertext(2048), 20);
		assert_eq!(slots_per_ciphertext(3072), 31);
		assert_eq!(slots_per_ciphertext(4096), 41);
		assert!(slots_per_ciphertext(2048) * SLOT_BITS <= 2048 - 2);
	}

	#[test]
	fn counts() {
		assert_eq!(comparison_ciphertext_count(2048, 1), 1);
		assert_eq!(comparison_ciphertext_count(2048, 10), 1);
		assert_eq!(comparison_ciphertext_count(2048, 11), 2);
		assert_eq!(comparison_ciphertext_count(2048, 700), 70);
		assert_eq!(comparison_ciphertext_count(3072, 700), 46);
		assert_eq!(comparison_ciphertext_count(2048, 0), 0);
		assert_eq!(result_ciphertext_count(2048, 700), 1);
		assert_eq!(result_ciphertext_count(2048, 1023), 1);
		assert_eq!(result_ciphertext_count(2048, 1024), 2);
		// No panics at the extremes.
		assert_eq!(comparison_ciphertext_count(0, 5), u32::MAX);
		assert_eq!(comparison_ciphertext_count(2048, u32::MAX), 429_496_730);
		assert_eq!(result_ciphertext_count(1, 1), u32::MAX);
		assert_eq!(result_ciphertext_count(u32::MAX, u32::MAX), 3);
	}
}
