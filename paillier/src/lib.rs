//! Paillier homomorphic encryption for MedShare, with the blinded range comparison of
//! PROTOCOL.md sections 3.1, 4.1, 4.2 and 9.3 and its proofs.
//!
//! Without the `std` feature (the runtime) the crate offers what the chain needs: the
//! [`PublicKey`] and [`Ciphertext`] types with validation of untrusted bytes, their SCALE wire
//! forms [`EncodedPublicKey`] and [`EncodedCiphertext`], the ciphertext counts of the
//! comparison ([`cmp_output_count`], [`result_ciphertext_count`]) and the host functions that
//! verify the key proofs and Pi^cmp natively.
//!
//! With `std` (the client) it adds key generation ([`Keypair`]), encryption, CRT decryption, the
//! homomorphic operations, the comparison protocol ([`compare`]) and the proofs ([`proofs`],
//! [`cmp`]).
//!
//! ```
//! # #[cfg(feature = "std")] {
//! use medshare_paillier::compare::{self, ComparisonContext, ComparisonStatement};
//! use medshare_paillier::proofs::{ring_pedersen, ProofContext};
//! use medshare_paillier::Keypair;
//! let mut rng = rand_010::rng();
//! let holder = Keypair::generate(2048, &mut rng).unwrap();
//! let (bases, _) = ring_pedersen::generate(&holder, &ProofContext { genesis_hash: [0; 32], account: [1; 32] }, &mut rng).unwrap();
//! let institution = Keypair::generate(2048, &mut rng).unwrap();
//! // Step 4: the holder encrypts its values.
//! let values = compare::encrypt_values(&holder, &[3690, 120], &mut rng);
//! // Step 5: the institution blinds them against its secret ranges and proves it (Pi^cmp).
//! let (outputs, witness) = compare::blind(holder.public(), &values, &[(3600, 3750), (90, 110)], &mut rng).unwrap();
//! let context = ComparisonContext { genesis_hash: [0; 32], institution: [2; 32], holder: [1; 32], request_id: 0, session_id: 0 };
//! let statement = ComparisonStatement { key: holder.public(), bases: &bases, context: &context, ciphertexts: &values, outputs: &outputs };
//! let proof = compare::prove(&statement, &witness, &mut rng).unwrap();
//! // Steps 6-7: the holder checks the proof, reads the outcomes and encrypts them for the institution.
//! compare::verify(&statement, &proof, &[7; 32]).unwrap();
//! let outcomes = compare::unpack(&holder, &outputs, 2).unwrap();
//! let result = compare::encrypt_outcomes(institution.public(), &outcomes, &mut rng);
//! // Step 8: the institution learns -1/0/1 per indicator.
//! let t: Vec<i8> = compare::decode_outcomes(&institution, &result, 2).unwrap().iter().map(|o| o.as_i8()).collect();
//! assert_eq!(t, [0, 1]);
//! # }
//! ```

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]
#![deny(unsafe_code)]

extern crate alloc;

mod ciphertext;
mod key;
pub mod proofs;
mod layout;
mod small_primes;
mod wire;

#[cfg(feature = "std")]
pub mod cmp;
#[cfg(feature = "std")]
pub mod compare;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod ifma;
#[cfg(feature = "std")]
mod keypair;
#[cfg(feature = "std")]
pub mod link;
#[cfg(feature = "std")]
mod mont;
#[cfg(feature = "std")]
mod ops;
#[cfg(feature = "std")]
mod primes;
#[cfg(feature = "std")]
mod random;

pub use ciphertext::{to_fixed_be, Ciphertext, CiphertextError, InvalidCiphertextAt};
pub use key::{PublicKey, PublicKeyError, MAX_MODULUS_BITS, MIN_MODULUS_BITS};
pub use layout::{
	cmp_group_count, cmp_output_count, cmp_ring_pedersen_bases, cmp_slots_per_output, CMP_CHALLENGE_BITS,
	CMP_CONSTANT_BITS, CMP_CONSTANT_RESPONSE_BITS, CMP_CONTENT_BITS, CMP_FACTOR_RESPONSE_BITS, CMP_REJECTION_BITS,
	CMP_SLOT_BITS,
};
pub use layout::{outcomes_per_ciphertext, result_ciphertext_count, KAPPA, OUTCOME_BITS, VALUE_BITS};
pub use small_primes::SMALL_PRIME_BOUND;
pub use wire::{
	EncodedCiphertext, EncodedKeyProof, EncodedPublicKey, EncodedResidue, EncodedRingPedersen, KeyRegistration, TooLong, EncodedBases, MAX_RING_PEDERSEN_BASES_BYTES,
	MAX_CIPHERTEXT_BYTES, MAX_KEY_PROOF_BYTES, MAX_PUBLIC_KEY_BYTES,
};
pub use proofs::host::KeyRegistrationError;
pub use proofs::{
	comparison_proof_len, ComparisonContext, ComparisonProofError, ModulusProofError, ProofContext, RingPedersenProofError,
};

#[cfg(feature = "std")]
pub use keypair::{KeyGenError, Keypair, SecretKeyError};
/// The RNG traits of this crate's API (rand_core 0.10: `rand` 0.10's `rng()` and
/// `rand_chacha` 0.10 generators implement `CryptoRng`).
#[cfg(feature = "std")]
pub use rand_core_010 as rand_core;
#[cfg(feature = "std")]
pub use num_bigint;
