//! The chain, as the client sees it: a subxt connection over WebSocket, typed reads of the
//! `MedicalSharing` storage, extrinsic submission with the pallet's errors turned into advice,
//! and the pallet's events as JSON.
//!
//! Calls and storage are addressed dynamically (by pallet and item name, checked against the
//! node's metadata when used) and decoded into this module's own `DecodeAsType` types. That
//! keeps the client free of a generated-code snapshot of the runtime that would need
//! refreshing after every runtime change; a runtime whose shapes no longer match fails with a
//! decoding error that names the item.

use scale_decode::DecodeAsType;
use scale_encode::EncodeAsType;
use subxt::dynamic::Value;
use subxt::error::{DispatchError, TransactionEventsError, TransactionFinalizedSuccessError};
use subxt::utils::AccountId32;
use subxt::{OnlineClient, OnlineClientAtBlock, PolkadotConfig};

use crate::registry::RegistryEntry;

/// The runtime's configuration as subxt needs it: AccountId32, MultiAddress<_, ()>,
/// MultiSignature and the standard transaction extensions, which is what the MedShare runtime uses.
pub type ChainConfig = PolkadotConfig;
/// The pallet's name in the runtime.
pub const PALLET: &str = "MedicalSharing";

/// Why talking to the chain failed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	#[error("cannot connect to {url}: {error}. Is a MedShare node running there? Start one with ./scripts/run.sh, or pass --url")]
	Connect { url: String, error: String },
	#[error("{pallet}::{error}: {docs}{hint}")]
	Pallet { pallet: String, error: String, docs: String, hint: String },
	#[error("the chain refused the call: {0}")]
	Dispatch(String),
	#[error("the transaction pool refused the transaction: {0}. Does the account exist and hold enough funds for fees?")]
	Rejected(String),
	#[error("the node at {url} is on the wrong chain: {reason}. Point --url at the MedShare node you mean (./scripts/run.sh starts one on ws://127.0.0.1:9944)")]
	WrongChain { url: String, reason: String },
	#[error("the blocks are full right now, so the node did not take the transaction ({0}). Nothing was sent; try the step again in a few blocks")]
	BlockFull(String),
	#[error("the node refused the transaction as outdated ({0}): another transaction from this account was included meanwhile, so the nonce it was signed with is spent. Nothing was sent; run the step again (with --wait finality when steps go through different nodes)")]
	StaleNonce(String),
	#[error("talking to the node failed: {0}. Is the node still running and reachable at the --url given?")]
	Rpc(String),
	#[error("cannot decode {what} from the chain: {error}. Is this client built for this runtime?")]
	Decode { what: String, error: String },
	#[error("{0}")]
	NotFound(String),
}

impl ChainError {
	/// The pallet error's name, if this is one (for example `NotRequestInstitution`).
	pub fn pallet_error(&self) -> Option<&str> {
		match self {
			ChainError::Pallet { error, .. } => Some(error),
			_ => None,
		}
	}
}

/// A refusal by the transaction pool, told apart when it means the blocks are full: the
/// runtime's `ExhaustsResources` ("would exhaust the block limits") or a full pool.
fn pool_refusal(message: String) -> ChainError {
	const FULL: [&str; 3] = ["exhaust the block limits", "ExhaustsResources", "Transaction pool is full"];
	if FULL.iter().any(|sign| message.contains(sign)) {
		ChainError::BlockFull(message)
	} else if message.contains("Transaction is outdated") {
		// InvalidTransaction::Stale: the account's nonce is past the one signed.
		ChainError::StaleNonce(message)
	} else {
		ChainError::Rejected(message)
	}
}

/// Refuses metadata without the sharing pallet: the node runs another chain.
fn require_medshare(metadata: &subxt::Metadata) -> Result<(), String> {
	match metadata.pallet_by_name(PALLET) {
		Some(_) => Ok(()),
		None => Err(format!("its runtime has no {PALLET} pallet, so it is not a MedShare chain")),
	}
}

fn rpc(error: impl std::fmt::Display) -> ChainError {
	ChainError::Rpc(error.to_string())
}

fn decode(what: &str) -> impl Fn(String) -> ChainError + '_ {
	move |error| ChainError::Decode { what: what.to_string(), error }
}

/// A stored value, SCALE-decoded with the primitives' type; every byte must be used.
fn scale<V: codec::Decode>(mut bytes: &[u8], what: &str) -> Result<V, ChainError> {
	codec::DecodeAll::decode_all(&mut bytes).map_err(|e| decode(what)(e.to_string()))
}

/// What to do about a pallet error, beyond its own documentation, by the error's name in the
/// metadata (the drift tests check that every name is one of the pallet's errors).
const HINTS: &[(&[&str], &str)] = &[
	(
		&["NotApprovedInstitution"],
		"The registrar must approve this account first (on a development chain: sudo from Alice, medicalSharing.approveInstitution); Bob is approved at genesis.",
	),
	(
		&["InstitutionKeyMissing"],
		"Register the institution's Paillier key first: medshare institution register.",
	),
	(
		&["NotRequestInstitution"],
		"Sign with the account of the institution that created the request (--suri or --seed-file).",
	),
	(
		&["NotSessionHolder"],
		"Sign with the account of the holder who opened the session (--suri or --seed-file).",
	),
	(
		&["WrongSessionState"],
		"Steps run in order: holder join, holder submit-data, institution compare, holder result. See where the session stands with medshare session --id <id>.",
	),
	(
		&["AlreadyParticipating"],
		"This account already has a session for this request, open or completed; continue that one (a holder joins again only after its session expired).",
	),
	(
		&["PreviousSessionNotCleanedUp"],
		"End the expired session first (medicalSharing.cleanUpSession from any account), then join again.",
	),
	(
		&["InstitutionRevoked"],
		"The registrar revoked this request's institution: its sessions cannot complete. Choose another request (medshare requests).",
	),
	(
		&["InstitutionCannotParticipate"],
		"An institution cannot answer its own request: join with a holder account.",
	),
	(
		&["RequestExpired", "RequestClosed", "RequestNotFound"],
		"Ask the institution for an open request (medshare requests lists them).",
	),
	(
		&["SessionExpired", "SessionNotFound", "SessionEnded"],
		"The session cannot advance any more; join a new request.",
	),
	(
		&["AlreadyCompared"],
		"The institution's comparison is on chain: finish the session with medshare holder result, or let it expire.",
	),
	(
		&["InvalidProof"],
		"The proof does not match the chain's statement: the verifying keys or the registry differ from what this client proved against.",
	),
	(
		&["InsufficientDeposit"],
		"The account cannot cover the deposit: fund it and retry.",
	),
	(
		&["HolderKeyMissing"],
		"Register the holder's Paillier key once: medshare holder register-key (holder submit-data does it when needed).",
	),
	(
		&["MinWidthBelowRegistry"],
		"Widen min_width to at least the registry's minimum for that indicator (medshare registry lists them).",
	),
	(
		&["ModulusProofMalformed", "ModulusIsPrime", "ModulusProofNotInvertible", "ModulusProofNthRootFailed", "ModulusProofFourthRootFailed", "RingPedersenParamsMalformed", "RingPedersenParamsDegenerate", "RingPedersenProofMalformed", "RingPedersenProofInvalid"],
		"The key's proofs do not verify for this account on this chain. Keys made before version 2 are not Blum keys: generate a new one with medshare keygen --force.",
	),
	(
		&["WrongCiphertextCount", "CiphertextWrongLength", "CiphertextNotBelowModulusSquared", "CiphertextNotCoprime"],
		"The ciphertexts do not fit the registered keys; check that the right key files are in the state directory.",
	),
];

