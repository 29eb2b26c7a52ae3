//! `medshare demo`: one complete sharing session on a development chain, with Bob as the
//! institution (approved at genesis) and Charlie as the data holder, using the sample request
//! and FHIR bundle shipped in `client/samples/`. Each step goes through the same functions as
//! the individual commands.

use serde::Serialize;

use crate::history;
use crate::ops::{self, Context, OpError};
use crate::report::{self, CohortReport};
use crate::signer::Signer;
use crate::state::OutcomeRow;

/// The sample request the demo posts.
pub const SAMPLE_REQUEST: &str = include_str!("../samples/request.json");
/// The sample FHIR bundle the demo's holder imports.
pub const SAMPLE_BUNDLE: &str = include_str!("../samples/holder-bundle.json");

/// One step of the demo.
#[derive(Serialize, Clone)]
pub struct DemoStep {
	/// Who acted.
	pub actor: String,
	/// What happened.
	pub what: String,
	/// The block that recorded it; `None` for off-chain work.
	pub block: Option<u64>,
	/// Seconds since the demo started, when the step finished.
	pub elapsed: f64,
}

/// The whole demo.
#[derive(Serialize)]
pub struct DemoReport {
	pub request_id: u64,
	pub session_id: u64,
	pub steps: Vec<DemoStep>,
	/// The institution's decrypted -1/0/1 per indicator.
	pub outcomes: Vec<OutcomeRow>,
	/// The institution's report on the request afterwards.
	pub report: CohortReport,
	/// Where its chart was drawn.
	pub chart: String,
}

