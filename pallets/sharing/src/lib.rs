//! # Medical sharing pallet
//!
//! The smart contract of MedShare (PROTOCOL.md): research institutions ask for health
//! indicators, data holders prove that their data fits, and Paillier encryption tells the
//! institution only whether each value lies below, inside or above its hidden range.
//!
//! The pallet keeps the **indicator registry** (PROTOCOL.md section 2) and runs the **sharing
//! session** of section 4. It verifies every Groth16 proof through the `medshare-zk` host
//! function, with the request statement S and the binding b computed here, never taken from a
//! caller, and validates every Paillier key and ciphertext with `medshare-paillier`. No
//! plaintext value, range or result ever reaches it.
//!
//! ## Calls
//! - Registrar: [`Pallet::register_indicator`], [`Pallet::set_indicator_min_width`],
//!   [`Pallet::approve_institution`], [`Pallet::revoke_institution`],
//!   [`Pallet::force_close_request`], [`Pallet::set_verifying_key`].
//! - Institution: [`Pallet::register_institution`] (step 0), [`Pallet::create_request`]
//!   (step 1), [`Pallet::submit_comparison`] (step 5), [`Pallet::close_request`].
//! - Holder: [`Pallet::register_holder_key`] (once per account),
//!   [`Pallet::submit_eligibility`] (steps 2-3), [`Pallet::submit_encrypted_data`] (step 4),
//!   [`Pallet::submit_result`] (steps 6-7, completes the session).
//!
//! Every Paillier key the pallet accepts carries the version 2 key proofs (PROTOCOL.md 9.1):
//! Pi^mod (a Paillier-Blum modulus) and Pi^prm (ring-Pedersen parameters), bound to this
//! chain's genesis hash and the registering account, verified natively through the
//! `medshare-paillier` host functions.
//! - Anyone: [`Pallet::clean_up_session`], [`Pallet::clean_up_request`] once expired,
//!   [`Pallet::prune_session`] once an ended session's retention has passed; free when they
//!   succeed.
//!
//! A session moves Eligible -> DataSubmitted -> Compared -> Completed (or Expired); a call in
//! the wrong state, by the wrong account, after expiry or with malformed input fails with its
//! own error and changes nothing. Requests and open sessions hold a deposit priced by the
//! bytes they keep in state (`Config::StoragePrice`), released when they end.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

// The stored types live in `medshare-primitives`, which the client shares.
pub use medshare_primitives::{indicator, types};
pub mod weights;