/// The hint for a pallet error, or "" if there is none.
fn hint(error: &str) -> &'static str {
	HINTS.iter().find(|(names, _)| names.contains(&error)).map_or("", |(_, hint)| hint)
}

/// Turns a failed submission into a [`ChainError`], resolving pallet errors by name.
fn submission_error(error: TransactionFinalizedSuccessError) -> ChainError {
	match error {
		TransactionFinalizedSuccessError::SuccessError(TransactionEventsError::ExtrinsicFailed(dispatch)) =>
			dispatch_error(dispatch),
		TransactionFinalizedSuccessError::FinalizationError(e) => pool_refusal(e.to_string()),
		other => rpc(other),
	}
}

fn dispatch_error(error: DispatchError) -> ChainError {
	match error {
		DispatchError::Module(module) => match module.details() {
			Ok(details) => {
				let name = details.variant.name.clone();
				let docs = details.variant.docs.join(" ");
				let hint = hint(&name);
				ChainError::Pallet {
					pallet: details.pallet.name().to_string(),
					docs: if docs.is_empty() { String::new() } else { docs },
					hint: if hint.is_empty() { String::new() } else { format!(" {hint}") },
					error: name,
				}
			},
			Err(_) => ChainError::Dispatch(module.to_string()),
		},
		other => ChainError::Dispatch(other.to_string()),
	}
}

// --- the pallet's types, as the client decodes and encodes them --------------------------

/// `EncodedCiphertext` and proof bytes as call arguments: SCALE-encoded exactly like `Vec<u8>`.
#[derive(Clone, Debug, EncodeAsType, DecodeAsType)]
pub struct Bytes(pub Vec<u8>);

// The pallet's stored types come from `medshare-primitives`, the crate the pallet stores them
// with; the client instantiates them with the runtime's account, balance and block number
// types (the drift tests check these against the runtime's metadata).
pub use medshare_paillier::KeyRegistration;
pub use medshare_primitives::{
	Circuit, Indicator, Institution, KeyOrigin, RegisteredKey, RequestStatus, RequestedIndicator, SessionState,
};

/// The bounds of the pallet's vectors are the chain's to enforce when it stores a value; the
/// client decodes whatever the chain holds.
pub type Unbounded = medshare_primitives::ConstU32<{ u32::MAX }>;
/// The runtime's balance type.
pub type Balance = u128;
/// The runtime's block number type.
pub type BlockNumber = u32;
/// A research request as stored.
pub type Request = medshare_primitives::Request<AccountId32, Balance, BlockNumber, Unbounded, Unbounded>;
/// A session (or the summary of an ended one).
pub type Session = medshare_primitives::Session<AccountId32, Balance, BlockNumber, Unbounded>;
/// The ciphertexts of an open session.
pub type SessionPayload = medshare_primitives::SessionPayload<Unbounded, Unbounded>;

/// A call of the pallet, with its arguments in the client's types.
#[derive(Clone, Debug)]
pub enum Call {
	RegisterInstitution { registration: KeyRegistration, metadata: Vec<u8> },
	RegisterHolderKey { registration: KeyRegistration },
	CreateRequest { indicators: Vec<RequestedIndicator>, range_commitments: Vec<[u8; 32]>, proofs: Vec<[u8; 192]>, lifetime: u32 },
	SubmitEligibility { request_id: u64, nonce: [u8; 32], data_commitments: Vec<[u8; 32]>, proofs: Vec<[u8; 192]> },
	SubmitEncryptedData { session_id: u64, ciphertexts: Vec<Vec<u8>>, link_proof: Vec<u8> },
	SubmitComparison { session_id: u64, first_group: u32, ciphertexts: Vec<Vec<u8>>, comparison_proof: Vec<u8> },
	SubmitResult { session_id: u64, ciphertexts: Vec<Vec<u8>> },
	WithdrawSession { session_id: u64 },
}

fn bytes_list(list: &[Vec<u8>]) -> Vec<Bytes> {
	list.iter().cloned().map(Bytes).collect()
}

impl Call {
	/// The call's name in the pallet.
	pub fn name(&self) -> &'static str {
		match self {
			Call::RegisterInstitution { .. } => "register_institution",
			Call::RegisterHolderKey { .. } => "register_holder_key",
			Call::CreateRequest { .. } => "create_request",
			Call::SubmitEligibility { .. } => "submit_eligibility",
			Call::SubmitEncryptedData { .. } => "submit_encrypted_data",
			Call::SubmitComparison { .. } => "submit_comparison",
			Call::SubmitResult { .. } => "submit_result",
			Call::WithdrawSession { .. } => "withdraw_session",
		}
	}

	/// The subxt payload: field values in the pallet's order, encoded against the metadata.
	fn payload(&self) -> subxt::tx::DynamicPayload<Vec<Value>> {
		let v = |x: &dyn EncodeValue| x.to_value();
		let fields: Vec<Value> = match self {
			Call::RegisterInstitution { registration, metadata } => vec![v(registration), v(metadata)],
			Call::RegisterHolderKey { registration } => vec![v(registration)],
			Call::CreateRequest { indicators, range_commitments, proofs, lifetime } =>
				vec![v(indicators), v(range_commitments), v(proofs), v(lifetime)],
			Call::SubmitEligibility { request_id, nonce, data_commitments, proofs } =>
				vec![v(request_id), v(nonce), v(data_commitments), v(proofs)],
			Call::SubmitEncryptedData { session_id, ciphertexts, link_proof } =>
				vec![v(session_id), v(&bytes_list(ciphertexts)), v(&Bytes(link_proof.clone()))],
			Call::SubmitComparison { session_id, first_group, ciphertexts, comparison_proof } => {
				vec![v(session_id), v(first_group), v(&bytes_list(ciphertexts)), v(&Bytes(comparison_proof.clone()))]
			},
			Call::SubmitResult { session_id, ciphertexts } =>
				vec![v(session_id), v(&bytes_list(ciphertexts))],
			Call::WithdrawSession { session_id } => vec![v(session_id)],
		};
		subxt::dynamic::tx(PALLET, self.name(), fields)
	}
}

/// Turns the client's values into `scale_value::Value`s, so that one payload type carries any
/// call (the values are then encoded against the call's types in the metadata).
trait EncodeValue {
	fn to_value(&self) -> Value;
}

fn bytes_value(bytes: &[u8]) -> Value {
	Value::from_bytes(bytes)
}

