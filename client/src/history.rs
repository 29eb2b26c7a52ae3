//! `medshare history`: every session of the signing account, from the chain's state and the
//! holder's local files together. The chain keeps a session's summary until it is pruned; the
//! local file keeps what only the holder knows (its own outcomes) for as long as it is kept.

use serde::Serialize;

use crate::chain::{Request, Session};
use crate::ops::{Context, OpError};
use crate::registry::RegistryEntry;
use crate::signer::Signer;
use crate::state::{OutcomeRow, SessionSecrets};

/// One session of the holder.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct HistoryRow {
	pub session_id: u64,
	pub request_id: u64,
	/// The request's institution, when the chain or the local file still knows it.
	pub institution: Option<String>,
	/// LOINC codes in request order.
	pub indicators: Vec<String>,
	/// `Eligible`, `DataSubmitted`, `Compared`, `Completed`, `Expired`, `Withdrawn`, or `pruned`
	/// (the chain no longer keeps its summary; the row comes from the local file).
	pub state: String,
	/// Block of the session's last step, while the chain keeps its summary.
	pub updated_at: Option<u32>,
	/// The holder's own -1/0/1, once it answered the comparison (local state only).
	pub outcomes: Option<Vec<OutcomeRow>>,
}

/// The signer's sessions, by id.
pub async fn history(ctx: &Context, signer: &Signer) -> Result<Vec<HistoryRow>, OpError> {
	let known = Known {
		sessions: ctx.chain.sessions().await?,
		next_session: ctx.chain.next_ids().await?.1,
		requests: ctx.chain.requests().await?,
		registry: ctx.chain.registry().await?,
	};
	let local = ctx.state.session_files(&ctx.chain.genesis())?;
	Ok(merge(&signer.account_bytes(), &signer.address(), &known, &local))
}

/// What the chain knows, for [`merge`].
pub struct Known {
	/// Every session in state.
	pub sessions: Vec<(u64, Session)>,
	/// The id the next session will get.
	pub next_session: u64,
	/// Every request in state.
	pub requests: Vec<(u64, Request)>,
	pub registry: Vec<RegistryEntry>,
}

