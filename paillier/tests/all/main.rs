//! Integration tests of medshare-paillier, in one binary so that the cached 2048-bit keys are
//! generated once.

mod common;
mod compare;
mod homomorphic;
mod key_proofs;
mod keys;
mod validation;
mod wire;
