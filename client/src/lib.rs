//! The MedShare participant client: what institutions and data holders run off chain.
//!
//! - [`fhir`]: reading a holder's measurements from a FHIR R4 Bundle into the registry's
//!   fixed-point encoding.

pub mod fhir;
pub mod registry;
