//! Benchmarks for the medical sharing pallet, at each call's worst case.
//!
//! - Proof-carrying calls (`create_request`, `submit_eligibility`) use the committed large
//!   fixture: 700 indicators, eight chunks, real Groth16 proofs (see `fixtures.rs`).
//! - Ciphertext-carrying calls validate pseudo-random ciphertexts under the fixture's real
//!   4096-bit Paillier key: validation (range check, gcd with n) costs the same for any valid
//!   ciphertext, and 4096 bits is the most expensive accepted key size.
//! - Key registrations verify the committed key fixtures (real Pi^mod and Pi^prm proofs) of
//!   each size class (2048 and 4096 bits), with block 0's hash set to the fixtures' genesis hash. Run the weights
//!   with `MEDSHARE_PAILLIER_NO_SIMD=1` so the natively verified proofs are measured on the
//!   portable path (scripts/benchmark-weights.sh does).
//! - Session states a call starts from are written to storage directly, with the deposits
//!   actually held, so that each benchmark measures one call.

use super::*;
use crate::fixtures::{self, Fixture};
use alloc::{vec, vec::Vec};
use codec::{Decode, Encode};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Mutate, MutateHold},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use indicator::{MAX_NAME_LEN, MAX_UNIT_LEN};
use medshare_paillier::PublicKey;
use sp_runtime::traits::{Bounded, One, Saturating, Zero};

fn account_of<T: Config>(bytes: [u8; 32]) -> T::AccountId {
	T::AccountId::decode(&mut &bytes[..]).expect("benchmarks need 32-byte account ids")
}

