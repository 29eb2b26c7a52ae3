//! # MedShare zero knowledge
//!
//! The Groth16 half of MedShare (PROTOCOL.md 3.2, 3.3) on bellman, `groth16` and BLS12-381:
//!
//! - [`poseidon`]: the one SNARK-friendly hash, natively (`no_std`) and, in [`gadgets`], as a
//!   circuit gadget;
//! - [`statement`]: request statements S, commitments h and h', bindings b (`no_std`: the
//!   pallet computes S and b itself);
//! - [`circuit`]: the requirement and eligibility circuits;
//! - [`setup`], [`prove`]: parameters (random or the insecure development setup) and chunked
//!   proving for the institution and the holder;
//! - [`pedersen`]: the version 2 data commitment, a Pedersen vector commitment on Jubjub, with
//!   the circuit gadget the eligibility circuit computes it with (PROTOCOL.md 9.2);
//! - [`link`]: Pi^link, the holder's proof that its Paillier ciphertexts hold exactly the
//!   committed values (byte format and error codes `no_std`; proving and verification std);
//! - [`verify`]: the runtime-interface host functions and the wrapper the pallet calls, backed
//!   by [`native`] verification with a cache of prepared keys.
//!
//! Without the `std` feature only the runtime's parts are built: Poseidon, statements, byte
//! formats and the host functions' runtime side.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod link;
pub mod poseidon;
pub mod statement;
pub mod verify;

#[cfg(feature = "std")]
pub mod ceremony;
#[cfg(feature = "std")]
pub mod circuit;
#[cfg(feature = "std")]
pub mod gadgets;
#[cfg(feature = "std")]
pub mod native;
#[cfg(feature = "std")]
pub mod pedersen;
#[cfg(feature = "std")]
pub mod prove;
#[cfg(feature = "std")]
pub mod setup;

pub use bls12_381::Scalar;
pub use statement::{FieldBytes, RequestedIndicator, SLOTS};
pub use verify::{medshare_zk, VerifyError};

/// Verifying key of the requirement circuit from the INSECURE development setup
/// ([`setup::dev_parameters`]); the dev and local chains register it at genesis.
pub const DEV_REQUIREMENT_VK: &[u8] = include_bytes!("../keys/dev-requirement.vk");
/// Verifying key of the eligibility circuit from the INSECURE development setup.
pub const DEV_ELIGIBILITY_VK: &[u8] = include_bytes!("../keys/dev-eligibility.vk");