/// Runs the session, calling `on_step` as each step finishes.
pub async fn run(ctx: &Context, mut on_step: impl FnMut(&DemoStep)) -> Result<DemoReport, OpError> {
	let bob = Signer::from_uri("//Bob").expect("a development URI");
	let charlie = Signer::from_uri("//Charlie").expect("a development URI");
	let started = std::time::Instant::now();
	let mut steps = Vec::new();
	let mut step = |actor: &str, what: String, block: Option<u64>| {
		let s = DemoStep { actor: actor.to_string(), what, block, elapsed: started.elapsed().as_secs_f64() };
		on_step(&s);
		steps.push(s);
	};

	for (name, signer) in [("Bob", &bob), ("Charlie", &charlie)] {
		let key = ops::keygen(&ctx.state, &ctx.progress, signer, false, true)?;
		let how = if key.existing { "reused its" } else { "generated a" };
		step(name, format!("{how} {}-bit Paillier key pair ({})", key.bits, key.path), None);
	}

	// Bob's registration and request do not depend on Charlie's import and key registration:
	// the two run together (one proves while the other waits for its block), and their calls
	// can share a block.
	let institution_side = async {
		// Bob's key stays registered between demos on one chain: only a new key is sent.
		let on_chain = ctx.chain.institution(&bob.account()).await?.and_then(|i| i.public_key).map(|k| k.key);
		let registered = if on_chain == Some(ops::load_keypair(&ctx.state, &bob)?.public().to_encoded()) {
			None
		} else {
			Some(ops::register_institution(ctx, &bob, "MedShare demo institution (development chain)").await?)
		};
		let request = ops::create_request(ctx, &bob, SAMPLE_REQUEST).await?;
		Ok::<_, OpError>((registered, request))
	};
	let holder_side = async {
		let registry = ctx.chain.registry().await?;
		let imported = ops::import(&ctx.state, &charlie, &registry, "samples/holder-bundle.json", SAMPLE_BUNDLE)?;
		let holder_key = ops::register_holder_key(ctx, &charlie).await?;
		Ok::<_, OpError>((registry, imported, holder_key))
	};
	let ((registered, request), (registry, imported, holder_key)) = tokio::try_join!(institution_side, holder_side)?;
	match registered {
		Some(registered) => step(
			"Bob",
			"registered his Paillier public key PK_H with its proofs Pi^mod and Pi^prm (register_institution)".into(),
			Some(registered.block),
		),
		None => step("Bob", "reused his Paillier key PK_H, already registered with its proofs".into(), None),
	}
	let codes: Vec<String> = request.indicators.iter().map(|i| i.code.clone()).collect();
	step(
		"Bob",
		format!(
			"created request {} for {} with hidden ranges and a requirement proof (create_request; open until block {})",
			request.request_id,
			codes.join(", "),
			request.expires_at
		),
		Some(request.block),
	);
	step("Charlie", format!("imported {} values from the sample FHIR bundle (off chain)", imported.values.len()), None);
	step(
		"Charlie",
		if holder_key.registered {
			"registered her Paillier key PK_U with its proofs Pi^mod and Pi^prm (register_holder_key)".into()
		} else {
			"reused her Paillier key PK_U, already registered with its proofs".into()
		},
		holder_key.block,
	);

	let joined = ops::join(ctx, &charlie, request.request_id).await?;
	step(
		"Charlie",
		format!("proved eligibility and opened session {} (submit_eligibility)", joined.session_id),
		Some(joined.block),
	);
	let session_id = joined.session_id;

	let data = ops::submit_data(ctx, &charlie, session_id).await?;
	step("Charlie", "submitted her values encrypted under PK_U, with the proof Pi^link that they are the values she committed to (submit_encrypted_data)".into(), Some(data.block));

	let compared = ops::compare(ctx, &bob, session_id).await?;
	step("Bob", "verified Charlie's link proof and submitted the blinded comparison with his hidden ranges, with the proof Pi^cmp that every slot is her own value in order (submit_comparison)".into(), Some(compared.block));

	let answered = ops::holder_result(ctx, &charlie, session_id).await?;
	step(
		"Charlie",
		"verified Bob's comparison proof, opened the comparison and submitted the -1/0/1 result encrypted under PK_H (submit_result)".into(),
		Some(answered.step.block),
	);

	let results = ops::results(ctx, &bob, session_id).await?;
	step("Bob", "decrypted the result with his secret key (off chain)".into(), None);

	// After the session: a second holder who changes her mind, then each side's overview.
	let dave = Signer::from_uri("//Dave").expect("a development URI");
	ops::keygen(&ctx.state, &ctx.progress, &dave, false, true)?;
	ops::import(&ctx.state, &dave, &registry, "samples/holder-bundle.json", SAMPLE_BUNDLE)?;
	ops::register_holder_key(ctx, &dave).await?;
	let dave_joined = ops::join(ctx, &dave, request.request_id).await?;
	step("Dave", format!("proved eligibility and opened session {} (submit_eligibility)", dave_joined.session_id), Some(dave_joined.block));
	let withdrawn = ops::withdraw(ctx, &dave, dave_joined.session_id).await?;
	step(
		"Dave",
		format!("withdrew session {} before any comparison; her deposit is released (withdraw_session)", dave_joined.session_id),
		Some(withdrawn.block),
	);

	let history = history::history(ctx, &charlie).await?;
	let this_one = history.iter().find(|row| row.session_id == session_id).map_or("?".to_string(), |row| row.state.clone());
	step("Charlie", format!("listed her {} session(s) on this chain; session {session_id} is {this_one} (medshare history)", history.len()), None);
	let cohort = report::report(ctx, &bob, request.request_id).await?;
	let chart = ctx.state.root().join(format!("report-request-{}.png", request.request_id));
	report::chart(&cohort, &chart)?;
	step(
		"Bob",
		format!(
			"counted request {}: {} holder(s), {} withdrawn; chart in {} (medshare report)",
			request.request_id,
			cohort.holders,
			cohort.withdrawn,
			chart.display()
		),
		None,
	);

	Ok(DemoReport {
		request_id: request.request_id,
		session_id,
		steps,
		outcomes: results.outcomes,
		report: cohort,
		chart: chart.display().to_string(),
	})
}
