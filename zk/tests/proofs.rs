//! Real Groth16 proofs with the development parameters, verified through the host-function
//! wrapper the pallet uses (natively, the runtime interface calls its body directly).

use medshare_zk::circuit::{native_eligibility_inputs, ChunkStatement, EligibilityCircuit, EligibilityWitness};
use medshare_zk::prove::{prove_eligibility, prove_requirement, Binding, ProveError};
use medshare_zk::setup::{load_or_create_dev_parameters, CircuitKind, Parameters};
use medshare_zk::statement::{self, FieldBytes, RequestedIndicator, SLOTS};
use medshare_zk::verify::{check_verifying_key, verify, PROOF_LEN};
use medshare_zk::{VerifyError, DEV_ELIGIBILITY_VK, DEV_REQUIREMENT_VK};
use rand_chacha::ChaCha20Rng;
use std::sync::OnceLock;
use rand_core_010::SeedableRng;

/// Parameters are generated once and kept in cargo's per-test temporary directory.
fn params(kind: CircuitKind) -> &'static Parameters {
	static REQUIREMENT: OnceLock<Parameters> = OnceLock::new();
	static ELIGIBILITY: OnceLock<Parameters> = OnceLock::new();
	let cell = match kind {
		CircuitKind::Requirement => &REQUIREMENT,
		CircuitKind::Eligibility => &ELIGIBILITY,
	};
	cell.get_or_init(|| {
		load_or_create_dev_parameters(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")), kind)
			.expect("development parameters")
	})
}

const INSTITUTION: [u8; 32] = [0x11; 32];
const HOLDER: [u8; 32] = [0x22; 32];
const NONCE: [u8; 32] = [0x33; 32];
const REQUEST_ID: u64 = 7;

fn request(count: usize) -> Vec<RequestedIndicator> {
	(0..count as u32)
		.map(|id| RequestedIndicator { id, lo: 3_000 + id, hi: 4_500 + id, min_width: 50 })
		.collect()
}

fn rng(seed: u8) -> ChaCha20Rng {
	ChaCha20Rng::from_seed([seed; 32])
}

fn binding() -> Binding {
	Binding { request_id: REQUEST_ID, holder: HOLDER, nonce: NONCE }
}

fn b(binding: &Binding) -> FieldBytes {
	binding.value().to_bytes()
}

#[test]
fn requirement_proofs_verify_per_chunk_against_the_pallets_statements() {
	let indicators = request(SLOTS + 3);
	let ranges: Vec<(u32, u32)> = indicators.iter().map(|i| (i.lo + 100, i.lo + 100 + i.min_width)).collect();
	let mut progress = Vec::new();
	let chunks = prove_requirement(
		params(CircuitKind::Requirement),
		&INSTITUTION,
		&indicators,
		&ranges,
		&mut rng(1),
		|done, total| progress.push((done, total)),
	)
	.unwrap();
	assert_eq!(progress, vec![(1, 2), (2, 2)]);
	// What the pallet computes on its own.
	let statements = statement::request_statements(&INSTITUTION, &indicators).unwrap();
	assert_eq!(chunks.len(), statements.len());
	for (chunk, s) in chunks.iter().zip(&statements) {
		assert_eq!(chunk.statement, s.to_bytes());
		assert_eq!(chunk.proof.len(), PROOF_LEN);
		assert_eq!(verify(DEV_REQUIREMENT_VK, &chunk.proof, &[s.to_bytes(), chunk.commitment]), Ok(()));
	}
	// A proof for chunk 0 does not verify as chunk 1, nor with another commitment.
	assert_eq!(
		verify(DEV_REQUIREMENT_VK, &chunks[0].proof, &[statements[1].to_bytes(), chunks[0].commitment]),
		Err(VerifyError::InvalidProof)
	);
	assert_eq!(
		verify(DEV_REQUIREMENT_VK, &chunks[0].proof, &[statements[0].to_bytes(), chunks[1].commitment]),
		Err(VerifyError::InvalidProof)
	);
	// The salt opens the commitment (an auditor's check).
	let salt = statement::from_bytes(&chunks[1].salt).unwrap();
	let opened = statement::range_commitment(1, &ranges[SLOTS..], &salt).unwrap();
	assert_eq!(opened.to_bytes(), chunks[1].commitment);
}

