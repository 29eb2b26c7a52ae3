//! Pi^cmp against honest comparisons and against the attacks it is meant to stop
//! (docs/PROOFS.md, "What stops which attack").

use super::*;
use crate::proofs::ring_pedersen;
use crate::proofs::ProofContext;

/// A holder with its bases, an institution context, values and ranges.
struct Session {
	holder: Keypair,
	bases: RingPedersen,
	context: ComparisonContext,
	values: Vec<u32>,
	ranges: Vec<(u32, u32)>,
	ciphertexts: Vec<Ciphertext>,
}

fn rng(seed: u64) -> ChaCha20Rng {
	ChaCha20Rng::seed_from_u64(seed)
}

fn holder(seed: u64) -> (Keypair, RingPedersen) {
	let mut rng = rng(seed);
	let holder = Keypair::generate(2048, &mut rng).unwrap();
	let proof_context = ProofContext { genesis_hash: [1; 32], account: [2; 32] };
	let (bases, _) = ring_pedersen::generate(&holder, &proof_context, &mut rng).unwrap();
	(holder, bases)
}

fn session(seed: u64, indicators: usize) -> Session {
	let (holder, bases) = holder(seed);
	let mut rng = rng(seed + 1000);
	let values: Vec<u32> = (0..indicators).map(|i| [3690, 120, 80, 97, 0, u32::MAX - 2][i % 6] + (i as u32 % 3)).collect();
	let ranges: Vec<(u32, u32)> = (0..indicators).map(|i| [(3600, 3750), (90, 130), (85, 95), (95, 100), (0, 0), (1, 5)][i % 6]).collect();
	let ciphertexts = encrypt_values(&holder, &values, &mut rng);
	let context = ComparisonContext { genesis_hash: [1; 32], institution: [3; 32], holder: [2; 32], request_id: 4, session_id: 5 };
	Session { holder, bases, context, values, ranges, ciphertexts }
}

impl Session {
	fn statement<'a>(&'a self, outputs: &'a [Ciphertext]) -> ComparisonStatement<'a> {
		ComparisonStatement {
			key: self.holder.public(),
			bases: &self.bases,
			context: &self.context,
			ciphertexts: &self.ciphertexts,
			outputs,
		}
	}

	fn expected(&self) -> Vec<Outcome> {
		self.values.iter().zip(&self.ranges).map(|(&m, &(down, up))| Outcome::of(m, down, up)).collect()
	}
}

/// Both verifiers' verdicts, which must agree.
fn verdict(statement: &ComparisonStatement<'_>, proof: &[u8]) -> Result<(), ComparisonProofError> {
	let batched = verify(statement, proof, &[9; 32]);
	assert_eq!(batched, verify_unbatched(statement, proof), "batched and unbatched verification disagree");
	batched
}

#[test]
fn honest_comparisons_verify_and_give_the_outcomes() {
	for (seed, k) in [(10, 1), (11, 20), (12, 21), (13, 92)] {
		let s = session(seed, k);
		let mut rng = rng(seed + 2000);
		let (outputs, witness) = blind(s.holder.public(), &s.ciphertexts, &s.ranges, &mut rng).unwrap();
		assert_eq!(outputs.len(), cmp_output_count(2048, k as u32) as usize);
		let proof = prove(&s.statement(&outputs), &witness, &mut rng).unwrap();
		assert_eq!(proof.len(), crate::proofs::comparison_proof_len(256, k));
		assert_eq!(verdict(&s.statement(&outputs), &proof), Ok(()), "{k} indicators");
		assert_eq!(unpack(&s.holder, &outputs, k).unwrap(), s.expected(), "{k} indicators");
	}
}

/// The verdict on the institution's best proof for `cheat` (`attacks::cheat`: the prover's own
/// algorithm on the real statement, with the bases it really used).
fn cheated(s: &Session, seed: u64, cheat: attacks::Cheat) -> Result<(), ComparisonProofError> {
	let (outputs, proof) = attacks::cheat(s.holder.public(), &s.bases, &s.context, &s.ciphertexts, &s.ranges, cheat, &mut rng(seed));
	verdict(&s.statement(&outputs), &proof)
}

#[test]
fn one_ciphertext_in_every_slot_is_refused() {
	// The institution compares the first value against every range: it forms every output from
	// c_0 and answers the challenges of the real statement with those bases.
	let s = session(20, 20);
	assert_eq!(cheated(&s, 21, attacks::Cheat::OneCiphertextInEverySlot), Err(ComparisonProofError::ComparisonEquationFailed));
	// The same kind of proof does verify for the statement the institution really proved.
	let mut rng = rng(21);
	let fake = Session { ciphertexts: vec![s.ciphertexts[0].clone(); s.ciphertexts.len()], ..session(20, 20) };
	let (outputs, witness) = blind(fake.holder.public(), &fake.ciphertexts, &fake.ranges, &mut rng).unwrap();
	assert_eq!(verdict(&fake.statement(&outputs), &prove(&fake.statement(&outputs), &witness, &mut rng).unwrap()), Ok(()));
}

