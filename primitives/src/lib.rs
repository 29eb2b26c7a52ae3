//! The types MedShare's sharing pallet keeps in state and takes as call arguments, shared by
//! the pallet and the `medshare` client so that both encode and decode the same definitions
//! (PROTOCOL.md sections 2 and 4).
//!
//! `no_std`, SCALE and scale-info only: the pallet instantiates the generic types with its
//! runtime's account, balance, block number and bounds; the client with the chain's concrete
//! types and bounds it does not enforce (the chain does).

#![cfg_attr(not(feature = "std"), no_std)]

// `to_vec` on the indicator descriptions.
extern crate alloc;

pub mod indicator;
pub mod types;

pub use bounded_collections::{BoundedVec, ConstU32, Get};
pub use indicator::{Indicator, IndicatorError, IndicatorId, LoincCode};
pub use primitive_types::H256;
pub use types::*;
