//! The verifying-keys file a ceremony's export writes and a chain specification reads: each
//! circuit's verifying key in `set_verifying_key`'s byte format, with the digest of the phase-2
//! transcript it came from, and the digest of the phase 1 under both.
//!
//! ```json
//! { "format": "medshare-verifying-keys-v1",
//!   "phase1": "0x…",
//!   "requirement": { "key": "0x…", "transcript": "0x…" },
//!   "eligibility": { "key": "0x…", "transcript": "0x…" } }
//! ```
//!
//! Reading refuses the development keys: a file that claims a ceremony must not carry keys
//! anyone can forge proofs for.

use serde_json::{json, Value};

use crate::setup::CircuitKind;

/// The `format` field of a verifying-keys file.
pub const KEYS_FORMAT: &str = "medshare-verifying-keys-v1";

/// One circuit's key and the transcript it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CeremonyKey {
	/// The verifying key in bellman's byte format.
	pub key: Vec<u8>,
	/// The digest of the circuit's phase-2 transcript ([`super::phase2::transcript_digest`]).
	pub transcript: [u8; 32],
}

/// Both circuits' keys from one ceremony.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CeremonyKeys {
	/// The digest of the phase 1 both circuits were built on.
	pub phase1: [u8; 32],
	pub requirement: CeremonyKey,
	pub eligibility: CeremonyKey,
}

/// Why a verifying-keys file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeysError {
	/// Not JSON, or not this format.
	Format(String),
	/// A field is missing or is not the hex it should be.
	Field(String),
	/// A circuit's key is not a well-formed verifying key for the circuit's public inputs.
	Malformed(CircuitKind),
	/// A circuit's key is the development setup's, which anyone can forge proofs for.
	DevelopmentKey(CircuitKind),
}

impl core::fmt::Display for KeysError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			KeysError::Format(why) => write!(f, "not a {KEYS_FORMAT} file: {why}"),
			KeysError::Field(field) => write!(f, "field {field} is missing or not 0x-prefixed hex of the right length"),
			KeysError::Malformed(kind) => write!(f, "the {} key is not a well-formed verifying key for its circuit", kind.name()),
			KeysError::DevelopmentKey(kind) => write!(
				f,
				"the {} key is the development key, which anyone can forge proofs for; export the keys of a real ceremony (docs/CEREMONY.md)",
				kind.name()
			),
		}
	}
}

impl std::error::Error for KeysError {}

fn to_hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn field<'a>(value: &'a Value, path: &[&str]) -> Result<&'a str, KeysError> {
	path.iter()
		.try_fold(value, |v, key| v.get(key))
		.and_then(Value::as_str)
		.ok_or_else(|| KeysError::Field(path.join(".")))
}

fn bytes(value: &Value, path: &[&str]) -> Result<Vec<u8>, KeysError> {
	let text = field(value, path)?;
	text.strip_prefix("0x").and_then(|h| hex::decode(h).ok()).ok_or_else(|| KeysError::Field(path.join(".")))
}

fn digest(value: &Value, path: &[&str]) -> Result<[u8; 32], KeysError> {
	bytes(value, path)?.try_into().map_err(|_| KeysError::Field(path.join(".")))
}

impl CeremonyKeys {
	/// The key of `kind`.
	pub fn get(&self, kind: CircuitKind) -> &CeremonyKey {
		match kind {
			CircuitKind::Requirement => &self.requirement,
			CircuitKind::Eligibility => &self.eligibility,
		}
	}

	/// The file's text.
	pub fn to_json(&self) -> String {
		let entry = |k: &CeremonyKey| json!({ "key": to_hex(&k.key), "transcript": to_hex(&k.transcript) });
		let value = json!({
			"format": KEYS_FORMAT,
			"phase1": to_hex(&self.phase1),
			"requirement": entry(&self.requirement),
			"eligibility": entry(&self.eligibility),
		});
		let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
		text.push('\n');
		text
	}

	/// Reads a file's text, refusing malformed keys and the development keys.
	pub fn from_json(text: &str) -> Result<CeremonyKeys, KeysError> {
		let value: Value = serde_json::from_str(text).map_err(|e| KeysError::Format(e.to_string()))?;
		if value.get("format").and_then(Value::as_str) != Some(KEYS_FORMAT) {
			return Err(KeysError::Format(format!("its \"format\" is not \"{KEYS_FORMAT}\"")));
		}
		let entry = |kind: CircuitKind| -> Result<CeremonyKey, KeysError> {
			let key = bytes(&value, &[kind.name(), "key"])?;
			crate::verify::check_verifying_key(&key, kind.public_inputs()).map_err(|_| KeysError::Malformed(kind))?;
			if key == kind.dev_verifying_key() {
				return Err(KeysError::DevelopmentKey(kind));
			}
			Ok(CeremonyKey { key, transcript: digest(&value, &[kind.name(), "transcript"])? })
		};
		Ok(CeremonyKeys {
			phase1: digest(&value, &["phase1"])?,
			requirement: entry(CircuitKind::Requirement)?,
			eligibility: entry(CircuitKind::Eligibility)?,
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Well-formed keys that are not the development ones: their α and β in G1 swapped.
	fn keys() -> CeremonyKeys {
		let key = |kind: CircuitKind| {
			let mut key = kind.dev_verifying_key().to_vec();
			let (alpha, beta) = key[..192].split_at_mut(96);
			alpha.swap_with_slice(beta);
			CeremonyKey { key, transcript: [kind as u8; 32] }
		};
		CeremonyKeys { phase1: [9; 32], requirement: key(CircuitKind::Requirement), eligibility: key(CircuitKind::Eligibility) }
	}

	#[test]
	fn a_keys_file_reads_back_and_development_keys_are_refused() {
		let keys = keys();
		assert_eq!(CeremonyKeys::from_json(&keys.to_json()).unwrap(), keys);

		let mut dev = keys.clone();
		dev.eligibility.key = CircuitKind::Eligibility.dev_verifying_key().to_vec();
		assert_eq!(CeremonyKeys::from_json(&dev.to_json()), Err(KeysError::DevelopmentKey(CircuitKind::Eligibility)));

		// The keys swapped: each is well formed, but for the other circuit's input count.
		let mut swapped = keys.clone();
		core::mem::swap(&mut swapped.requirement.key, &mut swapped.eligibility.key);
		assert_eq!(CeremonyKeys::from_json(&swapped.to_json()), Err(KeysError::Malformed(CircuitKind::Requirement)));

		let text = keys.to_json().replace(&to_hex(&keys.phase1), "0x1234");
		assert_eq!(CeremonyKeys::from_json(&text), Err(KeysError::Field("phase1".into())));
		assert!(matches!(CeremonyKeys::from_json("{}"), Err(KeysError::Format(_))));
	}
}
