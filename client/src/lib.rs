//! The MedShare participant client: what institutions and data holders run off chain.
//!
//! - [`fhir`]: reading a holder's measurements from a FHIR R4 Bundle into the registry's
//!   fixed-point encoding.
//! - [`request_file`], [`decimal`]: the institution's request file, exact decimals.
//! - [`chain`]: the node connection (subxt), storage reads, submission, events.
//! - [`ops`]: the protocol steps of each role; [`demo`] runs them all; [`watch`] follows events.
//! - [`report`]: the institution's counts across a request's sessions, as a table, CSV or chart;
//!   [`history`]: the holder's sessions.
//! - [`state`]: the local secret state; [`signer`]: sr25519 signers.
//! - [`export`]: a whole session's payloads as JSON, for polkadot-js.
//! - [`serve`]: the local web portal (`medshare serve`).
//! - [`cli`]: the `medshare` command line.

pub mod chain;
pub mod cli;
pub mod decimal;
pub mod demo;
pub mod export;
pub mod fhir;
pub mod history;
pub mod ops;
pub mod output;
pub mod progress;
pub mod registry;
pub mod report;
pub mod request_file;
pub mod serve;
pub mod signer;
pub mod state;
pub mod watch;
