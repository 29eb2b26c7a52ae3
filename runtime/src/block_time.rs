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
