//! A minimal runtime for the pallet's unit tests and benchmark tests.

use crate as pallet_medical_sharing;
use frame_support::{derive_impl, parameter_types};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type MedicalSharing = pallet_medical_sharing;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxIndicators: u32 = 12;
}

impl pallet_medical_sharing::Config for Test {
	type RegistrarOrigin = EnsureRoot<u64>;
	type MaxIndicators = MaxIndicators;
	type WeightInfo = ();
}

/// Genesis used by the tests: body temperature and heart rate are registered (ids 0 and 1).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let genesis = pallet_medical_sharing::GenesisConfig::<Test> {
		indicators: vec![
			crate::IndicatorSpec {
				code: "8310-5".into(),
				name: "Body temperature".into(),
				unit: "Cel".into(),
				scale: 2,
				lo: 2500,
				hi: 4500,
			},
			crate::IndicatorSpec {
				code: "8867-4".into(),
				name: "Heart rate".into(),
				unit: "/min".into(),
				scale: 0,
				lo: 20,
				hi: 300,
			},
		],
		..Default::default()
	};
	let storage = RuntimeGenesisConfig { medical_sharing: genesis, ..Default::default() }
		.build_storage()
		.expect("the test genesis is valid");
	let mut ext = sp_io::TestExternalities::new(storage);
	// Events are only recorded from block 1 on.
	ext.execute_with(|| System::set_block_number(1));
	ext
}
