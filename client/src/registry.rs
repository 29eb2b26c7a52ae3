//! The client's view of the chain's indicator registry (PROTOCOL.md section 2).

use serde::{Deserialize, Serialize};

/// One indicator as registered on chain: values are unsigned integers `value * 10^scale`,
/// plausible within `[lo, hi]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEntry {
	/// Registry id, as requests name the indicator.
	pub id: u32,
	/// LOINC code, for example `8310-5`.
	pub code: String,
	/// Display name.
	pub name: String,
	/// UCUM unit of the registered value, for example `Cel`.
	pub unit: String,
	/// Decimal places kept.
	pub scale: u8,
	/// Smallest plausible scaled value.
	pub lo: u32,
	/// Largest plausible scaled value.
	pub hi: u32,
	/// Narrowest hidden range a request may ask for, in scaled units.
	pub min_width: u32,
}

impl RegistryEntry {
	/// Body temperature as the genesis registry has it (id 0, Cel, scale 2, 25.00 to 45.00,
	/// minimum width 0.50), for unit tests.
	#[cfg(test)]
	pub fn temperature_for_tests() -> RegistryEntry {
		RegistryEntry {
			id: 0,
			code: "8310-5".into(),
			name: "Body temperature".into(),
			unit: "Cel".into(),
			scale: 2,
			lo: 2_500,
			hi: 4_500,
			min_width: 50,
		}
	}

	/// Renders a scaled value as a decimal in the registry unit, for people (`3690` -> `36.90 Cel`).
	pub fn display_value(&self, scaled: u32) -> String {
		let divisor = 10u64.pow(u32::from(self.scale));
		let whole = u64::from(scaled) / divisor;
		let fraction = u64::from(scaled) % divisor;
		if self.scale == 0 {
			format!("{whole} {}", self.unit)
		} else {
			format!("{whole}.{fraction:0width$} {}", self.unit, width = usize::from(self.scale))
		}
	}
}