impl EncodeValue for u32 {
	fn to_value(&self) -> Value {
		Value::u128(u128::from(*self))
	}
}
impl EncodeValue for u64 {
	fn to_value(&self) -> Value {
		Value::u128(u128::from(*self))
	}
}
impl EncodeValue for Vec<u8> {
	fn to_value(&self) -> Value {
		bytes_value(self)
	}
}
impl<const N: usize> EncodeValue for [u8; N] {
	fn to_value(&self) -> Value {
		bytes_value(self)
	}
}
impl EncodeValue for Bytes {
	fn to_value(&self) -> Value {
		Value::unnamed_composite([bytes_value(&self.0)])
	}
}
impl EncodeValue for RequestedIndicator {
	fn to_value(&self) -> Value {
		Value::named_composite([("id", self.id.to_value()), ("min_width", self.min_width.to_value())])
	}
}
impl EncodeValue for KeyRegistration {
	fn to_value(&self) -> Value {
		let bytes = |b: &[u8]| Bytes(b.to_vec()).to_value();
		let ring_pedersen = &self.ring_pedersen;
		Value::named_composite([
			("key", bytes(self.key.as_bytes())),
			(
				"ring_pedersen",
				Value::named_composite([("s", bytes(ring_pedersen.s.as_bytes())), ("t", bytes(ring_pedersen.t.as_bytes()))]),
			),
			("modulus_proof", bytes(self.modulus_proof.as_bytes())),
			("ring_pedersen_proof", bytes(self.ring_pedersen_proof.as_bytes())),
		])
	}
}
impl<T: EncodeValue> EncodeValue for Vec<T> {
	fn to_value(&self) -> Value {
		Value::unnamed_composite(self.iter().map(EncodeValue::to_value))
	}
}

/// How long a submission waits, and so which block the next read sees (docs/CLIENT.md,
/// "Waiting").
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Wait {
	/// Until the call is in the best block; reads and the next transaction's nonce are taken
	/// at the best block, so a step sees the step before it at once. A block can still be
	/// replaced before it is final: a step built on it then fails with the pallet's error and
	/// is run again.
	Inclusion,
	/// Until the block holding the call is finalized; reads are taken at the finalized block.
	Finality,
}

/// A call that made it into a block (the best one or a finalized one, by [`Wait`]).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Included {
	/// The call's name.
	pub call: String,
	/// Number of the block that holds it.
	pub block: u64,
	/// Hash of that block.
	pub block_hash: String,
	/// Whether that block was finalized when the call returned.
	pub finalized: bool,
	/// The pallet's events the call emitted, as JSON (`{"event": name, ...fields}`).
	pub events: Vec<serde_json::Value>,
}

impl Included {
	/// The first event named `name`.
	pub fn event(&self, name: &str) -> Option<&serde_json::Value> {
		self.events.iter().find(|e| e["event"] == name)
	}

	/// A u64 field of the first event named `name`.
	pub fn event_u64(&self, name: &str, field: &str) -> Result<u64, ChainError> {
		self.event(name)
			.and_then(|e| e[field].as_u64())
			.ok_or_else(|| ChainError::Decode { what: format!("{name}.{field}"), error: "event missing".into() })
	}
}

/// A connection to a MedShare node.
#[derive(Clone)]
pub struct Chain {
	client: OnlineClient<ChainConfig>,
	/// The same connection for the one legacy call subxt's client has no method for (the best
	/// block's hash).
	rpc: subxt::rpcs::RpcClient,
	/// The node's URL.
	pub url: String,
	/// How submissions wait; reads follow it.
	pub wait: Wait,
}

type At = OnlineClientAtBlock<ChainConfig>;

/// The runtime's block time when its genesis chose none (`medshare_runtime::SLOT_DURATION`).
const DEFAULT_BLOCK_MS: u64 = 6_000;

/// Where the chain stands in time.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Clock {
	/// The number of the block reads start from.
	pub head: u64,
	/// Milliseconds between blocks.
	pub block_ms: u64,
}

impl Chain {
	/// Connects over `ws://` or `wss://`; submissions wait for finality.
	pub async fn connect(url: &str) -> Result<Chain, ChainError> {
		let failed = |e: &dyn std::fmt::Display| ChainError::Connect { url: url.to_string(), error: e.to_string() };
		let rpc = subxt::rpcs::RpcClient::from_insecure_url(url).await.map_err(|e| failed(&e))?;
		let client = OnlineClient::<ChainConfig>::from_rpc_client(rpc.clone()).await.map_err(|e| failed(&e))?;
		let head = client.at_current_block().await.map_err(|e| failed(&e))?;
		require_medshare(head.metadata_ref()).map_err(|reason| ChainError::WrongChain { url: url.to_string(), reason })?;
		Ok(Chain { client, rpc, url: url.to_string(), wait: Wait::Finality })
	}

	/// The same connection with submissions waiting as `wait` says.
	pub fn waiting(self, wait: Wait) -> Chain {
		Chain { wait, ..self }
	}

	/// The genesis hash, hex without 0x: names the chain in the state directory.
	pub fn genesis(&self) -> String {
		hex::encode(self.genesis_hash())
	}

