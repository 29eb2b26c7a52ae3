//! `medshare watch`: follows the pallet's events in finalized blocks, for one session, one
//! request or all of them, optionally replaying from an earlier block first.

use crate::chain::{Chain, ChainError};

/// Which events to show.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filter {
	/// Only this session's events; watching ends when it completes or expires.
	pub session: Option<u64>,
	/// Only this request's events (its creation and its sessions').
	pub request: Option<u64>,
}

impl Filter {
	fn matches(&self, event: &serde_json::Value) -> bool {
		let field = |name: &str| event.get(name).and_then(|v| v.as_u64());
		if let Some(session) = self.session {
			if field("session_id") != Some(session) {
				return false;
			}
		}
		if let Some(request) = self.request {
			if field("request_id") != Some(request) {
				return false;
			}
		}
		true
	}

	fn ends_with(&self, event: &serde_json::Value) -> bool {
		self.session.is_some() && matches!(event["event"].as_str(), Some("SessionCompleted" | "SessionExpired" | "SessionWithdrawn"))
	}
}

/// One event as a line for people: `#block Event field=value ...`.
pub fn event_line(event: &serde_json::Value) -> String {
	let mut line = format!("#{:<6} {}", event["block"], event["event"].as_str().unwrap_or("?"));
	if let Some(fields) = event.as_object() {
		for (name, value) in fields {
			if name == "event" || name == "block" {
				continue;
			}
			let text = match value {
				serde_json::Value::String(s) => s.clone(),
				other => other.to_string(),
			};
			line.push_str(&format!(" {name}={text}"));
		}
	}
	line
}

/// Shows matching events from `from_block` (if given) and then as blocks are finalized. Returns
/// when the watched session ends, otherwise runs until interrupted.
pub async fn watch(
	chain: &Chain,
	filter: Filter,
	from_block: Option<u64>,
	mut show: impl FnMut(&serde_json::Value),
) -> Result<(), ChainError> {
	// Subscribe before replaying, so that no block falls between the two.
	let mut blocks = chain.blocks().await?;
	let mut next = match from_block {
		Some(from) => from,
		None => chain.finalized_number().await? + 1,
	};
	let scan_to = |last: u64, next: &mut u64| -> Vec<u64> {
		let range: Vec<u64> = (*next..=last).collect();
		*next = (*next).max(last + 1);
		range
	};
	let head = chain.finalized_number().await?;
	for number in scan_to(head, &mut next) {
		for event in chain.events_at(number).await? {
			if filter.matches(&event) {
				show(&event);
				if filter.ends_with(&event) {
					return Ok(());
				}
			}
		}
	}
	while let Some(block) = blocks.next().await {
		let block = block.map_err(|e| ChainError::Rpc(e.to_string()))?;
		for number in scan_to(block.number(), &mut next) {
			for event in chain.events_at(number).await? {
				if filter.matches(&event) {
					show(&event);
					if filter.ends_with(&event) {
						return Ok(());
					}
				}
			}
		}
	}
	Err(ChainError::Rpc("the node closed the block subscription".into()))
}
