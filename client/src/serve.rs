//! `medshare serve`: a local portal for one signer. An HTTP server (axum) on a loopback address
//! answers the page's calls with the same library functions as the command line (`crate::ops`,
//! `crate::history`, `crate::report`), so keys and secrets stay in the state directory where the
//! CLI keeps them; the page receives only what the CLI would print.
//!
//! Access: every request must carry the one-time token printed with the URL (query `token=` or
//! header `x-medshare-token`), as notebook servers do, because anything else on the machine can
//! reach a loopback port. The server refuses a non-loopback address unless told otherwise.
//!
//! Steps run as jobs ([`Job`]): a `POST` answers `202 {"job": id}` at once, the step runs one at
//! a time (they share the signer's nonce and state files), and the page follows its progress
//! over server-sent events at `/api/jobs/{id}/events`. Scripts may add `?wait` to get the step's
//! result as the answer instead.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::ops::{self, Context, OpError};
use crate::progress::{Observer, Progress, Snapshot};
use crate::signer::Signer;

/// The page, built into the binary: no fetches beyond this server at run time.
const INDEX: &str = include_str!("../portal/index.html");
const SCRIPT: &str = include_str!("../portal/app.js");
const STYLE: &str = include_str!("../portal/style.css");

/// Only this server's own files: no inline script, nothing fetched from elsewhere.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
	#[error("refusing to listen on {0}: the portal acts with the signer's keys, so it listens on a loopback address (127.0.0.1 or [::1]) unless --allow-remote is given; then put it behind TLS and access control of your own")]
	NotLoopback(SocketAddr),
	#[error("cannot listen on {addr}: {error}")]
	Bind { addr: SocketAddr, error: std::io::Error },
	#[error("the portal stopped: {0}")]
	Stopped(std::io::Error),
}

/// Refuses an address other than loopback unless `allow_remote`.
pub fn check_listen(addr: SocketAddr, allow_remote: bool) -> Result<(), ServeError> {
	if addr.ip().is_loopback() || allow_remote {
		Ok(())
	} else {
		Err(ServeError::NotLoopback(addr))
	}
}

/// What every handler shares: the chain and state, the signer, the access token, the jobs.
pub struct Portal {
	pub ctx: Context,
	pub signer: Signer,
	pub token: String,
	jobs: Mutex<BTreeMap<u64, Arc<Job>>>,
	next_job: AtomicU64,
	/// One step at a time: a signer's steps share its nonce and its state files.
	steps: tokio::sync::Mutex<()>,
}

impl Portal {
	/// A portal for `signer` with a fresh token.
	pub fn new(ctx: Context, signer: Signer) -> Portal {
		Portal {
			ctx,
			signer,
			token: new_token(),
			jobs: Mutex::new(BTreeMap::new()),
			next_job: AtomicU64::new(1),
			steps: tokio::sync::Mutex::new(()),
		}
	}
}

/// How many finished jobs the portal remembers (a page asks for a job's outcome soon after).
const KEPT_JOBS: usize = 64;

/// One step run for the page.
pub struct Job {
	step: String,
	observer: Arc<Observer>,
	outcome: tokio::sync::watch::Sender<Option<Outcome>>,
}

/// How a job ended.
#[derive(Clone, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
enum Outcome {
	Done { result: serde_json::Value },
	Failed { error: String, kind: Option<String>, status: u16 },
}

/// What `GET /api/jobs/{id}` answers.
#[derive(Serialize)]
struct JobView {
	id: u64,
	step: String,
	progress: Option<Snapshot>,
	#[serde(flatten)]
	outcome: Option<Outcome>,
}

impl Job {
	fn view(&self, id: u64) -> JobView {
		JobView { id, step: self.step.clone(), progress: self.observer.snapshot(), outcome: self.outcome.borrow().clone() }
	}
}

/// `?wait`: answer with the step's result rather than its job.
#[derive(Deserialize)]
struct StepQuery {
	wait: Option<String>,
}

