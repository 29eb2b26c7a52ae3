//! Native Groth16 verification behind the host functions, with a cache of prepared verifying
//! keys: preparing a key (parsing with subgroup checks, a pairing, two G2 precomputations)
//! costs about as much as a verification, and the chain verifies against a handful of keys.

use crate::verify::{verifying_key_len, VerifyError, PROOF_LEN};
use bls12_381::{Bls12, Scalar};
use groth16::{PreparedVerifyingKey, Proof, VerifyingKey};
use std::sync::{Arc, Mutex};

/// Prepared keys kept, most recently used first. The chain has two circuits; a few more
/// cover key rotation and benchmarks.
const CACHE_ENTRIES: usize = 8;

/// A prepared key and the number of public inputs it takes.
struct Prepared {
	key: PreparedVerifyingKey<Bls12>,
	public_inputs: usize,
}

type KeyHash = [u8; 32];

static CACHE: Mutex<Vec<(KeyHash, Arc<Prepared>)>> = Mutex::new(Vec::new());

fn key_hash(bytes: &[u8]) -> KeyHash {
	*blake2s_simd::blake2s(bytes).as_array()
}

/// Parses a verifying key in bellman's format, rejecting trailing bytes and points at
/// infinity (a key with delta at infinity would accept forged proofs).
pub fn parse_verifying_key(bytes: &[u8]) -> Result<VerifyingKey<Bls12>, VerifyError> {
	let mut reader = bytes;
	let key = VerifyingKey::<Bls12>::read(&mut reader).map_err(|_| VerifyError::MalformedVerifyingKey)?;
	let g1_identity = [key.alpha_g1, key.beta_g1, key.delta_g1].iter().any(|p| bool::from(p.is_identity()));
	let g2_identity = [key.beta_g2, key.gamma_g2, key.delta_g2].iter().any(|p| bool::from(p.is_identity()));
	if !reader.is_empty() || g1_identity || g2_identity || key.ic.is_empty() {
		return Err(VerifyError::MalformedVerifyingKey);
	}
	Ok(key)
}

fn prepare(bytes: &[u8]) -> Result<Arc<Prepared>, VerifyError> {
	let hash = key_hash(bytes);
	// A poisoned lock only means another thread panicked mid-update of a plain Vec.
	let mut cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	if let Some(position) = cache.iter().position(|(h, _)| *h == hash) {
		let entry = cache.remove(position);
		let prepared = entry.1.clone();
		cache.insert(0, entry);
		return Ok(prepared);
	}
	drop(cache);
	let key = parse_verifying_key(bytes)?;
	let prepared = Arc::new(Prepared {
		public_inputs: key.ic.len() - 1,
		key: groth16::prepare_verifying_key(&key),
	});
	let mut cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	if !cache.iter().any(|(h, _)| *h == hash) {
		cache.insert(0, (hash, prepared.clone()));
		cache.truncate(CACHE_ENTRIES);
	}
	Ok(prepared)
}

/// Parses a proof in bellman's format (compressed A, B, C; on the curve, in the subgroup,
/// not the identity). Decoding (square roots and subgroup checks) is most of what the host
/// function adds to a bare verification; decoding B on a second thread was measured slower
/// than this (the hand-off costs more than the G1 points it overlaps).
pub fn parse_proof(bytes: &[u8]) -> Result<Proof<Bls12>, VerifyError> {
	if bytes.len() != PROOF_LEN {
		return Err(VerifyError::MalformedProof);
	}
	Proof::read(bytes).map_err(|_| VerifyError::MalformedProof)
}

fn parse_inputs(bytes: &[u8]) -> Result<Vec<Scalar>, VerifyError> {
	if bytes.len() % 32 != 0 {
		return Err(VerifyError::MalformedPublicInput);
	}
	bytes
		.chunks_exact(32)
		.map(|chunk| {
			let array: &[u8; 32] = chunk.try_into().map_err(|_| VerifyError::MalformedPublicInput)?;
			Option::from(Scalar::from_bytes(array)).ok_or(VerifyError::MalformedPublicInput)
		})
		.collect()
}

/// Verifies with a cached prepared key: the body of the `verify` host function.
pub fn verify(verifying_key: &[u8], proof: &[u8], public_inputs: &[u8]) -> Result<(), VerifyError> {
	let prepared = prepare(verifying_key)?;
	let proof = parse_proof(proof)?;
	let inputs = parse_inputs(public_inputs)?;
	verify_prepared(&prepared.key, prepared.public_inputs, &proof, &inputs)
}

/// Verifies against an already prepared key.
pub fn verify_prepared(
	key: &PreparedVerifyingKey<Bls12>,
	key_inputs: usize,
	proof: &Proof<Bls12>,
	inputs: &[Scalar],
) -> Result<(), VerifyError> {
	if inputs.len() != key_inputs {
		return Err(VerifyError::WrongInputCount);
	}
	groth16::verify_proof(key, proof, inputs).map_err(|_| VerifyError::InvalidProof)
}

/// The body of the `check_verifying_key` host function.
pub fn check_verifying_key(verifying_key: &[u8], public_inputs: usize) -> Result<(), VerifyError> {
	if verifying_key.len() != verifying_key_len(public_inputs) {
		return Err(VerifyError::MalformedVerifyingKey);
	}
	let prepared = prepare(verifying_key)?;
	if prepared.public_inputs != public_inputs {
		return Err(VerifyError::WrongInputCount);
	}
	Ok(())
}

/// Empties the cache of prepared keys (benchmarks measure the uncached path with it).
pub fn clear_prepared_key_cache() {
	CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
}


