//! The client's local secret state: Paillier secret keys, the institution's ranges and salts,
//! the holder's imported values, nonces and blindings, and decrypted results. None of it ever
//! goes on chain (PROTOCOL.md section 5); it lives in files under the state directory, readable
//! by the owner only.
//!
//! ```text
//! <state-dir>/keys/<account>.json                      Paillier key pair of an account
//! <state-dir>/holders/<account>.json                   values imported from a FHIR bundle
//! <state-dir>/chains/<genesis>/requests/<id>.json      institution: ranges, salts, h'
//! <state-dir>/chains/<genesis>/sessions/<id>.json      holder: nonce, values, blindings, outcomes
//! <state-dir>/chains/<genesis>/results/<id>.json       institution: decrypted -1/0/1
//! ```
//!
//! Request and session ids are only unique per chain, hence the genesis hash in the path; a
//! development chain restarted with `--tmp` has the same genesis and reuses ids, so every file
//! records what it was made for (commitments, nonce) and is checked against the chain on use.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// Why reading or writing local state failed.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
	#[error("cannot {action} {path}: {error}")]
	Io { action: &'static str, path: PathBuf, error: std::io::Error },
	#[error("{path} is damaged ({error}); restore it from a backup or remove it and start that step again")]
	Corrupt { path: PathBuf, error: String },
	#[error("no {what} in {path}; {hint}")]
	Missing { what: String, path: PathBuf, hint: String },
}

/// The default state directory: `$MEDSHARE_STATE_DIR`, else `$XDG_DATA_HOME/medshare`, else
/// `~/.local/share/medshare`.
pub fn default_state_dir() -> PathBuf {
	if let Some(dir) = std::env::var_os("MEDSHARE_STATE_DIR") {
		return PathBuf::from(dir);
	}
	let data = std::env::var_os("XDG_DATA_HOME")
		.map(PathBuf::from)
		.or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local").join("share")))
		.unwrap_or_else(std::env::temp_dir);
	data.join("medshare")
}

/// A Paillier key pair as stored: the secret key encoding of `medshare-paillier`, hex.
#[derive(Serialize, Deserialize)]
pub struct KeyFile {
	/// SS58 address of the account the key belongs to.
	pub account: String,
	/// Modulus size.
	pub bits: u32,
	/// `Keypair::to_secret_bytes`, hex.
	pub secret: String,
}

/// One indicator of an institution's request, with its secret range.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RequestIndicatorSecret {
	pub id: u32,
	pub code: String,
	pub name: String,
	pub unit: String,
	pub scale: u8,
	pub min_width: u32,
	/// Secret lower bound (scaled).
	pub down: u32,
	/// Secret upper bound (scaled).
	pub up: u32,
}

/// What an institution keeps about one of its requests.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct RequestSecrets {
	pub request_id: u64,
	pub institution: String,
	pub indicators: Vec<RequestIndicatorSecret>,
	/// h' of each chunk, hex: ties this file to the on-chain request.
	pub range_commitments: Vec<String>,
	/// The salts opening h' (for a later audit of the ranges), hex.
	pub salts: Vec<String>,
}

/// One imported value of a holder.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct HolderValue {
	pub code: String,
	pub name: String,
	pub unit: String,
	pub scale: u8,
	/// The fixed-point value.
	pub scaled: u32,
	/// Whether it lies in the registry's plausible domain (only such values can be proven).
	pub in_domain: bool,
	/// Where in the bundle it came from.
	pub source: String,
}

/// A holder's imported data.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct HolderData {
	pub account: String,
	pub bundle: String,
	pub values: Vec<HolderValue>,
}

/// What a holder keeps about one session.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SessionSecrets {
	pub session_id: u64,
	pub request_id: u64,
	pub holder: String,
	/// The request's institution (files written before it was recorded have none).
	#[serde(default)]
	pub institution: Option<String>,
	/// The nonce bound into the proofs, hex.
	pub nonce: String,
	/// h per chunk, hex.
	pub data_commitments: Vec<String>,
	/// rd per chunk, hex: opens h.
	pub blindings: Vec<String>,
	/// (indicator id, LOINC code, value) in request order.
	pub values: Vec<(u32, String, u32)>,
	/// The holder's own -1/0/1 once it answered the comparison.
	#[serde(default)]
	pub outcomes: Option<Vec<i8>>,
}

/// One row of an institution's decrypted result.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OutcomeRow {
	pub id: u32,
	pub code: String,
	pub name: String,
	/// -1 below the range, 0 inside, 1 above.
	pub outcome: i8,
}

/// An institution's decrypted result of one session.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SessionResult {
	pub session_id: u64,
	pub request_id: u64,
	pub holder: String,
	pub block: u64,
	pub outcomes: Vec<OutcomeRow>,
}

/// The state directory.
#[derive(Clone, Debug)]
pub struct StateDir {
	root: PathBuf,
}

impl StateDir {
	/// Uses `root` (created on first write).
	pub fn new(root: impl Into<PathBuf>) -> StateDir {
		StateDir { root: root.into() }
	}

	/// The directory.
	pub fn root(&self) -> &Path {
		&self.root
	}

