//! The institution's request file: which indicators to ask for, the secret range of each
//! (decimals with units, as people write them) and the public minimum widths.
//!
//! ```json
//! { "lifetime": 600,
//!   "indicators": [
//!     { "code": "8310-5", "unit": "Cel", "low": "36.10", "high": "37.20", "min_width": "0.50" } ] }
//! ```
//!
//! `low`, `high` and `min_width` may be JSON strings or numbers; they are read as exact
//! decimals in the registry's unit (see [`crate::decimal`]).

use serde::Deserialize;

use crate::decimal::{self, DecimalError};
use crate::registry::RegistryEntry;

/// A request as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestFile {
	/// Blocks during which holders may join (at least 10 on the MedShare runtime).
	#[serde(default = "default_lifetime")]
	pub lifetime: u32,
	/// The indicators, in request order.
	pub indicators: Vec<RequestFileIndicator>,
}

fn default_lifetime() -> u32 {
	// One hour of 6-second blocks: time enough for a demo or a test to finish its sessions.
	600
}

/// One indicator line of the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestFileIndicator {
	/// LOINC code, as registered on chain.
	pub code: String,
	/// UCUM unit of `low`, `high` and `min_width`: must be the registry's unit.
	pub unit: String,
	/// Lower end of the secret range (kept off chain).
	pub low: serde_json::Value,
	/// Upper end of the secret range (kept off chain).
	pub high: serde_json::Value,
	/// Public minimum width of the range.
	pub min_width: serde_json::Value,
}

/// One indicator of a request, resolved against the registry into scaled integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedIndicator {
	/// The registry entry (id, code, unit, scale, domain).
	pub entry: RegistryEntry,
	/// Secret lower bound `down`.
	pub down: u32,
	/// Secret upper bound `up`.
	pub up: u32,
	/// Public minimum width.
	pub min_width: u32,
}