/// Starts `work` as a job on a thread of its own (proving keeps a core busy for minutes), one
/// step at a time, with its progress observed; answers `202 {"job": id}`, or the outcome itself
/// when the query says `wait`.
async fn start<F, R>(portal: &Arc<Portal>, step: String, query: StepQuery, work: impl FnOnce(Arc<Portal>, Context) -> F) -> Response
where
	F: Future<Output = Result<R, OpError>> + Send + 'static,
	R: Serialize,
{
	let observer = Arc::new(Observer::default());
	let (outcome, mut finished) = tokio::sync::watch::channel(None);
	let job = Arc::new(Job { step, observer: observer.clone(), outcome });
	let id = portal.next_job.fetch_add(1, Ordering::Relaxed);
	if let Ok(mut jobs) = portal.jobs.lock() {
		jobs.insert(id, job.clone());
		while jobs.len() > KEPT_JOBS {
			let oldest_done = jobs.iter().find(|(_, j)| j.outcome.borrow().is_some()).map(|(id, _)| *id);
			match oldest_done {
				Some(old) => jobs.remove(&old),
				None => break,
			};
		}
	}
	let mut ctx = portal.ctx.clone();
	ctx.progress = Progress::observed(observer);
	let running = work(portal.clone(), ctx);
	let portal = portal.clone();
	let handle = tokio::runtime::Handle::current();
	tokio::task::spawn_blocking(move || {
		let ended = handle.block_on(async {
			let _turn = match portal.steps.try_lock() {
				Ok(turn) => turn,
				Err(_) => {
					let spinner = Progress::observed(job.observer.clone()).spinner("waiting for the step before this one to finish");
					let turn = portal.steps.lock().await;
					spinner.finish_and_clear();
					turn
				},
			};
			running.await
		});
		let outcome = match ended.map(|r| serde_json::to_value(r)) {
			Ok(Ok(result)) => Outcome::Done { result },
			Ok(Err(error)) => Outcome::Failed { error: format!("the step's result cannot be shown: {error}"), kind: None, status: 500 },
			Err(error) => {
				let ApiError(status, error) = ApiError::from(error);
				Outcome::Failed { error: error.to_string(), kind: error.kind().map(str::to_string), status: status.as_u16() }
			},
		};
		job.outcome.send_replace(Some(outcome));
	});
	if query.wait.is_none() {
		return (StatusCode::ACCEPTED, Json(serde_json::json!({ "job": id, "events": format!("/api/jobs/{id}/events") }))).into_response();
	}
	let outcome = match finished.wait_for(Option::is_some).await {
		Ok(outcome) => outcome.clone(),
		Err(_) => None,
	};
	match outcome {
		Some(Outcome::Done { result }) => Json(result).into_response(),
		Some(Outcome::Failed { error, kind, status }) => (
			StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
			Json(serde_json::json!({ "error": error, "kind": kind })),
		)
			.into_response(),
		None => (StatusCode::INTERNAL_SERVER_ERROR, Json(serde_json::json!({ "error": "the step stopped without an outcome", "kind": null }))).into_response(),
	}
}

fn find_job(portal: &Portal, id: u64) -> Result<Arc<Job>, Response> {
	portal.jobs.lock().ok().and_then(|jobs| jobs.get(&id).cloned()).ok_or_else(|| {
		(StatusCode::NOT_FOUND, Json(serde_json::json!({ "error": format!("there is no job {id} (the portal forgets old jobs, and a restarted portal all of them)"), "kind": "NoSuchJob" })))
			.into_response()
	})
}

async fn job(State(portal): State<Arc<Portal>>, Path(id): Path<u64>) -> Response {
	match find_job(&portal, id) {
		Ok(job) => Json(job.view(id)).into_response(),
		Err(refusal) => refusal,
	}
}

