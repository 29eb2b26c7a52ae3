//! `medshare export-session`: prepares every payload of a whole session in advance and writes
//! them as JSON, so that another client (the polkadot-js script in `client/polkadot-js/`)
//! can submit them. The Rust client plays both parties off chain: it knows both key pairs, so
//! it can compute the comparison and the result before anything is submitted. The ids the
//! chain will assign are predicted from `NextRequestId` and `NextSessionId` and bound into the
//! eligibility proof; the submitting script checks the events against them.
//!
//! The secrets are written to the state directory as for an interactive session, so that
//! `medshare institution results --session <id>` decrypts the result afterwards.

use medshare_paillier::compare::{ComparisonContext, ComparisonStatement};
use medshare_paillier::{compare, PublicKey};
use medshare_zk::setup::CircuitKind;
use serde_json::json;

use crate::chain::{Call, KeyRegistration};
use crate::ops::{self, Context, OpError};
use crate::signer::Signer;

/// The two dev accounts and inputs of an exported session.
pub struct ExportInput<'a> {
	pub institution: &'a Signer,
	pub institution_uri: &'a str,
	pub holder: &'a Signer,
	pub holder_uri: &'a str,
	pub request_text: &'a str,
	pub bundle_name: &'a str,
	pub bundle_text: &'a str,
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn hex_list(list: &[Vec<u8>]) -> Vec<String> {
	list.iter().map(|b| hex(b)).collect()
}

/// The call as polkadot-js takes it: `api.tx.medicalSharing[call](...args)`.
fn js_call(call: &Call) -> (String, serde_json::Value) {
	match call {
		Call::RegisterInstitution { registration, metadata } =>
			("registerInstitution".into(), json!([registration_json(registration), hex(metadata)])),
		Call::RegisterHolderKey { registration } => ("registerHolderKey".into(), json!([registration_json(registration)])),
		Call::CreateRequest { indicators, range_commitments, proofs, lifetime } => (
			"createRequest".into(),
			json!([
				indicators.iter().map(|i| json!({ "id": i.id, "minWidth": i.min_width })).collect::<Vec<_>>(),
				range_commitments.iter().map(|c| hex(c)).collect::<Vec<_>>(),
				proofs.iter().map(|p| hex(p)).collect::<Vec<_>>(),
				lifetime
			]),
		),
		Call::SubmitEligibility { request_id, nonce, data_commitments, proofs } => (
			"submitEligibility".into(),
			json!([
				request_id,
				hex(nonce),
				data_commitments.iter().map(|c| hex(c)).collect::<Vec<_>>(),
				proofs.iter().map(|p| hex(p)).collect::<Vec<_>>()
			]),
		),
		Call::SubmitEncryptedData { session_id, ciphertexts, link_proof } =>
			("submitEncryptedData".into(), json!([session_id, hex_list(ciphertexts), hex(link_proof)])),
		Call::SubmitComparison { session_id, first_group, ciphertexts, comparison_proof } =>
			("submitComparison".into(), json!([session_id, first_group, hex_list(ciphertexts), hex(comparison_proof)])),
		Call::SubmitResult { session_id, ciphertexts } => ("submitResult".into(), json!([session_id, hex_list(ciphertexts)])),
		Call::WithdrawSession { session_id } => ("withdrawSession".into(), json!([session_id])),
	}
}

/// A `KeyRegistration` as polkadot-js takes it (camelCase fields, bytes as hex).
fn registration_json(registration: &KeyRegistration) -> serde_json::Value {
	json!({
		"key": hex(registration.key.as_bytes()),
		"ringPedersen": {
			"s": hex(registration.ring_pedersen.s.as_bytes()),
			"t": hex(registration.ring_pedersen.t.as_bytes()),
		},
		"modulusProof": hex(registration.modulus_proof.as_bytes()),
		"ringPedersenProof": hex(registration.ring_pedersen_proof.as_bytes()),
	})
}