#[test]
fn requirement_inputs_outside_the_rules_are_refused_before_proving() {
	let indicators = request(2);
	let p = params(CircuitKind::Requirement);
	let prove = |ranges: &[(u32, u32)]| prove_requirement(p, &INSTITUTION, &indicators, ranges, &mut rng(2), |_, _| {});
	let lo = indicators[1].lo;
	let hi = indicators[1].hi;
	let ok = (indicators[0].lo, indicators[0].hi);
	assert_eq!(prove(&[ok, (lo - 1, lo + 60)]).unwrap_err(), ProveError::RangeOutsideDomain { index: 1 });
	assert_eq!(prove(&[ok, (hi - 60, hi + 1)]).unwrap_err(), ProveError::RangeOutsideDomain { index: 1 });
	assert_eq!(prove(&[ok, (lo, lo + 49)]).unwrap_err(), ProveError::RangeTooNarrow { index: 1 });
	assert_eq!(prove(&[ok]).unwrap_err(), ProveError::LengthMismatch { indicators: 2, given: 1 });
}

/// One eligibility proof shared by the rejection tests.
fn eligibility_proof() -> &'static (Vec<RequestedIndicator>, medshare_zk::prove::EligibilityChunk) {
	static PROOF: OnceLock<(Vec<RequestedIndicator>, medshare_zk::prove::EligibilityChunk)> = OnceLock::new();
	PROOF.get_or_init(|| {
		let indicators = request(5);
		let values: Vec<u32> = indicators.iter().map(|i| i.lo + 7).collect();
		let mut chunks = prove_eligibility(
			params(CircuitKind::Eligibility),
			&INSTITUTION,
			&indicators,
			&values,
			&binding(),
			&mut rng(3),
			|_, _| {},
		)
		.unwrap();
		assert_eq!(chunks.len(), 1);
		(indicators, chunks.remove(0))
	})
}

#[test]
fn eligibility_proof_verifies_and_rejects_every_changed_input() {
	let (indicators, chunk) = eligibility_proof();
	let s = statement::request_statement(&INSTITUTION, 0, indicators).unwrap().to_bytes();
	let h = chunk.commitment;
	assert_eq!(chunk.statement, s);
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof, &[s, h, b(&binding())]), Ok(()));

	let mut changed_h = h;
	changed_h[0] ^= 1;
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof, &[s, changed_h, b(&binding())]), Err(VerifyError::InvalidProof));
	let other_account = Binding { holder: [0x44; 32], ..binding() };
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof, &[s, h, b(&other_account)]), Err(VerifyError::InvalidProof));
	let other_nonce = Binding { nonce: [0x45; 32], ..binding() };
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof, &[s, h, b(&other_nonce)]), Err(VerifyError::InvalidProof));
	let other_request = Binding { request_id: REQUEST_ID + 1, ..binding() };
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof, &[s, h, b(&other_request)]), Err(VerifyError::InvalidProof));
	// Another request statement: one indicator's minimum width differs.
	let mut other = indicators.clone();
	other[4].min_width += 1;
	let other_s = statement::request_statement(&INSTITUTION, 0, &other).unwrap().to_bytes();
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof, &[other_s, h, b(&binding())]), Err(VerifyError::InvalidProof));
	// The requirement key does not accept an eligibility proof.
	assert_eq!(verify(DEV_REQUIREMENT_VK, &chunk.proof, &[s, h]), Err(VerifyError::InvalidProof));
}