/// The job's progress as server-sent events: `progress` when it changes, then one `done` or
/// `failed` with the outcome, and the stream ends.
async fn job_events(State(portal): State<Arc<Portal>>, Path(id): Path<u64>) -> Response {
	let job = match find_job(&portal, id) {
		Ok(job) => job,
		Err(refusal) => return refusal,
	};
	let start = (job, None::<Snapshot>, false);
	let events = futures::stream::unfold(start, |(job, last, ended)| async move {
		if ended {
			return None;
		}
		let mut outcomes = job.outcome.subscribe();
		loop {
			if let Some(outcome) = outcomes.borrow_and_update().clone() {
				let name = match outcome {
					Outcome::Done { .. } => "done",
					Outcome::Failed { .. } => "failed",
				};
				let event = Event::default().event(name).json_data(&outcome);
				return Some((event, (job, last, true)));
			}
			let now = job.observer.snapshot();
			if now.is_some() && now != last {
				let event = Event::default().event("progress").json_data(&now);
				return Some((event, (job, now, false)));
			}
			let _ = tokio::time::timeout(Duration::from_millis(250), outcomes.changed()).await;
		}
	});
	Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// A fresh access token: 32 random bytes, hex.
pub fn new_token() -> String {
	use rand_010::Rng;
	let mut bytes = [0u8; 32];
	rand_010::rng().fill_bytes(&mut bytes);
	hex::encode(bytes)
}

/// The portal's routes, behind the token check.
pub fn router(portal: Arc<Portal>) -> Router {
	// The script and the style sheet are the same for everyone and hold nothing of the signer's,
	// so the browser may load them without the token; everything else needs it.
	let assets = Router::new()
		.route("/app.js", get(script))
		.route("/style.css", get(style))
		.route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }));
	let guarded = Router::new()
		.route("/", get(index))
		.route("/api/whoami", get(whoami))
		.route("/api/registry", get(registry))
		.route("/api/requests", get(requests))
		.route("/api/history", get(history))
		.route("/api/report/{request}", get(report))
		.route("/api/jobs/{id}", get(job))
		.route("/api/jobs/{id}/events", get(job_events))
		.route("/api/import", post(import))
		.route("/api/holder/data", get(holder_data))
		.route("/api/institution/requests", get(institution_requests))
		.route("/api/institution/check-request", post(check_request))
		.route("/api/keygen", post(keygen))
		.route("/api/holder/register-key", post(register_holder_key))
		.route("/api/holder/join/{request}", post(join))
		.route("/api/holder/submit-data/{session}", post(submit_data))
		.route("/api/holder/answer/{session}", post(answer))
		.route("/api/holder/withdraw/{session}", post(withdraw))
		.route("/api/institution/register", post(register_institution))
		.route("/api/institution/request", post(create_request))
		.route("/api/institution/compare/{session}", post(compare))
		.route("/api/institution/results/{session}", post(results))
		.route("/api/report/{request}/chart.svg", get(chart))
		.layer(middleware::from_fn_with_state(portal.clone(), require_token))
		.with_state(portal);
	assets.merge(guarded)
}

/// Binds `addr` (after [`check_listen`]) and serves until the process ends; `on_ready` gets
/// the bound address (port 0 picks a free one).
pub async fn serve(portal: Arc<Portal>, addr: SocketAddr, allow_remote: bool, on_ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
	check_listen(addr, allow_remote)?;
	let listener = tokio::net::TcpListener::bind(addr).await.map_err(|error| ServeError::Bind { addr, error })?;
	let bound = listener.local_addr().map_err(|error| ServeError::Bind { addr, error })?;
	on_ready(bound);
	axum::serve(listener, router(portal)).await.map_err(ServeError::Stopped)
}

