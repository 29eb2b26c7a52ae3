// PROVISIONAL: replaced by scripts/benchmark-weights.sh output before this lands.
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// The weight of each call of `pallet_medical_sharing`.
pub trait WeightInfo {
	fn register_indicator() -> Weight;
	fn approve_institution() -> Weight;
	fn register_institution() -> Weight;
	fn set_verifying_key() -> Weight;
	fn create_request() -> Weight;
	fn submit_eligibility() -> Weight;
	fn close_request() -> Weight;
	fn clean_up_request() -> Weight;
	fn clean_up_session() -> Weight;
	fn submit_encrypted_data(n: u32, ) -> Weight;
	fn submit_comparison(n: u32, ) -> Weight;
	fn submit_result(n: u32, ) -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_indicator() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn approve_institution() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn register_institution() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn set_verifying_key() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn create_request() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn submit_eligibility() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn close_request() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn clean_up_request() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn clean_up_session() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn submit_encrypted_data(n: u32, ) -> Weight { Weight::from_parts(1_000_000_000, 10_000).saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n.into())) }
	fn submit_comparison(n: u32, ) -> Weight { Weight::from_parts(1_000_000_000, 10_000).saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n.into())) }
	fn submit_result(n: u32, ) -> Weight { Weight::from_parts(1_000_000_000, 10_000).saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n.into())) }
}

impl WeightInfo for () {
	fn register_indicator() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn approve_institution() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn register_institution() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn set_verifying_key() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn create_request() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn submit_eligibility() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn close_request() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn clean_up_request() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn clean_up_session() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn submit_encrypted_data(n: u32, ) -> Weight { Weight::from_parts(1_000_000_000, 10_000).saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n.into())) }
	fn submit_comparison(n: u32, ) -> Weight { Weight::from_parts(1_000_000_000, 10_000).saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n.into())) }
	fn submit_result(n: u32, ) -> Weight { Weight::from_parts(1_000_000_000, 10_000).saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(n.into())) }
}
