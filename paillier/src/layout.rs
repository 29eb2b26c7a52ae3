//! Parameters of the blinded comparison (PROTOCOL.md 4.1-4.2, 9.3) and how many ciphertexts
//! each step produces. Pure arithmetic, available without std, so the pallet can check counts.
//!
//! Derivation (docs/PAILLIER.md and docs/PROOFS.md have the long form):
//! - values and bounds are below `2^VALUE_BITS`; an honest blinding factor is below `2^KAPPA`;
//! - Pi^cmp admits factors below `2^CMP_FACTOR_RESPONSE_BITS` and constants below
//!   `2^CMP_CONSTANT_RESPONSE_BITS` (the honest ranges times the challenge, plus rejection
//!   slack), so an admitted slot content has magnitude below `2^CMP_CONTENT_BITS`;
//! - a slot of [`CMP_SLOT_BITS`] bits holds content plus `2^(CMP_SLOT_BITS - 1)`, inside the slot
//!   with a bit to spare, and slots fill the plaintext from bit 0 up to at most bit `|n| - 3`,
//!   so a plaintext never wraps modulo `n`.

/// Bits of a plaintext value or range bound (PROTOCOL.md 2: values are below `2^32`).
pub const VALUE_BITS: u32 = 32;
/// Bits of the honest blinding factors `rho`, `sigma` (statistical hiding parameter).
pub const KAPPA: u32 = 64;
/// Bits of one packed outcome `t + 1` in the result set.
pub const OUTCOME_BITS: u32 = 2;

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

/// Ciphertexts the holder submits in step 7 for `indicators` indicators under an institution key
/// of `modulus_bits` bits ([`outcomes_per_ciphertext`] per ciphertext; one for up to 1023
/// indicators at 2048 bits). Returns `u32::MAX` for a modulus too small to hold one outcome.
pub const fn result_ciphertext_count(modulus_bits: u32, indicators: u32) -> u32 {
	chunks(indicators as u64, outcomes_per_ciphertext(modulus_bits))
}

/// The proven comparison of [`crate::cmp`] (PROTOCOL.md 9.3). A slot holds
/// `x m' + k - 2^96 + 2^(CMP_SLOT_BITS - 1)` where `m' = +-m` is the holder's value, `x` the
/// blinding factor and `k` the constant; Pi^cmp bounds `0 <= x < 2^CMP_FACTOR_RESPONSE_BITS` and
/// `0 <= k < 2^CMP_CONSTANT_RESPONSE_BITS` (the honest ranges plus the proof's slack), so every
/// admitted slot stays inside its own bits.
pub const CMP_SLOT_BITS: u32 = 244;
/// Challenge bits of Pi^cmp.
pub const CMP_CHALLENGE_BITS: u32 = 128;
/// Slack bits of the masks above `challenge * secret` (rejection sampling keeps the responses
/// exactly uniform; a response is redrawn with probability below `2^-16`).
pub const CMP_REJECTION_BITS: u32 = 16;
/// An honest constant `k = rho' - rho down + 2^96` or `sigma up + sigma' + 2^96` lies in
/// `[0, 2^CMP_CONSTANT_BITS)`.
pub const CMP_CONSTANT_BITS: u32 = VALUE_BITS + KAPPA + 1;
/// Bound on a blinding-factor response, and so on any blinding factor Pi^cmp admits.
pub const CMP_FACTOR_RESPONSE_BITS: u32 = KAPPA + CMP_CHALLENGE_BITS + CMP_REJECTION_BITS;
/// Bound on a constant response, and so on any constant Pi^cmp admits.
pub const CMP_CONSTANT_RESPONSE_BITS: u32 = CMP_CONSTANT_BITS + CMP_CHALLENGE_BITS + CMP_REJECTION_BITS;
/// Every admitted slot content `x m' + k - 2^96` has magnitude below `2^CMP_CONTENT_BITS`.
pub const CMP_CONTENT_BITS: u32 = 242;

// |x m'| < 2^(208 + 32) and |k - 2^96| < 2^241, so the content is below 2^242 in magnitude and
// content + 2^243 lies in (2^242, 3 2^242), inside the slot's 244 bits.
const _: () = assert!(CMP_FACTOR_RESPONSE_BITS + VALUE_BITS < CMP_CONTENT_BITS);
const _: () = assert!(CMP_CONSTANT_RESPONSE_BITS < CMP_CONTENT_BITS);
const _: () = assert!(CMP_CONTENT_BITS + 2 <= CMP_SLOT_BITS);

/// Slots of one proven comparison output under a holder key of `modulus_bits`:
/// `floor((|n| - 2) / CMP_SLOT_BITS)`, 8 for 2048 bits, 12 for 3072, 16 for 4096. Indicator
/// `i` sits in slot `i mod P` of group `i / P`.
pub const fn cmp_slots_per_output(modulus_bits: u32) -> u32 {
	modulus_bits.saturating_sub(2) / CMP_SLOT_BITS
}

/// Groups of [`cmp_slots_per_output`] indicators; each has an alpha and a beta output.
pub const fn cmp_group_count(modulus_bits: u32, indicators: u32) -> u32 {
	chunks(indicators as u64, cmp_slots_per_output(modulus_bits))
}

/// Outputs of the proven comparison: two per group (176 for 700 indicators at 2048 bits), or
/// `u32::MAX` for a modulus too small to hold one slot.
pub const fn cmp_output_count(modulus_bits: u32, indicators: u32) -> u32 {
	let groups = cmp_group_count(modulus_bits, indicators);
	if groups == u32::MAX {
		u32::MAX
	} else {
		groups.saturating_mul(2)
	}
}

/// Ring-Pedersen bases Pi^cmp needs under a holder key of `modulus_bits`: one for the factor
/// and one for the constant of every slot.
pub const fn cmp_ring_pedersen_bases(modulus_bits: u32) -> u32 {
	2 * cmp_slots_per_output(modulus_bits)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn counts() {
		assert_eq!(result_ciphertext_count(2048, 700), 1);
		assert_eq!(result_ciphertext_count(2048, 1023), 1);
		assert_eq!(result_ciphertext_count(2048, 1024), 2);
		// No panics at the extremes.
		assert_eq!(cmp_output_count(2048, u32::MAX), 1_073_741_824);
		assert_eq!(result_ciphertext_count(1, 1), u32::MAX);
		assert_eq!(result_ciphertext_count(u32::MAX, u32::MAX), 3);
	}

	#[test]
	fn proven_comparison_layout() {
		assert_eq!(cmp_slots_per_output(2048), 8);
		assert_eq!(cmp_slots_per_output(3072), 12);
		assert_eq!(cmp_slots_per_output(4096), 16);
		assert!(cmp_slots_per_output(2048) * CMP_SLOT_BITS <= 2048 - 2);
		assert_eq!(cmp_output_count(2048, 700), 176);
		assert_eq!(cmp_output_count(2048, 1), 2);
		assert_eq!(cmp_output_count(2048, 8), 2);
		assert_eq!(cmp_output_count(2048, 9), 4);
		assert_eq!(cmp_output_count(4096, 700), 88);
		assert_eq!(cmp_output_count(0, 5), u32::MAX);
		assert_eq!(cmp_ring_pedersen_bases(2048), 16);
	}
}
