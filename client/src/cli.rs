//! The `medshare` command line: argument parsing, dispatch to [`crate::ops`], and output as
//! tables (default) or JSON (`--json`). Errors go to stderr (and, with `--json`, as an object
//! on stdout) and exit with status 1.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::chain::{Chain, Wait};
use crate::ops::{self, Context, OpError};
use crate::output::{outcome_table, table};
use crate::progress::Progress;
use crate::signer::{Signer, SignerError};
use crate::state::{default_state_dir, StateDir};
use crate::{demo, export, watch};

/// MedShare client: share medical indicators with research institutions without revealing them.
#[derive(Parser, Debug)]
#[command(name = "medshare", version, about, long_about = None)]
pub struct Cli {
	#[command(flatten)]
	pub global: Global,
	#[command(subcommand)]
	pub command: Command,
}

/// Options every command takes.
#[derive(Args, Debug, Clone)]
pub struct Global {
	/// Node RPC endpoint.
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944", env = "MEDSHARE_URL")]
	pub url: String,
	/// Signing account as a secret URI, for example //Bob on a development chain.
	#[arg(long, global = true, env = "MEDSHARE_SURI", hide_env_values = true)]
	pub suri: Option<String>,
	/// File holding the signing account's seed phrase (or secret URI).
	#[arg(long, global = true)]
	pub seed_file: Option<PathBuf>,
	/// Directory of local secret state (keys, ranges, values); default $MEDSHARE_STATE_DIR,
	/// $XDG_DATA_HOME/medshare or ~/.local/share/medshare.
	#[arg(long, global = true)]
	pub state_dir: Option<PathBuf>,
	/// Directory caching the development Groth16 parameters; default $MEDSHARE_PARAMS_DIR or
	/// ~/.cache/medshare/params.
	#[arg(long, global = true)]
	pub params_dir: Option<PathBuf>,
	/// A setup ceremony's Groth16 parameters: the directory `medshare-setup export` wrote
	/// (requirement.params, eligibility.params). Needed on every chain whose keys came from a
	/// ceremony, such as `local`; without it the development parameters are used.
	#[arg(long, global = true, env = "MEDSHARE_PARAMS", value_name = "DIR")]
	pub params: Option<PathBuf>,
	/// Print machine-readable JSON instead of tables.
	#[arg(long, global = true)]
	pub json: bool,
	/// No progress bars or spinners.
	#[arg(long, short, global = true)]
	pub quiet: bool,
	/// How long each step waits: until its call is in a block (the next step reads the best
	/// block), or until that block is finalized. The holder's last step and the institution's
	/// results wait for finality either way.
	#[arg(long, global = true, value_enum, default_value = "inclusion", env = "MEDSHARE_WAIT")]
	pub wait: Wait,
}

#[derive(Subcommand, Debug)]
pub enum Command {
	/// Generate the signer's Paillier key pair (kept in the state directory).
	Keygen {
		/// Replace an existing key.
		#[arg(long)]
		force: bool,
	},
	/// List the chain's indicator registry.
	Registry,
	/// List the open research requests.
	Requests,
	/// Show where a session stands.
	Session {
		/// Session id.
		id: u64,
	},
	/// Research institution commands.
	#[command(subcommand)]
	Institution(InstitutionCommand),
	/// Data holder commands.
	#[command(subcommand)]
	Holder(HolderCommand),
	/// Follow the MedicalSharing events of a session, a request, or all.
	Watch {
		/// Only this session; ends when it completes or expires.
		#[arg(long)]
		session: Option<u64>,
		/// Only this request.
		#[arg(long)]
		request: Option<u64>,
		/// Replay from this block before following new ones.
		#[arg(long)]
		from_block: Option<u64>,
	},
	/// The institution's report on a request: per indicator, how many holders' values lie
	/// below, inside and above its hidden range, over every completed session.
	Report {
		/// The request (one the signer created).
		#[arg(long)]
		request: u64,
		/// Print CSV instead of a table (or of JSON).
		#[arg(long)]
		csv: bool,
		/// Also draw a bar chart per indicator into this file (.png or .svg).
		#[arg(long)]
		chart: Option<PathBuf>,
	},
	/// The holder's sessions: request, institution, indicators, state and its own outcomes.
	History,
	/// End one of the holder's sessions before the institution's comparison (the chain
	/// releases its deposit; refused once the comparison is on chain).
	Withdraw {
		#[arg(long)]
		session: u64,
	},
	/// Serve a local web portal for the signer (prints its URL with a one-time access token).
	Serve {
		/// Address to listen on; port 0 picks a free one.
		#[arg(long, default_value = "127.0.0.1:0")]
		listen: std::net::SocketAddr,
		/// Allow an address other than loopback (anyone who can reach it and has the token acts
		/// with the signer's keys).
		#[arg(long)]
		allow_remote: bool,
	},
	/// Run one complete session on a development chain (Bob institution, Charlie holder).
	Demo,
	/// Prepare a whole session's payloads as JSON for polkadot-js (see docs/POLKADOT_JS.md).
	ExportSession {
		/// Output file.
		#[arg(long)]
		out: PathBuf,
		/// The institution (an approved development account).
		#[arg(long, default_value = "//Bob")]
		institution_suri: String,
		/// The holder.
		#[arg(long, default_value = "//Dave")]
		holder_suri: String,
		/// Request file; default the shipped sample.
		#[arg(long)]
		request: Option<PathBuf>,
		/// Holder's FHIR bundle; default the shipped sample.
		#[arg(long)]
		bundle: Option<PathBuf>,
	},
}

