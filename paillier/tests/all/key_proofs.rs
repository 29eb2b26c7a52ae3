//! The key proofs (Pi^mod, Pi^prm): the honest path, binding to chain, account and key, every
//! way of tampering with a proof, the malformed moduli version 1 accepted with the best proofs
//! their owners can forge, and CGGMP21's own implementation (paillier-zk) as an oracle.

use crate::common::{holder, institution, rng};
use medshare_paillier::proofs::attacks::{self, FactoredModulus};
use medshare_paillier::proofs::{
	modulus, modulus_proof_len, ring_pedersen, ring_pedersen_proof_len, ModulusProofError, ProofContext, ProveError,
	RingPedersenProofError, KEY_PROOF_ROUNDS, MODULUS_PROOF_BIT_BYTES, NTH_ROOT_ROUNDS,
};
use medshare_paillier::{
	EncodedBases, EncodedKeyProof, EncodedPublicKey, Keypair, KeyRegistration, KeyRegistrationError, PublicKey,
	PublicKeyError,
};
use num_bigint::BigUint;
use std::sync::OnceLock;

const WIDTH: usize = 256;

fn context() -> ProofContext {
	ProofContext { genesis_hash: [7; 32], account: [42; 32] }
}

/// The holder's proofs, made once.
fn holder_proofs() -> &'static (Vec<u8>, ring_pedersen::RingPedersen, Vec<u8>) {
	static PROOFS: OnceLock<(Vec<u8>, ring_pedersen::RingPedersen, Vec<u8>)> = OnceLock::new();
	PROOFS.get_or_init(|| {
		let modulus_proof = modulus::prove(holder(), &context(), &mut rng()).expect("a generated key is Blum");
		let (params, prm_proof) = ring_pedersen::generate(holder(), &context(), &mut rng()).expect("a generated key is Blum");
		(modulus_proof, params, prm_proof)
	})
}

fn verify_modulus(proof: &[u8]) -> Result<(), ModulusProofError> {
	modulus::verify(&context(), &holder().public().to_bytes(), proof)
}

fn verify_prm(s: &[u8], t: &[u8], proof: &[u8]) -> Result<(), RingPedersenProofError> {
	ring_pedersen::verify(&context(), &holder().public().to_bytes(), s, t, proof)
}

fn params_bytes() -> (Vec<u8>, Vec<u8>) {
	let encoded = holder_proofs().1.to_encoded();
	(encoded.s.into_inner(), encoded.t.into_inner())
}

#[test]
fn generated_keys_are_blum_and_prove_well_formed() {
	assert!(holder().is_blum() && institution().is_blum());
	let (modulus_proof, _, prm_proof) = holder_proofs();
	assert_eq!(modulus_proof.len(), modulus_proof_len(WIDTH));
	assert_eq!(modulus_proof.len(), 22_548, "docs/PROOFS.md states this size");
	assert_eq!(prm_proof.len(), ring_pedersen_proof_len(WIDTH));
	assert_eq!(verify_modulus(modulus_proof), Ok(()));
	let (s, t) = params_bytes();
	assert_eq!(verify_prm(&s, &t, prm_proof), Ok(()));
}

#[test]
fn proofs_are_bound_to_chain_account_and_key() {
	let (modulus_proof, _, prm_proof) = holder_proofs();
	let (s, t) = params_bytes();
	let key = holder().public().to_bytes();
	for other in [
		ProofContext { account: [43; 32], ..context() },
		ProofContext { genesis_hash: [8; 32], ..context() },
	] {
		assert_eq!(modulus::verify(&other, &key, modulus_proof), Err(ModulusProofError::NthRootMismatch));
		assert_eq!(ring_pedersen::verify(&other, &key, &s, &t, prm_proof), Err(RingPedersenProofError::Mismatch));
	}
	// The holder's proof presented with the institution's key: the larger modulus keeps
	// every element canonical, so the equations themselves fail.
	let (small, large) = if holder().public().n() < institution().public().n() {
		(holder(), institution())
	} else {
		(institution(), holder())
	};
	let proof = modulus::prove(small, &context(), &mut rng()).unwrap();
	assert_eq!(modulus::verify(&context(), &large.public().to_bytes(), &proof), Err(ModulusProofError::NthRootMismatch));
	let (params, proof) = ring_pedersen::generate(small, &context(), &mut rng()).unwrap();
	let encoded = params.to_encoded();
	assert_eq!(
		ring_pedersen::verify(&context(), &large.public().to_bytes(), encoded.s.as_bytes(), encoded.t.as_bytes(), &proof),
		Err(RingPedersenProofError::Mismatch)
	);
}

