//! Pi^link with real 2048-bit Paillier keys: honest proofs verify (batched and one by one),
//! and each attack the proof exists to stop is refused with its own error (docs/PROOFS.md).

use ff::{Field, PrimeField};
use medshare_paillier::num_bigint::BigUint;
use medshare_paillier::cmp::{positioned_value, slot_shift};
use medshare_paillier::{Ciphertext, Keypair, PublicKey};
use medshare_zk::link::{self, LinkContext, LinkError, LinkStatement, RESPONSE_BITS, RESPONSE_BYTES};
use medshare_zk::statement::{FieldBytes, SLOTS};
use medshare_zk::pedersen;
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_core_010::SeedableRng;
use std::sync::OnceLock;

/// The verifier's batch seed (a parent block hash on chain).
const SEED: [u8; 32] = [0x5e; 32];
const CONTEXT: LinkContext = LinkContext { genesis_hash: [0x77; 32], holder: [0x22; 32], request_id: 7, session_id: 3 };

fn rng(seed: u64) -> ChaCha20Rng {
	ChaCha20Rng::seed_from_u64(seed)
}

fn keypair() -> &'static Keypair {
	static KEY: OnceLock<Keypair> = OnceLock::new();
	KEY.get_or_init(|| Keypair::generate(2048, &mut rng(1)).unwrap())
}

fn other_keypair() -> &'static Keypair {
	static KEY: OnceLock<Keypair> = OnceLock::new();
	KEY.get_or_init(|| Keypair::generate(2048, &mut rng(2)).unwrap())
}

/// What the eligibility step leaves: per chunk a blinding and the digest h.
fn commitments(values: &[u32], seed: u64) -> (Vec<FieldBytes>, Vec<FieldBytes>) {
	let mut rng = rng(seed);
	values
		.chunks(SLOTS)
		.enumerate()
		.map(|(chunk, part)| {
			let r = jubjub::Fr::random(&mut rng);
			(r.to_repr(), pedersen::data_commitment_digest(chunk as u32, part, &r).unwrap().to_bytes())
		})
		.unzip()
}

struct Session {
	values: Vec<u32>,
	ciphertexts: Vec<Ciphertext>,
	blindings: Vec<FieldBytes>,
	commitments: Vec<FieldBytes>,
	proof: Vec<u8>,
}

/// A holder that commits to `values` but encrypts `plaintexts`, then proves as well as it
/// can: the prover's own algorithm, which is the best a holder can do without knowing the
/// challenge in advance.
fn session_encrypting(values: &[u32], plaintexts: &[BigUint], seed: u64) -> Session {
	let key = keypair();
	let mut rng = rng(seed);
	// Each plaintext in its indicator's comparison slot, as step 4 encrypts.
	let ciphertexts: Vec<Ciphertext> =
		plaintexts.iter().enumerate().map(|(i, x)| key.encrypt(&(x << slot_shift(key.public(), i)), &mut rng)).collect();
	let (blindings, commitments) = commitments(values, seed + 1);
	let proof = link::prove(key, CONTEXT, values, &ciphertexts, &blindings, &commitments, &mut rng, |_, _| {}).unwrap();
	Session { values: values.to_vec(), ciphertexts, blindings, commitments, proof }
}

fn honest(values: &[u32], seed: u64) -> Session {
	session_encrypting(values, &values.iter().map(|&m| BigUint::from(m)).collect::<Vec<_>>(), seed)
}

fn statement<'a>(s: &'a Session, key: &'a PublicKey) -> LinkStatement<'a> {
	LinkStatement { context: CONTEXT, public_key: key, ciphertexts: &s.ciphertexts, commitments: &s.commitments }
}

fn verify(s: &Session) -> Result<(), LinkError> {
	let batched = link::verify(&statement(s, keypair().public()), &s.proof, &SEED);
	let single = link::verify_unbatched(&statement(s, keypair().public()), &s.proof);
	assert_eq!(batched, single, "batched and unbatched verification agree");
	batched
}

fn values(count: usize) -> Vec<u32> {
	(0..count as u32).map(|i| 3_600 + 7 * i).collect()
}

/// Offset of indicator `i`'s response in a proof (2048-bit key).
fn response_offset(i: usize) -> usize {
	let key_bytes = 256;
	(i / SLOTS + 1) * link::CHUNK_HEADER_BYTES + i * link::indicator_bytes(key_bytes) + 3 * key_bytes
}

