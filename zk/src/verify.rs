//! Groth16 verification for the runtime: a host function backed by the `groth16` crate
//! (bellman and groth16 need std, so the runtime cannot run them itself), and the typed
//! wrapper the pallet calls.
//!
//! Byte formats (bellman's own): a proof is A (G1), B (G2), C (G1) compressed, 192 bytes; a
//! verifying key is alpha_g1, beta_g1, beta_g2, gamma_g2, delta_g1, delta_g2 uncompressed, a
//! big-endian u32 count and that many uncompressed G1 points (one more than the public
//! inputs); a public input is a canonical little-endian scalar of 32 bytes.
//!
//! The host function is deterministic (its result depends only on its arguments; the cache of
//! prepared keys only saves time) and never panics.

use crate::statement::FieldBytes;
use alloc::vec::Vec;
use sp_runtime_interface::pass_by::PassFatPointerAndRead;
use sp_runtime_interface::runtime_interface;

/// Public inputs of the requirement circuit: `[S, h']`.
pub const REQUIREMENT_INPUTS: usize = 2;
/// Public inputs of the eligibility circuit: `[S, h, b]`.
pub const ELIGIBILITY_INPUTS: usize = 3;

/// Length of a proof.
pub const PROOF_LEN: usize = 48 + 96 + 48;

/// Length of a verifying key for `public_inputs` inputs.
pub const fn verifying_key_len(public_inputs: usize) -> usize {
	3 * 96 + 3 * 192 + 4 + 96 * (public_inputs + 1)
}

/// Why a proof was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum VerifyError {
	/// The verifying key is not a well-formed key (wrong length, a point off the curve or
	/// outside the subgroup, a point at infinity, trailing bytes).
	MalformedVerifyingKey = 1,
	/// The proof is not 192 bytes of valid, non-identity compressed points.
	MalformedProof = 2,
	/// A public input is not a canonical field element.
	MalformedPublicInput = 3,
	/// The number of public inputs is not the number the key was made for.
	WrongInputCount = 4,
	/// The proof does not verify for these public inputs.
	InvalidProof = 5,
}

impl VerifyError {
	/// The code the host function returns for this error (0 means success).
	pub const fn code(self) -> u32 {
		self as u32
	}

	/// The error of a host-function result code; `Ok` for 0.
	pub fn from_code(code: u32) -> Result<(), VerifyError> {
		match code {
			0 => Ok(()),
			1 => Err(VerifyError::MalformedVerifyingKey),
			2 => Err(VerifyError::MalformedProof),
			3 => Err(VerifyError::MalformedPublicInput),
			4 => Err(VerifyError::WrongInputCount),
			// Unknown codes cannot come from this host; treat them as a rejection.
			_ => Err(VerifyError::InvalidProof),
		}
	}
}

#[cfg(not(substrate_runtime))]
fn to_code(result: Result<(), VerifyError>) -> u32 {
	result.err().map_or(0, VerifyError::code)
}

/// MedShare's Groth16 host functions (BLS12-381).
#[runtime_interface]
pub trait MedshareZk {
	/// Verifies `proof` against `verifying_key` for the concatenated 32-byte `public_inputs`.
	/// Returns 0 if the proof is valid, otherwise a [`VerifyError`] code.
	#[version(1)]
	fn verify(
		verifying_key: PassFatPointerAndRead<&[u8]>,
		proof: PassFatPointerAndRead<&[u8]>,
		public_inputs: PassFatPointerAndRead<&[u8]>,
	) -> u32 {
		to_code(crate::native::verify(verifying_key, proof, public_inputs))
	}

	/// Verifies a holder's link proof (Pi^link, [`crate::link`]) for its context bytes,
	/// public key, concatenated ciphertexts and chunk commitments h, with batch weights drawn
	/// from `seed` (32 bytes) and the proof. Returns 0 if the proof is valid, otherwise a
	/// [`crate::link::LinkError`] code.
	#[version(1)]
	fn verify_link(
		seed: PassFatPointerAndRead<&[u8]>,
		context: PassFatPointerAndRead<&[u8]>,
		public_key: PassFatPointerAndRead<&[u8]>,
		ciphertexts: PassFatPointerAndRead<&[u8]>,
		commitments: PassFatPointerAndRead<&[u8]>,
		proof: PassFatPointerAndRead<&[u8]>,
	) -> u32 {
		crate::link::verify_encoded(seed, context, public_key, ciphertexts, commitments, proof).err().map_or(0, |e| e.code())
	}

	/// Checks that `verifying_key` is well formed and made for `public_inputs` inputs.
	/// Returns 0 if so, otherwise a [`VerifyError`] code.
	#[version(1)]
	fn check_verifying_key(verifying_key: PassFatPointerAndRead<&[u8]>, public_inputs: u32) -> u32 {
		to_code(crate::native::check_verifying_key(verifying_key, public_inputs as usize))
	}
}

/// Verifies a proof for the given public inputs through the host function.
pub fn verify(
	verifying_key: &[u8],
	proof: &[u8],
	public_inputs: &[FieldBytes],
) -> Result<(), VerifyError> {
	// Cheap checks first, so that malformed input never reaches the host.
	if proof.len() != PROOF_LEN {
		return Err(VerifyError::MalformedProof);
	}
	if public_inputs.iter().any(|input| crate::statement::from_bytes(input).is_none()) {
		return Err(VerifyError::MalformedPublicInput);
	}
	let inputs: Vec<u8> = public_inputs.iter().flatten().copied().collect();
	VerifyError::from_code(medshare_zk::verify(verifying_key, proof, &inputs))
}

/// Verifies a link proof through the host function, which validates the ciphertexts (precise
/// `Ciphertext*` errors first), then the proof's length and content. `seed` seeds the batch
/// weights: the pallet passes its parent block hash, which
/// the holder cannot know when it makes the proof.
pub fn verify_link(
	seed: &[u8; 32],
	context: &crate::link::LinkContext,
	public_key: &[u8],
	ciphertexts: &[u8],
	commitments: &[FieldBytes],
	proof: &[u8],
) -> Result<(), crate::link::LinkError> {
	let key_bytes = public_key.len();
	let width = 2 * key_bytes;
	if key_bytes == 0 || ciphertexts.is_empty() {
		return Err(crate::link::LinkError::MalformedStatement);
	}
	if ciphertexts.len() % width != 0 {
		return Err(crate::link::LinkError::CiphertextWrongLength);
	}
	let commitments: Vec<u8> = commitments.iter().flatten().copied().collect();
	crate::link::LinkError::from_code(medshare_zk::verify_link(seed, &context.to_bytes(), public_key, ciphertexts, &commitments, proof))
}

/// Checks through the host function that a verifying key is well formed and made for
/// `public_inputs` public inputs; what a registrar's key must pass before it is stored.
pub fn check_verifying_key(verifying_key: &[u8], public_inputs: usize) -> Result<(), VerifyError> {
	if verifying_key.len() != verifying_key_len(public_inputs) {
		return Err(VerifyError::MalformedVerifyingKey);
	}
	let inputs = u32::try_from(public_inputs).map_err(|_| VerifyError::WrongInputCount)?;
	VerifyError::from_code(medshare_zk::check_verifying_key(verifying_key, inputs))
}
