//! Configuration of each pallet in the runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU32, ConstU64, ConstU8, LinearStoragePrice, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, IdentityFee, Weight,
	},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{Bounded, One},
	FixedPointNumber, Perbill, Perquintill,
};
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

impl crate::block_time::Config for Runtime {}

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
	/// Half the slot the genesis configuration chose.
	type MinimumPeriod = crate::block_time::HalfSlot<Runtime>;
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

/// What a whole block of weight costs: `IdentityFee` charges one unit per picosecond.
const BLOCK_WEIGHT_FEE: Balance = 2 * WEIGHT_REF_TIME_PER_SECOND as Balance;

parameter_types! {
	/// A full block of length costs what a full block of weight costs (docs/CHAIN.md): block
	/// space is as scarce as block time, and a call whose cost is its bytes (a comparison of
	/// hundreds of ciphertexts) pays for them.
	pub const TransactionByteFee: Balance = BLOCK_WEIGHT_FEE / MAX_BLOCK_LENGTH as Balance;
	/// Fees rise when blocks are fuller than this, and fall back when they are emptier.
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	/// How fast: each full block multiplies fees by about 1 + 0.75 v, so a row of full
	/// blocks doubles them in about an hour (600 blocks).
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(15, 10_000);
	/// Fees never fall below the base price: congestion only raises them.
	pub MinimumMultiplier: Multiplier = Multiplier::one();
	pub MaximumMultiplier: Multiplier = Bounded::max_value();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate =
		TargetedFeeAdjustment<Self, TargetBlockFullness, AdjustmentVariable, MinimumMultiplier, MaximumMultiplier>;
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
	/// A deposit is 1 UNIT plus 10 micro UNIT per byte kept in state: a request of 700
	/// indicators holds about 1.06 UNIT, a session's 700 ciphertexts and comparison under a
	/// 2048-bit key about 5.55 UNIT while the session is open (docs/CHAIN.md).
	pub const DepositBase: Balance = UNIT;
	pub const DepositPerByte: Balance = 10 * MICRO_UNIT;
	/// An ended session's summary stays 60 days (the longest request lifetime, doubled).
	pub const SummaryRetention: BlockNumber = 60 * DAYS;
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
	type StoragePrice = LinearStoragePrice<DepositBase, DepositPerByte, Balance>;
	type SummaryRetention = SummaryRetention;
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
			("create_request", Weights::create_request(chunks)),
			("submit_eligibility", Weights::submit_eligibility(chunks)),
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

	use codec::Encode;
	use frame_support::{dispatch::GetDispatchInfo, BoundedVec};
	use pallet_medical_sharing::{Call as SharingCall, EncodedCiphertext, RequestedIndicator};

	/// A signed extrinsic's bytes beyond its call: address, signature, era, nonce, tip and
	/// the metadata-hash mode, rounded up.
	const SIGNED_OVERHEAD: usize = 110;

	fn create_request(indicators: u32) -> RuntimeCall {
		let chunks = medshare_zk::statement::chunk_count(indicators as usize);
		RuntimeCall::MedicalSharing(SharingCall::create_request {
			indicators: BoundedVec::truncate_from((0..indicators).map(|id| RequestedIndicator { id, min_width: 1 }).collect()),
			range_commitments: BoundedVec::truncate_from(vec![[0; 32]; chunks]),
			proofs: BoundedVec::truncate_from(vec![[0; medshare_zk::verify::PROOF_LEN]; chunks]),
			lifetime: DAYS,
		})
	}

	fn submit_eligibility(indicators: u32) -> RuntimeCall {
		let chunks = medshare_zk::statement::chunk_count(indicators as usize);
		RuntimeCall::MedicalSharing(SharingCall::submit_eligibility {
			request_id: 0,
			nonce: [0; 32],
			data_commitments: BoundedVec::truncate_from(vec![[0; 32]; chunks]),
			proofs: BoundedVec::truncate_from(vec![[0; medshare_zk::verify::PROOF_LEN]; chunks]),
		})
	}

	fn ciphertexts(count: u32, key_bytes: usize) -> Vec<EncodedCiphertext> {
		(0..count).map(|_| EncodedCiphertext::new(vec![1; 2 * key_bytes]).expect("fits")).collect()
	}

	/// The calls of one whole session (steps 1 to 7) over `indicators` indicators with
	/// 2048-bit keys, with arguments of their real lengths.
	fn session_calls(indicators: u32) -> Vec<(&'static str, RuntimeCall)> {
		let key_bytes = 256;
		let outputs = medshare_paillier::cmp_output_count(2048, indicators);
		vec![
			("create_request", create_request(indicators)),
			("submit_eligibility", submit_eligibility(indicators)),
			(
				"submit_encrypted_data",
				RuntimeCall::MedicalSharing(SharingCall::submit_encrypted_data {
					session_id: 0,
					ciphertexts: BoundedVec::truncate_from(ciphertexts(indicators, key_bytes)),
					link_proof: BoundedVec::truncate_from(vec![0; medshare_zk::link::proof_len(key_bytes, indicators as usize)]),
				}),
			),
			(
				"submit_comparison",
				RuntimeCall::MedicalSharing(SharingCall::submit_comparison {
					session_id: 0,
					first_group: 0,
					ciphertexts: BoundedVec::truncate_from(ciphertexts(outputs, key_bytes)),
					comparison_proof: BoundedVec::truncate_from(vec![
						0;
						medshare_paillier::comparison_proof_len(key_bytes, indicators as usize)
					]),
				}),
			),
			(
				"submit_result",
				RuntimeCall::MedicalSharing(SharingCall::submit_result {
					session_id: 0,
					ciphertexts: BoundedVec::truncate_from(ciphertexts(1, key_bytes)),
				}),
			),
		]
	}

	/// Requests and eligibility are charged by their chunks, so a 2-indicator request pays a
	/// fraction of the largest one (it used to pay the largest's weight): about a sixth for
	/// `create_request` and under a third for `submit_eligibility`, whose fixed part (the
	/// verifying key's preparation on a cold cache, 3 ms) is most of a one-proof call.
	#[test]
	fn a_small_request_pays_a_fraction_of_the_largest() {
		for (call, small, large, bound) in [
			("create_request", create_request(2), create_request(700), 0.2),
			("submit_eligibility", submit_eligibility(2), submit_eligibility(700), 1.0 / 3.0),
		] {
			let (small, large) = (small.get_dispatch_info().call_weight, large.get_dispatch_info().call_weight);
			let ratio = small.ref_time() as f64 / large.ref_time() as f64;
			println!("{call}: 2 indicators cost {ratio:.3} of 700");
			assert!(ratio < bound, "{call}: 2 indicators cost {ratio:.3} of 700");
			assert!(small.ref_time() > 0);
		}
	}

	/// A full block of length costs what a full block of weight costs, for either class.
	#[test]
	fn block_space_costs_what_block_time_costs() {
		let length_fee = TransactionByteFee::get() * Balance::from(MAX_BLOCK_LENGTH);
		let gap = BLOCK_WEIGHT_FEE.abs_diff(length_fee);
		assert!(gap * 100_000 < BLOCK_WEIGHT_FEE, "{length_fee} vs {BLOCK_WEIGHT_FEE}");
	}

	/// Full blocks raise the fee multiplier; empty blocks bring it back, never below one.
	#[test]
	fn congestion_raises_fees_and_quiet_lowers_them_to_the_base() {
		use sp_runtime::traits::Convert;
		type Update = <Runtime as pallet_transaction_payment::Config>::FeeMultiplierUpdate;
		sp_io::TestExternalities::default().execute_with(|| {
			let normal = RuntimeBlockWeights::get().get(DispatchClass::Normal).max_total.expect("limited");
			System::set_block_consumed_resources(normal, 0);
			let raised = Update::convert(Multiplier::one());
			assert!(raised > Multiplier::one(), "{raised:?}");
			let mut hour = Multiplier::one();
			for _ in 0..600 {
				hour = Update::convert(hour);
			}
			assert!(hour > Multiplier::saturating_from_rational(3, 2) && hour < Multiplier::from(3), "{hour:?}");
			System::set_block_consumed_resources(Weight::zero(), 0);
			assert!(Update::convert(raised) < raised);
			assert_eq!(Update::convert(Multiplier::one()), Multiplier::one());
		});
	}

	/// Deposits pay for the bytes kept: beyond the base, a session's data deposit is its
	/// bytes times the byte price (docs/CHAIN.md quotes the printed figures).
	#[test]
	fn deposits_grow_with_the_bytes_kept() {
		use pallet_medical_sharing::{EncodedPublicKey, EncodedRingPedersen, RegisteredKey, SessionPayload};
		let unit = |deposit: Balance| deposit as f64 / UNIT as f64;
		let payload = |indicators: u32| SessionPayload {
			holder_key: RegisteredKey {
				key: EncodedPublicKey::new(vec![0xff; 256]).expect("fits"),
				ring_pedersen: EncodedRingPedersen {
					s: medshare_paillier::EncodedBases::new(vec![1; 16 * 256]).expect("fits"),
					t: medshare_paillier::EncodedResidue::new(vec![1; 256]).expect("fits"),
				},
				key_hash: Default::default(),
			},
			encrypted_data: BoundedVec::truncate_from(ciphertexts(indicators, 256)),
			comparison: Default::default(),
		};
		let bytes = |indicators: u32| MedicalSharing::payload_len(&payload(indicators), indicators);
		let (small, large) = (bytes(2), bytes(700));
		let (small_deposit, large_deposit) = (MedicalSharing::deposit_for(small), MedicalSharing::deposit_for(large));
		println!("session data, 2 indicators: {small} bytes, {:.4} UNIT", unit(small_deposit));
		println!("session data, 700 indicators: {large} bytes, {:.4} UNIT", unit(large_deposit));
		assert_eq!(large_deposit - DepositBase::get(), DepositPerByte::get() * large as Balance);
		assert_eq!(small_deposit - DepositBase::get(), DepositPerByte::get() * small as Balance);
		assert!(large > 50 * small, "{large} vs {small}");
	}

	/// What a whole 700-indicator session costs in fees at the base multiplier, step by step
	/// (docs/CHAIN.md quotes this table; `cargo test -p medshare-runtime fees_of_a_session --
	/// --nocapture` prints it). Length is most of the data and comparison steps' price.
	#[test]
	fn fees_of_a_session() {
		sp_io::TestExternalities::default().execute_with(|| {
			let unit = |fee: Balance| fee as f64 / UNIT as f64;
			let mut total = 0;
			println!("| step | length (bytes) | weight (ms) | fee (UNIT) |\n|---|---|---|---|");
			for (step, call) in session_calls(700) {
				let info = call.get_dispatch_info();
				let len = (call.encode().len() + SIGNED_OVERHEAD) as u32;
				let fee = TransactionPayment::compute_fee(len, &info, 0);
				let length_fee = TransactionByteFee::get() * Balance::from(len);
				println!("| {step} | {len} | {:.1} | {:.4} |", info.total_weight().ref_time() as f64 / 1e9, unit(fee));
				assert!(fee >= length_fee, "{step}: the fee covers the bytes");
				total += fee;
			}
			println!("| whole session | | | {:.4} |", unit(total));
			// Deposits, held and given back, are apart from fees; a session costs its holder and
			// institution together a few UNIT at most in fees.
			assert!(total > UNIT / 2 && total < 5 * UNIT, "{}", unit(total));
		});
	}
}
