//! The runtime upgrade's dry run and every pallet's invariants (`try_state`), on the state a
//! real development chain holds after a whole sharing session: the snapshot the client's
//! end-to-end session test writes to `MEDSHARE_STATE_SNAPSHOT` (scripts/test.sh runs that test
//! first, then this one with the `try-runtime` feature; docs/CHAIN.md).
#![cfg(feature = "try-runtime")]

use frame_support::traits::{TryState, TryStateSelect, UpgradeCheckSelect};
use medshare_runtime::{AllPalletsWithSystem, Executive, Runtime, System};
use pallet_medical_sharing::{Requests, Sessions};

fn hex(text: &str) -> Vec<u8> {
	let digits = text.trim_start_matches("0x");
	(0..digits.len()).step_by(2).map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex")).collect()
}

/// The snapshot's state as test externalities.
fn live_state() -> sp_io::TestExternalities {
	let path = std::env::var("MEDSHARE_STATE_SNAPSHOT")
		.expect("MEDSHARE_STATE_SNAPSHOT names the state snapshot; scripts/test.sh sets it and writes the snapshot first");
	let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
		panic!("{path}: {e}; the client's end-to-end session test writes it (cargo nextest run -p medshare-client --test session)")
	});
	let snapshot: serde_json::Value = serde_json::from_str(&text).expect("a JSON snapshot");
	let mut storage = sp_core::storage::Storage::default();
	for pair in snapshot["state"].as_array().expect("a state list") {
		storage.top.insert(hex(pair[0].as_str().expect("a key")), hex(pair[1].as_str().expect("a value")));
	}
	sp_io::TestExternalities::new(storage)
}

#[test]
fn the_upgrade_and_every_invariant_hold_on_a_live_chains_state() {
	live_state().execute_with(|| {
		assert!(Sessions::<Runtime>::iter().count() > 0, "the snapshot holds a sharing session");
		assert!(Requests::<Runtime>::iter().count() > 0, "the snapshot holds a request");
		let weight = Executive::try_runtime_upgrade(UpgradeCheckSelect::All).expect("the upgrade's dry run passes");
		println!("upgrade weight: {weight:?}");
		AllPalletsWithSystem::try_state(System::block_number(), TryStateSelect::All).expect("every invariant holds");
	});
}

/// The check is not vacuous: state broken the way a faulty migration would break it fails
/// with the invariant's own message.
#[test]
fn a_broken_invariant_is_caught() {
	live_state().execute_with(|| {
		let (request_id, _) = Requests::<Runtime>::iter().next().expect("a request");
		Requests::<Runtime>::mutate(request_id, |request| {
			if let Some(request) = request {
				request.open_sessions += 1;
			}
		});
		assert_eq!(
			pallet_medical_sharing::Pallet::<Runtime>::do_try_state(),
			Err("a request's open_sessions differs from its sessions".into())
		);
		assert!(AllPalletsWithSystem::try_state(System::block_number(), TryStateSelect::All).is_err());
	});
}
