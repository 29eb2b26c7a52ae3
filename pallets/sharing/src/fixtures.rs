//! Proof fixtures for the tests and the benchmarks: real Groth16 proofs made with the
//! development parameters, and real 2048-bit Paillier public keys, committed as SCALE files
//! because neither proving nor key generation can run inside the runtime.
//!
//! Regenerate after a circuit or statement change with
//! `cargo test -p pallet-medical-sharing --lib tests::session::regenerate_ -- --ignored`.
//! The proofs are bound to the accounts below (as `AccountId32` bytes), to request id 0 (the
//! first request of a fresh chain) and to [`NONCE`].

use crate::types::{FieldBytes, KeyRegistration, Nonce, Proof, RequestedIndicator};
use alloc::vec::Vec;
use codec::{Decode, Encode};

/// The institution of every fixture.
pub const INSTITUTION: [u8; 32] = [0x11; 32];
/// The holder whose proofs every fixture carries first.
pub const HOLDER: [u8; 32] = [0x22; 32];
/// A second holder, with its own proofs.
pub const OTHER_HOLDER: [u8; 32] = [0x33; 32];
/// The session nonce of every fixture proof.
pub const NONCE: Nonce = [0x44; 32];

/// One holder's eligibility proofs for request 0.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct HolderProofs {
	/// The holder's account bytes.
	pub holder: [u8; 32],
	/// Its (secret) values, one per requested indicator; tests use them to encrypt.
	pub values: Vec<u32>,
	/// The (secret) Jubjub blinding `r` of each chunk's data commitment; tests use them for
	/// link proofs.
	pub blindings: Vec<FieldBytes>,
	/// h per chunk.
	pub data_commitments: Vec<FieldBytes>,
	/// One proof per chunk.
	pub proofs: Vec<Proof>,
}

/// A request with its requirement proofs and two holders' eligibility proofs.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct Fixture {
	/// The registry domains `(lo, hi)` of indicator ids 0, 1, ... the proofs assume.
	pub domains: Vec<(u32, u32)>,
	/// The request's indicators.
	pub requested: Vec<RequestedIndicator>,
	/// The institution's (secret) ranges; tests use them for the comparison.
	pub ranges: Vec<(u32, u32)>,
	/// h' per chunk.
	pub range_commitments: Vec<FieldBytes>,
	/// One requirement proof per chunk.
	pub requirement_proofs: Vec<Proof>,
	/// [`HOLDER`]'s and [`OTHER_HOLDER`]'s proofs.
	pub holders: Vec<HolderProofs>,
	/// A real 2048-bit Paillier public key (for benchmarks, which cannot generate one).
	pub public_key: Vec<u8>,
	/// [`HOLDER`]'s step 4 with link proofs, one per key size class (2048 and 4096 bits), for
	/// the benchmarks (empty in the small fixture: its tests prove at run time).
	pub link: Vec<LinkFixture>,
}

/// A holder's encrypted data with its link proof, bound to [`KEY_FIXTURE_GENESIS`],
/// [`HOLDER`], request 0 and session 0, and the institution's comparison of it with its
/// comparison proof, bound to the same and [`INSTITUTION`]. The link proof's first `c` chunks,
/// with the first `c` chunks' ciphertexts and commitments, are a valid proof for those chunks
/// alone; the comparison proof's first `2 g` outputs likewise for the first `g` groups.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct LinkFixture {
	/// The holder's Paillier public key.
	pub public_key: Vec<u8>,
	/// Its ring-Pedersen bases `s_1..s_B`, concatenated.
	pub ring_pedersen_s: Vec<u8>,
	/// Its ring-Pedersen `t`.
	pub ring_pedersen_t: Vec<u8>,
	/// One ciphertext of [`HolderProofs::values`] per indicator.
	pub ciphertexts: Vec<Vec<u8>>,
	/// The link proof.
	pub proof: Vec<u8>,
	/// The comparison outputs for [`Fixture::ranges`].
	pub outputs: Vec<Vec<u8>>,
	/// Their comparison proof (Pi^cmp).
	pub comparison_proof: Vec<u8>,
}

fn decode(bytes: &[u8]) -> Fixture {
	Fixture::decode(&mut &bytes[..]).expect("committed fixtures decode; regenerate them if not")
}

/// Two indicators, the mock genesis registry (temperature, heart rate): one chunk.
pub fn small() -> Fixture {
	decode(include_bytes!("../fixtures/small.scale"))
}

/// 700 indicators (the paper's largest sweep point), eight chunks: the benchmarks' worst case.
pub fn large() -> Fixture {
	decode(include_bytes!("../fixtures/large.scale"))
}

/// The genesis hash the key fixtures are bound to; the benchmarks write it as block 0's hash.
pub const KEY_FIXTURE_GENESIS: [u8; 32] = [0x77; 32];

/// Key registrations with real proofs (Pi^mod, Pi^prm) for the benchmarks, bound to
/// [`KEY_FIXTURE_GENESIS`] and [`INSTITUTION`]: one key per size class the weights charge
/// (2048 and 4096 bits).
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct KeyFixture {
	/// The registrations, by size class.
	pub registrations: Vec<KeyRegistration>,
}

/// The committed key registrations.
pub fn keys() -> KeyFixture {
	KeyFixture::decode(&mut &include_bytes!("../fixtures/keys.scale")[..])
		.expect("committed key fixtures decode; regenerate them if not")
}