/// Offset of element `i` of a modulus proof (0 is w, 1..=80 the x_i, then the z_i).
fn element(i: usize) -> usize {
	i * WIDTH
}

#[test]
fn tampered_modulus_proofs_are_refused() {
	let proof = &holder_proofs().0;
	let bits_at = element(1 + KEY_PROOF_ROUNDS + NTH_ROOT_ROUNDS);
	let tamper = |offset: usize, mask: u8| {
		let mut bad = proof.clone();
		bad[offset] ^= mask;
		verify_modulus(&bad)
	};
	// One round altered: an x_i, a z_i, an a_i or b_i bit.
	assert_eq!(tamper(element(5) + WIDTH - 1, 1), Err(ModulusProofError::FourthRootMismatch));
	assert_eq!(tamper(element(1 + KEY_PROOF_ROUNDS + 3) + WIDTH - 1, 1), Err(ModulusProofError::NthRootMismatch));
	assert_eq!(tamper(bits_at + 2, 1), Err(ModulusProofError::FourthRootMismatch), "a_9 flipped");
	assert_eq!(tamper(bits_at + 2, 2), Err(ModulusProofError::FourthRootMismatch), "b_9 flipped");
	// A new w draws new challenges.
	assert_eq!(tamper(element(0) + WIDTH - 1, 2), Err(ModulusProofError::NthRootMismatch));
	// The last round's b bit is the last bit of the proof (80 rounds fill 20 bytes exactly).
	assert_eq!(tamper(bits_at + MODULUS_PROOF_BIT_BYTES - 1, 0x80), Err(ModulusProofError::FourthRootMismatch));
	// Values not below N.
	let mut bad = proof.clone();
	bad[element(7)..element(8)].copy_from_slice(&holder().public().to_bytes());
	assert_eq!(verify_modulus(&bad), Err(ModulusProofError::NonCanonical));
	// Truncated, oversized, empty.
	assert_eq!(verify_modulus(&proof[..proof.len() - 1]), Err(ModulusProofError::WrongLength));
	let mut long = proof.clone();
	long.push(0);
	assert_eq!(verify_modulus(&long), Err(ModulusProofError::WrongLength));
	assert_eq!(verify_modulus(&[]), Err(ModulusProofError::WrongLength));
	// A malformed key never reaches the equations.
	let mut even = holder().public().to_bytes();
	even[WIDTH - 1] &= 0xfe;
	assert_eq!(modulus::verify(&context(), &even, proof), Err(ModulusProofError::MalformedInput));
}

#[test]
fn tampered_ring_pedersen_proofs_and_parameters_are_refused() {
	let proof = &holder_proofs().2;
	let (s, t) = params_bytes();
	let tamper = |offset: usize| {
		let mut bad = proof.clone();
		bad[offset] ^= 1;
		verify_prm(&s, &t, &bad)
	};
	assert_eq!(tamper(7 * WIDTH + WIDTH - 1), Err(RingPedersenProofError::Mismatch), "A_7 altered");
	assert_eq!(tamper((KEY_PROOF_ROUNDS + 7) * WIDTH + WIDTH - 1), Err(RingPedersenProofError::Mismatch), "z_7 altered");
	let mut bad = proof.clone();
	bad[..WIDTH].copy_from_slice(&holder().public().to_bytes());
	assert_eq!(verify_prm(&s, &t, &bad), Err(RingPedersenProofError::NonCanonical));
	assert_eq!(verify_prm(&s, &t, &proof[1..]), Err(RingPedersenProofError::WrongLength));
	// Parameters: another s, degenerate t, wrong widths.
	let mut other_s = s.clone();
	other_s[WIDTH - 1] ^= 2;
	assert_eq!(verify_prm(&other_s, &t, proof), Err(RingPedersenProofError::Mismatch));
	let one = BigUint::from(1u32).to_bytes_be();
	let mut t_one = vec![0u8; WIDTH];
	t_one[WIDTH - 1] = one[0];
	assert_eq!(verify_prm(&s, &t_one, proof), Err(RingPedersenProofError::DegenerateParameters));
	let minus_one = (holder().public().n() - 1u32).to_bytes_be();
	assert_eq!(verify_prm(&s, &minus_one, proof), Err(RingPedersenProofError::DegenerateParameters));
	let mut zero_base = s.clone();
	zero_base[..WIDTH].fill(0);
	assert_eq!(verify_prm(&zero_base, &t, proof), Err(RingPedersenProofError::DegenerateParameters));
	assert_eq!(verify_prm(&s, &holder().public().to_bytes(), proof), Err(RingPedersenProofError::DegenerateParameters));
	assert_eq!(verify_prm(&s[1..], &t, proof), Err(RingPedersenProofError::WrongParameterLength));
}

