//! `medshare report`: the researcher's view across every completed session of one request.
//! Per indicator it counts the holders below, inside and above the hidden range, from results
//! the institution decrypts with its own key (each session's result is decrypted once and kept
//! in the state directory). Nothing else about a holder is known to the institution, so nothing
//! else is reported.

use std::path::Path;

use serde::Serialize;

use crate::chain::SessionState;
use crate::ops::{self, Context, OpError};
use crate::signer::Signer;
use crate::state::{RequestIndicatorSecret, RequestSecrets, SessionResult};

/// One indicator's counts.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct IndicatorCounts {
	pub id: u32,
	pub code: String,
	pub name: String,
	/// Holders below the hidden range.
	pub below: u32,
	/// Holders inside it.
	pub inside: u32,
	/// Holders above it.
	pub above: u32,
}

/// The report of one request.
#[derive(Serialize, Clone, Debug)]
pub struct CohortReport {
	pub request_id: u64,
	/// Holders whose result is counted (one completed session each).
	pub holders: usize,
	/// The completed sessions counted, by id.
	pub sessions: Vec<u64>,
	/// Sessions still under way.
	pub open: usize,
	/// Sessions withdrawn by their holder before the comparison.
	pub withdrawn: usize,
	/// Sessions that expired unfinished.
	pub expired: usize,
	pub indicators: Vec<IndicatorCounts>,
}

/// Why results cannot be counted together.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AggregateError {
	#[error("the result of session {session_id} has {found} outcomes, but the request has {expected} indicators")]
	WrongLength { session_id: u64, found: usize, expected: usize },
	#[error("the result of session {session_id} names indicator {found} where the request has {expected}")]
	WrongIndicator { session_id: u64, found: u32, expected: u32 },
	#[error("the result of session {session_id} holds the outcome {outcome} for indicator {id}; outcomes are -1, 0 or 1")]
	BadOutcome { session_id: u64, id: u32, outcome: i8 },
}

/// Counts `results` per indicator of the request, in request order.
pub fn aggregate(indicators: &[RequestIndicatorSecret], results: &[SessionResult]) -> Result<Vec<IndicatorCounts>, AggregateError> {
	let mut counts: Vec<IndicatorCounts> = indicators
		.iter()
		.map(|i| IndicatorCounts { id: i.id, code: i.code.clone(), name: i.name.clone(), below: 0, inside: 0, above: 0 })
		.collect();
	for result in results {
		let session_id = result.session_id;
		if result.outcomes.len() != counts.len() {
			return Err(AggregateError::WrongLength { session_id, found: result.outcomes.len(), expected: counts.len() });
		}
		for (count, row) in counts.iter_mut().zip(&result.outcomes) {
			if row.id != count.id {
				return Err(AggregateError::WrongIndicator { session_id, found: row.id, expected: count.id });
			}
			match row.outcome {
				-1 => count.below += 1,
				0 => count.inside += 1,
				1 => count.above += 1,
				outcome => return Err(AggregateError::BadOutcome { session_id, id: row.id, outcome }),
			}
		}
	}
	Ok(counts)
}

