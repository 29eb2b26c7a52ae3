//! Holder data import from FHIR R4: a Bundle of any type a server or an exporter writes
//! (Synthea writes `transaction` bundles, searches answer with `searchset`), or a bare JSON
//! array of Observations.
//!
//! A small typed model of the fields MedShare reads (the generated FHIR model crates cost many
//! GB of memory and long builds). Each requested registry indicator is matched by LOINC code,
//! its UCUM unit is checked and converted, and the value is turned into the registry's
//! fixed-point encoding and checked against the plausibility domain. See docs/FHIR.md.

use chrono::{DateTime, FixedOffset, NaiveDate};
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
/// Bundle types whose entries carry resources as recorded: an export (`collection`), a
/// server's answer to a search or `$everything` (`searchset`), what Synthea writes
/// (`transaction`), and `batch`, `document` and `message`. The `-response` and `history`
/// types describe changes, not a record, and are refused.
const ACCEPTED_BUNDLE_TYPES: [&str; 6] = ["collection", "transaction", "batch", "searchset", "document", "message"];

/// Why a bundle could not be imported. Every message says what to fix.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ImportError {
	#[error("the file is not JSON: {0}")]
	NotJson(String),
	#[error("expected a FHIR Bundle or a JSON array of Observations, found {0}")]
	NotABundle(String),
	#[error("bundle type {0:?} is not supported: export the patient's record as a collection, transaction, batch, searchset, document or message Bundle")]
	UnsupportedBundleType(String),
	#[error("the data holds Observations of {count} patients ({subjects}); export one patient's record, whose values this holder shares")]
	SeveralPatients { count: usize, subjects: String },
	#[error("{name} (LOINC {code}): the latest value, {origin}, is {comparator} {value} (Quantity.comparator), a bound and not a measurement; add a measured Observation")]
	NotAMeasurement { code: String, name: String, origin: String, comparator: String, value: String },
	#[error("{name} (LOINC {code}): {origin} has a unit {unit:?} without Quantity.system {UCUM}, so it is not known to be UCUM; fix the export")]
	UnitWithoutSystem { code: String, name: String, origin: String, unit: String },
	#[error("{name} (LOINC {code}): {origin} is dated {text:?}, which is not a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone)")]
	BadDate { code: String, name: String, origin: String, text: String },
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
struct Reference {
	reference: Option<String>,
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
	effective_instant: Option<String>,
	issued: Option<String>,
	subject: Option<Reference>,
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

#[derive(Deserialize, Clone)]
struct Quantity {
	value: Option<f64>,
	comparator: Option<String>,
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
	quantity: Option<Quantity>,
	/// The Observation's date as written (`effectiveDateTime`, else `effectiveInstant`, else
	/// `issued`).
	when: Option<String>,
	origin: String,
}

/// When a FHIR dateTime or instant happened, time zones honoured. A date without a time
/// (`2024`, `2024-03`, `2024-03-02`) counts from its first moment in UTC: FHIR gives it no zone.
fn instant(text: &str) -> Option<DateTime<FixedOffset>> {
	if let Ok(at) = DateTime::parse_from_rfc3339(text) {
		return Some(at);
	}
	let date = match text.len() {
		4 => NaiveDate::parse_from_str(&format!("{text}-01-01"), "%Y-%m-%d"),
		7 => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d"),
		10 => NaiveDate::parse_from_str(text, "%Y-%m-%d"),
		_ => return None,
	};
	Some(date.ok()?.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset())
}

/// Reads `wanted` indicators from a FHIR R4 Bundle (JSON). The result is in the order of
/// `wanted`. For each indicator the most recent usable Observation wins.
pub fn import_bundle(json: &str, wanted: &[RegistryEntry]) -> Result<Vec<ImportedValue>, ImportError> {
	import_each(json, wanted)?.into_iter().collect()
}

/// Like [`import_bundle`], but with one result per wanted indicator, so that a caller can keep
/// what a bundle has and report the rest. Errors of the data as a whole (not JSON, not a
/// Bundle of an accepted type, several patients) are still the outer error.
pub fn import_each(
	json: &str,
	wanted: &[RegistryEntry],
) -> Result<Vec<Result<ImportedValue, ImportError>>, ImportError> {
	let observations = observations_of(json)?;
	Ok(wanted.iter().map(|entry| import_one(&observations, entry)).collect())
}

/// The usable Observations of a Bundle or of a bare array of resources, all of one patient.
fn observations_of(json: &str) -> Result<Vec<Observation>, ImportError> {
	let data: serde_json::Value = serde_json::from_str(json).map_err(|e| ImportError::NotJson(e.to_string()))?;
	let resources: Vec<serde_json::Value> = match data {
		serde_json::Value::Array(resources) => resources,
		serde_json::Value::Object(ref fields) => match fields.get("resourceType").and_then(|t| t.as_str()) {
			Some("Bundle") => {
				let bundle: Bundle = serde_json::from_value(data).map_err(|e| ImportError::NotJson(e.to_string()))?;
				match bundle.bundle_type.as_deref() {
					Some(kind) if ACCEPTED_BUNDLE_TYPES.contains(&kind) => {},
					other => return Err(ImportError::UnsupportedBundleType(other.unwrap_or("(none)").to_string())),
				}
				bundle.entry.into_iter().filter_map(|entry| entry.resource).collect()
			},
			Some(other) => return Err(ImportError::NotABundle(format!("resourceType {other:?}"))),
			None => return Err(ImportError::NotABundle("an object without resourceType".into())),
		},
		_ => return Err(ImportError::NotABundle("neither an object nor an array".into())),
	};
	let observations: Vec<Observation> = resources
		.into_iter()
		.filter(|resource| resource.get("resourceType").and_then(|t| t.as_str()) == Some("Observation"))
		// An Observation we cannot read (for example one without a code) is skipped, not fatal:
		// bundles exported from health records carry many resources MedShare does not use.
		.filter_map(|resource| serde_json::from_value(resource).ok())
		.filter(|o: &Observation| USABLE_STATUSES.contains(&o.status.as_str()))
		.collect();
	let mut subjects: Vec<&str> =
		observations.iter().filter_map(|o| o.subject.as_ref()?.reference.as_deref()).collect();
	subjects.sort_unstable();
	subjects.dedup();
	if subjects.len() > 1 {
		return Err(ImportError::SeveralPatients { count: subjects.len(), subjects: subjects.join(", ") });
	}
	Ok(observations)
}

fn candidates_for(observations: &[Observation], loinc: &str) -> Vec<Candidate> {
	let mut found = Vec::new();
	for observation in observations {
		let when = observation
			.effective_date_time
			.clone()
			.or_else(|| observation.effective_instant.clone())
			.or_else(|| observation.issued.clone());
		let id = observation.id.clone().unwrap_or_else(|| "(no id)".into());
		let mut push = |quantity: &Option<Quantity>, origin: String| {
			found.push(Candidate { loinc: loinc.to_string(), quantity: quantity.clone(), when: when.clone(), origin });
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


fn import_one(observations: &[Observation], entry: &RegistryEntry) -> Result<ImportedValue, ImportError> {
	let sources = sources_for(entry);
	let accepted =
		sources.iter().map(|s| format!("{} in {}", s.loinc, s.unit)).collect::<Vec<_>>().join(", ");
	let mut loincs: Vec<&str> = sources.iter().map(|s| s.loinc.as_str()).collect();
	loincs.dedup();
	let candidates: Vec<Candidate> = loincs.iter().flat_map(|code| candidates_for(observations, code)).collect();
	if candidates.is_empty() {
		return Err(ImportError::MissingIndicator { code: entry.code.clone(), name: entry.name.clone(), accepted });
	}
	// Most recent first, by the instant each date names (offsets honoured, not text order);
	// an undated Observation counts as the oldest.
	let mut dated = Vec::with_capacity(candidates.len());
	for candidate in candidates {
		let at = match &candidate.when {
			Some(text) => Some(instant(text).ok_or_else(|| ImportError::BadDate {
				code: entry.code.clone(),
				name: entry.name.clone(),
				origin: candidate.origin.clone(),
				text: text.clone(),
			})?),
			None => None,
		};
		dated.push((at, candidate));
	}
	dated.sort_by(|a, b| b.0.cmp(&a.0));
	let latest = &dated[0].1;

	let quantity = latest.quantity.as_ref();
	let unit = quantity
		.and_then(|q| q.code.clone())
		.ok_or_else(|| ImportError::MissingUnit { code: entry.code.clone(), name: entry.name.clone() })?;
	match quantity.and_then(|q| q.system.as_deref()) {
		Some(UCUM) => {},
		None => {
			return Err(ImportError::UnitWithoutSystem {
				code: entry.code.clone(),
				name: entry.name.clone(),
				origin: latest.origin.clone(),
				unit,
			})
		},
		Some(_) => return Err(ImportError::MissingUnit { code: entry.code.clone(), name: entry.name.clone() }),
	}
	if let Some(comparator) = quantity.and_then(|q| q.comparator.clone()) {
		return Err(ImportError::NotAMeasurement {
			code: entry.code.clone(),
			name: entry.name.clone(),
			origin: latest.origin.clone(),
			comparator,
			value: quantity.and_then(|q| q.value).map(|v| v.to_string()).unwrap_or_default(),
		});
	}
	let source = sources
		.iter()
		.find(|s| s.loinc == latest.loinc && s.unit == unit)
		.ok_or_else(|| ImportError::WrongUnit {
			code: entry.code.clone(),
			name: entry.name.clone(),
			found: unit.clone(),
			accepted: accepted.clone(),
		})?;
	let raw = quantity.and_then(|q| q.value).unwrap_or(f64::NAN);
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
	fn every_record_bundle_type_and_a_bare_array_are_accepted() {
		let temperature = observation("8310-5", 37.2, "Cel", "2026-01-01T08:00:00Z");
		for kind in ACCEPTED_BUNDLE_TYPES {
			let typed = bundle(vec![temperature.clone()]).replace("\"collection\"", &format!("\"{kind}\""));
			assert_eq!(import_bundle(&typed, &registry()[..1]).unwrap()[0].scaled, 3_720, "{kind}");
		}
		let array = serde_json::json!([temperature.clone(), { "resourceType": "Patient", "id": "p" }]).to_string();
		assert_eq!(import_bundle(&array, &registry()[..1]).unwrap()[0].scaled, 3_720);
		for kind in ["history", "transaction-response", "batch-response"] {
			let typed = bundle(vec![temperature.clone()]).replace("\"collection\"", &format!("\"{kind}\""));
			assert_eq!(import_bundle(&typed, &registry()[..1]), Err(ImportError::UnsupportedBundleType(kind.into())));
		}
		let untyped = serde_json::json!({ "resourceType": "Bundle", "entry": [] }).to_string();
		assert_eq!(import_bundle(&untyped, &registry()[..1]), Err(ImportError::UnsupportedBundleType("(none)".into())));
		assert!(matches!(import_bundle("{\"resourceType\":\"Patient\"}", &registry()), Err(ImportError::NotABundle(_))));
		assert!(matches!(import_bundle("42", &registry()), Err(ImportError::NotABundle(_))));
		assert!(matches!(import_bundle("not json", &registry()), Err(ImportError::NotJson(_))));
	}

	/// A patient's record as Synthea writes it: a `transaction` Bundle of `urn:uuid` entries
	/// with POST requests, a Patient, Encounters, and vital-sign Observations (blood pressure
	/// as the 85354-9 panel, glucose as 2339-0 in mg/dL), dated with the patient's UTC offset.
	/// `imperial` measures temperature, weight and height in US units. Each value is taken at
	/// two encounters; the second, later one carries `values` (in the units written).
	fn synthea_bundle(patient: &str, offset: &str, imperial: bool, values: &[f64; 9]) -> String {
		let subject = serde_json::json!({ "reference": format!("urn:uuid:{patient}") });
		let mut entries = vec![serde_json::json!({
			"fullUrl": format!("urn:uuid:{patient}"),
			"resource": { "resourceType": "Patient", "id": patient, "name": [{ "family": "Synthetic" }] },
			"request": { "method": "POST", "url": "Patient" }
		})];
		let (temperature, weight, height) = if imperial { ("[degF]", "[lb_av]", "[in_i]") } else { ("Cel", "kg", "cm") };
		let quantity = |value: f64, unit: &str| serde_json::json!({ "value": value, "unit": unit, "system": UCUM, "code": unit });
		let coded = |code: &str| serde_json::json!({ "coding": [{ "system": LOINC, "code": code, "display": code }], "text": code });
		for (visit, day) in [(0, "2019-02-08"), (1, "2023-11-20")] {
			let when = format!("{day}T09:27:59{offset}");
			let scale = if visit == 1 { 1.0 } else { 1.1 };
			let encounter = format!("{patient}-encounter-{visit}");
			entries.push(serde_json::json!({
				"fullUrl": format!("urn:uuid:{encounter}"),
				"resource": { "resourceType": "Encounter", "id": encounter, "status": "finished", "subject": subject },
				"request": { "method": "POST", "url": "Encounter" }
			}));
			let mut vitals: Vec<(String, serde_json::Value, serde_json::Value)> = [
				("8310-5", values[0], temperature),
				("8867-4", values[3], "/min"),
				("59408-5", values[4], "%"),
				("2339-0", values[5], "mg/dL"),
				("9279-1", values[6], "/min"),
				("29463-7", values[7], weight),
				("8302-2", values[8], height),
			]
			.into_iter()
			.map(|(code, value, unit)| (code.to_string(), coded(code), quantity(value * scale, unit)))
			.collect();
			vitals.push(("85354-9".into(), coded("85354-9"), serde_json::Value::Null));
			for (code, concept, value) in vitals {
				let id = format!("{patient}-{code}-{visit}");
				let mut resource = serde_json::json!({
					"resourceType": "Observation",
					"id": id,
					"status": "final",
					"category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs" }] }],
					"code": concept,
					"subject": subject,
					"encounter": { "reference": format!("urn:uuid:{encounter}") },
					"effectiveDateTime": when,
					"issued": format!("{day}T09:27:59.283{offset}"),
				});
				if code == "85354-9" {
					resource["component"] = serde_json::json!([
						{ "code": coded("8480-6"), "valueQuantity": quantity((values[1] * scale).round(), "mm[Hg]") },
						{ "code": coded("8462-4"), "valueQuantity": quantity((values[2] * scale).round(), "mm[Hg]") },
					]);
				} else {
					resource["valueQuantity"] = value;
				}
				entries.push(serde_json::json!({
					"fullUrl": format!("urn:uuid:{id}"),
					"resource": resource,
					"request": { "method": "POST", "url": "Observation" }
				}));
			}
		}
		serde_json::json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries }).to_string()
	}

	#[test]
	fn synthea_transaction_bundles_of_several_patients_each_import_the_latest_values() {
		let patients = [
			// temperature, systolic, diastolic, heart rate, SpO2, glucose (mg/dL), respiration, weight, height
			("0c9b1a6e-1d2f-4a57-9a0e-3b1f5a9d0001", "-05:00", false, [37.2, 121.0, 79.0, 71.0, 98.0, 97.0, 15.0, 81.4, 178.3]),
			("0c9b1a6e-1d2f-4a57-9a0e-3b1f5a9d0002", "+09:00", true, [99.1, 132.0, 85.0, 64.0, 95.0, 110.0, 18.0, 154.0, 65.0]),
			("0c9b1a6e-1d2f-4a57-9a0e-3b1f5a9d0003", "Z", false, [36.6, 110.0, 70.0, 88.0, 99.0, 86.0, 12.0, 55.2, 162.1]),
		];
		let expected = [
			[3_720, 121, 79, 71, 980, 54, 15, 814, 1_783],
			[3_728, 132, 85, 64, 950, 61, 18, 699, 1_651],
			[3_660, 110, 70, 88, 990, 48, 12, 552, 1_621],
		];
		for ((patient, offset, imperial, values), expected) in patients.iter().zip(expected) {
			let imported = import_bundle(&synthea_bundle(patient, offset, *imperial, values), &registry())
				.unwrap_or_else(|e| panic!("patient {patient}: {e}"));
			let scaled: Vec<u32> = imported.iter().map(|v| v.scaled).collect();
			assert_eq!(scaled, expected, "patient {patient}");
			assert!(imported.iter().all(|v| v.source.contains("-1 ")), "the later encounter wins: {imported:?}");
		}
	}

	#[test]
	fn observations_of_several_patients_are_refused() {
		let one = synthea_bundle("patient-a", "Z", false, &[37.0, 120.0, 80.0, 70.0, 98.0, 90.0, 14.0, 70.0, 170.0]);
		let other = synthea_bundle("patient-b", "Z", false, &[37.0, 120.0, 80.0, 70.0, 98.0, 90.0, 14.0, 70.0, 170.0]);
		let mut merged: serde_json::Value = serde_json::from_str(&one).unwrap();
		let more: serde_json::Value = serde_json::from_str(&other).unwrap();
		merged["entry"].as_array_mut().unwrap().extend(more["entry"].as_array().unwrap().iter().cloned());
		let error = import_bundle(&merged.to_string(), &registry()).unwrap_err();
		assert_eq!(
			error,
			ImportError::SeveralPatients { count: 2, subjects: "urn:uuid:patient-a, urn:uuid:patient-b".into() }
		);
	}

	#[test]
	fn the_latest_observation_is_chosen_by_instant_with_its_time_zone() {
		// 23:30 at UTC-5 on 1 March is 04:30 UTC on 2 March: later than 01:00 UTC on 2 March,
		// although its text sorts first.
		let evening_in_new_york = observation("8867-4", 70.0, "/min", "2024-03-01T23:30:00-05:00");
		let night_in_london = observation("8867-4", 90.0, "/min", "2024-03-02T01:00:00Z");
		let values = import_bundle(&bundle(vec![night_in_london.clone(), evening_in_new_york.clone()]), &registry()[3..4]).unwrap();
		assert_eq!(values[0].scaled, 70);
		// A date without a time starts at midnight UTC; an instant and an `issued` count too.
		let date_only = observation("8867-4", 60.0, "/min", "2024-03-02");
		let values = import_bundle(&bundle(vec![date_only, night_in_london]), &registry()[3..4]).unwrap();
		assert_eq!(values[0].scaled, 90);
		let mut by_instant = observation("8867-4", 55.0, "/min", "");
		by_instant.as_object_mut().unwrap().remove("effectiveDateTime");
		by_instant["effectiveInstant"] = "2024-03-02T05:00:00.000Z".into();
		let values = import_bundle(&bundle(vec![evening_in_new_york, by_instant]), &registry()[3..4]).unwrap();
		assert_eq!(values[0].scaled, 55);
		assert_eq!(instant("2024"), instant("2024-01-01T00:00:00Z"));
		assert_eq!(instant("2024-02"), instant("2024-02-01T00:00:00+00:00"));
	}

	#[test]
	fn a_date_that_is_no_fhir_date_is_refused_with_the_observation_named() {
		let undated = observation("8867-4", 70.0, "/min", "03/01/2024 11:30");
		let error = import_bundle(&bundle(vec![undated]), &registry()[3..4]).unwrap_err();
		assert!(
			matches!(&error, ImportError::BadDate { origin, text, .. } if origin.starts_with("Observation/8867-4") && text == "03/01/2024 11:30"),
			"{error}"
		);
		// A time without a zone is not a FHIR dateTime either.
		let zoneless = observation("8867-4", 70.0, "/min", "2024-03-01T11:30:00");
		assert!(matches!(import_bundle(&bundle(vec![zoneless]), &registry()[3..4]), Err(ImportError::BadDate { .. })));
	}

	#[test]
	fn a_bound_instead_of_a_measurement_is_refused_not_guessed() {
		let mut below = observation("15074-8", 5.0, "mmol/L", "2026-01-02T00:00:00Z");
		below["valueQuantity"]["comparator"] = "<".into();
		let older = observation("15074-8", 5.4, "mmol/L", "2026-01-01T00:00:00Z");
		let error = import_bundle(&bundle(vec![older, below]), &registry()[5..6]).unwrap_err();
		assert!(
			matches!(&error, ImportError::NotAMeasurement { comparator, value, .. } if comparator == "<" && value == "5"),
			"{error}"
		);
		assert!(error.to_string().contains("Observation/15074-8-2026-01-02"), "{error}");
	}

	#[test]
	fn a_unit_without_the_ucum_system_is_refused_not_guessed() {
		let mut bare = observation("8310-5", 37.0, "Cel", "2026-01-01T00:00:00Z");
		bare["valueQuantity"].as_object_mut().unwrap().remove("system");
		let error = import_bundle(&bundle(vec![bare]), &registry()[..1]).unwrap_err();
		assert!(matches!(&error, ImportError::UnitWithoutSystem { unit, .. } if unit == "Cel"), "{error}");
		let mut other_system = observation("8310-5", 37.0, "Cel", "2026-01-01T00:00:00Z");
		other_system["valueQuantity"]["system"] = "http://snomed.info/sct".into();
		assert!(matches!(import_bundle(&bundle(vec![other_system]), &registry()[..1]), Err(ImportError::MissingUnit { .. })));
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