/// Builds an attack modulus, checks that version 1's structural checks accept it, and
/// returns the verdict on the best proof its owner can forge.
fn forged_verdict(factored: &FactoredModulus) -> Result<(), ModulusProofError> {
	assert_eq!(factored.n.bits(), 2048);
	let key = factored.public_key();
	assert!(PublicKey::from_bytes(&key.to_bytes()).is_ok(), "version 1 accepted this modulus");
	let proof = attacks::forge_modulus_proof(factored, &context(), &mut rng());
	modulus::verify(&context(), &key.to_bytes(), &proof)
}

#[test]
fn the_forging_prover_succeeds_on_an_honest_modulus() {
	// Positive control: given the factors of a real Blum modulus, the forger's answers are
	// correct, so its failures below come from the moduli, not from the forger.
	let secret = holder().to_secret_bytes();
	let width = (secret.len() - 3) / 2;
	let p = BigUint::from_bytes_be(&secret[3..3 + width]);
	let q = BigUint::from_bytes_be(&secret[3 + width..]);
	let honest = FactoredModulus { n: &p * &q, factors: vec![(p, 1), (q, 1)] };
	assert_eq!(forged_verdict(&honest), Ok(()));
}

#[test]
fn version_one_attack_modulus_is_refused() {
	// N = p Q p2 with Q (nine ~20-bit primes) dividing p - 1: gcd(N, phi(N)) >= Q.
	let factored = attacks::smooth_subgroup_modulus(2048, &mut rng());
	assert_eq!(factored.factors.len(), 11);
	assert_eq!(forged_verdict(&factored), Err(ModulusProofError::NthRootMismatch));
}

#[test]
fn prime_powers_are_refused() {
	assert_eq!(forged_verdict(&attacks::prime_cube_modulus(2048, &mut rng())), Err(ModulusProofError::NthRootMismatch));
	assert_eq!(forged_verdict(&attacks::squared_factor_modulus(2048, &mut rng())), Err(ModulusProofError::NthRootMismatch));
}

#[test]
fn three_primes_and_non_blum_primes_are_refused() {
	assert_eq!(forged_verdict(&attacks::three_prime_modulus(2048, &mut rng())), Err(ModulusProofError::FourthRootMismatch));
	assert_eq!(forged_verdict(&attacks::non_blum_modulus(2048, &mut rng())), Err(ModulusProofError::FourthRootMismatch));
}

#[test]
fn a_prime_modulus_is_refused() {
	// A prime N = 3 mod 4 has every root the forger needs; only compositeness stops it.
	assert_eq!(forged_verdict(&attacks::prime_modulus(2048, &mut rng())), Err(ModulusProofError::ModulusIsPrime));
}

#[test]
fn ring_pedersen_parameters_outside_the_group_are_refused() {
	let (params, proof) = attacks::forge_ring_pedersen(holder().public(), &context(), &mut rng());
	assert_eq!(verify_prm(params.s.as_bytes(), params.t.as_bytes(), &proof), Err(RingPedersenProofError::Mismatch));
}