fn funded<T: Config>(bytes: [u8; 32]) -> T::AccountId {
	let who = account_of::<T>(bytes);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

/// Writes the fixture's indicators as registry ids 0, 1, ... (the ids its proofs assume).
fn install_registry<T: Config>(fixture: &Fixture) {
	for (id, &(lo, hi)) in fixture.domains.iter().enumerate() {
		let code = alloc::format!("{}-0", 10_000 + id);
		let indicator = Indicator {
			code: code.into_bytes().try_into().expect("short code"),
			name: b"benchmark indicator".to_vec().try_into().expect("short name"),
			unit: b"1".to_vec().try_into().expect("short unit"),
			scale: 0,
			lo,
			hi,
			min_width: 1,
		};
		Indicators::<T>::insert(id as IndicatorId, indicator);
	}
	IndicatorCount::<T>::put(fixture.domains.len() as u32);
}

fn install_keys<T: Config>() {
	VerifyingKeys::<T>::insert(
		Circuit::Requirement,
		VerifyingKey::truncate_from(medshare_zk::DEV_REQUIREMENT_VK.to_vec()),
	);
	VerifyingKeys::<T>::insert(
		Circuit::Eligibility,
		VerifyingKey::truncate_from(medshare_zk::DEV_ELIGIBILITY_VK.to_vec()),
	);
}

fn public_key(fixture: &Fixture) -> EncodedPublicKey {
	EncodedPublicKey::new(fixture.public_key.clone()).expect("the fixture key fits")
}

/// The fixture's Paillier key as registered. Its ring-Pedersen parameters are placeholders
/// of the right size: only the key-registration benchmarks verify parameters, with the key
/// fixtures.
fn registered_key(fixture: &Fixture) -> RegisteredKey {
	registered_key_of(&fixture.public_key)
}

/// [`registered_key`] of any key's bytes.
fn registered_key_of(public_key: &[u8]) -> RegisteredKey {
	let key = EncodedPublicKey::new(public_key.to_vec()).expect("the fixture key fits");
	let residue = || medshare_paillier::EncodedResidue::new(public_key.to_vec()).expect("fits");
	let bases = medshare_paillier::cmp_ring_pedersen_bases(public_key.len() as u32 * 8) as usize;
	let bases = medshare_paillier::EncodedBases::new(public_key.repeat(bases)).expect("fits");
	RegisteredKey {
		ring_pedersen: EncodedRingPedersen { s: bases, t: residue() },
		key_hash: sp_core::H256(sp_io::hashing::blake2_256(key.as_bytes())),
		key,
	}
}

/// An approved institution with the fixture's Paillier key.
fn institution<T: Config>(fixture: &Fixture) -> T::AccountId {
	let who = funded::<T>(fixtures::INSTITUTION);
	Institutions::<T>::insert(
		&who,
		Institution { public_key: Some(registered_key(fixture)), metadata: Default::default() },
	);
	who
}

/// The key fixture of size class `class`, with block 0's hash set to the one its proofs are
/// bound to. Returns the fixtures' account (the institution of every fixture).
fn key_registration<T: Config>(class: u32) -> (T::AccountId, KeyRegistration) {
	let genesis = T::Hash::decode(&mut &fixtures::KEY_FIXTURE_GENESIS[..]).expect("32-byte hashes");
	frame_system::BlockHash::<T>::insert(BlockNumberFor::<T>::zero(), genesis);
	let registration = fixtures::keys().registrations.swap_remove(class as usize);
	(funded::<T>(fixtures::INSTITUTION), registration)
}

/// `count` valid ciphertexts under `key`: pseudo-random, below n^2 (top byte clear) and, with
/// overwhelming probability, coprime to n.
fn ciphertexts(key: &EncodedPublicKey, count: u32, seed: u8) -> Vec<EncodedCiphertext> {
	let parsed = PublicKey::from_encoded(key).expect("the fixture key is valid");
	let width = parsed.ciphertext_byte_len();
	(0..count)
		.map(|i| {
			let mut bytes = Vec::with_capacity(width);
			let mut block = sp_io::hashing::blake2_256(&[&[seed][..], &i.to_le_bytes()].concat());
			while bytes.len() < width {
				bytes.extend_from_slice(&block);
				block = sp_io::hashing::blake2_256(&block);
			}
			bytes.truncate(width);
			bytes[0] = 0;
			let ciphertext = EncodedCiphertext::new(bytes).expect("fits");
			parsed.ciphertext_from_encoded(&ciphertext).expect("a valid ciphertext");
			ciphertext
		})
		.collect()
}

/// The state and arguments of `submit_encrypted_data` for `chunks` full chunks (up to the
/// largest request) under the large fixture's holder key of size class `class`: the first
/// `chunks` chunks of its link proof, bound to request 0 and session 0 on a chain with the
/// fixtures' genesis hash.
#[allow(clippy::type_complexity)]
fn encrypted_data_call<T: Config>(
	chunks: u32,
	class: usize,
) -> (T::AccountId, SessionId, BoundedVec<EncodedCiphertext, T::MaxIndicatorsPerRequest>, BoundedVec<u8, MaxLinkProofBytes<T>>) {
	let fixture = fixtures::large();
	let link = &fixture.link[class];
	let count = (chunks as usize * medshare_zk::SLOTS)
		.min(fixture.holders[0].values.len())
		.min(T::MaxIndicatorsPerRequest::get() as usize);
	let genesis = T::Hash::decode(&mut &fixtures::KEY_FIXTURE_GENESIS[..]).expect("32-byte hashes");
	frame_system::BlockHash::<T>::insert(BlockNumberFor::<T>::zero(), genesis);
	let who = institution::<T>(&fixture);
	let request_id = stored_request::<T>(&who, count as u32);
	let holder = funded::<T>(fixtures::HOLDER);
	let commitments = fixture.holders[0].data_commitments[..medshare_zk::statement::chunk_count(count)].to_vec();
	let session_id = stored_session_committed::<T>(request_id, &holder, SessionState::Eligible, commitments);
	assert_eq!((request_id, session_id), (0, 0), "the fixture proof is bound to request 0 and session 0");
	HolderKeys::<T>::insert(&holder, registered_key_of(&link.public_key));
	let data = BoundedVec::truncate_from(
		link.ciphertexts[..count].iter().map(|c| EncodedCiphertext::new(c.clone()).expect("fits")).collect(),
	);
	let proof = BoundedVec::truncate_from(link.proof[..medshare_zk::link::proof_len(link.public_key.len(), count)].to_vec());
	(holder, session_id, data, proof)
}

/// The arguments of `create_request` for the large fixture's first `chunks` chunks.
#[allow(clippy::type_complexity)]
fn request_prefix<T: Config>(
	fixture: &Fixture,
	chunks: u32,
) -> (
	BoundedVec<RequestedIndicator, T::MaxIndicatorsPerRequest>,
	BoundedVec<FieldBytes, T::MaxChunks>,
	BoundedVec<Proof, T::MaxChunks>,
) {
	let count = (chunks as usize * medshare_zk::SLOTS)
		.min(fixture.requested.len())
		.min(T::MaxIndicatorsPerRequest::get() as usize);
	let chunks = medshare_zk::statement::chunk_count(count);
	(
		BoundedVec::truncate_from(fixture.requested[..count].to_vec()),
		BoundedVec::truncate_from(fixture.range_commitments[..chunks].to_vec()),
		BoundedVec::truncate_from(fixture.requirement_proofs[..chunks].to_vec()),
	)
}

/// A request of `count` indicators written to storage, with its deposit held.
fn stored_request<T: Config>(institution: &T::AccountId, count: u32) -> RequestId {
	let request_id = NextRequestId::<T>::get();
	NextRequestId::<T>::put(request_id + 1);
	let chunks = medshare_zk::statement::chunk_count(count as usize);
	let now = frame_system::Pallet::<T>::block_number();
	let mut request = Request {
		institution: institution.clone(),
		indicators: BoundedVec::truncate_from((0..count).map(|id| RequestedIndicator { id, min_width: 1 }).collect()),
		statements: BoundedVec::truncate_from(vec![[0u8; 32]; chunks]),
		range_commitments: BoundedVec::truncate_from(vec![[0u8; 32]; chunks]),
		created_at: now,
		expires_at: now.saturating_add(T::MinRequestLifetime::get()),
		deposit: Zero::zero(),
		open_sessions: 0,
		status: RequestStatus::Open,
	};
	request.deposit = Pallet::<T>::deposit_for(request.encoded_size());
	T::Currency::hold(&HoldReason::RequestDeposit.into(), institution, request.deposit).expect("funded");
	Requests::<T>::insert(request_id, request);
	request_id
}

/// A session of `holder` in `request_id`, in `state`, written to storage with its deposit held.
fn stored_session<T: Config>(request_id: RequestId, holder: &T::AccountId, state: SessionState) -> SessionId {
	stored_session_committed::<T>(request_id, holder, state, vec![[0u8; 32]])
}

/// [`stored_session`] with the eligibility proofs' data commitments h.
fn stored_session_committed<T: Config>(
	request_id: RequestId,
	holder: &T::AccountId,
	state: SessionState,
	data_commitments: Vec<[u8; 32]>,
) -> SessionId {
	let session_id = NextSessionId::<T>::get();
	NextSessionId::<T>::put(session_id + 1);
	Requests::<T>::mutate(request_id, |request| {
		if let Some(request) = request {
			request.open_sessions += 1;
		}
	});
	let now = frame_system::Pallet::<T>::block_number();
	SessionByParticipant::<T>::insert(request_id, holder, session_id);
	let mut session = Session::opened(
		request_id,
		holder.clone(),
		fixtures::NONCE,
		BoundedVec::truncate_from(data_commitments),
		now,
		now.saturating_add(T::SessionLifetime::get()),
	);
	session.deposit = Pallet::<T>::deposit_for(Pallet::<T>::session_record_len(&session));
	T::Currency::hold(&HoldReason::SessionDeposit.into(), holder, session.deposit).expect("funded");
	session.state = state;
	Sessions::<T>::insert(session_id, session);
	session_id
}

fn store_payload<T: Config>(session_id: SessionId, fixture: &Fixture, data: u32, comparison: u32) {
	let key = &public_key(fixture);
	SessionPayloads::<T>::insert(
		session_id,
		SessionPayload {
			holder_key: registered_key(fixture),
			encrypted_data: BoundedVec::truncate_from(ciphertexts(key, data, 1)),
			comparison: BoundedVec::truncate_from(ciphertexts(key, comparison, 2)),
		},
	);
}

/// The largest request, closed, with one session in `state` holding the largest payload of
/// that state: ending that session also removes the request (the costliest ending).
fn closed_request_with_session<T: Config>(fixture: &Fixture, state: SessionState) -> (T::AccountId, SessionId) {
	let who = institution::<T>(fixture);
	let count = T::MaxIndicatorsPerRequest::get();
	let request_id = stored_request::<T>(&who, count);
	let holder = funded::<T>(fixtures::HOLDER);
	let session_id = stored_session::<T>(request_id, &holder, state);
	let comparison = if state == SessionState::Compared { medshare_paillier::cmp_output_count(2048, count) } else { 0 };
	store_payload::<T>(session_id, fixture, count, comparison);
	Requests::<T>::mutate(request_id, |r| {
		if let Some(r) = r {
			r.status = RequestStatus::Closed;
		}
	});
	(holder, session_id)
}

/// The state and arguments of `submit_comparison` for `groups` groups of comparison slots (up
/// to the largest request) under the large fixture's holder key of size class `class`: the
/// holder's registered key and bases, its first `groups` groups of ciphertexts, and the first
/// `2 groups` outputs with their part of the comparison proof, bound to request 0 and session
/// 0 on a chain with the fixtures' genesis hash.
#[allow(clippy::type_complexity)]
fn comparison_call<T: Config>(
	groups: u32,
	class: usize,
) -> (T::AccountId, SessionId, BoundedVec<EncodedCiphertext, T::MaxComparisonCiphertexts>, BoundedVec<u8, MaxComparisonProofBytes<T>>) {
	let fixture = fixtures::large();
	let link = &fixture.link[class];
	let bits = link.public_key.len() as u32 * 8;
	let count = (groups * medshare_paillier::cmp_slots_per_output(bits))
		.min(fixture.holders[0].values.len() as u32)
		.min(T::MaxIndicatorsPerRequest::get());
	let genesis = T::Hash::decode(&mut &fixtures::KEY_FIXTURE_GENESIS[..]).expect("32-byte hashes");
	frame_system::BlockHash::<T>::insert(BlockNumberFor::<T>::zero(), genesis);
	let who = institution::<T>(&fixture);
	let request_id = stored_request::<T>(&who, count);
	let holder = funded::<T>(fixtures::HOLDER);
	let session_id = stored_session::<T>(request_id, &holder, SessionState::DataSubmitted);
	assert_eq!((request_id, session_id), (0, 0), "the fixture proof is bound to request 0 and session 0");
	let key = EncodedPublicKey::new(link.public_key.clone()).expect("the fixture key fits");
	let holder_key = RegisteredKey {
		ring_pedersen: EncodedRingPedersen {
			s: medshare_paillier::EncodedBases::new(link.ring_pedersen_s.clone()).expect("fits"),
			t: medshare_paillier::EncodedResidue::new(link.ring_pedersen_t.clone()).expect("fits"),
		},
		key_hash: sp_core::H256(sp_io::hashing::blake2_256(key.as_bytes())),
		key,
	};
	let encode = |list: &[Vec<u8>]| list.iter().map(|c| EncodedCiphertext::new(c.clone()).expect("fits")).collect::<Vec<_>>();
	SessionPayloads::<T>::insert(
		session_id,
		SessionPayload {
			holder_key,
			encrypted_data: BoundedVec::truncate_from(encode(&link.ciphertexts[..count as usize])),
			comparison: Default::default(),
		},
	);
	let outputs = medshare_paillier::cmp_output_count(bits, count) as usize;
	let proof_len = medshare_paillier::comparison_proof_len(link.public_key.len(), count as usize);
	(who, session_id, BoundedVec::truncate_from(encode(&link.outputs[..outputs])), BoundedVec::truncate_from(link.comparison_proof[..proof_len].to_vec()))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: every field at its longest, so validation reads the most bytes.
	#[benchmark]
	fn register_indicator() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		// Seven digits, the longest LOINC body; 1234567 has check digit 4.
		let code = b"1234567-4".to_vec();
		let name = vec![b'n'; MAX_NAME_LEN as usize];
		// `[...]` atoms make the validator walk its bracket state on every byte.
		let mut unit = vec![b'['];
		unit.extend(vec![b'u'; MAX_UNIT_LEN as usize - 2]);
		unit.push(b']');
		let expected_id = IndicatorCount::<T>::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, code.clone(), name, unit, 2, 0, u32::MAX, 1);

		assert_eq!(Pallet::<T>::indicator_id(&code), Some(expected_id));
		Ok(())
	}

	/// An institution with a 4096-bit key and the longest description.
	#[benchmark]
	fn revoke_institution() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let fixture = fixtures::large();
		let who = account_of::<T>(fixtures::INSTITUTION);
		Institutions::<T>::insert(
			&who,
			Institution {
				public_key: Some(registered_key(&fixture)),
				metadata: Metadata::truncate_from(vec![b'm'; MAX_METADATA_LEN as usize]),
			},
		);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Institutions::<T>::contains_key(&who));
		Ok(())
	}

	/// Worst case: the largest request, with no open session, so it is also removed.
	#[benchmark]
	fn force_close_request() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let fixture = fixtures::large();
		let who = institution::<T>(&fixture);
		let request_id = stored_request::<T>(&who, T::MaxIndicatorsPerRequest::get());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, request_id);

		assert!(!Requests::<T>::contains_key(request_id));
		Ok(())
	}

	#[benchmark]
	fn approve_institution() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = account_of::<T>([0x55; 32]);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(Institutions::<T>::contains_key(&who));
		Ok(())
	}

	/// A key of size class `c` (2048 bits, or 4096 bits for every longer key) with both
	/// proofs, the longest description.
	#[benchmark]
	fn register_institution(c: Linear<0, 1>) {
		let (who, registration) = key_registration::<T>(c);
		Institutions::<T>::insert(&who, Institution { public_key: None, metadata: Default::default() });
		let metadata = Metadata::truncate_from(vec![b'm'; MAX_METADATA_LEN as usize]);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), registration, metadata);

		assert!(Institutions::<T>::get(&who).and_then(|i| i.public_key).is_some());
	}

	/// A key of size class `c` (2048 bits, or 4096 bits for every longer key) with both proofs.
	#[benchmark]
	fn register_holder_key(c: Linear<0, 1>) {
		let (who, registration) = key_registration::<T>(c);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), registration);

		assert!(HolderKeys::<T>::contains_key(&who));
	}

	#[benchmark]
	fn set_indicator_min_width() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let fixture = fixtures::small();
		install_registry::<T>(&fixture);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0, 2);

		assert_eq!(Indicators::<T>::get(0).map(|i| i.min_width), Some(2));
		Ok(())
	}

	/// Worst case: the eligibility key, the longer one, as a development key (its origin check
	/// reads whether the chain refuses them; a ceremony's key reads nothing).
	#[benchmark]
	fn set_verifying_key() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let key = VerifyingKey::truncate_from(medshare_zk::DEV_ELIGIBILITY_VK.to_vec());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Circuit::Eligibility, key, KeyOrigin::Development);

		assert!(VerifyingKeys::<T>::contains_key(Circuit::Eligibility));
		assert_eq!(VerifyingKeyOrigins::<T>::get(Circuit::Eligibility), Some(KeyOrigin::Development));
		Ok(())
	}

	/// `c` full chunks of indicators (up to the largest request, 700 indicators in eight
	/// chunks) with their requirement proofs: the large fixture's first `c` chunks, whose
	/// statements and proofs do not depend on the chunks after them.
	#[benchmark]
	fn create_request(c: Linear<1, { T::MaxChunks::get() }>) {
		let fixture = fixtures::large();
		install_registry::<T>(&fixture);
		install_keys::<T>();
		let who = institution::<T>(&fixture);
		let (indicators, commitments, proofs) = request_prefix::<T>(&fixture, c);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), indicators, commitments, proofs, T::MinRequestLifetime::get());

		assert!(Requests::<T>::contains_key(0));
	}

	/// `c` eligibility proofs, for a request of the large fixture's first `c` chunks; the
	/// holder's earlier session in that request expired and was cleaned up, so joining again
	/// also reads it.
	#[benchmark]
	fn submit_eligibility(c: Linear<1, { T::MaxChunks::get() }>) {
		let fixture = fixtures::large();
		install_registry::<T>(&fixture);
		install_keys::<T>();
		let who = institution::<T>(&fixture);
		let (indicators, commitments, proofs) = request_prefix::<T>(&fixture, c);
		// The longest lifetime, so that the request outlives the holder's earlier session.
		Pallet::<T>::create_request(RawOrigin::Signed(who).into(), indicators, commitments, proofs, T::MaxRequestLifetime::get())
			.expect("the fixture request is valid");
		let holder_proofs = &fixture.holders[0];
		let holder = funded::<T>(holder_proofs.holder);
		let earlier = stored_session::<T>(0, &holder, SessionState::Eligible);
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number().saturating_add(T::SessionLifetime::get()).saturating_add(One::one()),
		);
		Pallet::<T>::clean_up_session(RawOrigin::Signed(holder.clone()).into(), earlier).expect("the session expired");
		let chunks = c.min(holder_proofs.proofs.len() as u32) as usize;

		#[extrinsic_call]
		_(
			RawOrigin::Signed(holder.clone()),
			0,
			fixtures::NONCE,
			BoundedVec::truncate_from(holder_proofs.data_commitments[..chunks].to_vec()),
			BoundedVec::truncate_from(holder_proofs.proofs[..chunks].to_vec()),
		);

		assert_ne!(SessionByParticipant::<T>::get(0, &holder), Some(earlier));
	}

	/// `c` full chunks of ciphertexts (up to the largest request, 700 indicators) under a
	/// 2048-bit holder key, with their link proof verified natively.
	#[benchmark]
	fn submit_encrypted_data(c: Linear<1, { T::MaxChunks::get() }>) {
		let (holder, session_id, data, proof) = encrypted_data_call::<T>(c, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(holder), session_id, data, proof);

		assert_eq!(Sessions::<T>::get(session_id).map(|s| s.state), Some(SessionState::DataSubmitted));
	}

	/// [`submit_encrypted_data`] under a 4096-bit holder key: what any key longer than 2048
	/// bits is charged (verification grows much faster than linearly in the key size, so the
	/// two size classes are measured apart rather than fitted by one line).
	#[benchmark]
	fn submit_encrypted_data_long_key(c: Linear<1, { T::MaxChunks::get() }>) {
		let (holder, session_id, data, proof) = encrypted_data_call::<T>(c, 1);

		#[extrinsic_call]
		submit_encrypted_data(RawOrigin::Signed(holder), session_id, data, proof);

		assert_eq!(Sessions::<T>::get(session_id).map(|s| s.state), Some(SessionState::DataSubmitted));
	}

	/// `g` groups of comparison slots (an alpha and a beta output each, up to the largest
	/// request: 88 groups of 8 for 700 indicators) under a 2048-bit holder key, with the
	/// comparison proof verified natively.
	#[benchmark]
	fn submit_comparison(g: Linear<1, 88>) {
		let (who, session_id, outputs, proof) = comparison_call::<T>(g, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), session_id, 0, outputs, proof);

		assert_eq!(Sessions::<T>::get(session_id).map(|s| s.state), Some(SessionState::Compared));
	}

	/// [`submit_comparison`] under a 4096-bit holder key (44 groups of 16 for 700
	/// indicators): what any key longer than 2048 bits is charged.
	#[benchmark]
	fn submit_comparison_long_key(g: Linear<1, 44>) {
		let (who, session_id, outputs, proof) = comparison_call::<T>(g, 1);

		#[extrinsic_call]
		submit_comparison(RawOrigin::Signed(who), session_id, 0, outputs, proof);

		assert_eq!(Sessions::<T>::get(session_id).map(|s| s.state), Some(SessionState::Compared));
	}

	/// The result of the largest request under the institution's 4096-bit key. A result is
	/// always one ciphertext (one holds at least 1 023 outcomes under any accepted key, more
	/// than `MaxIndicatorsPerRequest`); completing also clears the largest payload and
	/// removes a closed request.
	#[benchmark]
	fn submit_result() {
		let fixture = fixtures::large();
		let (holder, session_id) = closed_request_with_session::<T>(&fixture, SessionState::Compared);
		let result = BoundedVec::truncate_from(ciphertexts(&public_key(&fixture), 1, 3));

		#[extrinsic_call]
		_(RawOrigin::Signed(holder), session_id, result);

		assert_eq!(Sessions::<T>::get(session_id).map(|s| s.state), Some(SessionState::Completed));
		assert_eq!(Requests::<T>::iter().count(), 0);
	}

	/// Worst case: the largest request, with no open session, so it is also removed.
	#[benchmark]
	fn close_request() {
		let fixture = fixtures::large();
		let who = institution::<T>(&fixture);
		let request_id = stored_request::<T>(&who, T::MaxIndicatorsPerRequest::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(who), request_id);

		assert!(!Requests::<T>::contains_key(request_id));
	}

	/// Worst case: the largest request, expired.
	#[benchmark]
	fn clean_up_request() {
		let fixture = fixtures::large();
		let who = institution::<T>(&fixture);
		let request_id = stored_request::<T>(&who, T::MaxIndicatorsPerRequest::get());
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::MinRequestLifetime::get())
			.saturating_add(BlockNumberFor::<T>::one());
		frame_system::Pallet::<T>::set_block_number(later);
		let caller = funded::<T>([0x66; 32]);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), request_id);

		assert!(!Requests::<T>::contains_key(request_id));
	}

	/// Worst case: an expired session holding the largest payload, the last one of a closed
	/// request (which leaves with it).
	#[benchmark]
	fn clean_up_session() {
		let fixture = fixtures::large();
		let (_, session_id) = closed_request_with_session::<T>(&fixture, SessionState::Compared);
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::SessionLifetime::get())
			.saturating_add(BlockNumberFor::<T>::one());
		frame_system::Pallet::<T>::set_block_number(later);
		let caller = funded::<T>([0x66; 32]);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), session_id);

		assert_eq!(Sessions::<T>::get(session_id).map(|s| s.state), Some(SessionState::Expired));
		assert!(!SessionPayloads::<T>::contains_key(session_id));
	}

	/// Worst case: the holder withdraws a session holding the largest encrypted data, the last
	/// one of a closed request (which leaves with it).
	#[benchmark]
	fn withdraw_session() {
		let fixture = fixtures::large();
		let (holder, session_id) = closed_request_with_session::<T>(&fixture, SessionState::DataSubmitted);

		#[extrinsic_call]
		_(RawOrigin::Signed(holder), session_id);

		assert_eq!(Sessions::<T>::get(session_id).map(|s| s.state), Some(SessionState::Withdrawn));
		assert!(!SessionPayloads::<T>::contains_key(session_id));
	}

	/// A completed session's summary with its participant index entry, past its retention.
	#[benchmark]
	fn prune_session() {
		let fixture = fixtures::large();
		let who = institution::<T>(&fixture);
		let request_id = stored_request::<T>(&who, T::MaxIndicatorsPerRequest::get());
		let holder = funded::<T>(fixtures::HOLDER);
		let commitments = vec![[0u8; 32]; T::MaxChunks::get() as usize];
		let session_id = stored_session_committed::<T>(request_id, &holder, SessionState::Compared, commitments);
		store_payload::<T>(session_id, &fixture, 1, 2);
		Pallet::<T>::submit_result(
			RawOrigin::Signed(holder).into(),
			session_id,
			BoundedVec::truncate_from(ciphertexts(&public_key(&fixture), 1, 3)),
		)
		.expect("the session completes");
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::SummaryRetention::get())
			.saturating_add(BlockNumberFor::<T>::one());
		frame_system::Pallet::<T>::set_block_number(later);
		let caller = funded::<T>([0x66; 32]);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), session_id);

		assert!(!Sessions::<T>::contains_key(session_id));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

