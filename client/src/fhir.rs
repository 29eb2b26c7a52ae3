//! Holder data import from a FHIR R4 Bundle of Observations.
//!
//! A small typed model of the fields MedShare reads (the generated FHIR model crates cost many
//! GB of memory and long builds). Each requested registry indicator is matched by LOINC code,
//! its UCUM unit is checked and converted, and the value is turned into the registry's
//! fixed-point encoding and checked against the plausibility domain. See docs/FHIR.md.

use serde::Deserialize;

use crate::registry::RegistryEntry;

const LOINC: &str = "http://loinc.org";
const UCUM: &str = "http://unitsofmeasure.org";
/// Panels whose components carry systolic and diastolic blood pressure.
const BLOOD_PRESSURE_PANELS: [&str; 2] = ["85354-9", "55284-4"];
/// Observation statuses whose values count; preliminary, cancelled and entered-in-error do not.
const USABLE_STATUSES: [&str; 3] = ["final", "amended", "corrected"];
/// g/mol: converts glucose between mg/dL and mmol/L (mmol/L = mg/dL * 10 / 180.156).
const GLUCOSE_MOLAR_MASS: f64 = 180.156;

/// Why a bundle could not be imported. Every message says what to fix.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ImportError {
	#[error("the file is not JSON: {0}")]
	NotJson(String),
	#[error("expected a FHIR Bundle, found resourceType {0:?}")]
	NotABundle(String),
	#[error("bundle type {0:?} is not supported: export the data as a `collection` or `searchset` Bundle")]
	UnsupportedBundleType(String),
	#[error("no usable Observation for {name} (LOINC {code}); accepted codes: {accepted}. Add a final Observation with one of them")]
	MissingIndicator { code: String, name: String, accepted: String },
	#[error("{name} (LOINC {code}) is in unit {found:?}, which MedShare cannot convert; use one of: {accepted}")]
	WrongUnit { code: String, name: String, found: String, accepted: String },
	#[error("{name} (LOINC {code}) has no UCUM unit code (Quantity.system {UCUM} with Quantity.code)")]
	MissingUnit { code: String, name: String },
	#[error("{name} (LOINC {code}) value {value} cannot be encoded: it must be a number from 0 up to 2^32-1 in units of 10^-{scale} {unit}")]
	NotEncodable { code: String, name: String, value: f64, scale: u8, unit: String },
	#[error("{name} (LOINC {code}) = {value} is outside the plausible range {lo} to {hi}; check the measurement and its unit")]
	OutOfDomain { code: String, name: String, value: String, lo: String, hi: String, scaled: u32 },
}