#[test]
fn keys_from_non_blum_primes_cannot_be_proven() {
	let factored = attacks::non_blum_modulus(2048, &mut rng());
	let mut secret = vec![1u8, 0x08, 0x00];
	for (p, _) in &factored.factors {
		secret.extend_from_slice(&p.to_bytes_be());
	}
	let keypair = Keypair::from_secret_bytes(&secret).expect("a valid (non-Blum) key");
	assert!(!keypair.is_blum());
	assert_eq!(modulus::prove(&keypair, &context(), &mut rng()).unwrap_err(), ProveError::NotBlum);
	assert_eq!(ring_pedersen::generate(&keypair, &context(), &mut rng()).err(), Some(ProveError::NotBlum));
}

fn registration() -> KeyRegistration {
	let (modulus_proof, params, prm_proof) = holder_proofs();
	KeyRegistration {
		key: holder().public().to_encoded(),
		ring_pedersen: params.to_encoded(),
		modulus_proof: EncodedKeyProof::new(modulus_proof.clone()).unwrap(),
		ring_pedersen_proof: EncodedKeyProof::new(prm_proof.clone()).unwrap(),
	}
}

#[test]
fn key_registration_checks_structure_then_both_proofs() {
	let good = registration();
	assert_eq!(good.verify(&context()).map(|key| key.to_bytes()), Ok(holder().public().to_bytes()));
	let with = |change: &dyn Fn(&mut KeyRegistration)| {
		let mut bad = good.clone();
		change(&mut bad);
		bad.verify(&context()).unwrap_err()
	};
	assert_eq!(
		with(&|r| r.key = EncodedPublicKey::new(vec![0xff; 255]).unwrap()),
		KeyRegistrationError::Key(PublicKeyError::WrongLength)
	);
	assert_eq!(
		with(&|r| r.ring_pedersen.s = EncodedBases::new(vec![1; 255]).unwrap()),
		KeyRegistrationError::RingPedersen(RingPedersenProofError::WrongParameterLength)
	);
	assert_eq!(
		with(&|r| r.modulus_proof = EncodedKeyProof::new(vec![0; 10]).unwrap()),
		KeyRegistrationError::Modulus(ModulusProofError::WrongLength)
	);
	assert_eq!(
		with(&|r| r.ring_pedersen_proof = EncodedKeyProof::new(vec![0; 10]).unwrap()),
		KeyRegistrationError::RingPedersen(RingPedersenProofError::WrongLength)
	);
	assert_eq!(
		good.verify(&ProofContext { account: [0; 32], ..context() }).unwrap_err(),
		KeyRegistrationError::Modulus(ModulusProofError::NthRootMismatch)
	);
	// Oversized proofs never decode: the wire type refuses them before allocation.
	assert!(EncodedKeyProof::new(vec![0; medshare_paillier::MAX_KEY_PROOF_BYTES + 1]).is_err());
}

#[test]
fn error_codes_round_trip() {
	for e in [
		ModulusProofError::MalformedInput,
		ModulusProofError::WrongLength,
		ModulusProofError::NonCanonical,
		ModulusProofError::ModulusIsPrime,
		ModulusProofError::NotInvertible,
		ModulusProofError::NthRootMismatch,
		ModulusProofError::FourthRootMismatch,
	] {
		assert_eq!(ModulusProofError::from_code(e.code()), Err(e));
	}
	for e in [
		RingPedersenProofError::MalformedInput,
		RingPedersenProofError::WrongParameterLength,
		RingPedersenProofError::DegenerateParameters,
		RingPedersenProofError::WrongLength,
		RingPedersenProofError::NonCanonical,
		RingPedersenProofError::Mismatch,
	] {
		assert_eq!(RingPedersenProofError::from_code(e.code()), Err(e));
	}
	assert_eq!(ModulusProofError::from_code(0), Ok(()));
	assert!(ModulusProofError::from_code(99).is_err() && RingPedersenProofError::from_code(99).is_err());
	let context = context();
	assert_eq!(ProofContext::from_bytes(&context.to_bytes()), Some(context));
	assert_eq!(ProofContext::from_bytes(&[0; 63]), None);
}