	/// The genesis hash, which key proofs are bound to.
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.client.genesis_hash().0
	}

	async fn at_finalized(&self) -> Result<At, ChainError> {
		self.client.at_current_block().await.map_err(rpc)
	}

	/// The block reads and transactions start from: the best block when submissions wait for
	/// inclusion only (so that a step sees the one before it), else the finalized block.
	async fn at_head(&self) -> Result<At, ChainError> {
		match self.wait {
			Wait::Finality => self.at_finalized().await,
			Wait::Inclusion => {
				let best: Option<subxt::utils::H256> =
					self.rpc.request("chain_getBlockHash", subxt::rpcs::rpc_params![]).await.map_err(rpc)?;
				let best = best.ok_or_else(|| ChainError::Rpc("the node reports no best block".into()))?;
				self.client.at_block(best).await.map_err(rpc)
			},
		}
	}

	/// Waits until block `number` is finalized and returns the client at the finalized block.
	pub async fn finalized_at_least(&self, number: u64) -> Result<At, ChainError> {
		let mut blocks = self.blocks().await?;
		loop {
			let at = self.at_finalized().await?;
			if at.block_number() >= number {
				return Ok(at);
			}
			match blocks.next().await {
				Some(block) => drop(block.map_err(rpc)?),
				None => return Err(ChainError::Rpc("the node closed the stream of finalized blocks".into())),
			}
		}
	}

	/// The client at block `number`.
	pub async fn at(&self, number: u64) -> Result<At, ChainError> {
		self.client.at_block(number).await.map_err(rpc)
	}

	/// The number of the last finalized block.
	pub async fn finalized_number(&self) -> Result<u64, ChainError> {
		Ok(self.at_finalized().await?.block_number())
	}

	/// The head's number and the time between blocks, for pages that turn block numbers into
	/// dates.
	pub async fn clock(&self) -> Result<Clock, ChainError> {
		let at = self.at_head().await?;
		let address = subxt::dynamic::storage::<(), Value>("BlockTime", "SlotDuration");
		let block_ms = match at.storage().try_fetch(address, ()).await.map_err(rpc)? {
			Some(value) => scale(value.bytes(), "the slot duration")?,
			None => DEFAULT_BLOCK_MS,
		};
		Ok(Clock { head: at.block_number(), block_ms })
	}

	/// The whole indicator registry, ordered by id.
	pub async fn registry(&self) -> Result<Vec<RegistryEntry>, ChainError> {
		let at = self.at_head().await?;
		let address = subxt::dynamic::storage::<(u32,), Value>(PALLET, "Indicators");
		let mut entries = at.storage().iter(address, ()).await.map_err(rpc)?;
		let mut registry = Vec::new();
		while let Some(entry) = entries.next().await {
			let entry = entry.map_err(rpc)?;
			let id = entry
				.key()
				.map_err(|e| decode("an indicator key")(e.to_string()))?
				.part(0)
				.and_then(|part| part.decode_as::<u32>().ok().flatten())
				.ok_or_else(|| decode("an indicator key")("no id in the key".into()))?;
			let value: Indicator = scale(entry.value().bytes(), "an indicator")?;
			let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
			registry.push(RegistryEntry {
				id,
				code: text(&value.code),
				name: text(&value.name),
				unit: text(&value.unit),
				scale: value.scale,
				lo: value.lo,
				hi: value.hi,
				min_width: value.min_width,
			});
		}
		registry.sort_by_key(|e| e.id);
		Ok(registry)
	}

	async fn fetch<K, V>(&self, entry: &str, key: K) -> Result<Option<V>, ChainError>
	where
		K: subxt::ext::frame_decode::storage::IntoEncodableValues + subxt::ext::frame_decode::storage::IntoDecodableValues,
		V: codec::Decode,
	{
		self.fetch_at(&self.at_head().await?, entry, key).await
	}

	async fn fetch_at<K, V>(&self, at: &At, entry: &str, key: K) -> Result<Option<V>, ChainError>
	where
		K: subxt::ext::frame_decode::storage::IntoEncodableValues + subxt::ext::frame_decode::storage::IntoDecodableValues,
		V: codec::Decode,
	{
		let address = subxt::dynamic::storage::<K, Value>(PALLET, entry);
		match at.storage().try_fetch(address, key).await.map_err(rpc)? {
			Some(value) => scale(value.bytes(), entry).map(Some),
			None => Ok(None),
		}
	}

	/// An approved institution.
	pub async fn institution(&self, account: &AccountId32) -> Result<Option<Institution>, ChainError> {
		self.fetch("Institutions", (account.clone(),)).await
	}

	/// A holder's registered Paillier key.
	pub async fn holder_key(&self, account: &AccountId32) -> Result<Option<RegisteredKey>, ChainError> {
		self.fetch("HolderKeys", (account.clone(),)).await
	}

	/// A circuit's verifying key and where it came from (a key without a recorded origin is a
	/// development key, as the pallet counts it).
	pub async fn verifying_key(&self, circuit: Circuit) -> Result<Option<(Vec<u8>, KeyOrigin)>, ChainError> {
		let name = match circuit {
			Circuit::Requirement => "Requirement",
			Circuit::Eligibility => "Eligibility",
		};
		let at = self.at_head().await?;
		let key = || (Value::unnamed_variant(name, []),);
		let Some(bytes) = self.fetch_at::<_, Vec<u8>>(&at, "VerifyingKeys", key()).await? else { return Ok(None) };
		let origin = self.fetch_at(&at, "VerifyingKeyOrigins", key()).await?.unwrap_or(KeyOrigin::Development);
		Ok(Some((bytes, origin)))
	}

	/// A request.
	pub async fn request(&self, id: u64) -> Result<Option<Request>, ChainError> {
		self.fetch("Requests", (id,)).await
	}

	/// A request that must exist.
	pub async fn require_request(&self, id: u64) -> Result<Request, ChainError> {
		self.request(id).await?.ok_or_else(|| {
			ChainError::NotFound(format!(
				"request {id} does not exist on this chain (closed or cleaned up, or a typo); medshare requests lists the open ones"
			))
		})
	}

	/// A session.
	pub async fn session(&self, id: u64) -> Result<Option<Session>, ChainError> {
		self.fetch("Sessions", (id,)).await
	}

	/// A session that must exist.
	pub async fn require_session(&self, id: u64) -> Result<Session, ChainError> {
		self.session(id).await?.ok_or_else(|| {
			ChainError::NotFound(format!("session {id} does not exist on this chain; check the id (medshare watch shows them)"))
		})
	}

	/// A session as the finalized chain has it, once the block of its last step as the best
	/// block sees it is finalized: what a party acting on the session's outcome reads.
	pub async fn final_session(&self, id: u64) -> Result<Session, ChainError> {
		let seen = self.require_session(id).await?;
		let at = self.finalized_at_least(u64::from(seen.updated_at)).await?;
		self.fetch_at(&at, "Sessions", (id,)).await?.ok_or_else(|| {
			ChainError::NotFound(format!("session {id} is not on the finalized chain; the block that held it was replaced, so run the step again"))
		})
	}

	/// The ciphertexts of an open session.
	pub async fn payload(&self, id: u64) -> Result<Option<SessionPayload>, ChainError> {
		self.fetch("SessionPayloads", (id,)).await
	}

	/// The ids the next request and the next session will get.
	pub async fn next_ids(&self) -> Result<(u64, u64), ChainError> {
		let request = self.fetch::<(), u64>("NextRequestId", ()).await?.unwrap_or(0);
		let session = self.fetch::<(), u64>("NextSessionId", ()).await?.unwrap_or(0);
		Ok((request, session))
	}

	/// Every request in state (open, or closed with sessions still open), by id.
	pub async fn requests(&self) -> Result<Vec<(u64, Request)>, ChainError> {
		self.all("Requests", "a request").await
	}

	/// Every session in state (open, or the summary of an ended one not pruned yet), by id.
	pub async fn sessions(&self) -> Result<Vec<(u64, Session)>, ChainError> {
		self.all("Sessions", "a session").await
	}

	/// Every entry of a map keyed by one `u64` id, ordered by id.
	async fn all<V: codec::Decode>(&self, entry: &str, what: &str) -> Result<Vec<(u64, V)>, ChainError> {
		let at = self.at_head().await?;
		let address = subxt::dynamic::storage::<(u64,), Value>(PALLET, entry);
		let mut entries = at.storage().iter(address, ()).await.map_err(rpc)?;
		let mut out = Vec::new();
		while let Some(entry) = entries.next().await {
			let entry = entry.map_err(rpc)?;
			let id = entry
				.key()
				.ok()
				.and_then(|k| k.part(0).and_then(|p| p.decode_as::<u64>().ok().flatten()))
				.ok_or_else(|| decode(what)("no id in the key".into()))?;
			out.push((id, scale(entry.value().bytes(), what)?));
		}
		out.sort_by_key(|(id, _)| *id);
		Ok(out)
	}

	/// Signs `call`, submits it and waits as [`Chain::wait`] says; a failed call is the
	/// pallet's error with advice.
	pub async fn submit(&self, call: &Call, signer: &subxt_signer::sr25519::Keypair) -> Result<Included, ChainError> {
		self.submit_waiting(call, signer, self.wait).await
	}

	/// [`Chain::submit`], waiting as `wait` says whatever [`Chain::wait`] says: finality for a
	/// step whose outcome a party acts on.
	pub async fn submit_waiting(
		&self,
		call: &Call,
		signer: &subxt_signer::sr25519::Keypair,
		wait: Wait,
	) -> Result<Included, ChainError> {
		use subxt::tx::TransactionStatus;
		let payload = call.payload();
		// The nonce and the mortality checkpoint come from the block reads come from, so that a
		// transaction sent right after an included one does not reuse its nonce.
		let mut progress = self
			.at_head()
			.await?
			.tx()
			.sign_and_submit_then_watch_default(&payload, signer)
			.await
			.map_err(|e| pool_refusal(e.to_string()))?;
		let failed = |e| submission_error(TransactionFinalizedSuccessError::FinalizationError(e));
		let status_failed = |e: subxt::error::TransactionStatusError| failed(e.into());
		let (in_block, finalized) = loop {
			let status = progress
				.next()
				.await
				.ok_or(failed(subxt::error::TransactionProgressError::UnexpectedEndOfTransactionStatusStream))?
				.map_err(failed)?;
			match status {
				TransactionStatus::InFinalizedBlock(in_block) => break (in_block, true),
				TransactionStatus::InBestBlock(in_block) if wait == Wait::Inclusion => break (in_block, false),
				TransactionStatus::Error { message } => return Err(status_failed(subxt::error::TransactionStatusError::Error(message))),
				TransactionStatus::Invalid { message } => return Err(status_failed(subxt::error::TransactionStatusError::Invalid(message))),
				TransactionStatus::Dropped { message } => return Err(status_failed(subxt::error::TransactionStatusError::Dropped(message))),
				_ => continue,
			}
		};
		let events = in_block
			.wait_for_success()
			.await
			.map_err(|e| submission_error(TransactionFinalizedSuccessError::SuccessError(e)))?;
		let at = in_block.at().await.map_err(rpc)?;
		let mut pallet_events = Vec::new();
		for event in events.iter() {
			let event = event.map_err(rpc)?;
			if event.pallet_name() == PALLET {
				let fields =
					event.decode_fields_unchecked_as::<Value>().map_err(|e| decode(event.event_name())(e.to_string()))?;
				pallet_events.push(event_json(event.event_name(), &fields));
			}
		}
		Ok(Included {
			call: call.name().to_string(),
			block: at.block_number(),
			block_hash: format!("0x{}", hex::encode(in_block.block_hash().0)),
			finalized,
			events: pallet_events,
		})
	}

	/// The pallet's events in block `number`, as JSON with the block number and the index of
	/// the extrinsic that emitted them.
	pub async fn events_at(&self, number: u64) -> Result<Vec<serde_json::Value>, ChainError> {
		let at = self.at(number).await?;
		let events = at.events().fetch().await.map_err(rpc)?;
		let mut out = Vec::new();
		for event in events.iter() {
			let event = event.map_err(rpc)?;
			if event.pallet_name() != PALLET {
				continue;
			}
			let fields =
				event.decode_fields_unchecked_as::<Value>().map_err(|e| decode(event.event_name())(e.to_string()))?;
			let mut json = event_json(event.event_name(), &fields);
			json["block"] = number.into();
			out.push(json);
		}
		Ok(out)
	}

	/// The encrypted result of a completed session, read from its `submit_result` extrinsic in
	/// the block that completed it and checked against the hash in the session summary.
	pub async fn result_ciphertexts(&self, session_id: u64, session: &Session) -> Result<Vec<Vec<u8>>, ChainError> {
		let expected = session.result_hash.map(|hash| hash.0).ok_or_else(|| {
			ChainError::NotFound(format!(
				"session {session_id} has no result yet (state {:?}); the holder submits it with medshare holder result",
				session.state
			))
		})?;
		Ok(self.session_call(session_id, session, "submit_result", expected).await?.0)
	}

	/// The holder's link proof of step 4, read from its `submit_encrypted_data` extrinsic in
	/// the block that recorded the data (the chain verifies the proof and keeps only the
	/// ciphertexts in state), with those ciphertexts checked against the session's data hash.
	pub async fn link_proof(&self, session_id: u64, session: &Session) -> Result<(Vec<Vec<u8>>, Vec<u8>), ChainError> {
		let expected = session.data_hash.map(|hash| hash.0).ok_or_else(|| {
			ChainError::NotFound(format!(
				"session {session_id} has no encrypted data yet (state {:?}); the holder submits it with medshare holder submit-data",
				session.state
			))
		})?;
		let (ciphertexts, proof) = self.session_call(session_id, session, "submit_encrypted_data", expected).await?;
		Ok((ciphertexts, proof.unwrap_or_default()))
	}

	/// The institution's comparison of step 5 with its proof, read from its
	/// `submit_comparison` extrinsics (the chain verifies the proof and keeps only the outputs
	/// in state). A comparison may come in parts of whole groups: the blocks from the session's
	/// last update back are searched until parts covering all `groups` groups in order are
	/// found whose outputs hash to the session's comparison hash (a refused attempt is in a
	/// block too, and does not match).
	pub async fn comparison_proof(
		&self,
		session_id: u64,
		session: &Session,
		groups: usize,
	) -> Result<(Vec<Vec<u8>>, Vec<u8>), ChainError> {
		let expected = session.comparison_hash.map(|hash| hash.0).ok_or_else(|| {
			ChainError::NotFound(format!(
				"session {session_id} has no comparison yet (state {:?}); the institution submits it with medshare institution compare",
				session.state
			))
		})?;
		let mut parts: Vec<ComparisonPart> = Vec::new();
		let last = u64::from(session.updated_at);
		for block in (last.saturating_sub(COMPARISON_SEARCH_BLOCKS)..=last).rev() {
			let at = self.at(block).await?;
			let extrinsics = at.extrinsics().fetch().await.map_err(rpc)?;
			for extrinsic in extrinsics.iter() {
				let extrinsic = extrinsic.map_err(rpc)?;
				if extrinsic.pallet_name() != PALLET || extrinsic.call_name() != "submit_comparison" {
					continue;
				}
				let (mut id, mut first, mut outputs, mut proof) = (None, None, None, None);
				for field in extrinsic.iter_call_data_fields() {
					match field.name() {
						"session_id" => id = field.decode_as::<u64>().ok(),
						"first_group" => first = field.decode_as::<u32>().ok(),
						"ciphertexts" => outputs = field.decode_as::<Vec<Bytes>>().ok(),
						"comparison_proof" => proof = field.decode_as::<Bytes>().ok().map(|b| b.0),
						_ => {},
					}
				}
				if let (Some(id), Some(first), Some(outputs), Some(proof)) = (id, first, outputs, proof) {
					if id == session_id {
						let outputs = outputs.into_iter().map(|b| b.0).collect();
						parts.push(ComparisonPart { first: first as usize, outputs, proof });
					}
				}
			}
			if let Some(found) = assemble_parts(&parts, 0, groups, expected, Vec::new(), Vec::new()) {
				return Ok(found);
			}
		}
		Err(ChainError::NotFound(format!(
			"no submit_comparison parts for session {session_id} matching its recorded hash in blocks {}..={last}; is the node pruning block bodies?",
			last.saturating_sub(COMPARISON_SEARCH_BLOCKS)
		)))
	}

	/// The ciphertexts (and proof, where the call has one) of a session's `call` in the
	/// block of its last step, the one whose ciphertexts hash to `expected` (the pallet hashes
	/// the SCALE encoding of the list; a failed duplicate of the call would not match).
	async fn session_call(
		&self,
		session_id: u64,
		session: &Session,
		call: &str,
		expected: [u8; 32],
	) -> Result<(Vec<Vec<u8>>, Option<Vec<u8>>), ChainError> {
		let at = self.at(u64::from(session.updated_at)).await?;
		let extrinsics = at.extrinsics().fetch().await.map_err(rpc)?;
		for extrinsic in extrinsics.iter() {
			let extrinsic = extrinsic.map_err(rpc)?;
			if extrinsic.pallet_name() != PALLET || extrinsic.call_name() != call {
				continue;
			}
			let mut id = None;
			let mut ciphertexts = None;
			let mut proof = None;
			for field in extrinsic.iter_call_data_fields() {
				match field.name() {
					"session_id" => id = field.decode_as::<u64>().ok(),
					"ciphertexts" => ciphertexts = field.decode_as::<Vec<Bytes>>().ok(),
					"link_proof" | "comparison_proof" => proof = field.decode_as::<Bytes>().ok().map(|b| b.0),
					_ => {},
				}
			}
			let (Some(id), Some(ciphertexts)) = (id, ciphertexts) else { continue };
			let ciphertexts: Vec<Vec<u8>> = ciphertexts.into_iter().map(|b| b.0).collect();
			if id == session_id && sp_crypto_hashing::blake2_256(&codec::Encode::encode(&ciphertexts)) == expected {
				return Ok((ciphertexts, proof));
			}
		}
		Err(ChainError::NotFound(format!(
			"no {call} for session {session_id} matching its recorded hash in block {}; is the node pruning block bodies?",
			session.updated_at
		)))
	}

	/// Waits for the next finalized block and returns its number.
	pub async fn blocks(&self) -> Result<subxt::client::Blocks<ChainConfig>, ChainError> {
		self.client.stream_blocks().await.map_err(rpc)
	}
}

