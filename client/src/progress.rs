//! Progress of long work: spinners for waits of unknown length (parameter loading, key
//! generation, block inclusion) and bars for counted work (proof chunks, encryptions).
//!
//! On the command line they draw on stderr, only when stderr is a terminal, so scripts and
//! `--json` output stay clean. Under `medshare serve` they draw nowhere: the portal hands a step
//! an [`Observer`] and streams what it sees to the page.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Where a step's progress goes.
#[derive(Clone, Debug)]
pub struct Progress {
	/// Whether anything is drawn on the terminal (off with `--quiet` and `--json`).
	pub enabled: bool,
	observer: Option<Arc<Observer>>,
}

impl Progress {
	/// Progress drawn on stderr when `enabled`.
	pub fn terminal(enabled: bool) -> Progress {
		Progress { enabled, observer: None }
	}

	/// Progress drawn nowhere but kept in `observer` for someone to read.
	pub fn observed(observer: Arc<Observer>) -> Progress {
		Progress { enabled: false, observer: Some(observer) }
	}

	/// A spinner with `message`, ticking until finished.
	pub fn spinner(&self, message: impl Into<String>) -> ProgressBar {
		if let Some(observer) = &self.observer {
			return observer.track(None, message.into());
		}
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
		if let Some(observer) = &self.observer {
			return observer.track(Some(total), message.into());
		}
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

/// The newest spinner or bar of one step, hidden, for polling.
#[derive(Debug, Default)]
pub struct Observer {
	current: Mutex<Option<ProgressBar>>,
}

/// What a step is doing now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
	pub message: String,
	/// Work done, for counted work.
	pub position: Option<u64>,
	/// Work in all, for counted work; `None` for a spinner.
	pub length: Option<u64>,
	/// Milliseconds since this part of the step began.
	pub elapsed_ms: u64,
}

impl Observer {
	fn track(&self, total: Option<u64>, message: String) -> ProgressBar {
		let bar = ProgressBar::hidden();
		if let Some(total) = total {
			bar.set_length(total);
		}
		bar.set_message(message);
		if let Ok(mut current) = self.current.lock() {
			*current = Some(bar.clone());
		}
		bar
	}

	/// The newest spinner or bar, or `None` before the step made one.
	pub fn snapshot(&self) -> Option<Snapshot> {
		let current = self.current.lock().ok()?.clone()?;
		let length = current.length();
		Some(Snapshot {
			message: current.message(),
			position: length.map(|_| current.position()),
			length,
			elapsed_ms: current.elapsed().as_millis().try_into().unwrap_or(u64::MAX),
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_observer_sees_the_newest_bar_and_its_position() {
		let observer = Arc::new(Observer::default());
		let progress = Progress::observed(observer.clone());
		assert_eq!(observer.snapshot(), None);
		let spinner = progress.spinner("loading parameters");
		let seen = observer.snapshot().unwrap();
		assert_eq!((seen.message.as_str(), seen.length, seen.position), ("loading parameters", None, None));
		spinner.finish_and_clear();
		let bar = progress.bar(7, "proving");
		bar.set_position(3);
		let seen = observer.snapshot().unwrap();
		assert_eq!((seen.message.as_str(), seen.length, seen.position), ("proving", Some(7), Some(3)));
	}
}