#[test]
fn slots_in_another_order_are_refused() {
	let s = session(22, 20);
	assert_eq!(cheated(&s, 23, attacks::Cheat::SwappedSlots), Err(ComparisonProofError::ComparisonEquationFailed));
}

#[test]
fn a_blinding_factor_of_2_80_is_admitted_and_harmless() {
	// 2^80 lies inside the admitted range [0, 2^208): the slots are wide enough that it cannot
	// overflow, and the holder reads the same outcome.
	let s = session(24, 3);
	let mut rng = rng(25);
	let (_, mut witness) = blind(s.holder.public(), &s.ciphertexts, &s.ranges, &mut rng).unwrap();
	let big = BigUint::one() << 80u32;
	// Alpha of indicator 1 (range 90..130, value 121): rho = 2^80, constant rho' - rho down + 2^96.
	witness.outputs[0].factors[1] = big.clone();
	witness.outputs[0].constants[1] = (BigUint::one() << 96u32) + 5u32 - &big * 90u32;
	let outputs = outputs_from(s.holder.public(), &s.ciphertexts, &witness);
	let proof = prove(&s.statement(&outputs), &witness, &mut rng).unwrap();
	assert_eq!(verdict(&s.statement(&outputs), &proof), Ok(()));
	let outcomes = unpack(&s.holder, &outputs, 3).unwrap();
	assert_eq!(outcomes, s.expected());
}

#[test]
fn a_blinding_factor_too_large_for_the_proof_is_refused() {
	// rho = 2^130: e rho exceeds 2^208 for all but a 2^-50 fraction of challenges, so the best
	// the institution can do is submit the large response.
	let s = session(26, 3);
	assert_eq!(
		cheated(&s, 27, attacks::Cheat::Factor(BigUint::one() << 130u32)),
		Err(ComparisonProofError::FactorResponseTooLarge)
	);
}

#[test]
fn a_constant_past_the_slot_bound_is_refused() {
	// A constant of 2^170 would push the slot far past the 2^96 an honest comparison produces;
	// its response exceeds 2^241.
	let s = session(28, 3);
	assert_eq!(
		cheated(&s, 29, attacks::Cheat::Constant(BigUint::one() << 170u32)),
		Err(ComparisonProofError::ConstantResponseTooLarge)
	);
	// A constant that would overflow the 244-bit slot has a response the format cannot hold; the
	// forger's truncated response fails an equation.
	assert!(cheated(&s, 30, attacks::Cheat::Constant(BigUint::one() << 243u32)).is_err());
}

#[test]
fn a_proof_for_another_session_or_key_is_refused() {
	let s = session(30, 10);
	let mut rng = rng(31);
	let (outputs, witness) = blind(s.holder.public(), &s.ciphertexts, &s.ranges, &mut rng).unwrap();
	let other_context = ComparisonContext { session_id: 6, ..s.context };
	let mut statement = s.statement(&outputs);
	statement.context = &other_context;
	let proof = prove(&statement, &witness, &mut rng).unwrap();
	assert_eq!(verdict(&s.statement(&outputs), &proof), Err(ComparisonProofError::CommitmentEquationFailed));
	// Another holder key (and its bases): the proof made under the first key.
	let honest = prove(&s.statement(&outputs), &witness, &mut rng).unwrap();
	let other = session(32, 10);
	let outcome = verdict(&other.statement(&outputs), &honest);
	assert!(outcome.is_err(), "{outcome:?}");
}