/// Prepares the session and returns the JSON document.
pub async fn export(ctx: &Context, input: ExportInput<'_>) -> Result<serde_json::Value, OpError> {
	let registry = ctx.chain.registry().await?;
	let (request_id, session_id) = ctx.chain.next_ids().await?;
	ops::keygen(&ctx.state, &ctx.progress, input.institution, false, true)?;
	ops::keygen(&ctx.state, &ctx.progress, input.holder, false, true)?;
	let institution_key = ops::load_keypair(&ctx.state, input.institution)?;
	let holder_key = ops::load_keypair(&ctx.state, input.holder)?;
	let genesis = ctx.chain.genesis();

	let register = Call::RegisterInstitution {
		registration: ops::key_registration(ctx, input.institution, &institution_key)?,
		metadata: b"MedShare polkadot-js session".to_vec(),
	};
	let register_holder = Call::RegisterHolderKey { registration: ops::key_registration(ctx, input.holder, &holder_key)? };

	let requirement = ops::chain_key(ctx, CircuitKind::Requirement).await?;
	let prepared = ops::prepare_request(ctx, input.institution, &registry, input.request_text, &requirement)?;
	let mut request_secrets = prepared.secrets;
	request_secrets.request_id = request_id;
	ctx.state.write(&ctx.state.request_path(&genesis, request_id), &request_secrets)?;
	let Call::CreateRequest { indicators: requested, .. } = &prepared.call else { unreachable!("prepare_request makes create_request") };

	ops::import(&ctx.state, input.holder, &registry, input.bundle_name, input.bundle_text)?;
	let eligibility = ops::prepare_eligibility(
		ctx,
		input.holder,
		&registry,
		request_id,
		&input.institution.account(),
		requested,
		None,
		&ops::chain_key(ctx, CircuitKind::Eligibility).await?,
	)?;
	let mut session_secrets = eligibility.secrets;
	session_secrets.session_id = session_id;

	let values: Vec<u32> = session_secrets.values.iter().map(|(_, _, v)| *v).collect();
	let encrypted = ops::encrypt_with_progress(&ctx.progress, &holder_key, &values);
	let Call::SubmitEligibility { data_commitments, .. } = &eligibility.call else {
		unreachable!("prepare_eligibility makes submit_eligibility")
	};
	let context = medshare_zk::link::LinkContext {
		genesis_hash: ctx.chain.genesis_hash(),
		holder: input.holder.account().0,
		request_id,
		session_id,
	};
	let link_proof = ops::prove_link(
		&ctx.progress,
		&holder_key,
		context,
		&values,
		&encrypted,
		&session_secrets.blindings,
		data_commitments,
	)?;
	let data = Call::SubmitEncryptedData {
		session_id,
		ciphertexts: encrypted.iter().map(|c| c.to_bytes(holder_key.public())).collect(),
		link_proof,
	};

	let ranges: Vec<(u32, u32)> = request_secrets.indicators.iter().map(|i| (i.down, i.up)).collect();
	let holder_public: &PublicKey = holder_key.public();
	let (packed, witness) =
		compare::blind(holder_public, &encrypted, &ranges, &mut rand_010::rng()).map_err(|e| OpError::Compare(e.to_string()))?;
	let Call::RegisterHolderKey { registration } = &register_holder else { unreachable!("a holder key registration") };
	let bases = ops::ring_pedersen_of(holder_public, &registration.ring_pedersen)?;
	let comparison_context = ComparisonContext {
		genesis_hash: ctx.chain.genesis_hash(),
		institution: input.institution.account().0,
		holder: input.holder.account().0,
		request_id,
		session_id,
	};
	let statement =
		ComparisonStatement { key: holder_public, bases: &bases, context: &comparison_context, ciphertexts: &encrypted, outputs: &packed };
	let comparison_proof =
		compare::prove(&statement, &witness, &mut rand_010::rng()).map_err(|e| OpError::ComparisonProve(e.to_string()))?;
	// One part: the export's keys are 2048-bit, whose comparison always fits one block.
	let comparison = Call::SubmitComparison {
		session_id,
		first_group: 0,
		ciphertexts: packed.iter().map(|c| c.to_bytes(holder_public)).collect(),
		comparison_proof,
	};

	let outcomes = compare::unpack(&holder_key, &packed, values.len()).map_err(|e| OpError::Compare(e.to_string()))?;
	let result = compare::encrypt_outcomes(institution_key.public(), &outcomes, &mut rand_010::rng());
	let answer = Call::SubmitResult { session_id, ciphertexts: result.iter().map(|c| c.to_bytes(institution_key.public())).collect() };
	session_secrets.outcomes = Some(outcomes.iter().map(|o| o.as_i8()).collect());
	ctx.state.write(&ctx.state.session_path(&genesis, session_id), &session_secrets)?;

	let steps = [
		("institution", &register, "InstitutionRegistered", json!({})),
		("institution", &prepared.call, "RequestCreated", json!({ "request_id": request_id })),
		("holder", &register_holder, "HolderKeyRegistered", json!({})),
		("holder", &eligibility.call, "SessionOpened", json!({ "session_id": session_id, "request_id": request_id })),
		("holder", &data, "EncryptedDataSubmitted", json!({ "session_id": session_id })),
		("institution", &comparison, "ComparisonSubmitted", json!({ "session_id": session_id })),
		("holder", &answer, "SessionCompleted", json!({ "session_id": session_id, "request_id": request_id })),
	];
	Ok(json!({
		"format": "medshare-session-v1",
		"genesis": format!("0x{genesis}"),
		"institution": { "uri": input.institution_uri, "address": input.institution.address() },
		"holder": { "uri": input.holder_uri, "address": input.holder.address() },
		"request_id": request_id,
		"session_id": session_id,
		"steps": steps.iter().map(|(signer, call, event, expect)| {
			let (name, args) = js_call(call);
			json!({ "signer": signer, "call": name, "args": args, "event": event, "expect": expect })
		}).collect::<Vec<_>>(),
	}))
}