#[test]
fn honest_proofs_verify_across_chunks_and_have_the_documented_size() {
	let s = honest(&values(SLOTS + 3), 10);
	assert_eq!(s.proof.len(), link::proof_len(256, SLOTS + 3));
	// 3 * 256 + 32 bytes per indicator: 800, within PROTOCOL's 1.2 KB.
	assert_eq!(link::indicator_bytes(256), 800);
	verify(&s).unwrap();
	// Through the host function's byte interface, as the pallet calls it.
	let key = keypair().public();
	let ciphertexts: Vec<u8> = s.ciphertexts.iter().flat_map(|c| c.to_bytes(key)).collect();
	let commitments: Vec<u8> = s.commitments.iter().flatten().copied().collect();
	assert_eq!(link::verify_encoded(&SEED, &CONTEXT.to_bytes(), &key.to_bytes(), &ciphertexts, &commitments, &s.proof), Ok(()));
	assert_eq!(
		medshare_zk::verify::verify_link(&SEED, &CONTEXT, &key.to_bytes(), &ciphertexts, &s.commitments, &s.proof),
		Ok(())
	);
	// The host function validates the ciphertexts first, with errors of their own.
	let with_second = |bytes: Vec<u8>| {
		let mut all = ciphertexts[..512].to_vec();
		all.extend(bytes);
		all.extend_from_slice(&ciphertexts[1024..]);
		medshare_zk::verify::verify_link(&SEED, &CONTEXT, &key.to_bytes(), &all, &s.commitments, &s.proof)
	};
	assert_eq!(with_second(vec![0; 512]), Err(LinkError::CiphertextNotCoprime));
	assert_eq!(with_second(vec![0xff; 512]), Err(LinkError::CiphertextNotBelowModulusSquared));
	assert_eq!(with_second(vec![1; 511]), Err(LinkError::CiphertextWrongLength));
}

#[test]
fn encrypting_m_plus_2_400_is_refused() {
	// The attack of issue 11: with E(m + 2^400) the holder could read the institution's
	// blinding factors and so its exact ranges.
	let values = values(4);
	let mut plaintexts: Vec<BigUint> = values.iter().map(|&m| BigUint::from(m)).collect();
	plaintexts[2] += BigUint::from(1u32) << 400u32;
	let s = session_encrypting(&values, &plaintexts, 20);
	assert_eq!(verify(&s), Err(LinkError::EncryptionEquationFailed));
}

#[test]
fn encrypting_any_other_value_is_refused_off_by_one_included() {
	let values = values(5);
	for (index, delta) in [(0usize, 1i64), (4, -1), (1, 1 << 32)] {
		let plaintexts: Vec<BigUint> = values
			.iter()
			.enumerate()
			.map(|(i, &m)| BigUint::from((m as i64 + if i == index { delta } else { 0 }) as u64))
			.collect();
		let s = session_encrypting(&values, &plaintexts, 30 + index as u64);
		assert_eq!(verify(&s), Err(LinkError::EncryptionEquationFailed), "indicator {index} off by {delta}");
	}
}

#[test]
fn a_wrapped_response_is_refused_by_the_bound() {
	// z + q (q = Jubjub's order) satisfies the Jubjub equation, and only the bound stops a
	// response from meaning m + q / e: it must be refused before any equation.
	let mut s = honest(&values(3), 40);
	let at = response_offset(1);
	let z = BigUint::from_bytes_be(&s.proof[at..at + RESPONSE_BYTES]);
	let q = BigUint::from_bytes_le(&(-jubjub::Fr::ONE).to_repr()) + 1u32;
	let wrapped = z + q;
	assert!(wrapped.bits() as usize > RESPONSE_BITS);
	let bytes = wrapped.to_bytes_be();
	s.proof[at..at + RESPONSE_BYTES].fill(0);
	s.proof[at + RESPONSE_BYTES - bytes.len()..at + RESPONSE_BYTES].copy_from_slice(&bytes);
	assert_eq!(verify(&s), Err(LinkError::ResponseTooLarge));
}

#[test]
fn a_proof_for_another_context_or_key_is_refused() {
	let s = honest(&values(3), 50);
	let key = keypair().public();
	for other in [
		LinkContext { session_id: 4, ..CONTEXT },
		LinkContext { request_id: 8, ..CONTEXT },
		LinkContext { holder: [0x23; 32], ..CONTEXT },
		LinkContext { genesis_hash: [0x78; 32], ..CONTEXT },
	] {
		let statement = LinkStatement { context: other, ..statement(&s, key) };
		assert_eq!(link::verify(&statement, &s.proof, &SEED), Err(LinkError::CommitmentEquationFailed), "{other:?}");
	}
	// The same proof against another holder key (same size, so the same proof length): the
	// ciphertexts are the other key's too, re-encrypted under it.
	let other = other_keypair();
	let mut rng = rng(51);
	let reencrypted = medshare_paillier::compare::encrypt_values(other, &s.values, &mut rng);
	let statement = LinkStatement { context: CONTEXT, public_key: other.public(), ciphertexts: &reencrypted, commitments: &s.commitments };
	assert_eq!(link::verify(&statement, &s.proof, &SEED), Err(LinkError::CommitmentEquationFailed));
}

