//! # Medical sharing pallet
//!
//! The smart contract of MedShare (PROTOCOL.md): research institutions ask for health
//! indicators, data holders prove that their data fits, and Paillier encryption tells the
//! institution only whether each value lies below, inside or above its hidden range.
//!
//! This version holds the **indicator registry** (PROTOCOL.md section 2): the health
//! measurements a request may name, each with its LOINC code, UCUM unit, decimal scale and
//! plausibility domain. The registrar origin adds indicators; the genesis configuration seeds
//! the common vital signs and labs.
//!
//! ## Calls
//! - [`Pallet::register_indicator`]: add an indicator (registrar origin).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod indicator;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use indicator::{Indicator, IndicatorError, IndicatorId, LoincCode};
pub use pallet::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::{string::String, vec::Vec};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may add indicators (and, later, approve institutions and set verifying keys):
		/// root on a development chain, a governance body in production.
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most indicators the registry may ever hold. Requests name indicators by their
		/// registry id, so this also bounds every per-request indicator list.
		#[pallet::constant]
		type MaxIndicators: Get<u32>;

		/// Weights of this pallet's calls, measured by its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The indicator registry, by id.
	#[pallet::storage]
	pub type Indicators<T: Config> = StorageMap<_, Twox64Concat, IndicatorId, Indicator>;

	/// Reverse index from LOINC code to registry id; it keeps codes unique.
	#[pallet::storage]
	pub type IndicatorIdByCode<T: Config> = StorageMap<_, Blake2_128Concat, LoincCode, IndicatorId>;

	/// Number of registered indicators, which is also the id the next one receives.
	#[pallet::storage]
	pub type IndicatorCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An indicator was added to the registry.
		IndicatorRegistered {
			/// The registry id requests will use to name it.
			id: IndicatorId,
			/// Its LOINC code.
			code: LoincCode,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The LOINC code is longer than nine bytes (seven digits, hyphen, check digit).
		LoincCodeTooLong,
		/// The LOINC code is not of the form `digits-checkdigit`, for example `8310-5`.
		LoincCodeMalformed,
		/// The LOINC code's check digit does not match its digits: look for a typo.
		LoincCheckDigitMismatch,
		/// The UCUM unit is longer than 24 bytes.
		UnitTooLong,
		/// The UCUM unit is not a well-formed expression: printable ASCII without spaces,
		/// balanced `[...]` and `{...}`, a term after every `.` or `/` (for example `mm[Hg]`).
		UnitMalformed,
		/// The name is longer than 64 bytes.
		NameTooLong,
		/// The name is empty, not UTF-8, or contains control characters.
		NameMalformed,
		/// The decimal scale is above 9.
		ScaleTooLarge,
		/// The plausibility domain has `lo` above `hi`.
		DomainInverted,
		/// An indicator with this LOINC code is already registered.
		DuplicateLoincCode,
		/// The registry already holds `MaxIndicators` indicators.
		RegistryFull,
	}

	impl<T> From<IndicatorError> for Error<T> {
		fn from(error: IndicatorError) -> Self {
			match error {
				IndicatorError::LoincCodeTooLong => Error::LoincCodeTooLong,
				IndicatorError::LoincCodeMalformed => Error::LoincCodeMalformed,
				IndicatorError::LoincCheckDigitMismatch => Error::LoincCheckDigitMismatch,
				IndicatorError::UnitTooLong => Error::UnitTooLong,
				IndicatorError::UnitMalformed => Error::UnitMalformed,
				IndicatorError::NameTooLong => Error::NameTooLong,
				IndicatorError::NameMalformed => Error::NameMalformed,
				IndicatorError::ScaleTooLarge => Error::ScaleTooLarge,
				IndicatorError::DomainInverted => Error::DomainInverted,
			}
		}
	}

	/// An indicator as written in a chain specification.
	#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
	#[serde(rename_all = "camelCase", deny_unknown_fields)]
	pub struct IndicatorSpec {
		/// LOINC code, for example `8310-5`.
		pub code: String,
		/// Display name.
		pub name: String,
		/// UCUM unit, for example `Cel`.
		pub unit: String,
		/// Decimal places kept in the fixed-point value.
		pub scale: u8,
		/// Smallest plausible scaled value.
		pub lo: u32,
		/// Largest plausible scaled value.
		pub hi: u32,
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Indicators registered at genesis, in id order.
		pub indicators: Vec<IndicatorSpec>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for spec in &self.indicators {
				let indicator = Indicator::new(
					spec.code.as_bytes(),
					spec.name.as_bytes(),
					spec.unit.as_bytes(),
					spec.scale,
					spec.lo,
					spec.hi,
				)
				.unwrap_or_else(|e| panic!("genesis indicator {}: {:?}", spec.code, e));
				// A broken chain spec must stop the chain from starting, not start it wrong.
				Pallet::<T>::insert_indicator(indicator)
					.unwrap_or_else(|e| panic!("genesis indicator {}: {:?}", spec.code, e));
			}
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Adds a health indicator to the registry, so that requests can name it.
		///
		/// Origin: the registrar (root on a development chain).
		///
		/// - `code`: LOINC code as text, `digits-checkdigit`, for example `8310-5`; the check
		///   digit is verified.
		/// - `name`: display name, UTF-8, at most 64 bytes, for example `Body temperature`.
		/// - `unit`: UCUM unit the values are measured in, for example `Cel` or `mm[Hg]`.
		/// - `scale`: decimal places kept (0..=9): values are stored as `value * 10^scale`,
		///   so 36.9 Cel with scale 2 is 3690.
		/// - `lo`, `hi`: the plausibility domain in scaled units; holders can only prove values
		///   inside it and institutions can only ask for ranges inside it.
		///
		/// Emits [`Event::IndicatorRegistered`] with the new registry id.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_indicator())]
		pub fn register_indicator(
			origin: OriginFor<T>,
			code: Vec<u8>,
			name: Vec<u8>,
			unit: Vec<u8>,
			scale: u8,
			lo: u32,
			hi: u32,
		) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			let indicator =
				Indicator::new(&code, &name, &unit, scale, lo, hi).map_err(Error::<T>::from)?;
			let (id, code) = Self::insert_indicator(indicator)?;
			Self::deposit_event(Event::IndicatorRegistered { id, code });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Stores a validated indicator under the next id, keeping codes unique and the
		/// registry within `MaxIndicators`.
		pub(crate) fn insert_indicator(
			indicator: Indicator,
		) -> Result<(IndicatorId, LoincCode), Error<T>> {
			ensure!(
				!IndicatorIdByCode::<T>::contains_key(&indicator.code),
				Error::<T>::DuplicateLoincCode
			);
			let id = IndicatorCount::<T>::get();
			ensure!(id < T::MaxIndicators::get(), Error::<T>::RegistryFull);
			let code = indicator.code.clone();
			IndicatorIdByCode::<T>::insert(&code, id);
			Indicators::<T>::insert(id, indicator);
			IndicatorCount::<T>::put(id + 1);
			Ok((id, code))
		}

		/// The registry id of a LOINC code, if it is registered.
		pub fn indicator_id(code: &[u8]) -> Option<IndicatorId> {
			let code: LoincCode = code.to_vec().try_into().ok()?;
			IndicatorIdByCode::<T>::get(code)
		}
	}
}