/// Equal in time whatever the inputs share, so the token cannot be guessed byte by byte.
fn same_token(given: &[u8], token: &[u8]) -> bool {
	given.len() == token.len() && given.iter().zip(token).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

async fn require_token(State(portal): State<Arc<Portal>>, request: Request, next: Next) -> Response {
	let from_header = request.headers().get("x-medshare-token").and_then(|v| v.to_str().ok()).map(str::to_string);
	let from_query = request
		.uri()
		.query()
		.and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("token=")))
		.map(str::to_string);
	match from_header.or(from_query) {
		Some(given) if same_token(given.as_bytes(), portal.token.as_bytes()) => next.run(request).await,
		_ => (
			StatusCode::UNAUTHORIZED,
			Json(serde_json::json!({
				"error": "this portal needs the access token printed when it started: open the URL medshare serve printed",
				"kind": "Unauthorized",
			})),
		)
			.into_response(),
	}
}

/// An error as the page shows it: the message says what to do, `kind` names it.
struct ApiError(StatusCode, OpError);

impl From<OpError> for ApiError {
	fn from(error: OpError) -> Self {
		let status = match &error {
			OpError::Import(_) | OpError::Read { .. } | OpError::RequestFile(_) => StatusCode::BAD_REQUEST,
			OpError::Chain(
				crate::chain::ChainError::Connect { .. } | crate::chain::ChainError::Rpc(_) | crate::chain::ChainError::WrongChain { .. },
			) => StatusCode::BAD_GATEWAY,
			OpError::Chain(crate::chain::ChainError::BlockFull(_)) => StatusCode::SERVICE_UNAVAILABLE,
			OpError::Chain(crate::chain::ChainError::StaleNonce(_)) => StatusCode::CONFLICT,
			_ => StatusCode::UNPROCESSABLE_ENTITY,
		};
		ApiError(status, error)
	}
}

impl From<crate::chain::ChainError> for ApiError {
	fn from(error: crate::chain::ChainError) -> Self {
		OpError::from(error).into()
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		(self.0, Json(serde_json::json!({ "error": self.1.to_string(), "kind": self.1.kind() }))).into_response()
	}
}

/// One of the portal's own files, with the policy that keeps the page to this server.
fn asset(content_type: &'static str, body: &'static str) -> Response {
	let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
	let headers = response.headers_mut();
	headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
	headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
	// The URL carries the token: never send it on as a referrer.
	headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
	headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
	response
}

async fn index() -> Response {
	asset("text/html; charset=utf-8", INDEX)
}

async fn script() -> Response {
	asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
	asset("text/css; charset=utf-8", STYLE)
}

/// Who the signer is on this chain, and where the chain stands (the page turns block numbers
/// into dates with `head` and `block_ms`).
#[derive(Serialize)]
struct WhoAmI {
	account: String,
	genesis: String,
	node: String,
	#[serde(flatten)]
	clock: crate::chain::Clock,
	/// Whether the account is an approved institution (the page opens on the institution's
	/// pages then, else on the holder's).
	institution: bool,
	/// Whether the chain has the signer's Paillier key (as institution or holder).
	key_registered: bool,
	/// Whether this state directory has a Paillier key for the signer.
	key_local: bool,
}

async fn whoami(State(portal): State<Arc<Portal>>) -> Result<Json<WhoAmI>, ApiError> {
	let chain = &portal.ctx.chain;
	let account = portal.signer.account();
	let institution = chain.institution(&account).await?;
	let key_registered = match &institution {
		Some(institution) => institution.public_key.is_some(),
		None => chain.holder_key(&account).await?.is_some(),
	};
	Ok(Json(WhoAmI {
		account: portal.signer.address(),
		genesis: chain.genesis(),
		node: chain.url.clone(),
		clock: chain.clock().await?,
		institution: institution.is_some(),
		key_registered,
		key_local: portal.ctx.state.key_path(&portal.signer.address()).exists(),
	}))
}

async fn registry(State(portal): State<Arc<Portal>>) -> Result<Json<Vec<crate::registry::RegistryEntry>>, ApiError> {
	Ok(Json(portal.ctx.chain.registry().await?))
}