/// Why a request file was refused; each message says what to change in the file.
#[derive(Debug, thiserror::Error)]
pub enum RequestFileError {
	#[error("the request file is not valid JSON of the expected shape: {0}")]
	Json(String),
	#[error("the request names no indicator: add at least one entry to \"indicators\"")]
	Empty,
	#[error("LOINC {0} is not in the chain's indicator registry; run `medshare registry` to list the registered codes")]
	UnknownCode(String),
	#[error("LOINC {0} appears twice; each indicator may be requested once")]
	Duplicate(String),
	#[error("{code}: the file gives the range in {given:?}, but the registry keeps {name} in {expected:?}; convert the range to {expected}")]
	WrongUnit { code: String, name: String, given: String, expected: String },
	#[error("{code} {field}: {error}")]
	Value { code: String, field: &'static str, error: DecimalError },
	#[error("{code} {field}: expected a decimal number as a JSON string or number, found {found}")]
	NotANumber { code: String, field: &'static str, found: String },
	#[error("{code}: the range {low}..{high} must lie inside the registry's plausible domain {lo}..{hi} with low <= high")]
	OutsideDomain { code: String, low: String, high: String, lo: String, hi: String },
	#[error("{code}: the range {low}..{high} is narrower than its minimum width {min_width}; widen it or lower min_width")]
	TooNarrow { code: String, low: String, high: String, min_width: String },
	#[error("{code}: low {low} is above high {high}; the range goes from low up to high, so swap them")]
	Reversed { code: String, low: String, high: String },
	#[error("{code}: min_width {min_width} is below the registry's minimum {registry} for {name}; a narrower range could locate holders' values too finely, so the chain refuses it")]
	BelowRegistryMinimum { code: String, name: String, min_width: String, registry: String },
	#[error("the lifetime {0} is below the chain's minimum of 10 blocks")]
	LifetimeTooShort(u32),
}

impl RequestFile {
	/// Parses the JSON text of a request file.
	pub fn parse(json: &str) -> Result<RequestFile, RequestFileError> {
		serde_json::from_str(json).map_err(|e| RequestFileError::Json(e.to_string()))
	}

	/// Checks every line against the on-chain registry and converts the decimals.
	pub fn resolve(&self, registry: &[RegistryEntry]) -> Result<Vec<ResolvedIndicator>, RequestFileError> {
		if self.indicators.is_empty() {
			return Err(RequestFileError::Empty);
		}
		if self.lifetime < 10 {
			return Err(RequestFileError::LifetimeTooShort(self.lifetime));
		}
		let mut resolved: Vec<ResolvedIndicator> = Vec::with_capacity(self.indicators.len());
		for line in &self.indicators {
			let entry = registry
				.iter()
				.find(|e| e.code == line.code)
				.ok_or_else(|| RequestFileError::UnknownCode(line.code.clone()))?;
			if resolved.iter().any(|r| r.entry.code == line.code) {
				return Err(RequestFileError::Duplicate(line.code.clone()));
			}
			if line.unit != entry.unit {
				return Err(RequestFileError::WrongUnit {
					code: line.code.clone(),
					name: entry.name.clone(),
					given: line.unit.clone(),
					expected: entry.unit.clone(),
				});
			}
			let read = |field: &'static str, value: &serde_json::Value| -> Result<u32, RequestFileError> {
				let text = match value {
					serde_json::Value::String(s) => s.clone(),
					serde_json::Value::Number(n) => n.to_string(),
					other => {
						return Err(RequestFileError::NotANumber {
							code: line.code.clone(),
							field,
							found: other.to_string(),
						})
					},
				};
				decimal::parse_scaled(&text, entry.scale)
					.map_err(|error| RequestFileError::Value { code: line.code.clone(), field, error })
			};
			let down = read("low", &line.low)?;
			let up = read("high", &line.high)?;
			let min_width = read("min_width", &line.min_width)?;
			let show = |v: u32| entry.display_value(v);
			if down > up {
				return Err(RequestFileError::Reversed { code: line.code.clone(), low: show(down), high: show(up) });
			}
			if min_width < entry.min_width {
				return Err(RequestFileError::BelowRegistryMinimum {
					code: line.code.clone(),
					name: entry.name.clone(),
					min_width: show(min_width),
					registry: show(entry.min_width),
				});
			}
			if down < entry.lo || up > entry.hi || down > up {
				return Err(RequestFileError::OutsideDomain {
					code: line.code.clone(),
					low: show(down),
					high: show(up),
					lo: show(entry.lo),
					hi: show(entry.hi),
				});
			}
			if u64::from(down) + u64::from(min_width) > u64::from(up) {
				return Err(RequestFileError::TooNarrow {
					code: line.code.clone(),
					low: show(down),
					high: show(up),
					min_width: show(min_width),
				});
			}
			resolved.push(ResolvedIndicator { entry: entry.clone(), down, up, min_width });
		}
		Ok(resolved)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn temperature() -> RegistryEntry {
		RegistryEntry::temperature_for_tests()
	}

	#[test]
	fn the_sample_request_resolves_against_the_genesis_registry_codes() {
		let text = include_str!("../samples/request.json");
		let file = RequestFile::parse(text).unwrap();
		assert!(!file.indicators.is_empty());
	}

	#[test]
	fn resolves_strings_and_numbers_exactly() {
		let file = RequestFile::parse(
			r#"{"indicators":[{"code":"8310-5","unit":"Cel","low":"36.1","high":37.2,"min_width":"0.5"}]}"#,
		)
		.unwrap();
		let resolved = file.resolve(&[temperature()]).unwrap();
		assert_eq!((resolved[0].down, resolved[0].up, resolved[0].min_width), (3_610, 3_720, 50));
	}

	#[test]
	fn refuses_with_a_reason() {
		let with = |line: &str| {
			RequestFile::parse(&format!(r#"{{"indicators":[{line}]}}"#)).unwrap().resolve(&[temperature()])
		};
		assert!(matches!(
			with(r#"{"code":"8310-5","unit":"[degF]","low":"97","high":"99","min_width":"1"}"#),
			Err(RequestFileError::WrongUnit { .. })
		));
		assert!(matches!(
			with(r#"{"code":"8480-6","unit":"mm[Hg]","low":"1","high":"2","min_width":"1"}"#),
			Err(RequestFileError::UnknownCode(_))
		));
		assert!(matches!(
			with(r#"{"code":"8310-5","unit":"Cel","low":"20","high":"37","min_width":"1"}"#),
			Err(RequestFileError::OutsideDomain { .. })
		));
		assert!(matches!(
			with(r#"{"code":"8310-5","unit":"Cel","low":"36.5","high":"36.6","min_width":"0.5"}"#),
			Err(RequestFileError::TooNarrow { .. })
		));
		assert!(matches!(
			with(r#"{"code":"8310-5","unit":"Cel","low":"36.555","high":"37","min_width":"0.5"}"#),
			Err(RequestFileError::Value { .. })
		));
		assert!(matches!(
			with(r#"{"code":"8310-5","unit":"Cel","low":"37.5","high":"36.5","min_width":"0.5"}"#),
			Err(RequestFileError::Reversed { .. })
		));
		let narrow = with(r#"{"code":"8310-5","unit":"Cel","low":"36.5","high":"37.5","min_width":"0.25"}"#).unwrap_err();
		assert!(matches!(narrow, RequestFileError::BelowRegistryMinimum { .. }), "{narrow}");
		assert!(narrow.to_string().contains("0.25 Cel is below the registry's minimum 0.50 Cel"), "{narrow}");
	}
}
