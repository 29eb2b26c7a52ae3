//! The protocol steps as the client performs them (PROTOCOL.md section 4): each function does
//! one role's step end to end (read the chain, load local secrets, compute, submit, store) and
//! returns a report that the CLI prints as a table or as JSON. `medshare demo` and the
//! command-line subcommands share these functions.

use std::path::PathBuf;

use medshare_paillier::compare::{ComparisonContext, ComparisonStatement};
use medshare_paillier::proofs::ring_pedersen::RingPedersen;
use medshare_paillier::proofs::{modulus, ring_pedersen, ProofContext};
use medshare_paillier::{compare, Ciphertext, EncodedKeyProof, EncodedRingPedersen, Keypair, PublicKey};
use medshare_zk::link::{LinkContext, LinkStatement};
use medshare_zk::prove::{self, Binding, ProveError};
use medshare_zk::setup::{self, CircuitKind};
use rand_010::Rng;
use serde::Serialize;
use subxt::utils::AccountId32;

use crate::chain::{Call, Chain, ChainError, Circuit, Included, KeyOrigin, KeyRegistration, RegisteredKey, RequestedIndicator, Session, SessionState, Wait};
use crate::fhir::{self, ImportError};
use crate::progress::Progress;
use crate::registry::RegistryEntry;
use crate::request_file::{RequestFile, RequestFileError};
use crate::signer::Signer;
use crate::state::{
	HolderData, HolderValue, KeyFile, OutcomeRow, RequestIndicatorSecret, RequestSecrets, SessionResult,
	SessionSecrets, StateDir, StateError,
};

/// Paillier modulus size the client generates (the chain accepts 2048 to 4096).
pub const KEY_BITS: u32 = 2048;

