//! The blinded comparison of PROTOCOL.md 4.1-4.2 and 9.3, end to end (with Pi^cmp) and
//! against tampering.

use crate::common::*;
use medshare_paillier::compare::{self, CompareError, ComparisonContext, ComparisonStatement, Outcome};
use medshare_paillier::proofs::{ring_pedersen, ring_pedersen::RingPedersen, ProofContext};
use medshare_paillier::{cmp_output_count, Ciphertext, Keypair, CMP_CONTENT_BITS, CMP_SLOT_BITS};
use num_bigint::{BigInt, BigUint};
use num_traits::One;
use proptest::prelude::*;
use std::sync::OnceLock;

/// The holder's ring-Pedersen bases, made once.
fn bases() -> &'static RingPedersen {
	static BASES: OnceLock<RingPedersen> = OnceLock::new();
	BASES.get_or_init(|| {
		let context = ProofContext { genesis_hash: [1; 32], account: [2; 32] };
		ring_pedersen::generate(holder(), &context, &mut rng()).expect("a generated key is Blum").0
	})
}

const CONTEXT: ComparisonContext =
	ComparisonContext { genesis_hash: [1; 32], institution: [3; 32], holder: [2; 32], request_id: 0, session_id: 0 };

/// Runs the whole exchange: holder values under `holder()`, ranges applied and proven by the
/// institution, the proof checked and the outcomes read by the holder, delivered to
/// `institution()`.
fn run(values: &[u32], ranges: &[(u32, u32)]) -> Vec<Outcome> {
	let (h, i) = (holder(), institution());
	let mut rng = rng();
	let encrypted = compare::encrypt_values(h, values, &mut rng);
	let (outputs, witness) = compare::blind(h.public(), &encrypted, ranges, &mut rng).unwrap();
	assert_eq!(outputs.len() as u32, cmp_output_count(2048, values.len() as u32));
	let statement =
		ComparisonStatement { key: h.public(), bases: bases(), context: &CONTEXT, ciphertexts: &encrypted, outputs: &outputs };
	let proof = compare::prove(&statement, &witness, &mut rng).unwrap();
	compare::verify(&statement, &proof, &[5; 32]).unwrap();
	let seen_by_holder = compare::unpack(h, &outputs, values.len()).unwrap();
	let result = compare::encrypt_outcomes(i.public(), &seen_by_holder, &mut rng);
	assert_eq!(result.len() as u32, medshare_paillier::result_ciphertext_count(2048, values.len() as u32));
	let learned = compare::decode_outcomes(i, &result, values.len()).unwrap();
	assert_eq!(learned, seen_by_holder);
	learned
}

fn expected(values: &[u32], ranges: &[(u32, u32)]) -> Vec<Outcome> {
	values.iter().zip(ranges).map(|(&m, &(d, u))| Outcome::of(m, d, u)).collect()
}

/// A value and a range, with the value often right at or next to a bound.
fn case() -> impl Strategy<Value = (u32, (u32, u32))> {
	(any::<u32>(), any::<u32>(), any::<u32>(), 0u8..7).prop_map(|(a, b, m, pick)| {
		let (down, up) = (a.min(b), a.max(b));
		let m = match pick {
			0 => down,
			1 => up,
			2 => down.saturating_sub(1),
			3 => down.saturating_add(1),
			4 => up.saturating_sub(1),
			5 => up.saturating_add(1),
			_ => m,
		};
		(m, (down, up))
	})
}

proptest! {
	#![proptest_config(cases(24))]

	#[test]
	fn outcomes_match_the_clear_comparison(cases in proptest::collection::vec(case(), 1..12)) {
		let (values, ranges): (Vec<u32>, Vec<(u32, u32)>) = cases.into_iter().unzip();
		prop_assert_eq!(run(&values, &ranges), expected(&values, &ranges));
	}
}