#[test]
fn malformed_proofs_and_statements_are_refused() {
	let s = session(33, 9);
	let mut rng = rng(34);
	let (outputs, witness) = blind(s.holder.public(), &s.ciphertexts, &s.ranges, &mut rng).unwrap();
	let proof = prove(&s.statement(&outputs), &witness, &mut rng).unwrap();
	assert_eq!(verdict(&s.statement(&outputs), &proof[1..]), Err(ComparisonProofError::WrongLength));
	// Through the host function's byte interface, as the pallet calls it.
	let key = s.holder.public();
	let bytes = |cts: &[Ciphertext]| cts.iter().flat_map(|c| c.to_bytes(key)).collect::<Vec<u8>>();
	let encoded = s.bases.to_encoded();
	let host = |cts: &[u8], outs: &[u8], proof: &[u8]| {
		verify_encoded(&[9; 32], &s.context.to_bytes(), 0, &key.to_bytes(), encoded.s.as_bytes(), encoded.t.as_bytes(), cts, outs, proof)
	};
	assert_eq!(host(&bytes(&s.ciphertexts), &bytes(&outputs), &proof), Ok(()));
	let mut zero_output = bytes(&outputs);
	zero_output[..512].fill(0);
	assert_eq!(host(&bytes(&s.ciphertexts), &zero_output, &proof), Err(ComparisonProofError::CiphertextNotCoprime));
	assert_eq!(host(&bytes(&s.ciphertexts)[1..], &bytes(&outputs), &proof), Err(ComparisonProofError::MalformedInput));
	// The first two outputs are a valid proof for the first group alone.
	let part = comparison_output_proof_len(256, 8) * 2;
	let truncated = ComparisonStatement { ciphertexts: &s.ciphertexts[..8], ..s.statement(&outputs[..2]) };
	assert_eq!(verify(&truncated, &proof[..part], &[1; 32]), Ok(()));
	// Parts of whole groups verify on their own, against all of the request's ciphertexts;
	// out of place or partial they do not.
	let second = part_proof_range(256, 9, 1, 1).unwrap();
	assert_eq!(second, part..proof.len());
	assert_eq!(verify_part(&s.statement(&outputs[2..]), 1, &proof[second.clone()], &[2; 32]), Ok(()));
	assert_eq!(verify_part(&s.statement(&outputs[..2]), 0, &proof[..part], &[2; 32]), Ok(()));
	assert_eq!(
		verify_part(&s.statement(&outputs[2..]), 0, &proof[second.clone()], &[2; 32]),
		Err(ComparisonProofError::WrongLength)
	);
	assert_eq!(
		verify_part(&s.statement(&outputs[..2]), 1, &proof[..part], &[2; 32]),
		Err(ComparisonProofError::WrongLength)
	);
	assert_eq!(verify_part(&s.statement(&outputs[2..]), 2, &proof[second.clone()], &[2; 32]), Err(ComparisonProofError::MalformedInput));
	assert_eq!(verify_part(&s.statement(&outputs[2..3]), 1, &proof[second], &[2; 32]), Err(ComparisonProofError::MalformedInput));
	assert_eq!(
		host(&bytes(&s.ciphertexts), &bytes(&outputs[..1]), &proof),
		Err(ComparisonProofError::MalformedInput),
		"an odd number of outputs is no part"
	);
	assert_eq!(verify(&s.statement(&outputs[..2]), &proof[..part], &[2; 32]), Err(ComparisonProofError::MalformedInput), "verify wants the whole comparison");
	assert_eq!(verdict(&s.statement(&outputs[1..]), &proof), Err(ComparisonProofError::MalformedInput));
	let mut bad = outputs.clone();
	bad[0] = Ciphertext(s.holder.public().n() * 5u32);
	assert_eq!(verdict(&s.statement(&bad), &proof), Err(ComparisonProofError::CiphertextNotCoprime));
	let mut zeroed = proof.clone();
	zeroed[..256].fill(0);
	assert_eq!(verdict(&s.statement(&outputs), &zeroed), Err(ComparisonProofError::NonCanonical));
	// One flipped bit anywhere in a response or commitment fails.
	for position in [10, 300, 900, 1600, proof.len() - 1] {
		let mut flipped = proof.clone();
		flipped[position] ^= 1;
		assert!(verdict(&s.statement(&outputs), &flipped).is_err(), "bit flip at {position}");
	}
}

#[test]
fn thresholds_down_above_up_read_as_below_instead_of_aborting() {
	// A cheating institution may use down > up; the holder must not abort on values that depend
	// on its data, so "both negative" reads as Below.
	let s = session(35, 1);
	let mut rng = rng(36);
	let (_, mut witness) = blind(s.holder.public(), &s.ciphertexts, &[(3600, 3750)], &mut rng).unwrap();
	// alpha = rho (m - 4000) < 0 and beta = sigma (3000 - m) < 0 for m = 3690.
	let rho = &witness.outputs[0].factors[0] * 4000u32;
	witness.outputs[0].constants[0] = (BigUint::one() << 96u32) - rho;
	let sigma = &witness.outputs[1].factors[0] * 3000u32;
	witness.outputs[1].constants[0] = (BigUint::one() << 96u32) + sigma;
	let outputs = outputs_from(s.holder.public(), &s.ciphertexts, &witness);
	assert_eq!(unpack(&s.holder, &outputs, 1).unwrap(), vec![Outcome::Below]);
}

