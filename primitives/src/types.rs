//! The sharing session's on-chain types (PROTOCOL.md section 4).

use crate::indicator::IndicatorId;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use bounded_collections::{BoundedVec, ConstU32, Get};
use scale_info::TypeInfo;
use primitive_types::H256;

pub use medshare_paillier::{EncodedCiphertext, EncodedPublicKey, EncodedRingPedersen, KeyRegistration};

/// Id of a research request, assigned in creation order from 0.
pub type RequestId = u64;
/// Id of a sharing session, assigned in opening order from 0.
pub type SessionId = u64;
/// A field element of the proofs (S, h, h', b), canonical 32-byte little-endian.
pub type FieldBytes = [u8; 32];
/// A Groth16 proof in bellman's format (compressed A, B, C).
pub type Proof = [u8; medshare_zk::verify::PROOF_LEN];
/// A session nonce chosen by the holder and bound into its eligibility proofs.
pub type Nonce = [u8; 32];
/// Longest verifying key: the eligibility circuit's, with three public inputs.
pub const MAX_VERIFYING_KEY_LEN: u32 =
	medshare_zk::verify::verifying_key_len(medshare_zk::verify::ELIGIBILITY_INPUTS) as u32;
/// A Groth16 verifying key in bellman's format.
pub type VerifyingKey = BoundedVec<u8, ConstU32<MAX_VERIFYING_KEY_LEN>>;
/// Longest institution description, in bytes.
pub const MAX_METADATA_LEN: u32 = 256;
/// An institution's self-description (name, contact, ethics approval reference), UTF-8.
pub type Metadata = BoundedVec<u8, ConstU32<MAX_METADATA_LEN>>;

/// The two circuits whose verifying keys the registrar sets.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum Circuit {
	/// The institution's requirement proof (step 1): public inputs `[S, h']`.
	Requirement,
	/// The holder's eligibility proof (steps 2-3): public inputs `[S, h, b]`.
	Eligibility,
}

impl Circuit {
	/// Number of public inputs the circuit's verifying key must take.
	pub const fn public_inputs(self) -> usize {
		match self {
			Circuit::Requirement => medshare_zk::verify::REQUIREMENT_INPUTS,
			Circuit::Eligibility => medshare_zk::verify::ELIGIBILITY_INPUTS,
		}
	}
}

/// Where a circuit's verifying key came from (issue 16; docs/CEREMONY.md).
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum KeyOrigin {
	/// The deterministic development setup, which anyone can rerun: anyone can forge proofs
	/// against its keys.
	Development,
	/// A multi-party setup ceremony, named by the digest of the circuit's phase-2 transcript
	/// (`medshare-setup verify` prints it; one honest participant suffices).
	Ceremony {
		/// The transcript digest.
		transcript: H256,
	},
}

impl Circuit {
	/// The development setup's verifying key of this circuit.
	pub const fn development_key(self) -> &'static [u8] {
		match self {
			Circuit::Requirement => medshare_zk::DEV_REQUIREMENT_VK,
			Circuit::Eligibility => medshare_zk::DEV_ELIGIBILITY_VK,
		}
	}
}

/// A Paillier key the chain accepted with its proofs (PROTOCOL.md 9.1): `N` is a
/// Paillier-Blum modulus (Pi^mod) and `s` lies in `<t>` (Pi^prm). The proofs themselves stay
/// in the block history.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RegisteredKey {
	/// The Paillier public key `N`.
	pub key: EncodedPublicKey,
	/// The owner's ring-Pedersen parameters on `N`; the other party's range proofs commit
	/// under them.
	pub ring_pedersen: EncodedRingPedersen,
	/// BLAKE2-256 of the key's bytes.
	pub key_hash: H256,
}

/// A research institution as the chain knows it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Institution {
	/// Its Paillier public key PK_H with ring-Pedersen parameters, once registered; holders
	/// encrypt results under it.
	pub public_key: Option<RegisteredKey>,
	/// Its self-description.
	pub metadata: Metadata,
}

/// One indicator a request asks for, as the institution names it.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RequestedIndicator {
	/// Registry id of the indicator.
	pub id: IndicatorId,
	/// Minimum width `up - down` of the institution's hidden range, in scaled units: it stops
	/// ranges such as `[v, v]` that would reveal exact values.
	pub min_width: u32,
}

/// Whether a request takes new holders.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum RequestStatus {
	/// Holders may open sessions until the request expires.
	Open,
	/// Closed by its institution: sessions already open may finish, no new ones start.
	Closed,
}

