//! Benchmarks for the medical sharing pallet, at each call's worst case.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use indicator::{MAX_NAME_LEN, MAX_UNIT_LEN};

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: every field at its longest, so validation reads the most bytes.
	#[benchmark]
	fn register_indicator() -> Result<(), BenchmarkError> {
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		// Seven digits, the longest LOINC body; 1234567 has check digit 4.
		let code = b"1234567-4".to_vec();
		let name = vec![b'n'; MAX_NAME_LEN as usize];
		// `[...]` atoms make the validator walk its bracket state on every byte.
		let mut unit = vec![b'['];
		unit.extend(vec![b'u'; MAX_UNIT_LEN as usize - 2]);
		unit.push(b']');
		let expected_id = IndicatorCount::<T>::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, code.clone(), name, unit, 2, 0, u32::MAX);

		assert_eq!(Pallet::<T>::indicator_id(&code), Some(expected_id));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
