//! Unit tests of the indicator registry on the mock runtime.

use crate::{indicator, mock::*, Error, Event, Indicator, IndicatorCount, Indicators, Pallet};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{AccountId32, DispatchError};

fn register(code: &str, name: &str, unit: &str, scale: u8, lo: u32, hi: u32) -> sp_runtime::DispatchResult {
	register_with_width(code, name, unit, scale, lo, hi, 1)
}

fn register_with_width(
	code: &str,
	name: &str,
	unit: &str,
	scale: u8,
	lo: u32,
	hi: u32,
	min_width: u32,
) -> sp_runtime::DispatchResult {
	MedicalSharing::register_indicator(
		RuntimeOrigin::root(),
		code.as_bytes().to_vec(),
		name.as_bytes().to_vec(),
		unit.as_bytes().to_vec(),
		scale,
		lo,
		hi,
		min_width,
	)
}

#[test]
fn genesis_registers_indicators_in_order() {
	new_test_ext().execute_with(|| {
		assert_eq!(IndicatorCount::<Test>::get(), 2);
		let temperature = Indicators::<Test>::get(0).expect("genesis indicator 0");
		assert_eq!(&temperature.code[..], b"8310-5");
		assert_eq!(&temperature.unit[..], b"Cel");
		assert_eq!((temperature.scale, temperature.lo, temperature.hi), (2, 2500, 4500));
		assert_eq!(Pallet::<Test>::indicator_id(b"8867-4"), Some(1));
		assert_eq!(Pallet::<Test>::indicator_id(b"8480-6"), None);
	});
}

#[test]
fn registrar_registers_an_indicator_and_it_gets_the_next_id() {
	new_test_ext().execute_with(|| {
		assert_ok!(register("8480-6", "Systolic blood pressure", "mm[Hg]", 0, 40, 300));
		let stored = Indicators::<Test>::get(2).expect("stored under the next id");
		assert_eq!(
			stored,
			Indicator::new(b"8480-6", b"Systolic blood pressure", b"mm[Hg]", 0, 40, 300, 1).unwrap()
		);
		assert_eq!(IndicatorCount::<Test>::get(), 3);
		assert_eq!(Pallet::<Test>::indicator_id(b"8480-6"), Some(2));
		System::assert_last_event(
			Event::IndicatorRegistered { id: 2, code: b"8480-6".to_vec().try_into().unwrap() }.into(),
		);
	});
}

#[test]
fn a_signed_account_is_not_the_registrar() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			MedicalSharing::register_indicator(
				RuntimeOrigin::signed(AccountId32::new([7; 32])),
				b"8480-6".to_vec(),
				b"Systolic blood pressure".to_vec(),
				b"mm[Hg]".to_vec(),
				0,
				40,
				300,
				10
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn duplicate_loinc_code_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			register("8310-5", "Temperature again", "Cel", 1, 250, 450),
			Error::<Test>::DuplicateLoincCode
		);
	});
}

#[test]
fn registry_full_is_refused() {
	new_test_ext().execute_with(|| {
		// Fill the registry to one short of full (codes unique; their check digits are not
		// what this test is about, so the fillers are stored past validation).
		for id in IndicatorCount::<Test>::get()..MaxIndicators::get() - 1 {
			let filler = Indicator {
				code: format!("{}-0", 100_000 + id).into_bytes().try_into().unwrap(),
				name: b"Filler".to_vec().try_into().unwrap(),
				unit: b"1".to_vec().try_into().unwrap(),
				scale: 0,
				lo: 0,
				hi: 10,
				min_width: 1,
			};
			assert_ok!(Pallet::<Test>::insert_indicator(filler));
		}
		assert_ok!(register("1000-9", "Filler", "1", 0, 0, 10));
		assert_noop!(register("1001-7", "One too many", "1", 0, 0, 10), Error::<Test>::RegistryFull);
	});
}

#[test]
fn loinc_code_too_long_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(register("12345678-9", "Long", "1", 0, 0, 1), Error::<Test>::LoincCodeTooLong);
	});
}

#[test]
fn malformed_loinc_codes_are_refused() {
	new_test_ext().execute_with(|| {
		for code in ["", "8310", "8310-", "-5", "83a0-5", "8310-x", "8310_5", "8310--5", " 8310-5"] {
			assert_noop!(
				register(code, "Malformed", "Cel", 0, 0, 1),
				Error::<Test>::LoincCodeMalformed
			);
		}
	});
}

#[test]
fn wrong_loinc_check_digit_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			register("8480-7", "Systolic blood pressure", "mm[Hg]", 0, 40, 300),
			Error::<Test>::LoincCheckDigitMismatch
		);
	});
}

#[test]
fn unit_too_long_is_refused() {
	new_test_ext().execute_with(|| {
		let unit = "m".repeat(indicator::MAX_UNIT_LEN as usize + 1);
		assert_noop!(register("8480-6", "Systolic", &unit, 0, 40, 300), Error::<Test>::UnitTooLong);
	});
}

#[test]
fn malformed_units_are_refused() {
	new_test_ext().execute_with(|| {
		for unit in ["", "mm Hg", "mm[Hg", "mm]Hg", "mm[H[g]]", "{beat", "kg.", ".kg", "kg..m", "kg//m", "mg/", "(mg)", "mg\u{7f}"] {
			assert_noop!(
				register("8480-6", "Systolic", unit, 0, 40, 300),
				Error::<Test>::UnitMalformed
			);
		}
	});
}

#[test]
fn well_formed_units_are_accepted() {
	for unit in ["Cel", "mm[Hg]", "/min", "%", "mmol/L", "mg/dL", "kg/m2", "{beats}/min", "[degF]", "10*3/uL", "m/s2", "1"] {
		assert!(indicator::parse_ucum_unit(unit.as_bytes()).is_ok(), "{unit} should be accepted");
	}
}

#[test]
fn name_too_long_is_refused() {
	new_test_ext().execute_with(|| {
		let name = "n".repeat(indicator::MAX_NAME_LEN as usize + 1);
		assert_noop!(register("8480-6", &name, "mm[Hg]", 0, 40, 300), Error::<Test>::NameTooLong);
	});
}

#[test]
fn malformed_names_are_refused() {
	new_test_ext().execute_with(|| {
		for name in [&b""[..], b"   ", b"line\nbreak", b"\xff\xfe"] {
			assert_noop!(
				MedicalSharing::register_indicator(
					RuntimeOrigin::root(),
					b"8480-6".to_vec(),
					name.to_vec(),
					b"mm[Hg]".to_vec(),
					0,
					40,
					300,
					10
				),
				Error::<Test>::NameMalformed
			);
		}
	});
}

#[test]
fn scale_above_nine_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(register("8480-6", "Systolic", "mm[Hg]", 10, 40, 300), Error::<Test>::ScaleTooLarge);
	});
}

#[test]
fn inverted_and_point_domains_are_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(register("8480-6", "Systolic", "mm[Hg]", 0, 301, 300), Error::<Test>::DomainInverted);
		// A point domain leaves no room for the minimum width of 1.
		assert_noop!(register("8480-6", "Systolic", "mm[Hg]", 0, 300, 300), Error::<Test>::RegistryMinWidthExceedsDomain);
		assert_ok!(register("8480-6", "Systolic", "mm[Hg]", 0, 299, 300));
	});
}

#[test]
fn the_registry_minimum_width_is_at_least_one_and_fits_the_domain() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			register_with_width("8480-6", "Systolic", "mm[Hg]", 0, 40, 300, 0),
			Error::<Test>::RegistryMinWidthZero
		);
		assert_noop!(
			register_with_width("8480-6", "Systolic", "mm[Hg]", 0, 40, 300, 261),
			Error::<Test>::RegistryMinWidthExceedsDomain
		);
		assert_ok!(register_with_width("8480-6", "Systolic", "mm[Hg]", 0, 40, 300, 260));
		assert_eq!(Indicators::<Test>::get(2).unwrap().min_width, 260);
	});
}

#[test]
fn the_registrar_sets_a_minimum_width() {
	new_test_ext().execute_with(|| {
		let set = |origin, id, width| MedicalSharing::set_indicator_min_width(origin, id, width);
		assert_noop!(set(RuntimeOrigin::signed(AccountId32::new([1; 32])), 0, 60), DispatchError::BadOrigin);
		assert_noop!(set(RuntimeOrigin::root(), 9, 60), Error::<Test>::UnknownIndicator);
		assert_noop!(set(RuntimeOrigin::root(), 0, 0), Error::<Test>::RegistryMinWidthZero);
		assert_noop!(set(RuntimeOrigin::root(), 0, 2001), Error::<Test>::RegistryMinWidthExceedsDomain);
		assert_ok!(set(RuntimeOrigin::root(), 0, 2000));
		assert_eq!(Indicators::<Test>::get(0).unwrap().min_width, 2000);
		System::assert_last_event(Event::IndicatorMinWidthSet { id: 0, min_width: 2000 }.into());
	});
}

#[test]
fn loinc_check_digits_of_the_common_vital_signs_verify() {
	for code in ["8310-5", "8480-6", "8462-4", "8867-4", "2708-6", "59408-5", "15074-8", "2339-0", "9279-1", "29463-7", "8302-2"] {
		assert!(indicator::parse_loinc_code(code.as_bytes()).is_ok(), "{code} should verify");
	}
}

// ---------------------------------------------------------------------------------------------
// The sharing session, with real Groth16 proofs (committed fixtures) and real 2048-bit
// Paillier keys and ciphertexts (generated here).
// ---------------------------------------------------------------------------------------------

mod session {
	use super::*;
	use crate::{
		fixtures::{self, Fixture, HOLDER, INSTITUTION, NONCE, OTHER_HOLDER},
		Circuit, EncodedCiphertext, EncodedPublicKey, HolderKeys, Institutions, KeyRegistration, RequestStatus,
		Requests, SessionByParticipant, SessionPayloads, SessionState, Sessions, VerifyingKeys,
		DevelopmentKeysRefused, KeyOrigin,
	};
	use sp_core::H256;
	use frame_support::{traits::fungible::InspectHold, BoundedVec};
	use medshare_paillier::proofs::{attacks, modulus, ring_pedersen, ProofContext};
	use medshare_paillier::cmp::attacks::{cheat, Cheat};
	use medshare_paillier::compare::{ComparisonContext, ComparisonStatement};
	use medshare_paillier::{compare, Ciphertext, EncodedKeyProof, Keypair};
	use medshare_paillier::num_bigint;
	use medshare_zk::link::LinkContext;
	use codec::Encode;
	use frame_support::dispatch::Pays;
	use std::collections::HashMap;
	use std::sync::{Mutex, OnceLock};

	fn account(bytes: [u8; 32]) -> AccountId {
		AccountId32::new(bytes)
	}
	fn signed(bytes: [u8; 32]) -> RuntimeOrigin {
		RuntimeOrigin::signed(account(bytes))
	}