async fn requests(State(portal): State<Arc<Portal>>) -> Result<Json<Vec<ops::RequestInWords>>, ApiError> {
	Ok(Json(ops::requests(&portal.ctx).await?))
}

/// One session of the institution's request, as its page lists it.
#[derive(Serialize)]
struct SessionLine {
	session_id: u64,
	holder: String,
	state: String,
	updated_at: u32,
	/// Whether this state directory has the session's decrypted -1/0/1.
	decrypted: bool,
}

/// One of the institution's requests with its sessions.
#[derive(Serialize)]
struct OwnRequest {
	#[serde(flatten)]
	request: ops::RequestInWords,
	sessions: Vec<SessionLine>,
}

/// The signer's requests with their sessions, newest first.
async fn institution_requests(State(portal): State<Arc<Portal>>) -> Result<Json<Vec<OwnRequest>>, ApiError> {
	let me = portal.signer.address();
	let genesis = portal.ctx.chain.genesis();
	let sessions = portal.ctx.chain.sessions().await?;
	let mut own: Vec<OwnRequest> = ops::requests(&portal.ctx)
		.await?
		.into_iter()
		.filter(|r| r.institution == me)
		.map(|request| OwnRequest {
			sessions: sessions
				.iter()
				.filter(|(_, s)| s.request_id == request.request_id)
				.map(|(id, s)| SessionLine {
					session_id: *id,
					holder: s.holder.to_string(),
					state: format!("{:?}", s.state),
					updated_at: s.updated_at,
					decrypted: portal.ctx.state.result_path(&genesis, *id).exists(),
				})
				.collect(),
			request,
		})
		.collect();
	own.reverse();
	Ok(Json(own))
}

/// The imported values of the signer, if any (`holder import`'s result, kept in the state).
async fn holder_data(State(portal): State<Arc<Portal>>) -> Result<Json<Option<crate::state::HolderData>>, ApiError> {
	let path = portal.ctx.state.holder_path(&portal.signer.address());
	Ok(Json(portal.ctx.state.read(&path).map_err(OpError::from)?))
}

async fn history(State(portal): State<Arc<Portal>>) -> Result<Json<Vec<crate::history::HistoryRow>>, ApiError> {
	Ok(Json(crate::history::history(&portal.ctx, &portal.signer).await?))
}

async fn report(State(portal): State<Arc<Portal>>, Path(request): Path<u64>) -> Result<Json<crate::report::CohortReport>, ApiError> {
	Ok(Json(crate::report::report(&portal.ctx, &portal.signer, request).await?))
}

/// The uploaded FHIR file, imported as `holder import` does.
async fn import(State(portal): State<Arc<Portal>>, body: String) -> Result<Json<ops::ImportReport>, ApiError> {
	let registry = portal.ctx.chain.registry().await?;
	Ok(Json(ops::import(&portal.ctx.state, &portal.signer, &registry, "uploaded file", &body)?))
}

/// The signer's Paillier key pair, made once and kept (as `keygen` without `--force`).
async fn keygen(State(portal): State<Arc<Portal>>, query: Query<StepQuery>) -> Response {
	start(&portal, "keygen".into(), query.0, |portal, ctx| async move {
		ops::keygen(&ctx.state, &ctx.progress, &portal.signer, false, true)
	})
	.await
}

/// The holder's key: made if there is none yet, then registered with its proofs unless the
/// chain already has it.
async fn register_holder_key(State(portal): State<Arc<Portal>>, query: Query<StepQuery>) -> Response {
	start(&portal, "register-key".into(), query.0, |portal, ctx| async move {
		ops::keygen(&ctx.state, &ctx.progress, &portal.signer, false, true)?;
		ops::register_holder_key(&ctx, &portal.signer).await
	})
	.await
}





/// A handler that runs `$op(ctx, signer, id)` as a job, with the id from the route.
macro_rules! step_on {
	($handler:ident, $label:literal, $op:path) => {
		async fn $handler(State(portal): State<Arc<Portal>>, Path(id): Path<u64>, query: Query<StepQuery>) -> Response {
			start(&portal, format!($label, id), query.0, move |portal, ctx| async move { $op(&ctx, &portal.signer, id).await }).await
		}
	};
}