#[test]
fn named_edges() {
	const MAX: u32 = u32::MAX;
	let cases: Vec<(u32, (u32, u32))> = vec![
		(100, (100, 200)), // m = down
		(200, (100, 200)), // m = up
		(99, (100, 200)),  // one below down
		(101, (100, 200)), // one above down
		(199, (100, 200)), // one below up
		(201, (100, 200)), // one above up
		(0, (0, 0)),       // value 0, zero-width range
		(0, (1, 5)),
		(0, (0, MAX)), // maximal range
		(MAX, (0, MAX)),
		(MAX, (0, MAX - 1)),
		(MAX, (MAX, MAX)),
		(MAX - 1, (MAX, MAX)),
		(7, (7, 7)), // zero width: inside, below, above
		(6, (7, 7)),
		(8, (7, 7)),
		(0, (MAX, MAX)),
		(MAX, (0, 0)),
	];
	let (values, ranges): (Vec<u32>, Vec<(u32, u32)>) = cases.into_iter().unzip();
	let got = run(&values, &ranges);
	assert_eq!(got, expected(&values, &ranges));
	use Outcome::*;
	assert_eq!(
		got,
		[Inside, Inside, Below, Inside, Inside, Above, Inside, Below, Inside, Inside, Above, Inside, Below, Inside, Below, Above, Below, Above]
	);
	assert_eq!(got.iter().map(|o| o.as_i8()).collect::<Vec<_>>()[..3], [0, 0, -1]);
}

#[test]
fn one_indicator() {
	assert_eq!(run(&[3690], &[(3600, 3750)]), [Outcome::Inside]);
	assert_eq!(run(&[3790], &[(3600, 3750)]), [Outcome::Above]);
}

#[test]
fn seven_hundred_indicators() {
	let values: Vec<u32> = (0..700u32).map(|i| i.wrapping_mul(2_654_435_761)).collect();
	let ranges: Vec<(u32, u32)> = (0..700u32)
		.map(|i| {
			let v = values[i as usize];
			match i % 4 {
				0 => (v, v),
				1 => (v.saturating_add(1), v.saturating_add(1000)),
				2 => (v.saturating_sub(1000), v.saturating_sub(1)),
				_ => (0, u32::MAX),
			}
		})
		.collect();
	let got = run(&values, &ranges);
	assert_eq!(got, expected(&values, &ranges));
	assert!(got.contains(&Outcome::Below) && got.contains(&Outcome::Above) && got.contains(&Outcome::Inside));
}

#[test]
fn values_encrypted_in_batches_sit_in_the_same_slots() {
	// A client that encrypts in parts (to show progress) must give each value its request-wide
	// slot: the parts decrypt to the same plaintexts as one encryption of the whole request.
	let h = holder();
	let values: Vec<u32> = (0..19).map(|i| 1000 + i).collect();
	let mut rng = rng();
	let whole = compare::encrypt_values(h, &values, &mut rng);
	let mut parts = Vec::new();
	for part in values.chunks(5) {
		parts.extend(compare::encrypt_values_from(h, part, parts.len(), &mut rng));
	}
	let plain = |cts: &[Ciphertext]| cts.iter().map(|c| h.decrypt(c)).collect::<Vec<_>>();
	assert_eq!(plain(&whole), plain(&parts));
	assert_eq!(h.decrypt(&whole[9]), BigUint::from(1009u32) << CMP_SLOT_BITS);
}

#[test]
fn blinding_is_fresh_every_time() {
	let h = holder();
	let mut rng = rng();
	let encrypted = compare::encrypt_values(h, &[50, 60], &mut rng);
	let ranges = [(10, 100), (70, 80)];
	let (a, _) = compare::blind(h.public(), &encrypted, &ranges, &mut rng).unwrap();
	let (b, _) = compare::blind(h.public(), &encrypted, &ranges, &mut rng).unwrap();
	assert_ne!(a, b);
	// Not only the ciphertexts: the blinded values themselves differ.
	assert_ne!(h.decrypt(&a[0]), h.decrypt(&b[0]));
	assert_eq!(compare::unpack(h, &a, 2), compare::unpack(h, &b, 2));
}

