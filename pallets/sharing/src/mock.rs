//! A minimal runtime for the pallet's unit tests and benchmark tests. Accounts are
//! `AccountId32`, as in the real runtime, so that the committed proof fixtures (bound to
//! account bytes) serve both.

use crate as pallet_medical_sharing;
use frame_support::{
	derive_impl, parameter_types,
	traits::{LinearStoragePrice, VariantCountOf},
};
use frame_system::EnsureRoot;
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;
pub type Balance = u128;

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
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type MedicalSharing = pallet_medical_sharing;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
}

parameter_types! {
	pub const MaxIndicators: u32 = 1_024;
	pub const MaxIndicatorsPerRequest: u32 = 700;
	pub const MaxChunks: u32 = 8;
	pub const MaxComparisonCiphertexts: u32 = 176;
	pub const MaxResultCiphertexts: u32 = 1;
	/// A deposit is 100 plus one per byte kept.
	pub const DepositBase: Balance = 100;
	pub const DepositPerByte: Balance = 1;
	pub const SummaryRetention: u64 = 1_000;
	pub const MinRequestLifetime: u64 = 10;
	pub const MaxRequestLifetime: u64 = 1_000;
	pub const SessionLifetime: u64 = 50;
}

impl pallet_medical_sharing::Config for Test {
	type RegistrarOrigin = EnsureRoot<AccountId>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxIndicators = MaxIndicators;
	type MaxIndicatorsPerRequest = MaxIndicatorsPerRequest;
	type MaxChunks = MaxChunks;
	type MaxComparisonCiphertexts = MaxComparisonCiphertexts;
	type MaxResultCiphertexts = MaxResultCiphertexts;
	type StoragePrice = LinearStoragePrice<DepositBase, DepositPerByte, Balance>;
	type SummaryRetention = SummaryRetention;
	type MinRequestLifetime = MinRequestLifetime;
	type MaxRequestLifetime = MaxRequestLifetime;
	type SessionLifetime = SessionLifetime;
	type WeightInfo = ();
}

/// Starting balance of every fixture account.
pub const ENDOWMENT: Balance = 1_000_000;

/// Genesis used by the tests: body temperature and heart rate are registered (ids 0 and 1, minimum
/// widths 0.50 Cel and 10 /min),
/// the fixture institution is approved, the development verifying keys are set, and the
/// fixture accounts are endowed.
pub fn new_test_ext() -> TestExt {
	let storage = genesis_config().build_storage().expect("the test genesis is valid");
	let mut ext = sp_io::TestExternalities::new(storage);
	// Events are only recorded from block 1 on.
	ext.execute_with(|| System::set_block_number(1));
	TestExt(ext)
}

/// The genesis of [`new_test_ext`], for tests that change it.
pub fn genesis_config() -> RuntimeGenesisConfig {
	use crate::fixtures::{HOLDER, INSTITUTION, OTHER_HOLDER};
	let genesis = pallet_medical_sharing::GenesisConfig::<Test> {
		indicators: vec![
			crate::IndicatorSpec {
				code: "8310-5".into(),
				name: "Body temperature".into(),
				unit: "Cel".into(),
				scale: 2,
				lo: 2500,
				hi: 4500,
				min_width: 50,
			},
			crate::IndicatorSpec {
				code: "8867-4".into(),
				name: "Heart rate".into(),
				unit: "/min".into(),
				scale: 0,
				lo: 20,
				hi: 300,
				min_width: 10,
			},
		],
		institutions: vec![AccountId32::new(INSTITUTION)],
		requirement_verifying_key: Some(medshare_zk::DEV_REQUIREMENT_VK.to_vec()),
		eligibility_verifying_key: Some(medshare_zk::DEV_ELIGIBILITY_VK.to_vec()),
		requirement_key_transcript: None,
		eligibility_key_transcript: None,
		refuse_development_keys: false,
	};
	let balances = pallet_balances::GenesisConfig::<Test> {
		balances: [INSTITUTION, HOLDER, OTHER_HOLDER].map(|a| (AccountId32::new(a), ENDOWMENT)).to_vec(),
		..Default::default()
	};
	RuntimeGenesisConfig { medical_sharing: genesis, balances, ..Default::default() }
}

/// The mock's externalities. Whatever runs in them, a unit test or a benchmark test, is
/// followed by the pallet's invariant check (`Pallet::do_try_state`, what `try-runtime` runs
/// on a live chain), so every test also shows that it leaves a consistent state.
pub struct TestExt(pub sp_io::TestExternalities);

impl TestExt {
	/// Runs `test`, then checks the pallet's invariants.
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			MedicalSharing::do_try_state().expect("the pallet's invariants hold after the test");
			result
		})
	}
}