/// An event's fields as JSON, with `"event"` holding its name.
pub fn event_json(name: &str, fields: &Value) -> serde_json::Value {
	let mut json = match value_json(fields, None) {
		serde_json::Value::Object(map) => serde_json::Value::Object(map),
		other => serde_json::json!({ "fields": other }),
	};
	json["event"] = name.into();
	json
}

/// A decoded SCALE value as JSON: named composites become objects, byte arrays hex strings
/// (32-byte accounts in fields that hold accounts become SS58 addresses), numbers numbers,
/// unit variants strings.
pub fn value_json(value: &Value, field: Option<&str>) -> serde_json::Value {
	use subxt::ext::scale_value::{Composite, Primitive, ValueDef};
	fn as_bytes(values: &[Value]) -> Option<Vec<u8>> {
		values
			.iter()
			.map(|v| match &v.value {
				ValueDef::Primitive(Primitive::U128(n)) if *n <= 255 => Some(*n as u8),
				_ => None,
			})
			.collect()
	}
	match &value.value {
		ValueDef::Composite(Composite::Named(fields)) => serde_json::Value::Object(
			fields.iter().map(|(name, v)| (name.clone(), value_json(v, Some(name)))).collect(),
		),
		ValueDef::Composite(Composite::Unnamed(items)) => {
			if items.len() == 1 {
				return value_json(&items[0], field);
			}
			match as_bytes(items) {
				Some(bytes) if !bytes.is_empty() => {
					let account_field = matches!(field, Some("institution" | "holder" | "who"));
					if account_field && bytes.len() == 32 {
						let array: [u8; 32] = bytes.try_into().expect("32 bytes");
						AccountId32(array).to_string().into()
					} else {
						format!("0x{}", hex::encode(bytes)).into()
					}
				},
				_ => serde_json::Value::Array(items.iter().map(|v| value_json(v, None)).collect()),
			}
		},
		ValueDef::Variant(variant) => match &variant.values {
			Composite::Named(f) if f.is_empty() => variant.name.clone().into(),
			Composite::Unnamed(f) if f.is_empty() => variant.name.clone().into(),
			values => serde_json::json!({ variant.name.clone(): value_json(&Value { value: ValueDef::Composite(values.clone()), context: () }, field) }),
		},
		ValueDef::Primitive(Primitive::U128(n)) => match u64::try_from(*n) {
			Ok(n) => n.into(),
			Err(_) => n.to_string().into(),
		},
		ValueDef::Primitive(Primitive::I128(n)) => match i64::try_from(*n) {
			Ok(n) => n.into(),
			Err(_) => n.to_string().into(),
		},
		ValueDef::Primitive(Primitive::Bool(b)) => (*b).into(),
		ValueDef::Primitive(Primitive::Char(c)) => c.to_string().into(),
		ValueDef::Primitive(Primitive::String(s)) => s.clone().into(),
		ValueDef::Primitive(other) => format!("{other:?}").into(),
		ValueDef::BitSequence(bits) => format!("{bits:?}").into(),
	}
}

