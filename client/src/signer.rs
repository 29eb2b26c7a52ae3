//! Who signs: an sr25519 key from a secret URI (`//Bob`, `bottom drive ...//hard/soft`) or
//! from a file holding a seed phrase or a secret URI.

use std::path::Path;
use std::str::FromStr;

use subxt::utils::AccountId32;
use subxt_signer::{sr25519::Keypair, SecretUri};

/// Why no signer could be made.
#[derive(Debug, thiserror::Error)]
pub enum SignerError {
	#[error("no signing account: pass --suri (for example --suri //Bob on a development chain) or --seed-file <file with a seed phrase>")]
	Missing,
	#[error("--suri and --seed-file both given; pass one")]
	Both,
	#[error("cannot read the seed file {path}: {error}")]
	File { path: String, error: std::io::Error },
	#[error("not a valid secret URI or seed phrase ({0}); expected something like //Alice or a 12/24-word BIP-39 phrase")]
	Invalid(String),
}

/// A signing account.
#[derive(Clone)]
pub struct Signer {
	pub keypair: Keypair,
}

impl Signer {
	/// From the two command-line options.
	pub fn from_options(suri: Option<&str>, seed_file: Option<&Path>) -> Result<Signer, SignerError> {
		match (suri, seed_file) {
			(Some(_), Some(_)) => Err(SignerError::Both),
			(None, None) => Err(SignerError::Missing),
			(Some(uri), None) => Signer::from_uri(uri),
			(None, Some(path)) => {
				let text = std::fs::read_to_string(path)
					.map_err(|error| SignerError::File { path: path.display().to_string(), error })?;
				Signer::from_uri(text.trim())
			},
		}
	}

	/// From a secret URI; a bare phrase is a URI without derivation.
	pub fn from_uri(uri: &str) -> Result<Signer, SignerError> {
		let uri = SecretUri::from_str(uri).map_err(|e| SignerError::Invalid(e.to_string()))?;
		let keypair = Keypair::from_uri(&uri).map_err(|e| SignerError::Invalid(e.to_string()))?;
		Ok(Signer { keypair })
	}

	/// The account.
	pub fn account(&self) -> AccountId32 {
		self.keypair.public_key().to_account_id()
	}

	/// The account's 32 bytes, as they enter the proof statements.
	pub fn account_bytes(&self) -> [u8; 32] {
		self.keypair.public_key().0
	}

	/// SS58 address (generic prefix 42).
	pub fn address(&self) -> String {
		self.account().to_string()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_uris_and_phrases() {
		let bob = Signer::from_uri("//Bob").unwrap();
		assert_eq!(bob.address(), "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
		let phrase = format!("{}//Bob", subxt_signer::DEV_PHRASE);
		assert_eq!(Signer::from_uri(&phrase).unwrap().address(), bob.address());
		assert!(matches!(Signer::from_options(None, None), Err(SignerError::Missing)));
		assert!(Signer::from_uri("not a phrase at all").is_err());
	}
}