step_on!(join, "join request {}", ops::join);
step_on!(submit_data, "submit data of session {}", ops::submit_data);
step_on!(answer, "answer session {}", ops::holder_result);
step_on!(withdraw, "withdraw session {}", ops::withdraw);
step_on!(compare, "compare session {}", ops::compare);
// Decrypting waits for finality, so it is a job too.
step_on!(results, "results of session {}", ops::results);

/// The body is the institution's description for people. The key is made if there is none.
async fn register_institution(State(portal): State<Arc<Portal>>, query: Query<StepQuery>, metadata: String) -> Response {
	start(&portal, "register institution".into(), query.0, move |portal, ctx| async move {
		ops::keygen(&ctx.state, &ctx.progress, &portal.signer, false, true)?;
		ops::register_institution(&ctx, &portal.signer, &metadata).await
	})
	.await
}

/// A request file checked against the registry, as the page's form sends it: nothing goes to
/// the chain. Answers the indicators resolved, or the file's error (400).
async fn check_request(State(portal): State<Arc<Portal>>, file: String) -> Result<Json<Vec<ops::RequestRow>>, ApiError> {
	let registry = portal.ctx.chain.registry().await?;
	Ok(Json(ops::check_request_file(&registry, &file)?))
}

/// The body is a request file (docs/CLIENT.md). It is checked against the registry before the
/// job starts, so a bad form is refused at once (400) and nothing is proven or sent.
async fn create_request(State(portal): State<Arc<Portal>>, query: Query<StepQuery>, file: String) -> Response {
	let checked = async { ops::check_request_file(&portal.ctx.chain.registry().await?, &file) };
	if let Err(error) = checked.await {
		return ApiError::from(error).into_response();
	}
	start(&portal, "create request".into(), query.0, move |portal, ctx| async move {
		ops::create_request(&ctx, &portal.signer, &file).await
	})
	.await
}



/// The report's chart as SVG, drawn as `report --chart` draws it.
async fn chart(State(portal): State<Arc<Portal>>, Path(request): Path<u64>) -> Result<Response, ApiError> {
	let report = crate::report::report(&portal.ctx, &portal.signer, request).await?;
	let file = std::env::temp_dir().join(format!("medshare-chart-{}-{}.svg", std::process::id(), new_token()));
	crate::report::chart(&report, &file).map_err(OpError::from)?;
	let svg = std::fs::read_to_string(&file).map_err(|error| OpError::Read { path: file.display().to_string(), error });
	let _ = std::fs::remove_file(&file);
	Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg?).into_response())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_loopback_unless_allowed() {
		let at = |s: &str| s.parse::<SocketAddr>().unwrap();
		assert!(check_listen(at("127.0.0.1:0"), false).is_ok());
		assert!(check_listen(at("[::1]:8080"), false).is_ok());
		for outside in ["0.0.0.0:0", "192.168.1.5:8080", "[::]:0"] {
			let refused = check_listen(at(outside), false).unwrap_err();
			assert!(matches!(refused, ServeError::NotLoopback(_)), "{outside}");
			assert!(refused.to_string().contains("--allow-remote"), "{refused}");
			assert!(check_listen(at(outside), true).is_ok());
		}
	}

	#[test]
	fn tokens_are_fresh_and_compared_whole() {
		let (a, b) = (new_token(), new_token());
		assert_eq!(a.len(), 64);
		assert_ne!(a, b);
		assert!(same_token(a.as_bytes(), a.as_bytes()));
		assert!(!same_token(b.as_bytes(), a.as_bytes()));
		assert!(!same_token(&a.as_bytes()[..63], a.as_bytes()), "a prefix is not the token");
		assert!(!same_token(b"", a.as_bytes()));
	}
}