#[cfg(any(test, feature = "runtime-benchmarks"))]
pub mod fixtures;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use indicator::{Indicator, IndicatorError, IndicatorId, LoincCode};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// What one verifying-key preparation costs the `zk` host function on a cache miss. The
/// benchmarks repeat with the same key, so they measure the cached path; calls that may meet a
/// cold cache (after a node restart or a key change) add this once. Measured natively by
/// `cargo bench -p medshare-zk` ("key prepared per call" minus "cached prepared key", about
/// 2.6 ms; docs/PERFORMANCE.md), rounded up.
pub const KEY_PREPARATION_WEIGHT: frame_support::weights::Weight =
	frame_support::weights::Weight::from_parts(3_000_000_000, 0);

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{collections::BTreeSet, string::String, vec::Vec};
	use codec::Encode;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, MutateHold},
			tokens::Precision,
		},
	};
	use frame_system::pallet_prelude::*;
	use medshare_paillier::{
		CiphertextError, ComparisonContext, ComparisonProofError, KeyRegistrationError, ModulusProofError, ProofContext,
		PublicKey, PublicKeyError, RingPedersenProofError,
	};
	use medshare_zk::link::{LinkContext, LinkError};
	use medshare_zk::VerifyError;
	use sp_core::H256;
	use frame_support::traits::Footprint;
	use sp_runtime::traits::{Convert, Saturating, Zero};

	/// Balance type of the deposit currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A request as stored.
	pub type RequestOf<T> = Request<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::MaxIndicatorsPerRequest,
		<T as Config>::MaxChunks,
	>;
	/// A session as stored.
	pub type SessionOf<T> = Session<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		<T as Config>::MaxChunks,
	>;
	/// The longest link proof (step 4): the largest request under the largest accepted key.
	pub struct MaxLinkProofBytes<T>(core::marker::PhantomData<T>);
	impl<T: Config> Get<u32> for MaxLinkProofBytes<T> {
		fn get() -> u32 {
			medshare_zk::link::proof_len(
				medshare_paillier::MAX_PUBLIC_KEY_BYTES as usize,
				T::MaxIndicatorsPerRequest::get() as usize,
			) as u32
		}
	}

	/// The largest comparison proof (Pi^cmp) a request can need: the longest of the proofs for
	/// [`Config::MaxIndicatorsPerRequest`] indicators under a 2048-, 3072- or 4096-bit key.
	pub struct MaxComparisonProofBytes<T>(core::marker::PhantomData<T>);
	impl<T: Config> Get<u32> for MaxComparisonProofBytes<T> {
		fn get() -> u32 {
			let indicators = T::MaxIndicatorsPerRequest::get() as usize;
			[256, 384, 512].iter().map(|&key_bytes| medshare_paillier::comparison_proof_len(key_bytes, indicators)).max().unwrap_or(0)
				as u32
		}
	}

	/// The ciphertexts of an open session.
	pub type SessionPayloadOf<T> =
		SessionPayload<<T as Config>::MaxIndicatorsPerRequest, <T as Config>::MaxComparisonCiphertexts>;

	/// The storage layout version; migrations in the runtime's `Migrations` move it on.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who adds indicators, approves institutions and sets verifying keys: root on a
		/// development chain, a governance body in production.
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The currency deposits are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ frame_support::traits::fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, which include this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The most indicators the registry may ever hold.
		#[pallet::constant]
		type MaxIndicators: Get<u32>;

		/// The most indicators one request may ask for (and so the most ciphertexts a holder
		/// submits in step 4).
		#[pallet::constant]
		type MaxIndicatorsPerRequest: Get<u32>;

		/// The most chunks (proofs per call) a request may have; at least
		/// `ceil(MaxIndicatorsPerRequest / medshare_zk::SLOTS)`.
		#[pallet::constant]
		type MaxChunks: Get<u32>;

		/// The most ciphertexts of a comparison (step 5); at least what the largest request
		/// needs under the smallest accepted holder key.
		#[pallet::constant]
		type MaxComparisonCiphertexts: Get<u32>;

		/// The most ciphertexts of an encrypted result (step 7).
		#[pallet::constant]
		type MaxResultCiphertexts: Get<u32>;

		/// The price of keeping bytes in state, charged as a deposit held while they are kept
		/// (for example `LinearStoragePrice<Base, PerByte, Balance>`): an institution holds it
		/// for its request, a holder for its open session, first for the session's record and
		/// then, from step 4, also for the session's ciphertexts (its own and the comparison to
		/// come). Every footprint is one item of the bytes its values encode to.
		type StoragePrice: Convert<Footprint, BalanceOf<Self>>;

		/// Blocks an ended session's summary stays in state before anyone may prune it
		/// ([`Pallet::prune_session`]); at least `MaxRequestLifetime`, so that pruning never
		/// lets a holder answer an open request twice.
		#[pallet::constant]
		type SummaryRetention: Get<BlockNumberFor<Self>>;

		/// The shortest lifetime a request may be given, in blocks.
		#[pallet::constant]
		type MinRequestLifetime: Get<BlockNumberFor<Self>>;

		/// The longest lifetime a request may be given, in blocks.
		#[pallet::constant]
		type MaxRequestLifetime: Get<BlockNumberFor<Self>>;

		/// Blocks a session has, from eligibility, to complete.
		#[pallet::constant]
		type SessionLifetime: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls, measured by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// An institution's deposit for a research request.
		RequestDeposit,
		/// A holder's deposit for an open session.
		SessionDeposit,
	}

	/// The indicator registry, by id.
	#[pallet::storage]
	pub type Indicators<T: Config> = StorageMap<_, Twox64Concat, IndicatorId, Indicator>;

	/// Reverse index from LOINC code to registry id; it keeps codes unique.
	#[pallet::storage]
	pub type IndicatorIdByCode<T: Config> = StorageMap<_, Blake2_128Concat, LoincCode, IndicatorId>;

	/// Number of registered indicators, which is also the id the next one receives.
	#[pallet::storage]
	pub type IndicatorCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Approved institutions, with their Paillier public key once registered.
	#[pallet::storage]
	pub type Institutions<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Institution>;

	/// Holders' Paillier keys with their ring-Pedersen parameters, registered once per account
	/// with their proofs and used by every session the holder joins.
	#[pallet::storage]
	pub type HolderKeys<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, RegisteredKey>;

	/// The Groth16 verifying key of each circuit, validated when set.
	#[pallet::storage]
	pub type VerifyingKeys<T: Config> = StorageMap<_, Twox64Concat, Circuit, VerifyingKey>;

	/// Where each circuit's verifying key came from. A key set before origins were recorded
	/// has none here and counts as a development key ([`Pallet::key_origin`]).
	#[pallet::storage]
	pub type VerifyingKeyOrigins<T: Config> = StorageMap<_, Twox64Concat, Circuit, KeyOrigin>;

	/// Whether this chain refuses development verifying keys: set at genesis on every chain but
	/// `dev`, so that no registrar call can put a forgeable key on it later.
	#[pallet::storage]
	pub type DevelopmentKeysRefused<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Research requests, by id.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, RequestOf<T>>;

	/// The id the next request receives.
	#[pallet::storage]
	pub type NextRequestId<T: Config> = StorageValue<_, RequestId, ValueQuery>;

	/// Sessions, by id: open ones and the summaries of ended ones.
	#[pallet::storage]
	pub type Sessions<T: Config> = StorageMap<_, Twox64Concat, SessionId, SessionOf<T>>;

	/// The session of each (request, holder) pair: one at a time. A holder rejoins only after its
	/// earlier session expired and was cleaned up; a completed one answers the request for good.
	#[pallet::storage]
	pub type SessionByParticipant<T: Config> =
		StorageDoubleMap<_, Twox64Concat, RequestId, Blake2_128Concat, T::AccountId, SessionId>;

	/// The id the next session receives.
	#[pallet::storage]
	pub type NextSessionId<T: Config> = StorageValue<_, SessionId, ValueQuery>;

	/// The ciphertexts of open sessions; removed when a session ends.
	#[pallet::storage]
	pub type SessionPayloads<T: Config> = StorageMap<_, Twox64Concat, SessionId, SessionPayloadOf<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An indicator was added to the registry.
		IndicatorRegistered {
			/// The registry id requests will use to name it.
			id: IndicatorId,
			/// Its LOINC code.
			code: LoincCode,
		},
		/// The registrar approved an institution; it may now register its Paillier key.
		InstitutionApproved {
			/// The institution's account.
			institution: T::AccountId,
		},
		/// The registrar revoked an institution's approval and key: it posts no more
		/// requests, its requests take no new holders and its open sessions cannot complete.
		InstitutionRevoked {
			/// The institution's account.
			institution: T::AccountId,
		},
		/// The registrar set an indicator's minimum range width.
		IndicatorMinWidthSet {
			/// The indicator's registry id.
			id: IndicatorId,
			/// The new minimum width, in scaled units.
			min_width: u32,
		},
		/// A holder registered (or replaced) its Paillier key, with valid key proofs.
		HolderKeyRegistered {
			/// The holder's account.
			holder: T::AccountId,
			/// BLAKE2-256 of the key's bytes.
			key_hash: H256,
		},
		/// An approved institution registered (or replaced) its Paillier public key PK_H.
		InstitutionRegistered {
			/// The institution's account.
			institution: T::AccountId,
			/// BLAKE2-256 of the key's bytes.
			key_hash: H256,
		},
		/// The registrar set a circuit's verifying key.
		VerifyingKeySet {
			/// Which circuit.
			circuit: Circuit,
			/// BLAKE2-256 of the key's bytes.
			key_hash: H256,
			/// The development setup, or the ceremony transcript the key came from.
			origin: KeyOrigin,
		},
		/// Step 1: an institution posted a research request with valid requirement proofs.
		RequestCreated {
			/// The new request's id.
			request_id: RequestId,
			/// The institution.
			institution: T::AccountId,
			/// The registry ids asked for, in request order.
			indicators: BoundedVec<IndicatorId, T::MaxIndicatorsPerRequest>,
			/// Number of chunks (proofs per party).
			chunks: u32,
			/// Last block in which holders may join.
			expires_at: BlockNumberFor<T>,
			/// The deposit held from the institution.
			deposit: BalanceOf<T>,
		},
		/// Steps 2-3: a holder proved eligibility; a session is open.
		SessionOpened {
			/// The new session's id.
			session_id: SessionId,
			/// The request.
			request_id: RequestId,
			/// The holder.
			holder: T::AccountId,
			/// The request's institution.
			institution: T::AccountId,
			/// Last block in which the session may advance.
			expires_at: BlockNumberFor<T>,
			/// The deposit held from the holder.
			deposit: BalanceOf<T>,
		},
		/// Step 4: the holder submitted PK_U and its encrypted data; the institution compares next.
		EncryptedDataSubmitted {
			/// The session.
			session_id: SessionId,
			/// The request.
			request_id: RequestId,
			/// The holder.
			holder: T::AccountId,
			/// BLAKE2-256 of the encrypted data.
			data_hash: H256,
		},
		/// Step 5, in parts: the institution submitted a part of the comparison; `groups` groups
		/// of slots are in, more follow.
		ComparisonPartSubmitted {
			/// The session.
			session_id: SessionId,
			/// The request.
			request_id: RequestId,
			/// Groups submitted so far.
			groups: u32,
		},
		/// Step 5: the institution submitted the blinded comparison; the holder answers next.
		ComparisonSubmitted {
			/// The session.
			session_id: SessionId,
			/// The request.
			request_id: RequestId,
			/// The institution.
			institution: T::AccountId,
			/// BLAKE2-256 of the comparison.
			comparison_hash: H256,
		},
		/// Steps 7 and 9: the holder submitted the encrypted result; the session is complete
		/// and the institution decrypts the result off chain (step 8).
		SessionCompleted {
			/// The session.
			session_id: SessionId,
			/// The request.
			request_id: RequestId,
			/// The holder.
			holder: T::AccountId,
			/// The request's institution.
			institution: T::AccountId,
			/// The holder's deposit, released.
			deposit_released: BalanceOf<T>,
			/// BLAKE2-256 of the encrypted result.
			result_hash: H256,
		},
		/// A session passed its lifetime unfinished and was cleaned up.
		SessionExpired {
			/// The session.
			session_id: SessionId,
			/// The request.
			request_id: RequestId,
			/// The holder, who may join the request again while it is open.
			holder: T::AccountId,
			/// The holder's deposit, released.
			deposit_released: BalanceOf<T>,
		},
		/// The holder withdrew from a session before the institution's comparison; its
		/// payloads left state and its deposit was released.
		SessionWithdrawn {
			/// The session.
			session_id: SessionId,
			/// The request.
			request_id: RequestId,
			/// The holder, who may join the request again while it is open.
			holder: T::AccountId,
			/// The request's institution.
			institution: T::AccountId,
			/// The holder's deposit, released.
			deposit_released: BalanceOf<T>,
		},
		/// An ended session's summary and participant entry left state after the retention
		/// period.
		SessionPruned {
			/// The session.
			session_id: SessionId,
			/// The request.
			request_id: RequestId,
		},
		/// A request was closed, by its institution or by the registrar: no new sessions; its
		/// deposit is released.
		RequestClosed {
			/// The request.
			request_id: RequestId,
			/// The request's institution.
			institution: T::AccountId,
			/// Whether the registrar closed it ([`Pallet::force_close_request`]).
			forced: bool,
			/// The institution's deposit, released.
			deposit_released: BalanceOf<T>,
		},
		/// A request left storage (closed or expired, with no open session left).
		RequestRemoved {
			/// The request.
			request_id: RequestId,
			/// The request's institution.
			institution: T::AccountId,
			/// The institution's deposit, released now (zero if it was released when the
			/// request was closed).
			deposit_released: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The LOINC code is longer than nine bytes (seven digits, hyphen, check digit).
		LoincCodeTooLong,
		/// The LOINC code is not of the form `digits-checkdigit`, for example `8310-5`.
		LoincCodeMalformed,
		/// The LOINC code's check digit does not match its digits: look for a typo.
		LoincCheckDigitMismatch,
		/// The UCUM unit is longer than 24 bytes.
		UnitTooLong,
		/// The UCUM unit is not a well-formed expression: printable ASCII without spaces,
		/// balanced `[...]` and `{...}`, a term after every `.` or `/` (for example `mm[Hg]`).
		UnitMalformed,
		/// The name is longer than 64 bytes.
		NameTooLong,
		/// The name is empty, not UTF-8, or contains control characters.
		NameMalformed,
		/// The decimal scale is above 9.
		ScaleTooLarge,
		/// The plausibility domain has `lo` above `hi`.
		DomainInverted,
		/// The registry's minimum range width is 0; it must be at least 1.
		RegistryMinWidthZero,
		/// The registry's minimum range width is wider than the indicator's domain `hi - lo`.
		RegistryMinWidthExceedsDomain,
		/// A requested minimum width is below the registry's minimum for that indicator.
		MinWidthBelowRegistry,
		/// The holder has no registered Paillier key: call `register_holder_key` first.
		HolderKeyMissing,
		/// The modulus proof (Pi^mod) is malformed: wrong length for the key, or a value not
		/// below `N`.
		ModulusProofMalformed,
		/// The key's modulus is prime.
		ModulusIsPrime,
		/// A value of the modulus proof is not invertible modulo `N`.
		ModulusProofNotInvertible,
		/// The modulus proof has a wrong `N`-th root: `gcd(N, phi(N)) != 1`, or the proof was
		/// made for another key, account or chain.
		ModulusProofNthRootFailed,
		/// The modulus proof has a wrong fourth root: `N` is not a product of two primes
		/// `3 mod 4`, or the proof was altered.
		ModulusProofFourthRootFailed,
		/// A ring-Pedersen parameter is not exactly as long as the key.
		RingPedersenParamsMalformed,
		/// A ring-Pedersen parameter is not in `Z*_N`, or `t` is `1` or `N - 1`.
		RingPedersenParamsDegenerate,
		/// The ring-Pedersen proof (Pi^prm) has the wrong length or a value not below `N`.
		RingPedersenProofMalformed,
		/// The ring-Pedersen proof does not verify: `s` is not shown to lie in `<t>`, or the
		/// proof was made for another key, account or chain.
		RingPedersenProofInvalid,
		/// An indicator with this LOINC code is already registered.
		DuplicateLoincCode,
		/// The registry already holds `MaxIndicators` indicators.
		RegistryFull,
		/// The account is already an approved institution.
		AlreadyApproved,
		/// The account is not an approved institution: ask the registrar for approval.
		NotApprovedInstitution,
		/// The institution has not registered its Paillier public key yet
		/// (`register_institution`).
		InstitutionKeyMissing,
		/// The verifying key is malformed (wrong length, a point off the curve or at infinity).
		MalformedVerifyingKey,
		/// The verifying key is made for another number of public inputs than its circuit.
		VerifyingKeyInputMismatch,
		/// The registrar has not set the verifying key this proof needs.
		VerifyingKeyMissing,
		/// The Paillier public key's length is not 256 to 512 bytes.
		PublicKeyWrongLength,
		/// The Paillier public key's first bit is clear: n is shorter than its encoding.
		PublicKeyNotExactSize,
		/// The Paillier modulus n is even.
		PublicKeyEven,
		/// The Paillier modulus n has a small prime factor.
		PublicKeySmallFactor,
		/// The Paillier modulus n is a perfect square.
		PublicKeyPerfectSquare,
		/// A ciphertext's length is not twice the public key's.
		CiphertextWrongLength,
		/// A ciphertext is not below n^2.
		CiphertextNotBelowModulusSquared,
		/// A ciphertext is not coprime to n (it is not in the ciphertext group).
		CiphertextNotCoprime,
		/// The request names no indicator.
		NoIndicators,
		/// The request names an indicator id the registry does not hold.
		UnknownIndicator,
		/// The request names the same indicator twice.
		DuplicateIndicator,
		/// A minimum width exceeds its indicator's plausibility domain, so no range could fit.
		MinWidthExceedsDomain,
		/// The request's lifetime is below `MinRequestLifetime`.
		LifetimeTooShort,
		/// The request's lifetime is above `MaxRequestLifetime`.
		LifetimeTooLong,
		/// The number of commitments is not the request's number of chunks.
		WrongCommitmentCount,
		/// The number of proofs is not the request's number of chunks.
		WrongProofCount,
		/// A commitment is not a canonical field element.
		NonCanonicalCommitment,
		/// A proof is not 192 bytes of valid curve points.
		MalformedProof,
		/// A proof does not verify for its statement, commitment and (for eligibility) binding.
		InvalidProof,
		/// No request has this id.
		RequestNotFound,
		/// The request is closed.
		RequestClosed,
		/// The request has expired: it takes no new sessions.
		RequestExpired,
		/// The request has not expired yet.
		RequestNotExpired,
		/// The request still has open sessions; they must complete or expire first.
		RequestHasOpenSessions,
		/// Only the institution that created the request may do this.
		NotRequestInstitution,
		/// An institution cannot hold data in its own request.
		InstitutionCannotParticipate,
		/// This holder already has a session for this request, open or completed. A holder may
		/// join again only after an earlier session expired and was cleaned up.
		AlreadyParticipating,
		/// This holder's earlier session in this request passed its lifetime unfinished but
		/// is still open: end it with `clean_up_session`, then join again.
		PreviousSessionNotCleanedUp,
		/// The request's institution is no longer approved (the registrar revoked it).
		InstitutionRevoked,
		/// No session has this id.
		SessionNotFound,
		/// Only the session's holder may do this.
		NotSessionHolder,
		/// The session is not in the state this step needs.
		WrongSessionState,
		/// The session has expired.
		SessionExpired,
		/// The session has not expired yet.
		SessionNotExpired,
		/// The session has already ended (completed, expired or withdrawn).
		SessionEnded,
		/// The institution's comparison is on chain: the holder can open it, so withdrawing
		/// now would let a holder drop out after seeing where its values lie.
		AlreadyCompared,
		/// The session has not ended: only an ended session's summary is pruned.
		SessionNotEnded,
		/// The session ended less than `SummaryRetention` blocks ago; its summary stays until
		/// then.
		SummaryRetained,
		/// The number of ciphertexts is not what this step needs for the request and key.
		WrongCiphertextCount,
		/// The account cannot pay the deposit.
		InsufficientDeposit,
		/// The link proof is not the length its key and indicator count require (truncated
		/// or oversized).
		LinkProofWrongLength,
		/// The link proof holds a malformed Jubjub point or scalar, or a mask or nonce
		/// response outside its group.
		LinkProofMalformed,
		/// A response of the link proof is at or above its bound `2^240`.
		LinkResponseTooLarge,
		/// The link proof speaks about another data commitment than the one the session's
		/// eligibility proof made public.
		LinkCommitmentMismatch,
		/// The link proof's Jubjub equation fails: it was made for another session, holder,
		/// key or order of ciphertexts, or is forged.
		LinkCommitmentEquationFailed,
		/// The link proof's Paillier equations fail: a ciphertext does not hold the committed
		/// value.
		LinkEncryptionEquationFailed,
		/// The comparison proof (Pi^cmp) is not the length the holder's key and the request's
		/// indicator count require.
		ComparisonProofWrongLength,
		/// A part of the comparison does not start where the parts submitted so far end
		/// (`first_group` must be the number of groups already submitted).
		ComparisonPartOutOfOrder,
		/// The comparison proof holds a commitment, mask or nonce response outside its group,
		/// or a randomness response beyond its bound.
		ComparisonProofMalformed,
		/// A blinding-factor response of the comparison proof is at or above `2^208`: a
		/// blinding factor too large for its slot.
		ComparisonFactorTooLarge,
		/// A constant response of the comparison proof is at or above `2^241`: a constant that
		/// could push its slot past its bound.
		ComparisonConstantTooLarge,
		/// The comparison proof's ring-Pedersen equations fail: it was made for another
		/// session, institution, holder or key, or is forged.
		ComparisonCommitmentEquationFailed,
		/// The comparison proof's Paillier equations fail: an output is not the request's own
		/// ciphertexts, slot by slot in order, under the committed factors and constants (one
		/// ciphertext in several slots, slots in another order).
		ComparisonEquationFailed,
		/// This chain refuses development verifying keys (anyone can forge proofs against
		/// them): set a key from a setup ceremony, with its transcript digest (docs/CEREMONY.md).
		DevelopmentKeyRefused,
		/// The key is the development setup's but claims a ceremony's origin.
		DevelopmentKeyClaimsCeremony,
	}

	impl<T> From<IndicatorError> for Error<T> {
		fn from(error: IndicatorError) -> Self {
			match error {
				IndicatorError::LoincCodeTooLong => Error::LoincCodeTooLong,
				IndicatorError::LoincCodeMalformed => Error::LoincCodeMalformed,
				IndicatorError::LoincCheckDigitMismatch => Error::LoincCheckDigitMismatch,
				IndicatorError::UnitTooLong => Error::UnitTooLong,
				IndicatorError::UnitMalformed => Error::UnitMalformed,
				IndicatorError::NameTooLong => Error::NameTooLong,
				IndicatorError::NameMalformed => Error::NameMalformed,
				IndicatorError::ScaleTooLarge => Error::ScaleTooLarge,
				IndicatorError::DomainInverted => Error::DomainInverted,
				IndicatorError::MinWidthZero => Error::RegistryMinWidthZero,
				IndicatorError::MinWidthExceedsDomain => Error::RegistryMinWidthExceedsDomain,
			}
		}
	}

	impl<T> From<KeyRegistrationError> for Error<T> {
		fn from(error: KeyRegistrationError) -> Self {
			match error {
				KeyRegistrationError::Key(e) => e.into(),
				KeyRegistrationError::Modulus(e) => match e {
					ModulusProofError::MalformedInput | ModulusProofError::WrongLength | ModulusProofError::NonCanonical => {
						Error::ModulusProofMalformed
					},
					ModulusProofError::ModulusIsPrime => Error::ModulusIsPrime,
					ModulusProofError::NotInvertible => Error::ModulusProofNotInvertible,
					ModulusProofError::NthRootMismatch => Error::ModulusProofNthRootFailed,
					ModulusProofError::FourthRootMismatch => Error::ModulusProofFourthRootFailed,
				},
				KeyRegistrationError::RingPedersen(e) => match e {
					RingPedersenProofError::WrongParameterLength => Error::RingPedersenParamsMalformed,
					RingPedersenProofError::DegenerateParameters => Error::RingPedersenParamsDegenerate,
					RingPedersenProofError::MalformedInput
					| RingPedersenProofError::WrongLength
					| RingPedersenProofError::NonCanonical => Error::RingPedersenProofMalformed,
					RingPedersenProofError::Mismatch => Error::RingPedersenProofInvalid,
				},
			}
		}
	}

	impl<T> From<PublicKeyError> for Error<T> {
		fn from(error: PublicKeyError) -> Self {
			match error {
				PublicKeyError::WrongLength => Error::PublicKeyWrongLength,
				PublicKeyError::NotExactSize => Error::PublicKeyNotExactSize,
				PublicKeyError::Even => Error::PublicKeyEven,
				PublicKeyError::SmallFactor => Error::PublicKeySmallFactor,
				PublicKeyError::PerfectSquare => Error::PublicKeyPerfectSquare,
			}
		}
	}

	impl<T> From<CiphertextError> for Error<T> {
		fn from(error: CiphertextError) -> Self {
			match error {
				CiphertextError::WrongLength => Error::CiphertextWrongLength,
				CiphertextError::NotBelowModulusSquared => Error::CiphertextNotBelowModulusSquared,
				CiphertextError::NotCoprime => Error::CiphertextNotCoprime,
			}
		}
	}

	impl<T> From<LinkError> for Error<T> {
		fn from(error: LinkError) -> Self {
			match error {
				LinkError::WrongLength => Error::LinkProofWrongLength,
				// The pallet builds the statement from registered, validated values; a
				// malformed one cannot come from the caller but is refused all the same.
				LinkError::MalformedStatement
				| LinkError::MalformedPoint
				| LinkError::MalformedScalar
				| LinkError::MalformedPaillierElement => Error::LinkProofMalformed,
				LinkError::ResponseTooLarge => Error::LinkResponseTooLarge,
				LinkError::CommitmentMismatch => Error::LinkCommitmentMismatch,
				LinkError::CommitmentEquationFailed => Error::LinkCommitmentEquationFailed,
				LinkError::EncryptionEquationFailed => Error::LinkEncryptionEquationFailed,
				LinkError::CiphertextWrongLength => Error::CiphertextWrongLength,
				LinkError::CiphertextNotBelowModulusSquared => Error::CiphertextNotBelowModulusSquared,
				LinkError::CiphertextNotCoprime => Error::CiphertextNotCoprime,
			}
		}
	}

	impl<T> From<ComparisonProofError> for Error<T> {
		fn from(error: ComparisonProofError) -> Self {
			match error {
				ComparisonProofError::WrongLength => Error::ComparisonProofWrongLength,
				// The pallet builds the statement from registered, validated values and checks
				// the output count first; a malformed statement is refused all the same.
				ComparisonProofError::MalformedInput
				| ComparisonProofError::NonCanonical
				| ComparisonProofError::NotUnit
				| ComparisonProofError::RandomnessResponseTooLarge => Error::ComparisonProofMalformed,
				ComparisonProofError::CiphertextNotBelowModulusSquared => Error::CiphertextNotBelowModulusSquared,
				ComparisonProofError::CiphertextNotCoprime => Error::CiphertextNotCoprime,
				ComparisonProofError::FactorResponseTooLarge => Error::ComparisonFactorTooLarge,
				ComparisonProofError::ConstantResponseTooLarge => Error::ComparisonConstantTooLarge,
				ComparisonProofError::CommitmentEquationFailed => Error::ComparisonCommitmentEquationFailed,
				ComparisonProofError::ComparisonEquationFailed => Error::ComparisonEquationFailed,
			}
		}
	}

	impl<T> From<VerifyError> for Error<T> {
		fn from(error: VerifyError) -> Self {
			match error {
				// The pallet computes S and b, so a non-canonical input is the caller's commitment.
				VerifyError::MalformedPublicInput => Error::NonCanonicalCommitment,
				VerifyError::MalformedProof => Error::MalformedProof,
				VerifyError::InvalidProof => Error::InvalidProof,
				VerifyError::MalformedVerifyingKey => Error::MalformedVerifyingKey,
				VerifyError::WrongInputCount => Error::VerifyingKeyInputMismatch,
			}
		}
	}

	/// An indicator as written in a chain specification.
	#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
	#[serde(rename_all = "camelCase", deny_unknown_fields)]
	pub struct IndicatorSpec {
		/// LOINC code, for example `8310-5`.
		pub code: String,
		/// Display name.
		pub name: String,
		/// UCUM unit, for example `Cel`.
		pub unit: String,
		/// Decimal places kept in the fixed-point value.
		pub scale: u8,
		/// Smallest plausible scaled value.
		pub lo: u32,
		/// Largest plausible scaled value.
		pub hi: u32,
		/// Narrowest hidden range a request may ask for, in scaled units (at least 1).
		pub min_width: u32,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Indicators registered at genesis, in id order.
		pub indicators: Vec<IndicatorSpec>,
		/// Institutions approved at genesis (they still register their own Paillier key).
		pub institutions: Vec<T::AccountId>,
		/// Verifying keys set at genesis: the requirement circuit's and the eligibility
		/// circuit's, in bellman's format.
		pub requirement_verifying_key: Option<Vec<u8>>,
		/// See `requirement_verifying_key`.
		pub eligibility_verifying_key: Option<Vec<u8>>,
		/// The digest of the ceremony transcript the requirement key came from; `None` for a
		/// development key.
		pub requirement_key_transcript: Option<[u8; 32]>,
		/// See `requirement_key_transcript`.
		pub eligibility_key_transcript: Option<[u8; 32]>,
		/// Refuse development keys, at genesis and in `set_verifying_key` (every chain but `dev`).
		pub refuse_development_keys: bool,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// A broken chain spec must stop the chain from starting, not start it wrong.
			for spec in &self.indicators {
				let indicator = Indicator::new(
					spec.code.as_bytes(),
					spec.name.as_bytes(),
					spec.unit.as_bytes(),
					spec.scale,
					spec.lo,
					spec.hi,
					spec.min_width,
				)
				.unwrap_or_else(|e| panic!("genesis indicator {}: {:?}", spec.code, e));
				Pallet::<T>::insert_indicator(indicator)
					.unwrap_or_else(|e| panic!("genesis indicator {}: {:?}", spec.code, e));
			}
			for institution in &self.institutions {
				Institutions::<T>::insert(
					institution,
					Institution { public_key: None, metadata: Default::default() },
				);
			}
			DevelopmentKeysRefused::<T>::put(self.refuse_development_keys);
			for (circuit, key, transcript) in [
				(Circuit::Requirement, &self.requirement_verifying_key, self.requirement_key_transcript),
				(Circuit::Eligibility, &self.eligibility_verifying_key, self.eligibility_key_transcript),
			] {
				if let Some(key) = key {
					let origin = transcript.map_or(KeyOrigin::Development, |t| KeyOrigin::Ceremony { transcript: H256(t) });
					let key = Pallet::<T>::validate_verifying_key(circuit, key.clone())
						.and_then(|key| Pallet::<T>::check_key_origin(circuit, &key, origin).map(|_| key))
						.unwrap_or_else(|e| panic!("genesis verifying key {circuit:?}: {e:?}"));
					VerifyingKeys::<T>::insert(circuit, key);
					VerifyingKeyOrigins::<T>::insert(circuit, origin);
				}
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let indicators = T::MaxIndicatorsPerRequest::get();
			assert!(indicators <= T::MaxIndicators::get(), "a request cannot name more indicators than the registry holds");
			assert!(
				T::MaxChunks::get() as usize >= medshare_zk::statement::chunk_count(indicators as usize),
				"MaxChunks must cover the largest request"
			);
			let bits = medshare_paillier::MIN_MODULUS_BITS;
			assert!(
				T::MaxComparisonCiphertexts::get() >= medshare_paillier::cmp_output_count(bits, indicators),
				"MaxComparisonCiphertexts must cover the largest request under the smallest key"
			);
			assert!(
				T::MaxResultCiphertexts::get() >= medshare_paillier::result_ciphertext_count(bits, indicators),
				"MaxResultCiphertexts must cover the largest request under the smallest key"
			);
			assert!(T::MinRequestLifetime::get() <= T::MaxRequestLifetime::get());
			assert!(
				T::SummaryRetention::get() >= T::MaxRequestLifetime::get(),
				"summaries must outlive every request they could be rejoined from"
			);
			// `submit_result` is weighed for a one-ciphertext result.
			assert!(
				medshare_paillier::result_ciphertext_count(bits, indicators) == 1,
				"a result must fit one ciphertext under the smallest key"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Adds a health indicator to the registry, so that requests can name it.
		///
		/// Origin: the registrar (root on a development chain).
		///
		/// - `code`: LOINC code as text, `digits-checkdigit`, for example `8310-5`; the check
		///   digit is verified.
		/// - `name`: display name, UTF-8, at most 64 bytes, for example `Body temperature`.
		/// - `unit`: UCUM unit the values are measured in, for example `Cel` or `mm[Hg]`.
		/// - `scale`: decimal places kept (0..=9): values are stored as `value * 10^scale`,
		///   so 36.9 Cel with scale 2 is 3690.
		/// - `lo`, `hi`: the plausibility domain in scaled units; holders can only prove values
		///   inside it and institutions can only ask for ranges inside it.
		/// - `min_width`: the narrowest hidden range a request may ask for, in scaled units,
		///   from 1 to `hi - lo` (PROTOCOL.md 9.1); see [`Pallet::set_indicator_min_width`].
		///
		/// Emits [`Event::IndicatorRegistered`] with the new registry id.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_indicator())]
		pub fn register_indicator(
			origin: OriginFor<T>,
			code: Vec<u8>,
			name: Vec<u8>,
			unit: Vec<u8>,
			scale: u8,
			lo: u32,
			hi: u32,
			min_width: u32,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			let indicator =
				Indicator::new(&code, &name, &unit, scale, lo, hi, min_width).map_err(Error::<T>::from)?;
			let (id, code) = Self::insert_indicator(indicator)?;
			Self::deposit_event(Event::IndicatorRegistered { id, code });
			Ok(())
		}

		/// Approves a research institution (step 0), which may then register its Paillier key
		/// and post requests.
		///
		/// Origin: the registrar.
		///
		/// - `institution`: the institution's account.
		///
		/// Emits [`Event::InstitutionApproved`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::approve_institution())]
		pub fn approve_institution(origin: OriginFor<T>, institution: T::AccountId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			ensure!(!Institutions::<T>::contains_key(&institution), Error::<T>::AlreadyApproved);
			Institutions::<T>::insert(&institution, Institution { public_key: None, metadata: Default::default() });
			Self::deposit_event(Event::InstitutionApproved { institution });
			Ok(())
		}

		/// Registers (or replaces) the calling institution's Paillier public key PK_H, its
		/// ring-Pedersen parameters and its description (step 0). Holders encrypt results
		/// under the key registered when they submit them.
		///
		/// Origin: an approved institution.
		///
		/// - `registration`: the key (n, big-endian, exactly |n|/8 bytes, 2048 to 4096 bits:
		///   odd, of its stated size, not a perfect square, free of small factors), the
		///   ring-Pedersen parameters `s`, `t` on n, and their proofs Pi^mod and Pi^prm made
		///   for this chain's genesis hash and the calling account (docs/PROOFS.md).
		/// - `metadata`: a description for people (name, contact, ethics approval), at most 256
		///   bytes.
		///
		/// Emits [`Event::InstitutionRegistered`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_institution(Pallet::<T>::key_size_class(&registration.key)))]
		pub fn register_institution(
			origin: OriginFor<T>,
			registration: KeyRegistration,
			metadata: Metadata,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Institutions::<T>::contains_key(&who), Error::<T>::NotApprovedInstitution);
			let key = Self::verify_key_registration(&who, registration)?;
			let key_hash = key.key_hash;
			Institutions::<T>::insert(&who, Institution { public_key: Some(key), metadata });
			Self::deposit_event(Event::InstitutionRegistered { institution: who, key_hash });
			Ok(())
		}

		/// Sets the Groth16 verifying key of a circuit, after checking it is well formed and
		/// made for the circuit's number of public inputs, and records where it came from.
		/// Requests and sessions already open keep whatever proofs they were admitted with.
		///
		/// Origin: the registrar.
		///
		/// - `circuit`: `Requirement` (public inputs S, h') or `Eligibility` (S, h, b).
		/// - `key`: the verifying key in bellman's byte format.
		/// - `key_origin`: `Development`, or `Ceremony` with the digest of the circuit's phase-2
		///   transcript (`medshare-setup export` writes it beside the key). A chain that refuses
		///   development keys refuses `Development`; the development key itself can never claim
		///   a ceremony.
		///
		/// Emits [`Event::VerifyingKeySet`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_verifying_key().saturating_add(KEY_PREPARATION_WEIGHT))]
		pub fn set_verifying_key(
			origin: OriginFor<T>,
			circuit: Circuit,
			key: VerifyingKey,
			key_origin: KeyOrigin,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			let key = Self::validate_verifying_key(circuit, key.into_inner())?;
			Self::check_key_origin(circuit, &key, key_origin)?;
			let key_hash = H256(sp_io::hashing::blake2_256(&key));
			VerifyingKeys::<T>::insert(circuit, key);
			VerifyingKeyOrigins::<T>::insert(circuit, key_origin);
			Self::deposit_event(Event::VerifyingKeySet { circuit, key_hash, origin: key_origin });
			Ok(())
		}

		/// Posts a research request (step 1): the indicators asked for, with hidden ranges
		/// committed in `range_commitments` and proven to respect every indicator's domain and
		/// minimum width. The pallet computes the request statement S of each chunk itself and
		/// stores it for holders. Holds the storage price of the request's bytes.
		///
		/// Origin: an approved institution with a registered key.
		///
		/// - `indicators`: registry ids with their minimum range widths, in request order,
		///   each id at most once.
		/// - `range_commitments`: h' of each chunk of `medshare_zk::SLOTS` indicators.
		/// - `proofs`: one requirement proof per chunk, for public inputs `[S, h']`.
		/// - `lifetime`: blocks during which holders may join.
		///
		/// Emits [`Event::RequestCreated`].
		#[pallet::call_index(4)]
		#[pallet::weight(
			T::WeightInfo::create_request(medshare_zk::statement::chunk_count(indicators.len()) as u32)
				.saturating_add(KEY_PREPARATION_WEIGHT)
		)]
		pub fn create_request(
			origin: OriginFor<T>,
			indicators: BoundedVec<RequestedIndicator, T::MaxIndicatorsPerRequest>,
			range_commitments: BoundedVec<FieldBytes, T::MaxChunks>,
			proofs: BoundedVec<Proof, T::MaxChunks>,
			lifetime: BlockNumberFor<T>,
		) -> DispatchResult {
			let institution = ensure_signed(origin)?;
			let registered = Institutions::<T>::get(&institution).ok_or(Error::<T>::NotApprovedInstitution)?;
			ensure!(registered.public_key.is_some(), Error::<T>::InstitutionKeyMissing);
			ensure!(!indicators.is_empty(), Error::<T>::NoIndicators);
			ensure!(lifetime >= T::MinRequestLifetime::get(), Error::<T>::LifetimeTooShort);
			ensure!(lifetime <= T::MaxRequestLifetime::get(), Error::<T>::LifetimeTooLong);
			let chunks = medshare_zk::statement::chunk_count(indicators.len());
			ensure!(range_commitments.len() == chunks, Error::<T>::WrongCommitmentCount);
			ensure!(proofs.len() == chunks, Error::<T>::WrongProofCount);

			let mut seen = BTreeSet::new();
			let mut fields = Vec::with_capacity(indicators.len());
			for requested in &indicators {
				ensure!(seen.insert(requested.id), Error::<T>::DuplicateIndicator);
				let entry = Indicators::<T>::get(requested.id).ok_or(Error::<T>::UnknownIndicator)?;
				// The registry keeps lo <= hi.
				ensure!(requested.min_width <= entry.hi.saturating_sub(entry.lo), Error::<T>::MinWidthExceedsDomain);
				ensure!(requested.min_width >= entry.min_width, Error::<T>::MinWidthBelowRegistry);
				fields.push(medshare_zk::RequestedIndicator {
					id: requested.id,
					lo: entry.lo,
					hi: entry.hi,
					min_width: requested.min_width,
				});
			}
			let key = VerifyingKeys::<T>::get(Circuit::Requirement).ok_or(Error::<T>::VerifyingKeyMissing)?;
			let statements = medshare_zk::statement::request_statements(&Self::account_bytes(&institution), &fields)
				.map_err(|_| Error::<T>::NoIndicators)?;
			let statements: Vec<FieldBytes> = statements.iter().map(medshare_zk::statement::to_bytes).collect();
			for ((statement, commitment), proof) in statements.iter().zip(&range_commitments).zip(&proofs) {
				medshare_zk::verify::verify(&key, proof, &[*statement, *commitment]).map_err(Error::<T>::from)?;
			}

			let now = frame_system::Pallet::<T>::block_number();
			let expires_at = now.saturating_add(lifetime);
			let indicator_ids = BoundedVec::truncate_from(indicators.iter().map(|i| i.id).collect());
			let mut request = Request {
				institution: institution.clone(),
				indicators,
				statements: BoundedVec::truncate_from(statements),
				range_commitments,
				created_at: now,
				expires_at,
				deposit: Zero::zero(),
				open_sessions: 0,
				status: RequestStatus::Open,
			};
			let deposit = Self::deposit_for(request.encoded_size());
			Self::hold(HoldReason::RequestDeposit, &institution, deposit)?;
			request.deposit = deposit;
			let request_id = NextRequestId::<T>::get();
			NextRequestId::<T>::put(request_id.saturating_add(1));
			Requests::<T>::insert(request_id, request);
			Self::deposit_event(Event::RequestCreated {
				request_id,
				institution,
				indicators: indicator_ids,
				chunks: chunks as u32,
				expires_at,
				deposit,
			});
			Ok(())
		}

		/// Proves the holder's eligibility for a request and opens a session (steps 2-3):
		/// per chunk, the data commitment h and a proof that the committed values lie in the
		/// indicators' domains, bound to this request, this holder and `nonce`. Holds the
		/// storage price of the session's record.
		///
		/// Origin: the holder (any account but the request's institution), once per request.
		///
		/// - `request_id`: the request.
		/// - `nonce`: 32 bytes of the holder's choosing, bound into the proofs (b).
		/// - `data_commitments`: h of each chunk.
		/// - `proofs`: one eligibility proof per chunk, for public inputs `[S, h, b]`.
		///
		/// Emits [`Event::SessionOpened`] with the session id.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::submit_eligibility(proofs.len() as u32).saturating_add(KEY_PREPARATION_WEIGHT))]
		pub fn submit_eligibility(
			origin: OriginFor<T>,
			request_id: RequestId,
			nonce: Nonce,
			data_commitments: BoundedVec<FieldBytes, T::MaxChunks>,
			proofs: BoundedVec<Proof, T::MaxChunks>,
		) -> DispatchResult {
			let holder = ensure_signed(origin)?;
			let mut request = Requests::<T>::get(request_id).ok_or(Error::<T>::RequestNotFound)?;
			ensure!(request.status == RequestStatus::Open, Error::<T>::RequestClosed);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now <= request.expires_at, Error::<T>::RequestExpired);
			ensure!(holder != request.institution, Error::<T>::InstitutionCannotParticipate);
			ensure!(Institutions::<T>::contains_key(&request.institution), Error::<T>::InstitutionRevoked);
			if let Some(previous) = SessionByParticipant::<T>::get(request_id, &holder) {
				let previous = Sessions::<T>::get(previous).ok_or(Error::<T>::AlreadyParticipating)?;
				match previous.state {
					SessionState::Expired | SessionState::Withdrawn => {},
					SessionState::Completed => return Err(Error::<T>::AlreadyParticipating.into()),
					_ if now > previous.expires_at => return Err(Error::<T>::PreviousSessionNotCleanedUp.into()),
					_ => return Err(Error::<T>::AlreadyParticipating.into()),
				}
			}
			ensure!(data_commitments.len() == request.statements.len(), Error::<T>::WrongCommitmentCount);
			ensure!(proofs.len() == request.statements.len(), Error::<T>::WrongProofCount);
			let key = VerifyingKeys::<T>::get(Circuit::Eligibility).ok_or(Error::<T>::VerifyingKeyMissing)?;
			let binding = medshare_zk::statement::to_bytes(&medshare_zk::statement::proof_binding(
				request_id,
				&Self::account_bytes(&holder),
				&nonce,
			));
			for ((statement, commitment), proof) in request.statements.iter().zip(&data_commitments).zip(&proofs) {
				medshare_zk::verify::verify(&key, proof, &[*statement, *commitment, binding])
					.map_err(Error::<T>::from)?;
			}

			let expires_at = now.saturating_add(T::SessionLifetime::get());
			let mut session =
				Session::opened(request_id, holder.clone(), nonce, data_commitments, now, expires_at);
			let deposit = Self::deposit_for(Self::session_record_len(&session));
			Self::hold(HoldReason::SessionDeposit, &holder, deposit)?;
			session.deposit = deposit;
			request.open_sessions = request.open_sessions.saturating_add(1);
			let request_institution = request.institution.clone();
			Requests::<T>::insert(request_id, request);
			let session_id = NextSessionId::<T>::get();
			NextSessionId::<T>::put(session_id.saturating_add(1));
			SessionByParticipant::<T>::insert(request_id, &holder, session_id);
			Sessions::<T>::insert(session_id, session);
			Self::deposit_event(Event::SessionOpened {
				session_id,
				request_id,
				holder,
				institution: request_institution,
				expires_at,
				deposit,
			});
			Ok(())
		}

		/// Submits the holder's encrypted data (step 4) under its registered Paillier key PK_U:
		/// one ciphertext E_U(m_i) per requested indicator, in request order, with the link
		/// proof (Pi^link, PROTOCOL.md 9.2) that each holds exactly the value the session's
		/// eligibility proof committed to. The proof is verified natively, batched; the session
		/// records the key it used. The holder's deposit grows to the storage price of the
		/// session's ciphertexts, its own and the comparison's to come.
		///
		/// Origin: the session's holder, with a key registered by
		/// [`Pallet::register_holder_key`], while the session is `Eligible` and unexpired.
		///
		/// - `session_id`: the session.
		/// - `ciphertexts`: E_U(m_i), each 2|n|/8 bytes, below n^2 and coprime to n.
		/// - `link_proof`: `medshare_zk::link::proof_len(|n|/8, k)` bytes, bound to this chain,
		///   holder, request and session.
		///
		/// Emits [`Event::EncryptedDataSubmitted`].
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::encrypted_data_weight(&ciphertexts))]
		pub fn submit_encrypted_data(
			origin: OriginFor<T>,
			session_id: SessionId,
			ciphertexts: BoundedVec<EncodedCiphertext, T::MaxIndicatorsPerRequest>,
			link_proof: BoundedVec<u8, MaxLinkProofBytes<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (mut session, request) = Self::session_step(session_id, SessionState::Eligible)?;
			ensure!(who == session.holder, Error::<T>::NotSessionHolder);
			let holder_key = HolderKeys::<T>::get(&who).ok_or(Error::<T>::HolderKeyMissing)?;
			ensure!(ciphertexts.len() == request.indicators.len(), Error::<T>::WrongCiphertextCount);
			// Lengths here; the values are validated natively by the link host function, which
			// answers with the same `Ciphertext*` errors (and before it reads the proof).
			let width = 2 * holder_key.key.as_bytes().len();
			ensure!(ciphertexts.iter().all(|c| c.as_bytes().len() == width), Error::<T>::CiphertextWrongLength);
			let context = LinkContext {
				genesis_hash: Self::genesis_hash(),
				holder: Self::account_bytes(&who),
				request_id: session.request_id,
				session_id,
			};
			let data: Vec<u8> = ciphertexts.iter().flat_map(|c| c.as_bytes().iter().copied()).collect();
			let seed = sp_io::hashing::blake2_256(frame_system::Pallet::<T>::parent_hash().as_ref());
			medshare_zk::verify::verify_link(&seed, &context, holder_key.key.as_bytes(), &data, &session.data_commitments, &link_proof)
				.map_err(Error::<T>::from)?;

			let data_hash = Self::hash_of(&ciphertexts);
			session.holder_key_hash = Some(holder_key.key_hash);
			session.data_hash = Some(data_hash);
			let payload = SessionPayload { holder_key, encrypted_data: ciphertexts, comparison: Default::default() };
			// The holder's deposit now also pays for the ciphertexts: its own, and the
			// comparison's, whose size the request and the key fix.
			let deposit = Self::deposit_for(
				Self::session_record_len(&session) + Self::payload_len(&payload, request.indicators.len() as u32),
			);
			if deposit > session.deposit {
				Self::hold(HoldReason::SessionDeposit, &who, deposit.saturating_sub(session.deposit))?;
				session.deposit = deposit;
			}
			Self::advance(session_id, &mut session, SessionState::DataSubmitted);
			SessionPayloads::<T>::insert(session_id, payload);
			Self::deposit_event(Event::EncryptedDataSubmitted {
				session_id,
				request_id: session.request_id,
				holder: who,
				data_hash,
			});
			Ok(())
		}

		/// Submits the institution's blinded, re-randomised comparison of the holder's data
		/// with the hidden ranges (step 5), encrypted under PK_U, with its proof Pi^cmp: every
		/// slot of every output uses its own holder ciphertext, in request order, with a bounded
		/// blinding factor and a bounded constant (docs/PROOFS.md). A comparison too heavy to
		/// verify in one block (a large request under a long holder key) is submitted in parts
		/// of whole groups, in order; each part is verified on its own.
		///
		/// Origin: the request's institution, while the session is `DataSubmitted` and
		/// unexpired.
		///
		/// - `session_id`: the session.
		/// - `first_group`: the first group of slots this part covers: 0 for the first (or
		///   only) part, then the number of groups already submitted.
		/// - `ciphertexts`: the outputs of whole groups (an alpha and a beta output each) from
		///   `first_group` on, under PK_U; `medshare_paillier::cmp_output_count(|n_U|, k)` in all.
		/// - `comparison_proof`: the part of Pi^cmp for those outputs, for this chain,
		///   institution, holder, request and session, under the holder's registered key and
		///   ring-Pedersen parameters (`medshare_paillier::compare::part_proof_range`).
		///
		/// The proof is verified natively with weights seeded by the parent block's hash.
		/// Emits [`Event::ComparisonPartSubmitted`] for a part that leaves groups to come, and
		/// [`Event::ComparisonSubmitted`] when the comparison is complete.
		#[pallet::call_index(7)]
		#[pallet::weight(Pallet::<T>::comparison_weight(ciphertexts))]
		pub fn submit_comparison(
			origin: OriginFor<T>,
			session_id: SessionId,
			first_group: u32,
			ciphertexts: BoundedVec<EncodedCiphertext, T::MaxComparisonCiphertexts>,
			comparison_proof: BoundedVec<u8, MaxComparisonProofBytes<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (mut session, request) = Self::session_step(session_id, SessionState::DataSubmitted)?;
			ensure!(who == request.institution, Error::<T>::NotRequestInstitution);
			ensure!(Institutions::<T>::contains_key(&who), Error::<T>::InstitutionRevoked);
			let mut payload = SessionPayloads::<T>::get(session_id).ok_or(Error::<T>::WrongSessionState)?;
			let key = PublicKey::from_encoded(&payload.holder_key.key).map_err(Error::<T>::from)?;
			let expected = medshare_paillier::cmp_output_count(key.modulus_bits(), request.indicators.len() as u32) as usize;
			let received = payload.comparison.len();
			ensure!(first_group as usize * 2 == received, Error::<T>::ComparisonPartOutOfOrder);
			ensure!(
				!ciphertexts.is_empty() && ciphertexts.len() % 2 == 0 && received + ciphertexts.len() <= expected,
				Error::<T>::WrongCiphertextCount
			);
			// Lengths here; the values are validated natively by the host function, before it
			// reads the proof.
			let width = key.ciphertext_byte_len();
			ensure!(ciphertexts.iter().all(|c| c.as_bytes().len() == width), Error::<T>::CiphertextWrongLength);
			let context = ComparisonContext {
				genesis_hash: Self::genesis_hash(),
				institution: Self::account_bytes(&who),
				holder: Self::account_bytes(&session.holder),
				request_id: session.request_id,
				session_id,
			};
			let concat = |list: &[EncodedCiphertext]| list.iter().flat_map(|c| c.as_bytes().iter().copied()).collect::<Vec<u8>>();
			let seed = sp_io::hashing::blake2_256(frame_system::Pallet::<T>::parent_hash().as_ref());
			let rp = &payload.holder_key.ring_pedersen;
			ComparisonProofError::from_code(medshare_paillier::proofs::host::medshare_paillier::verify_comparison(
				&seed,
				&context.to_bytes(),
				first_group,
				payload.holder_key.key.as_bytes(),
				rp.s.as_bytes(),
				rp.t.as_bytes(),
				&concat(&payload.encrypted_data),
				&concat(&ciphertexts),
				&comparison_proof,
			))
			.map_err(Error::<T>::from)?;

			// Bounded: received + this part <= expected <= MaxComparisonCiphertexts.
			payload.comparison.try_extend(ciphertexts.into_iter()).map_err(|_| Error::<T>::WrongCiphertextCount)?;
			if payload.comparison.len() < expected {
				let groups = (payload.comparison.len() / 2) as u32;
				session.updated_at = frame_system::Pallet::<T>::block_number();
				Sessions::<T>::insert(session_id, &session);
				SessionPayloads::<T>::insert(session_id, payload);
				Self::deposit_event(Event::ComparisonPartSubmitted { session_id, request_id: session.request_id, groups });
				return Ok(());
			}
			let comparison_hash = Self::hash_of(&payload.comparison);
			session.comparison_hash = Some(comparison_hash);
			Self::advance(session_id, &mut session, SessionState::Compared);
			SessionPayloads::<T>::insert(session_id, payload);
			Self::deposit_event(Event::ComparisonSubmitted {
				session_id,
				request_id: session.request_id,
				institution: who,
				comparison_hash,
			});
			Ok(())
		}

		/// Submits the holder's result set, -1/0/1 per indicator packed and encrypted off chain
		/// under the institution's key PK_H (steps 6-7), and completes the session: its
		/// payloads leave state (they stay in the block history), the deposit is released and
		/// a summary with the hash of every payload remains.
		///
		/// Origin: the session's holder, while the session is `Compared` and unexpired.
		///
		/// - `session_id`: the session.
		/// - `ciphertexts`: exactly `medshare_paillier::result_ciphertext_count(|n_H|, k)`
		///   ciphertexts under the institution's registered key.
		///
		/// Emits [`Event::SessionCompleted`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::submit_result())]
		pub fn submit_result(
			origin: OriginFor<T>,
			session_id: SessionId,
			ciphertexts: BoundedVec<EncodedCiphertext, T::MaxResultCiphertexts>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (mut session, request) = Self::session_step(session_id, SessionState::Compared)?;
			ensure!(who == session.holder, Error::<T>::NotSessionHolder);
			let registered = Institutions::<T>::get(&request.institution)
				.and_then(|institution| institution.public_key)
				.ok_or(Error::<T>::InstitutionKeyMissing)?;
			let key = PublicKey::from_encoded(&registered.key).map_err(Error::<T>::from)?;
			let expected =
				medshare_paillier::result_ciphertext_count(key.modulus_bits(), request.indicators.len() as u32);
			ensure!(ciphertexts.len() as u32 == expected, Error::<T>::WrongCiphertextCount);
			Self::validate_ciphertexts(&key, &ciphertexts)?;

			let result_hash = Self::hash_of(&ciphertexts);
			session.result_hash = Some(result_hash);
			let institution = request.institution.clone();
			let deposit_released = Self::end_session(session_id, &mut session, SessionState::Completed, request);
			Self::deposit_event(Event::SessionCompleted {
				session_id,
				request_id: session.request_id,
				holder: session.holder,
				institution,
				result_hash,
				deposit_released,
			});
			Ok(())
		}

		/// Closes a request: no new sessions; sessions already open may still finish. The
		/// request deposit is released; the request leaves storage with its last session.
		///
		/// Origin: the request's institution.
		///
		/// - `request_id`: the request.
		///
		/// Emits [`Event::RequestClosed`] (and [`Event::RequestRemoved`] if no session is open).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::close_request())]
		pub fn close_request(origin: OriginFor<T>, request_id: RequestId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let request = Requests::<T>::get(request_id).ok_or(Error::<T>::RequestNotFound)?;
			ensure!(who == request.institution, Error::<T>::NotRequestInstitution);
			ensure!(request.status == RequestStatus::Open, Error::<T>::RequestClosed);
			Self::close(request_id, request, false);
			Ok(())
		}

		/// Removes an expired request that has no open session left and releases its
		/// deposit. Free when it succeeds: whoever tidies state pays no fee.
		///
		/// Origin: any signed account.
		///
		/// - `request_id`: the request.
		///
		/// Emits [`Event::RequestRemoved`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::clean_up_request())]
		pub fn clean_up_request(origin: OriginFor<T>, request_id: RequestId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let mut request = Requests::<T>::get(request_id).ok_or(Error::<T>::RequestNotFound)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now > request.expires_at, Error::<T>::RequestNotExpired);
			ensure!(request.open_sessions == 0, Error::<T>::RequestHasOpenSessions);
			let deposit_released = Self::release_request_deposit(&mut request);
			Requests::<T>::remove(request_id);
			Self::deposit_event(Event::RequestRemoved { request_id, institution: request.institution, deposit_released });
			Ok(Pays::No.into())
		}

		/// Ends a session that passed its lifetime unfinished: its payloads leave state, the
		/// holder's deposit is released, and a summary marked `Expired` remains. Free when it
		/// succeeds: whoever tidies state pays no fee.
		///
		/// Origin: any signed account.
		///
		/// - `session_id`: the session.
		///
		/// Emits [`Event::SessionExpired`].
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::clean_up_session())]
		pub fn clean_up_session(origin: OriginFor<T>, session_id: SessionId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let mut session = Sessions::<T>::get(session_id).ok_or(Error::<T>::SessionNotFound)?;
			ensure!(!session.state.has_ended(), Error::<T>::SessionEnded);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now > session.expires_at, Error::<T>::SessionNotExpired);
			let request = Requests::<T>::get(session.request_id).ok_or(Error::<T>::RequestNotFound)?;
			let deposit_released = Self::end_session(session_id, &mut session, SessionState::Expired, request);
			Self::deposit_event(Event::SessionExpired {
				session_id,
				request_id: session.request_id,
				holder: session.holder,
				deposit_released,
			});
			Ok(Pays::No.into())
		}

		/// Sets the minimum hidden-range width of a registered indicator (PROTOCOL.md 9.1).
		/// Requests created afterwards must ask for at least this width; requests already open
		/// keep theirs, and holders' clients refuse to join a request below the registry's
		/// current minimum.
		///
		/// Origin: the registrar.
		///
		/// - `id`: the indicator's registry id.
		/// - `min_width`: in scaled units, from 1 to the indicator's `hi - lo`.
		///
		/// Emits [`Event::IndicatorMinWidthSet`].
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::set_indicator_min_width())]
		pub fn set_indicator_min_width(origin: OriginFor<T>, id: IndicatorId, min_width: u32) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			let mut indicator = Indicators::<T>::get(id).ok_or(Error::<T>::UnknownIndicator)?;
			indicator.set_min_width(min_width).map_err(Error::<T>::from)?;
			Indicators::<T>::insert(id, indicator);
			Self::deposit_event(Event::IndicatorMinWidthSet { id, min_width });
			Ok(())
		}

		/// Registers (or replaces) the caller's Paillier key as a data holder, with its
		/// ring-Pedersen parameters and their proofs. A holder registers once and every session
		/// it joins afterwards uses this key; a session records the key it used, so replacing
		/// the key does not affect sessions whose data is already submitted.
		///
		/// Origin: any signed account.
		///
		/// - `registration`: as for [`Pallet::register_institution`]: the key, the
		///   ring-Pedersen parameters and Pi^mod and Pi^prm for this chain's genesis hash and
		///   the calling account.
		///
		/// Emits [`Event::HolderKeyRegistered`].
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::register_holder_key(Pallet::<T>::key_size_class(&registration.key)))]
		pub fn register_holder_key(origin: OriginFor<T>, registration: KeyRegistration) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let key = Self::verify_key_registration(&who, registration)?;
			let key_hash = key.key_hash;
			HolderKeys::<T>::insert(&who, key);
			Self::deposit_event(Event::HolderKeyRegistered { holder: who, key_hash });
			Ok(())
		}

		/// Revokes an institution's approval and its registered key. It can post no more
		/// requests; its requests take no new holders, and its open sessions can neither be
		/// compared nor completed (holders encrypt results under the key that is gone), so they
		/// expire and their holders' deposits are released by `clean_up_session`. Its requests
		/// stay until closed ([`Pallet::force_close_request`]) or expired, so that their
		/// deposits are released the usual way.
		///
		/// Origin: the registrar.
		///
		/// - `institution`: the institution's account.
		///
		/// Emits [`Event::InstitutionRevoked`].
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::revoke_institution())]
		pub fn revoke_institution(origin: OriginFor<T>, institution: T::AccountId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			ensure!(Institutions::<T>::contains_key(&institution), Error::<T>::NotApprovedInstitution);
			Institutions::<T>::remove(&institution);
			Self::deposit_event(Event::InstitutionRevoked { institution });
			Ok(())
		}

		/// Removes an ended session's summary, and its participant index entry, once
		/// `SummaryRetention` blocks have passed since it ended. The exchange stays in the block
		/// history (its extrinsics and events); state keeps only what live sessions need. Free
		/// when it succeeds.
		///
		/// Origin: any signed account.
		///
		/// - `session_id`: the session, completed, expired or withdrawn.
		///
		/// Emits [`Event::SessionPruned`].
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::prune_session())]
		pub fn prune_session(origin: OriginFor<T>, session_id: SessionId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let session = Sessions::<T>::get(session_id).ok_or(Error::<T>::SessionNotFound)?;
			ensure!(session.state.has_ended(), Error::<T>::SessionNotEnded);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				now > session.updated_at.saturating_add(T::SummaryRetention::get()),
				Error::<T>::SummaryRetained
			);
			Sessions::<T>::remove(session_id);
			// A later session of the same pair keeps its entry.
			if SessionByParticipant::<T>::get(session.request_id, &session.holder) == Some(session_id) {
				SessionByParticipant::<T>::remove(session.request_id, &session.holder);
			}
			Self::deposit_event(Event::SessionPruned { session_id, request_id: session.request_id });
			Ok(Pays::No.into())
		}

		/// Ends the holder's session before the institution's comparison: its payloads leave
		/// state, the holder's deposit is released, and a summary marked `Withdrawn` remains.
		/// The holder may join the request again while it is open. Refused once the comparison
		/// is on chain ([`Error::AlreadyCompared`]): from then on the holder can learn where its
		/// values lie, and dropping out after seeing that would bias the institution's cohort.
		///
		/// Origin: the session's holder.
		///
		/// - `session_id`: the session, `Eligible` or `DataSubmitted` (expired or not).
		///
		/// Emits [`Event::SessionWithdrawn`].
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::withdraw_session())]
		pub fn withdraw_session(origin: OriginFor<T>, session_id: SessionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut session = Sessions::<T>::get(session_id).ok_or(Error::<T>::SessionNotFound)?;
			ensure!(who == session.holder, Error::<T>::NotSessionHolder);
			ensure!(!session.state.has_ended(), Error::<T>::SessionEnded);
			ensure!(session.state != SessionState::Compared, Error::<T>::AlreadyCompared);
			let request = Requests::<T>::get(session.request_id).ok_or(Error::<T>::RequestNotFound)?;
			let institution = request.institution.clone();
			let deposit_released = Self::end_session(session_id, &mut session, SessionState::Withdrawn, request);
			Self::deposit_event(Event::SessionWithdrawn {
				session_id,
				request_id: session.request_id,
				holder: session.holder,
				institution,
				deposit_released,
			});
			Ok(())
		}

		/// Closes a request on the registrar's authority, as [`Pallet::close_request`] does for
		/// its institution: no new sessions, sessions already open may finish or expire, the
		/// institution's deposit is released.
		///
		/// Origin: the registrar.
		///
		/// - `request_id`: the request, which must be open.
		///
		/// Emits [`Event::RequestClosed`] with `forced: true` (and [`Event::RequestRemoved`] if
		/// no session is open).
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::force_close_request())]
		pub fn force_close_request(origin: OriginFor<T>, request_id: RequestId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			let request = Requests::<T>::get(request_id).ok_or(Error::<T>::RequestNotFound)?;
			ensure!(request.status == RequestStatus::Open, Error::<T>::RequestClosed);
			Self::close(request_id, request, true);
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Stores a validated indicator under the next id, keeping codes unique and the
		/// registry within `MaxIndicators`.
		pub(crate) fn insert_indicator(
			indicator: Indicator,
		) -> Result<(IndicatorId, LoincCode), Error<T>> {
			ensure!(
				!IndicatorIdByCode::<T>::contains_key(&indicator.code),
				Error::<T>::DuplicateLoincCode
			);
			let id = IndicatorCount::<T>::get();
			ensure!(id < T::MaxIndicators::get(), Error::<T>::RegistryFull);
			let code = indicator.code.clone();
			IndicatorIdByCode::<T>::insert(&code, id);
			Indicators::<T>::insert(id, indicator);
			IndicatorCount::<T>::put(id + 1);
			Ok((id, code))
		}

		/// The registry id of a LOINC code, if it is registered.
		pub fn indicator_id(code: &[u8]) -> Option<IndicatorId> {
			let code: LoincCode = code.to_vec().try_into().ok()?;
			IndicatorIdByCode::<T>::get(code)
		}

		/// An account as the 32 bytes the statements hash (PROTOCOL.md 3.2): its SCALE encoding,
		/// zero-padded when shorter (injective for a fixed-size account type, and the raw public
		/// key for `AccountId32`), or its BLAKE2-256 hash when longer.
		pub fn account_bytes(who: &T::AccountId) -> [u8; 32] {
			let encoded = who.encode();
			if encoded.len() <= 32 {
				let mut bytes = [0u8; 32];
				bytes[..encoded.len()].copy_from_slice(&encoded);
				bytes
			} else {
				sp_io::hashing::blake2_256(&encoded)
			}
		}

		/// The hash of the chain's genesis block, which every key proof is bound to. frame-system
		/// keeps block 0's hash for ever (it prunes only later block hashes).
		pub fn genesis_hash() -> [u8; 32] {
			let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let bytes = hash.as_ref();
			if bytes.len() == 32 {
				let mut out = [0u8; 32];
				out.copy_from_slice(bytes);
				out
			} else {
				sp_io::hashing::blake2_256(bytes)
			}
		}

		/// What a key proof of `who` is bound to.
		pub fn proof_context(who: &T::AccountId) -> ProofContext {
			ProofContext { genesis_hash: Self::genesis_hash(), account: Self::account_bytes(who) }
		}

		/// Checks a key registration of `who` (structure, then Pi^mod and Pi^prm through the
		/// host functions) and returns the key as stored.
		pub(crate) fn verify_key_registration(
			who: &T::AccountId,
			registration: KeyRegistration,
		) -> Result<RegisteredKey, Error<T>> {
			registration.verify(&Self::proof_context(who)).map_err(Error::<T>::from)?;
			let key_hash = H256(sp_io::hashing::blake2_256(registration.key.as_bytes()));
			Ok(RegisteredKey { key: registration.key, ring_pedersen: registration.ring_pedersen, key_hash })
		}

		/// The size class a key's weight is charged for: 0 for 2048-bit keys, 1 for anything
		/// longer, charged as 4096 bits. Verification grows with about the cube of the size
		/// (measured: 119 ms, 389 ms and 850 ms for 2048, 3072 and 4096 bits), which a weight
		/// linear in a size component would undercharge at both ends; two classes fit exactly at
		/// the usual 2048 bits and overcharge only the rare 3072-bit key.
		pub fn key_size_class(key: &EncodedPublicKey) -> u32 {
			Self::key_size_class_of_len(key.as_bytes().len())
		}

		/// The weight of `submit_encrypted_data`: per chunk, by the key size class the
		/// ciphertexts' length implies (they must match the registered key, or the call fails
		/// before any verification).
		pub fn encrypted_data_weight(ciphertexts: &[EncodedCiphertext]) -> Weight {
			let chunks = medshare_zk::statement::chunk_count(ciphertexts.len()) as u32;
			let key_bytes = ciphertexts.first().map_or(usize::MAX, |c| c.as_bytes().len() / 2);
			if Self::key_size_class_of_len(key_bytes) == 0 {
				T::WeightInfo::submit_encrypted_data(chunks)
			} else {
				T::WeightInfo::submit_encrypted_data_long_key(chunks)
			}
		}

		/// The weight of `submit_comparison` with these outputs: measured per group (an alpha
		/// and a beta output), in the key size class the outputs' width shows (the proof is
		/// verified under that key).
		pub fn comparison_weight(outputs: &[EncodedCiphertext]) -> Weight {
			let count = (outputs.len() as u32).div_ceil(2);
			let key_bytes = outputs.first().map_or(usize::MAX, |c| c.as_bytes().len() / 2);
			if Self::key_size_class_of_len(key_bytes) == 0 {
				T::WeightInfo::submit_comparison(count)
			} else {
				T::WeightInfo::submit_comparison_long_key(count)
			}
		}

		/// [`Pallet::key_size_class`] of a key of `key_bytes` bytes.
		pub fn key_size_class_of_len(key_bytes: usize) -> u32 {
			u32::from(key_bytes as u64 * 8 > u64::from(medshare_paillier::MIN_MODULUS_BITS))
		}

		/// Where `circuit`'s verifying key came from; a key without a recorded origin is a
		/// development key.
		pub fn key_origin(circuit: Circuit) -> KeyOrigin {
			VerifyingKeyOrigins::<T>::get(circuit).unwrap_or(KeyOrigin::Development)
		}

		/// Refuses the development key claiming a ceremony, and any development key on a chain
		/// that refuses them.
		pub(crate) fn check_key_origin(circuit: Circuit, key: &[u8], origin: KeyOrigin) -> Result<(), Error<T>> {
			let development = key == circuit.development_key();
			match origin {
				KeyOrigin::Ceremony { .. } if development => Err(Error::<T>::DevelopmentKeyClaimsCeremony),
				KeyOrigin::Ceremony { .. } => Ok(()),
				KeyOrigin::Development if DevelopmentKeysRefused::<T>::get() => Err(Error::<T>::DevelopmentKeyRefused),
				KeyOrigin::Development => Ok(()),
			}
		}

		/// Checks a verifying key through the `zk` host function.
		pub(crate) fn validate_verifying_key(circuit: Circuit, key: Vec<u8>) -> Result<VerifyingKey, Error<T>> {
			let key: VerifyingKey = key.try_into().map_err(|_| Error::<T>::MalformedVerifyingKey)?;
			if key.len() != medshare_zk::verify::verifying_key_len(circuit.public_inputs()) {
				// A well-formed key for another input count has another length.
				let parses_as_other = (1..=medshare_zk::verify::ELIGIBILITY_INPUTS)
					.any(|n| key.len() == medshare_zk::verify::verifying_key_len(n));
				return Err(if parses_as_other {
					Error::<T>::VerifyingKeyInputMismatch
				} else {
					Error::<T>::MalformedVerifyingKey
				});
			}
			medshare_zk::verify::check_verifying_key(&key, circuit.public_inputs()).map_err(Error::<T>::from)?;
			Ok(key)
		}

		/// Loads a session and its request for a step that needs `state`, refusing ended,
		/// out-of-order and expired sessions.
		fn session_step(
			session_id: SessionId,
			state: SessionState,
		) -> Result<(SessionOf<T>, RequestOf<T>), Error<T>> {
			let session = Sessions::<T>::get(session_id).ok_or(Error::<T>::SessionNotFound)?;
			ensure!(session.state == state, Error::<T>::WrongSessionState);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now <= session.expires_at, Error::<T>::SessionExpired);
			let request = Requests::<T>::get(session.request_id).ok_or(Error::<T>::RequestNotFound)?;
			Ok((session, request))
		}

		/// Moves a session to `state` and stores it.
		fn advance(session_id: SessionId, session: &mut SessionOf<T>, state: SessionState) {
			session.state = state;
			session.updated_at = frame_system::Pallet::<T>::block_number();
			Sessions::<T>::insert(session_id, &*session);
		}

		/// Ends a session in `state` (`Completed`, `Expired` or `Withdrawn`): clears its payloads,
		/// releases its deposit (the summary then records none held), stores the summary and
		/// lets its request go if that was the request's last session and the request is
		/// closed. Returns the deposit released.
		fn end_session(
			session_id: SessionId,
			session: &mut SessionOf<T>,
			state: SessionState,
			mut request: RequestOf<T>,
		) -> BalanceOf<T> {
			SessionPayloads::<T>::remove(session_id);
			let deposit = core::mem::replace(&mut session.deposit, Zero::zero());
			Self::release(HoldReason::SessionDeposit, &session.holder, deposit);
			Self::advance(session_id, session, state);
			request.open_sessions = request.open_sessions.saturating_sub(1);
			Self::store_or_remove_request(session.request_id, request);
			deposit
		}

		/// Closes an open request: releases its deposit, then stores it or lets it go.
		fn close(request_id: RequestId, mut request: RequestOf<T>, forced: bool) {
			let deposit_released = Self::release_request_deposit(&mut request);
			request.status = RequestStatus::Closed;
			Self::deposit_event(Event::RequestClosed {
				request_id,
				institution: request.institution.clone(),
				forced,
				deposit_released,
			});
			Self::store_or_remove_request(request_id, request);
		}

		fn store_or_remove_request(request_id: RequestId, request: RequestOf<T>) {
			if request.status == RequestStatus::Closed && request.open_sessions == 0 {
				Requests::<T>::remove(request_id);
				// A closed request released its deposit when it was closed.
				Self::deposit_event(Event::RequestRemoved {
					request_id,
					institution: request.institution,
					deposit_released: Zero::zero(),
				});
			} else {
				Requests::<T>::insert(request_id, request);
			}
		}

		/// Releases a request's deposit and records that none is held any more.
		fn release_request_deposit(request: &mut RequestOf<T>) -> BalanceOf<T> {
			let deposit = core::mem::replace(&mut request.deposit, Zero::zero());
			Self::release(HoldReason::RequestDeposit, &request.institution, deposit);
			deposit
		}

		/// Holds `amount` from `who` for `reason`, or fails with `InsufficientDeposit`.
		fn hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> Result<(), Error<T>> {
			T::Currency::hold(&reason.into(), who, amount).map_err(|_| Error::<T>::InsufficientDeposit)
		}

		fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) {
			if amount.is_zero() {
				return;
			}
			// Best effort: the hold was placed by this pallet for this amount, so the whole
			// amount is there unless a slash took part of it.
			let _ = T::Currency::release(&reason.into(), who, amount, Precision::BestEffort);
		}

		/// The pallet's invariants, checked by `try-runtime` after upgrades and after every
		/// unit test and benchmark test of the pallet:
		/// - the registry: `IndicatorCount` indicators with ids `0..count`, each code indexed
		///   to its id;
		/// - every request's `open_sessions` is the number of its sessions not yet ended, and
		///   ids are below the next ids;
		/// - a session's ciphertexts are in state exactly while it is `DataSubmitted` or
		///   `Compared`; an ended session records no deposit;
		/// - every participant index entry names a session of that request and holder;
		/// - the deposit holds of every account with a request or session equal the deposits
		///   those records hold.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::BTreeMap;
			use frame_support::traits::fungible::InspectHold;
			let count = IndicatorCount::<T>::get();
			ensure!(Indicators::<T>::iter_keys().count() as u32 == count, "registry size differs from IndicatorCount");
			for (id, indicator) in Indicators::<T>::iter() {
				ensure!(id < count, "an indicator id at or above IndicatorCount");
				ensure!(IndicatorIdByCode::<T>::get(&indicator.code) == Some(id), "an indicator's code is not indexed to it");
			}
			ensure!(IndicatorIdByCode::<T>::iter().count() as u32 == count, "stale code index entries");

			let mut open: BTreeMap<RequestId, u32> = BTreeMap::new();
			let mut held: BTreeMap<(bool, T::AccountId), BalanceOf<T>> = BTreeMap::new();
			let next_session = NextSessionId::<T>::get();
			for (session_id, session) in Sessions::<T>::iter() {
				ensure!(session_id < next_session, "a session id at or above NextSessionId");
				let ended = session.state.has_ended();
				let with_payload = matches!(session.state, SessionState::DataSubmitted | SessionState::Compared);
				ensure!(SessionPayloads::<T>::contains_key(session_id) == with_payload, "payload present outside steps 4-5, or missing in them");
				if ended {
					ensure!(session.deposit.is_zero(), "an ended session records a deposit");
				} else {
					*open.entry(session.request_id).or_default() += 1;
					ensure!(Requests::<T>::contains_key(session.request_id), "an open session of a missing request");
				}
				let entry = held.entry((false, session.holder.clone())).or_insert_with(Zero::zero);
				*entry = entry.saturating_add(session.deposit);
			}
			ensure!(
				SessionPayloads::<T>::iter_keys().all(|id| Sessions::<T>::contains_key(id)),
				"a payload without its session"
			);
			let next_request = NextRequestId::<T>::get();
			for (request_id, request) in Requests::<T>::iter() {
				ensure!(request_id < next_request, "a request id at or above NextRequestId");
				ensure!(
					request.open_sessions == open.get(&request_id).copied().unwrap_or(0),
					"a request's open_sessions differs from its sessions"
				);
				let entry = held.entry((true, request.institution.clone())).or_insert_with(Zero::zero);
				*entry = entry.saturating_add(request.deposit);
			}
			for (request_id, holder, session_id) in SessionByParticipant::<T>::iter() {
				let session = Sessions::<T>::get(session_id).ok_or("a participant entry names a missing session")?;
				ensure!(session.request_id == request_id && session.holder == holder, "a participant entry names another session");
			}
			for ((is_request, who), expected) in held {
				let reason = if is_request { HoldReason::RequestDeposit } else { HoldReason::SessionDeposit };
				ensure!(T::Currency::balance_on_hold(&reason.into(), &who) == expected, "a deposit hold differs from the recorded deposits");
			}
			Ok(())
		}

		/// The deposit for keeping `bytes` bytes in state: the runtime's storage price of one
		/// item of that size.
		pub fn deposit_for(bytes: usize) -> BalanceOf<T> {
			T::StoragePrice::convert(Footprint::from_parts(1, bytes))
		}

		/// The bytes a session's record keeps in state: its summary once every payload hash
		/// is recorded (so the deposit taken at eligibility covers the record to its end) and
		/// its participant index entry (a session id).
		pub(crate) fn session_record_len(session: &SessionOf<T>) -> usize {
			let unset = [session.holder_key_hash, session.data_hash, session.comparison_hash, session.result_hash]
				.iter()
				.filter(|hash| hash.is_none())
				.count();
			session.encoded_size() + unset * H256::len_bytes() + core::mem::size_of::<SessionId>()
		}

		/// The bytes a session's payload keeps in state once complete: the holder's key and
		/// ciphertexts as they are, and the comparison's `cmp_output_count` outputs for
		/// `indicators` indicators under that key (step 5 adds them; the holder's deposit pays
		/// for them from step 4).
		pub fn payload_len(payload: &SessionPayloadOf<T>, indicators: u32) -> usize {
			let key_bytes = payload.holder_key.key.as_bytes().len();
			let width = 2 * key_bytes;
			let outputs = medshare_paillier::cmp_output_count(8 * key_bytes as u32, indicators);
			let stored_comparison = payload.comparison.encoded_size();
			let full_comparison = codec::Compact(outputs).encoded_size()
				+ outputs as usize * (codec::Compact(width as u32).encoded_size() + width);
			(payload.encoded_size() - stored_comparison) + full_comparison.max(stored_comparison)
		}

		/// Validates a batch of ciphertexts under `key`: one gcd for the whole batch (see
		/// `PublicKey::ciphertexts_from_bytes`), not one per ciphertext.
		fn validate_ciphertexts(key: &PublicKey, ciphertexts: &[EncodedCiphertext]) -> Result<(), Error<T>> {
			key.ciphertexts_from_bytes(ciphertexts.iter().map(EncodedCiphertext::as_bytes))
				.map(|_| ())
				.map_err(|invalid| Error::<T>::from(invalid.error))
		}

		fn hash_of(ciphertexts: &impl Encode) -> H256 {
			H256(ciphertexts.using_encoded(sp_io::hashing::blake2_256))
		}
	}
}