	/// Where an account's Paillier key pair lives.
	pub fn key_path(&self, account: &str) -> PathBuf {
		self.root.join("keys").join(format!("{account}.json"))
	}

	/// Where an account's imported data lives.
	pub fn holder_path(&self, account: &str) -> PathBuf {
		self.root.join("holders").join(format!("{account}.json"))
	}

	fn chain_dir(&self, genesis: &str) -> PathBuf {
		self.root.join("chains").join(genesis)
	}

	/// Where an institution's secrets of a request live.
	pub fn request_path(&self, genesis: &str, request_id: u64) -> PathBuf {
		self.chain_dir(genesis).join("requests").join(format!("{request_id}.json"))
	}

	/// Where a holder's secrets of a session live.
	pub fn session_path(&self, genesis: &str, session_id: u64) -> PathBuf {
		self.chain_dir(genesis).join("sessions").join(format!("{session_id}.json"))
	}

	/// Where an institution's decrypted result of a session lives.
	pub fn result_path(&self, genesis: &str, session_id: u64) -> PathBuf {
		self.chain_dir(genesis).join("results").join(format!("{session_id}.json"))
	}

	/// Every holder's session file of the chain `genesis` (pending joins left out), by id.
	pub fn session_files(&self, genesis: &str) -> Result<Vec<SessionSecrets>, StateError> {
		self.all_in(&self.chain_dir(genesis).join("sessions"))
	}

	/// Every decrypted result of the chain `genesis`, by session id.
	pub fn result_files(&self, genesis: &str) -> Result<Vec<SessionResult>, StateError> {
		self.all_in(&self.chain_dir(genesis).join("results"))
	}

	/// The `<id>.json` files of `dir`, read and ordered by id; a missing directory is empty.
	fn all_in<T: DeserializeOwned>(&self, dir: &Path) -> Result<Vec<T>, StateError> {
		let entries = match fs::read_dir(dir) {
			Ok(entries) => entries,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
			Err(error) => return Err(StateError::Io { action: "list", path: dir.to_path_buf(), error }),
		};
		let mut found = Vec::new();
		for entry in entries {
			let path = entry.map_err(|error| StateError::Io { action: "list", path: dir.to_path_buf(), error })?.path();
			let id = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".json")).and_then(|n| n.parse::<u64>().ok());
			if let Some(id) = id {
				found.push((id, path));
			}
		}
		found.sort();
		let mut out = Vec::with_capacity(found.len());
		for (_, path) in found {
			if let Some(value) = self.read(&path)? {
				out.push(value);
			}
		}
		Ok(out)
	}

	/// Writes `value` as JSON, atomically and readable by the owner only.
	pub fn write<T: Serialize>(&self, path: &Path, value: &T) -> Result<(), StateError> {
		let io = |action, error| StateError::Io { action, path: path.to_path_buf(), error };
		let dir = path.parent().expect("state paths have a parent");
		create_private_dir(dir).map_err(|e| io("create the directory of", e))?;
		let text = serde_json::to_string_pretty(value).expect("state types serialize");
		let temporary = path.with_extension("json.tmp");
		{
			let mut file = private_file(&temporary).map_err(|e| io("create", e))?;
			file.write_all(text.as_bytes()).map_err(|e| io("write", e))?;
			file.sync_all().map_err(|e| io("sync", e))?;
		}
		// Rename last, so a crash never leaves a half-written secret in place of a good one.
		fs::rename(&temporary, path).map_err(|e| io("replace", e))
	}

	/// Reads JSON from `path`; a missing file is `Ok(None)`.
	pub fn read<T: DeserializeOwned>(&self, path: &Path) -> Result<Option<T>, StateError> {
		match fs::read_to_string(path) {
			Ok(text) => serde_json::from_str(&text)
				.map(Some)
				.map_err(|e| StateError::Corrupt { path: path.to_path_buf(), error: e.to_string() }),
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
			Err(error) => Err(StateError::Io { action: "read", path: path.to_path_buf(), error }),
		}
	}

	/// Reads JSON that must exist; `what` and `hint` make the error say what to run.
	pub fn require<T: DeserializeOwned>(&self, path: &Path, what: &str, hint: &str) -> Result<T, StateError> {
		self.read(path)?.ok_or_else(|| StateError::Missing {
			what: what.to_string(),
			path: path.to_path_buf(),
			hint: hint.to_string(),
		})
	}
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
	use std::os::unix::fs::DirBuilderExt;
	fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
	fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
	use std::os::unix::fs::OpenOptionsExt;
	fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
	fs::File::create(path)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn round_trips_privately() {
		let dir = std::env::temp_dir().join(format!("medshare-state-test-{}", std::process::id()));
		let state = StateDir::new(&dir);
		let path = state.request_path("abcd", 7);
		assert!(state.read::<RequestSecrets>(&path).unwrap().is_none());
		let secrets = RequestSecrets {
			request_id: 7,
			institution: "x".into(),
			indicators: vec![],
			range_commitments: vec!["00".into()],
			salts: vec!["11".into()],
		};
		state.write(&path, &secrets).unwrap();
		let back: RequestSecrets = state.require(&path, "request", "create it").unwrap();
		assert_eq!(back.salts, secrets.salts);
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
		}
		let _ = fs::remove_dir_all(dir);
	}
}