/// Decrypts (or reads, when already decrypted) every completed session of `request_id` and
/// counts them. Only the institution that created the request holds its ranges and key.
pub async fn report(ctx: &Context, signer: &Signer, request_id: u64) -> Result<CohortReport, OpError> {
	let genesis = ctx.chain.genesis();
	let path = ctx.state.request_path(&genesis, request_id);
	let secrets: RequestSecrets =
		ctx.state.require(&path, "secret ranges", "only the institution that created the request can report on it")?;
	if secrets.institution != signer.address() {
		return Err(OpError::NotRequestInstitution { request_id, institution: secrets.institution, signer: signer.address() });
	}
	let sessions: Vec<_> = ctx.chain.sessions().await?.into_iter().filter(|(_, s)| s.request_id == request_id).collect();
	let next_session = ctx.chain.next_ids().await?.1;
	let kept = ctx.state.result_files(&genesis)?;
	let mut results = Vec::new();
	let (mut open, mut withdrawn, mut expired) = (0, 0, 0);
	let bar = ctx.progress.bar(sessions.len() as u64, "decrypting results");
	for (id, session) in &sessions {
		match session.state {
			SessionState::Completed => {
				let known = kept.iter().find(|r| {
					r.session_id == *id && r.holder == session.holder.to_string() && r.block == u64::from(session.updated_at)
				});
				match known {
					Some(result) => results.push(result.clone()),
					None => {
						let decrypted = ops::results(ctx, signer, *id).await?;
						results.push(SessionResult {
							session_id: *id,
							request_id,
							holder: decrypted.holder,
							block: decrypted.block,
							outcomes: decrypted.outcomes,
						});
					},
				}
			},
			SessionState::Withdrawn => withdrawn += 1,
			SessionState::Expired => expired += 1,
			SessionState::Eligible | SessionState::DataSubmitted | SessionState::Compared => open += 1,
		}
		bar.inc(1);
	}
	bar.finish_and_clear();
	// Results decrypted earlier whose summaries the chain has since pruned.
	for result in kept {
		let pruned = result.request_id == request_id
			&& result.session_id < next_session
			&& !sessions.iter().any(|(id, _)| *id == result.session_id);
		if pruned {
			results.push(result);
		}
	}
	results.sort_by_key(|r| r.session_id);
	let indicators = aggregate(&secrets.indicators, &results).map_err(|e| OpError::BadChainData(e.to_string()))?;
	Ok(CohortReport {
		request_id,
		holders: results.len(),
		sessions: results.iter().map(|r| r.session_id).collect(),
		open,
		withdrawn,
		expired,
		indicators,
	})
}

/// The report as CSV: a header and one line per indicator.
pub fn csv(report: &CohortReport) -> String {
	let quote = |text: &str| {
		if text.contains([',', '"', '\n']) {
			format!("\"{}\"", text.replace('"', "\"\""))
		} else {
			text.to_string()
		}
	};
	let mut out = String::from("request_id,indicator_id,loinc,name,below,inside,above,holders\n");
	for i in &report.indicators {
		out.push_str(&format!(
			"{},{},{},{},{},{},{},{}\n",
			report.request_id,
			i.id,
			quote(&i.code),
			quote(&i.name),
			i.below,
			i.inside,
			i.above,
			report.holders
		));
	}
	out
}

/// Why the chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
	#[error("{0}: the chart is written as .png or .svg; name the file with one of these extensions")]
	Format(String),
	#[error("no TrueType font found for the chart's labels (looked at {0}); install fonts-dejavu-core (scripts/setup.sh does) or set MEDSHARE_CHART_FONT to a .ttf file")]
	NoFont(String),
	#[error("the font {0} cannot be read as TrueType")]
	BadFont(String),
	#[error("drawing {path} failed: {error}")]
	Draw { path: String, error: String },
}

/// Where a sans-serif TrueType font usually is, after `$MEDSHARE_CHART_FONT`.
const FONT_PATHS: &[&str] = &[
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/TTF/DejaVuSans.ttf",
	"/usr/share/fonts/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
	"/System/Library/Fonts/Supplemental/Arial.ttf",
	"C:\\Windows\\Fonts\\arial.ttf",
];

/// Registers a system font as plotters' "sans-serif", once per process.
fn register_font() -> Result<(), ChartError> {
	static REGISTERED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
	let outcome = REGISTERED.get_or_init(|| {
		let chosen = std::env::var("MEDSHARE_CHART_FONT").ok();
		let candidates: Vec<String> = chosen.into_iter().chain(FONT_PATHS.iter().map(|p| p.to_string())).collect();
		let Some((path, bytes)) = candidates.iter().find_map(|p| std::fs::read(p).ok().map(|b| (p.clone(), b))) else {
			return Err(format!("no font: {}", candidates.join(", ")));
		};
		// plotters keeps the font for the life of the process.
		let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
		plotters::style::register_font("sans-serif", plotters::style::FontStyle::Normal, bytes).map_err(|_| format!("bad font: {path}"))
	});
	match outcome {
		Ok(()) => Ok(()),
		Err(e) => match e.strip_prefix("no font: ") {
			Some(paths) => Err(ChartError::NoFont(paths.to_string())),
			None => Err(ChartError::BadFont(e.trim_start_matches("bad font: ").to_string())),
		},
	}
}