mod oracle {
	//! CGGMP21's Pi^mod as implemented by paillier-zk (LFDT Lockness), run on the same
	//! commitment and challenges as ours, with an N-th root in every round as CGGMP has it.
	use super::*;
	use paillier_zk::fast_paillier::backend::Integer;
	use paillier_zk::paillier_blum_modulus as pizk;

	const M: usize = KEY_PROOF_ROUNDS;

	fn int(x: &BigUint) -> Integer {
		Integer::from_bytes_msf(&x.to_bytes_be())
	}

	fn big(x: &Integer) -> BigUint {
		BigUint::from_bytes_be(&x.to_bytes_msf())
	}

	fn primes(keypair: &Keypair) -> (BigUint, BigUint) {
		let secret = keypair.to_secret_bytes();
		let width = (secret.len() - 3) / 2;
		(BigUint::from_bytes_be(&secret[3..3 + width]), BigUint::from_bytes_be(&secret[3 + width..]))
	}

	fn setup() -> (BigUint, BigUint, Vec<BigUint>) {
		let n = holder().public().n().clone();
		let w = modulus::interactive::commit(holder(), &mut rng()).unwrap();
		let challenge = pizk::interactive::challenge::<M, _>(pizk::Data { n: &int(&n) }, &mut rand_core_06::OsRng);
		(n, w, challenge.ys.iter().map(big).collect())
	}

	fn to_points(rounds: &[modulus::Round]) -> [pizk::ProofPoint; M] {
		let points: Vec<pizk::ProofPoint> = rounds
			.iter()
			.map(|r| pizk::ProofPoint { x: int(&r.x), a: r.a, b: r.b, z: int(r.z.as_ref().expect("every round has z")) })
			.collect();
		points.try_into().unwrap_or_else(|_| panic!("{M} rounds"))
	}

	#[test]
	fn paillier_zk_accepts_our_rounds_and_we_accept_its() {
		let (n, w, ys) = setup();
		let data = pizk::Data { n: &int(&n) };
		let commitment = pizk::Commitment { w: int(&w) };
		let challenge = pizk::Challenge::<M> { ys: ys.iter().map(int).collect::<Vec<_>>().try_into().unwrap() };

		let ours = modulus::interactive::prove(holder(), &w, &ys, M).unwrap();
		let proof = pizk::Proof { points: to_points(&ours) };
		pizk::interactive::verify(data, &commitment, &challenge, &proof, &mut rand_core_06::OsRng)
			.expect("paillier-zk accepts our rounds");

		let (p, q) = primes(holder());
		let theirs = pizk::interactive::prove(data, pizk::PrivateData { p: &int(&p), q: &int(&q) }, &commitment, &challenge)
			.expect("paillier-zk proves our key");
		let rounds: Vec<modulus::Round> = theirs
			.points
			.iter()
			.map(|point| modulus::Round { x: big(&point.x), a: point.a, b: point.b, z: Some(big(&point.z)) })
			.collect();
		assert_eq!(modulus::interactive::verify(holder().public(), &w, &ys, &rounds), Ok(()));
		// Both implementations pick the same (a, b) and the same roots (the fourth root that is
		// itself a square, the unique N-th root).
		assert_eq!(rounds, ours);
	}

	#[test]
	fn both_refuse_the_same_tampered_round() {
		let (n, w, ys) = setup();
		let mut rounds = modulus::interactive::prove(holder(), &w, &ys, M).unwrap();
		rounds[11].x = (&rounds[11].x + 1u32) % &n;
		let data = pizk::Data { n: &int(&n) };
		let commitment = pizk::Commitment { w: int(&w) };
		let challenge = pizk::Challenge::<M> { ys: ys.iter().map(int).collect::<Vec<_>>().try_into().unwrap() };
		let proof = pizk::Proof { points: to_points(&rounds) };
		assert!(pizk::interactive::verify(data, &commitment, &challenge, &proof, &mut rand_core_06::OsRng).is_err());
		assert_eq!(
			modulus::interactive::verify(holder().public(), &w, &ys, &rounds),
			Err(ModulusProofError::FourthRootMismatch)
		);
	}
}
