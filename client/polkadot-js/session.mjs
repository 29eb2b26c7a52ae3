// Drives a whole MedShare sharing session with @polkadot/api.
//
//   node session.mjs <ws-url> <session.json>
//
// session.json comes from the Rust client: `medshare export-session --out session.json`. It
// holds every call's arguments (proofs, commitments, Paillier keys and ciphertexts, all
// prepared off chain), the development account URIs that sign them, and the event each call
// must emit. This script connects, lists the MedicalSharing calls from the node's metadata,
// checks that the document was made for this chain, then submits the six calls in order and
// checks each one's event against the expected ids. It prints JSON lines (one per call) and
// a final summary; any failure exits with status 1 and names the pallet error.

import { readFileSync } from 'node:fs';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const [url = 'ws://127.0.0.1:9944', file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node session.mjs <ws-url> <session.json from `medshare export-session`>');
  process.exit(2);
}
const session = JSON.parse(readFileSync(file, 'utf8'));
if (session.format !== 'medshare-session-v1') {
  throw new Error(`${file} is not a medshare-session-v1 document`);
}

function fail (message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

await cryptoWaitReady();
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });

// The calls, as the metadata describes them.
const calls = Object.keys(api.tx.medicalSharing).map((name) => {
  const meta = api.tx.medicalSharing[name].meta;
  return {
    name,
    index: api.tx.medicalSharing[name].callIndex[1],
    args: meta.args.map((a) => `${a.name.toString()}: ${a.typeName.unwrapOr(a.type).toString()}`)
  };
});
console.log(JSON.stringify({ calls }));

if (api.genesisHash.toHex() !== session.genesis) {
  fail(`the document was made for chain ${session.genesis}, this node runs ${api.genesisHash.toHex()}`);
}

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const signers = {
  institution: keyring.addFromUri(session.institution.uri),
  holder: keyring.addFromUri(session.holder.uri)
};
for (const role of ['institution', 'holder']) {
  if (signers[role].address !== session[role].address) {
    fail(`${session[role].uri} is ${signers[role].address}, the document expects ${session[role].address}`);
  }
}

// Signs, submits and resolves once the call is in a finalized block; a failed dispatch
// rejects with the pallet's error name and documentation.
function submit (tx, signer) {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    tx.signAndSend(signer, ({ status, dispatchError, events }) => {
      if (dispatchError) {
        unsubscribe();
        if (dispatchError.isModule) {
          const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
          reject(new Error(`${section}.${name}: ${docs.join(' ')}`));
        } else {
          reject(new Error(dispatchError.toString()));
        }
      } else if (status.isFinalized) {
        unsubscribe();
        resolve({ blockHash: status.asFinalized, events });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsubscribe();
        reject(new Error(`transaction ${status.type}`));
      }
    }).then((u) => { unsubscribe = u; }, reject);
  });
}

const done = [];
for (const step of session.steps) {
  const method = api.tx.medicalSharing[step.call];
  if (!method) {
    fail(`the node has no MedicalSharing.${step.call}`);
  }
  let outcome;
  try {
    outcome = await submit(method(...step.args), signers[step.signer]);
  } catch (e) {
    fail(`${step.call} by the ${step.signer} failed: ${e.message}`);
  }
  const header = await api.rpc.chain.getHeader(outcome.blockHash);
  const record = outcome.events.find(({ event }) => api.events.medicalSharing[step.event]?.is(event));
  if (!record) {
    fail(`${step.call} emitted no MedicalSharing.${step.event}`);
  }
  const fields = {};
  record.event.meta.fields.forEach((field, i) => {
    fields[field.name.unwrap().toString()] = record.event.data[i].toJSON();
  });
  for (const [key, expected] of Object.entries(step.expect)) {
    if (Number(fields[key]) !== expected) {
      fail(`${step.event}.${key} is ${fields[key]}, expected ${expected}`);
    }
  }
  const line = { call: step.call, signer: step.signer, block: header.number.toNumber(), event: step.event, fields };
  console.log(JSON.stringify(line));
  done.push(line);
}

console.log(JSON.stringify({ ok: true, request_id: session.request_id, session_id: session.session_id, steps: done.length }));
await api.disconnect();
