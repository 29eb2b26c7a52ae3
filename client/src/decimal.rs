//! Exact decimal text <-> the registry's fixed-point integers (PROTOCOL.md section 2).
//!
//! Ranges in request files are written by people as decimals ("36.10"). Going through `f64`
//! would turn 36.1 into 3609.999.. and round; parsing the digits keeps the value exact and
//! lets us refuse a value finer than the registry keeps instead of silently rounding it.

/// Why a decimal could not be turned into a scaled integer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
	#[error("{0:?} is not a decimal number (write it like 36.5, without sign or exponent)")]
	Malformed(String),
	#[error("{text:?} has more decimal places than the registry keeps ({scale})")]
	TooPrecise { text: String, scale: u8 },
	#[error("{0:?} is too large for a 32-bit fixed-point value")]
	TooLarge(String),
}

/// Parses `text` ("36.10", "120", "0.5") as `value * 10^scale`, exactly.
pub fn parse_scaled(text: &str, scale: u8) -> Result<u32, DecimalError> {
	let text = text.trim();
	let malformed = || DecimalError::Malformed(text.to_string());
	let (whole, fraction) = match text.split_once('.') {
		Some((w, f)) => (w, f),
		None => (text, ""),
	};
	if whole.is_empty() && fraction.is_empty() {
		return Err(malformed());
	}
	if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
		return Err(malformed());
	}
	// Trailing zeros beyond the scale carry no information ("36.100" at scale 2 is fine).
	let significant = fraction.trim_end_matches('0');
	if significant.len() > usize::from(scale) {
		return Err(DecimalError::TooPrecise { text: text.to_string(), scale });
	}
	let mut digits = String::with_capacity(whole.len() + usize::from(scale));
	digits.push_str(whole);
	digits.push_str(significant);
	for _ in significant.len()..usize::from(scale) {
		digits.push('0');
	}
	let digits = digits.trim_start_matches('0');
	if digits.is_empty() {
		return Ok(0);
	}
	digits.parse::<u32>().map_err(|_| DecimalError::TooLarge(text.to_string()))
}

/// Renders a scaled integer as decimal text without unit (`3690`, scale 2 -> `36.90`).
pub fn format_scaled(scaled: u32, scale: u8) -> String {
	let divisor = 10u64.pow(u32::from(scale));
	let whole = u64::from(scaled) / divisor;
	let fraction = u64::from(scaled) % divisor;
	if scale == 0 {
		whole.to_string()
	} else {
		format!("{whole}.{fraction:0width$}", width = usize::from(scale))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_exactly() {
		assert_eq!(parse_scaled("36.1", 2), Ok(3610));
		assert_eq!(parse_scaled("36.10", 2), Ok(3610));
		assert_eq!(parse_scaled("36.100", 2), Ok(3610));
		assert_eq!(parse_scaled("120", 0), Ok(120));
		assert_eq!(parse_scaled("0.5", 1), Ok(5));
		assert_eq!(parse_scaled(".5", 1), Ok(5));
		assert_eq!(parse_scaled("7.", 1), Ok(70));
		assert_eq!(parse_scaled("0", 3), Ok(0));
		assert_eq!(parse_scaled("4294967295", 0), Ok(u32::MAX));
	}

	#[test]
	fn refuses_what_it_cannot_represent() {
		assert!(matches!(parse_scaled("36.123", 2), Err(DecimalError::TooPrecise { .. })));
		assert!(matches!(parse_scaled("-1", 0), Err(DecimalError::Malformed(_))));
		assert!(matches!(parse_scaled("1e3", 0), Err(DecimalError::Malformed(_))));
		assert!(matches!(parse_scaled("", 0), Err(DecimalError::Malformed(_))));
		assert!(matches!(parse_scaled(".", 0), Err(DecimalError::Malformed(_))));
		assert!(matches!(parse_scaled("4294967296", 0), Err(DecimalError::TooLarge(_))));
	}

	#[test]
	fn formats_back() {
		assert_eq!(format_scaled(3610, 2), "36.10");
		assert_eq!(format_scaled(5, 1), "0.5");
		assert_eq!(format_scaled(120, 0), "120");
	}
}
