//! The Fiat-Shamir transcript of the key proofs (merlin, STROBE-128 over Keccak-f[1600]).
//!
//! Every transcript starts with the crate's domain separator and the protocol's own label,
//! then binds the context (genesis hash, account) and the modulus, then whatever the protocol
//! appends. merlin frames each message with its label and length, so the encoding is
//! injective. The exact sequence of each protocol is in docs/PROOFS.md.

use merlin::Transcript;
use num_bigint::BigUint;

use super::ProofContext;

/// Domain separator of every MedShare key proof; the version changes with the encoding.
const DOMAIN: &[u8] = b"medshare/paillier-key-proofs/v1";

/// Extra challenge bytes beyond `|N|`, so that reducing modulo `N` leaves a bias below
/// `2^-128`.
const CHALLENGE_SLACK_BYTES: usize = 16;

pub(crate) struct KeyProofTranscript(Transcript);

impl KeyProofTranscript {
	/// A transcript for `protocol` (`b"pi-mod"`, `b"pi-prm"`) about the key `modulus`
	/// (big-endian, fixed width) proven by `context`'s account on `context`'s chain.
	pub(crate) fn new(protocol: &'static [u8], context: &ProofContext, modulus: &[u8]) -> Self {
		let mut transcript = Transcript::new(DOMAIN);
		transcript.append_message(b"protocol", protocol);
		transcript.append_message(b"genesis-hash", &context.genesis_hash);
		transcript.append_message(b"account", &context.account);
		transcript.append_message(b"modulus", modulus);
		KeyProofTranscript(transcript)
	}

	/// Appends a public value.
	pub(crate) fn append(&mut self, label: &'static [u8], bytes: &[u8]) {
		self.0.append_message(label, bytes);
	}

	/// A challenge uniform in `[0, n)` up to a statistical distance below `2^-128`:
	/// `|n| / 8 + 16` transcript bytes reduced modulo `n`.
	pub(crate) fn challenge_below(&mut self, label: &'static [u8], n: &BigUint) -> BigUint {
		let width = (n.bits() as usize).div_ceil(8) + CHALLENGE_SLACK_BYTES;
		let mut bytes = vec![0u8; width];
		self.0.challenge_bytes(label, &mut bytes);
		BigUint::from_bytes_be(&bytes) % n
	}

	/// `count` challenge bits.
	pub(crate) fn challenge_bits(&mut self, label: &'static [u8], count: usize) -> Vec<bool> {
		let mut bytes = vec![0u8; count.div_ceil(8)];
		self.0.challenge_bytes(label, &mut bytes);
		(0..count).map(|i| bytes[i / 8] >> (i % 8) & 1 == 1).collect()
	}
}
