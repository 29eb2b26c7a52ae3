//! Pi^link (PROTOCOL.md 9.2, docs/PROOFS.md): the holder's Paillier ciphertexts `C_i` hold
//! exactly the integers `m_i` inside the chunk's Jubjub data commitment `H_c`, whose digest h
//! the eligibility proof made public.
//!
//! For one chunk with values `m_1..m_k` (blinding `r`, ciphertexts `C_i = Enc(m_i; rho_i)`):
//!
//! 1. the prover draws `alpha_i < 2^RESPONSE_BITS`, `beta` in Jubjub's scalar field, and sends
//!    `A_i = Enc(alpha_i; r_i)` and `Y = sum alpha_i G_i + beta H`;
//! 2. the challenge `e < 2^CHALLENGE_BITS` comes from a merlin transcript over everything
//!    public (genesis hash, holder, request and session ids, chunk index, `N`, h, `H_c`, every
//!    `C_i`, every `A_i`, `Y`);
//! 3. the prover answers `z_i = alpha_i + e m_i` (an integer, refused at or above
//!    `2^RESPONSE_BITS`), `w_i = r_i rho_i^e mod N`, `z_r = beta + e r`;
//! 4. the verifier checks `h = Hash(DATA, chunk, k, H_c)`, `z_i < 2^RESPONSE_BITS`,
//!    `sum z_i G_i + z_r H = Y + e H_c` on Jubjub and `(1 + N)^z_i w_i^N = A_i C_i^e` modulo
//!    `N^2`; across all chunks both kinds of equation are checked in one random linear
//!    combination with weights drawn from a transcript over the whole proof.
//!
//! Since `|z_i - z'_i| < 2^241` and `|e - e'| < 2^128` are far below Jubjub's group order
//! (about `2^251.9`), two accepting answers make `z_i - z'_i = (e - e') m_i` hold over the
//! integers, and the Paillier equations then force the plaintext of `C_i` to be `m_i` modulo
//! `N`: no slack reaches the comparison of step 5.
//!
//! Byte format of a proof (for a key of `L` bytes): per chunk, in order, `H_c`, `Y` (compressed
//! Jubjub points), `z_r` (canonical little-endian scalar), then per indicator `A_i` (`2 L`
//! bytes big-endian), `w_i` (`L` bytes big-endian) and `z_i` (32 bytes big-endian).

use crate::statement::{FieldBytes, SLOTS};

/// Bits of the integer responses `z_i`: `32 + eps` with `eps = CHALLENGE_BITS + 80`, so that
/// `alpha_i` hides `e m_i` up to statistical distance `2^-80`; below 250 as PROTOCOL.md 9.2
/// requires.
pub const RESPONSE_BITS: usize = 240;
/// Bits of the challenge `e`.
pub const CHALLENGE_BITS: usize = 128;
/// Bits of each Paillier batch weight. The weights come from a transcript over the whole
/// proof and a seed the prover cannot know in advance (the chain passes its parent block
/// hash), so a wrong equation survives the batch with probability `2^-64` per submission,
/// each of which is an on-chain transaction.
pub const WEIGHT_BITS: usize = 64;
/// Bytes of one encoded response `z_i`.
pub const RESPONSE_BYTES: usize = 32;
/// Bytes per chunk besides the indicators: `H_c`, `Y`, `z_r`.
pub const CHUNK_HEADER_BYTES: usize = 3 * 32;

/// Bytes of one indicator's part of a proof for a key of `key_bytes` bytes.
pub const fn indicator_bytes(key_bytes: usize) -> usize {
	3 * key_bytes + RESPONSE_BYTES
}

/// Length of a proof for `indicators` indicators under a key of `key_bytes` bytes.
pub const fn proof_len(key_bytes: usize, indicators: usize) -> usize {
	indicators.div_ceil(SLOTS) * CHUNK_HEADER_BYTES + indicators * indicator_bytes(key_bytes)
}

