//! Progress display on stderr: spinners for waits of unknown length (parameter loading, key
//! generation, block inclusion) and bars for counted work (proof chunks, encryptions). They
//! draw only when stderr is a terminal, so scripts and `--json` output stay clean.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Whether progress is drawn at all (off with `--quiet`).
#[derive(Clone, Copy, Debug)]
pub struct Progress {
	pub enabled: bool,
}

impl Progress {
	/// A spinner with `message`, ticking until finished.
	pub fn spinner(&self, message: impl Into<String>) -> ProgressBar {
		if !self.enabled {
			return ProgressBar::hidden();
		}
		let bar = ProgressBar::new_spinner();
		bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"));
		bar.set_message(message.into());
		bar.enable_steady_tick(Duration::from_millis(120));
		bar
	}

	/// A bar counting `total` steps of `message`.
	pub fn bar(&self, total: u64, message: impl Into<String>) -> ProgressBar {
		if !self.enabled {
			return ProgressBar::hidden();
		}
		let bar = ProgressBar::new(total);
		bar.set_style(
			ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed}, eta {eta})")
				.expect("valid template")
				.progress_chars("=> "),
		);
		bar.set_message(message.into());
		bar.enable_steady_tick(Duration::from_millis(200));
		bar
	}
}
