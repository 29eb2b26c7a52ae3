//! The key proofs' host functions and the checks the runtime runs around them.
//!
//! Verification costs 160 modular exponentiations modulo `N` for a registration, far too slow
//! inside wasm, so the node runs it natively ([`medshare_paillier`], a versioned runtime
//! interface the node registers like the Groth16 verifier). The runtime first runs the cheap
//! structural checks itself ([`KeyRegistration::verify`]): key size, parity, small factors,
//! square, and every length, so malformed input never reaches the host.
//!
//! The host functions are deterministic (their result depends only on their arguments) and
//! never panic: every input is validated and every failure is an error code.

use core::fmt;
use sp_runtime_interface::pass_by::PassFatPointerAndRead;
use sp_runtime_interface::runtime_interface;

use super::{
	modulus_proof_len, ring_pedersen_proof_len, ComparisonProofError, ModulusProofError, ProofContext, RingPedersenProofError,
};
use crate::key::{PublicKey, PublicKeyError};
use crate::wire::KeyRegistration;

/// MedShare's Paillier key-proof host functions.
#[runtime_interface]
pub trait MedsharePaillier {
	/// Verifies a modulus proof (Pi^mod) for the key `modulus` (big-endian `N`) under
	/// `context` ([`ProofContext::to_bytes`]). Returns 0 if the proof is valid, otherwise a
	/// [`ModulusProofError`] code.
	#[version(1)]
	fn verify_modulus_proof(
		context: PassFatPointerAndRead<&[u8]>,
		modulus: PassFatPointerAndRead<&[u8]>,
		proof: PassFatPointerAndRead<&[u8]>,
	) -> u32 {
		let result = ProofContext::from_bytes(context)
			.ok_or(ModulusProofError::MalformedInput)
			.and_then(|context| crate::proofs::modulus::verify(&context, modulus, proof));
		result.err().map_or(0, ModulusProofError::code)
	}

	/// Verifies ring-Pedersen parameters on `modulus` (the bases `s_1..s_B` concatenated in
	/// `s`, and `t`) and their proof (Pi^prm, one proof for all bases) under `context`. Returns
	/// 0 if they are valid, otherwise a [`RingPedersenProofError`] code. (Replaces the
	/// single-base `verify_ring_pedersen_proof` of the first key proofs; no chain with history
	/// ever ran that one.)
	#[version(1)]
	fn verify_ring_pedersen_bases(
		context: PassFatPointerAndRead<&[u8]>,
		modulus: PassFatPointerAndRead<&[u8]>,
		s: PassFatPointerAndRead<&[u8]>,
		t: PassFatPointerAndRead<&[u8]>,
		proof: PassFatPointerAndRead<&[u8]>,
	) -> u32 {
		let result = ProofContext::from_bytes(context)
			.ok_or(RingPedersenProofError::MalformedInput)
			.and_then(|context| crate::proofs::ring_pedersen::verify(&context, modulus, s, t, proof));
		result.err().map_or(0, RingPedersenProofError::code)
	}

	/// Verifies (a part of) the institution's comparison proof (Pi^cmp) for the holder's key
	/// `modulus`, its ring-Pedersen parameters (`s` concatenated, `t`), all of the request's
	/// holder ciphertexts and the outputs of the groups from `first_group` on (each list
	/// concatenated at the key's ciphertext width), under `context`
	/// ([`super::ComparisonContext::to_bytes`]), batching its equations with weights drawn from
	/// the 32-byte `seed`. Validates every ciphertext first. Returns 0 if the proof is valid,
	/// otherwise a [`ComparisonProofError`] code.
	#[version(1)]
	fn verify_comparison(
		seed: PassFatPointerAndRead<&[u8]>,
		context: PassFatPointerAndRead<&[u8]>,
		first_group: u32,
		modulus: PassFatPointerAndRead<&[u8]>,
		s: PassFatPointerAndRead<&[u8]>,
		t: PassFatPointerAndRead<&[u8]>,
		ciphertexts: PassFatPointerAndRead<&[u8]>,
		outputs: PassFatPointerAndRead<&[u8]>,
		proof: PassFatPointerAndRead<&[u8]>,
	) -> u32 {
		let result = crate::cmp::verify_encoded(seed, context, first_group, modulus, s, t, ciphertexts, outputs, proof);
		result.err().map_or(0, ComparisonProofError::code)
	}
}

/// Why a key registration was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KeyRegistrationError {
	/// The key fails the structural checks of [`PublicKey::from_bytes`].
	Key(PublicKeyError),
	/// The modulus proof (Pi^mod) fails.
	Modulus(ModulusProofError),
	/// The ring-Pedersen parameters or their proof (Pi^prm) fail.
	RingPedersen(RingPedersenProofError),
}

impl fmt::Display for KeyRegistrationError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Key(e) => e.fmt(f),
			Self::Modulus(e) => e.fmt(f),
			Self::RingPedersen(e) => e.fmt(f),
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for KeyRegistrationError {}

impl KeyRegistration {
	/// Checks a key registration for `context`: the key's structure, then every length, then
	/// both proofs through the host functions (cheapest first). Returns the validated key.
	pub fn verify(&self, context: &ProofContext) -> Result<PublicKey, KeyRegistrationError> {
		let key = PublicKey::from_encoded(&self.key).map_err(KeyRegistrationError::Key)?;
		let key_bytes = key.byte_len();
		let (s, t) = (self.ring_pedersen.s.as_bytes(), self.ring_pedersen.t.as_bytes());
		let bases = crate::layout::cmp_ring_pedersen_bases(key.modulus_bits()) as usize;
		if s.len() != key_bytes * bases || t.len() != key_bytes {
			return Err(KeyRegistrationError::RingPedersen(RingPedersenProofError::WrongParameterLength));
		}
		if self.modulus_proof.as_bytes().len() != modulus_proof_len(key_bytes) {
			return Err(KeyRegistrationError::Modulus(ModulusProofError::WrongLength));
		}
		if self.ring_pedersen_proof.as_bytes().len() != ring_pedersen_proof_len(key_bytes) {
			return Err(KeyRegistrationError::RingPedersen(RingPedersenProofError::WrongLength));
		}
		let context = context.to_bytes();
		let modulus = self.key.as_bytes();
		ModulusProofError::from_code(medshare_paillier::verify_modulus_proof(
			&context,
			modulus,
			self.modulus_proof.as_bytes(),
		))
		.map_err(KeyRegistrationError::Modulus)?;
		RingPedersenProofError::from_code(medshare_paillier::verify_ring_pedersen_bases(
			&context,
			modulus,
			s,
			t,
			self.ring_pedersen_proof.as_bytes(),
		))
		.map_err(KeyRegistrationError::RingPedersen)?;
		Ok(key)
	}
}