/// One imported measurement, in the registry's encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedValue {
	/// Registry id of the indicator.
	pub indicator_id: u32,
	/// Registry LOINC code.
	pub code: String,
	/// The fixed-point value: measurement in the registry unit times 10^scale, rounded.
	pub scaled: u32,
	/// Where it came from, for people checking the import.
	pub source: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
	resource_type: String,
	#[serde(rename = "type")]
	bundle_type: Option<String>,
	#[serde(default)]
	entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
	resource: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Observation {
	id: Option<String>,
	status: String,
	code: CodeableConcept,
	value_quantity: Option<Quantity>,
	#[serde(default)]
	component: Vec<Component>,
	effective_date_time: Option<String>,
	issued: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Component {
	code: CodeableConcept,
	value_quantity: Option<Quantity>,
}

#[derive(Deserialize)]
struct CodeableConcept {
	#[serde(default)]
	coding: Vec<Coding>,
}

#[derive(Deserialize)]
struct Coding {
	system: Option<String>,
	code: Option<String>,
}

#[derive(Deserialize)]
struct Quantity {
	value: Option<f64>,
	system: Option<String>,
	code: Option<String>,
}

impl CodeableConcept {
	fn has_loinc(&self, wanted: &str) -> bool {
		self.coding
			.iter()
			.any(|c| c.system.as_deref() == Some(LOINC) && c.code.as_deref() == Some(wanted))
	}
}

/// A way of measuring a registry indicator: a LOINC code, a UCUM unit, and the conversion of
/// its values into the registry unit.
struct Source {
	loinc: String,
	unit: String,
	to_registry_unit: fn(f64) -> f64,
}

fn same(value: f64) -> f64 {
	value
}

/// The registry's own code and unit, plus the other codes and units that measure the same thing.
fn sources_for(entry: &RegistryEntry) -> Vec<Source> {
	let extra: &[(&'static str, &'static str, fn(f64) -> f64)] = match (entry.code.as_str(), entry.unit.as_str()) {
		("8310-5", "Cel") => &[("8310-5", "[degF]", |f| (f - 32.0) * 5.0 / 9.0)],
		("8867-4", "/min") => &[("8867-4", "{beats}/min", same)],
		("9279-1", "/min") => &[("9279-1", "{breaths}/min", same)],
		// Pulse oximetry measures the same saturation non-invasively.
		("2708-6", "%") => &[("59408-5", "%", same)],
		("15074-8", "mmol/L") => &[("2339-0", "mg/dL", |mg| mg * 10.0 / GLUCOSE_MOLAR_MASS)],
		("29463-7", "kg") => &[("29463-7", "[lb_av]", |lb| lb * 0.453_592_37), ("29463-7", "g", |g| g / 1000.0)],
		("8302-2", "cm") => &[("8302-2", "[in_i]", |inch| inch * 2.54), ("8302-2", "m", |m| m * 100.0)],
		_ => &[],
	};
	let own = Source { loinc: entry.code.clone(), unit: entry.unit.clone(), to_registry_unit: same };
	let others = extra.iter().map(|&(loinc, unit, to_registry_unit)| Source {
		loinc: loinc.into(),
		unit: unit.into(),
		to_registry_unit,
	});
	core::iter::once(own).chain(others).collect()
}

/// A value found in the bundle for one LOINC code.
struct Candidate {
	loinc: String,
	quantity_unit: Option<String>,
	value: Option<f64>,
	when: String,
	origin: String,
}

/// Reads `wanted` indicators from a FHIR R4 Bundle (JSON). The result is in the order of
/// `wanted`. For each indicator the most recent usable Observation wins.
pub fn import_bundle(json: &str, wanted: &[RegistryEntry]) -> Result<Vec<ImportedValue>, ImportError> {
	import_each(json, wanted)?.into_iter().collect()
}

/// Like [`import_bundle`], but with one result per wanted indicator, so that a caller can keep
/// what a bundle has and report the rest. Errors of the bundle as a whole (not JSON, not a
/// collection or searchset Bundle) are still the outer error.
pub fn import_each(
	json: &str,
	wanted: &[RegistryEntry],
) -> Result<Vec<Result<ImportedValue, ImportError>>, ImportError> {
	let bundle: Bundle = serde_json::from_str(json).map_err(|e| ImportError::NotJson(e.to_string()))?;
	if bundle.resource_type != "Bundle" {
		return Err(ImportError::NotABundle(bundle.resource_type));
	}
	match bundle.bundle_type.as_deref() {
		Some("collection") | Some("searchset") => {},
		other => return Err(ImportError::UnsupportedBundleType(other.unwrap_or("(none)").to_string())),
	}
	let observations: Vec<Observation> = bundle
		.entry
		.into_iter()
		.filter_map(|entry| entry.resource)
		.filter(|resource| resource.get("resourceType").and_then(|t| t.as_str()) == Some("Observation"))
		// An Observation we cannot read (for example one without a code) is skipped, not fatal:
		// bundles exported from health records carry many resources MedShare does not use.
		.filter_map(|resource| serde_json::from_value(resource).ok())
		.filter(|o: &Observation| USABLE_STATUSES.contains(&o.status.as_str()))
		.collect();

	Ok(wanted.iter().map(|entry| import_one(&observations, entry)).collect())
}

fn candidates_for(observations: &[Observation], loinc: &str) -> Vec<Candidate> {
	let mut found = Vec::new();
	for observation in observations {
		let when = observation
			.effective_date_time
			.clone()
			.or_else(|| observation.issued.clone())
			.unwrap_or_default();
		let id = observation.id.clone().unwrap_or_else(|| "(no id)".into());
		let mut push = |quantity: &Option<Quantity>, origin: String| {
			found.push(Candidate {
				loinc: loinc.to_string(),
				quantity_unit: quantity.as_ref().and_then(ucum_code),
				value: quantity.as_ref().and_then(|q| q.value),
				when: when.clone(),
				origin,
			});
		};
		if observation.code.has_loinc(loinc) {
			push(&observation.value_quantity, format!("Observation/{id}"));
		}
		let is_panel = BLOOD_PRESSURE_PANELS.iter().any(|panel| observation.code.has_loinc(panel));
		if is_panel {
			for component in observation.component.iter().filter(|c| c.code.has_loinc(loinc)) {
				push(&component.value_quantity, format!("Observation/{id} component {loinc}"));
			}
		}
	}
	found
}

fn ucum_code(quantity: &Quantity) -> Option<String> {
	match quantity.system.as_deref() {
		Some(UCUM) | None => quantity.code.clone(),
		Some(_) => None,
	}
}

fn import_one(observations: &[Observation], entry: &RegistryEntry) -> Result<ImportedValue, ImportError> {
	let sources = sources_for(entry);
	let accepted =
		sources.iter().map(|s| format!("{} in {}", s.loinc, s.unit)).collect::<Vec<_>>().join(", ");
	let mut loincs: Vec<&str> = sources.iter().map(|s| s.loinc.as_str()).collect();
	loincs.dedup();
	let mut candidates: Vec<Candidate> = loincs.iter().flat_map(|code| candidates_for(observations, code)).collect();
	if candidates.is_empty() {
		return Err(ImportError::MissingIndicator { code: entry.code.clone(), name: entry.name.clone(), accepted });
	}
	// Most recent first; FHIR dateTimes in one bundle normally share a format, so text order is
	// time order.
	candidates.sort_by(|a, b| b.when.cmp(&a.when));
	let latest = &candidates[0];

	let unit = latest
		.quantity_unit
		.clone()
		.ok_or_else(|| ImportError::MissingUnit { code: entry.code.clone(), name: entry.name.clone() })?;
	let source = sources
		.iter()
		.find(|s| s.loinc == latest.loinc && s.unit == unit)
		.ok_or_else(|| ImportError::WrongUnit {
			code: entry.code.clone(),
			name: entry.name.clone(),
			found: unit.clone(),
			accepted: accepted.clone(),
		})?;
	let raw = latest.value.unwrap_or(f64::NAN);
	let converted = (source.to_registry_unit)(raw);
	let scaled = converted * 10f64.powi(i32::from(entry.scale));
	let rounded = scaled.round();
	if !rounded.is_finite() || rounded < 0.0 || rounded > f64::from(u32::MAX) {
		return Err(ImportError::NotEncodable {
			code: entry.code.clone(),
			name: entry.name.clone(),
			value: raw,
			scale: entry.scale,
			unit: entry.unit.clone(),
		});
	}
	let scaled = rounded as u32;
	if scaled < entry.lo || scaled > entry.hi {
		return Err(ImportError::OutOfDomain {
			code: entry.code.clone(),
			name: entry.name.clone(),
			value: entry.display_value(scaled),
			lo: entry.display_value(entry.lo),
			hi: entry.display_value(entry.hi),
			scaled,
		});
	}
	Ok(ImportedValue {
		indicator_id: entry.id,
		code: entry.code.clone(),
		scaled,
		source: format!("{} ({} {} {})", latest.origin, latest.loinc, raw, unit),
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn entry(id: u32, code: &str, name: &str, unit: &str, scale: u8, lo: u32, hi: u32) -> RegistryEntry {
		RegistryEntry { id, code: code.into(), name: name.into(), unit: unit.into(), scale, lo, hi, min_width: 1 }
	}

	/// The genesis registry of the development chain (runtime/src/genesis.rs).
	fn registry() -> Vec<RegistryEntry> {
		vec![
			entry(0, "8310-5", "Body temperature", "Cel", 2, 2_500, 4_500),
			entry(1, "8480-6", "Systolic blood pressure", "mm[Hg]", 0, 40, 300),
			entry(2, "8462-4", "Diastolic blood pressure", "mm[Hg]", 0, 20, 200),
			entry(3, "8867-4", "Heart rate", "/min", 0, 20, 300),
			entry(4, "2708-6", "Oxygen saturation in arterial blood", "%", 1, 500, 1_000),
			entry(5, "15074-8", "Glucose in blood", "mmol/L", 1, 10, 500),
			entry(6, "9279-1", "Respiratory rate", "/min", 0, 4, 80),
			entry(7, "29463-7", "Body weight", "kg", 1, 5, 5_000),
			entry(8, "8302-2", "Body height", "cm", 1, 300, 2_720),
		]
	}

	fn sample() -> String {
		let path = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/holder-bundle.json");
		std::fs::read_to_string(path).expect("the sample bundle ships with the client")
	}

	fn observation(code: &str, value: f64, unit: &str, when: &str) -> serde_json::Value {
		serde_json::json!({
			"resourceType": "Observation",
			"id": format!("{code}-{when}"),
			"status": "final",
			"code": { "coding": [{ "system": LOINC, "code": code }] },
			"effectiveDateTime": when,
			"valueQuantity": { "value": value, "system": UCUM, "code": unit }
		})
	}

	fn bundle(resources: Vec<serde_json::Value>) -> String {
		let entries: Vec<_> = resources.into_iter().map(|r| serde_json::json!({ "resource": r })).collect();
		serde_json::json!({ "resourceType": "Bundle", "type": "collection", "entry": entries }).to_string()
	}

	#[test]
	fn sample_bundle_imports_every_genesis_indicator() {
		let values = import_bundle(&sample(), &registry()).expect("the sample imports");
		let scaled: Vec<(String, u32)> = values.iter().map(|v| (v.code.clone(), v.scaled)).collect();
		assert_eq!(
			scaled,
			vec![
				("8310-5".into(), 3_717),  // 98.9 [degF] = 37.17 Cel
				("8480-6".into(), 118),    // from the 85354-9 panel
				("8462-4".into(), 76),     // from the 85354-9 panel
				("8867-4".into(), 72),     // the latest of two heart rates
				("2708-6".into(), 970),    // 59408-5, pulse oximetry, 97 %
				("15074-8".into(), 53),    // 2339-0: 95 mg/dL = 5.27 mmol/L
				("9279-1".into(), 16),
				("29463-7".into(), 705),
				("8302-2".into(), 1_752),
			]
		);
		assert!(values[1].source.contains("component 8480-6"), "{}", values[1].source);
	}

	#[test]
	fn searchset_bundles_are_accepted_and_other_types_refused() {
		let temperature = observation("8310-5", 37.2, "Cel", "2026-01-01T08:00:00Z");
		let searchset = bundle(vec![temperature.clone()]).replace("\"collection\"", "\"searchset\"");
		assert_eq!(import_bundle(&searchset, &registry()[..1]).unwrap()[0].scaled, 3_720);
		let transaction = bundle(vec![temperature]).replace("\"collection\"", "\"transaction\"");
		assert_eq!(
			import_bundle(&transaction, &registry()[..1]),
			Err(ImportError::UnsupportedBundleType("transaction".into()))
		);
		assert!(matches!(import_bundle("{\"resourceType\":\"Patient\"}", &registry()), Err(ImportError::NotABundle(_))));
		assert!(matches!(import_bundle("not json", &registry()), Err(ImportError::NotJson(_))));
	}

	#[test]
	fn a_missing_indicator_names_the_codes_that_would_do() {
		let only_temperature = bundle(vec![observation("8310-5", 37.0, "Cel", "2026-01-01")]);
		let error = import_bundle(&only_temperature, &registry()[4..5]).unwrap_err();
		assert!(matches!(&error, ImportError::MissingIndicator { code, .. } if code == "2708-6"));
		assert!(error.to_string().contains("59408-5 in %"), "{error}");
	}

	#[test]
	fn a_wrong_unit_is_refused_with_the_accepted_ones() {
		let kelvin = bundle(vec![observation("8310-5", 310.0, "K", "2026-01-01")]);
		let error = import_bundle(&kelvin, &registry()[..1]).unwrap_err();
		assert!(matches!(&error, ImportError::WrongUnit { found, .. } if found == "K"));
		assert!(error.to_string().contains("8310-5 in [degF]"), "{error}");
		// 15074-8 is defined in mmol/L: a mg/dL value under that code is a coding error.
		let mislabelled = bundle(vec![observation("15074-8", 95.0, "mg/dL", "2026-01-01")]);
		assert!(matches!(import_bundle(&mislabelled, &registry()[5..6]), Err(ImportError::WrongUnit { .. })));
	}

	#[test]
	fn values_outside_the_domain_or_the_encoding_are_refused() {
		let fever_in_celsius_labelled_f = bundle(vec![observation("8310-5", 39.0, "[degF]", "2026-01-01")]);
		let error = import_bundle(&fever_in_celsius_labelled_f, &registry()[..1]).unwrap_err();
		assert!(matches!(&error, ImportError::OutOfDomain { value, .. } if value == "3.89 Cel"), "{error}");
		let negative = bundle(vec![observation("8867-4", -5.0, "/min", "2026-01-01")]);
		assert!(matches!(import_bundle(&negative, &registry()[3..4]), Err(ImportError::NotEncodable { .. })));
		let huge = bundle(vec![observation("8867-4", 1e12, "/min", "2026-01-01")]);
		assert!(matches!(import_bundle(&huge, &registry()[3..4]), Err(ImportError::NotEncodable { .. })));
	}

	#[test]
	fn the_domain_edges_are_inside() {
		let low = bundle(vec![observation("8867-4", 20.0, "/min", "2026-01-01")]);
		assert_eq!(import_bundle(&low, &registry()[3..4]).unwrap()[0].scaled, 20);
		let high = bundle(vec![observation("8867-4", 300.0, "/min", "2026-01-01")]);
		assert_eq!(import_bundle(&high, &registry()[3..4]).unwrap()[0].scaled, 300);
		let above = bundle(vec![observation("8867-4", 301.0, "/min", "2026-01-01")]);
		assert!(matches!(import_bundle(&above, &registry()[3..4]), Err(ImportError::OutOfDomain { .. })));
	}

	#[test]
	fn preliminary_and_unusable_observations_are_ignored() {
		let mut preliminary = observation("8867-4", 150.0, "/min", "2026-06-01");
		preliminary["status"] = "preliminary".into();
		let final_one = observation("8867-4", 64.0, "/min", "2026-01-01");
		let no_code = serde_json::json!({ "resourceType": "Observation", "status": "final" });
		let patient = serde_json::json!({ "resourceType": "Patient", "id": "p" });
		let values = import_bundle(&bundle(vec![preliminary, final_one, no_code, patient]), &registry()[3..4]).unwrap();
		assert_eq!(values[0].scaled, 64);
	}

	#[test]
	fn units_convert_to_the_registry_unit() {
		let cases = [
			(registry()[7].clone(), observation("29463-7", 154.0, "[lb_av]", "2026-01-01"), 699),
			(registry()[7].clone(), observation("29463-7", 70_500.0, "g", "2026-01-01"), 705),
			(registry()[8].clone(), observation("8302-2", 69.0, "[in_i]", "2026-01-01"), 1_753),
			(registry()[8].clone(), observation("8302-2", 1.8, "m", "2026-01-01"), 1_800),
			(registry()[3].clone(), observation("8867-4", 80.0, "{beats}/min", "2026-01-01"), 80),
		];
		for (entry, obs, expected) in cases {
			let got = import_bundle(&bundle(vec![obs]), std::slice::from_ref(&entry)).unwrap()[0].scaled;
			assert_eq!(got, expected, "{}", entry.code);
		}
	}
}