/// How far back from a session's last update `Chain::comparison_proof` looks for the parts of
/// its comparison (an institution submits them block after block).
const COMPARISON_SEARCH_BLOCKS: u64 = 600;

/// One `submit_comparison` call as read from a block.
struct ComparisonPart {
	first: usize,
	outputs: Vec<Vec<u8>>,
	proof: Vec<u8>,
}

/// Parts that cover groups `from..groups` in order, appended to `outputs` and `proof`, such
/// that all the outputs hash to `expected` (the pallet hashes the SCALE encoding of the list).
fn assemble_parts(
	parts: &[ComparisonPart],
	from: usize,
	groups: usize,
	expected: [u8; 32],
	outputs: Vec<Vec<u8>>,
	proof: Vec<u8>,
) -> Option<(Vec<Vec<u8>>, Vec<u8>)> {
	if from == groups {
		return (sp_crypto_hashing::blake2_256(&codec::Encode::encode(&outputs)) == expected).then_some((outputs, proof));
	}
	for part in parts.iter().filter(|p| p.first == from && !p.outputs.is_empty() && p.outputs.len() % 2 == 0) {
		let next = from + part.outputs.len() / 2;
		if next > groups {
			continue;
		}
		let found = assemble_parts(
			parts,
			next,
			groups,
			expected,
			[outputs.clone(), part.outputs.clone()].concat(),
			[proof.clone(), part.proof.clone()].concat(),
		);
		if found.is_some() {
			return found;
		}
	}
	None
}

#[cfg(test)]
mod tests {
	use super::*;

	fn part(first: usize, outputs: &[&[u8]], proof: &[u8]) -> ComparisonPart {
		ComparisonPart { first, outputs: outputs.iter().map(|o| o.to_vec()).collect(), proof: proof.to_vec() }
	}

	fn hash(outputs: &[&[u8]]) -> [u8; 32] {
		let list: Vec<Vec<u8>> = outputs.iter().map(|o| o.to_vec()).collect();
		sp_crypto_hashing::blake2_256(&codec::Encode::encode(&list))
	}