#[test]
fn malformed_bytes_are_rejected_with_their_own_error() {
	let (indicators, chunk) = eligibility_proof();
	let s = statement::request_statement(&INSTITUTION, 0, indicators).unwrap().to_bytes();
	let inputs = [s, chunk.commitment, b(&binding())];
	// Proofs: truncated, extended, random, all zero.
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof[..PROOF_LEN - 1], &inputs), Err(VerifyError::MalformedProof));
	let mut longer = chunk.proof.clone();
	longer.push(0);
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &longer, &inputs), Err(VerifyError::MalformedProof));
	let mut state = 0x9e37_79b9_7f4a_7c15u64;
	let random: Vec<u8> = (0..PROOF_LEN)
		.map(|_| {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			state as u8
		})
		.collect();
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &random, &inputs), Err(VerifyError::MalformedProof));
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &[0u8; PROOF_LEN], &inputs), Err(VerifyError::MalformedProof));
	// Public inputs: a non-canonical element, one too few, one too many.
	assert_eq!(
		verify(DEV_ELIGIBILITY_VK, &chunk.proof, &[s, [0xff; 32], inputs[2]]),
		Err(VerifyError::MalformedPublicInput)
	);
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof, &inputs[..2]), Err(VerifyError::WrongInputCount));
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &chunk.proof, &[s, s, s, s]), Err(VerifyError::WrongInputCount));
	// Keys: truncated, a flipped byte inside a point, random.
	assert_eq!(verify(&DEV_ELIGIBILITY_VK[..100], &chunk.proof, &inputs), Err(VerifyError::MalformedVerifyingKey));
	let mut flipped = DEV_ELIGIBILITY_VK.to_vec();
	flipped[10] ^= 0x40;
	assert_eq!(verify(&flipped, &chunk.proof, &inputs), Err(VerifyError::MalformedVerifyingKey));
	assert_eq!(verify(&random, &chunk.proof, &inputs), Err(VerifyError::MalformedVerifyingKey));
	let mut trailing = DEV_ELIGIBILITY_VK.to_vec();
	trailing.push(0);
	assert_eq!(verify(&trailing, &chunk.proof, &inputs), Err(VerifyError::MalformedVerifyingKey));
}

#[test]
fn verifying_keys_are_checked_for_form_and_input_count() {
	assert_eq!(check_verifying_key(DEV_REQUIREMENT_VK, 2), Ok(()));
	assert_eq!(check_verifying_key(DEV_ELIGIBILITY_VK, 3), Ok(()));
	assert_eq!(check_verifying_key(DEV_ELIGIBILITY_VK, 2), Err(VerifyError::MalformedVerifyingKey));
	assert_eq!(check_verifying_key(&[0u8; 1156], 2), Err(VerifyError::MalformedVerifyingKey));
	// The right length for three inputs, but a key made for two with a point appended.
	let mut padded = DEV_REQUIREMENT_VK.to_vec();
	padded.extend_from_slice(&DEV_REQUIREMENT_VK[DEV_REQUIREMENT_VK.len() - 96..]);
	assert_eq!(check_verifying_key(&padded, 3), Err(VerifyError::MalformedVerifyingKey));
}

#[test]
fn an_ineligible_value_gives_no_accepted_proof() {
	let indicators = request(3);
	// Refused before proving by the prover.
	let values = [indicators[0].lo, indicators[1].hi + 1, indicators[2].lo];
	let p = params(CircuitKind::Eligibility);
	assert_eq!(
		prove_eligibility(p, &INSTITUTION, &indicators, &values, &binding(), &mut rng(4), |_, _| {}).unwrap_err(),
		ProveError::ValueOutsideDomain { index: 1 }
	);
	// A cheating prover that skips that check still gets no valid proof.
	let witness = EligibilityWitness {
		statement: ChunkStatement { institution: INSTITUTION, chunk: 0, indicators: indicators.clone() },
		values: values.to_vec(),
		blinding: jubjub::Fr::from(5u64),
		binding: binding().value(),
	};
	let inputs = native_eligibility_inputs(&witness).unwrap().map(|x| x.to_bytes());
	let proof = groth16::create_random_proof(EligibilityCircuit(Some(witness)), p, &mut rng(5)).unwrap();
	let mut bytes = Vec::new();
	proof.write(&mut bytes).unwrap();
	assert_eq!(verify(DEV_ELIGIBILITY_VK, &bytes, &inputs), Err(VerifyError::InvalidProof));
}