/// Draws one bar chart per indicator (holders below, inside and above the range) into `path`,
/// PNG or SVG by its extension.
pub fn chart(report: &CohortReport, path: &Path) -> Result<(), ChartError> {
	use plotters::prelude::*;
	let shown = path.display().to_string();
	let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
	let columns = report.indicators.len().clamp(1, 3);
	let rows = report.indicators.len().div_ceil(columns).max(1);
	let size = (360 * columns as u32, 60 + 300 * rows as u32);
	register_font()?;
	let draw_failed = |e: &dyn std::fmt::Display| ChartError::Draw { path: shown.clone(), error: e.to_string() };
	match extension.as_deref() {
		Some("png") => draw(report, BitMapBackend::new(path, size).into_drawing_area(), columns, rows).map_err(|e| draw_failed(&e)),
		Some("svg") => draw(report, SVGBackend::new(path, size).into_drawing_area(), columns, rows).map_err(|e| draw_failed(&e)),
		_ => Err(ChartError::Format(shown)),
	}
}

fn draw<DB: plotters::prelude::DrawingBackend>(
	report: &CohortReport,
	root: plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
	columns: usize,
	rows: usize,
) -> Result<(), Box<dyn std::error::Error>>
where
	DB::ErrorType: 'static,
{
	use plotters::prelude::*;
	const OUTCOMES: [(&str, RGBColor); 3] =
		[("below", RGBColor(0x3b, 0x6e, 0xc4)), ("inside", RGBColor(0x4c, 0xa0, 0x5a)), ("above", RGBColor(0xd0, 0x6a, 0x3a))];
	root.fill(&WHITE)?;
	let title = format!("Request {}: {} holder(s) below, inside and above the hidden ranges", report.request_id, report.holders);
	let root = root.titled(&title, ("sans-serif", 20))?;
	let top = report.indicators.iter().map(|i| i.below.max(i.inside).max(i.above)).max().unwrap_or(0).max(1);
	for (panel, counts) in root.split_evenly((rows, columns)).iter().zip(&report.indicators) {
		let mut chart = ChartBuilder::on(panel)
			.caption(format!("{} {}", counts.code, counts.name), ("sans-serif", 15))
			.margin(12)
			.x_label_area_size(28)
			.y_label_area_size(36)
			// A segmented range of 0..2 has the three segments 0, 1 and 2.
			.build_cartesian_2d((0u32..2u32).into_segmented(), 0u32..top + top.div_ceil(5))?;
		chart
			.configure_mesh()
			.disable_x_mesh()
			.y_desc("holders")
			.x_label_formatter(&|x| match x {
				SegmentValue::CenterOf(i) => OUTCOMES.get(*i as usize).map_or(String::new(), |(name, _)| name.to_string()),
				_ => String::new(),
			})
			.draw()?;
		let values = [counts.below, counts.inside, counts.above];
		chart.draw_series(values.iter().enumerate().map(|(i, value)| {
			let i = i as u32;
			let mut bar = Rectangle::new(
				[(SegmentValue::Exact(i), 0), (SegmentValue::Exact(i + 1), *value)],
				OUTCOMES[i as usize].1.filled(),
			);
			bar.set_margin(0, 0, 12, 12);
			bar
		}))?;
	}
	root.present()?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::state::OutcomeRow;

	fn indicator(id: u32, code: &str) -> RequestIndicatorSecret {
		RequestIndicatorSecret { id, code: code.into(), name: format!("indicator {id}"), unit: "1".into(), scale: 0, min_width: 1, down: 10, up: 20 }
	}

	fn result(session_id: u64, outcomes: &[(u32, i8)]) -> SessionResult {
		SessionResult {
			session_id,
			request_id: 3,
			holder: format!("holder {session_id}"),
			block: 10 + session_id,
			outcomes: outcomes.iter().map(|(id, outcome)| OutcomeRow { id: *id, code: String::new(), name: String::new(), outcome: *outcome }).collect(),
		}
	}

	fn request() -> Vec<RequestIndicatorSecret> {
		vec![indicator(0, "8310-5"), indicator(4, "2708-6"), indicator(6, "29463-7")]
	}

	#[test]
	fn several_sessions_are_counted_per_indicator() {
		let results = [
			result(1, &[(0, -1), (4, 0), (6, 1)]),
			result(2, &[(0, 0), (4, 0), (6, 1)]),
			result(5, &[(0, 0), (4, 1), (6, -1)]),
			result(8, &[(0, 1), (4, 0), (6, 1)]),
		];
		let counts = aggregate(&request(), &results).unwrap();
		let triples: Vec<(u32, u32, u32, u32)> = counts.iter().map(|c| (c.id, c.below, c.inside, c.above)).collect();
		assert_eq!(triples, vec![(0, 1, 2, 1), (4, 0, 3, 1), (6, 1, 0, 3)]);
		// Every holder is counted once per indicator.
		assert!(counts.iter().all(|c| c.below + c.inside + c.above == results.len() as u32));
		assert!(aggregate(&request(), &[]).unwrap().iter().all(|c| c.below + c.inside + c.above == 0));
	}

	#[test]
	fn a_result_of_another_shape_is_refused() {
		assert_eq!(
			aggregate(&request(), &[result(1, &[(0, 0), (4, 0)])]),
			Err(AggregateError::WrongLength { session_id: 1, found: 2, expected: 3 })
		);
		assert_eq!(
			aggregate(&request(), &[result(2, &[(0, 0), (5, 0), (6, 0)])]),
			Err(AggregateError::WrongIndicator { session_id: 2, found: 5, expected: 4 })
		);
		assert_eq!(
			aggregate(&request(), &[result(3, &[(0, 0), (4, 2), (6, 0)])]),
			Err(AggregateError::BadOutcome { session_id: 3, id: 4, outcome: 2 })
		);
	}

	fn sample_report() -> CohortReport {
		let results = [result(1, &[(0, -1), (4, 0), (6, 1)]), result(2, &[(0, 0), (4, 0), (6, 1)])];
		CohortReport {
			request_id: 3,
			holders: 2,
			sessions: vec![1, 2],
			open: 1,
			withdrawn: 1,
			expired: 0,
			indicators: aggregate(&[indicator(0, "8310-5"), indicator(4, "2708-6"), RequestIndicatorSecret { name: "weight, \"adult\"".into(), ..indicator(6, "29463-7") }], &results).unwrap(),
		}
	}

	#[test]
	fn csv_has_a_line_per_indicator_and_quotes_what_needs_it() {
		let text = csv(&sample_report());
		let lines: Vec<&str> = text.lines().collect();
		assert_eq!(lines[0], "request_id,indicator_id,loinc,name,below,inside,above,holders");
		assert_eq!(lines[1], "3,0,8310-5,indicator 0,1,1,0,2");
		assert_eq!(lines[3], "3,6,29463-7,\"weight, \"\"adult\"\"\",0,0,2,2");
		assert_eq!(lines.len(), 4);
	}

	#[test]
	fn charts_are_drawn_as_png_and_svg_and_other_names_are_refused() {
		let dir = tempfile::tempdir().unwrap();
		let report = sample_report();
		let png = dir.path().join("cohort.png");
		chart(&report, &png).unwrap();
		let bytes = std::fs::read(&png).unwrap();
		assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
		let svg = dir.path().join("cohort.svg");
		chart(&report, &svg).unwrap();
		let text = std::fs::read_to_string(&svg).unwrap();
		assert!(text.starts_with("<svg"), "{}", &text[..40.min(text.len())]);
		// Every indicator has its panel title, and each outcome its axis label.
		for label in ["8310-5 indicator 0", "2708-6 indicator 4", "below", "inside", "above"] {
			assert!(text.contains(label), "{label} missing");
		}
		assert!(matches!(chart(&report, &dir.path().join("cohort.jpg")), Err(ChartError::Format(_))));
	}
}