	#[test]
	fn comparison_parts_are_reassembled_in_order_past_refused_attempts() {
		let expected = hash(&[b"a0", b"b0", b"a1", b"b1", b"a2", b"b2"]);
		// Read newest block first: the second part, a refused attempt at group 0, the first part.
		let parts = [
			part(1, &[b"a1", b"b1", b"a2", b"b2"], b"P1"),
			part(0, &[b"x0", b"y0"], b"BAD"),
			part(0, &[b"a0", b"b0"], b"P0"),
		];
		let (outputs, proof) = assemble_parts(&parts, 0, 3, expected, Vec::new(), Vec::new()).expect("assembled");
		assert_eq!(outputs.len(), 6);
		assert_eq!(proof, b"P0P1");
		// Missing the second part, or an odd part, assembles nothing.
		assert!(assemble_parts(&parts[1..], 0, 3, expected, Vec::new(), Vec::new()).is_none());
		let odd = [part(0, &[b"a0", b"b0", b"a1"], b"P")];
		assert!(assemble_parts(&odd, 0, 3, expected, Vec::new(), Vec::new()).is_none());
		// A whole comparison is one part.
		let whole = [part(0, &[b"a0", b"b0", b"a1", b"b1", b"a2", b"b2"], b"W")];
		assert_eq!(assemble_parts(&whole, 0, 3, expected, Vec::new(), Vec::new()).map(|(_, p)| p), Some(b"W".to_vec()));
	}

	#[test]
	fn full_blocks_are_told_apart_from_other_refusals() {
		// What a Substrate pool answers (author_submitAndWatchExtrinsic) for a transaction whose
		// weight or length does not fit a block, and for a full pool.
		for full in [
			"Invalid Transaction: Transaction would exhaust the block limits",
			"Rpc error: 1010: Invalid Transaction: ExhaustsResources",
			"Rpc error: 1016: Immediately Dropped: Transaction pool is full",
		] {
			let error = pool_refusal(full.to_string());
			assert!(matches!(error, ChainError::BlockFull(_)), "{full}");
			assert!(error.to_string().contains("try the step again in a few blocks"), "{error}");
		}
		let error = pool_refusal("Rpc error: 1010: Invalid Transaction: Inability to pay some fees".to_string());
		assert!(matches!(error, ChainError::Rejected(_)), "{error}");
		// What the network test met when a step signed with a nonce another node's view had
		// already spent: not a question of funds.
		let stale = "Error during transaction progress: The transaction is not valid: Invalid transaction: Transaction is outdated";
		let error = pool_refusal(stale.to_string());
		assert!(matches!(error, ChainError::StaleNonce(_)), "{error}");
		assert!(error.to_string().contains("run the step again") && !error.to_string().contains("funds"), "{error}");
	}
}

/// The client reads the pallet's storage with the pallet's own types from `medshare-primitives`,
/// so a field the pallet renames or retypes changes the client with it. What can still drift is
/// the client's instantiation of those types (account, balance, block number) and the storage
/// layout the runtime declares; these tests compare both, shape by shape, with the runtime's
/// metadata (what a node serves), and decode values the runtime's own types encoded. Likewise
/// every pallet error the client has a hint for must exist.
#[cfg(test)]
mod drift {
	use super::*;
	use codec::Encode;
	use pallet_medical_sharing as pallet;
	use scale_info::{PortableRegistry, Registry, TypeDef, TypeInfo};
	use medshare_primitives::{BoundedVec, H256};

	type Runtime = medshare_runtime::Runtime;