/// One row per session of the holder (`account`, SS58 `address`) that the chain or the local
/// files know of; other accounts' sessions are left out. A local file that does not belong to
/// the chain's session of its id, or whose id the chain has not given yet (a restarted
/// development chain reuses ids), is left out too.
pub fn merge(account: &[u8; 32], address: &str, known: &Known, local: &[SessionSecrets]) -> Vec<HistoryRow> {
	let on_chain: Vec<&(u64, Session)> = known.sessions.iter().filter(|(_, s)| &s.holder.0 == account).collect();
	let local: Vec<&SessionSecrets> =
		local.iter().filter(|s| s.holder == address && s.session_id < known.next_session).collect();
	let (requests, registry) = (&known.requests, &known.registry);
	let code_of = |id: u32| registry.iter().find(|e| e.id == id).map_or_else(|| id.to_string(), |e| e.code.clone());
	let name_of = |id: u32| registry.iter().find(|e| e.id == id).map(|e| e.name.clone()).unwrap_or_default();
	let outcomes_of = |secrets: &SessionSecrets| {
		secrets.outcomes.as_ref().map(|outcomes| {
			secrets
				.values
				.iter()
				.zip(outcomes)
				.map(|((id, code, _), outcome)| OutcomeRow { id: *id, code: code.clone(), name: name_of(*id), outcome: *outcome })
				.collect()
		})
	};
	let mut rows = Vec::new();
	for (id, session) in on_chain {
		let secrets = local.iter().copied().find(|s| s.session_id == *id && s.nonce == hex::encode(session.nonce));
		let request = requests.iter().find(|(r, _)| *r == session.request_id).map(|(_, r)| r);
		let indicators = match (request, secrets) {
			(Some(request), _) => request.indicators.iter().map(|i| code_of(i.id)).collect(),
			(None, Some(secrets)) => secrets.values.iter().map(|(_, code, _)| code.clone()).collect(),
			(None, None) => Vec::new(),
		};
		rows.push(HistoryRow {
			session_id: *id,
			request_id: session.request_id,
			institution: request.map(|r| r.institution.to_string()).or_else(|| secrets.and_then(|s| s.institution.clone())),
			indicators,
			state: format!("{:?}", session.state),
			updated_at: Some(session.updated_at),
			outcomes: secrets.and_then(outcomes_of),
		});
	}
	for secrets in local {
		if known.sessions.iter().any(|(id, _)| *id == secrets.session_id) {
			continue;
		}
		rows.push(HistoryRow {
			session_id: secrets.session_id,
			request_id: secrets.request_id,
			institution: secrets.institution.clone(),
			indicators: secrets.values.iter().map(|(_, code, _)| code.clone()).collect(),
			state: "pruned".into(),
			updated_at: None,
			outcomes: outcomes_of(secrets),
		});
	}
	rows.sort_by_key(|row| row.session_id);
	rows
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::chain::{RequestStatus, RequestedIndicator, SessionState};
	use subxt::utils::AccountId32;

	const HOLDER: [u8; 32] = [1; 32];
	const OTHER: [u8; 32] = [2; 32];
	const INSTITUTION: [u8; 32] = [9; 32];

	fn session(request_id: u64, holder: [u8; 32], nonce: u8, state: SessionState) -> Session {
		let mut session = Session::opened(request_id, AccountId32(holder), [nonce; 32], Default::default(), 5, 50);
		session.state = state;
		session
	}

	fn request(ids: &[u32]) -> Request {
		Request {
			institution: AccountId32(INSTITUTION),
			indicators: ids.iter().map(|id| RequestedIndicator { id: *id, min_width: 1 }).collect::<Vec<_>>().try_into().unwrap(),
			statements: Default::default(),
			range_commitments: Default::default(),
			created_at: 1,
			expires_at: 100,
			deposit: 0,
			open_sessions: 1,
			status: RequestStatus::Open,
		}
	}

	fn secrets(session_id: u64, request_id: u64, holder: [u8; 32], nonce: u8, outcomes: Option<Vec<i8>>) -> SessionSecrets {
		SessionSecrets {
			session_id,
			request_id,
			holder: AccountId32(holder).to_string(),
			institution: Some(AccountId32(INSTITUTION).to_string()),
			nonce: hex::encode([nonce; 32]),
			data_commitments: vec![],
			blindings: vec![],
			values: vec![(0, "8310-5".into(), 3700), (4, "2708-6".into(), 9800)],
			outcomes,
		}
	}

	#[test]
	fn exactly_the_accounts_sessions_are_listed_with_its_own_outcomes() {
		let registry = vec![
			RegistryEntry { id: 0, code: "8310-5".into(), name: "Body temperature".into(), ..RegistryEntry::temperature_for_tests() },
			RegistryEntry { id: 4, code: "2708-6".into(), name: "Oxygen saturation".into(), ..RegistryEntry::temperature_for_tests() },
		];
		let known = Known {
			sessions: vec![
				(0, session(0, HOLDER, 1, SessionState::Completed)),
				(1, session(0, OTHER, 2, SessionState::Completed)),
				(3, session(1, HOLDER, 3, SessionState::Withdrawn)),
				// The request of this one has left state: the local file names its indicators.
				(4, session(2, HOLDER, 4, SessionState::Expired)),
			],
			next_session: 6,
			requests: vec![(0, request(&[0, 4])), (1, request(&[4]))],
			registry,
		};
		let local = vec![
			secrets(0, 0, HOLDER, 1, Some(vec![0, 1])),
			secrets(1, 0, OTHER, 2, Some(vec![-1, -1])),
			// Pruned from the chain's state, still kept locally.
			secrets(2, 1, HOLDER, 5, None),
			secrets(4, 2, HOLDER, 4, None),
			// A file of an earlier chain with the same genesis: an id not given yet, and an id
			// whose session has another nonce.
			secrets(7, 0, HOLDER, 8, None),
			secrets(3, 1, HOLDER, 9, Some(vec![1])),
		];
		let rows = merge(&HOLDER, &AccountId32(HOLDER).to_string(), &known, &local);
		let summary: Vec<(u64, u64, &str, Vec<String>)> =
			rows.iter().map(|r| (r.session_id, r.request_id, r.state.as_str(), r.indicators.clone())).collect();
		let codes = |c: &[&str]| c.iter().map(|c| c.to_string()).collect::<Vec<_>>();
		assert_eq!(
			summary,
			vec![
				(0, 0, "Completed", codes(&["8310-5", "2708-6"])),
				(2, 1, "pruned", codes(&["8310-5", "2708-6"])),
				(3, 1, "Withdrawn", codes(&["2708-6"])),
				(4, 2, "Expired", codes(&["8310-5", "2708-6"])),
			]
		);
		let own: Vec<(String, String, i8)> =
			rows[0].outcomes.as_ref().unwrap().iter().map(|o| (o.code.clone(), o.name.clone(), o.outcome)).collect();
		assert_eq!(own, vec![("8310-5".into(), "Body temperature".into(), 0), ("2708-6".into(), "Oxygen saturation".into(), 1)]);
		// The session whose local file has another nonce shows no outcomes of that file.
		assert_eq!(rows[2].outcomes, None);
		assert!(rows.iter().all(|r| r.institution.as_deref() == Some(AccountId32(INSTITUTION).to_string().as_str())));
		// Another account sees only its own.
		let theirs = merge(&OTHER, &AccountId32(OTHER).to_string(), &known, &local);
		assert_eq!(theirs.iter().map(|r| r.session_id).collect::<Vec<_>>(), vec![1]);
	}
}
