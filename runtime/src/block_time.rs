//! The slot length, chosen once in the genesis configuration.
//!
//! A public chain keeps [`crate::SLOT_DURATION`] (6 s). A development chain may choose a shorter
//! slot in its preset, so that a whole sharing session through the client takes seconds instead
//! of a minute (docs/CHAIN.md, "Block time"). Aura cannot change its slot on a running chain, so
//! the value is written at genesis and no call changes it. A chain started before this pallet
//! existed has no value stored and keeps the default.

pub use pallet::*;

/// The shortest slot a genesis configuration may choose: one block must still be authored,
/// imported and gossiped within it.
pub const MIN_SLOT_DURATION: u64 = 1_000;

#[frame_support::pallet]
pub mod pallet {
	use frame_support::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::type_value]
	pub fn DefaultSlotDuration() -> u64 {
		crate::SLOT_DURATION
	}

	/// Aura's slot length in milliseconds (twice the timestamp's minimum period).
	#[pallet::storage]
	pub type SlotDuration<T> = StorageValue<_, u64, ValueQuery, DefaultSlotDuration>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The slot length in milliseconds; `None` keeps [`crate::SLOT_DURATION`].
		pub slot_duration: Option<u64>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(millis) = self.slot_duration {
				// A chain specification is the operator's input, read before the chain exists:
				// refusing it loudly here is the only way to report it.
				assert!(
					millis >= super::MIN_SLOT_DURATION && millis % 2 == 0,
					"the genesis slot duration must be an even number of milliseconds, at least {}",
					super::MIN_SLOT_DURATION
				);
				SlotDuration::<T>::put(millis);
			}
		}
	}
}

/// Half the slot: the timestamp pallet's minimum period, so that Aura's slot
/// ([`pallet_aura::MinimumPeriodTimesTwo`]) is the genesis choice.
pub struct HalfSlot<T>(core::marker::PhantomData<T>);

impl<T: Config> frame_support::traits::Get<u64> for HalfSlot<T> {
	fn get() -> u64 {
		SlotDuration::<T>::get() / 2
	}
}

#[cfg(test)]
mod tests {
	use crate::{genesis, Aura, BuildStorage, Runtime, RuntimeGenesisConfig, DEV_SLOT_DURATION, SLOT_DURATION};
	use frame_support::traits::Get;
	use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

	/// `patch` laid over `base`, object by object, as a node applies a preset.
	fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(base), serde_json::Value::Object(patch)) =>
				for (key, value) in patch {
					merge(base.entry(key).or_insert(serde_json::Value::Null), value);
				},
			(base, patch) => *base = patch,
		}
	}

	/// The state a preset's genesis builds.
	fn state_of(preset: &str) -> sp_io::TestExternalities {
		let patch = genesis::get_preset(&preset.into()).expect("the preset exists");
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
		merge(&mut config, serde_json::from_slice(&patch).expect("JSON"));
		let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("a genesis configuration");
		config.build_storage().expect("builds").into()
	}

	#[test]
	fn the_development_chain_has_two_second_slots_and_the_others_six() {
		state_of(DEV_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(Aura::slot_duration(), DEV_SLOT_DURATION);
			assert_eq!(<Runtime as pallet_timestamp::Config>::MinimumPeriod::get(), DEV_SLOT_DURATION / 2);
		});
		state_of(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| assert_eq!(Aura::slot_duration(), SLOT_DURATION));
		// A chain started before the slot was a genesis choice has none stored: the default.
		sp_io::TestExternalities::default().execute_with(|| assert_eq!(Aura::slot_duration(), SLOT_DURATION));
	}

	#[test]
	#[should_panic(expected = "even number of milliseconds, at least 1000")]
	fn a_slot_shorter_than_a_second_is_refused_at_genesis() {
		let config = RuntimeGenesisConfig {
			block_time: super::GenesisConfig { slot_duration: Some(500), ..Default::default() },
			..Default::default()
		};
		let _ = config.build_storage();
	}
}
