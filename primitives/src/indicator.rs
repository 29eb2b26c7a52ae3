//! The indicator registry's types and the validation of untrusted indicator descriptions
//! (PROTOCOL.md section 2).
//!
//! An indicator is a health measurement named by its LOINC code, measured in a UCUM unit and
//! carried as a fixed-point unsigned integer below 2^32 with a decimal `scale` (36.9 Cel with
//! scale 2 is 3690). Its plausibility domain `[lo, hi]` is in the same scaled units.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use bounded_collections::{BoundedVec, ConstU32};
use scale_info::TypeInfo;


/// Index of an indicator in the registry, assigned in registration order from 0.
pub type IndicatorId = u32;

/// Longest accepted LOINC code: up to seven digits, a hyphen and the check digit.
pub const MAX_LOINC_CODE_LEN: u32 = 9;
/// Longest accepted UCUM unit expression, in bytes.
pub const MAX_UNIT_LEN: u32 = 24;
/// Longest accepted display name, in bytes of UTF-8.
pub const MAX_NAME_LEN: u32 = 64;
/// Largest decimal scale: 10^9 already exceeds any useful resolution of a u32 value.
pub const MAX_SCALE: u8 = 9;

/// A syntactically valid LOINC code with a correct check digit, as ASCII (`8310-5`).
pub type LoincCode = BoundedVec<u8, ConstU32<MAX_LOINC_CODE_LEN>>;
/// A syntactically valid UCUM unit expression, as ASCII (`Cel`, `mm[Hg]`, `/min`).
pub type UcumUnit = BoundedVec<u8, ConstU32<MAX_UNIT_LEN>>;
/// A human-readable indicator name, UTF-8 (`Body temperature`).
pub type IndicatorName = BoundedVec<u8, ConstU32<MAX_NAME_LEN>>;

/// One entry of the indicator registry.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	PartialEq,
	Eq,
	Debug,
)]
pub struct Indicator {
	/// LOINC code naming the measurement.
	pub code: LoincCode,
	/// Display name for people reading results.
	pub name: IndicatorName,
	/// UCUM unit in which values are expressed before scaling.
	pub unit: UcumUnit,
	/// Number of decimal places kept: the stored integer is `value * 10^scale`.
	pub scale: u8,
	/// Smallest plausible value, in scaled units.
	pub lo: u32,
	/// Largest plausible value, in scaled units.
	pub hi: u32,
	/// The narrowest hidden range a request may ask for, in scaled units, set by the registrar
	/// (PROTOCOL.md 9.1): it bounds how finely one comparison can locate a holder's value.
	pub min_width: u32,
}

/// Why an indicator description was refused. The pallet maps each to its own error.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IndicatorError {
	LoincCodeTooLong,
	LoincCodeMalformed,
	LoincCheckDigitMismatch,
	UnitTooLong,
	UnitMalformed,
	NameTooLong,
	NameMalformed,
	ScaleTooLarge,
	DomainInverted,
	MinWidthZero,
	MinWidthExceedsDomain,
}

impl Indicator {
	/// Validates an untrusted description and builds the registry entry.
	pub fn new(
		code: &[u8],
		name: &[u8],
		unit: &[u8],
		scale: u8,
		lo: u32,
		hi: u32,
		min_width: u32,
	) -> Result<Self, IndicatorError> {
		let code = parse_loinc_code(code)?;
		let name = parse_name(name)?;
		let unit = parse_ucum_unit(unit)?;
		if scale > MAX_SCALE {
			return Err(IndicatorError::ScaleTooLarge);
		}
		if lo > hi {
			return Err(IndicatorError::DomainInverted);
		}
		let mut indicator = Self { code, name, unit, scale, lo, hi, min_width: 0 };
		indicator.set_min_width(min_width)?;
		Ok(indicator)
	}

	/// Sets the registry's minimum range width: at least 1 (a width of 0 would admit ranges
	/// `[v, v]`) and at most `hi - lo` (a request must be able to satisfy it).
	pub fn set_min_width(&mut self, min_width: u32) -> Result<(), IndicatorError> {
		if min_width == 0 {
			return Err(IndicatorError::MinWidthZero);
		}
		if min_width > self.hi - self.lo {
			return Err(IndicatorError::MinWidthExceedsDomain);
		}
		self.min_width = min_width;
		Ok(())
	}
}