#[derive(Subcommand, Debug)]
pub enum InstitutionCommand {
	/// Register the signer's Paillier public key as its institution key (step 0).
	Register {
		/// Description for people: name, contact, ethics approval (at most 256 bytes).
		#[arg(long, default_value = "")]
		metadata: String,
	},
	/// Create a research request from a request file (step 1).
	Request {
		/// Request file (see docs/CLIENT.md and client/samples/request.json).
		#[arg(long)]
		file: PathBuf,
	},
	/// Submit the blinded comparison for a session (step 5).
	Compare {
		#[arg(long)]
		session: u64,
	},
	/// Decrypt a completed session's result (step 8).
	Results {
		#[arg(long)]
		session: u64,
	},
}

#[derive(Subcommand, Debug)]
pub enum HolderCommand {
	/// Import values from a FHIR R4 Bundle of Observations (off chain).
	Import {
		#[arg(long)]
		bundle: PathBuf,
	},
	/// Register the holder's Paillier key with its proofs (once per account; submit-data does
	/// it when the chain does not have the key yet).
	RegisterKey,
	/// Prove eligibility for a request and open a session (steps 2-3).
	Join {
		#[arg(long)]
		request: u64,
	},
	/// Submit the encrypted values under the registered key (step 4).
	SubmitData {
		#[arg(long)]
		session: u64,
	},
	/// Answer the comparison with the encrypted -1/0/1 result (steps 6-7).
	Result {
		#[arg(long)]
		session: u64,
	},
}