/// The public context a link proof is bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkContext {
	/// Genesis hash of the chain.
	pub genesis_hash: [u8; 32],
	/// The holder's account.
	pub holder: [u8; 32],
	/// The request's id.
	pub request_id: u64,
	/// The session's id.
	pub session_id: u64,
}

/// Length of [`LinkContext::to_bytes`].
pub const CONTEXT_BYTES: usize = 32 + 32 + 8 + 8;

impl LinkContext {
	/// Genesis hash, holder, request id and session id (little-endian): how the context
	/// crosses the host-function boundary.
	pub fn to_bytes(&self) -> [u8; CONTEXT_BYTES] {
		let mut out = [0u8; CONTEXT_BYTES];
		out[..32].copy_from_slice(&self.genesis_hash);
		out[32..64].copy_from_slice(&self.holder);
		out[64..72].copy_from_slice(&self.request_id.to_le_bytes());
		out[72..].copy_from_slice(&self.session_id.to_le_bytes());
		out
	}

	/// The inverse of [`LinkContext::to_bytes`]; `None` for another length.
	pub fn from_bytes(bytes: &[u8]) -> Option<LinkContext> {
		if bytes.len() != CONTEXT_BYTES {
			return None;
		}
		let mut genesis_hash = [0u8; 32];
		let mut holder = [0u8; 32];
		genesis_hash.copy_from_slice(&bytes[..32]);
		holder.copy_from_slice(&bytes[32..64]);
		let mut id = [0u8; 8];
		id.copy_from_slice(&bytes[64..72]);
		let request_id = u64::from_le_bytes(id);
		id.copy_from_slice(&bytes[72..]);
		Some(LinkContext { genesis_hash, holder, request_id, session_id: u64::from_le_bytes(id) })
	}
}

/// Why a link proof was refused; the host function returns [`LinkError::code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum LinkError {
	/// The public key, the ciphertexts or the commitments are malformed, or their counts
	/// disagree (one h per chunk of [`SLOTS`] ciphertexts).
	MalformedStatement = 1,
	/// The proof is not exactly [`proof_len`] bytes (truncated or oversized).
	WrongLength = 2,
	/// `H_c` or `Y` is not the encoding of a point of Jubjub's prime-order subgroup.
	MalformedPoint = 3,
	/// `z_r` is not a canonical Jubjub scalar.
	MalformedScalar = 4,
	/// A response `z_i` is at or above `2^RESPONSE_BITS`.
	ResponseTooLarge = 5,
	/// A mask `A_i` is not in `Z*_{N^2}` or a nonce response `w_i` not in `Z*_N`.
	MalformedPaillierElement = 6,
	/// `H_c` is not the commitment whose digest the eligibility proof made public.
	CommitmentMismatch = 7,
	/// The Jubjub equation `sum z_i G_i + z_r H = Y + e H_c` fails.
	CommitmentEquationFailed = 8,
	/// The Paillier equations `(1 + N)^z_i w_i^N = A_i C_i^e` fail.
	EncryptionEquationFailed = 9,
	/// A ciphertext is not `2 |N|` bytes.
	CiphertextWrongLength = 10,
	/// A ciphertext is not below `N^2`.
	CiphertextNotBelowModulusSquared = 11,
	/// A ciphertext is not coprime to `N`.
	CiphertextNotCoprime = 12,
}

impl LinkError {
	const ALL: [LinkError; 12] = [
		LinkError::MalformedStatement,
		LinkError::WrongLength,
		LinkError::MalformedPoint,
		LinkError::MalformedScalar,
		LinkError::ResponseTooLarge,
		LinkError::MalformedPaillierElement,
		LinkError::CommitmentMismatch,
		LinkError::CommitmentEquationFailed,
		LinkError::EncryptionEquationFailed,
		LinkError::CiphertextWrongLength,
		LinkError::CiphertextNotBelowModulusSquared,
		LinkError::CiphertextNotCoprime,
	];

	/// The host function's code for this error (0 is success).
	pub const fn code(self) -> u32 {
		self as u32
	}