/// Checks the LOINC code syntax `digits-checkdigit` and its mod-10 (Luhn) check digit.
pub fn parse_loinc_code(code: &[u8]) -> Result<LoincCode, IndicatorError> {
	let bounded: LoincCode =
		code.to_vec().try_into().map_err(|_| IndicatorError::LoincCodeTooLong)?;
	let (body, check) = match code {
		[body @ .., b'-', check] if !body.is_empty() => (body, *check),
		_ => return Err(IndicatorError::LoincCodeMalformed),
	};
	if !body.iter().all(u8::is_ascii_digit) || !check.is_ascii_digit() {
		return Err(IndicatorError::LoincCodeMalformed);
	}
	if loinc_check_digit(body) != check - b'0' {
		return Err(IndicatorError::LoincCheckDigitMismatch);
	}
	Ok(bounded)
}

/// LOINC's mod-10 check digit: Luhn over the digits before the hyphen, doubling every second
/// digit counted from the right, starting with the rightmost.
fn loinc_check_digit(digits: &[u8]) -> u8 {
	let sum: u32 = digits
		.iter()
		.rev()
		.enumerate()
		.map(|(position, digit)| {
			let value = u32::from(digit - b'0');
			if position % 2 == 0 {
				let doubled = value * 2;
				doubled / 10 + doubled % 10
			} else {
				value
			}
		})
		.sum();
	((10 - sum % 10) % 10) as u8
}

/// Checks the shape of a UCUM expression as far as the grammar can be checked without the unit
/// tables: printable ASCII without spaces, `[...]` atoms and `{...}` annotations closed and not
/// nested, and the operators `.` and `/` each followed by a term. A leading `/` is UCUM's
/// reciprocal (`/min`).
pub fn parse_ucum_unit(unit: &[u8]) -> Result<UcumUnit, IndicatorError> {
	let bounded: UcumUnit = unit.to_vec().try_into().map_err(|_| IndicatorError::UnitTooLong)?;
	if unit.is_empty() || unit[0] == b'.' {
		return Err(IndicatorError::UnitMalformed);
	}
	#[derive(PartialEq)]
	enum Inside {
		Term,
		Bracket,
		Annotation,
	}
	let mut inside = Inside::Term;
	// True right after an operator (or at the start): a term must follow.
	let mut expecting_term = true;
	for (index, &byte) in unit.iter().enumerate() {
		if !(0x21..=0x7e).contains(&byte) {
			return Err(IndicatorError::UnitMalformed);
		}
		match inside {
			Inside::Bracket => match byte {
				b']' => inside = Inside::Term,
				b'[' | b'{' | b'}' => return Err(IndicatorError::UnitMalformed),
				_ => {},
			},
			Inside::Annotation => match byte {
				b'}' => inside = Inside::Term,
				b'{' | b'[' | b']' => return Err(IndicatorError::UnitMalformed),
				_ => {},
			},
			Inside::Term => match byte {
				b'[' => {
					inside = Inside::Bracket;
					expecting_term = false;
				},
				b'{' => {
					inside = Inside::Annotation;
					expecting_term = false;
				},
				b']' | b'}' | b'(' | b')' => return Err(IndicatorError::UnitMalformed),
				b'.' | b'/' => {
					let leading_reciprocal = byte == b'/' && index == 0;
					if expecting_term && !leading_reciprocal {
						return Err(IndicatorError::UnitMalformed);
					}
					expecting_term = true;
				},
				_ => expecting_term = false,
			},
		}
	}
	if inside != Inside::Term || expecting_term {
		return Err(IndicatorError::UnitMalformed);
	}
	Ok(bounded)
}

/// Checks a display name: non-empty UTF-8 without control characters.
pub fn parse_name(name: &[u8]) -> Result<IndicatorName, IndicatorError> {
	let bounded: IndicatorName =
		name.to_vec().try_into().map_err(|_| IndicatorError::NameTooLong)?;
	let text = core::str::from_utf8(name).map_err(|_| IndicatorError::NameMalformed)?;
	if text.trim().is_empty() || text.chars().any(char::is_control) {
		return Err(IndicatorError::NameMalformed);
	}
	Ok(bounded)
}
