//! Weights for `pallet_medical_sharing`.
//!
//! Measured by this pallet's benchmarks (`benchmarking.rs`) through the node's
//! `benchmark pallet` command; regenerate with `scripts/benchmark-weights.sh` after changing
//! a call. docs/PERFORMANCE.md records the figures and the machine.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_medical_sharing`.
pub trait WeightInfo {
	fn register_indicator() -> Weight;
}

/// Weights for `pallet_medical_sharing` using the node's measured database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `MedicalSharing::IndicatorIdByCode` (r:1 w:1)
	/// Proof: `MedicalSharing::IndicatorIdByCode` (`max_values`: None, `max_size`: Some(30), added: 2505, mode: `MaxEncodedLen`)
	/// Storage: `MedicalSharing::IndicatorCount` (r:1 w:1)
	/// Proof: `MedicalSharing::IndicatorCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `MedicalSharing::Indicators` (r:0 w:1)
	/// Proof: `MedicalSharing::Indicators` (`max_values`: None, `max_size`: Some(124), added: 2599, mode: `MaxEncodedLen`)
	fn register_indicator() -> Weight {
		Weight::from_parts(WEIGHT_REGISTER_INDICATOR_REF_TIME, 3495)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn register_indicator() -> Weight {
		Weight::from_parts(WEIGHT_REGISTER_INDICATOR_REF_TIME, 3495)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}

const WEIGHT_REGISTER_INDICATOR_REF_TIME: u64 = 25_000_000;