/// A research request (step 1).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
#[scale_info(skip_type_params(MaxIndicators, MaxChunks))]
pub struct Request<AccountId, Balance, BlockNumber, MaxIndicators: Get<u32>, MaxChunks: Get<u32>> {
	/// The institution that asks.
	pub institution: AccountId,
	/// The indicators asked for, in request order.
	pub indicators: BoundedVec<RequestedIndicator, MaxIndicators>,
	/// The request statement S of each chunk, computed by the pallet; holders prove against it.
	pub statements: BoundedVec<FieldBytes, MaxChunks>,
	/// The range commitment h' of each chunk: the hidden ranges, auditable later.
	pub range_commitments: BoundedVec<FieldBytes, MaxChunks>,
	/// Block of creation.
	pub created_at: BlockNumber,
	/// Last block in which holders may open sessions.
	pub expires_at: BlockNumber,
	/// Deposit held from the institution until the request is closed or cleaned up.
	pub deposit: Balance,
	/// Sessions opened and not yet ended.
	pub open_sessions: u32,
	/// Open or closed.
	pub status: RequestStatus,
}

/// Where a session stands (PROTOCOL.md 4: Eligible -> DataSubmitted -> Compared -> Completed;
/// Expired when it times out, Withdrawn when its holder ends it before the comparison).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum SessionState {
	/// The holder proved eligibility; it submits its encrypted data next.
	Eligible,
	/// The holder's encrypted data is on chain; the institution compares next.
	DataSubmitted,
	/// The blinded comparison is on chain; the holder submits the encrypted result next.
	Compared,
	/// The encrypted result is on chain: the exchange is complete.
	Completed,
	/// The session timed out and was cleaned up.
	Expired,
	/// The holder withdrew before the comparison.
	Withdrawn,
}

impl SessionState {
	/// Whether the session is over (completed, expired or withdrawn): no step follows, and its
	/// summary is all that stays.
	pub fn has_ended(&self) -> bool {
		matches!(self, SessionState::Completed | SessionState::Expired | SessionState::Withdrawn)
	}
}

/// A sharing session between one holder and one request. While it is open its payloads are
/// in the pallet's `SessionPayloads`; once it ends only this summary stays, with a hash of every
/// payload (the payloads themselves stay in the block history).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
#[scale_info(skip_type_params(MaxChunks))]
pub struct Session<AccountId, Balance, BlockNumber, MaxChunks: Get<u32>> {
	/// The request.
	pub request_id: RequestId,
	/// The data holder.
	pub holder: AccountId,
	/// The nonce bound into the eligibility proofs.
	pub nonce: Nonce,
	/// The data commitment h of each chunk.
	pub data_commitments: BoundedVec<FieldBytes, MaxChunks>,
	/// Where the session stands.
	pub state: SessionState,
	/// Block in which the holder proved eligibility.
	pub opened_at: BlockNumber,
	/// Last block in which the session may advance.
	pub expires_at: BlockNumber,
	/// Block of the last step (completion or expiry for an ended session).
	pub updated_at: BlockNumber,
	/// Deposit held from the holder while the session is open.
	pub deposit: Balance,
	/// BLAKE2-256 of the holder's registered public key PK_U the session used (step 4).
	pub holder_key_hash: Option<H256>,
	/// BLAKE2-256 of the SCALE-encoded encrypted data (step 4).
	pub data_hash: Option<H256>,
	/// BLAKE2-256 of the SCALE-encoded blinded comparison (step 5).
	pub comparison_hash: Option<H256>,
	/// BLAKE2-256 of the SCALE-encoded encrypted result (step 7).
	pub result_hash: Option<H256>,
}

impl<AccountId, Balance: Default, BlockNumber: Copy, MaxChunks: Get<u32>>
	Session<AccountId, Balance, BlockNumber, MaxChunks>
{
	/// A session just proven eligible: no payload yet, and no deposit until the pallet has
	/// priced the record and held it.
	pub fn opened(
		request_id: RequestId,
		holder: AccountId,
		nonce: Nonce,
		data_commitments: BoundedVec<FieldBytes, MaxChunks>,
		now: BlockNumber,
		expires_at: BlockNumber,
	) -> Self {
		Session {
			request_id,
			holder,
			nonce,
			data_commitments,
			state: SessionState::Eligible,
			opened_at: now,
			expires_at,
			updated_at: now,
			deposit: Balance::default(),
			holder_key_hash: None,
			data_hash: None,
			comparison_hash: None,
			result_hash: None,
		}
	}
}

/// The ciphertexts of an open session, kept in state until it ends.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
#[scale_info(skip_type_params(MaxIndicators, MaxComparison))]
pub struct SessionPayload<MaxIndicators: Get<u32>, MaxComparison: Get<u32>> {
	/// PK_U with its ring-Pedersen parameters, as registered when the data was submitted (a
	/// later key change does not affect the session).
	pub holder_key: RegisteredKey,
	/// E_U(m_i), one per requested indicator, in request order.
	pub encrypted_data: BoundedVec<EncodedCiphertext, MaxIndicators>,
	/// The institution's packed blinded comparison, once submitted.
	pub comparison: BoundedVec<EncodedCiphertext, MaxComparison>,
}