/// The plaintext of one output with the given slot contents `x` (offset added here).
fn output_plaintext(slots: &[BigInt]) -> BigUint {
	let offset = BigInt::one() << (CMP_SLOT_BITS - 1);
	let mut p = BigUint::ZERO;
	for (s, x) in slots.iter().enumerate() {
		p += (x + &offset).to_biguint().unwrap() << (CMP_SLOT_BITS as usize * s);
	}
	p
}

fn encrypt_for_holder(p: &BigUint) -> Ciphertext {
	holder().public().encrypt(p, &mut rng())
}

/// One indicator's alpha and beta outputs with the given contents.
fn pair(alpha: BigInt, beta: BigInt) -> Vec<Ciphertext> {
	vec![encrypt_for_holder(&output_plaintext(&[alpha])), encrypt_for_holder(&output_plaintext(&[beta]))]
}

#[test]
fn tampered_outputs_are_rejected_by_the_holder() {
	// What a holder that skipped the proof would still catch; the proof rules all of it out.
	let h = holder();
	let pk = h.public();
	let mut rng = rng();
	let encrypted = compare::encrypt_values(h, &[5, 500, 50_000], &mut rng);
	let (outputs, _) = compare::blind(pk, &encrypted, &[(1, 10), (1, 10), (1, 10)], &mut rng).unwrap();
	assert!(compare::unpack(h, &outputs, 3).is_ok());
	// Adding 2^243 to slot 0 of the alpha output pushes it out of (-2^242, 2^242).
	let bump = pk.encrypt(&(BigUint::one() << 243u32), &mut rng);
	let mut tampered = outputs.clone();
	tampered[0] = pk.add(&outputs[0], &bump);
	assert_eq!(compare::unpack(h, &tampered, 3), Err(CompareError::SlotOutOfRange { index: 0 }));
	// A random ciphertext decrypts to a random plaintext with bits above the last slot.
	let mut random = outputs.clone();
	random[1] = pk.encrypt(&(pk.n() - 12345u32), &mut rng);
	assert_eq!(compare::unpack(h, &random, 3), Err(CompareError::UnexpectedHighBits { ciphertext: 1 }));
}

#[test]
fn crafted_slots() {
	let h = holder();
	let bound = BigInt::one() << CMP_CONTENT_BITS;
	let one = BigInt::one();
	// Largest admitted magnitudes are accepted.
	assert_eq!(compare::unpack(h, &pair(&bound - &one, -(&bound - &one)), 1), Ok(vec![Outcome::Above]));
	assert_eq!(compare::unpack(h, &pair(-(&bound - &one), &bound - &one), 1), Ok(vec![Outcome::Below]));
	// One more is out of range, in either output and either sign.
	for (alpha, beta, index) in [(bound.clone(), BigInt::ZERO, 0), (-bound.clone(), BigInt::ZERO, 0), (BigInt::ZERO, bound.clone(), 1), (BigInt::from(5), -bound.clone(), 1)] {
		assert_eq!(compare::unpack(h, &pair(alpha, beta), 1), Err(CompareError::SlotOutOfRange { index }));
	}
	// Both negative (thresholds down > up) reads as below: no abort that depends on the data.
	assert_eq!(compare::unpack(h, &pair(-one.clone(), -one.clone()), 1), Ok(vec![Outcome::Below]));
	// A plaintext whose slots were never offset (all zero) is out of range.
	let zero = vec![encrypt_for_holder(&BigUint::ZERO), encrypt_for_holder(&output_plaintext(&[BigInt::ZERO]))];
	assert_eq!(compare::unpack(h, &zero, 1), Err(CompareError::SlotOutOfRange { index: 0 }));
}