/// A comparison too heavy for one block goes in parts of whole groups (the large fixture's
/// real proofs, on the mock runtime): parts must come in order, each is verified on its own,
/// and the last one completes the step.
#[cfg(test)]
mod parts {
	use super::*;
	use crate::mock::{new_test_ext, System, Test};
	use frame_support::{assert_noop, assert_ok};

	fn part(
		who: &<Test as frame_system::Config>::AccountId,
		session_id: SessionId,
		outputs: &[EncodedCiphertext],
		proof: &[u8],
		key_bytes: usize,
		first: usize,
		groups: usize,
	) -> sp_runtime::DispatchResult {
		let range = medshare_paillier::compare::part_proof_range(key_bytes, 700, first, groups).expect("groups of the request");
		Pallet::<Test>::submit_comparison(
			RawOrigin::Signed(who.clone()).into(),
			session_id,
			first as u32,
			BoundedVec::truncate_from(outputs[2 * first..2 * (first + groups)].to_vec()),
			BoundedVec::truncate_from(proof[range].to_vec()),
		)
	}

	#[test]
	fn a_comparison_in_parts_of_whole_groups() {
		for (class, key_bytes, groups, split) in [(0usize, 256usize, 88usize, 50usize), (1, 512, 44, 32)] {
			new_test_ext().execute_with(|| {
				let (who, session_id, outputs, proof) = comparison_call::<Test>(groups as u32, class);
				assert_eq!(outputs.len(), 2 * groups);
				// The second part first is out of order; so is the first part twice.
				assert_noop!(
					part(&who, session_id, &outputs, &proof, key_bytes, split, groups - split),
					Error::<Test>::ComparisonPartOutOfOrder
				);
				assert_ok!(part(&who, session_id, &outputs, &proof, key_bytes, 0, split));
				System::assert_last_event(
					Event::<Test>::ComparisonPartSubmitted { session_id, request_id: 0, groups: split as u32 }.into(),
				);
				assert_eq!(Sessions::<Test>::get(session_id).map(|s| s.state), Some(SessionState::DataSubmitted));
				assert_noop!(part(&who, session_id, &outputs, &proof, key_bytes, 0, split), Error::<Test>::ComparisonPartOutOfOrder);
				// The second part with the first part's proof bytes does not verify.
				let wrong = Pallet::<Test>::submit_comparison(
					RawOrigin::Signed(who.clone()).into(),
					session_id,
					split as u32,
					BoundedVec::truncate_from(outputs[2 * split..].to_vec()),
					BoundedVec::truncate_from(proof[..proof.len() - medshare_paillier::compare::part_proof_range(key_bytes, 700, 0, split).unwrap().len()].to_vec()),
				);
				assert!(wrong.is_err());
				assert_ok!(part(&who, session_id, &outputs, &proof, key_bytes, split, groups - split));
				let session = Sessions::<Test>::get(session_id).unwrap();
				assert_eq!(session.state, SessionState::Compared);
				let payload = SessionPayloads::<Test>::get(session_id).unwrap();
				assert_eq!(payload.comparison.into_inner(), outputs.into_inner());
			});
		}
	}
}