#[test]
fn swapped_ciphertexts_are_refused() {
	// Submitted in another order than the proof was made for.
	let s = honest(&values(3), 60);
	let mut swapped = s.ciphertexts.clone();
	swapped.swap(0, 1);
	let statement = LinkStatement { ciphertexts: &swapped, ..statement(&s, keypair().public()) };
	assert_eq!(link::verify(&statement, &s.proof, &SEED), Err(LinkError::CommitmentEquationFailed));
	// Or proven in the swapped order: each ciphertext then holds the other slot's value.
	let values = values(3);
	let plaintexts = [values[1], values[0], values[2]].map(BigUint::from).to_vec();
	assert_eq!(verify(&session_encrypting(&values, &plaintexts, 61)), Err(LinkError::EncryptionEquationFailed));
}

#[test]
fn a_proof_about_another_commitment_is_refused() {
	let s = honest(&values(3), 70);
	let (_, other_commitments) = commitments(&values(3), 72);
	let statement = LinkStatement { commitments: &other_commitments, ..statement(&s, keypair().public()) };
	assert_eq!(link::verify(&statement, &s.proof, &SEED), Err(LinkError::CommitmentMismatch));
}

#[test]
fn truncated_oversized_and_malformed_proofs_are_refused() {
	let s = honest(&values(2), 80);
	let key = keypair().public();
	let check = |proof: &[u8]| link::verify(&statement(&s, key), proof, &SEED);
	assert_eq!(check(&s.proof[..s.proof.len() - 1]), Err(LinkError::WrongLength));
	assert_eq!(check(&[s.proof.clone(), vec![0]].concat()), Err(LinkError::WrongLength));
	assert_eq!(check(&[]), Err(LinkError::WrongLength));
	// H_c replaced by bytes that are no subgroup point.
	let mut bad = s.proof.clone();
	bad[..32].fill(0xff);
	assert_eq!(check(&bad), Err(LinkError::MalformedPoint));
	// z_r not canonical.
	let mut bad = s.proof.clone();
	bad[64..96].fill(0xff);
	assert_eq!(check(&bad), Err(LinkError::MalformedScalar));
	// A nonce response of zero.
	let mut bad = s.proof.clone();
	let w = link::CHUNK_HEADER_BYTES + 2 * 256;
	bad[w..w + 256].fill(0);
	assert_eq!(check(&bad), Err(LinkError::MalformedPaillierElement));
	// Statement errors: no ciphertexts, or a commitment count that does not fit.
	let none = LinkStatement { ciphertexts: &[], ..statement(&s, key) };
	assert_eq!(link::verify(&none, &s.proof, &SEED), Err(LinkError::MalformedStatement));
	let two = [s.commitments[0]; 2];
	let wrong = LinkStatement { commitments: &two, ..statement(&s, key) };
	assert_eq!(link::verify(&wrong, &s.proof, &SEED), Err(LinkError::MalformedStatement));
}

#[test]
fn the_prover_refuses_values_that_do_not_open_the_commitment() {
	let s = honest(&values(3), 90);
	let mut other = s.values.clone();
	other[1] += 1;
	let error = link::prove(keypair(), CONTEXT, &other, &s.ciphertexts, &s.blindings, &s.commitments, &mut rng(91), |_, _| {});
	assert_eq!(error, Err(link::LinkProveError::CommitmentMismatch { chunk: 0 }));
}

#[test]
fn error_codes_round_trip() {
	for code in 1..=12u32 {
		assert_eq!(LinkError::from_code(code).unwrap_err().code(), code);
	}
	assert_eq!(LinkError::from_code(0), Ok(()));
	assert_eq!(LinkError::from_code(77), Err(LinkError::EncryptionEquationFailed));
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

	/// Honest proofs for random values verify; one altered ciphertext or response fails.
	#[test]
	fn honest_verify_and_single_alterations_fail(
		values in proptest::collection::vec(any::<u32>(), 1..4),
		seed in any::<u64>(),
		pick in any::<prop::sample::Index>(),
		bump in 1u64..1_000_000,
	) {
		let s = honest(&values, seed);
		prop_assert_eq!(verify(&s), Ok(()));
		let i = pick.index(values.len());
		// Another ciphertext in slot i: a fresh encryption of the same value.
		let mut other = s.ciphertexts.clone();
		other[i] = keypair().encrypt(&positioned_value(keypair().public(), values[i], i), &mut rng(seed ^ 1));
		let statement_other = LinkStatement { ciphertexts: &other, ..statement(&s, keypair().public()) };
		prop_assert!(link::verify(&statement_other, &s.proof, &SEED).is_err());
		// Response i moved by `bump`.
		let mut bad = s.proof.clone();
		let at = response_offset(i);
		let z = BigUint::from_bytes_be(&bad[at..at + RESPONSE_BYTES]) + bump;
		let bytes = z.to_bytes_be();
		bad[at..at + RESPONSE_BYTES].fill(0);
		bad[at + RESPONSE_BYTES - bytes.len()..at + RESPONSE_BYTES].copy_from_slice(&bytes);
		prop_assert!(link::verify(&statement(&s, keypair().public()), &bad, &SEED).is_err());
	}
}