/// What the command line failed on.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
	#[error(transparent)]
	Op(#[from] OpError),
	#[error(transparent)]
	Signer(#[from] SignerError),
	#[error("cannot start the async runtime: {0}")]
	Runtime(std::io::Error),
	#[error(transparent)]
	Serve(#[from] crate::serve::ServeError),
}

impl CliError {
	fn kind(&self) -> Option<&str> {
		match self {
			CliError::Op(op) => op.kind(),
			_ => None,
		}
	}
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
	let cli = Cli::parse();
	let json = cli.global.json;
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(e) => return fail(&CliError::Runtime(e), json),
	};
	match runtime.block_on(run(cli)) {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => fail(&e, json),
	}
}

fn fail(error: &CliError, json: bool) -> ExitCode {
	if json {
		println!("{}", serde_json::json!({ "error": error.to_string(), "kind": error.kind() }));
	}
	eprintln!("error: {error}");
	ExitCode::FAILURE
}

fn print<T: Serialize>(json: bool, report: &T, human: impl FnOnce(&T) -> String) {
	if json {
		println!("{}", serde_json::to_string_pretty(report).expect("reports serialize"));
	} else {
		println!("{}", human(report));
	}
}

fn read(path: &PathBuf) -> Result<String, OpError> {
	std::fs::read_to_string(path).map_err(|error| OpError::Read { path: path.display().to_string(), error })
}

fn signer(global: &Global) -> Result<Signer, SignerError> {
	Signer::from_options(global.suri.as_deref(), global.seed_file.as_deref())
}

/// A report's counts as a table with a summary line.
fn report_text(r: &crate::report::CohortReport) -> String {
	let rows: Vec<Vec<String>> = r
		.indicators
		.iter()
		.map(|i| vec![i.code.clone(), i.name.clone(), i.below.to_string(), i.inside.to_string(), i.above.to_string()])
		.collect();
	format!(
		"request {}: {} holder(s) counted ({} session(s) under way, {} withdrawn, {} expired)\n{}",
		r.request_id,
		r.holders,
		r.open,
		r.withdrawn,
		r.expired,
		table(&["LOINC", "indicator", "below", "inside", "above"], &rows)
	)
}

fn step_text(what: &str, step: &ops::StepReport) -> String {
	format!("{what} in block #{} ({}) by {}", step.block, step.block_hash, step.account)
}

async fn context(global: &Global) -> Result<Context, OpError> {
	Ok(Context {
		chain: Chain::connect(&global.url).await?.waiting(global.wait),
		state: StateDir::new(global.state_dir.clone().unwrap_or_else(default_state_dir)),
		progress: Progress::terminal(!global.quiet && !global.json),
		params_dir: global.params_dir.clone().unwrap_or_else(medshare_zk::setup::default_parameter_dir),
		ceremony_params: global.params.clone(),
	})
}

async fn run(cli: Cli) -> Result<(), CliError> {
	let g = &cli.global;
	let json = g.json;
	match &cli.command {
		Command::Keygen { force } => {
			let state = StateDir::new(g.state_dir.clone().unwrap_or_else(default_state_dir));
			let report = ops::keygen(&state, &Progress::terminal(!g.quiet && !json), &signer(g)?, *force, false)?;
			print(json, &report, |r| {
				format!("Paillier key pair of {} ({} bits) written to {}\npublic key hash 0x{}", r.account, r.bits, r.path, r.public_key_hash)
			});
		},
		Command::Registry => {
			let ctx = context(g).await?;
			let registry = ctx.chain.registry().await.map_err(OpError::from)?;
			print(json, &registry, |r| {
				let rows: Vec<Vec<String>> = r
					.iter()
					.map(|e| vec![e.id.to_string(), e.code.clone(), e.name.clone(), e.unit.clone(), e.scale.to_string(), format!("{} .. {}", e.display_value(e.lo), e.display_value(e.hi))])
					.collect();
				table(&["id", "LOINC", "name", "unit", "scale", "plausible domain"], &rows)
			});
		},
		Command::Requests => {
			let ctx = context(g).await?;
			let list = ops::requests(&ctx).await?;
			print(json, &list, |l| {
				let rows: Vec<Vec<String>> = l
					.iter()
					.map(|r| {
						let codes: Vec<&str> = r.indicators.iter().map(|i| i.code.as_str()).collect();
						vec![r.request_id.to_string(), r.institution.clone(), codes.join(" "), format!("{:?}", r.status), r.expires_at.to_string(), r.open_sessions.to_string()]
					})
					.collect();
				table(&["request", "institution", "indicators", "status", "expires at", "open sessions"], &rows)
			});
		},
		Command::Session { id } => {
			let ctx = context(g).await?;
			let session = ctx.chain.require_session(*id).await.map_err(OpError::from)?;
			let report = serde_json::json!({
				"session_id": id,
				"request_id": session.request_id,
				"holder": session.holder.to_string(),
				"state": session.state,
				"opened_at": session.opened_at,
				"updated_at": session.updated_at,
				"expires_at": session.expires_at,
				"result_hash": session.result_hash.map(|h| format!("0x{}", hex::encode(h))),
			});
			print(json, &report, |r| {
				let next = match session.state {
					crate::chain::SessionState::Eligible => "next: the holder runs medshare holder submit-data",
					crate::chain::SessionState::DataSubmitted => "next: the institution runs medshare institution compare",
					crate::chain::SessionState::Compared => "next: the holder runs medshare holder result",
					crate::chain::SessionState::Completed => "complete: the institution runs medshare institution results",
					crate::chain::SessionState::Expired => "expired",
					crate::chain::SessionState::Withdrawn => "withdrawn by the holder before the comparison",
				};
				format!(
					"session {} of request {}, holder {}\nstate {:?} (opened #{}, last step #{}, expires #{})\n{next}",
					id, r["request_id"], r["holder"].as_str().unwrap_or(""), session.state, session.opened_at, session.updated_at, session.expires_at
				)
			});
		},
		Command::Institution(command) => {
			let ctx = context(g).await?;
			let signer = signer(g)?;
			match command {
				InstitutionCommand::Register { metadata } => {
					let report = ops::register_institution(&ctx, &signer, metadata).await?;
					print(json, &report, |r| step_text("Paillier public key registered", r));
				},
				InstitutionCommand::Request { file } => {
					let report = ops::create_request(&ctx, &signer, &read(file)?).await?;
					print(json, &report, |r| {
						let rows: Vec<Vec<String>> =
							r.indicators.iter().map(|i| vec![i.id.to_string(), i.code.clone(), i.name.clone(), i.min_width.clone()]).collect();
						format!(
							"request {} created in block #{} ({} chunk(s), holders may join until block #{})\n{}\nsecret ranges and salts kept in {}",
							r.request_id,
							r.block,
							r.chunks,
							r.expires_at,
							table(&["id", "LOINC", "indicator", "min width"], &rows),
							r.secrets
						)
					});
				},
				InstitutionCommand::Compare { session } => {
					let report = ops::compare(&ctx, &signer, *session).await?;
					print(json, &report, |r| step_text(&format!("comparison for session {session} submitted"), r));
				},
				InstitutionCommand::Results { session } => {
					let report = ops::results(&ctx, &signer, *session).await?;
					print(json, &report, |r| {
						format!(
							"session {} of request {} (holder {}), result from block #{}\n{}",
							r.session_id,
							r.request_id,
							r.holder,
							r.block,
							outcome_table(&r.outcomes)
						)
					});
				},
			}
		},
		Command::Holder(command) => {
			let ctx = context(g).await?;
			let signer = signer(g)?;
			match command {
				HolderCommand::Import { bundle } => {
					let registry = ctx.chain.registry().await.map_err(OpError::from)?;
					let report = ops::import(&ctx.state, &signer, &registry, &bundle.display().to_string(), &read(bundle)?)?;
					print(json, &report, |r| {
						let rows: Vec<Vec<String>> = r
							.values
							.iter()
							.map(|v| {
								let shown = format!("{} {}", crate::decimal::format_scaled(v.scaled, v.scale), v.unit);
								vec![v.code.clone(), v.name.clone(), shown, if v.in_domain { v.source.clone() } else { "OUTSIDE the plausible domain: not provable".into() }]
							})
							.collect();
						let mut text = format!("imported into {}\n{}", r.path, table(&["LOINC", "indicator", "value", "source"], &rows));
						if !r.missing.is_empty() {
							text.push_str(&format!("\nnot in the bundle: {}", r.missing.join(", ")));
						}
						text
					});
				},
				HolderCommand::RegisterKey => {
					let report = ops::register_holder_key(&ctx, &signer).await?;
					print(json, &report, |r| match r.block {
						Some(block) => format!("Paillier key {} of {} registered with its proofs in block #{block}", r.key_hash, r.account),
						None => format!("the chain already has this Paillier key ({}) for {}", r.key_hash, r.account),
					});
				},
				HolderCommand::Join { request } => {
					let report = ops::join(&ctx, &signer, *request).await?;
					print(json, &report, |r| {
						format!(
							"eligible: session {} opened for request {} in block #{} ({} proof(s)); it must complete by block #{}\nnext: medshare holder submit-data --session {}",
							r.session_id, r.request_id, r.block, r.chunks, r.expires_at, r.session_id
						)
					});
				},
				HolderCommand::SubmitData { session } => {
					let report = ops::submit_data(&ctx, &signer, *session).await?;
					print(json, &report, |r| step_text(&format!("encrypted data for session {session} submitted"), r));
				},
				HolderCommand::Result { session } => {
					let report = ops::holder_result(&ctx, &signer, *session).await?;
					print(json, &report, |r| {
						format!("{}\nyour own outcomes (the institution sees the same):\n{}", step_text(&format!("encrypted result for session {session} submitted"), &r.step), outcome_table(&r.outcomes))
					});
				},
			}
		},
		Command::Watch { session, request, from_block } => {
			let ctx = context(g).await?;
			let filter = watch::Filter { session: *session, request: *request };
			watch::watch(&ctx.chain, filter, *from_block, |event| {
				if json {
					println!("{event}");
				} else {
					println!("{}", watch::event_line(event));
				}
			})
			.await
			.map_err(OpError::from)?;
		},
		Command::Report { request, csv, chart } => {
			let ctx = context(g).await?;
			let report = crate::report::report(&ctx, &signer(g)?, *request).await?;
			if let Some(path) = chart {
				crate::report::chart(&report, path).map_err(OpError::from)?;
			}
			if *csv {
				print!("{}", crate::report::csv(&report));
			} else {
				print(json, &report, |r| {
					let mut text = report_text(r);
					if let Some(path) = chart {
						text.push_str(&format!("\nchart written to {}", path.display()));
					}
					text
				});
			}
		},
		Command::History => {
			let ctx = context(g).await?;
			let signer = signer(g)?;
			let rows = crate::history::history(&ctx, &signer).await?;
			print(json, &rows, |rows| {
				if rows.is_empty() {
					return format!("{} has no sessions on this chain or in {}", signer.address(), ctx.state.root().display());
				}
				let table_rows: Vec<Vec<String>> = rows
					.iter()
					.map(|r| {
						let outcomes = r.outcomes.as_ref().map_or_else(
							|| "-".to_string(),
							|o| o.iter().map(|o| format!("{}:{:+}", o.code, o.outcome)).collect::<Vec<_>>().join(" "),
						);
						vec![
							r.session_id.to_string(),
							r.request_id.to_string(),
							r.institution.clone().unwrap_or_else(|| "?".into()),
							r.indicators.join(" "),
							r.state.clone(),
							outcomes,
						]
					})
					.collect();
				table(&["session", "request", "institution", "indicators", "state", "your outcomes"], &table_rows)
			});
		},
		Command::Withdraw { session } => {
			let ctx = context(g).await?;
			let signer = signer(g)?;
			let report = ops::withdraw(&ctx, &signer, *session).await?;
			print(json, &report, |r| step_text(&format!("session {session} withdrawn (deposit released)"), r));
		},
		Command::Serve { listen, allow_remote } => {
			// Refuse a wrong address before connecting to anything.
			crate::serve::check_listen(*listen, *allow_remote)?;
			let portal = std::sync::Arc::new(crate::serve::Portal::new(context(g).await?, signer(g)?));
			let token = portal.token.clone();
			crate::serve::serve(portal, *listen, *allow_remote, |bound| {
				let url = format!("http://{bound}/?token={token}");
				if json {
					println!("{}", serde_json::json!({ "url": url }));
				} else {
					println!("MedShare portal: {url}\n(open it in a browser on this machine; Ctrl-C stops it)");
				}
				// Scripts read the URL as soon as it is printed.
				use std::io::Write;
				let _ = std::io::stdout().flush();
			})
			.await?;
		},
		Command::Demo => {
			let ctx = context(g).await?;
			if !json {
				println!("MedShare demo on {} (genesis 0x{}..)", ctx.chain.url, &ctx.chain.genesis()[..16]);
			}
			let report = demo::run(&ctx, |step| {
				if !json {
					let at = step.block.map(|b| format!("block #{b}")).unwrap_or_else(|| "off chain".into());
					println!("[{:>5.1} s {at:>12}] {:<8} {}", step.elapsed, step.actor, step.what);
				}
			})
			.await?;
			print(json, &report, |r| {
				format!(
					"\ninstitution's result for session {} of request {}:\n{}\n\n{}\nchart written to {}",
					r.session_id,
					r.request_id,
					outcome_table(&r.outcomes),
					report_text(&r.report),
					r.chart
				)
			});
		},
		Command::ExportSession { out, institution_suri, holder_suri, request, bundle } => {
			let ctx = context(g).await?;
			let institution = Signer::from_uri(institution_suri)?;
			let holder = Signer::from_uri(holder_suri)?;
			let request_text = match request {
				Some(path) => read(path)?,
				None => demo::SAMPLE_REQUEST.to_string(),
			};
			let (bundle_name, bundle_text) = match bundle {
				Some(path) => (path.display().to_string(), read(path)?),
				None => ("samples/holder-bundle.json".to_string(), demo::SAMPLE_BUNDLE.to_string()),
			};
			let document = export::export(
				&ctx,
				export::ExportInput {
					institution: &institution,
					institution_uri: institution_suri,
					holder: &holder,
					holder_uri: holder_suri,
					request_text: &request_text,
					bundle_name: &bundle_name,
					bundle_text: &bundle_text,
				},
			)
			.await?;
			let text = serde_json::to_string_pretty(&document).expect("JSON");
			std::fs::write(out, text).map_err(|error| OpError::Read { path: out.display().to_string(), error })?;
			let summary = serde_json::json!({ "out": out.display().to_string(), "request_id": document["request_id"], "session_id": document["session_id"] });
			print(json, &summary, |s| format!("session payloads written to {} (request {}, session {})", s["out"].as_str().unwrap_or(""), s["request_id"], s["session_id"]));
		},
	}
	Ok(())
}