	/// The result a host-function code stands for; an unknown code is a failed equation.
	pub fn from_code(code: u32) -> Result<(), LinkError> {
		if code == 0 {
			return Ok(());
		}
		Err(LinkError::ALL.into_iter().find(|e| e.code() == code).unwrap_or(LinkError::EncryptionEquationFailed))
	}
}

impl core::fmt::Display for LinkError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(match self {
			Self::MalformedStatement => "the key, ciphertexts or commitments of the link statement are malformed",
			Self::WrongLength => "the link proof has the wrong length",
			Self::MalformedPoint => "a Jubjub point of the link proof is malformed",
			Self::MalformedScalar => "a Jubjub scalar of the link proof is malformed",
			Self::ResponseTooLarge => "a response of the link proof exceeds its bound",
			Self::MalformedPaillierElement => "a mask or nonce response of the link proof is not in its group",
			Self::CommitmentMismatch => "the link proof's commitment is not the one the eligibility proof made public",
			Self::CommitmentEquationFailed => "the link proof's commitment equation fails",
			Self::EncryptionEquationFailed => "the link proof's encryption equations fail",
			Self::CiphertextWrongLength => "a ciphertext is not twice the key's length",
			Self::CiphertextNotBelowModulusSquared => "a ciphertext is not below n^2",
			Self::CiphertextNotCoprime => "a ciphertext is not coprime to n",
		})
	}
}

#[cfg(feature = "std")]
pub use native::*;

#[cfg(feature = "std")]
mod native {
	use super::*;
	use crate::pedersen;
	use ff::{Field, PrimeField};
	use group::{Group, GroupEncoding};
	use jubjub::{Fr, SubgroupPoint};
	use medshare_paillier::link::{LinkEquation, LinkEquationError};
	use medshare_paillier::num_bigint::BigUint;
	use medshare_paillier::cmp::slot_shift;
	use medshare_paillier::{to_fixed_be, Ciphertext, CiphertextError, Keypair, PublicKey};
	use merlin::Transcript;
	use rand_core_010::CryptoRng;

	const DOMAIN: &[u8] = b"medshare/pi-link/v1";
	const BATCH_DOMAIN: &[u8] = b"medshare/pi-link/v1/batch";

