//! `medshare serve`: a local portal for one signer, the first part of issue 17. An HTTP server
//! (axum) on a loopback address answers the page's calls with the same library functions as the
//! command line (`crate::ops`, `crate::history`, `crate::report`), so keys and secrets stay in
//! the state directory where the CLI keeps them; the page receives only what the CLI would print.
//!
//! Access: every request must carry the one-time token printed with the URL (query `token=` or
//! header `x-medshare-token`), as notebook servers do, because anything else on the machine can
//! reach a loopback port. The server refuses a non-loopback address unless told otherwise.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use crate::ops::{self, Context, OpError};
use crate::signer::Signer;

/// The page, built into the binary: no fetches beyond this server at run time.
const INDEX: &str = include_str!("../portal/index.html");

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

/// What every handler shares: the chain and state, the signer, the access token.
pub struct Portal {
	pub ctx: Context,
	pub signer: Signer,
	pub token: String,
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
	Router::new()
		.route("/", get(index))
		.route("/api/whoami", get(whoami))
		.route("/api/registry", get(registry))
		.route("/api/requests", get(requests))
		.route("/api/history", get(history))
		.route("/api/report/{request}", get(report))
		.route("/api/import", post(import))
		.route("/api/keygen", post(keygen))
		.route("/api/holder/register-key", post(register_holder_key))
		.route("/api/holder/join/{request}", post(join))
		.route("/api/holder/submit-data/{session}", post(submit_data))
		.route("/api/holder/answer/{session}", post(answer))
		.route("/api/holder/withdraw/{session}", post(withdraw))
		.route("/api/institution/register", post(register_institution))
		.route("/api/institution/request", post(create_request))
		.route("/api/institution/compare/{session}", post(compare))
		.route("/api/institution/results/{session}", get(results))
		.route("/api/report/{request}/chart.svg", get(chart))
		.layer(middleware::from_fn_with_state(portal.clone(), require_token))
		.with_state(portal)
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
			OpError::Import(_) | OpError::Read { .. } => StatusCode::BAD_REQUEST,
			OpError::Chain(crate::chain::ChainError::Connect { .. } | crate::chain::ChainError::Rpc(_)) => StatusCode::BAD_GATEWAY,
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

async fn index() -> Response {
	let mut response = Html(INDEX).into_response();
	// The page loads nothing from elsewhere; say so to the browser too.
	response.headers_mut().insert(
		header::CONTENT_SECURITY_POLICY,
		HeaderValue::from_static("default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:"),
	);
	response
}

#[derive(Serialize)]
struct WhoAmI {
	account: String,
	genesis: String,
	node: String,
}

async fn whoami(State(portal): State<Arc<Portal>>) -> Json<WhoAmI> {
	Json(WhoAmI { account: portal.signer.address(), genesis: portal.ctx.chain.genesis(), node: portal.ctx.chain.url.clone() })
}

async fn registry(State(portal): State<Arc<Portal>>) -> Result<Json<Vec<crate::registry::RegistryEntry>>, ApiError> {
	Ok(Json(portal.ctx.chain.registry().await?))
}

/// One indicator of an open request, in words.
#[derive(Serialize)]
struct RequestedInWords {
	code: String,
	name: String,
	unit: String,
	/// The narrowest hidden range the institution may use, in the indicator's unit.
	min_width: String,
}

#[derive(Serialize)]
struct RequestInWords {
	request_id: u64,
	institution: String,
	indicators: Vec<RequestedInWords>,
	status: String,
	expires_at: u32,
	open_sessions: u32,
}

async fn requests(State(portal): State<Arc<Portal>>) -> Result<Json<Vec<RequestInWords>>, ApiError> {
	let registry = portal.ctx.chain.registry().await?;
	let requests = portal.ctx.chain.requests().await?;
	Ok(Json(
		requests
			.into_iter()
			.map(|(request_id, request)| RequestInWords {
				request_id,
				institution: request.institution.to_string(),
				indicators: request
					.indicators
					.iter()
					.map(|i| match registry.iter().find(|e| e.id == i.id) {
						Some(e) => RequestedInWords {
							code: e.code.clone(),
							name: e.name.clone(),
							unit: e.unit.clone(),
							min_width: e.display_value(i.min_width),
						},
						None => RequestedInWords { code: i.id.to_string(), name: String::new(), unit: String::new(), min_width: i.min_width.to_string() },
					})
					.collect(),
				status: format!("{:?}", request.status),
				expires_at: request.expires_at,
				open_sessions: request.open_sessions,
			})
			.collect(),
	))
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
async fn keygen(State(portal): State<Arc<Portal>>) -> Result<Json<ops::KeygenReport>, ApiError> {
	Ok(Json(ops::keygen(&portal.ctx.state, portal.ctx.progress, &portal.signer, false, true)?))
}

async fn register_holder_key(State(portal): State<Arc<Portal>>) -> Result<Json<ops::HolderKeyReport>, ApiError> {
	Ok(Json(ops::register_holder_key(&portal.ctx, &portal.signer).await?))
}

async fn join(State(portal): State<Arc<Portal>>, Path(request): Path<u64>) -> Result<Json<ops::JoinReport>, ApiError> {
	Ok(Json(ops::join(&portal.ctx, &portal.signer, request).await?))
}

async fn submit_data(State(portal): State<Arc<Portal>>, Path(session): Path<u64>) -> Result<Json<ops::StepReport>, ApiError> {
	Ok(Json(ops::submit_data(&portal.ctx, &portal.signer, session).await?))
}

async fn answer(State(portal): State<Arc<Portal>>, Path(session): Path<u64>) -> Result<Json<ops::HolderResultReport>, ApiError> {
	Ok(Json(ops::holder_result(&portal.ctx, &portal.signer, session).await?))
}

async fn withdraw(State(portal): State<Arc<Portal>>, Path(session): Path<u64>) -> Result<Json<ops::StepReport>, ApiError> {
	Ok(Json(ops::withdraw(&portal.ctx, &portal.signer, session).await?))
}

/// The body is the institution's description for people.
async fn register_institution(State(portal): State<Arc<Portal>>, metadata: String) -> Result<Json<ops::StepReport>, ApiError> {
	Ok(Json(ops::register_institution(&portal.ctx, &portal.signer, &metadata).await?))
}

/// The body is a request file (docs/CLIENT.md), checked against the registry before anything
/// is sent.
async fn create_request(State(portal): State<Arc<Portal>>, file: String) -> Result<Json<ops::RequestReport>, ApiError> {
	Ok(Json(ops::create_request(&portal.ctx, &portal.signer, &file).await?))
}

async fn compare(State(portal): State<Arc<Portal>>, Path(session): Path<u64>) -> Result<Json<ops::StepReport>, ApiError> {
	Ok(Json(ops::compare(&portal.ctx, &portal.signer, session).await?))
}

async fn results(State(portal): State<Arc<Portal>>, Path(session): Path<u64>) -> Result<Json<ops::ResultsReport>, ApiError> {
	Ok(Json(ops::results(&portal.ctx, &portal.signer, session).await?))
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