	#[test]
	fn a_node_without_the_sharing_pallet_runs_another_chain() {
		use subxt::ext::frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed};
		assert_eq!(require_medshare(&runtime_metadata()), Ok(()));
		let ours = sp_io::TestExternalities::default().execute_with(Runtime::metadata).encode();
		let mut other: RuntimeMetadataPrefixed = codec::Decode::decode(&mut &ours[..]).expect("the runtime's metadata decodes");
		match &mut other.1 {
			RuntimeMetadata::V14(m) => m.pallets.retain(|p| p.name != PALLET),
			RuntimeMetadata::V15(m) => m.pallets.retain(|p| p.name != PALLET),
			RuntimeMetadata::V16(m) => m.pallets.retain(|p| p.name != PALLET),
			_ => panic!("the runtime serves metadata V14 to V16"),
		}
		let other = subxt::Metadata::decode_from(&other.encode()).expect("the altered metadata decodes");
		let reason = require_medshare(&other).unwrap_err();
		assert!(reason.contains("no MedicalSharing pallet"), "{reason}");
	}

	fn runtime_metadata() -> subxt::Metadata {
		// Some constants are read from state (the slot, chosen at genesis), as inside a node.
		let metadata = sp_io::TestExternalities::default().execute_with(Runtime::metadata);
		subxt::Metadata::decode_from(&metadata.encode()).expect("the runtime's metadata decodes")
	}

	/// `T`'s type information in a registry of its own.
	fn client_type<T: TypeInfo + 'static>() -> (PortableRegistry, u32) {
		let mut registry = Registry::new();
		let id = registry.register_type(&scale_info::meta_type::<T>()).id;
		(registry.into(), id)
	}

	/// Whether type `a` of one registry encodes exactly as type `b` of another: the same
	/// structure, field names, variant names and indices, down to the primitives. Paths are not
	/// compared (subxt's `AccountId32` is the runtime's under another name).
	fn same_shape(a: &PortableRegistry, a_id: u32, b: &PortableRegistry, b_id: u32, at: &str) -> Result<(), String> {
		let missing = |id| format!("{at}: type {id} missing");
		let ta = &a.resolve(a_id).ok_or_else(|| missing(a_id))?.type_def;
		let tb = &b.resolve(b_id).ok_or_else(|| missing(b_id))?.type_def;
		let differ = || Err(format!("{at}: the runtime has {}, the client {}", kind(ta), kind(tb)));
		match (ta, tb) {
			(TypeDef::Composite(x), TypeDef::Composite(y)) => {
				if x.fields.len() != y.fields.len() {
					return differ();
				}
				for (f, g) in x.fields.iter().zip(&y.fields) {
					let name = f.name.as_deref().unwrap_or("_");
					if f.name != g.name {
						return Err(format!("{at}: field `{name}` is `{}` in the client", g.name.as_deref().unwrap_or("_")));
					}
					same_shape(a, f.ty.id, b, g.ty.id, &format!("{at}.{name}"))?;
				}
				Ok(())
			},
			(TypeDef::Variant(x), TypeDef::Variant(y)) => {
				if x.variants.len() != y.variants.len() {
					return differ();
				}
				for (v, w) in x.variants.iter().zip(&y.variants) {
					if (&v.name, v.index, v.fields.len()) != (&w.name, w.index, w.fields.len()) {
						return Err(format!("{at}: variant {} ({}) is {} ({}) in the client", v.name, v.index, w.name, w.index));
					}
					for (f, g) in v.fields.iter().zip(&w.fields) {
						same_shape(a, f.ty.id, b, g.ty.id, &format!("{at}::{}", v.name))?;
					}
				}
				Ok(())
			},
			(TypeDef::Sequence(x), TypeDef::Sequence(y)) =>
				same_shape(a, x.type_param.id, b, y.type_param.id, &format!("{at}[]")),
			(TypeDef::Array(x), TypeDef::Array(y)) if x.len == y.len =>
				same_shape(a, x.type_param.id, b, y.type_param.id, &format!("{at}[]")),
			(TypeDef::Tuple(x), TypeDef::Tuple(y)) if x.fields.len() == y.fields.len() => {
				for (i, (f, g)) in x.fields.iter().zip(&y.fields).enumerate() {
					same_shape(a, f.id, b, g.id, &format!("{at}.{i}"))?;
				}
				Ok(())
			},
			(TypeDef::Compact(x), TypeDef::Compact(y)) => same_shape(a, x.type_param.id, b, y.type_param.id, at),
			(TypeDef::Primitive(x), TypeDef::Primitive(y)) if x == y => Ok(()),
			_ => differ(),
		}
	}

	/// A type's shape in a few words, for the error.
	fn kind(def: &TypeDef<scale_info::form::PortableForm>) -> String {
		let names = |fields: &[scale_info::Field<scale_info::form::PortableForm>]| {
			fields.iter().map(|f| f.name.clone().unwrap_or_else(|| "_".into())).collect::<Vec<_>>().join(", ")
		};
		match def {
			TypeDef::Composite(c) => format!("a struct {{{}}}", names(&c.fields)),
			TypeDef::Variant(v) => format!("an enum {{{}}}", v.variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")),
			TypeDef::Sequence(_) => "a sequence".into(),
			TypeDef::Array(a) => format!("an array of {}", a.len),
			TypeDef::Tuple(t) => format!("a tuple of {}", t.fields.len()),
			TypeDef::Primitive(p) => format!("{p:?}").to_lowercase(),
			TypeDef::Compact(_) => "a compact".into(),
			TypeDef::BitSequence(_) => "a bit sequence".into(),
		}
	}

	/// Storage item `entry` against the client's value type `V` and key types `keys`.
	fn storage_shape<V: TypeInfo + 'static>(
		metadata: &subxt::Metadata,
		entry: &str,
		keys: &[(PortableRegistry, u32)],
	) -> Result<(), String> {
		let storage = metadata.pallet_by_name(PALLET).and_then(|p| p.storage()).expect("the pallet has storage");
		let item = storage.entry_by_name(entry).ok_or_else(|| format!("the runtime has no storage item {entry}"))?;
		let (types, id) = client_type::<V>();
		same_shape(metadata.types(), item.value_ty(), &types, id, entry)?;
		let runtime_keys: Vec<u32> = item.keys().map(|key| key.key_id).collect();
		if runtime_keys.len() != keys.len() {
			return Err(format!("{entry}: the runtime keys it by {} values, the client by {}", runtime_keys.len(), keys.len()));
		}
		for (runtime_key, (types, id)) in runtime_keys.into_iter().zip(keys) {
			same_shape(metadata.types(), runtime_key, types, *id, &format!("{entry} key"))?;
		}
		Ok(())
	}

	#[test]
	fn every_storage_item_the_client_reads_has_the_runtimes_shape() {
		let metadata = runtime_metadata();
		let (indicator_id, account, id) = (client_type::<u32>, client_type::<AccountId32>, client_type::<u64>);
		for (entry, checked) in [
			("Indicators", storage_shape::<Indicator>(&metadata, "Indicators", &[indicator_id()])),
			("Institutions", storage_shape::<Institution>(&metadata, "Institutions", &[account()])),
			("HolderKeys", storage_shape::<RegisteredKey>(&metadata, "HolderKeys", &[account()])),
			("Requests", storage_shape::<Request>(&metadata, "Requests", &[id()])),
			("Sessions", storage_shape::<Session>(&metadata, "Sessions", &[id()])),
			("SessionPayloads", storage_shape::<SessionPayload>(&metadata, "SessionPayloads", &[id()])),
			("NextRequestId", storage_shape::<u64>(&metadata, "NextRequestId", &[])),
			("NextSessionId", storage_shape::<u64>(&metadata, "NextSessionId", &[])),
		] {
			checked.unwrap_or_else(|e| panic!("{entry} drifted: {e}"));
		}
	}

	/// The comparison is not vacuous: a client reading a balance the runtime does not use, one
	/// item as another, or a key of the wrong type is refused, with the place named.
	#[test]
	fn a_client_type_that_drifted_is_refused_by_name() {
		let metadata = runtime_metadata();
		type NarrowBalance = medshare_primitives::Session<AccountId32, u64, BlockNumber, Unbounded>;
		let error = storage_shape::<NarrowBalance>(&metadata, "Sessions", &[client_type::<u64>()]).unwrap_err();
		assert!(error.contains("Sessions.deposit"), "{error}");
		let error = storage_shape::<Request>(&metadata, "Sessions", &[client_type::<u64>()]).unwrap_err();
		assert!(error.contains("a struct {request_id, holder,") && error.contains("the client a struct {institution,"), "{error}");
		let error = storage_shape::<Request>(&metadata, "Requests", &[client_type::<u32>()]).unwrap_err();
		assert!(error.contains("Requests key"), "{error}");
	}

	/// Values encoded with the runtime's own instantiation decode with the client's, every byte
	/// used.
	#[test]
	fn the_client_decodes_what_the_runtime_stores() {
		let account = medshare_runtime::AccountId::new([7; 32]);
		let request = pallet::RequestOf::<Runtime> {
			institution: account.clone(),
			indicators: BoundedVec::truncate_from(vec![pallet::RequestedIndicator { id: 3, min_width: 50 }]),
			statements: BoundedVec::truncate_from(vec![[1; 32]]),
			range_commitments: BoundedVec::truncate_from(vec![[2; 32]]),
			created_at: 10,
			expires_at: 20,
			deposit: 1_234,
			open_sessions: 1,
			status: pallet::RequestStatus::Closed,
		};
		let read: Request = scale(&request.encode(), "a request").expect("decodes");
		assert_eq!((read.institution.0, read.deposit, read.expires_at), ([7; 32], 1_234, 20));
		assert_eq!((read.indicators.to_vec(), read.status), (request.indicators.to_vec(), RequestStatus::Closed));

		let mut session = pallet::SessionOf::<Runtime>::opened(
			5,
			account,
			[4; 32],
			BoundedVec::truncate_from(vec![[6; 32]]),
			30,
			40,
		);
		session.deposit = 99;
		session.state = pallet::SessionState::Compared;
		session.result_hash = Some(H256([8; 32]));
		let read: Session = scale(&session.encode(), "a session").expect("decodes");
		assert_eq!((read.request_id, read.holder.0, read.state), (5, [7; 32], SessionState::Compared));
		assert_eq!((read.opened_at, read.expires_at, read.deposit), (30, 40, 99));
		assert_eq!(read.result_hash.map(|hash| hash.0), Some([8; 32]));

		// One byte too many is an error, not a silent truncation.
		let mut longer = session.encode();
		longer.push(0);
		assert!(matches!(scale::<Session>(&longer, "a session"), Err(ChainError::Decode { .. })));
	}

	/// Every pallet error the client gives a hint for is one of the pallet's errors.
	#[test]
	fn every_hinted_error_is_a_pallet_error() {
		let mut registry = Registry::new();
		let id = registry.register_type(&scale_info::meta_type::<pallet::Error<medshare_runtime::Runtime>>()).id;
		let types: PortableRegistry = registry.into();
		let TypeDef::Variant(errors) = &types.resolve(id).expect("registered").type_def else {
			panic!("the pallet's errors are an enum")
		};
		let names: Vec<&str> = errors.variants.iter().map(|v| v.name.as_str()).collect();
		let hinted: Vec<&str> = names.iter().copied().filter(|name| !hint(name).is_empty()).collect();
		for arm in HINTS.iter().flat_map(|(names, _)| names.iter()) {
			assert!(names.contains(arm), "the client hints at `{arm}`, which the pallet no longer has");
			assert!(hinted.contains(arm), "`{arm}` is listed but has no hint");
		}
	}
}