	/// What the verifier knows: the context, the holder's registered key, its ciphertexts in
	/// request order and the data commitments h of the eligibility proofs (one per chunk).
	pub struct LinkStatement<'a> {
		/// Chain, holder, request, session.
		pub context: LinkContext,
		/// The holder's registered Paillier key.
		pub public_key: &'a PublicKey,
		/// One ciphertext per requested indicator.
		pub ciphertexts: &'a [Ciphertext],
		/// h of each chunk.
		pub commitments: &'a [FieldBytes],
	}

	/// Why the holder's client could not make a proof.
	#[derive(Clone, Debug, PartialEq, Eq)]
	pub enum LinkProveError {
		/// Values, ciphertexts, blindings and commitments do not match in number.
		LengthMismatch,
		/// The values and blinding of this chunk do not open its commitment h.
		CommitmentMismatch { chunk: usize },
		/// A blinding is not a canonical Jubjub scalar.
		MalformedBlinding { chunk: usize },
	}

	impl core::fmt::Display for LinkProveError {
		fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
			match self {
				Self::LengthMismatch => write!(f, "values, ciphertexts, blindings and commitments differ in number"),
				Self::CommitmentMismatch { chunk } => {
					write!(f, "chunk {chunk}: the values and blinding do not open the submitted data commitment")
				},
				Self::MalformedBlinding { chunk } => write!(f, "chunk {chunk}: the blinding is not a Jubjub scalar"),
			}
		}
	}

	impl std::error::Error for LinkProveError {}

	fn chunk_transcript(statement: &LinkStatement<'_>, chunk: usize, commitment: &SubgroupPoint) -> Transcript {
		let context = statement.context;
		let mut t = Transcript::new(DOMAIN);
		t.append_message(b"genesis", &context.genesis_hash);
		t.append_message(b"holder", &context.holder);
		t.append_u64(b"request", context.request_id);
		t.append_u64(b"session", context.session_id);
		t.append_u64(b"chunk", chunk as u64);
		t.append_message(b"N", &statement.public_key.to_bytes());
		t.append_message(b"h", &statement.commitments[chunk]);
		t.append_message(b"H_c", &commitment.to_bytes());
		let part = chunk_range(chunk, statement.ciphertexts.len());
		t.append_u64(b"k", part.len() as u64);
		let mut ciphertexts = digest_state();
		for c in &statement.ciphertexts[part] {
			ciphertexts.update(&c.to_bytes(statement.public_key));
		}
		t.append_message(b"C", ciphertexts.finalize().as_bytes());
		t
	}

	/// The fixed-width byte strings a transcript would otherwise absorb by the megabyte
	/// (ciphertexts, masks, the whole proof) enter it as their BLAKE2s-256 digest: collision
	/// resistance keeps the binding, and the transcript's hashing stays small.
	fn digest_state() -> blake2s_simd::State {
		blake2s_simd::Params::new().hash_length(32).personal(b"MedShLnk").to_state()
	}

	fn challenge(t: &mut Transcript, label: &'static [u8]) -> u128 {
		let mut bytes = [0u8; 16];
		t.challenge_bytes(label, &mut bytes);
		u128::from_le_bytes(bytes)
	}

	fn chunk_range(chunk: usize, total: usize) -> core::ops::Range<usize> {
		chunk * SLOTS..((chunk + 1) * SLOTS).min(total)
	}

	fn fr_of(x: &BigUint) -> Fr {
		let mut wide = [0u8; 64];
		let bytes = x.to_bytes_le();
		wide[..bytes.len().min(64)].copy_from_slice(&bytes[..bytes.len().min(64)]);
		Fr::from_bytes_wide(&wide)
	}

	fn fr_of_u128(x: u128) -> Fr {
		let mut wide = [0u8; 64];
		wide[..16].copy_from_slice(&x.to_le_bytes());
		Fr::from_bytes_wide(&wide)
	}

	/// Proves that `ciphertexts` (made by `keypair`, in request order) encrypt `values`, the
	/// integers committed in each chunk by `blindings` (the eligibility proof's `r`), whose
	/// digests are `commitments`.
	pub fn prove<R: CryptoRng>(
		keypair: &Keypair,
		context: LinkContext,
		values: &[u32],
		ciphertexts: &[Ciphertext],
		blindings: &[FieldBytes],
		commitments: &[FieldBytes],
		rng: &mut R,
		mut progress: impl FnMut(usize, usize),
	) -> Result<Vec<u8>, LinkProveError> {
		let chunks = crate::statement::chunk_count(values.len());
		if values.is_empty()
			|| ciphertexts.len() != values.len()
			|| blindings.len() != chunks
			|| commitments.len() != chunks
		{
			return Err(LinkProveError::LengthMismatch);
		}
		let statement = LinkStatement { context, public_key: keypair.public(), ciphertexts, commitments };
		let key_bytes = keypair.public().byte_len();
		let prover = keypair.link_prover();
		let (g, h) = pedersen::generators();
		let mut proof = Vec::with_capacity(proof_len(key_bytes, values.len()));
		for chunk in 0..chunks {
			let part = chunk_range(chunk, values.len());
			let blinding = Option::<Fr>::from(Fr::from_repr(blindings[chunk]))
				.ok_or(LinkProveError::MalformedBlinding { chunk })?;
			let commitment = pedersen::commit(&values[part.clone()], &blinding);
			let digest = pedersen::digest(chunk as u32, part.len(), &commitment)
				.map_err(|_| LinkProveError::LengthMismatch)?;
			if digest.to_bytes() != commitments[chunk] {
				return Err(LinkProveError::CommitmentMismatch { chunk });
			}
			let nonces: Vec<_> = ciphertexts[part.clone()].iter().map(|c| prover.nonce(c)).collect();
			// A fresh first message until every response is below the bound (each fails with
			// probability below 2^-80).
			'attempt: loop {
				let alphas: Vec<BigUint> = part
					.clone()
					.map(|_| {
						let mut bytes = [0u8; RESPONSE_BITS / 8];
						rng.fill_bytes(&mut bytes);
						BigUint::from_bytes_le(&bytes)
					})
					.collect();
				let beta = Fr::random(&mut *rng);
				// The ciphertexts hold m_i in its comparison slot (medshare_paillier::cmp), so the
				// Paillier masks hold alpha_i in the same slot.
				let masks: Vec<_> = alphas
					.iter()
					.zip(part.clone())
					.map(|(alpha, i)| prover.mask(&(alpha << slot_shift(keypair.public(), i)), &mut *rng))
					.collect();
				let mut y = h * beta;
				for (generator, alpha) in g.iter().zip(&alphas) {
					y += generator * fr_of(alpha);
				}
				let mut t = chunk_transcript(&statement, chunk, &commitment);
				let mut mask_digest = digest_state();
				for (mask, _) in &masks {
					mask_digest.update(&mask.to_bytes(keypair.public()));
				}
				t.append_message(b"A", mask_digest.finalize().as_bytes());
				t.append_message(b"Y", &y.to_bytes());
				let e = challenge(&mut t, b"e");
				let responses: Vec<BigUint> =
					alphas.iter().zip(&values[part.clone()]).map(|(alpha, &m)| alpha + BigUint::from(m) * e).collect();
				if responses.iter().any(|z| z.bits() as usize > RESPONSE_BITS) {
					continue 'attempt;
				}
				let z_r = beta + fr_of_u128(e) * blinding;
				proof.extend_from_slice(&commitment.to_bytes());
				proof.extend_from_slice(&y.to_bytes());
				proof.extend_from_slice(&z_r.to_repr());
				for (((mask, mask_nonce), nonce), z) in masks.iter().zip(&nonces).zip(&responses) {
					proof.extend_from_slice(&mask.to_bytes(keypair.public()));
					proof.extend_from_slice(&to_fixed_be(&prover.nonce_response(mask_nonce, nonce, e), key_bytes));
					proof.extend_from_slice(&to_fixed_be(z, RESPONSE_BYTES));
				}
				break;
			}
			progress(chunk + 1, chunks);
		}
		Ok(proof)
	}

	/// One chunk's decoded proof.
	struct ChunkProof {
		commitment: SubgroupPoint,
		y: SubgroupPoint,
		z_r: Fr,
		masks: Vec<BigUint>,
		nonce_responses: Vec<BigUint>,
		responses: Vec<BigUint>,
		/// Each response moved to its indicator's comparison slot, the plaintext the Paillier
		/// equation checks.
		positioned: Vec<BigUint>,
		challenge: u128,
	}

	fn point(bytes: &[u8]) -> Result<SubgroupPoint, LinkError> {
		let mut repr = [0u8; 32];
		repr.copy_from_slice(bytes);
		Option::from(SubgroupPoint::from_bytes(&repr)).ok_or(LinkError::MalformedPoint)
	}

	/// Decodes every chunk and recomputes its challenge; checks lengths, encodings, bounds and
	/// the digests h.
	fn decode(statement: &LinkStatement<'_>, proof: &[u8]) -> Result<Vec<ChunkProof>, LinkError> {
		let count = statement.ciphertexts.len();
		let chunks = crate::statement::chunk_count(count);
		if count == 0 || statement.commitments.len() != chunks {
			return Err(LinkError::MalformedStatement);
		}
		let key_bytes = statement.public_key.byte_len();
		if proof.len() != proof_len(key_bytes, count) {
			return Err(LinkError::WrongLength);
		}
		let mut rest = proof;
		let mut take = |n: usize| {
			let (head, tail) = rest.split_at(n);
			rest = tail;
			head
		};
		let mut decoded = Vec::with_capacity(chunks);
		for chunk in 0..chunks {
			let part = chunk_range(chunk, count);
			let commitment = point(take(32))?;
			let y = point(take(32))?;
			let mut repr = [0u8; 32];
			repr.copy_from_slice(take(32));
			let z_r = Option::<Fr>::from(Fr::from_repr(repr)).ok_or(LinkError::MalformedScalar)?;
			let digest = pedersen::digest(chunk as u32, part.len(), &commitment).map_err(|_| LinkError::MalformedStatement)?;
			if digest.to_bytes() != statement.commitments[chunk] {
				return Err(LinkError::CommitmentMismatch);
			}
			let mut t = chunk_transcript(statement, chunk, &commitment);
			let mut mask_digest = digest_state();
			let (mut masks, mut nonce_responses, mut responses, mut positioned) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
			for i in part {
				let mask = take(2 * key_bytes);
				mask_digest.update(mask);
				masks.push(BigUint::from_bytes_be(mask));
				nonce_responses.push(BigUint::from_bytes_be(take(key_bytes)));
				let z = BigUint::from_bytes_be(take(RESPONSE_BYTES));
				if z.bits() as usize > RESPONSE_BITS {
					return Err(LinkError::ResponseTooLarge);
				}
				positioned.push(&z << slot_shift(statement.public_key, i));
				responses.push(z);
			}
			t.append_message(b"A", mask_digest.finalize().as_bytes());
			t.append_message(b"Y", &y.to_bytes());
			let challenge = challenge(&mut t, b"e");
			decoded.push(ChunkProof { commitment, y, z_r, masks, nonce_responses, responses, positioned, challenge });
		}
		Ok(decoded)
	}

	/// Batch weights: one per indicator (Paillier, [`WEIGHT_BITS`] bits) and one per chunk
	/// (Jubjub, 128 bits), from a transcript over the verifier's seed, the statement's
	/// challenges and the whole proof, so the prover cannot choose them.
	fn weights(decoded: &[ChunkProof], proof: &[u8], seed: &[u8; 32]) -> (Vec<u128>, Vec<Fr>) {
		let mut t = Transcript::new(BATCH_DOMAIN);
		t.append_message(b"seed", seed);
		for chunk in decoded {
			t.append_message(b"e", &chunk.challenge.to_le_bytes());
		}
		t.append_message(b"proof", digest_state().update(proof).finalize().as_bytes());
		let count: usize = decoded.iter().map(|c| c.responses.len()).sum();
		let paillier = (0..count).map(|_| challenge(&mut t, b"lambda") >> (128 - WEIGHT_BITS)).collect();
		let jubjub = decoded.iter().map(|_| fr_of_u128(challenge(&mut t, b"mu"))).collect();
		(paillier, jubjub)
	}

	fn paillier_error(e: LinkEquationError) -> LinkError {
		match e {
			LinkEquationError::OutOfRange | LinkEquationError::NotUnit => LinkError::MalformedPaillierElement,
			LinkEquationError::Unsatisfied => LinkError::EncryptionEquationFailed,
		}
	}

	fn equations<'a>(statement: &'a LinkStatement<'_>, decoded: &'a [ChunkProof], weights: &[u128]) -> Vec<LinkEquation<'a>> {
		let mut out = Vec::with_capacity(statement.ciphertexts.len());
		for (chunk, proof) in decoded.iter().enumerate() {
			let part = chunk_range(chunk, statement.ciphertexts.len());
			for (j, i) in part.enumerate() {
				out.push(LinkEquation {
					mask: &proof.masks[j],
					ciphertext: &statement.ciphertexts[i],
					challenge: proof.challenge,
					response: &proof.positioned[j],
					nonce_response: &proof.nonce_responses[j],
					weight: weights.get(i).copied().unwrap_or(1),
				});
			}
		}
		out
	}

	/// `sum z_i G_i + z_r H - Y - e H_c` for one chunk (the identity when its equation holds).
	fn jubjub_residual(proof: &ChunkProof) -> SubgroupPoint {
		let (g, h) = pedersen::generators();
		let mut sum = h * proof.z_r - proof.y - proof.commitment * fr_of_u128(proof.challenge);
		for (generator, z) in g.iter().zip(&proof.responses) {
			sum += generator * fr_of(z);
		}
		sum
	}

	/// Verifies a link proof with batched equations: one Jubjub combination over all chunks
	/// (per generator, the weighted sum of responses) and one Paillier batch. `seed` is the
	/// verifier's own randomness for the batch weights (the chain's parent block hash; any
	/// fresh random bytes off chain).
	pub fn verify(statement: &LinkStatement<'_>, proof: &[u8], seed: &[u8; 32]) -> Result<(), LinkError> {
		let decoded = decode(statement, proof)?;
		let (lambdas, mus) = weights(&decoded, proof, seed);
		let (g, h) = pedersen::generators();
		let mut slot_scalars = vec![Fr::ZERO; SLOTS];
		let mut h_scalar = Fr::ZERO;
		let mut combination = SubgroupPoint::identity();
		for (chunk, mu) in decoded.iter().zip(&mus) {
			for (scalar, z) in slot_scalars.iter_mut().zip(&chunk.responses) {
				*scalar += *mu * fr_of(z);
			}
			h_scalar += *mu * chunk.z_r;
			combination -= chunk.y * *mu + chunk.commitment * (*mu * fr_of_u128(chunk.challenge));
		}
		combination += h * h_scalar;
		for (generator, scalar) in g.iter().zip(&slot_scalars) {
			if !bool::from(scalar.is_zero()) {
				combination += generator * *scalar;
			}
		}
		if !bool::from(combination.is_identity()) {
			return Err(LinkError::CommitmentEquationFailed);
		}
		statement.public_key.check_link_equations(&equations(statement, &decoded, &lambdas)).map_err(paillier_error)
	}

	/// [`verify`] with every equation checked on its own: the baseline of the batched
	/// verification's benchmark, and its reference in tests.
	pub fn verify_unbatched(statement: &LinkStatement<'_>, proof: &[u8]) -> Result<(), LinkError> {
		let decoded = decode(statement, proof)?;
		if decoded.iter().any(|chunk| !bool::from(jubjub_residual(chunk).is_identity())) {
			return Err(LinkError::CommitmentEquationFailed);
		}
		statement.public_key.check_link_equations_each(&equations(statement, &decoded, &[])).map_err(paillier_error)
	}

	/// The host function's body: decodes the byte arguments into a statement and verifies.
	pub fn verify_encoded(
		seed: &[u8],
		context: &[u8],
		public_key: &[u8],
		ciphertexts: &[u8],
		commitments: &[u8],
		proof: &[u8],
	) -> Result<(), LinkError> {
		let seed: [u8; 32] = seed.try_into().map_err(|_| LinkError::MalformedStatement)?;
		let context = LinkContext::from_bytes(context).ok_or(LinkError::MalformedStatement)?;
		let public_key = PublicKey::from_bytes(public_key).map_err(|_| LinkError::MalformedStatement)?;
		let width = public_key.ciphertext_byte_len();
		if ciphertexts.is_empty() || commitments.len() % 32 != 0 {
			return Err(LinkError::MalformedStatement);
		}
		if ciphertexts.len() % width != 0 {
			return Err(LinkError::CiphertextWrongLength);
		}
		// The ciphertexts are validated here, natively, and not in the runtime: with 700
		// 4096-bit ciphertexts that saves a third of the call's weight.
		let ciphertexts = public_key.ciphertexts_from_bytes(ciphertexts.chunks(width)).map_err(|invalid| match invalid.error {
			CiphertextError::WrongLength => LinkError::CiphertextWrongLength,
			CiphertextError::NotBelowModulusSquared => LinkError::CiphertextNotBelowModulusSquared,
			CiphertextError::NotCoprime => LinkError::CiphertextNotCoprime,
		})?;
		let commitments: Vec<FieldBytes> = commitments
			.chunks(32)
			.map(|c| {
				let mut bytes = [0u8; 32];
				bytes.copy_from_slice(c);
				bytes
			})
			.collect();
		verify(&LinkStatement { context, public_key: &public_key, ciphertexts: &ciphertexts, commitments: &commitments }, proof, &seed)
	}
}