/// Why a step failed. Every message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
	#[error(transparent)]
	Chain(#[from] ChainError),
	#[error(transparent)]
	State(#[from] StateError),
	#[error(transparent)]
	RequestFile(#[from] RequestFileError),
	#[error("the bundle cannot be imported: {0}")]
	Import(#[from] ImportError),
	#[error(transparent)]
	Chart(#[from] crate::report::ChartError),
	#[error("cannot read {path}: {error}")]
	Read { path: String, error: std::io::Error },
	#[error("a Paillier key already exists for {account} at {path}; pass --force to replace it (sessions under the old key can then no longer be finished)")]
	KeyExists { account: String, path: String },
	#[error("the Paillier key in {path} is unusable: {error}; generate a new one with medshare keygen --force")]
	BadKey { path: String, error: String },
	#[error("Groth16 parameters: {0}. Remove the parameter directory to have them generated again")]
	Parameters(String),
	#[error("Groth16 parameters in {path}: {error}; pass --params with the directory `medshare-setup export` wrote")]
	CeremonyParameters { path: String, error: String },
	#[error("the {circuit} proofs would be made with {local}, whose key is not this chain's ({chain}): the chain would refuse them. Pass --params DIR with the parameters of the ceremony the chain's keys came from (`medshare-setup export` writes them; docs/CEREMONY.md)")]
	ParametersMismatch { circuit: &'static str, local: String, chain: String },
	#[error("this chain has no {0} verifying key yet: the registrar sets one with set_verifying_key")]
	ChainKeyMissing(&'static str),
	#[error("proving failed: {0}")]
	Prove(String),
	#[error("not eligible: {name} = {value} lies outside its plausible domain {lo} to {hi}, so no proof can be made; check the measurement and its unit and re-import (medshare holder import)")]
	NotEligible { name: String, value: String, lo: String, hi: String },
	#[error("the imported data has no {name} (LOINC {code}), which request {request_id} asks for; import a bundle that has it (medshare holder import --bundle <file>)")]
	MissingValue { name: String, code: String, request_id: u64 },
	#[error("request {request_id} names indicator id {id}, which is not in the registry")]
	UnknownIndicator { request_id: u64, id: u32 },
	#[error("the statement of request {request_id} on chain differs from what this client computes; the registry or the client's circuits differ from the chain's")]
	StatementMismatch { request_id: u64 },
	#[error("the local secrets in {path} belong to another {what} than {what} {id} on this chain (a restarted development chain reuses ids); they cannot be used here")]
	StaleSecrets { path: String, what: &'static str, id: u64 },
	#[error("the holder withdrew session {session_id} in block #{block}, before the comparison: it has no result, and its encrypted data has left the chain's state")]
	Withdrawn { session_id: u64, block: u32 },
	#[error("request {request_id} was created by {institution}, not by {signer}; only its institution can report on it")]
	NotRequestInstitution { request_id: u64, institution: String, signer: String },
	#[error("session {session_id} belongs to {holder}, not to {signer}; only its holder can withdraw it")]
	NotSessionHolder { session_id: u64, holder: String, signer: String },
	#[error("session {session_id} is already compared: the institution's comparison is on chain and you could open it, so withdrawing now is refused (it would let holders drop out after seeing where their values lie). Finish it with medshare holder result --session {session_id}, or let it expire")]
	AlreadyCompared { session_id: u64 },
	#[error("request {request_id} stopped taking new sessions after block #{expires_at}, and the chain is at #{head}; nothing was proven or sent. Ask its institution for a new request (medshare requests lists the open ones)")]
	RequestExpired { request_id: u64, expires_at: u32, head: u64 },
	#[error("session {session_id} is {state:?}; this step needs it {needed}")]
	SessionState { session_id: u64, state: SessionState, needed: &'static str },
	#[error("the institution {0} has no registered Paillier key; it must run medshare institution register")]
	InstitutionKeyMissing(String),
	#[error("bad data from the chain: {0}")]
	BadChainData(String),
	#[error("the comparison could not be opened: {0}. The institution's ciphertexts do not follow the protocol")]
	Compare(String),
	#[error("the event {0} did not arrive")]
	MissingEvent(&'static str),
	#[error("the Paillier key in {path} cannot be proven well formed ({error}); generate a new one with medshare keygen --force (keys made before version 2 are not Blum keys)")]
	KeyProof { path: String, error: String },
	#[error("request {request_id} asks for {name} (LOINC {code}) with a minimum range width of {requested}, below the registry's {registry}: a range that narrow could locate your value too finely, so this client does not join it")]
	MinWidthBelowRegistry { request_id: u64, name: String, code: String, requested: String, registry: String },
	#[error("session {session_id} used another Paillier key of this account than the one in the state directory; only the key it was submitted under can open its comparison")]
	SessionKeyMismatch { session_id: u64 },
	#[error("the link proof could not be made: {0}. The local secrets of this session do not match its commitments on chain; open a new session")]
	LinkProve(String),
	#[error("the holder's encrypted data of session {session_id} is not proven to hold the values its eligibility proof checked ({error}); this client does not compare it. The chain verifies the same proof, so this means the node or the chain data is not to be trusted")]
	LinkRefused { session_id: u64, error: String },
	#[error("the comparison proof could not be made: {0}")]
	ComparisonProve(String),
	#[error("the institution's comparison of session {session_id} is not proven well formed ({error}); this client decrypts nothing of it. The chain verifies the same proof, so this means the node or the chain data is not to be trusted")]
	ComparisonRefused { session_id: u64, error: String },
}

impl OpError {
	/// A name for scripts and pages (`kind` in JSON errors): the pallet error's, or the
	/// client's own for the refusals a caller may want to tell apart.
	pub fn kind(&self) -> Option<&str> {
		match self {
			OpError::Chain(ChainError::Connect { .. } | ChainError::Rpc(_)) => Some("NodeUnreachable"),
			OpError::Chain(ChainError::WrongChain { .. }) => Some("WrongChain"),
			OpError::Chain(ChainError::BlockFull(_)) => Some("BlockFull"),
			OpError::Chain(ChainError::StaleNonce(_)) => Some("StaleNonce"),
			OpError::RequestExpired { .. } => Some("RequestExpired"),
			OpError::Chain(chain) => chain.pallet_error(),
			OpError::NotEligible { .. } => Some("NotEligible"),
			OpError::Withdrawn { .. } => Some("Withdrawn"),
			OpError::AlreadyCompared { .. } => Some("AlreadyCompared"),
			OpError::NotSessionHolder { .. } => Some("NotSessionHolder"),
			OpError::NotRequestInstitution { .. } => Some("NotRequestInstitution"),
			OpError::Import(_) => Some("Import"),
			OpError::RequestFile(_) => Some("RequestFile"),
			OpError::ParametersMismatch { .. } => Some("ParametersMismatch"),
			OpError::ChainKeyMissing(_) => Some("ChainKeyMissing"),
			_ => None,
		}
	}
}

/// Everything a step needs besides its signer.
#[derive(Clone)]
pub struct Context {
	pub chain: Chain,
	pub state: StateDir,
	pub progress: Progress,
	/// Where the development parameter files are cached.
	pub params_dir: PathBuf,
	/// A ceremony's parameters (`--params`), used instead of the development ones.
	pub ceremony_params: Option<PathBuf>,
}

impl Context {
	fn genesis(&self) -> String {
		self.chain.genesis()
	}
}

fn hex32(bytes: &[u8; 32]) -> String {
	hex::encode(bytes)
}

fn proof_array(proof: &[u8]) -> Result<[u8; 192], OpError> {
	proof.try_into().map_err(|_| OpError::Prove(format!("a proof of {} bytes, expected 192", proof.len())))
}

// --- keys --------------------------------------------------------------------------------

/// The result of `keygen`.
#[derive(Serialize)]
pub struct KeygenReport {
	pub account: String,
	pub bits: u32,
	pub path: String,
	/// Whether an existing key was kept.
	pub existing: bool,
	/// BLAKE2-256 of the public key bytes, as the chain reports it.
	pub public_key_hash: String,
}

/// Generates a Paillier key pair for the signer's account (or keeps the existing one when
/// `reuse` is set).
pub fn keygen(state: &StateDir, progress: &Progress, signer: &Signer, force: bool, reuse: bool) -> Result<KeygenReport, OpError> {
	let account = signer.address();
	let path = state.key_path(&account);
	if let Some(existing) = state.read::<KeyFile>(&path)? {
		// A key from before Blum key generation cannot be proven well formed: `reuse`
		// replaces it (no version 2 chain can have a session under it).
		let provable = key_from_file(&existing, &path).map(|k| k.is_blum()).unwrap_or(false);
		if (reuse && provable) || (!reuse && !force) {
			if !reuse {
				return Err(OpError::KeyExists { account, path: path.display().to_string() });
			}
			let keypair = key_from_file(&existing, &path)?;
			return Ok(KeygenReport {
				account,
				bits: existing.bits,
				path: path.display().to_string(),
				existing: true,
				public_key_hash: hex32(&sp_crypto_hashing::blake2_256(&keypair.public().to_bytes())),
			});
		}
	}
	let spinner = progress.spinner(format!("generating a {KEY_BITS}-bit Paillier key pair for {account}"));
	let keypair = Keypair::generate(KEY_BITS, &mut rand_010::rng()).map_err(|e| OpError::BadKey {
		path: path.display().to_string(),
		error: e.to_string(),
	})?;
	spinner.finish_and_clear();
	let file = KeyFile { account: account.clone(), bits: KEY_BITS, secret: hex::encode(&*keypair.to_secret_bytes()) };
	state.write(&path, &file)?;
	Ok(KeygenReport {
		account,
		bits: KEY_BITS,
		path: path.display().to_string(),
		existing: false,
		public_key_hash: hex32(&sp_crypto_hashing::blake2_256(&keypair.public().to_bytes())),
	})
}

fn key_from_file(file: &KeyFile, path: &std::path::Path) -> Result<Keypair, OpError> {
	let bad = |error: String| OpError::BadKey { path: path.display().to_string(), error };
	let mut bytes = hex::decode(&file.secret).map_err(|e| bad(e.to_string()))?;
	let keypair = Keypair::from_secret_bytes(&bytes).map_err(|e| bad(format!("{e:?}")));
	// Best effort: the decoded primes should not outlive the key pair in a freed buffer
	// (the Keypair keeps its own copies in zeroizing buffers).
	bytes.iter_mut().for_each(|b| *b = 0);
	std::hint::black_box(&bytes);
	keypair
}

/// The signer's Paillier key pair from the state directory.
pub fn load_keypair(state: &StateDir, signer: &Signer) -> Result<Keypair, OpError> {
	let account = signer.address();
	let path = state.key_path(&account);
	let hint = format!("generate one with medshare keygen --suri <uri of {account}> (same --state-dir)");
	let file: KeyFile = state.require(&path, "Paillier key", &hint)?;
	key_from_file(&file, &path)
}

// --- institution -------------------------------------------------------------------------

/// A submitted step.
#[derive(Serialize, Clone)]
pub struct StepReport {
	pub step: String,
	pub account: String,
	pub block: u64,
	pub block_hash: String,
	/// Whether that block was final when the step returned (`--wait finality`).
	pub finalized: bool,
	pub events: Vec<serde_json::Value>,
}

fn step_report(signer: &Signer, included: Included) -> StepReport {
	StepReport {
		step: included.call,
		account: signer.address(),
		block: included.block,
		block_hash: included.block_hash,
		finalized: included.finalized,
		events: included.events,
	}
}

async fn submit(ctx: &Context, signer: &Signer, call: Call) -> Result<Included, OpError> {
	submit_waiting(ctx, signer, call, ctx.chain.wait).await
}

/// Submits `call` and waits as `wait` says (the holder's last step waits for finality whatever
/// `--wait` says: the session's outcome is acted on).
async fn submit_waiting(ctx: &Context, signer: &Signer, call: Call, wait: Wait) -> Result<Included, OpError> {
	let until = match wait {
		Wait::Inclusion => "a block",
		Wait::Finality => "a finalized block",
	};
	let spinner = ctx.progress.spinner(format!("{} submitted, waiting for {until}", call.name()));
	let result = ctx.chain.submit_waiting(&call, &signer.keypair, wait).await;
	spinner.finish_and_clear();
	Ok(result?)
}

/// The signer's key with ring-Pedersen parameters and both key proofs (Pi^mod, Pi^prm),
/// bound to this chain and the signer's account (docs/PROOFS.md).
pub fn key_registration(ctx: &Context, signer: &Signer, keypair: &Keypair) -> Result<KeyRegistration, OpError> {
	let context = ProofContext { genesis_hash: ctx.chain.genesis_hash(), account: signer.account_bytes() };
	let path = ctx.state.key_path(&signer.address()).display().to_string();
	let failed = |e: medshare_paillier::proofs::ProveError| OpError::KeyProof { path: path.clone(), error: e.to_string() };
	let spinner = ctx.progress.spinner("proving the Paillier key well formed (Pi^mod, Pi^prm)".to_string());
	let mut rng = rand_010::rng();
	let modulus_proof = modulus::prove(keypair, &context, &mut rng).map_err(failed)?;
	let (params, ring_pedersen_proof) = ring_pedersen::generate(keypair, &context, &mut rng).map_err(failed)?;
	spinner.finish_and_clear();
	let proof = |bytes| EncodedKeyProof::new(bytes).map_err(|e| OpError::KeyProof { path: path.clone(), error: e.to_string() });
	Ok(KeyRegistration {
		key: keypair.public().to_encoded(),
		ring_pedersen: params.to_encoded(),
		modulus_proof: proof(modulus_proof)?,
		ring_pedersen_proof: proof(ring_pedersen_proof)?,
	})
}

/// Registers the signer's Paillier public key, with its proofs, as its institution key
/// (step 0).
pub async fn register_institution(ctx: &Context, signer: &Signer, metadata: &str) -> Result<StepReport, OpError> {
	let keypair = load_keypair(&ctx.state, signer)?;
	let registration = key_registration(ctx, signer, &keypair)?;
	let call = Call::RegisterInstitution { registration, metadata: metadata.as_bytes().to_vec() };
	Ok(step_report(signer, submit(ctx, signer, call).await?))
}

/// A circuit's verifying key as the chain holds it, with its origin.
pub struct ChainKey {
	pub kind: CircuitKind,
	pub key: Vec<u8>,
	pub origin: KeyOrigin,
}

/// Reads `kind`'s verifying key from the chain, before a step proves with [`load_parameters`].
pub async fn chain_key(ctx: &Context, kind: CircuitKind) -> Result<ChainKey, OpError> {
	let circuit = match kind {
		CircuitKind::Requirement => Circuit::Requirement,
		CircuitKind::Eligibility => Circuit::Eligibility,
	};
	let (key, origin) = ctx.chain.verifying_key(circuit).await?.ok_or(OpError::ChainKeyMissing(kind.name()))?;
	Ok(ChainKey { kind, key, origin })
}

/// The parameters to prove with: the ceremony's (`--params`) or the development ones, refused
/// unless their verifying key is the chain's, so that no step proves for minutes only to have
/// its proofs refused, and development parameters are never used on a chain whose keys came
/// from a ceremony.
fn load_parameters(ctx: &Context, chain: &ChainKey) -> Result<setup::Parameters, OpError> {
	let kind = chain.kind;
	let (params, local) = match &ctx.ceremony_params {
		Some(dir) => {
			let path = dir.join(format!("{}.params", kind.name()));
			let spinner = ctx.progress.spinner(format!("loading the {} circuit's Groth16 parameters from {}", kind.name(), path.display()));
			// Unchecked: the key is compared with the chain's below, and the rest is the
			// prover's own file, which `medshare-setup verify` checked.
			let params = setup::read_parameters(&path, false)
				.map_err(|e| OpError::CeremonyParameters { path: path.display().to_string(), error: e.to_string() });
			spinner.finish_and_clear();
			(params?, format!("the parameters in {}", dir.display()))
		},
		None => {
			let spinner = ctx.progress.spinner(format!(
				"loading the {} circuit's development parameters from {} (generated on first use, 1-2 minutes)",
				kind.name(),
				ctx.params_dir.display()
			));
			let params = setup::load_or_create_dev_parameters(&ctx.params_dir, kind).map_err(|e| OpError::Parameters(format!("{e:?}")));
			spinner.finish_and_clear();
			(params?, "the development parameters".to_string())
		},
	};
	if setup::verifying_key_bytes(&params) != chain.key {
		let origin = match chain.origin {
			KeyOrigin::Development => "a development key".to_string(),
			KeyOrigin::Ceremony { transcript } => format!("a ceremony's key, transcript 0x{}", hex::encode(transcript.0)),
		};
		return Err(OpError::ParametersMismatch { circuit: kind.name(), local, chain: origin });
	}
	Ok(params)
}

/// One indicator of a created request, for the report (public parts only).
#[derive(Serialize, Clone)]
pub struct RequestRow {
	pub id: u32,
	pub code: String,
	pub name: String,
	pub min_width: String,
}

/// The result of `institution request`.
#[derive(Serialize)]
pub struct RequestReport {
	pub request_id: u64,
	pub block: u64,
	pub chunks: u64,
	pub expires_at: u64,
	pub indicators: Vec<RequestRow>,
	/// Where the secret ranges and salts were stored.
	pub secrets: String,
}

/// The institution's prepared request: proofs and the secrets to keep.
pub struct PreparedRequest {
	pub call: Call,
	pub secrets: RequestSecrets,
}

/// Checks a request file against the registry without proving or sending anything: the
/// indicators it would ask for, or the file's error.
pub fn check_request_file(registry: &[RegistryEntry], file_text: &str) -> Result<Vec<RequestRow>, OpError> {
	let resolved = RequestFile::parse(file_text)?.resolve(registry)?;
	Ok(resolved
		.iter()
		.map(|r| RequestRow { id: r.entry.id, code: r.entry.code.clone(), name: r.entry.name.clone(), min_width: r.entry.display_value(r.min_width) })
		.collect())
}

/// Resolves a request file against the registry and proves the ranges (step 1, off chain).
pub fn prepare_request(
	ctx: &Context,
	institution: &Signer,
	registry: &[RegistryEntry],
	file_text: &str,
	chain_key: &ChainKey,
) -> Result<PreparedRequest, OpError> {
	let file = RequestFile::parse(file_text)?;
	let resolved = file.resolve(registry)?;
	let indicators: Vec<medshare_zk::RequestedIndicator> = resolved
		.iter()
		.map(|r| medshare_zk::RequestedIndicator { id: r.entry.id, lo: r.entry.lo, hi: r.entry.hi, min_width: r.min_width })
		.collect();
	let ranges: Vec<(u32, u32)> = resolved.iter().map(|r| (r.down, r.up)).collect();
	let params = load_parameters(ctx, chain_key)?;
	let chunks_total = medshare_zk::statement::chunk_count(indicators.len()) as u64;
	let bar = ctx.progress.bar(chunks_total, "proving the ranges (requirement proof)");
	let chunks = prove::prove_requirement(
		&params,
		&institution.account_bytes(),
		&indicators,
		&ranges,
		&mut rand_010::rng(),
		|done, _| bar.set_position(done as u64),
	)
	.map_err(|e| OpError::Prove(e.to_string()))?;
	bar.finish_and_clear();
	let proofs = chunks.iter().map(|c| proof_array(&c.proof)).collect::<Result<Vec<_>, _>>()?;
	let call = Call::CreateRequest {
		indicators: resolved.iter().map(|r| RequestedIndicator { id: r.entry.id, min_width: r.min_width }).collect(),
		range_commitments: chunks.iter().map(|c| c.commitment).collect(),
		proofs,
		lifetime: file.lifetime,
	};
	let secrets = RequestSecrets {
		request_id: u64::MAX,
		institution: institution.address(),
		indicators: resolved
			.iter()
			.map(|r| RequestIndicatorSecret {
				id: r.entry.id,
				code: r.entry.code.clone(),
				name: r.entry.name.clone(),
				unit: r.entry.unit.clone(),
				scale: r.entry.scale,
				min_width: r.min_width,
				down: r.down,
				up: r.up,
			})
			.collect(),
		range_commitments: chunks.iter().map(|c| hex32(&c.commitment)).collect(),
		salts: chunks.iter().map(|c| hex32(&c.salt)).collect(),
	};
	Ok(PreparedRequest { call, secrets })
}

/// Creates a research request from a request file (step 1).
pub async fn create_request(ctx: &Context, signer: &Signer, file_text: &str) -> Result<RequestReport, OpError> {
	let registry = ctx.chain.registry().await?;
	let key = chain_key(ctx, CircuitKind::Requirement).await?;
	let prepared = prepare_request(ctx, signer, &registry, file_text, &key)?;
	// The secrets are written before submitting: if the client dies after the chain accepted
	// the request, the ranges that the commitments hide must not be lost with it.
	let pending = ctx.state.request_path(&ctx.genesis(), 0).with_file_name(format!("pending-{}.json", &prepared.secrets.range_commitments[0][..16]));
	ctx.state.write(&pending, &prepared.secrets)?;
	let included = submit(ctx, signer, prepared.call).await?;
	let request_id = included.event_u64("RequestCreated", "request_id")?;
	let mut secrets = prepared.secrets;
	secrets.request_id = request_id;
	let path = ctx.state.request_path(&ctx.genesis(), request_id);
	ctx.state.write(&path, &secrets)?;
	let _ = std::fs::remove_file(&pending);
	Ok(RequestReport {
		request_id,
		block: included.block,
		chunks: included.event_u64("RequestCreated", "chunks")?,
		expires_at: included.event_u64("RequestCreated", "expires_at")?,
		indicators: secrets
			.indicators
			.iter()
			.map(|i| RequestRow {
				id: i.id,
				code: i.code.clone(),
				name: i.name.clone(),
				min_width: format!("{} {}", crate::decimal::format_scaled(i.min_width, i.scale), i.unit),
			})
			.collect(),
		secrets: path.display().to_string(),
	})
}

fn load_request_secrets(ctx: &Context, request_id: u64, commitments: &[[u8; 32]]) -> Result<RequestSecrets, OpError> {
	let path = ctx.state.request_path(&ctx.genesis(), request_id);
	let hint = format!(
		"only the institution that created request {request_id} holds its ranges, in the state directory it used (--state-dir)"
	);
	let secrets: RequestSecrets = ctx.state.require(&path, &format!("secret ranges of request {request_id}"), &hint)?;
	let on_chain: Vec<String> = commitments.iter().map(hex32).collect();
	if secrets.range_commitments != on_chain {
		return Err(OpError::StaleSecrets { path: path.display().to_string(), what: "request", id: request_id });
	}
	Ok(secrets)
}

/// The institution's blinded comparison of a session's encrypted data (step 5).
pub async fn compare(ctx: &Context, signer: &Signer, session_id: u64) -> Result<StepReport, OpError> {
	let session = not_withdrawn(session_id, ctx.chain.require_session(session_id).await?)?;
	let request = ctx.chain.require_request(session.request_id).await?;
	let secrets = load_request_secrets(ctx, session.request_id, &request.range_commitments)?;
	let payload = ctx.chain.payload(session_id).await?.filter(|p| !p.encrypted_data.is_empty()).ok_or(
		OpError::SessionState { session_id, state: session.state, needed: "DataSubmitted (the holder runs medshare holder submit-data)" },
	)?;
	let holder_key =
		PublicKey::from_encoded(&payload.holder_key.key).map_err(|e| OpError::BadChainData(format!("holder key: {e:?}")))?;
	let values = holder_key
		.ciphertexts_from_bytes(payload.encrypted_data.iter().map(|c| c.as_bytes()))
		.map_err(|e| OpError::BadChainData(format!("encrypted data: {e:?}")))?;
	check_link_proof(ctx, session_id, &session, &holder_key, &values).await?;
	let bases = holder_bases(&holder_key, &payload.holder_key)?;
	let ranges: Vec<(u32, u32)> = secrets.indicators.iter().map(|i| (i.down, i.up)).collect();
	let spinner = ctx.progress.spinner(format!("blinding {} comparisons", ranges.len()));
	let (outputs, witness) =
		compare::blind(&holder_key, &values, &ranges, &mut rand_010::rng()).map_err(|e| OpError::Compare(e.to_string()))?;
	spinner.finish_and_clear();
	let context = comparison_context(ctx, &request.institution, &session, session_id);
	let statement =
		ComparisonStatement { key: &holder_key, bases: &bases, context: &context, ciphertexts: &values, outputs: &outputs };
	let spinner = ctx.progress.spinner(format!("proving the comparison well formed ({} outputs)", outputs.len()));
	let comparison_proof =
		compare::prove(&statement, &witness, &mut rand_010::rng()).map_err(|e| OpError::ComparisonProve(e.to_string()))?;
	spinner.finish_and_clear();
	// In parts of whole groups when one comparison would outweigh a block (long keys).
	let groups = medshare_paillier::cmp_group_count(holder_key.modulus_bits(), values.len() as u32) as usize;
	let per_part = groups_per_part(holder_key.modulus_bits(), groups);
	let mut first = 0;
	let mut report = None;
	while first < groups {
		let count = per_part.min(groups - first);
		let range = compare::part_proof_range(holder_key.byte_len(), values.len(), first, count)
			.ok_or_else(|| OpError::ComparisonProve(format!("no groups {first}..{}", first + count)))?;
		let call = Call::SubmitComparison {
			session_id,
			first_group: first as u32,
			ciphertexts: outputs[2 * first..2 * (first + count)].iter().map(|c| c.to_bytes(&holder_key)).collect(),
			comparison_proof: comparison_proof[range].to_vec(),
		};
		report = Some(step_report(signer, submit(ctx, signer, call).await?));
		first += count;
	}
	report.ok_or_else(|| OpError::ComparisonProve("no groups to submit".into()))
}

/// Groups of comparison slots a holder key longer than 2048 bits allows per part: its
/// comparison is verified natively, and a part of this many groups (charged as 4096 bits)
/// stays below the per-extrinsic weight limit (docs/PERFORMANCE.md). The runtime test
/// `the_largest_session_steps_fit_a_block` checks the same number against the weights.
pub const LONG_KEY_GROUPS_PER_PART: usize = 32;

/// How many groups one `submit_comparison` carries under a key of `key_bits` bits.
fn groups_per_part(key_bits: u32, groups: usize) -> usize {
	if key_bits > medshare_paillier::MIN_MODULUS_BITS {
		LONG_KEY_GROUPS_PER_PART
	} else {
		groups.max(1)
	}
}

/// What the comparison proof of `session` is bound to on this chain.
fn comparison_context(ctx: &Context, institution: &AccountId32, session: &Session, session_id: u64) -> ComparisonContext {
	ComparisonContext {
		genesis_hash: ctx.chain.genesis_hash(),
		institution: institution.0,
		holder: session.holder.0,
		request_id: session.request_id,
		session_id,
	}
}

/// The holder's registered ring-Pedersen parameters, which Pi^cmp commits under.
fn holder_bases(key: &PublicKey, registered: &RegisteredKey) -> Result<RingPedersen, OpError> {
	ring_pedersen_of(key, &registered.ring_pedersen)
}

/// Ring-Pedersen parameters on `key` from their bytes (`s` concatenated, `t`).
pub fn ring_pedersen_of(key: &PublicKey, encoded: &EncodedRingPedersen) -> Result<RingPedersen, OpError> {
	RingPedersen::from_encoded(key, encoded)
		.map_err(|e| OpError::BadChainData(format!("ring-Pedersen parameters: {e}")))
}

/// The holder's check before it decrypts anything (step 6): the institution's comparison
/// proof, read from its extrinsic, verifies for the outputs in state, the holder's ciphertexts
/// and its own registered key and bases.
async fn check_comparison_proof(
	ctx: &Context,
	session_id: u64,
	session: &Session,
	institution: &AccountId32,
	registered: &RegisteredKey,
	key: &PublicKey,
	data: &[Ciphertext],
	outputs: &[Ciphertext],
) -> Result<(), OpError> {
	let groups = medshare_paillier::cmp_group_count(key.modulus_bits(), data.len() as u32) as usize;
	let (submitted, proof) = ctx.chain.comparison_proof(session_id, session, groups).await?;
	let in_state: Vec<Vec<u8>> = outputs.iter().map(|c| c.to_bytes(key)).collect();
	if submitted != in_state {
		return Err(OpError::BadChainData(format!("session {session_id}: the submitted comparison differs from the one in state")));
	}
	let bases = holder_bases(key, registered)?;
	let context = comparison_context(ctx, institution, session, session_id);
	let statement = ComparisonStatement { key, bases: &bases, context: &context, ciphertexts: data, outputs };
	let mut seed = [0u8; 32];
	rand_010::rng().fill_bytes(&mut seed);
	let spinner = ctx.progress.spinner("verifying the institution's comparison proof".to_string());
	let verdict = compare::verify(&statement, &proof, &seed);
	spinner.finish_and_clear();
	verdict.map_err(|e| OpError::ComparisonRefused { session_id, error: e.to_string() })
}

/// The result of `institution results`.
#[derive(Serialize)]
pub struct ResultsReport {
	pub session_id: u64,
	pub request_id: u64,
	pub holder: String,
	/// Block of the holder's `submit_result`.
	pub block: u64,
	pub outcomes: Vec<OutcomeRow>,
}

/// Decrypts the result of a completed session with the institution's key (step 8).
pub async fn results(ctx: &Context, signer: &Signer, session_id: u64) -> Result<ResultsReport, OpError> {
	// The institution acts on this outcome: it is read only once final.
	let spinner = ctx.progress.spinner(format!("waiting until session {session_id}'s last step is finalized"));
	let session = ctx.chain.final_session(session_id).await;
	spinner.finish_and_clear();
	let session = not_withdrawn(session_id, session?)?;
	if session.state != SessionState::Completed {
		return Err(OpError::SessionState { session_id, state: session.state, needed: "Completed (the holder runs medshare holder result)" });
	}
	// A request leaves storage with its last session once closed; the local file keeps its
	// indicators, and the commitments are checked when the request is still there.
	let path = ctx.state.request_path(&ctx.genesis(), session.request_id);
	let secrets = match ctx.chain.request(session.request_id).await? {
		Some(request) => load_request_secrets(ctx, session.request_id, &request.range_commitments)?,
		None => ctx.state.require(&path, "secret ranges", "only the institution that created the request can read its results")?,
	};
	let keypair = load_keypair(&ctx.state, signer)?;
	let ciphertexts = ctx.chain.result_ciphertexts(session_id, &session).await?;
	let result = keypair
		.public()
		.ciphertexts_from_bytes(ciphertexts.iter().map(|c| c.as_slice()))
		.map_err(|e| OpError::BadChainData(format!("result ciphertexts: {e:?}; was it encrypted for this institution's key?")))?;
	let outcomes = compare::decode_outcomes(&keypair, &result, secrets.indicators.len())
		.map_err(|e| OpError::Compare(format!("{e}; the key in the state directory may not be the one registered")))?;
	let rows: Vec<OutcomeRow> = secrets
		.indicators
		.iter()
		.zip(&outcomes)
		.map(|(i, o)| OutcomeRow { id: i.id, code: i.code.clone(), name: i.name.clone(), outcome: o.as_i8() })
		.collect();
	let record = SessionResult {
		session_id,
		request_id: session.request_id,
		holder: session.holder.to_string(),
		block: u64::from(session.updated_at),
		outcomes: rows.clone(),
	};
	ctx.state.write(&ctx.state.result_path(&ctx.genesis(), session_id), &record)?;
	Ok(ResultsReport {
		session_id,
		request_id: session.request_id,
		holder: record.holder,
		block: record.block,
		outcomes: rows,
	})
}

/// The session, unless its holder withdrew it: then the error says so, and when.
fn not_withdrawn(session_id: u64, session: Session) -> Result<Session, OpError> {
	match session.state {
		SessionState::Withdrawn => Err(OpError::Withdrawn { session_id, block: session.updated_at }),
		_ => Ok(session),
	}
}

// --- holder ------------------------------------------------------------------------------

/// Ends the signer's session before the comparison (the chain releases its deposit). The local
/// secrets stay, so that `medshare history` still lists it.
pub async fn withdraw(ctx: &Context, signer: &Signer, session_id: u64) -> Result<StepReport, OpError> {
	let session = ctx.chain.require_session(session_id).await?;
	if session.holder.0 != signer.account_bytes() {
		return Err(OpError::NotSessionHolder { session_id, holder: session.holder.to_string(), signer: signer.address() });
	}
	match session.state {
		SessionState::Eligible | SessionState::DataSubmitted => {},
		SessionState::Compared => return Err(OpError::AlreadyCompared { session_id }),
		state => return Err(OpError::SessionState { session_id, state, needed: "Eligible or DataSubmitted (not ended)" }),
	}
	Ok(step_report(signer, submit(ctx, signer, Call::WithdrawSession { session_id }).await?))
}

/// The result of `holder import`.
#[derive(Serialize)]
pub struct ImportReport {
	pub account: String,
	pub path: String,
	pub values: Vec<HolderValue>,
	/// Registry indicators the bundle does not have.
	pub missing: Vec<String>,
}

/// Imports a FHIR bundle's values for every registry indicator it has.
pub fn import(state: &StateDir, signer: &Signer, registry: &[RegistryEntry], bundle_name: &str, json: &str) -> Result<ImportReport, OpError> {
	let mut values = Vec::new();
	let mut missing = Vec::new();
	for (entry, result) in registry.iter().zip(fhir::import_each(json, registry)?) {
		let holder_value = |scaled: u32, in_domain: bool, source: String| HolderValue {
			code: entry.code.clone(),
			name: entry.name.clone(),
			unit: entry.unit.clone(),
			scale: entry.scale,
			scaled,
			in_domain,
			source,
		};
		match result {
			Ok(value) => values.push(holder_value(value.scaled, true, value.source)),
			Err(ImportError::MissingIndicator { code, .. }) => missing.push(code),
			// Kept, but marked: the holder sees it, and eligibility refuses it with a reason
			// instead of the value silently vanishing.
			Err(ImportError::OutOfDomain { scaled, .. }) => values.push(holder_value(scaled, false, "outside the plausible domain".into())),
			Err(other) => return Err(other.into()),
		}
	}
	let data = HolderData { account: signer.address(), bundle: bundle_name.to_string(), values };
	let path = state.holder_path(&signer.address());
	state.write(&path, &data)?;
	Ok(ImportReport { account: data.account, path: path.display().to_string(), values: data.values, missing })
}

/// The result of `holder join`.
#[derive(Serialize)]
pub struct JoinReport {
	pub session_id: u64,
	pub request_id: u64,
	pub block: u64,
	pub expires_at: u64,
	pub chunks: usize,
}

/// The holder's eligibility proofs, prepared off chain (steps 2-3).
pub struct PreparedEligibility {
	pub call: Call,
	pub secrets: SessionSecrets,
}

/// Proves that the holder's imported values fit request `request_id`.
pub fn prepare_eligibility(
	ctx: &Context,
	holder: &Signer,
	registry: &[RegistryEntry],
	request_id: u64,
	institution: &AccountId32,
	requested: &[RequestedIndicator],
	expected_statements: Option<&[[u8; 32]]>,
	chain_key: &ChainKey,
) -> Result<PreparedEligibility, OpError> {
	let path = ctx.state.holder_path(&holder.address());
	let data: HolderData = ctx.state.require(&path, "imported data", "import a FHIR bundle first: medshare holder import --bundle <file>")?;
	let mut indicators = Vec::with_capacity(requested.len());
	let mut values = Vec::with_capacity(requested.len());
	for r in requested {
		let entry = registry.iter().find(|e| e.id == r.id).ok_or(OpError::UnknownIndicator { request_id, id: r.id })?;
		let value = data.values.iter().find(|v| v.code == entry.code).ok_or_else(|| OpError::MissingValue {
			name: entry.name.clone(),
			code: entry.code.clone(),
			request_id,
		})?;
		indicators.push(medshare_zk::RequestedIndicator { id: entry.id, lo: entry.lo, hi: entry.hi, min_width: r.min_width });
		values.push((entry, value.scaled));
	}
	let plain: Vec<u32> = values.iter().map(|(_, v)| *v).collect();
	// Checked here too (the prover checks first thing as well) so that the refusal names the
	// indicator and does not wait for the parameters to load.
	if let Some((entry, value)) = values.iter().find(|(e, v)| *v < e.lo || *v > e.hi) {
		return Err(not_eligible(entry, *value));
	}
	let mut nonce = [0u8; 32];
	rand_010::rng().fill_bytes(&mut nonce);
	let binding = Binding { request_id, holder: holder.account_bytes(), nonce };
	let params = load_parameters(ctx, chain_key)?;
	let total = medshare_zk::statement::chunk_count(indicators.len()) as u64;
	let bar = ctx.progress.bar(total, "proving eligibility");
	let chunks = prove::prove_eligibility(
		&params,
		&institution.0,
		&indicators,
		&plain,
		&binding,
		&mut rand_010::rng(),
		|done, _| bar.set_position(done as u64),
	)
	.map_err(|e| match e {
		ProveError::ValueOutsideDomain { index } => not_eligible(values[index].0, values[index].1),
		other => OpError::Prove(other.to_string()),
	})?;
	bar.finish_and_clear();
	if let Some(expected) = expected_statements {
		if chunks.iter().map(|c| c.statement).collect::<Vec<_>>() != expected {
			return Err(OpError::StatementMismatch { request_id });
		}
	}
	let call = Call::SubmitEligibility {
		request_id,
		nonce,
		data_commitments: chunks.iter().map(|c| c.commitment).collect(),
		proofs: chunks.iter().map(|c| proof_array(&c.proof)).collect::<Result<_, _>>()?,
	};
	let secrets = SessionSecrets {
		session_id: u64::MAX,
		request_id,
		holder: holder.address(),
		institution: Some(institution.to_string()),
		nonce: hex32(&nonce),
		data_commitments: chunks.iter().map(|c| hex32(&c.commitment)).collect(),
		blindings: chunks.iter().map(|c| hex32(&c.blinding)).collect(),
		values: values.iter().map(|(e, v)| (e.id, e.code.clone(), *v)).collect(),
		outcomes: None,
	};
	Ok(PreparedEligibility { call, secrets })
}

fn not_eligible(entry: &RegistryEntry, value: u32) -> OpError {
	OpError::NotEligible {
		name: entry.name.clone(),
		value: entry.display_value(value),
		lo: entry.display_value(entry.lo),
		hi: entry.display_value(entry.hi),
	}
}

/// One indicator of a request, in words.
#[derive(Serialize, Clone, Debug)]
pub struct IndicatorInWords {
	pub code: String,
	pub name: String,
	pub unit: String,
	/// The narrowest hidden range the institution may use, in the indicator's unit.
	pub min_width: String,
}

/// A request as `medshare requests` and the portal list it.
#[derive(Serialize, Clone, Debug)]
pub struct RequestInWords {
	pub request_id: u64,
	pub institution: String,
	/// The institution's description of itself, as registered (empty if it gave none).
	pub institution_name: String,
	pub indicators: Vec<IndicatorInWords>,
	pub status: crate::chain::RequestStatus,
	pub expires_at: u32,
	pub open_sessions: u32,
}

/// Every request in state, its indicators named from the registry.
pub async fn requests(ctx: &Context) -> Result<Vec<RequestInWords>, OpError> {
	let registry = ctx.chain.registry().await?;
	let requests = ctx.chain.requests().await?;
	let mut names = std::collections::BTreeMap::new();
	for (_, request) in &requests {
		if !names.contains_key(&request.institution) {
			let name = ctx.chain.institution(&request.institution).await?.map(|i| String::from_utf8_lossy(&i.metadata).into_owned());
			names.insert(request.institution.clone(), name.unwrap_or_default());
		}
	}
	Ok(requests
		.into_iter()
		.map(|(request_id, request)| RequestInWords {
			request_id,
			institution: request.institution.to_string(),
			institution_name: names.get(&request.institution).cloned().unwrap_or_default(),
			indicators: request
				.indicators
				.iter()
				.map(|i| match registry.iter().find(|e| e.id == i.id) {
					Some(e) => IndicatorInWords {
						code: e.code.clone(),
						name: e.name.clone(),
						unit: e.unit.clone(),
						min_width: e.display_value(i.min_width),
					},
					None => IndicatorInWords { code: i.id.to_string(), name: String::new(), unit: String::new(), min_width: i.min_width.to_string() },
				})
				.collect(),
			status: request.status,
			expires_at: request.expires_at,
			open_sessions: request.open_sessions,
		})
		.collect())
}

/// Proves eligibility for a request and opens a session (steps 2-3).
pub async fn join(ctx: &Context, signer: &Signer, request_id: u64) -> Result<JoinReport, OpError> {
	let request = ctx.chain.require_request(request_id).await?;
	// The proofs take a while; a request that can no longer be joined is refused before them.
	let head = ctx.chain.clock().await?.head;
	if head >= u64::from(request.expires_at) {
		return Err(OpError::RequestExpired { request_id, expires_at: request.expires_at, head });
	}
	let registry = ctx.chain.registry().await?;
	check_min_widths(request_id, &request.indicators, &registry)?;
	let key = chain_key(ctx, CircuitKind::Eligibility).await?;
	let prepared = prepare_eligibility(
		ctx,
		signer,
		&registry,
		request_id,
		&request.institution,
		&request.indicators,
		Some(&request.statements),
		&key,
	)?;
	let pending = ctx.state.session_path(&ctx.genesis(), 0).with_file_name(format!("pending-{}.json", &prepared.secrets.nonce[..16]));
	ctx.state.write(&pending, &prepared.secrets)?;
	let chunks = prepared.secrets.data_commitments.len();
	let included = submit(ctx, signer, prepared.call).await?;
	let session_id = included.event_u64("SessionOpened", "session_id")?;
	let mut secrets = prepared.secrets;
	secrets.session_id = session_id;
	ctx.state.write(&ctx.state.session_path(&ctx.genesis(), session_id), &secrets)?;
	let _ = std::fs::remove_file(&pending);
	Ok(JoinReport {
		session_id,
		request_id,
		block: included.block,
		expires_at: included.event_u64("SessionOpened", "expires_at")?,
		chunks,
	})
}

/// Refuses a request that asks for a narrower range than the registry's current minimum for
/// any indicator (the registrar may have raised it after the request was made).
pub fn check_min_widths(request_id: u64, indicators: &[RequestedIndicator], registry: &[RegistryEntry]) -> Result<(), OpError> {
	for requested in indicators {
		let entry = registry
			.iter()
			.find(|e| e.id == requested.id)
			.ok_or(OpError::UnknownIndicator { request_id, id: requested.id })?;
		if requested.min_width < entry.min_width {
			let show = |w: u32| format!("{} {}", crate::decimal::format_scaled(w, entry.scale), entry.unit);
			return Err(OpError::MinWidthBelowRegistry {
				request_id,
				name: entry.name.clone(),
				code: entry.code.clone(),
				requested: show(requested.min_width),
				registry: show(entry.min_width),
			});
		}
	}
	Ok(())
}

/// The result of `holder register-key`.
#[derive(Serialize)]
pub struct HolderKeyReport {
	pub account: String,
	/// BLAKE2-256 of the key, as the chain records it.
	pub key_hash: String,
	/// Whether this call registered it (false: the chain already had this key).
	pub registered: bool,
	/// The block of the registration, when there was one.
	pub block: Option<u64>,
}

/// Registers the holder's Paillier key with its proofs, unless the chain already has exactly
/// this key for the account (a holder registers once and reuses the key in every session).
pub async fn register_holder_key(ctx: &Context, signer: &Signer) -> Result<HolderKeyReport, OpError> {
	let keypair = load_keypair(&ctx.state, signer)?;
	let key = keypair.public().to_bytes();
	let key_hash = hex32(&sp_crypto_hashing::blake2_256(&key));
	let account = signer.address();
	if ctx.chain.holder_key(&signer.account()).await?.is_some_and(|registered| registered.key.as_bytes() == key.as_slice()) {
		return Ok(HolderKeyReport { account, key_hash, registered: false, block: None });
	}
	let registration = key_registration(ctx, signer, &keypair)?;
	let included = submit(ctx, signer, Call::RegisterHolderKey { registration }).await?;
	Ok(HolderKeyReport { account, key_hash, registered: true, block: Some(included.block) })
}

fn load_session_secrets(ctx: &Context, session_id: u64, nonce: &[u8; 32]) -> Result<SessionSecrets, OpError> {
	let path = ctx.state.session_path(&ctx.genesis(), session_id);
	let secrets: SessionSecrets = ctx.state.require(
		&path,
		&format!("local secrets of session {session_id}"),
		"only the holder who opened the session has them, in the state directory it used (--state-dir)",
	)?;
	if secrets.nonce != hex32(nonce) {
		return Err(OpError::StaleSecrets { path: path.display().to_string(), what: "session", id: session_id });
	}
	Ok(secrets)
}

/// Encrypts the values under the holder's key, `batch` at a time so that the bar moves.
pub fn encrypt_with_progress(progress: &Progress, keypair: &Keypair, values: &[u32]) -> Vec<Ciphertext> {
	let bar = progress.bar(values.len() as u64, "encrypting the values under the holder's key");
	let batch = (values.len() / 20).max(1);
	let mut rng = rand_010::rng();
	let mut out = Vec::with_capacity(values.len());
	for part in values.chunks(batch) {
		// Each value in its own comparison slot: the index counts across batches.
		out.extend(compare::encrypt_values_from(keypair, part, out.len(), &mut rng));
		bar.inc(part.len() as u64);
	}
	bar.finish_and_clear();
	out
}

/// Submits the holder's encrypted values (step 4) under its registered key, registering the
/// key first if the chain does not have it yet.
pub async fn submit_data(ctx: &Context, signer: &Signer, session_id: u64) -> Result<StepReport, OpError> {
	let session = ctx.chain.require_session(session_id).await?;
	let secrets = load_session_secrets(ctx, session_id, &session.nonce)?;
	let keypair = load_keypair(&ctx.state, signer)?;
	register_holder_key(ctx, signer).await?;
	let values: Vec<u32> = secrets.values.iter().map(|(_, _, v)| *v).collect();
	let ciphertexts = encrypt_with_progress(&ctx.progress, &keypair, &values);
	let context = LinkContext {
		genesis_hash: ctx.chain.genesis_hash(),
		holder: signer.account().0,
		request_id: session.request_id,
		session_id,
	};
	let link_proof = prove_link(&ctx.progress, &keypair, context, &values, &ciphertexts, &secrets.blindings, &session.data_commitments)?;
	let call = Call::SubmitEncryptedData {
		session_id,
		ciphertexts: ciphertexts.iter().map(|c| c.to_bytes(keypair.public())).collect(),
		link_proof,
	};
	Ok(step_report(signer, submit(ctx, signer, call).await?))
}

/// The holder's link proof (Pi^link, PROTOCOL.md 9.2): its ciphertexts hold exactly the
/// values its eligibility proofs committed to, one bar step per chunk.
pub fn prove_link(
	progress: &Progress,
	keypair: &Keypair,
	context: LinkContext,
	values: &[u32],
	ciphertexts: &[Ciphertext],
	blindings: &[String],
	commitments: &[[u8; 32]],
) -> Result<Vec<u8>, OpError> {
	let blindings: Vec<[u8; 32]> = blindings
		.iter()
		.map(|b| hex::decode(b).ok().and_then(|bytes| bytes.try_into().ok()))
		.collect::<Option<_>>()
		.ok_or_else(|| OpError::LinkProve("a stored blinding is not 32 bytes of hex".into()))?;
	let chunks = medshare_zk::statement::chunk_count(values.len());
	let bar = progress.bar(chunks as u64, "proving the ciphertexts hold the committed values");
	let proof = medshare_zk::link::prove(keypair, context, values, ciphertexts, &blindings, commitments, &mut rand_010::rng(), |done, _| {
		bar.set_position(done as u64)
	})
	.map_err(|e| OpError::LinkProve(e.to_string()))?;
	bar.finish_and_clear();
	Ok(proof)
}

/// The institution's check before step 5: the holder's link proof, read from its extrinsic,
/// verifies for the ciphertexts in state and the session's commitments.
async fn check_link_proof(ctx: &Context, session_id: u64, session: &Session, holder_key: &PublicKey, values: &[Ciphertext]) -> Result<(), OpError> {
	let (submitted, proof) = ctx.chain.link_proof(session_id, session).await?;
	let in_state: Vec<Vec<u8>> = values.iter().map(|c| c.to_bytes(holder_key)).collect();
	if submitted != in_state {
		return Err(OpError::BadChainData(format!("session {session_id}: the submitted ciphertexts differ from those in state")));
	}
	let context = LinkContext {
		genesis_hash: ctx.chain.genesis_hash(),
		holder: session.holder.0,
		request_id: session.request_id,
		session_id,
	};
	let statement = LinkStatement { context, public_key: holder_key, ciphertexts: values, commitments: &session.data_commitments };
	let mut seed = [0u8; 32];
	rand_010::rng().fill_bytes(&mut seed);
	let spinner = ctx.progress.spinner("verifying the holder's link proof".to_string());
	let verdict = medshare_zk::link::verify(&statement, &proof, &seed);
	spinner.finish_and_clear();
	verdict.map_err(|e| OpError::LinkRefused { session_id, error: e.to_string() })
}

/// The result of `holder result`.
#[derive(Serialize)]
pub struct HolderResultReport {
	#[serde(flatten)]
	pub step: StepReport,
	/// The holder's own -1/0/1 (it learns them; PROTOCOL.md 5).
	pub outcomes: Vec<OutcomeRow>,
}

/// Opens the comparison, converts it to -1/0/1 and submits them encrypted under the
/// institution's key (steps 6-7).
pub async fn holder_result(ctx: &Context, signer: &Signer, session_id: u64) -> Result<HolderResultReport, OpError> {
	let session = ctx.chain.require_session(session_id).await?;
	let mut secrets = load_session_secrets(ctx, session_id, &session.nonce)?;
	let request = ctx.chain.require_request(session.request_id).await?;
	let payload = ctx.chain.payload(session_id).await?.filter(|p| !p.comparison.is_empty()).ok_or(
		OpError::SessionState { session_id, state: session.state, needed: "Compared (the institution runs medshare institution compare)" },
	)?;
	let keypair = load_keypair(&ctx.state, signer)?;
	if payload.holder_key.key != keypair.public().to_encoded() {
		return Err(OpError::SessionKeyMismatch { session_id });
	}
	let packed = keypair
		.public()
		.ciphertexts_from_bytes(payload.comparison.iter().map(|c| c.as_bytes()))
		.map_err(|e| OpError::BadChainData(format!("comparison: {e:?}")))?;
	let data = keypair
		.public()
		.ciphertexts_from_bytes(payload.encrypted_data.iter().map(|c| c.as_bytes()))
		.map_err(|e| OpError::BadChainData(format!("encrypted data: {e:?}")))?;
	// Nothing is decrypted before the proof verifies.
	check_comparison_proof(ctx, session_id, &session, &request.institution, &payload.holder_key, keypair.public(), &data, &packed)
		.await?;
	let outcomes = compare::unpack(&keypair, &packed, secrets.values.len()).map_err(|e| OpError::Compare(e.to_string()))?;
	let institution = ctx.chain.institution(&request.institution).await?;
	let registered = institution
		.and_then(|i| i.public_key)
		.ok_or_else(|| OpError::InstitutionKeyMissing(request.institution.to_string()))?;
	let institution_key = PublicKey::from_encoded(&registered.key).map_err(|e| OpError::BadChainData(format!("institution key: {e:?}")))?;
	let result = compare::encrypt_outcomes(&institution_key, &outcomes, &mut rand_010::rng());
	let call = Call::SubmitResult { session_id, ciphertexts: result.iter().map(|c| c.to_bytes(&institution_key)).collect() };
	let included = submit_waiting(ctx, signer, call, Wait::Finality).await?;
	secrets.outcomes = Some(outcomes.iter().map(|o| o.as_i8()).collect());
	ctx.state.write(&ctx.state.session_path(&ctx.genesis(), session_id), &secrets)?;
	let registry = ctx.chain.registry().await?;
	let rows = secrets
		.values
		.iter()
		.zip(&outcomes)
		.map(|((id, code, _), o)| OutcomeRow {
			id: *id,
			code: code.clone(),
			name: registry.iter().find(|e| e.id == *id).map(|e| e.name.clone()).unwrap_or_default(),
			outcome: o.as_i8(),
		})
		.collect();
	Ok(HolderResultReport { step: step_report(signer, included), outcomes: rows })
}

#[cfg(test)]
mod tests {
	use super::*;

	fn temperature(min_width: u32) -> RegistryEntry {
		RegistryEntry { min_width, ..RegistryEntry::temperature_for_tests() }
	}

	#[test]
	fn a_request_narrower_than_the_registry_is_not_joined() {
		let asked = |min_width| [RequestedIndicator { id: 0, min_width }];
		assert!(check_min_widths(7, &asked(50), &[temperature(50)]).is_ok());
		assert!(check_min_widths(7, &asked(80), &[temperature(50)]).is_ok());
		let refused = check_min_widths(7, &asked(49), &[temperature(50)]).unwrap_err();
		assert!(matches!(&refused, OpError::MinWidthBelowRegistry { request_id: 7, requested, registry, .. }
			if requested == "0.49 Cel" && registry == "0.50 Cel"), "{refused}");
		assert!(refused.to_string().contains("does not join it"));
		assert!(matches!(
			check_min_widths(7, &[RequestedIndicator { id: 3, min_width: 50 }], &[temperature(50)]),
			Err(OpError::UnknownIndicator { request_id: 7, id: 3 })
		));
	}
}
