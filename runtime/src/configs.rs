//! Configuration of each pallet in the runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill};
use sp_version::RuntimeVersion;

use super::*;

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Large enough for a comparison submission over hundreds of 4096-bit ciphertexts.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// Two seconds of computation in a six-second block.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * MAX_BLOCK_LENGTH
		})
		.build();
	pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = frame_support::traits::ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Room for every LOINC indicator a study is likely to ask for.
	pub const MaxIndicators: u32 = 1_024;
	/// The paper's largest sweep point.
	pub const MaxIndicatorsPerRequest: u32 = 700;
	/// ceil(700 / medshare_zk::SLOTS) proofs per party.
	pub const MaxChunks: u32 = 8;
	/// 1 400 comparison slots: an alpha and a beta output per 8 indicators under a 2048-bit
	/// holder key (Pi^cmp's layout).
	pub const MaxComparisonCiphertexts: u32 = 176;
	/// 700 two-bit outcomes fit one ciphertext under any accepted institution key.
	pub const MaxResultCiphertexts: u32 = 1;
	/// Held per request: it pays for up to 8 statements and commitments in state.
	pub const RequestDeposit: Balance = 10 * UNIT;
	/// Held per open session: up to ~0.8 MB of ciphertexts live in state meanwhile.
	pub const SessionDeposit: Balance = 5 * UNIT;
	pub const MinRequestLifetime: BlockNumber = 10;
	pub const MaxRequestLifetime: BlockNumber = 30 * DAYS;
	/// A session has a day to complete.
	pub const SessionLifetime: BlockNumber = DAYS;
}

impl pallet_medical_sharing::Config for Runtime {
	/// Root (through sudo) on the development chains; governance later.
	type RegistrarOrigin = EnsureRoot<AccountId>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxIndicators = MaxIndicators;
	type MaxIndicatorsPerRequest = MaxIndicatorsPerRequest;
	type MaxChunks = MaxChunks;
	type MaxComparisonCiphertexts = MaxComparisonCiphertexts;
	type MaxResultCiphertexts = MaxResultCiphertexts;
	type RequestDeposit = RequestDeposit;
	type SessionDeposit = SessionDeposit;
	type MinRequestLifetime = MinRequestLifetime;
	type MaxRequestLifetime = MaxRequestLifetime;
	type SessionLifetime = SessionLifetime;
	type WeightInfo = pallet_medical_sharing::weights::SubstrateWeight<Runtime>;
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::dispatch::DispatchClass;
	use pallet_medical_sharing::weights::WeightInfo;

	type Weights = <Runtime as pallet_medical_sharing::Config>::WeightInfo;

	/// Groups of comparison slots per `submit_comparison` part under a holder key longer than
	/// 2048 bits (charged as 4096): the client submits a larger comparison in parts of this many
	/// groups (`medshare_client::ops::LONG_KEY_GROUPS_PER_PART`, the same number).
	const LONG_KEY_GROUPS_PER_PART: u32 = 32;

	/// Every call of the sharing pallet fits one block at its worst case: the largest request
	/// (700 indicators) under either key size class; the comparison under a key longer than
	/// 2048 bits in parts of [`LONG_KEY_GROUPS_PER_PART`] groups (docs/PERFORMANCE.md).
	#[test]
	fn the_largest_session_steps_fit_a_block() {
		let max = RuntimeBlockWeights::get().get(DispatchClass::Normal).max_extrinsic.expect("normal extrinsics are limited");
		let indicators = MaxIndicatorsPerRequest::get();
		let groups = |bits: u32| medshare_paillier::cmp_group_count(bits, indicators);
		let chunks = MaxChunks::get();
		for (call, weight) in [
			("create_request", Weights::create_request()),
			("submit_eligibility", Weights::submit_eligibility()),
			("register_holder_key, 4096 bits", Weights::register_holder_key(1)),
			("submit_encrypted_data, 2048 bits", Weights::submit_encrypted_data(chunks)),
			("submit_encrypted_data, 4096 bits", Weights::submit_encrypted_data_long_key(chunks)),
			("submit_comparison, 2048 bits", Weights::submit_comparison(groups(2048))),
			("submit_comparison, 4096 bits, one part", Weights::submit_comparison_long_key(LONG_KEY_GROUPS_PER_PART)),
		] {
			assert!(weight.all_lte(max), "{call}: {weight:?} exceeds {max:?}");
		}
		// The whole 700-indicator comparison under a long key would not fit: hence the parts.
		assert!(!Weights::submit_comparison_long_key(groups(4096)).all_lte(max));
	}
}