#[test]
fn argument_errors() {
	let h = holder();
	let mut rng = rng();
	let encrypted = compare::encrypt_values(h, &[1, 2], &mut rng);
	assert_eq!(compare::blind(h.public(), &[], &[], &mut rng).err(), Some(CompareError::NoIndicators));
	assert_eq!(
		compare::blind(h.public(), &encrypted, &[(0, 1)], &mut rng).err(),
		Some(CompareError::LengthMismatch { values: 2, ranges: 1 })
	);
	assert_eq!(
		compare::blind(h.public(), &encrypted, &[(0, 1), (5, 4)], &mut rng).err(),
		Some(CompareError::InvalidRange { index: 1 })
	);
	// A ciphertext sharing a factor with n (here n itself, via another key's view) is named.
	let not_invertible = institution().public().ciphertext_from_bytes(&{
		let mut b = vec![0u8; 512];
		let n = h.public().to_bytes();
		b[256..].copy_from_slice(&n);
		b
	});
	if let Ok(bad) = not_invertible {
		assert_eq!(
			compare::blind(h.public(), &[encrypted[0].clone(), bad], &[(0, 1), (0, 1)], &mut rng).err(),
			Some(CompareError::InvalidCiphertext { index: 1 })
		);
	}
	let (packed, _) = compare::blind(h.public(), &encrypted, &[(0, 1), (0, 1)], &mut rng).unwrap();
	assert_eq!(compare::unpack(h, &packed, 0), Err(CompareError::NoIndicators));
	assert_eq!(compare::unpack(h, &packed, 11), Err(CompareError::WrongCiphertextCount { expected: 4, got: 2 }));
	assert_eq!(compare::unpack(h, &[], 1), Err(CompareError::WrongCiphertextCount { expected: 2, got: 0 }));
	// Absurd counts are a mismatch, not an overflow.
	assert!(matches!(compare::unpack(h, &packed, usize::MAX), Err(CompareError::WrongCiphertextCount { .. })));
	assert!(matches!(compare::decode_outcomes(h, &packed, usize::MAX), Err(CompareError::WrongCiphertextCount { .. })));
}

#[test]
fn result_set_decoding() {
	let i: &Keypair = institution();
	let pk = i.public();
	let mut rng = rng();
	use Outcome::*;
	let outcomes = [Below, Inside, Above, Above, Inside];
	let result = compare::encrypt_outcomes(pk, &outcomes, &mut rng);
	assert_eq!(result.len(), 1);
	// Request order, two bits each from the bottom: codes 0, 1, 2, 2, 1.
	assert_eq!(i.decrypt(&result[0]), BigUint::from(0b01_10_10_01_00u32));
	assert_eq!(compare::decode_outcomes(i, &result, 5).unwrap(), outcomes);
	// Code 3 is no outcome.
	let three = vec![pk.encrypt(&BigUint::from(0b11_01u32), &mut rng)];
	assert_eq!(compare::decode_outcomes(i, &three, 2), Err(CompareError::InvalidOutcome { index: 1 }));
	// Bits beyond the last indicator.
	let extra = vec![pk.encrypt(&BigUint::from(0b01_01_01u32), &mut rng)];
	assert_eq!(compare::decode_outcomes(i, &extra, 2), Err(CompareError::UnexpectedHighBits { ciphertext: 0 }));
	assert_eq!(compare::decode_outcomes(i, &extra, 0), Err(CompareError::NoIndicators));
	assert_eq!(compare::decode_outcomes(i, &[], 1), Err(CompareError::WrongCiphertextCount { expected: 1, got: 0 }));
	// More outcomes than one plaintext holds (1023 at 2048 bits) take a second ciphertext.
	let many: Vec<Outcome> = (0..1500).map(|k| [Below, Inside, Above][k % 3]).collect();
	let result = compare::encrypt_outcomes(pk, &many, &mut rng);
	assert_eq!(result.len(), 2);
	assert_eq!(compare::decode_outcomes(i, &result, 1500).unwrap(), many);
	// Outcome codes round-trip through t.
	for o in [Below, Inside, Above] {
		assert_eq!(Outcome::from_i8(o.as_i8()), Some(o));
	}
	assert_eq!(Outcome::from_i8(2), None);
}