	/// The institution's and the holder's Paillier keys, generated once per test process.
	fn keys() -> &'static (Keypair, Keypair) {
		static KEYS: OnceLock<(Keypair, Keypair)> = OnceLock::new();
		KEYS.get_or_init(|| {
			let mut rng = rand_010::rng();
			(Keypair::generate(2048, &mut rng).unwrap(), Keypair::generate(2048, &mut rng).unwrap())
		})
	}
	fn institution_keys() -> &'static Keypair {
		&keys().0
	}
	fn holder_keys() -> &'static Keypair {
		&keys().1
	}

	fn small() -> Fixture {
		fixtures::small()
	}

	fn held(who: [u8; 32]) -> Balance {
		Balances::total_balance_on_hold(&account(who))
	}

	/// The proof context of `who` on the mock chain (genesis hash as frame-system stores it).
	fn context_of(who: [u8; 32]) -> ProofContext {
		MedicalSharing::proof_context(&account(who))
	}

	/// A key registration with real proofs of `keypair` by `who`, made once per pair.
	fn registration(keypair: &'static Keypair, who: [u8; 32]) -> KeyRegistration {
		static MADE: OnceLock<Mutex<HashMap<(Vec<u8>, [u8; 32]), KeyRegistration>>> = OnceLock::new();
		let context = context_of(who);
		let cache_key = (keypair.public().to_bytes(), who);
		if let Some(made) = MADE.get_or_init(Default::default).lock().unwrap().get(&cache_key) {
			return made.clone();
		}
		let mut rng = rand_010::rng();
		let modulus_proof = modulus::prove(keypair, &context, &mut rng).unwrap();
		let (params, prm_proof) = ring_pedersen::generate(keypair, &context, &mut rng).unwrap();
		let made = KeyRegistration {
			key: keypair.public().to_encoded(),
			ring_pedersen: params.to_encoded(),
			modulus_proof: EncodedKeyProof::new(modulus_proof).unwrap(),
			ring_pedersen_proof: EncodedKeyProof::new(prm_proof).unwrap(),
		};
		MADE.get_or_init(Default::default).lock().unwrap().insert(cache_key, made.clone());
		made
	}

	fn register_institution_key() {
		assert_ok!(MedicalSharing::register_institution(
			signed(INSTITUTION),
			registration(institution_keys(), INSTITUTION),
			b"MedShare test institute".to_vec().try_into().unwrap(),
		));
	}

	fn register_holder_key() {
		assert_ok!(MedicalSharing::register_holder_key(signed(HOLDER), registration(holder_keys(), HOLDER)));
	}

	fn create_request(fixture: &Fixture) -> sp_runtime::DispatchResult {
		MedicalSharing::create_request(
			signed(INSTITUTION),
			BoundedVec::truncate_from(fixture.requested.clone()),
			BoundedVec::truncate_from(fixture.range_commitments.clone()),
			BoundedVec::truncate_from(fixture.requirement_proofs.clone()),
			100,
		)
	}

	/// Institution and holder keys registered, request 0 created from the small fixture.
	fn with_request(test: impl FnOnce(&Fixture)) {
		new_test_ext().execute_with(|| {
			let fixture = small();
			register_institution_key();
			register_holder_key();
			assert_ok!(create_request(&fixture));
			test(&fixture)
		})
	}

	fn submit_eligibility(fixture: &Fixture, holder: usize) -> sp_runtime::DispatchResult {
		let proofs = &fixture.holders[holder];
		MedicalSharing::submit_eligibility(
			signed(proofs.holder),
			0,
			NONCE,
			BoundedVec::truncate_from(proofs.data_commitments.clone()),
			BoundedVec::truncate_from(proofs.proofs.clone()),
		)
	}

	fn encode_all(cts: &[Ciphertext], key: &medshare_paillier::PublicKey) -> Vec<EncodedCiphertext> {
		cts.iter().map(|c| c.to_encoded(key)).collect()
	}

	fn encrypted_data(fixture: &Fixture) -> (Vec<Ciphertext>, Vec<EncodedCiphertext>) {
		let cts = compare::encrypt_values(holder_keys(), &fixture.holders[0].values, &mut rand_010::rng());
		let encoded = encode_all(&cts, holder_keys().public());
		(cts, encoded)
	}

	/// What a link proof of session `session` by `holder` is bound to on the mock chain.
	fn link_context(holder: [u8; 32], session: u64) -> LinkContext {
		LinkContext { genesis_hash: MedicalSharing::genesis_hash(), holder, request_id: 0, session_id: session }
	}

	/// A link proof by the prover's own algorithm for `ciphertexts` (under HOLDER's key) and
	/// the committed `values` of the small fixture's first holder.
	fn link_proof_for(context: LinkContext, values: &[u32], ciphertexts: &[Ciphertext]) -> Vec<u8> {
		let proofs = &small().holders[0];
		medshare_zk::link::prove(
			holder_keys(),
			context,
			values,
			ciphertexts,
			&proofs.blindings,
			&proofs.data_commitments,
			&mut rand_010::rng(),
			|_, _| {},
		)
		.unwrap()
	}

	fn submit_data_with(session: u64, encoded: Vec<EncodedCiphertext>, proof: Vec<u8>) -> sp_runtime::DispatchResult {
		MedicalSharing::submit_encrypted_data(
			signed(HOLDER),
			session,
			BoundedVec::truncate_from(encoded),
			BoundedVec::truncate_from(proof),
		)
	}

	/// Submits `encoded` with HOLDER's honest link proof for them (an empty proof where the
	/// bytes are no ciphertexts of the fixture's length under HOLDER's key, for the tests
	/// that are refused before the proof is read).
	fn submit_data(session: u64, encoded: Vec<EncodedCiphertext>) -> sp_runtime::DispatchResult {
		let key = holder_keys().public();
		let values = &small().holders[0].values;
		let ciphertexts: Option<Vec<Ciphertext>> = encoded.iter().map(|c| key.ciphertext_from_encoded(c).ok()).collect();
		let proof = match ciphertexts {
			Some(cts) if cts.len() == values.len() => link_proof_for(link_context(HOLDER, session), values, &cts),
			_ => Vec::new(),
		};
		submit_data_with(session, encoded, proof)
	}

	/// HOLDER's registered ring-Pedersen parameters, as the institution reads them.
	fn holder_bases() -> medshare_paillier::proofs::ring_pedersen::RingPedersen {
		let registered = registration(holder_keys(), HOLDER).ring_pedersen;
		medshare_paillier::proofs::ring_pedersen::RingPedersen::from_encoded(holder_keys().public(), &registered).unwrap()
	}

	/// What a comparison proof of session `session` between INSTITUTION and `holder` is bound
	/// to on the mock chain.
	fn comparison_context(holder: [u8; 32], session: u64) -> ComparisonContext {
		ComparisonContext { genesis_hash: MedicalSharing::genesis_hash(), institution: INSTITUTION, holder, request_id: 0, session_id: session }
	}

	/// The institution's step 5 with the fixture's ranges: outputs and their Pi^cmp for
	/// `context`.
	fn comparison_for(fixture: &Fixture, data: &[Ciphertext], context: ComparisonContext) -> (Vec<EncodedCiphertext>, Vec<u8>) {
		let key = holder_keys().public();
		let mut rng = rand_010::rng();
		let (outputs, witness) = compare::blind(key, data, &fixture.ranges, &mut rng).unwrap();
		let bases = holder_bases();
		let statement = ComparisonStatement { key, bases: &bases, context: &context, ciphertexts: data, outputs: &outputs };
		let proof = compare::prove(&statement, &witness, &mut rng).unwrap();
		(encode_all(&outputs, key), proof)
	}

	fn comparison(fixture: &Fixture, data: &[Ciphertext]) -> (Vec<EncodedCiphertext>, Vec<u8>) {
		comparison_for(fixture, data, comparison_context(HOLDER, 0))
	}

	fn submit_comparison_as(who: [u8; 32], outputs: Vec<EncodedCiphertext>, proof: Vec<u8>) -> sp_runtime::DispatchResult {
		MedicalSharing::submit_comparison(signed(who), 0, 0, BoundedVec::truncate_from(outputs), BoundedVec::truncate_from(proof))
	}

	/// Runs steps 1-5 for HOLDER; returns the comparison as submitted.
	fn through_comparison(fixture: &Fixture) -> Vec<EncodedCiphertext> {
		assert_ok!(submit_eligibility(fixture, 0));
		let (data, encoded) = encrypted_data(fixture);
		assert_ok!(submit_data(0, encoded));
		let (comparison, proof) = comparison(fixture, &data);
		assert_ok!(submit_comparison_as(INSTITUTION, comparison.clone(), proof));
		comparison
	}

	/// The holder's step 6-7 from the on-chain comparison.
	fn result(fixture: &Fixture, comparison: &[EncodedCiphertext]) -> Vec<EncodedCiphertext> {
		let key = holder_keys().public();
		let packed: Vec<Ciphertext> = comparison.iter().map(|c| key.ciphertext_from_encoded(c).unwrap()).collect();
		let outcomes = compare::unpack(holder_keys(), &packed, fixture.requested.len()).unwrap();
		let result = compare::encrypt_outcomes(institution_keys().public(), &outcomes, &mut rand_010::rng());
		encode_all(&result, institution_keys().public())
	}

	fn expected_outcomes(fixture: &Fixture, values: &[u32]) -> Vec<i8> {
		values
			.iter()
			.zip(&fixture.ranges)
			.map(|(&m, &(down, up))| if m < down { -1 } else if m > up { 1 } else { 0 })
			.collect()
	}

	#[test]
	fn the_whole_session_tells_the_institution_only_below_inside_above() {
		new_test_ext().execute_with(|| {
			let fixture = small();
			// Step 0, and the holder's key, registered once.
			register_institution_key();
			register_holder_key();
			// Step 1.
			assert_ok!(create_request(&fixture));
			let request = Requests::<Test>::get(0).unwrap();
			assert_eq!(request.statements.len(), 1);
			// Deposits are the storage price of what is kept: 100 + 1 per byte in the mock.
			assert_eq!(request.deposit, DepositBase::get() + request.encoded_size() as Balance);
			assert_eq!(held(INSTITUTION), request.deposit);
			// Steps 2-3.
			assert_ok!(submit_eligibility(&fixture, 0));
			assert_eq!(SessionByParticipant::<Test>::get(0, account(HOLDER)), Some(0));
			let opened = Sessions::<Test>::get(0).unwrap();
			// The summary as it will be with its four payload hashes, and the index entry.
			let record_len = opened.encoded_size() + 4 * 32 + 8;
			assert_eq!(opened.deposit, DepositBase::get() + record_len as Balance);
			assert_eq!(held(HOLDER), opened.deposit);
			System::assert_last_event(
				Event::SessionOpened {
					session_id: 0,
					request_id: 0,
					holder: account(HOLDER),
					institution: account(INSTITUTION),
					expires_at: 51,
					deposit: opened.deposit,
				}
				.into(),
			);
			// Step 4: the deposit grows to cover the ciphertexts, the holder's and the
			// comparison's to come (two outputs of 512 bytes, each with its 2-byte length).
			let (data, encoded) = encrypted_data(&fixture);
			assert_ok!(submit_data(0, encoded));
			assert_eq!(Sessions::<Test>::get(0).unwrap().state, SessionState::DataSubmitted);
			let stored = SessionPayloads::<Test>::get(0).unwrap();
			let with_data = DepositBase::get() + (record_len + stored.encoded_size() + 2 * 514) as Balance;
			assert_eq!(Sessions::<Test>::get(0).unwrap().deposit, with_data);
			assert_eq!(held(HOLDER), with_data);
			// Step 5: the institution reads E_U(m) from state.
			let payload = SessionPayloads::<Test>::get(0).unwrap();
			assert_eq!(payload.holder_key, HolderKeys::<Test>::get(account(HOLDER)).unwrap());
			let key = medshare_paillier::PublicKey::from_encoded(&payload.holder_key.key).unwrap();
			let on_chain: Vec<Ciphertext> =
				payload.encrypted_data.iter().map(|c| key.ciphertext_from_encoded(c).unwrap()).collect();
			assert_eq!(on_chain, data);
			let (comparison, proof) = comparison(&fixture, &on_chain);
			assert_ok!(submit_comparison_as(INSTITUTION, comparison, proof));
			// Steps 6-7: the holder reads the comparison from state.
			let on_chain = SessionPayloads::<Test>::get(0).unwrap().comparison.into_inner();
			let result = result(&fixture, &on_chain);
			assert_ok!(MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(result.clone())));
			// Step 8, off chain: the institution decrypts the submitted result.
			let result: Vec<Ciphertext> = result
				.iter()
				.map(|c| institution_keys().public().ciphertext_from_encoded(c).unwrap())
				.collect();
			let outcomes = compare::decode_outcomes(institution_keys(), &result, 2).unwrap();
			let outcomes: Vec<i8> = outcomes.iter().map(|o| o.as_i8()).collect();
			assert_eq!(outcomes, expected_outcomes(&fixture, &fixture.holders[0].values));
			// Step 9: completed, payloads gone, deposit released, summary kept.
			let session = Sessions::<Test>::get(0).unwrap();
			assert_eq!(session.state, SessionState::Completed);
			assert_eq!(session.holder_key_hash, Some(payload.holder_key.key_hash));
			assert!(session.data_hash.is_some());
			assert!(session.comparison_hash.is_some() && session.result_hash.is_some());
			assert!(!SessionPayloads::<Test>::contains_key(0));
			assert_eq!(held(HOLDER), 0);
			assert_eq!(Requests::<Test>::get(0).unwrap().open_sessions, 0);
		})
	}

	#[test]
	fn after_completion_only_the_summary_stays_and_nothing_plaintext_is_anywhere() {
		with_request(|fixture| {
			let comparison = through_comparison(fixture);
			let result = result(fixture, &comparison);
			assert_ok!(MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(result)));
			assert_eq!(SessionPayloads::<Test>::iter().count(), 0);
			assert_eq!(Sessions::<Test>::iter().count(), 1);

			// Every storage value and every event, as raw bytes.
			let mut haystack: Vec<(String, Vec<u8>)> = Vec::new();
			let mut key = Vec::new();
			while let Some(next) = sp_io::storage::next_key(&key) {
				haystack.push((format!("storage {}", hex::encode(&next)), sp_io::storage::get(&next).unwrap().to_vec()));
				key = next;
			}
			for record in System::events() {
				haystack.push((format!("event {:?}", record.event), codec::Encode::encode(&record.event)));
			}
			// Values that are uniformly random by construction and public by design (keys,
			// ring-Pedersen parameters, hashes, commitments, statements) are masked first: a
			// random byte next to a zero field reads as a small u32 (121 is `79 00 00 00`) about
			// once in 256 boundaries, which says nothing about a leak.
			let mut random: Vec<Vec<u8>> = Vec::new();
			for registered in [
				HolderKeys::<Test>::get(account(HOLDER)).unwrap(),
				Institutions::<Test>::get(account(INSTITUTION)).unwrap().public_key.unwrap(),
			] {
				random.push(registered.key.as_bytes().to_vec());
				random.push(registered.ring_pedersen.s.as_bytes().to_vec());
				random.push(registered.ring_pedersen.t.as_bytes().to_vec());
				random.push(registered.key_hash.0.to_vec());
			}
			let session = Sessions::<Test>::get(0).unwrap();
			for hash in [session.holder_key_hash, session.data_hash, session.comparison_hash, session.result_hash] {
				random.push(hash.unwrap().0.to_vec());
			}
			let request = Requests::<Test>::get(0).unwrap();
			random.extend(session.data_commitments.iter().chain(&request.statements).chain(&request.range_commitments).map(|c| c.to_vec()));
			for (_, bytes) in haystack.iter_mut() {
				for value in &random {
					let mut at = 0;
					while let Some(found) = bytes[at..].windows(value.len()).position(|w| w == value.as_slice()) {
						let start = at + found;
						bytes[start..start + value.len()].fill(0xaa);
						at = start + value.len();
					}
				}
			}
			let mut secrets: Vec<u32> = fixture.holders[0].values.clone();
			secrets.extend(fixture.ranges.iter().flat_map(|&(d, u)| [d, u]));
			assert!(secrets.iter().all(|&secret| secret & 0xff != 0xaa), "the mask byte must not be a secret's low byte");
			let find = |haystack: &[(String, Vec<u8>)], needle: &[u8]| {
				haystack.iter().find_map(|(place, bytes)| {
					bytes.windows(4).position(|w| w == needle).map(|at| format!("{place} at byte {at} of {}", hex::encode(bytes)))
				})
			};
			for &secret in &secrets {
				for needle in [secret.to_le_bytes(), secret.to_be_bytes()] {
					let found = find(&haystack, &needle);
					assert!(found.is_none(), "the plaintext {secret} appears on chain: {found:?}");
				}
			}
			// Positive control: a secret written into a stored value is found.
			let mut planted = haystack.clone();
			planted[0].1.extend_from_slice(&secrets[1].to_le_bytes());
			assert!(find(&planted, &secrets[1].to_le_bytes()).is_some());
		})
	}

	#[test]
	fn every_ending_releases_the_deposits() {
		// Completion releases the holder's; closing releases the institution's.
		with_request(|fixture| {
			let comparison = through_comparison(fixture);
			let result = result(fixture, &comparison);
			assert_ok!(MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(result)));
			assert_eq!(held(HOLDER), 0);
			assert_ok!(MedicalSharing::close_request(signed(INSTITUTION), 0));
			assert_eq!(held(INSTITUTION), 0);
			assert!(!Requests::<Test>::contains_key(0));
		});
		// Expiry of a session and of a request, cleaned up by a third party.
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			System::set_block_number(1 + SessionLifetime::get() + 1);
			assert_ok!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0));
			assert_eq!(Sessions::<Test>::get(0).unwrap().state, SessionState::Expired);
			assert_eq!(held(HOLDER), 0);
			System::set_block_number(1 + 100 + 1);
			assert_ok!(MedicalSharing::clean_up_request(signed(OTHER_HOLDER), 0));
			assert_eq!(held(INSTITUTION), 0);
			assert!(!Requests::<Test>::contains_key(0));
		});
		// A closed request with an open session stays until the session ends.
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			assert_ok!(MedicalSharing::close_request(signed(INSTITUTION), 0));
			assert_eq!(held(INSTITUTION), 0);
			assert_eq!(Requests::<Test>::get(0).unwrap().status, RequestStatus::Closed);
			System::set_block_number(1 + SessionLifetime::get() + 1);
			assert_ok!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0));
			assert!(!Requests::<Test>::contains_key(0));
		});
	}

	#[test]
	fn a_holder_rejoins_only_after_its_earlier_session_expired_and_was_cleaned_up() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			assert_noop!(submit_eligibility(fixture, 0), Error::<Test>::AlreadyParticipating);
			System::set_block_number(1 + SessionLifetime::get() + 1);
			assert_noop!(submit_eligibility(fixture, 0), Error::<Test>::PreviousSessionNotCleanedUp);
			let deposit = Sessions::<Test>::get(0).unwrap().deposit;
			assert_ok!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0));
			System::assert_last_event(
				Event::SessionExpired { session_id: 0, request_id: 0, holder: account(HOLDER), deposit_released: deposit }
					.into(),
			);
			// The summary records that nothing is held any more.
			assert_eq!(Sessions::<Test>::get(0).unwrap().deposit, 0);
			assert_ok!(submit_eligibility(fixture, 0));
			assert_eq!(SessionByParticipant::<Test>::get(0, account(HOLDER)), Some(1));
			assert_eq!(held(HOLDER), deposit);
			assert_eq!(Requests::<Test>::get(0).unwrap().open_sessions, 1);
			assert_eq!(Sessions::<Test>::get(0).unwrap().state, SessionState::Expired);
		});
		// A completed session is the holder's one answer to the request.
		with_request(|fixture| {
			let comparison = through_comparison(fixture);
			let result = result(fixture, &comparison);
			let deposit = Sessions::<Test>::get(0).unwrap().deposit;
			assert_ok!(MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(result)));
			System::assert_last_event(
				Event::SessionCompleted {
					session_id: 0,
					request_id: 0,
					holder: account(HOLDER),
					institution: account(INSTITUTION),
					result_hash: Sessions::<Test>::get(0).unwrap().result_hash.unwrap(),
					deposit_released: deposit,
				}
				.into(),
			);
			assert_eq!(Sessions::<Test>::get(0).unwrap().deposit, 0);
			assert_noop!(submit_eligibility(fixture, 0), Error::<Test>::AlreadyParticipating);
			System::set_block_number(1 + SessionLifetime::get() + 1);
			assert_noop!(submit_eligibility(fixture, 0), Error::<Test>::AlreadyParticipating);
		});
	}

	#[test]
	fn the_holder_withdraws_before_the_comparison_and_not_after() {
		let withdraw = |who: [u8; 32], session: u64| MedicalSharing::withdraw_session(signed(who), session);
		// Right after joining, and again after rejoining with the data submitted.
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			let deposit = Sessions::<Test>::get(0).unwrap().deposit;
			assert!(deposit > 0);
			assert_noop!(withdraw(INSTITUTION, 0), Error::<Test>::NotSessionHolder);
			assert_noop!(withdraw(HOLDER, 9), Error::<Test>::SessionNotFound);
			assert_ok!(withdraw(HOLDER, 0));
			System::assert_last_event(
				Event::SessionWithdrawn {
					session_id: 0,
					request_id: 0,
					holder: account(HOLDER),
					institution: account(INSTITUTION),
					deposit_released: deposit,
				}
				.into(),
			);
			let summary = Sessions::<Test>::get(0).unwrap();
			assert_eq!((summary.state, summary.deposit), (SessionState::Withdrawn, 0));
			assert_eq!(held(HOLDER), 0);
			assert_eq!(Requests::<Test>::get(0).unwrap().open_sessions, 0);
			assert_noop!(withdraw(HOLDER, 0), Error::<Test>::SessionEnded);
			// The holder may join again; this time it withdraws with its data on chain.
			assert_ok!(submit_eligibility(fixture, 0));
			let (_, encoded) = encrypted_data(fixture);
			assert_ok!(submit_data(1, encoded));
			assert!(SessionPayloads::<Test>::contains_key(1));
			assert_ok!(withdraw(HOLDER, 1));
			assert!(!SessionPayloads::<Test>::contains_key(1));
			assert_eq!(held(HOLDER), 0);
			// Later steps of a withdrawn session are refused.
			let (data, _) = encrypted_data(fixture);
			let (comparison, proof) = comparison(fixture, &data);
			assert_noop!(submit_comparison_as(INSTITUTION, comparison, proof), Error::<Test>::WrongSessionState);
		});
		// Once the comparison is on chain the holder can open it: withdrawing then is refused.
		with_request(|fixture| {
			through_comparison(fixture);
			assert_noop!(withdraw(HOLDER, 0), Error::<Test>::AlreadyCompared);
			assert_eq!(Sessions::<Test>::get(0).unwrap().state, SessionState::Compared);
		});
		// A withdrawn session's summary is pruned like any ended one, and a closed request
		// leaves with its last session.
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			assert_ok!(MedicalSharing::close_request(signed(INSTITUTION), 0));
			assert_ok!(withdraw(HOLDER, 0));
			assert!(!Requests::<Test>::contains_key(0));
			System::set_block_number(1 + SummaryRetention::get() + 1);
			assert_ok!(MedicalSharing::prune_session(signed(OTHER_HOLDER), 0));
			assert!(!Sessions::<Test>::contains_key(0));
		});
	}

	#[test]
	fn ended_summaries_are_pruned_after_the_retention_period_for_free() {
		let prune = |session: u64| MedicalSharing::prune_session(signed(OTHER_HOLDER), session);
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			assert_noop!(prune(0), Error::<Test>::SessionNotEnded);
			assert_noop!(prune(7), Error::<Test>::SessionNotFound);
			let ended_at = 1 + SessionLifetime::get() + 1;
			System::set_block_number(ended_at);
			let cleaned = MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0).unwrap();
			assert_eq!(cleaned.pays_fee, Pays::No);
			// The holder joins again: session 1 is now the pair's index entry.
			assert_ok!(submit_eligibility(fixture, 0));
			System::set_block_number(ended_at + SummaryRetention::get());
			assert_noop!(prune(0), Error::<Test>::SummaryRetained);
			System::set_block_number(ended_at + SummaryRetention::get() + 1);
			assert_eq!(prune(0).unwrap().pays_fee, Pays::No);
			System::assert_last_event(Event::SessionPruned { session_id: 0, request_id: 0 }.into());
			assert!(!Sessions::<Test>::contains_key(0));
			assert_eq!(SessionByParticipant::<Test>::get(0, account(HOLDER)), Some(1));
			assert_noop!(prune(0), Error::<Test>::SessionNotFound);
		});
		// A completed session's summary goes with its index entry.
		with_request(|fixture| {
			let comparison = through_comparison(fixture);
			assert_ok!(MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(result(fixture, &comparison))));
			let ended_at = Sessions::<Test>::get(0).unwrap().updated_at;
			System::set_block_number(ended_at + SummaryRetention::get() + 1);
			assert_ok!(prune(0));
			assert_eq!(SessionByParticipant::<Test>::iter().count(), 0);
			assert_eq!(Sessions::<Test>::iter().count(), 0);
			// The request expired long ago; its removal is free too.
			assert_eq!(MedicalSharing::clean_up_request(signed(OTHER_HOLDER), 0).unwrap().pays_fee, Pays::No);
		});
	}

	#[test]
	fn the_registrar_revokes_an_institution() {
		with_request(|fixture| {
			let request_deposit = Requests::<Test>::get(0).unwrap().deposit;
			assert_noop!(MedicalSharing::revoke_institution(signed(HOLDER), account(INSTITUTION)), DispatchError::BadOrigin);
			assert_noop!(
				MedicalSharing::revoke_institution(RuntimeOrigin::root(), account(HOLDER)),
				Error::<Test>::NotApprovedInstitution
			);
			assert_ok!(submit_eligibility(fixture, 0));
			let (_, encoded) = encrypted_data(fixture);
			assert_ok!(submit_data(0, encoded));
			let data: Vec<Ciphertext> = {
				let payload = SessionPayloads::<Test>::get(0).unwrap();
				let key = medshare_paillier::PublicKey::from_encoded(&payload.holder_key.key).unwrap();
				payload.encrypted_data.iter().map(|c| key.ciphertext_from_encoded(c).unwrap()).collect()
			};
			let (outputs, proof) = comparison(fixture, &data);

			assert_ok!(MedicalSharing::revoke_institution(RuntimeOrigin::root(), account(INSTITUTION)));
			System::assert_last_event(Event::InstitutionRevoked { institution: account(INSTITUTION) }.into());
			assert!(!Institutions::<Test>::contains_key(account(INSTITUTION)));
			assert_noop!(
				MedicalSharing::revoke_institution(RuntimeOrigin::root(), account(INSTITUTION)),
				Error::<Test>::NotApprovedInstitution
			);
			// No new request, no new holder, no comparison of the open session.
			assert_noop!(create_request(fixture), Error::<Test>::NotApprovedInstitution);
			assert_noop!(submit_eligibility(fixture, 1), Error::<Test>::InstitutionRevoked);
			assert_noop!(submit_comparison_as(INSTITUTION, outputs, proof), Error::<Test>::InstitutionRevoked);
			// The session expires and its deposit comes back; the request's once it expires.
			System::set_block_number(1 + SessionLifetime::get() + 1);
			assert_ok!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0));
			assert_eq!(held(HOLDER), 0);
			System::set_block_number(1 + 100 + 1);
			assert_ok!(MedicalSharing::clean_up_request(signed(OTHER_HOLDER), 0));
			System::assert_last_event(
				Event::RequestRemoved {
					request_id: 0,
					institution: account(INSTITUTION),
					deposit_released: request_deposit,
				}
				.into(),
			);
			assert_eq!(held(INSTITUTION), 0);
		});
	}

	#[test]
	fn the_registrar_force_closes_a_request() {
		with_request(|fixture| {
			let request_deposit = Requests::<Test>::get(0).unwrap().deposit;
			assert_noop!(MedicalSharing::force_close_request(signed(INSTITUTION), 0), DispatchError::BadOrigin);
			assert_noop!(MedicalSharing::force_close_request(RuntimeOrigin::root(), 7), Error::<Test>::RequestNotFound);
			assert_ok!(submit_eligibility(fixture, 0));
			assert_ok!(MedicalSharing::force_close_request(RuntimeOrigin::root(), 0));
			System::assert_last_event(
				Event::RequestClosed {
					request_id: 0,
					institution: account(INSTITUTION),
					forced: true,
					deposit_released: request_deposit,
				}
				.into(),
			);
			assert_eq!(held(INSTITUTION), 0);
			assert_eq!(Requests::<Test>::get(0).unwrap().deposit, 0);
			assert_noop!(MedicalSharing::force_close_request(RuntimeOrigin::root(), 0), Error::<Test>::RequestClosed);
			assert_noop!(MedicalSharing::close_request(signed(INSTITUTION), 0), Error::<Test>::RequestClosed);
			assert_noop!(submit_eligibility(fixture, 1), Error::<Test>::RequestClosed);
			// The open session may still finish; with it the request leaves.
			let (data, encoded) = encrypted_data(fixture);
			assert_ok!(submit_data(0, encoded));
			let (outputs, proof) = comparison(fixture, &data);
			assert_ok!(submit_comparison_as(INSTITUTION, outputs.clone(), proof));
			assert_ok!(MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(result(fixture, &outputs))));
			assert!(System::events().iter().any(|r| r.event
				== Event::RequestRemoved { request_id: 0, institution: account(INSTITUTION), deposit_released: 0 }.into()));
			assert!(!Requests::<Test>::contains_key(0));
		});
	}

	#[test]
	fn a_proof_replayed_by_another_account_fails() {
		with_request(|fixture| {
			let proofs = &fixture.holders[0];
			assert_noop!(
				MedicalSharing::submit_eligibility(
					signed(OTHER_HOLDER),
					0,
					NONCE,
					BoundedVec::truncate_from(proofs.data_commitments.clone()),
					BoundedVec::truncate_from(proofs.proofs.clone()),
				),
				Error::<Test>::InvalidProof
			);
			// With another nonce it fails too; the owner's own submission works.
			assert_noop!(
				MedicalSharing::submit_eligibility(
					signed(HOLDER),
					0,
					[0x45; 32],
					BoundedVec::truncate_from(proofs.data_commitments.clone()),
					BoundedVec::truncate_from(proofs.proofs.clone()),
				),
				Error::<Test>::InvalidProof
			);
			assert_ok!(submit_eligibility(fixture, 1));
			assert_ok!(submit_eligibility(fixture, 0));
		})
	}

	// ---- step 0 ----

	#[test]
	fn approval_is_the_registrars_and_happens_once() {
		new_test_ext().execute_with(|| {
			assert_noop!(MedicalSharing::approve_institution(signed(HOLDER), account(HOLDER)), DispatchError::BadOrigin);
			assert_noop!(
				MedicalSharing::approve_institution(RuntimeOrigin::root(), account(INSTITUTION)),
				Error::<Test>::AlreadyApproved
			);
			assert_ok!(MedicalSharing::approve_institution(RuntimeOrigin::root(), account(HOLDER)));
			System::assert_last_event(Event::InstitutionApproved { institution: account(HOLDER) }.into());
		})
	}

	#[test]
	fn only_an_approved_institution_registers_a_key() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				MedicalSharing::register_institution(signed(HOLDER), registration(institution_keys(), HOLDER), Default::default()),
				Error::<Test>::NotApprovedInstitution
			);
		})
	}

	#[test]
	fn a_malformed_institution_key_is_refused_with_its_reason() {
		new_test_ext().execute_with(|| {
			let good = institution_keys().public().to_bytes();
			// The key's structure is checked before its proofs.
			let register = |bytes: Vec<u8>| {
				let mut with_key = registration(institution_keys(), INSTITUTION);
				with_key.key = EncodedPublicKey::new(bytes).unwrap();
				MedicalSharing::register_institution(signed(INSTITUTION), with_key, Default::default())
			};
			assert_noop!(register(good[..200].to_vec()), Error::<Test>::PublicKeyWrongLength);
			let mut short = good.clone();
			short[0] = 0x01;
			assert_noop!(register(short), Error::<Test>::PublicKeyNotExactSize);
			let mut even = good.clone();
			*even.last_mut().unwrap() &= 0xfe;
			assert_noop!(register(even), Error::<Test>::PublicKeyEven);
			// 2^2048 - 1 is odd, of full size, and divisible by 3. (The perfect-square rule is
			// exercised in medshare-paillier's own tests: a square passing the other rules needs a
			// large prime root.)
			assert_noop!(register(vec![0xff; 256]), Error::<Test>::PublicKeySmallFactor);
			assert_ok!(register(good));
		})
	}

	// ---- key registration (PROTOCOL.md 9.1) ----

	#[test]
	fn a_holder_registers_its_key_once_and_every_session_uses_it() {
		new_test_ext().execute_with(|| {
			register_holder_key();
			let stored = HolderKeys::<Test>::get(account(HOLDER)).unwrap();
			assert_eq!(stored.key, holder_keys().public().to_encoded());
			System::assert_last_event(Event::HolderKeyRegistered { holder: account(HOLDER), key_hash: stored.key_hash }.into());
		})
	}

	#[test]
	fn data_without_a_registered_key_is_refused() {
		new_test_ext().execute_with(|| {
			let fixture = small();
			register_institution_key();
			assert_ok!(create_request(&fixture));
			assert_ok!(submit_eligibility(&fixture, 0));
			let (_, encoded) = encrypted_data(&fixture);
			assert_noop!(submit_data(0, encoded), Error::<Test>::HolderKeyMissing);
		})
	}

	/// `register_holder_key` by HOLDER of `registration`, expected to fail with `error`.
	fn refused(registration: KeyRegistration, error: Error<Test>) {
		assert_noop!(MedicalSharing::register_holder_key(signed(HOLDER), registration), error);
	}

	/// An attack modulus with the best proof its owner can forge, and honest-looking
	/// ring-Pedersen parameters (the modulus proof is checked first).
	fn forged(factored: &attacks::FactoredModulus) -> KeyRegistration {
		let key = factored.public_key();
		let proof = attacks::forge_modulus_proof(factored, &context_of(HOLDER), &mut rand_010::rng());
		let (params, prm_proof) = attacks::forge_ring_pedersen(&key, &context_of(HOLDER), &mut rand_010::rng());
		KeyRegistration {
			key: key.to_encoded(),
			ring_pedersen: params,
			modulus_proof: EncodedKeyProof::new(proof).unwrap(),
			ring_pedersen_proof: EncodedKeyProof::new(prm_proof).unwrap(),
		}
	}

	#[test]
	fn malformed_moduli_are_refused_at_registration() {
		new_test_ext().execute_with(|| {
			let mut rng = rand_010::rng();
			refused(forged(&attacks::smooth_subgroup_modulus(2048, &mut rng)), Error::<Test>::ModulusProofNthRootFailed);
			refused(forged(&attacks::prime_cube_modulus(2048, &mut rng)), Error::<Test>::ModulusProofNthRootFailed);
			refused(forged(&attacks::three_prime_modulus(2048, &mut rng)), Error::<Test>::ModulusProofFourthRootFailed);
			refused(forged(&attacks::non_blum_modulus(2048, &mut rng)), Error::<Test>::ModulusProofFourthRootFailed);
			refused(forged(&attacks::prime_modulus(2048, &mut rng)), Error::<Test>::ModulusIsPrime);
			assert!(HolderKeys::<Test>::iter().next().is_none());
		})
	}

	#[test]
	fn proofs_for_another_account_or_key_or_altered_are_refused() {
		new_test_ext().execute_with(|| {
			// The institution's own valid registration, replayed by the holder.
			refused(registration(institution_keys(), INSTITUTION), Error::<Test>::ModulusProofNthRootFailed);
			let good = registration(holder_keys(), HOLDER);
			let width = 256;
			let with = |change: &dyn Fn(&mut KeyRegistration)| {
				let mut bad = good.clone();
				change(&mut bad);
				bad
			};
			// Another key with the holder's proofs: a proof value at or above the other modulus is
			// not canonical; when every value is below it, the roots fail. Which case holds
			// depends on the two random moduli, so it is read from the proof's values.
			let other = institution_keys().public();
			let values = 1 + medshare_paillier::proofs::KEY_PROOF_ROUNDS + medshare_paillier::proofs::NTH_ROOT_ROUNDS;
			let above_other = good.modulus_proof.as_bytes()[..values * width]
				.chunks_exact(width)
				.any(|value| num_bigint::BigUint::from_bytes_be(value) >= *other.n());
			let expected = if above_other {
				Error::<Test>::ModulusProofMalformed
			} else {
				Error::<Test>::ModulusProofNthRootFailed
			};
			refused(with(&|r| r.key = other.to_encoded()), expected);
			// One round altered: x_5, then the ring-Pedersen response z_3.
			let alter = |proof: &EncodedKeyProof, offset: usize| {
				let mut bytes = proof.as_bytes().to_vec();
				bytes[offset] ^= 1;
				EncodedKeyProof::new(bytes).unwrap()
			};
			refused(
				with(&|r| r.modulus_proof = alter(&good.modulus_proof, 6 * width - 1)),
				Error::<Test>::ModulusProofFourthRootFailed,
			);
			refused(
				with(&|r| r.ring_pedersen_proof = alter(&good.ring_pedersen_proof, 84 * width - 1)),
				Error::<Test>::RingPedersenProofInvalid,
			);
			// Truncated and oversized proofs.
			let resize = |proof: &EncodedKeyProof, len: usize| {
				let mut bytes = proof.as_bytes().to_vec();
				bytes.resize(len, 0);
				EncodedKeyProof::new(bytes).unwrap()
			};
			let len = good.modulus_proof.as_bytes().len();
			refused(with(&|r| r.modulus_proof = resize(&good.modulus_proof, len - 1)), Error::<Test>::ModulusProofMalformed);
			refused(with(&|r| r.modulus_proof = resize(&good.modulus_proof, len + 1)), Error::<Test>::ModulusProofMalformed);
			let len = good.ring_pedersen_proof.as_bytes().len();
			refused(
				with(&|r| r.ring_pedersen_proof = resize(&good.ring_pedersen_proof, len + width)),
				Error::<Test>::RingPedersenProofMalformed,
			);
			assert!(EncodedKeyProof::new(vec![0; medshare_paillier::MAX_KEY_PROOF_BYTES + 1]).is_err());
			// Ring-Pedersen parameters: wrong width, degenerate t, s outside <t>.
			refused(
				with(&|r| r.ring_pedersen.s = medshare_paillier::EncodedBases::new(vec![1; 255]).unwrap()),
				Error::<Test>::RingPedersenParamsMalformed,
			);
			refused(
				with(&|r| {
					let mut one = vec![0u8; width];
					one[width - 1] = 1;
					r.ring_pedersen.t = medshare_paillier::EncodedResidue::new(one).unwrap();
				}),
				Error::<Test>::RingPedersenParamsDegenerate,
			);
			let (outside, outside_proof) = attacks::forge_ring_pedersen(holder_keys().public(), &context_of(HOLDER), &mut rand_010::rng());
			refused(
				with(&|r| {
					r.ring_pedersen = outside.clone();
					r.ring_pedersen_proof = EncodedKeyProof::new(outside_proof.clone()).unwrap();
				}),
				Error::<Test>::RingPedersenProofInvalid,
			);
			// The genuine registration passes.
			assert_ok!(MedicalSharing::register_holder_key(signed(HOLDER), good));
		})
	}

	#[test]
	fn the_version_one_comparison_attack_no_longer_reaches_step_five() {
		// The holder of N = p Q p2 (Q | p - 1, smooth) would read the institution's ranges from
		// the step-5 ciphertexts (PROTOCOL.md 6). It proves eligibility honestly, but cannot
		// register its key, so its data is refused and no comparison is ever made for it.
		new_test_ext().execute_with(|| {
			let fixture = small();
			register_institution_key();
			assert_ok!(create_request(&fixture));
			let bad = attacks::smooth_subgroup_modulus(2048, &mut rand_010::rng());
			refused(forged(&bad), Error::<Test>::ModulusProofNthRootFailed);
			assert_ok!(submit_eligibility(&fixture, 0));
			let key = bad.public_key();
			let data: Vec<EncodedCiphertext> = fixture.holders[0]
				.values
				.iter()
				.map(|&m| key.encrypt_u64(u64::from(m), &mut rand_010::rng()).to_encoded(&key))
				.collect();
			assert_noop!(submit_data(0, data), Error::<Test>::HolderKeyMissing);
			assert_noop!(
				submit_comparison_as(INSTITUTION, Vec::new(), Vec::new()),
				Error::<Test>::WrongSessionState
			);
		})
	}

	// ---- verifying keys ----

	#[test]
	fn verifying_keys_are_checked_before_they_are_stored() {
		new_test_ext().execute_with(|| {
			let set = |circuit, key: &[u8]| {
				MedicalSharing::set_verifying_key(
					RuntimeOrigin::root(),
					circuit,
					BoundedVec::truncate_from(key.to_vec()),
					KeyOrigin::Development,
				)
			};
			assert_noop!(set(Circuit::Requirement, &medshare_zk::DEV_REQUIREMENT_VK[..500]), Error::<Test>::MalformedVerifyingKey);
			assert_noop!(set(Circuit::Requirement, medshare_zk::DEV_ELIGIBILITY_VK), Error::<Test>::VerifyingKeyInputMismatch);
			let mut corrupt = medshare_zk::DEV_REQUIREMENT_VK.to_vec();
			corrupt[20] ^= 0x11;
			assert_noop!(set(Circuit::Requirement, &corrupt), Error::<Test>::MalformedVerifyingKey);
			assert_noop!(
				MedicalSharing::set_verifying_key(
					signed(HOLDER),
					Circuit::Requirement,
					BoundedVec::truncate_from(medshare_zk::DEV_REQUIREMENT_VK.to_vec()),
					KeyOrigin::Development,
				),
				DispatchError::BadOrigin
			);
			assert_ok!(set(Circuit::Requirement, medshare_zk::DEV_REQUIREMENT_VK));
			assert!(VerifyingKeys::<Test>::contains_key(Circuit::Requirement));
			assert_eq!(MedicalSharing::key_origin(Circuit::Requirement), KeyOrigin::Development);
		})
	}

	/// The attacks on a chain's keys: a registrar (or a chain spec) that passes the forgeable
	/// development key off as a ceremony's, and a development key on a chain that refuses them.
	#[test]
	fn key_origins_are_recorded_and_development_keys_cannot_pass_as_a_ceremonys() {
		new_test_ext().execute_with(|| {
			let transcript = H256([7; 32]);
			let set = |key: &[u8], origin| {
				MedicalSharing::set_verifying_key(
					RuntimeOrigin::root(),
					Circuit::Eligibility,
					BoundedVec::truncate_from(key.to_vec()),
					origin,
				)
			};
			assert_noop!(
				set(medshare_zk::DEV_ELIGIBILITY_VK, KeyOrigin::Ceremony { transcript }),
				Error::<Test>::DevelopmentKeyClaimsCeremony
			);
			// A well-formed key that is not the development one: its α and β in G1 swapped.
			let mut ceremony_key = medshare_zk::DEV_ELIGIBILITY_VK.to_vec();
			let (alpha, beta) = ceremony_key[..192].split_at_mut(96);
			alpha.swap_with_slice(beta);
			assert_ok!(set(&ceremony_key, KeyOrigin::Ceremony { transcript }));
			assert_eq!(MedicalSharing::key_origin(Circuit::Eligibility), KeyOrigin::Ceremony { transcript });
			System::assert_last_event(
				Event::VerifyingKeySet {
					circuit: Circuit::Eligibility,
					key_hash: H256(sp_io::hashing::blake2_256(&ceremony_key)),
					origin: KeyOrigin::Ceremony { transcript },
				}
				.into(),
			);

			// A chain that refuses development keys refuses them under either label.
			DevelopmentKeysRefused::<Test>::put(true);
			assert_noop!(set(medshare_zk::DEV_ELIGIBILITY_VK, KeyOrigin::Development), Error::<Test>::DevelopmentKeyRefused);
			assert_noop!(set(&ceremony_key, KeyOrigin::Development), Error::<Test>::DevelopmentKeyRefused);
			assert_noop!(
				set(medshare_zk::DEV_ELIGIBILITY_VK, KeyOrigin::Ceremony { transcript }),
				Error::<Test>::DevelopmentKeyClaimsCeremony
			);
			assert_ok!(set(&ceremony_key, KeyOrigin::Ceremony { transcript: H256([8; 32]) }));
		})
	}

	/// A genesis that refuses development keys does not start with one.
	#[test]
	#[should_panic(expected = "DevelopmentKeyRefused")]
	fn a_genesis_refusing_development_keys_does_not_take_one() {
		let mut config = crate::mock::genesis_config();
		config.medical_sharing.refuse_development_keys = true;
		let _ = sp_runtime::BuildStorage::build_storage(&config);
	}

	// ---- step 1 ----

	fn request_error(change: impl FnOnce(&mut Fixture) -> u64, error: Error<Test>) {
		new_test_ext().execute_with(|| {
			let mut fixture = small();
			register_institution_key();
			let lifetime = change(&mut fixture);
			assert_noop!(
				MedicalSharing::create_request(
					signed(INSTITUTION),
					BoundedVec::truncate_from(fixture.requested.clone()),
					BoundedVec::truncate_from(fixture.range_commitments.clone()),
					BoundedVec::truncate_from(fixture.requirement_proofs.clone()),
					lifetime,
				),
				error
			);
		})
	}

	#[test]
	fn request_without_indicators() {
		request_error(|f| { f.requested.clear(); 100 }, Error::<Test>::NoIndicators);
	}
	#[test]
	fn request_with_an_unknown_indicator() {
		request_error(|f| { f.requested[1].id = 99; 100 }, Error::<Test>::UnknownIndicator);
	}
	#[test]
	fn request_with_a_duplicate_indicator() {
		request_error(|f| { f.requested[1].id = 0; 100 }, Error::<Test>::DuplicateIndicator);
	}
	#[test]
	fn request_with_a_min_width_wider_than_the_domain() {
		request_error(|f| { f.requested[1].min_width = 281; 100 }, Error::<Test>::MinWidthExceedsDomain);
	}
	#[test]
	fn request_below_the_registry_minimum_width_is_refused_and_equal_is_accepted() {
		new_test_ext().execute_with(|| {
			let fixture = small();
			register_institution_key();
			// The fixture asks for widths 50 (temperature) and 10 (heart rate).
			assert_ok!(MedicalSharing::set_indicator_min_width(RuntimeOrigin::root(), 1, 11));
			assert_noop!(create_request(&fixture), Error::<Test>::MinWidthBelowRegistry);
			assert_ok!(MedicalSharing::set_indicator_min_width(RuntimeOrigin::root(), 1, 10));
			assert_ok!(MedicalSharing::set_indicator_min_width(RuntimeOrigin::root(), 0, 50));
			assert_ok!(create_request(&fixture));
		})
	}

	#[test]
	fn request_lifetime_bounds() {
		request_error(|_| MinRequestLifetime::get() - 1, Error::<Test>::LifetimeTooShort);
		request_error(|_| MaxRequestLifetime::get() + 1, Error::<Test>::LifetimeTooLong);
	}
	#[test]
	fn request_with_the_wrong_number_of_commitments_or_proofs() {
		request_error(|f| { f.range_commitments.push([0; 32]); 100 }, Error::<Test>::WrongCommitmentCount);
		request_error(|f| { f.requirement_proofs.clear(); 100 }, Error::<Test>::WrongProofCount);
	}
	#[test]
	fn request_with_a_non_canonical_commitment() {
		request_error(|f| { f.range_commitments[0] = [0xff; 32]; 100 }, Error::<Test>::NonCanonicalCommitment);
	}
	#[test]
	fn request_with_a_malformed_proof() {
		request_error(|f| { f.requirement_proofs[0] = [0; 192]; 100 }, Error::<Test>::MalformedProof);
	}
	#[test]
	fn request_whose_proof_does_not_fit_its_statement() {
		// Another minimum width changes S, which the pallet computes itself.
		request_error(|f| { f.requested[0].min_width += 1; 100 }, Error::<Test>::InvalidProof);
		// Another commitment.
		request_error(|f| { f.range_commitments[0][0] ^= 1; 100 }, Error::<Test>::InvalidProof);
	}

	#[test]
	fn request_by_an_institution_without_a_key_or_approval() {
		new_test_ext().execute_with(|| {
			let fixture = small();
			assert_noop!(create_request(&fixture), Error::<Test>::InstitutionKeyMissing);
			assert_noop!(
				MedicalSharing::create_request(
					signed(HOLDER),
					BoundedVec::truncate_from(fixture.requested.clone()),
					BoundedVec::truncate_from(fixture.range_commitments.clone()),
					BoundedVec::truncate_from(fixture.requirement_proofs.clone()),
					100,
				),
				Error::<Test>::NotApprovedInstitution
			);
		})
	}

	#[test]
	fn request_without_a_verifying_key_or_the_deposit() {
		new_test_ext().execute_with(|| {
			let fixture = small();
			register_institution_key();
			VerifyingKeys::<Test>::remove(Circuit::Requirement);
			assert_noop!(create_request(&fixture), Error::<Test>::VerifyingKeyMissing);
		});
		new_test_ext().execute_with(|| {
			let fixture = small();
			register_institution_key();
			let _ = Balances::force_set_balance(RuntimeOrigin::root(), account(INSTITUTION), 10);
			assert_noop!(create_request(&fixture), Error::<Test>::InsufficientDeposit);
		});
	}

	// ---- steps 2-3 ----

	#[test]
	fn eligibility_for_a_missing_closed_or_expired_request() {
		new_test_ext().execute_with(|| {
			let fixture = small();
			assert_noop!(submit_eligibility(&fixture, 0), Error::<Test>::RequestNotFound);
		});
		with_request(|fixture| {
			assert_ok!(MedicalSharing::close_request(signed(INSTITUTION), 0));
			// Closed with no session: the request is gone.
			assert_noop!(submit_eligibility(fixture, 0), Error::<Test>::RequestNotFound);
		});
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 1));
			assert_ok!(MedicalSharing::close_request(signed(INSTITUTION), 0));
			assert_noop!(submit_eligibility(fixture, 0), Error::<Test>::RequestClosed);
		});
		with_request(|fixture| {
			System::set_block_number(1 + 100 + 1);
			assert_noop!(submit_eligibility(fixture, 0), Error::<Test>::RequestExpired);
		});
	}

	#[test]
	fn eligibility_twice_or_by_the_institution() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			assert_noop!(submit_eligibility(fixture, 0), Error::<Test>::AlreadyParticipating);
			let proofs = &fixture.holders[0];
			assert_noop!(
				MedicalSharing::submit_eligibility(
					signed(INSTITUTION),
					0,
					NONCE,
					BoundedVec::truncate_from(proofs.data_commitments.clone()),
					BoundedVec::truncate_from(proofs.proofs.clone()),
				),
				Error::<Test>::InstitutionCannotParticipate
			);
		})
	}

	#[test]
	fn eligibility_with_wrong_counts() {
		with_request(|fixture| {
			let proofs = &fixture.holders[0];
			assert_noop!(
				MedicalSharing::submit_eligibility(signed(HOLDER), 0, NONCE, Default::default(), BoundedVec::truncate_from(proofs.proofs.clone())),
				Error::<Test>::WrongCommitmentCount
			);
			assert_noop!(
				MedicalSharing::submit_eligibility(signed(HOLDER), 0, NONCE, BoundedVec::truncate_from(proofs.data_commitments.clone()), Default::default()),
				Error::<Test>::WrongProofCount
			);
		})
	}

	// ---- step 4 ----

	#[test]
	fn data_from_the_wrong_account_in_the_wrong_state_or_late() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			let (_, encoded) = encrypted_data(fixture);
			assert_noop!(
				MedicalSharing::submit_encrypted_data(
					signed(OTHER_HOLDER),
					0,
					BoundedVec::truncate_from(encoded.clone()),
					Default::default()
				),
				Error::<Test>::NotSessionHolder
			);
			assert_noop!(submit_data(1, encoded.clone()), Error::<Test>::SessionNotFound);
			System::set_block_number(1 + SessionLifetime::get() + 1);
			assert_noop!(submit_data(0, encoded.clone()), Error::<Test>::SessionExpired);
			System::set_block_number(2);
			assert_ok!(submit_data(0, encoded.clone()));
			assert_noop!(submit_data(0, encoded), Error::<Test>::WrongSessionState);
		})
	}

	#[test]
	fn data_with_the_wrong_count_or_bad_ciphertexts() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			let (_, encoded) = encrypted_data(fixture);
			assert_noop!(submit_data(0, encoded[..1].to_vec()), Error::<Test>::WrongCiphertextCount);
			let mut bad = encoded.clone();
			bad[1] = EncodedCiphertext::new(vec![0u8; 512]).unwrap();
			assert_noop!(submit_data(0, bad), Error::<Test>::CiphertextNotCoprime);
			let mut bad = encoded.clone();
			bad[1] = EncodedCiphertext::new(vec![0xffu8; 512]).unwrap();
			assert_noop!(submit_data(0, bad), Error::<Test>::CiphertextNotBelowModulusSquared);
			let mut bad = encoded.clone();
			bad[0] = EncodedCiphertext::new(vec![1u8; 300]).unwrap();
			assert_noop!(submit_data(0, bad), Error::<Test>::CiphertextWrongLength);
		})
	}

	// ---- step 4: the link proof (PROTOCOL.md 9.2) ----

	/// HOLDER's session 0 with ciphertexts of `plaintexts` in place of the committed values,
	/// proven by the prover's own algorithm: the best a holder can do.
	fn cheating_data(plaintexts: &[num_bigint::BigUint]) -> (Vec<EncodedCiphertext>, Vec<u8>) {
		let key = holder_keys();
		let mut rng = rand_010::rng();
		// Each plaintext in its indicator's comparison slot, as step 4 encrypts.
		let cts: Vec<Ciphertext> = plaintexts
			.iter()
			.enumerate()
			.map(|(i, x)| key.encrypt(&(x << medshare_paillier::cmp::slot_shift(key.public(), i)), &mut rng))
			.collect();
		let proof = link_proof_for(link_context(HOLDER, 0), &small().holders[0].values, &cts);
		(encode_all(&cts, key.public()), proof)
	}

	fn committed_plaintexts() -> Vec<num_bigint::BigUint> {
		small().holders[0].values.iter().map(|&m| num_bigint::BigUint::from(m)).collect()
	}

	#[test]
	fn encrypting_m_plus_2_400_is_refused_at_step_4() {
		// The attack of issue 11: E(m + 2^400) would let the holder read the institution's
		// blinding factors, and so its exact ranges, out of the comparison.
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			let mut plaintexts = committed_plaintexts();
			plaintexts[0] += num_bigint::BigUint::from(1u32) << 400u32;
			let (encoded, proof) = cheating_data(&plaintexts);
			assert_noop!(submit_data_with(0, encoded, proof), Error::<Test>::LinkEncryptionEquationFailed);
			assert_eq!(Sessions::<Test>::get(0).unwrap().state, SessionState::Eligible);
		})
	}

	#[test]
	fn encrypting_any_other_value_is_refused_off_by_one_included() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			for (index, delta) in [(0usize, 1u32), (1, 1), (1, 1 << 20)] {
				let mut plaintexts = committed_plaintexts();
				plaintexts[index] += delta;
				let (encoded, proof) = cheating_data(&plaintexts);
				assert_noop!(submit_data_with(0, encoded, proof), Error::<Test>::LinkEncryptionEquationFailed);
			}
			// Swapped: each ciphertext holds the other indicator's value.
			let mut plaintexts = committed_plaintexts();
			plaintexts.swap(0, 1);
			let (encoded, proof) = cheating_data(&plaintexts);
			assert_noop!(submit_data_with(0, encoded, proof), Error::<Test>::LinkEncryptionEquationFailed);
			// Honest ciphertexts submitted in swapped order with their honest proof.
			let (mut encoded, proof) = cheating_data(&committed_plaintexts());
			encoded.swap(0, 1);
			assert_noop!(submit_data_with(0, encoded, proof), Error::<Test>::LinkCommitmentEquationFailed);
		})
	}

	#[test]
	fn a_link_proof_for_another_session_holder_chain_or_key_is_refused() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			let values = &fixture.holders[0].values;
			let key = holder_keys();
			let cts = compare::encrypt_values(key, values, &mut rand_010::rng());
			let encoded = encode_all(&cts, key.public());
			for context in [
				link_context(HOLDER, 1),
				link_context(OTHER_HOLDER, 0),
				LinkContext { request_id: 1, ..link_context(HOLDER, 0) },
				LinkContext { genesis_hash: [0x99; 32], ..link_context(HOLDER, 0) },
			] {
				let proof = link_proof_for(context, values, &cts);
				assert_noop!(submit_data_with(0, encoded.clone(), proof), Error::<Test>::LinkCommitmentEquationFailed);
			}
			// Proven under another key PK_U (the institution's, same size) than the registered one.
			let other = institution_keys();
			let other_cts = compare::encrypt_values(other, values, &mut rand_010::rng());
			let proofs = &fixture.holders[0];
			let proof = medshare_zk::link::prove(
				other,
				link_context(HOLDER, 0),
				values,
				&other_cts,
				&proofs.blindings,
				&proofs.data_commitments,
				&mut rand_010::rng(),
				|_, _| {},
			)
			.unwrap();
			let result = submit_data_with(0, encode_all(&other_cts, other.public()), proof);
			assert!(result.is_err(), "another key's ciphertexts and proof are refused");
			assert_eq!(Sessions::<Test>::get(0).unwrap().state, SessionState::Eligible);
			// The honest proof still goes through.
			assert_ok!(submit_data_with(0, encoded.clone(), link_proof_for(link_context(HOLDER, 0), values, &cts)));
		})
	}

	#[test]
	fn a_response_over_the_bound_or_a_truncated_or_oversized_link_proof_is_refused() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			let (encoded, proof) = cheating_data(&committed_plaintexts());
			assert_noop!(
				submit_data_with(0, encoded.clone(), proof[..proof.len() - 1].to_vec()),
				Error::<Test>::LinkProofWrongLength
			);
			assert_noop!(
				submit_data_with(0, encoded.clone(), [proof.clone(), vec![0]].concat()),
				Error::<Test>::LinkProofWrongLength
			);
			assert_noop!(submit_data_with(0, encoded.clone(), Vec::new()), Error::<Test>::LinkProofWrongLength);
			// The first response plus Jubjub's group order: the same residue, so only the
			// bound stops it.
			let at = medshare_zk::link::CHUNK_HEADER_BYTES + 3 * 256;
			let width = medshare_zk::link::RESPONSE_BYTES;
			let z = num_bigint::BigUint::from_bytes_be(&proof[at..at + width]);
			let order = num_bigint::BigUint::parse_bytes(
				b"e7db4ea6533afa906673b0101343b00a6682093ccc81082d0970e5ed6f72cb7",
				16,
			)
			.unwrap();
			let wrapped = (z + order).to_bytes_be();
			let mut bad = proof.clone();
			bad[at..at + width].fill(0);
			bad[at + width - wrapped.len()..at + width].copy_from_slice(&wrapped);
			assert_noop!(submit_data_with(0, encoded.clone(), bad), Error::<Test>::LinkResponseTooLarge);
			// H_c replaced by a point off the subgroup encoding.
			let mut bad = proof.clone();
			bad[..32].fill(0xff);
			assert_noop!(submit_data_with(0, encoded.clone(), bad), Error::<Test>::LinkProofMalformed);
			assert_ok!(submit_data_with(0, encoded, proof));
		})
	}

	#[test]
	fn a_link_proof_about_another_holders_commitment_is_refused() {
		with_request(|fixture| {
			// OTHER_HOLDER's eligibility commitment is not HOLDER's: a proof opening HOLDER's
			// commitment does not fit OTHER_HOLDER's session.
			assert_ok!(submit_eligibility(fixture, 0));
			assert_ok!(submit_eligibility(fixture, 1));
			assert_ok!(MedicalSharing::register_holder_key(signed(OTHER_HOLDER), registration(holder_keys(), OTHER_HOLDER)));
			let values = &fixture.holders[0].values;
			let cts = compare::encrypt_values(holder_keys(), values, &mut rand_010::rng());
			let proof = link_proof_for(link_context(OTHER_HOLDER, 1), values, &cts);
			assert_noop!(
				MedicalSharing::submit_encrypted_data(
					signed(OTHER_HOLDER),
					1,
					BoundedVec::truncate_from(encode_all(&cts, holder_keys().public())),
					BoundedVec::truncate_from(proof)
				),
				Error::<Test>::LinkCommitmentMismatch
			);
		})
	}

	// ---- step 5 ----

	#[test]
	fn comparison_by_the_wrong_account_in_the_wrong_state_or_count() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			let (data, encoded) = encrypted_data(fixture);
			let (comparison, proof) = comparison(fixture, &data);
			assert_noop!(submit_comparison_as(INSTITUTION, comparison.clone(), proof.clone()), Error::<Test>::WrongSessionState);
			assert_ok!(submit_data(0, encoded));
			assert_noop!(submit_comparison_as(HOLDER, comparison.clone(), proof.clone()), Error::<Test>::NotRequestInstitution);
			let mut doubled = comparison.clone();
			doubled.extend(comparison.clone());
			assert_noop!(submit_comparison_as(INSTITUTION, doubled, proof.clone()), Error::<Test>::WrongCiphertextCount);
			let mut short = comparison.clone();
			short[0] = EncodedCiphertext::new(vec![1; 511]).unwrap();
			assert_noop!(submit_comparison_as(INSTITUTION, short, proof.clone()), Error::<Test>::CiphertextWrongLength);
			assert_ok!(submit_comparison_as(INSTITUTION, comparison, proof));
		})
	}

	/// Steps 2-4 for HOLDER; returns the holder's ciphertexts as the institution reads them.
	fn through_data(fixture: &Fixture) -> Vec<Ciphertext> {
		assert_ok!(submit_eligibility(fixture, 0));
		let (data, encoded) = encrypted_data(fixture);
		assert_ok!(submit_data(0, encoded));
		data
	}

	#[test]
	fn cheating_comparisons_are_refused_each_with_its_own_error() {
		// PROTOCOL.md 9.3: each attack with the best proof the institution can make for it.
		with_request(|fixture| {
			let data = through_data(fixture);
			let key = holder_keys().public();
			let bases = holder_bases();
			let context = comparison_context(HOLDER, 0);
			let big = |bits: u32| num_bigint::BigUint::from(1u32) << bits;
			for (attack, error) in [
				(Cheat::OneCiphertextInEverySlot, Error::<Test>::ComparisonEquationFailed),
				(Cheat::SwappedSlots, Error::<Test>::ComparisonEquationFailed),
				(Cheat::Factor(big(130)), Error::<Test>::ComparisonFactorTooLarge),
				(Cheat::Constant(big(170)), Error::<Test>::ComparisonConstantTooLarge),
			] {
				let (outputs, proof) = cheat(key, &bases, &context, &data, &fixture.ranges, attack.clone(), &mut rand_010::rng());
				assert_eq!(submit_comparison_as(INSTITUTION, encode_all(&outputs, key), proof), Err(error.into()), "{attack:?}");
			}
			// Proofs made for another session, holder, institution, request or chain.
			for other in [
				comparison_context(HOLDER, 1),
				comparison_context(OTHER_HOLDER, 0),
				ComparisonContext { institution: OTHER_HOLDER, ..context },
				ComparisonContext { request_id: 1, ..context },
				ComparisonContext { genesis_hash: [0x99; 32], ..context },
			] {
				let (outputs, proof) = comparison_for(fixture, &data, other);
				assert_noop!(
					submit_comparison_as(INSTITUTION, outputs, proof),
					Error::<Test>::ComparisonCommitmentEquationFailed
				);
			}
			// A proof under another holder key's parameters (the institution's own key and bases,
			// which it knows the factors of): the chain checks the holder's registered ones.
			let (outputs, witness) = compare::blind(key, &data, &fixture.ranges, &mut rand_010::rng()).unwrap();
			let own = registration(institution_keys(), INSTITUTION).ring_pedersen;
			let own = medshare_paillier::proofs::ring_pedersen::RingPedersen::from_encoded(institution_keys().public(), &own).unwrap();
			let statement = ComparisonStatement { key, bases: &own, context: &context, ciphertexts: &data, outputs: &outputs };
			if let Ok(proof) = compare::prove(&statement, &witness, &mut rand_010::rng()) {
				let outcome = submit_comparison_as(INSTITUTION, encode_all(&outputs, key), proof);
				assert!(outcome.is_err(), "a proof under other bases is refused");
			}
			// Truncated, oversized, empty.
			let (outputs, proof) = comparison(fixture, &data);
			for bad in [proof[..proof.len() - 1].to_vec(), [proof.clone(), vec![0]].concat(), Vec::new()] {
				assert_noop!(submit_comparison_as(INSTITUTION, outputs.clone(), bad), Error::<Test>::ComparisonProofWrongLength);
			}
			// A zero commitment.
			let mut zero = proof.clone();
			zero[..256].fill(0);
			assert_noop!(submit_comparison_as(INSTITUTION, outputs.clone(), zero), Error::<Test>::ComparisonProofMalformed);
			// An output that is no ciphertext of the key.
			let mut not_coprime = outputs.clone();
			not_coprime[0] = EncodedCiphertext::new(vec![0; 512]).unwrap();
			assert_noop!(submit_comparison_as(INSTITUTION, not_coprime, proof.clone()), Error::<Test>::CiphertextNotCoprime);
			let mut too_large = outputs.clone();
			too_large[1] = EncodedCiphertext::new(vec![0xff; 512]).unwrap();
			assert_noop!(
				submit_comparison_as(INSTITUTION, too_large, proof.clone()),
				Error::<Test>::CiphertextNotBelowModulusSquared
			);
			// The honest comparison still goes through.
			assert_ok!(submit_comparison_as(INSTITUTION, outputs, proof));
		})
	}

	// ---- steps 6-7 ----

	#[test]
	fn result_by_the_wrong_account_in_the_wrong_state_or_count() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			let dummy = vec![institution_keys().public().encrypt_u64(1, &mut rand_010::rng()).to_encoded(institution_keys().public())];
			assert_noop!(
				MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(dummy.clone())),
				Error::<Test>::WrongSessionState
			);
			System::set_block_number(1);
			let comparison = {
				let (data, encoded) = encrypted_data(fixture);
				assert_ok!(submit_data(0, encoded));
				let (comparison, proof) = comparison(fixture, &data);
				assert_ok!(submit_comparison_as(INSTITUTION, comparison.clone(), proof));
				comparison
			};
			let result = result(fixture, &comparison);
			assert_noop!(
				MedicalSharing::submit_result(signed(INSTITUTION), 0, BoundedVec::truncate_from(result.clone())),
				Error::<Test>::NotSessionHolder
			);
			assert_noop!(
				MedicalSharing::submit_result(signed(HOLDER), 0, Default::default()),
				Error::<Test>::WrongCiphertextCount
			);
			// The pallet checks the form of the result under the institution's key.
			let wrong = vec![EncodedCiphertext::new(vec![3u8; 511]).unwrap()];
			assert_noop!(
				MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(wrong)),
				Error::<Test>::CiphertextWrongLength
			);
			assert_ok!(MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(result)));
			assert_noop!(
				MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(dummy)),
				Error::<Test>::WrongSessionState
			);
		})
	}

	// ---- closing and clean-up ----

	#[test]
	fn closing_is_the_institutions_and_happens_once() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			assert_noop!(MedicalSharing::close_request(signed(HOLDER), 0), Error::<Test>::NotRequestInstitution);
			assert_noop!(MedicalSharing::close_request(signed(INSTITUTION), 9), Error::<Test>::RequestNotFound);
			assert_ok!(MedicalSharing::close_request(signed(INSTITUTION), 0));
			assert_noop!(MedicalSharing::close_request(signed(INSTITUTION), 0), Error::<Test>::RequestClosed);
		})
	}

	#[test]
	fn clean_up_only_after_expiry() {
		with_request(|fixture| {
			assert_ok!(submit_eligibility(fixture, 0));
			assert_noop!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0), Error::<Test>::SessionNotExpired);
			assert_noop!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 5), Error::<Test>::SessionNotFound);
			assert_noop!(MedicalSharing::clean_up_request(signed(OTHER_HOLDER), 0), Error::<Test>::RequestNotExpired);
			System::set_block_number(1 + 100 + 1);
			assert_noop!(MedicalSharing::clean_up_request(signed(OTHER_HOLDER), 0), Error::<Test>::RequestHasOpenSessions);
			assert_ok!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0));
			assert_noop!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0), Error::<Test>::SessionEnded);
			assert_ok!(MedicalSharing::clean_up_request(signed(OTHER_HOLDER), 0));
		})
	}

	#[test]
	fn a_completed_session_cannot_be_cleaned_up_or_continued() {
		with_request(|fixture| {
			let comparison = through_comparison(fixture);
			let result = result(fixture, &comparison);
			assert_ok!(MedicalSharing::submit_result(signed(HOLDER), 0, BoundedVec::truncate_from(result)));
			System::set_block_number(1 + SessionLifetime::get() + 1);
			assert_noop!(MedicalSharing::clean_up_session(signed(OTHER_HOLDER), 0), Error::<Test>::SessionEnded);
			let (_, encoded) = encrypted_data(fixture);
			assert_noop!(submit_data(0, encoded), Error::<Test>::WrongSessionState);
			assert!(Institutions::<Test>::get(account(INSTITUTION)).unwrap().public_key.is_some());
		})
	}

	// ---- fixtures ----

	/// Proves a fixture with the development parameters.
	fn make_fixture(
		domains: Vec<(u32, u32)>,
		widths: Vec<u32>,
		ranges: Vec<(u32, u32)>,
		values: [Vec<u32>; 2],
		key_bits: u32,
		link_classes: &[u32],
	) -> Fixture {
		use medshare_zk::prove::{prove_eligibility, prove_requirement, Binding};
		use medshare_zk::setup::{default_parameter_dir, load_or_create_dev_parameters, CircuitKind};
		use rand_core_010::SeedableRng;

		let dir = default_parameter_dir();
		let requirement = load_or_create_dev_parameters(&dir, CircuitKind::Requirement).unwrap();
		let eligibility = load_or_create_dev_parameters(&dir, CircuitKind::Eligibility).unwrap();
		let mut rng = rand_chacha::ChaCha20Rng::from_seed([42; 32]);
		let requested: Vec<crate::RequestedIndicator> = widths
			.iter()
			.enumerate()
			.map(|(id, &min_width)| crate::RequestedIndicator { id: id as u32, min_width })
			.collect();
		let fields: Vec<medshare_zk::RequestedIndicator> = requested
			.iter()
			.map(|r| {
				let (lo, hi) = domains[r.id as usize];
				medshare_zk::RequestedIndicator { id: r.id, lo, hi, min_width: r.min_width }
			})
			.collect();
		let chunks = prove_requirement(&requirement, &INSTITUTION, &fields, &ranges, &mut rng, |_, _| {}).unwrap();
		let holders = [HOLDER, OTHER_HOLDER]
			.iter()
			.zip(values)
			.map(|(&holder, values)| {
				let binding = Binding { request_id: 0, holder, nonce: NONCE };
				let proofs =
					prove_eligibility(&eligibility, &INSTITUTION, &fields, &values, &binding, &mut rng, |_, _| {}).unwrap();
				fixtures::HolderProofs {
					holder,
					values,
					blindings: proofs.iter().map(|p| p.blinding).collect(),
					data_commitments: proofs.iter().map(|p| p.commitment).collect(),
					proofs: proofs.iter().map(|p| p.proof.clone().try_into().unwrap()).collect(),
				}
			})
			.collect::<Vec<_>>();
		let link = link_classes
			.iter()
			.map(|&bits| {
				let keypair = Keypair::generate(bits, &mut rng).unwrap();
				let holder = &holders[0];
				let key_context = ProofContext { genesis_hash: fixtures::KEY_FIXTURE_GENESIS, account: HOLDER };
				let (bases, _) = ring_pedersen::generate(&keypair, &key_context, &mut rng).unwrap();
				let ciphertexts = compare::encrypt_values(&keypair, &holder.values, &mut rng);
				let context = medshare_zk::link::LinkContext {
					genesis_hash: fixtures::KEY_FIXTURE_GENESIS,
					holder: HOLDER,
					request_id: 0,
					session_id: 0,
				};
				let proof = medshare_zk::link::prove(
					&keypair,
					context,
					&holder.values,
					&ciphertexts,
					&holder.blindings,
					&holder.data_commitments,
					&mut rng,
					|_, _| {},
				)
				.unwrap();
				let (outputs, witness) = compare::blind(keypair.public(), &ciphertexts, &ranges, &mut rng).unwrap();
				let comparison_context = ComparisonContext {
					genesis_hash: fixtures::KEY_FIXTURE_GENESIS,
					institution: INSTITUTION,
					holder: HOLDER,
					request_id: 0,
					session_id: 0,
				};
				let statement = ComparisonStatement {
					key: keypair.public(),
					bases: &bases,
					context: &comparison_context,
					ciphertexts: &ciphertexts,
					outputs: &outputs,
				};
				let comparison_proof = compare::prove(&statement, &witness, &mut rng).unwrap();
				let encoded = bases.to_encoded();
				fixtures::LinkFixture {
					public_key: keypair.public().to_bytes(),
					ring_pedersen_s: encoded.s.into_inner(),
					ring_pedersen_t: encoded.t.into_inner(),
					ciphertexts: ciphertexts.iter().map(|c| c.to_bytes(keypair.public())).collect(),
					proof,
					outputs: outputs.iter().map(|c| c.to_bytes(keypair.public())).collect(),
					comparison_proof,
				}
			})
			.collect();
		Fixture {
			domains,
			requested,
			ranges,
			range_commitments: chunks.iter().map(|c| c.commitment).collect(),
			requirement_proofs: chunks.iter().map(|c| c.proof.clone().try_into().unwrap()).collect(),
			holders,
			public_key: Keypair::generate(key_bits, &mut rand_010::rng()).unwrap().public().to_bytes(),
			link,
		}
	}

	fn write_fixture(name: &str, fixture: &Fixture) {
		let path = format!("{}/fixtures/{name}.scale", env!("CARGO_MANIFEST_DIR"));
		std::fs::write(path, codec::Encode::encode(fixture)).unwrap();
	}

	/// Rebuilds `fixtures/small.scale`: the mock genesis registry (temperature [25.00, 45.00]
	/// Cel, heart rate [20, 300] /min). The secret ranges and values differ from every public
	/// number of the tests (widths, domains, deposits, blocks) so the privacy scan is meaningful.
	#[test]
	#[ignore]
	fn regenerate_small_fixture() {
		let fixture = make_fixture(
			vec![(2500, 4500), (20, 300)],
			vec![50, 10],
			vec![(3612, 3747), (57, 93)],
			[vec![3691, 121], vec![3553, 61]],
			2048,
			&[],
		);
		write_fixture("small", &fixture);
	}

	/// Rebuilds `fixtures/large.scale`: 700 indicators, a 4096-bit key, link proofs under a
	/// 2048- and a 4096-bit holder key (slow).
	#[test]
	#[ignore]
	fn regenerate_large_fixture() {
		let fixture = make_fixture(
			vec![(0, 100_000); 700],
			vec![100; 700],
			(0..700).map(|i| (1_000 + i, 2_000 + i)).collect(),
			[vec![1_500; 700], vec![2_500; 700]],
			4096,
			&[2048, 4096],
		);
		write_fixture("large", &fixture);
	}

	/// Rebuilds `fixtures/keys.scale`: 2048- and 4096-bit keys with their proofs for
	/// [`fixtures::INSTITUTION`] on a chain whose genesis hash is
	/// [`fixtures::KEY_FIXTURE_GENESIS`] (slow: a 4096-bit key).
	#[test]
	#[ignore]
	fn regenerate_key_fixture() {
		let context = ProofContext { genesis_hash: fixtures::KEY_FIXTURE_GENESIS, account: INSTITUTION };
		let mut rng = rand_010::rng();
		let registrations = [2048, 4096]
			.into_iter()
			.map(|bits| {
				let keypair = Keypair::generate(bits, &mut rng).unwrap();
				let (params, prm_proof) = ring_pedersen::generate(&keypair, &context, &mut rng).unwrap();
				KeyRegistration {
					key: keypair.public().to_encoded(),
					ring_pedersen: params.to_encoded(),
					modulus_proof: EncodedKeyProof::new(modulus::prove(&keypair, &context, &mut rng).unwrap()).unwrap(),
					ring_pedersen_proof: EncodedKeyProof::new(prm_proof).unwrap(),
				}
			})
			.collect();
		let path = format!("{}/fixtures/keys.scale", env!("CARGO_MANIFEST_DIR"));
		std::fs::write(path, codec::Encode::encode(&fixtures::KeyFixture { registrations })).unwrap();
	}

	#[test]
	fn key_fixtures_verify_for_their_context_and_size_class() {
		let context = ProofContext { genesis_hash: fixtures::KEY_FIXTURE_GENESIS, account: INSTITUTION };
		let registrations = fixtures::keys().registrations;
		assert_eq!(registrations.len(), 2);
		for (class, registration) in registrations.iter().enumerate() {
			assert!(registration.verify(&context).is_ok(), "size class {class}");
			assert_eq!(crate::Pallet::<Test>::key_size_class(&registration.key), class as u32);
		}
		// A 3072-bit key is charged as 4096 bits.
		let key_3072 = medshare_paillier::EncodedPublicKey::new(vec![0xff; 384]).unwrap();
		assert_eq!(crate::Pallet::<Test>::key_size_class(&key_3072), 1);
	}

	#[test]
	fn fixtures_match_the_mock_registry_and_decode() {
		new_test_ext().execute_with(|| {
			let fixture = small();
			for (id, &(lo, hi)) in fixture.domains.iter().enumerate() {
				let entry = crate::Indicators::<Test>::get(id as u32).unwrap();
				assert_eq!((entry.lo, entry.hi), (lo, hi));
			}
			assert_eq!(fixtures::large().requested.len(), 700);
			assert_eq!(fixtures::large().requirement_proofs.len(), 8);
		})
	}
}
