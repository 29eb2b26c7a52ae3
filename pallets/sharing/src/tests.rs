//! Unit tests of the indicator registry on the mock runtime.

use crate::{indicator, mock::*, Error, Event, Indicator, IndicatorCount, Indicators, Pallet};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn register(code: &str, name: &str, unit: &str, scale: u8, lo: u32, hi: u32) -> sp_runtime::DispatchResult {
	MedicalSharing::register_indicator(
		RuntimeOrigin::root(),
		code.as_bytes().to_vec(),
		name.as_bytes().to_vec(),
		unit.as_bytes().to_vec(),
		scale,
		lo,
		hi,
	)
}

#[test]
fn genesis_registers_indicators_in_order() {
	new_test_ext().execute_with(|| {
		assert_eq!(IndicatorCount::<Test>::get(), 2);
		let temperature = Indicators::<Test>::get(0).expect("genesis indicator 0");
		assert_eq!(&temperature.code[..], b"8310-5");
		assert_eq!(&temperature.unit[..], b"Cel");
		assert_eq!((temperature.scale, temperature.lo, temperature.hi), (2, 2500, 4500));
		assert_eq!(Pallet::<Test>::indicator_id(b"8867-4"), Some(1));
		assert_eq!(Pallet::<Test>::indicator_id(b"8480-6"), None);
	});
}

#[test]
fn registrar_registers_an_indicator_and_it_gets_the_next_id() {
	new_test_ext().execute_with(|| {
		assert_ok!(register("8480-6", "Systolic blood pressure", "mm[Hg]", 0, 40, 300));
		let stored = Indicators::<Test>::get(2).expect("stored under the next id");
		assert_eq!(
			stored,
			Indicator::new(b"8480-6", b"Systolic blood pressure", b"mm[Hg]", 0, 40, 300).unwrap()
		);
		assert_eq!(IndicatorCount::<Test>::get(), 3);
		assert_eq!(Pallet::<Test>::indicator_id(b"8480-6"), Some(2));
		System::assert_last_event(
			Event::IndicatorRegistered { id: 2, code: b"8480-6".to_vec().try_into().unwrap() }.into(),
		);
	});
}

#[test]
fn a_signed_account_is_not_the_registrar() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			MedicalSharing::register_indicator(
				RuntimeOrigin::signed(7),
				b"8480-6".to_vec(),
				b"Systolic blood pressure".to_vec(),
				b"mm[Hg]".to_vec(),
				0,
				40,
				300
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn duplicate_loinc_code_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			register("8310-5", "Temperature again", "Cel", 1, 250, 450),
			Error::<Test>::DuplicateLoincCode
		);
	});
}

#[test]
fn registry_full_is_refused() {
	new_test_ext().execute_with(|| {
		// MaxIndicators is 12 in the mock and genesis holds 2.
		let codes = ["1000-9", "1001-7", "1002-5", "1003-3", "1004-1", "1005-8", "1006-6", "1007-4", "1008-2", "1009-0"];
		for code in codes {
			assert_ok!(register(code, "Filler", "1", 0, 0, 10));
		}
		assert_noop!(register("1010-8", "One too many", "1", 0, 0, 10), Error::<Test>::RegistryFull);
	});
}

#[test]
fn loinc_code_too_long_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(register("12345678-9", "Long", "1", 0, 0, 1), Error::<Test>::LoincCodeTooLong);
	});
}

#[test]
fn malformed_loinc_codes_are_refused() {
	new_test_ext().execute_with(|| {
		for code in ["", "8310", "8310-", "-5", "83a0-5", "8310-x", "8310_5", "8310--5", " 8310-5"] {
			assert_noop!(
				register(code, "Malformed", "Cel", 0, 0, 1),
				Error::<Test>::LoincCodeMalformed
			);
		}
	});
}

#[test]
fn wrong_loinc_check_digit_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			register("8480-7", "Systolic blood pressure", "mm[Hg]", 0, 40, 300),
			Error::<Test>::LoincCheckDigitMismatch
		);
	});
}

#[test]
fn unit_too_long_is_refused() {
	new_test_ext().execute_with(|| {
		let unit = "m".repeat(indicator::MAX_UNIT_LEN as usize + 1);
		assert_noop!(register("8480-6", "Systolic", &unit, 0, 40, 300), Error::<Test>::UnitTooLong);
	});
}

#[test]
fn malformed_units_are_refused() {
	new_test_ext().execute_with(|| {
		for unit in ["", "mm Hg", "mm[Hg", "mm]Hg", "mm[H[g]]", "{beat", "kg.", ".kg", "kg..m", "kg//m", "mg/", "(mg)", "mg\u{7f}"] {
			assert_noop!(
				register("8480-6", "Systolic", unit, 0, 40, 300),
				Error::<Test>::UnitMalformed
			);
		}
	});
}

#[test]
fn well_formed_units_are_accepted() {
	for unit in ["Cel", "mm[Hg]", "/min", "%", "mmol/L", "mg/dL", "kg/m2", "{beats}/min", "[degF]", "10*3/uL", "m/s2", "1"] {
		assert!(indicator::parse_ucum_unit(unit.as_bytes()).is_ok(), "{unit} should be accepted");
	}
}

#[test]
fn name_too_long_is_refused() {
	new_test_ext().execute_with(|| {
		let name = "n".repeat(indicator::MAX_NAME_LEN as usize + 1);
		assert_noop!(register("8480-6", &name, "mm[Hg]", 0, 40, 300), Error::<Test>::NameTooLong);
	});
}

#[test]
fn malformed_names_are_refused() {
	new_test_ext().execute_with(|| {
		for name in [&b""[..], b"   ", b"line\nbreak", b"\xff\xfe"] {
			assert_noop!(
				MedicalSharing::register_indicator(
					RuntimeOrigin::root(),
					b"8480-6".to_vec(),
					name.to_vec(),
					b"mm[Hg]".to_vec(),
					0,
					40,
					300
				),
				Error::<Test>::NameMalformed
			);
		}
	});
}

#[test]
fn scale_above_nine_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(register("8480-6", "Systolic", "mm[Hg]", 10, 40, 300), Error::<Test>::ScaleTooLarge);
	});
}

#[test]
fn inverted_domain_is_refused_and_a_point_domain_is_not() {
	new_test_ext().execute_with(|| {
		assert_noop!(register("8480-6", "Systolic", "mm[Hg]", 0, 301, 300), Error::<Test>::DomainInverted);
		assert_ok!(register("8480-6", "Systolic", "mm[Hg]", 0, 300, 300));
	});
}

#[test]
fn loinc_check_digits_of_the_common_vital_signs_verify() {
	for code in ["8310-5", "8480-6", "8462-4", "8867-4", "2708-6", "59408-5", "15074-8", "2339-0", "9279-1", "29463-7", "8302-2"] {
		assert!(indicator::parse_loinc_code(code.as_bytes()).is_ok(), "{code} should verify");
	}
}
