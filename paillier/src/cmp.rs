//! The proven comparison of PROTOCOL.md 9.3 (version 2): the blinded range comparison of
//! steps 4-6 laid out so that the institution can prove, with Pi^cmp, that every slot of every
//! output uses its own holder ciphertext, in request order, with a bounded blinding factor and a
//! bounded constant. docs/PROOFS.md has the construction and its argument.
//!
//! Layout ([`crate::cmp_slots_per_output`] slots of [`CMP_SLOT_BITS`] bits per output, `P`):
//! - step 4: the holder encrypts indicator `i` already in its slot, `E(m_i 2^(244 (i mod P)))`
//!   ([`encrypt_values`]); Pi^link proves that plaintext;
//! - step 5: for each group of `P` indicators the institution sends an alpha output
//!   `prod c_i^rho_i (1 + N)^K r^N` and a beta output `prod (c_i^-1)^sigma_i (1 + N)^K' r'^N`
//!   ([`blind`]), no packing by exponentiation, so the verifier's work is one multi-
//!   exponentiation with short exponents; slot `p` of an output then holds
//!   `x m' + k - 2^96 + 2^243` with `m' = +-m`;
//! - step 6: the holder verifies Pi^cmp ([`verify`]) and only then decrypts ([`unpack`]).

use alloc::vec::Vec;
use core::ops::Range;
use merlin::Transcript;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Zero};
use rand_chacha::ChaCha20Rng;
use rand_core_010::{CryptoRng, SeedableRng};
use rayon::prelude::*;

use crate::ciphertext::{to_fixed_be, Ciphertext};
use crate::compare::{CompareError, Outcome};
use crate::key::PublicKey;
use crate::keypair::Keypair;
use crate::layout::{
	cmp_output_count, cmp_ring_pedersen_bases, cmp_slots_per_output, CMP_CHALLENGE_BITS, CMP_CONSTANT_RESPONSE_BITS,
	CMP_CONSTANT_BITS, CMP_CONTENT_BITS, CMP_FACTOR_RESPONSE_BITS, CMP_SLOT_BITS, KAPPA, VALUE_BITS,
};
use crate::mont::{biguint_limbs, to_biguint, zeros, FixedBase, Limbs, Mont};
use crate::proofs::ring_pedersen::RingPedersen;
use crate::proofs::{
	comparison_output_proof_len, comparison_proof_len, ComparisonProofError, CMP_CONSTANT_RESPONSE_BYTES,
	CMP_FACTOR_RESPONSE_BYTES, CMP_RANDOMNESS_EXTRA_BITS, CMP_RANDOMNESS_EXTRA_BYTES,
};
use crate::random;

/// Domain separator of Pi^cmp's transcript; the version changes with the encoding.
const DOMAIN: &[u8] = b"medshare/pi-cmp/v1";
/// Domain separator of the batch weights.
const BATCH_DOMAIN: &[u8] = b"medshare/pi-cmp/v1/batch";
/// BLAKE2s personalisation of the digests that keep bulk data out of the merlin transcript.
const DIGEST_PERSONAL: &[u8; 8] = b"MedShCmp";
/// The constant's offset: an honest constant is `k = rho' - rho down + 2^96` or
/// `sigma up + sigma' + 2^96`, so that it is non-negative.
const CONSTANT_OFFSET_BITS: u32 = VALUE_BITS + KAPPA;
/// Statistical hiding of a ring-Pedersen commitment: its randomness has `|N| + 80` bits.
const HIDING_BITS: u32 = 80;

pub use crate::proofs::ComparisonContext;

/// The public statement of Pi^cmp.
#[derive(Clone, Copy)]
pub struct ComparisonStatement<'a> {
	/// The holder's key.
	pub key: &'a PublicKey,
	/// The holder's vector ring-Pedersen bases ([`cmp_ring_pedersen_bases`] of them).
	pub bases: &'a RingPedersen,
	/// What the proof is bound to.
	pub context: &'a ComparisonContext,
	/// The holder's ciphertexts of step 4, in request order ([`encrypt_values`]).
	pub ciphertexts: &'a [Ciphertext],
	/// The institution's outputs of step 5 ([`blind`]).
	pub outputs: &'a [Ciphertext],
}

/// The institution's secrets behind its outputs, which [`prove`] needs.
pub struct ComparisonWitness {
	outputs: Vec<OutputWitness>,
}

/// One output's factors and constants (slot by slot) and re-randomiser.
#[derive(Clone)]
struct OutputWitness {
	factors: Vec<BigUint>,
	constants: Vec<BigUint>,
	rerandomizer: BigUint,
}

/// Indicators in output `j` (group `j / 2`; alpha outputs are even, beta outputs odd).
fn output_indicators(per: usize, indicators: usize, j: usize) -> Range<usize> {
	let first = (j / 2) * per;
	first..indicators.min(first + per)
}

/// `sum_p 2^(244 p) (2^243 - 2^96)` over `slots` slots: the public part of every slot.
fn slot_offsets(slots: usize) -> BigUint {
	let per_slot = (BigUint::one() << (CMP_SLOT_BITS - 1)) - (BigUint::one() << CONSTANT_OFFSET_BITS);
	(0..slots).fold(BigUint::zero(), |acc, p| acc + (&per_slot << (CMP_SLOT_BITS as usize * p)))
}

/// `sum_p 2^(244 p) values[p]`.
fn pack(values: &[BigUint]) -> BigUint {
	values.iter().enumerate().fold(BigUint::zero(), |acc, (p, v)| acc + (v << (CMP_SLOT_BITS as usize * p)))
}

/// Uniform in `[0, 2^bits)`.
fn random_bits<R: CryptoRng + ?Sized>(rng: &mut R, bits: u32) -> BigUint {
	let words = (bits as usize).div_ceil(64);
	let mut digits: Vec<u64> = (0..words).map(|_| rng.next_u64()).collect();
	if !bits.is_multiple_of(64) {
		if let Some(top) = digits.last_mut() {
			*top &= (1u64 << (bits % 64)) - 1;
		}
	}
	BigUint::from_slice(&digits.iter().flat_map(|d| [*d as u32, (*d >> 32) as u32]).collect::<Vec<u32>>())
}

fn seeds<R: CryptoRng + ?Sized>(rng: &mut R, count: usize) -> Vec<[u8; 32]> {
	(0..count)
		.map(|_| {
			let mut seed = [0u8; 32];
			for chunk in seed.chunks_exact_mut(8) {
				chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
			}
			seed
		})
		.collect()
}

/// The bit position of indicator `index`'s slot: `244 (index mod P)`.
pub fn slot_shift(key: &PublicKey, index: usize) -> usize {
	let per = cmp_slots_per_output(key.modulus_bits()).max(1) as usize;
	CMP_SLOT_BITS as usize * (index % per)
}

/// The plaintext the holder encrypts for value `m` of indicator `index`: `m 2^(244 (index mod P))`.
pub fn positioned_value(key: &PublicKey, m: u32, index: usize) -> BigUint {
	BigUint::from(m) << slot_shift(key, index)
}

/// Step 4 (holder): encrypts every value of a request, in order, in its slot (fast CRT path,
/// both cores).
pub fn encrypt_values<R: CryptoRng + ?Sized>(holder: &Keypair, values: &[u32], rng: &mut R) -> Vec<Ciphertext> {
	encrypt_values_from(holder, values, 0, rng)
}

/// [`encrypt_values`] for a part of a request's values that starts at indicator `first` (for
/// callers that encrypt in batches, to show progress).
pub fn encrypt_values_from<R: CryptoRng + ?Sized>(holder: &Keypair, values: &[u32], first: usize, rng: &mut R) -> Vec<Ciphertext> {
	let seeds = seeds(rng, values.len());
	values
		.par_iter()
		.enumerate()
		.zip(seeds)
		.map(|((i, &m), seed)| holder.encrypt(&positioned_value(holder.public(), m, first + i), &mut ChaCha20Rng::from_seed(seed)))
		.collect()
}

/// The holder's ciphertexts (alpha outputs) and their inverses (beta outputs) modulo `N^2`.
fn bases_and_inverses(key: &PublicKey, ciphertexts: &[Ciphertext]) -> Result<(Vec<Limbs>, Vec<Limbs>), usize> {
	let residues: Vec<Limbs> = ciphertexts.iter().map(|c| key.residue(c)).collect();
	let inverses = batch_invert(key, &residues.iter().collect::<Vec<_>>())?;
	Ok((residues, inverses))
}

/// `r_i^-1 mod N^2` for every residue `r_i` (normal form in and out) with one modular
/// inversion (Montgomery's trick); `Err(i)` names the first residue that is not invertible.
fn batch_invert(pk: &PublicKey, residues: &[&Limbs]) -> Result<Vec<Limbs>, usize> {
	let nn = &pk.ctx.nn;
	let len = nn.len();
	let bases: Vec<Limbs> = residues.par_iter().map(|r| nn.to_mont(r)).collect();
	let mut t = nn.scratch();
	let mut prefix: Vec<Limbs> = Vec::with_capacity(bases.len());
	for (i, b) in bases.iter().enumerate() {
		if i == 0 {
			prefix.push(b.clone());
		} else {
			let mut out = zeros(len);
			nn.mul(&mut out, &prefix[i - 1], b, &mut t);
			prefix.push(out);
		}
	}
	let last = prefix.last().ok_or(0usize)?;
	let product = to_biguint(&nn.out_of_mont(last));
	let Some(inv) = pk.invert_biguint(&product) else {
		// Name the first residue that shares a factor with n.
		let index = residues
			.iter()
			.position(|r| !(to_biguint(r) % pk.n()).gcd(pk.n()).is_one())
			.unwrap_or(0);
		return Err(index);
	};
	let mut running = nn.to_mont(&inv.iter_u64_digits().collect::<Vec<_>>());
	let mut out: Vec<Limbs> = (0..bases.len()).map(|_| zeros(len)).collect();
	for i in (1..bases.len()).rev() {
		nn.mul(&mut out[i], &running, &prefix[i - 1], &mut t);
		let mut next = zeros(len);
		nn.mul(&mut next, &running, &bases[i], &mut t);
		running = next;
	}
	out[0] = running;
	Ok(out.par_iter().map(|x| nn.out_of_mont(x)).collect())
}


/// `prod bases[p]^exponents[p] mod N^2` (simultaneous exponentiation on this CPU's fastest
/// path).
fn product_of_powers(key: &PublicKey, bases: &[&Limbs], exponents: &[BigUint]) -> Limbs {
	let exponents: Vec<Vec<u64>> = exponents.iter().map(biguint_limbs).collect();
	let bases: Vec<&[u64]> = bases.iter().map(|b| &b[..]).collect();
	key.ctx.nn.product_of_powers(&bases, &refs(&exponents))
}

/// Step 5 (institution): the alpha and beta outputs for the holder's ciphertexts and the
/// secret ranges, with the witness [`prove`] needs. For each indicator, with fresh
/// `rho, sigma` in `[1, 2^64)`, `rho'` in `[0, rho)`, `sigma'` in `[0, sigma)`, slot `p` of
/// group `g` holds `alpha = rho (m - down) + rho'` in the alpha output and
/// `beta = sigma (up - m) + sigma'` in the beta output, each plus `2^243`; every output is
/// re-randomised with a fresh `r^N`. Parallel over outputs.
pub fn blind<R: CryptoRng + ?Sized>(
	holder: &PublicKey,
	ciphertexts: &[Ciphertext],
	ranges: &[(u32, u32)],
	rng: &mut R,
) -> Result<(Vec<Ciphertext>, ComparisonWitness), CompareError> {
	let k = ciphertexts.len();
	if k == 0 {
		return Err(CompareError::NoIndicators);
	}
	if ranges.len() != k {
		return Err(CompareError::LengthMismatch { values: k, ranges: ranges.len() });
	}
	if let Some(index) = ranges.iter().position(|&(down, up)| down > up) {
		return Err(CompareError::InvalidRange { index });
	}
	let per = cmp_slots_per_output(holder.modulus_bits()) as usize;
	let outputs = cmp_output_count(holder.modulus_bits(), k as u32) as usize;
	let offset = BigUint::one() << CONSTANT_OFFSET_BITS;
	// All randomness first, from the caller's RNG, then the parallel work.
	let mut witnesses = Vec::with_capacity(outputs);
	for j in 0..outputs {
		let mut factors = Vec::new();
		let mut constants = Vec::new();
		for i in output_indicators(per, k, j) {
			let (down, up) = (BigUint::from(ranges[i].0), BigUint::from(ranges[i].1));
			let factor = random::nonzero_u64(rng);
			let extra = random::u64_below(rng, factor);
			let factor_big = BigUint::from(factor);
			let constant = if j % 2 == 0 {
				// rho' - rho down + 2^96 >= 0 because rho down < 2^96.
				BigUint::from(extra) + &offset - &factor_big * &down
			} else {
				&factor_big * &up + BigUint::from(extra) + &offset
			};
			factors.push(factor_big);
			constants.push(constant);
		}
		let rerandomizer = to_biguint(&random::nonzero_below(rng, &holder.ctx.n));
		witnesses.push(OutputWitness { factors, constants, rerandomizer });
	}
	let (residues, inverses) =
		bases_and_inverses(holder, ciphertexts).map_err(|index| CompareError::InvalidCiphertext { index })?;
	let nn = &holder.ctx.nn;
	let packed = witnesses
		.par_iter()
		.enumerate()
		.map(|(j, w)| {
			let range = output_indicators(per, k, j);
			let bases: Vec<&Limbs> = range.clone().map(|i| if j % 2 == 0 { &residues[i] } else { &inverses[i] }).collect();
			let powers = product_of_powers(holder, &bases, &w.factors);
			let constant = slot_offsets(range.len()) + pack(&w.constants);
			let with_constant = nn.mul_mod(&powers, &holder.trivial(&constant));
			let r_n = holder.nth_residue(&biguint_limbs(&w.rerandomizer));
			Ciphertext(to_biguint(&nn.mul_mod(&with_constant, &r_n)))
		})
		.collect();
	Ok((packed, ComparisonWitness { outputs: witnesses }))
}

/// Step 6 (holder, after [`verify`]): decrypts the outputs and converts each indicator:
/// `alpha < 0` is [`Outcome::Below`], `beta < 0` is [`Outcome::Above`], both non-negative is
/// [`Outcome::Inside`]. A verified proof guarantees every slot reads inside
/// `(-2^242, 2^242)`, so the checks here fail only for unverified outputs. Both negative
/// (thresholds `down > up`, which only a cheating institution uses) reads as `Below`, not as an
/// error: an abort that depended on the values would tell the institution something.
pub fn unpack(holder: &Keypair, outputs: &[Ciphertext], indicators: usize) -> Result<Vec<Outcome>, CompareError> {
	if indicators == 0 {
		return Err(CompareError::NoIndicators);
	}
	let bits = holder.public().modulus_bits();
	let per = cmp_slots_per_output(bits) as usize;
	let expected = cmp_output_count(bits, u32::try_from(indicators).unwrap_or(u32::MAX));
	if outputs.len() as u64 != expected as u64 || expected == u32::MAX {
		return Err(CompareError::WrongCiphertextCount { expected: expected as usize, got: outputs.len() });
	}
	let plaintexts: Vec<BigUint> = outputs.par_iter().map(|c| to_biguint(&holder.decrypt_limbs(c))).collect();
	let mask = (BigUint::one() << CMP_SLOT_BITS) - 1u32;
	let centre = BigInt::from(BigUint::one() << (CMP_SLOT_BITS - 1));
	let bound = BigUint::one() << CMP_CONTENT_BITS;
	let mut negative = vec![[false; 2]; indicators];
	for (j, plain) in plaintexts.iter().enumerate() {
		let range = output_indicators(per, indicators, j);
		if plain.bits() > (CMP_SLOT_BITS as usize * range.len()) as u64 {
			return Err(CompareError::UnexpectedHighBits { ciphertext: j });
		}
		for (p, i) in range.enumerate() {
			let slot = (plain >> (CMP_SLOT_BITS as usize * p)) & &mask;
			let reading = BigInt::from(slot) - &centre;
			if reading.magnitude() >= &bound {
				return Err(CompareError::SlotOutOfRange { index: 2 * i + j % 2 });
			}
			negative[i][j % 2] = reading.sign() == Sign::Minus;
		}
	}
	Ok(negative
		.into_iter()
		.map(|[below, above]| match (below, above) {
			(false, false) => Outcome::Inside,
			(false, true) => Outcome::Above,
			(true, _) => Outcome::Below,
		})
		.collect())
}

fn digest_state() -> blake2s_simd::State {
	blake2s_simd::Params::new().hash_length(32).personal(DIGEST_PERSONAL).to_state()
}

fn finish(state: &blake2s_simd::State) -> [u8; 32] {
	let mut out = [0u8; 32];
	out.copy_from_slice(state.finalize().as_bytes());
	out
}

/// BLAKE2s of `parts`, each framed with its length.
fn digest(parts: &[&[u8]]) -> [u8; 32] {
	let mut state = digest_state();
	for part in parts {
		state.update(&(part.len() as u64).to_le_bytes());
		state.update(part);
	}
	finish(&state)
}

/// BLAKE2s of a list of ciphertexts: the count, then each at the key's fixed width.
fn ciphertexts_digest(key: &PublicKey, ciphertexts: &[Ciphertext]) -> [u8; 32] {
	let width = key.ciphertext_byte_len();
	let mut state = digest_state();
	state.update(&(ciphertexts.len() as u64).to_le_bytes());
	for c in ciphertexts {
		state.update(&to_fixed_be(&c.0, width));
	}
	finish(&state)
}

/// The transcript every output's challenge starts from: the context, the key and the bases.
fn statement_transcript(statement: &ComparisonStatement<'_>) -> Transcript {
	let c = statement.context;
	let mut t = Transcript::new(DOMAIN);
	t.append_message(b"genesis-hash", &c.genesis_hash);
	t.append_message(b"institution", &c.institution);
	t.append_message(b"holder", &c.holder);
	t.append_message(b"request-id", &c.request_id.to_le_bytes());
	t.append_message(b"session-id", &c.session_id.to_le_bytes());
	t.append_message(b"modulus", &statement.key.to_bytes());
	let bases = statement.bases.to_encoded();
	t.append_message(b"bases", &digest(&[bases.s.as_bytes(), bases.t.as_bytes()]));
	t
}

/// Output `j`'s challenge, in `[0, 2^128)`: the common prefix, then the output's index, its
/// own ciphertexts (the group's holder ciphertexts), the output itself and the first message.
/// Each output's statement is complete in its transcript, so the first `2 g` outputs of a proof
/// are a valid proof for the first `g` groups (the benchmarks rely on it); the verifier fixes
/// how many outputs a request has.
fn challenge(
	common: &Transcript,
	statement: &ComparisonStatement<'_>,
	first_output: usize,
	j: usize,
	first_message: &[u8],
) -> BigUint {
	let per = cmp_slots_per_output(statement.key.modulus_bits()) as usize;
	let range = output_indicators(per, statement.ciphertexts.len(), first_output + j);
	let mut t = common.clone();
	t.append_message(b"output", &((first_output + j) as u64).to_le_bytes());
	t.append_message(b"ciphertexts", &ciphertexts_digest(statement.key, &statement.ciphertexts[range]));
	t.append_message(b"output-ciphertext", &ciphertexts_digest(statement.key, core::slice::from_ref(&statement.outputs[j])));
	t.append_message(b"first-message", &digest(&[first_message]));
	let mut e = [0u8; (CMP_CHALLENGE_BITS / 8) as usize];
	t.challenge_bytes(b"e", &mut e);
	BigUint::from_bytes_le(&e)
}

/// Checks the statement's shape for the outputs of the groups from `first_group` on (all of
/// them when `complete`); returns the slots per output.
fn check_statement(statement: &ComparisonStatement<'_>, first_group: usize, complete: bool) -> Result<usize, ComparisonProofError> {
	let bits = statement.key.modulus_bits();
	let per = cmp_slots_per_output(bits) as usize;
	let k = statement.ciphertexts.len();
	let total = cmp_output_count(bits, u32::try_from(k).unwrap_or(u32::MAX)) as u64;
	let outputs = statement.outputs.len() as u64;
	let end = (first_group as u64).saturating_mul(2).saturating_add(outputs);
	if per == 0
		|| k == 0
		|| statement.bases.n() != statement.key.n()
		|| statement.bases.s().len() != cmp_ring_pedersen_bases(bits) as usize
		|| outputs == 0
		|| outputs % 2 != 0
		|| end > total
		|| (complete && (first_group != 0 || outputs != total))
	{
		return Err(ComparisonProofError::MalformedInput);
	}
	Ok(per)
}

/// Bytes of the proof of groups `groups` of a request of `indicators` indicators under a key of
/// `key_bytes` bytes: the proof of the request's first `groups.end` groups less that of its
/// first `groups.start` ([`comparison_proof_len`] counts whole groups from the first).
fn groups_proof_len(key_bytes: usize, indicators: usize, groups: Range<usize>) -> usize {
	let per = cmp_slots_per_output((key_bytes * 8) as u32) as usize;
	let first = |g: usize| comparison_proof_len(key_bytes, g.saturating_mul(per).min(indicators));
	first(groups.end).saturating_sub(first(groups.start))
}

/// Where the part of a whole proof for `groups` groups from `first_group` on lies, for a
/// request of `indicators` indicators under a key of `key_bytes` bytes: an institution proves
/// the whole comparison once and may submit it in parts of whole groups, each part verifying on
/// its own ([`verify_part`]). `None` if the groups are not all in the request.
pub fn part_proof_range(key_bytes: usize, indicators: usize, first_group: usize, groups: usize) -> Option<Range<usize>> {
	let total = crate::layout::cmp_group_count((key_bytes * 8) as u32, u32::try_from(indicators).ok()?) as usize;
	if groups == 0 || first_group.checked_add(groups)? > total {
		return None;
	}
	let start = groups_proof_len(key_bytes, indicators, 0..first_group);
	Some(start..start + groups_proof_len(key_bytes, indicators, first_group..first_group + groups))
}

/// Fixed-base tables for `t` and every `s_b` modulo `N`, shared by all outputs.
struct CommitmentTables<'a> {
	t: FixedBase<'a>,
	s: Vec<FixedBase<'a>>,
}

impl<'a> CommitmentTables<'a> {
	fn new(ctx: &'a Mont, bases: &RingPedersen, key_bits: u32) -> CommitmentTables<'a> {
		let t_bits = (key_bits + CMP_RANDOMNESS_EXTRA_BITS) as usize;
		let s_bits = CMP_CONSTANT_RESPONSE_BITS as usize;
		CommitmentTables {
			t: FixedBase::new(ctx, &biguint_limbs(bases.t()), t_bits),
			s: bases.s().iter().map(|s| FixedBase::new(ctx, &biguint_limbs(s), s_bits)).collect(),
		}
	}

	/// `prod_p s_(2p)^factors[p] s_(2p+1)^constants[p] t^randomness mod N`.
	fn commit(&self, ctx: &Mont, factors: &[BigUint], constants: &[BigUint], randomness: &BigUint) -> BigUint {
		let mut acc = self.t.pow(&biguint_limbs(randomness));
		for (p, (x, k)) in factors.iter().zip(constants).enumerate() {
			acc = ctx.mul_mod(&acc, &self.s[2 * p].pow(&biguint_limbs(x)));
			acc = ctx.mul_mod(&acc, &self.s[2 * p + 1].pow(&biguint_limbs(k)));
		}
		to_biguint(&acc)
	}
}

/// How the prover forms its proof: honestly, or (tests only) as a forger that uses other
/// Paillier bases than the statement's or skips the rejection of large responses.
#[derive(Clone, Copy, Default)]
#[doc(hidden)]
pub struct ProverBehaviour<'a> {
	/// The ciphertexts the outputs were really made from, if not the statement's.
	pub bases_used: Option<&'a [Ciphertext]>,
	/// Keep responses whatever their size, instead of drawing fresh masks.
	pub skip_rejection: bool,
}

/// Pi^cmp (institution): proves that `statement.outputs` were formed by [`blind`] from
/// `statement.ciphertexts` with the secrets in `witness`. Per output it commits to the factors
/// and constants under the holder's bases, masks them, derives the challenge and answers;
/// outputs are proven in parallel, each redrawn on its own when a response falls outside the
/// rejection interval. Returns [`comparison_proof_len`] bytes.
pub fn prove<R: CryptoRng + ?Sized>(
	statement: &ComparisonStatement<'_>,
	witness: &ComparisonWitness,
	rng: &mut R,
) -> Result<Vec<u8>, ComparisonProofError> {
	prove_as(statement, witness, ProverBehaviour::default(), rng)
}

#[doc(hidden)]
pub fn prove_as<R: CryptoRng + ?Sized>(
	statement: &ComparisonStatement<'_>,
	witness: &ComparisonWitness,
	behaviour: ProverBehaviour<'_>,
	rng: &mut R,
) -> Result<Vec<u8>, ComparisonProofError> {
	let per = check_statement(statement, 0, true)?;
	let key = statement.key;
	let k = statement.ciphertexts.len();
	if witness.outputs.len() != statement.outputs.len()
		|| witness.outputs.iter().enumerate().any(|(j, w)| {
			let slots = output_indicators(per, k, j).len();
			w.factors.len() != slots || w.constants.len() != slots
		}) {
		return Err(ComparisonProofError::MalformedInput);
	}
	let used = behaviour.bases_used.unwrap_or(statement.ciphertexts);
	let (residues, inverses) = bases_and_inverses(key, used).map_err(|_| ComparisonProofError::CiphertextNotCoprime)?;
	let n = key.n();
	let width = key.byte_len();
	let ctx = Mont::new_public(n).ok_or(ComparisonProofError::MalformedInput)?;
	let tables = CommitmentTables::new(&ctx, statement.bases, key.modulus_bits());
	let common = statement_transcript(statement);
	let nn = &key.ctx.nn;
	let hiding_bits = key.modulus_bits() + HIDING_BITS;
	let gamma_bits = key.modulus_bits() + CMP_RANDOMNESS_EXTRA_BITS;
	let seeds = seeds(rng, witness.outputs.len());
	let parts: Vec<Vec<u8>> = witness
		.outputs
		.par_iter()
		.zip(seeds)
		.enumerate()
		.map(|(j, (w, seed))| {
			let rng = &mut ChaCha20Rng::from_seed(seed);
			let range = output_indicators(per, k, j);
			let bases: Vec<&Limbs> = range.clone().map(|i| if j % 2 == 0 { &residues[i] } else { &inverses[i] }).collect();
			let mu = random_bits(rng, hiding_bits);
			let s_commitment = tables.commit(&ctx, &w.factors, &w.constants, &mu);
			loop {
				let alphas: Vec<BigUint> = w.factors.iter().map(|_| random_bits(rng, CMP_FACTOR_RESPONSE_BITS)).collect();
				let betas: Vec<BigUint> = w.constants.iter().map(|_| random_bits(rng, CMP_CONSTANT_RESPONSE_BITS)).collect();
				let gamma = random_bits(rng, gamma_bits);
				let delta = random::nonzero_below(rng, &key.ctx.n);
				let mask = nn.mul_mod(&product_of_powers(key, &bases, &alphas), &key.trivial(&pack(&betas)));
				let mask = to_biguint(&nn.mul_mod(&mask, &key.nth_residue(&delta)));
				let t_commitment = tables.commit(&ctx, &alphas, &betas, &gamma);
				let mut part = to_fixed_be(&s_commitment, width);
				part.extend_from_slice(&to_fixed_be(&t_commitment, width));
				part.extend_from_slice(&to_fixed_be(&mask, 2 * width));
				let e = challenge(&common, statement, 0, j, &part);
				let respond = |mask: &BigUint, secret: &BigUint| mask + &e * secret;
				let z: Vec<BigUint> = alphas.iter().zip(&w.factors).map(|(a, x)| respond(a, x)).collect();
				let y: Vec<BigUint> = betas.iter().zip(&w.constants).map(|(b, c)| respond(b, c)).collect();
				let v = respond(&gamma, &mu);
				// Rejection sampling: keep a response only inside [e_max 2^l, 2^bound), where it is
				// uniform whatever the secret.
				let inside = |value: &BigUint, secret_bits: u32, bound_bits: u32| {
					let low = BigUint::one() << (secret_bits + CMP_CHALLENGE_BITS);
					value >= &low && value.bits() <= bound_bits as u64
				};
				let accept = behaviour.skip_rejection
					|| (z.iter().all(|z| inside(z, KAPPA, CMP_FACTOR_RESPONSE_BITS))
						&& y.iter().all(|y| inside(y, CMP_CONSTANT_BITS, CMP_CONSTANT_RESPONSE_BITS))
						&& inside(&v, hiding_bits, gamma_bits));
				if !accept {
					continue;
				}
				let nonce = to_biguint(&ctx.mul_mod(&delta, &ctx.pow(&biguint_limbs(&w.rerandomizer), &biguint_limbs(&e))));
				part.extend_from_slice(&to_fixed_be(&nonce, width));
				part.extend_from_slice(&fixed_or_truncated(&v, width + CMP_RANDOMNESS_EXTRA_BYTES));
				for (z, y) in z.iter().zip(&y) {
					part.extend_from_slice(&fixed_or_truncated(z, CMP_FACTOR_RESPONSE_BYTES));
					part.extend_from_slice(&fixed_or_truncated(y, CMP_CONSTANT_RESPONSE_BYTES));
				}
				return part;
			}
		})
		.collect();
	Ok(parts.concat())
}

/// Big-endian in exactly `width` bytes, keeping the low bytes of a value that is too wide (a
/// forger's response; an honest one always fits).
fn fixed_or_truncated(x: &BigUint, width: usize) -> Vec<u8> {
	let bytes = x.to_bytes_be();
	if bytes.len() > width {
		bytes[bytes.len() - width..].to_vec()
	} else {
		to_fixed_be(x, width)
	}
}

/// One output's part of a proof, parsed and range-checked.
struct OutputProof {
	s_commitment: BigUint,
	t_commitment: BigUint,
	mask: BigUint,
	nonce: BigUint,
	randomness: BigUint,
	factors: Vec<BigUint>,
	constants: Vec<BigUint>,
	challenge: BigUint,
}

/// Parses and checks everything but the equations: lengths, ciphertexts, ranges, units, and
/// derives every challenge.
fn parse(
	statement: &ComparisonStatement<'_>,
	first_group: usize,
	complete: bool,
	proof: &[u8],
) -> Result<Vec<OutputProof>, ComparisonProofError> {
	let per = check_statement(statement, first_group, complete)?;
	let key = statement.key;
	let k = statement.ciphertexts.len();
	let width = key.byte_len();
	let first_output = 2 * first_group;
	if proof.len() != groups_proof_len(width, k, first_group..first_group + statement.outputs.len() / 2) {
		return Err(ComparisonProofError::WrongLength);
	}
	let n = key.n();
	let nn = key.n_squared();
	// One gcd for every element that must be a unit: the product modulo N is a unit exactly
	// when each factor is. The holder ciphertexts of this part's groups and the outputs: a part
	// costs what its groups cost, whatever the request's size.
	let first_indicator = output_indicators(per, k, first_output).start;
	let last_indicator = output_indicators(per, k, first_output + statement.outputs.len() - 1).end;
	let mut units = BigUint::one();
	for c in statement.ciphertexts[first_indicator..last_indicator].iter().chain(statement.outputs) {
		// Zero is no unit: the product below becomes 0 and the gcd refuses it.
		if c.0 >= *nn {
			return Err(ComparisonProofError::CiphertextNotBelowModulusSquared);
		}
		units = units * &c.0 % n;
	}
	if !units.gcd(n).is_one() {
		return Err(ComparisonProofError::CiphertextNotCoprime);
	}
	let common = statement_transcript(statement);
	let factor_bound = BigUint::one() << CMP_FACTOR_RESPONSE_BITS;
	let constant_bound = BigUint::one() << CMP_CONSTANT_RESPONSE_BITS;
	let randomness_bound = BigUint::one() << (key.modulus_bits() + CMP_RANDOMNESS_EXTRA_BITS);
	let mut units = BigUint::one();
	let mut parts = Vec::with_capacity(statement.outputs.len());
	let mut rest = proof;
	for j in 0..statement.outputs.len() {
		let slots = output_indicators(per, k, first_output + j).len();
		let (part, tail) = rest.split_at(comparison_output_proof_len(width, slots));
		rest = tail;
		let (first_message, answers) = part.split_at(4 * width);
		let challenge = challenge(&common, statement, first_output, j, first_message);
		let (s_bytes, tail) = first_message.split_at(width);
		let (t_bytes, a_bytes) = tail.split_at(width);
		let (nonce_bytes, tail) = answers.split_at(width);
		let (v_bytes, responses) = tail.split_at(width + CMP_RANDOMNESS_EXTRA_BYTES);
		let [s_commitment, t_commitment, nonce] = [s_bytes, t_bytes, nonce_bytes].map(BigUint::from_bytes_be);
		let mask = BigUint::from_bytes_be(a_bytes);
		if [&s_commitment, &t_commitment, &nonce].iter().any(|x| *x >= n || x.is_zero()) || mask >= *nn || mask.is_zero() {
			return Err(ComparisonProofError::NonCanonical);
		}
		for x in [&s_commitment, &t_commitment, &nonce, &mask] {
			units = units * x % n;
		}
		let randomness = BigUint::from_bytes_be(v_bytes);
		let mut factors = Vec::with_capacity(slots);
		let mut constants = Vec::with_capacity(slots);
		for pair in responses.chunks_exact(CMP_FACTOR_RESPONSE_BYTES + CMP_CONSTANT_RESPONSE_BYTES) {
			let (z, y) = pair.split_at(CMP_FACTOR_RESPONSE_BYTES);
			factors.push(BigUint::from_bytes_be(z));
			constants.push(BigUint::from_bytes_be(y));
		}
		if factors.iter().any(|z| *z >= factor_bound) {
			return Err(ComparisonProofError::FactorResponseTooLarge);
		}
		if constants.iter().any(|y| *y >= constant_bound) {
			return Err(ComparisonProofError::ConstantResponseTooLarge);
		}
		if randomness >= randomness_bound {
			return Err(ComparisonProofError::RandomnessResponseTooLarge);
		}
		parts.push(OutputProof { s_commitment, t_commitment, mask, nonce, randomness, factors, constants, challenge });
	}
	if !units.gcd(n).is_one() {
		return Err(ComparisonProofError::NotUnit);
	}
	Ok(parts)
}

/// Verifies Pi^cmp by a random linear combination of all equations with 64-bit weights drawn
/// from `seed` (the chain passes a hash of the parent block, a client its own randomness) and
/// the proof: one check modulo `N` for the commitments and one modulo `N^2` for the outputs,
/// the latter one multi-exponentiation over the holder's ciphertexts. Never panics.
pub fn verify(statement: &ComparisonStatement<'_>, proof: &[u8], seed: &[u8; 32]) -> Result<(), ComparisonProofError> {
	verify_outputs(statement, 0, true, proof, seed)
}

/// [`verify`] for a part of a comparison: `statement.outputs` are the outputs of the groups
/// from `first_group` on (a whole number of groups), `proof` their part of the proof
/// ([`part_proof_range`]); `statement.ciphertexts` are all of the request's.
pub fn verify_part(
	statement: &ComparisonStatement<'_>,
	first_group: usize,
	proof: &[u8],
	seed: &[u8; 32],
) -> Result<(), ComparisonProofError> {
	verify_outputs(statement, first_group, false, proof, seed)
}

fn verify_outputs(
	statement: &ComparisonStatement<'_>,
	first_group: usize,
	complete: bool,
	proof: &[u8],
	seed: &[u8; 32],
) -> Result<(), ComparisonProofError> {
	let parts = parse(statement, first_group, complete, proof)?;
	let first_output = 2 * first_group;
	let key = statement.key;
	let n = key.n();
	let per = cmp_slots_per_output(key.modulus_bits()) as usize;
	let k = statement.ciphertexts.len();
	let (weights, commitment_weights) = batch_weights(seed, proof, &parts);
	let ctx = Mont::new_public(n).ok_or(ComparisonProofError::MalformedInput)?;

	// Commitments: prod_b s_b^(sum_j l'_j r_jb) t^(sum_j l'_j v_j) = prod_j T_j^l'_j S_j^(l'_j e_j).
	let bases = statement.bases;
	let mut exponents = vec![BigUint::zero(); bases.s().len() + 1];
	for (part, l) in parts.iter().zip(&commitment_weights) {
		for (p, (z, y)) in part.factors.iter().zip(&part.constants).enumerate() {
			exponents[2 * p] += z * l;
			exponents[2 * p + 1] += y * l;
		}
		exponents[bases.s().len()] += &part.randomness * l;
	}
	let base_limbs: Vec<Vec<u64>> = bases.s().iter().chain(core::iter::once(bases.t())).map(biguint_limbs).collect();
	let exponent_limbs: Vec<Vec<u64>> = exponents.iter().map(biguint_limbs).collect();
	let left = ctx.multi_pow(&refs(&base_limbs), &refs(&exponent_limbs));
	let t_limbs: Vec<Vec<u64>> = parts.iter().map(|p| biguint_limbs(&p.t_commitment)).collect();
	let s_limbs: Vec<Vec<u64>> = parts.iter().map(|p| biguint_limbs(&p.s_commitment)).collect();
	let l_limbs: Vec<Vec<u64>> = commitment_weights.iter().map(biguint_limbs).collect();
	let le_limbs: Vec<Vec<u64>> = parts.iter().zip(&commitment_weights).map(|(p, l)| biguint_limbs(&(l * &p.challenge))).collect();
	let right = ctx.mul_mod(
		&ctx.multi_pow(&refs(&t_limbs), &refs(&l_limbs)),
		&ctx.multi_pow(&refs(&s_limbs), &refs(&le_limbs)),
	);
	if left[..] != right[..] {
		return Err(ComparisonProofError::CommitmentEquationFailed);
	}

	// Outputs: prod_i c_i^E_i (1 + N)^(sum_j l_j (Y_j + e_j O_j)) (prod_j w_j^l_j)^N
	//        = prod_j A_j^l_j D_j^(l_j e_j), with E_i = l_alpha z_alpha,i - l_beta z_beta,i.
	let nn = &key.ctx.nn;
	let mut combined = vec![BigInt::zero(); k];
	let mut constant = BigUint::zero();
	for (j, (part, l)) in parts.iter().zip(&weights).enumerate() {
		let range = output_indicators(per, k, first_output + j);
		let sign = if j % 2 == 0 { Sign::Plus } else { Sign::Minus };
		for (i, z) in range.clone().zip(&part.factors) {
			combined[i] += BigInt::from_biguint(sign, z * l);
		}
		constant += (pack(&part.constants) + &part.challenge * slot_offsets(range.len())) * l;
	}
	let negative: Vec<usize> = (0..k).filter(|&i| combined[i].sign() == Sign::Minus).collect();
	let residues: Vec<Limbs> = statement.ciphertexts.iter().map(|c| key.residue(c)).collect();
	let inverses = invert_some(key, &residues, &negative)?;
	let mut inverse_of = inverses.into_iter();
	let c_limbs: Vec<Vec<u64>> = (0..k)
		.map(|i| if combined[i].sign() == Sign::Minus { inverse_of.next().map(|x| x.to_vec()).unwrap_or_default() } else { residues[i].to_vec() })
		.collect();
	let e_limbs: Vec<Vec<u64>> = combined.iter().map(|e| biguint_limbs(e.magnitude())).collect();
	let mut left = nn.multi_pow(&refs(&c_limbs), &refs(&e_limbs));
	left = nn.mul_mod(&left, &key.trivial(&constant));
	let w_limbs: Vec<Vec<u64>> = parts.iter().map(|p| biguint_limbs(&p.nonce)).collect();
	let lw_limbs: Vec<Vec<u64>> = weights.iter().map(biguint_limbs).collect();
	let nonces = ctx.multi_pow(&refs(&w_limbs), &refs(&lw_limbs));
	left = nn.mul_mod(&left, &key.nth_residue(&nonces));
	let a_limbs: Vec<Vec<u64>> = parts.iter().map(|p| biguint_limbs(&p.mask)).collect();
	let d_limbs: Vec<Vec<u64>> = statement.outputs.iter().map(|d| biguint_limbs(&d.0)).collect();
	let le_limbs: Vec<Vec<u64>> = parts.iter().zip(&weights).map(|(p, l)| biguint_limbs(&(l * &p.challenge))).collect();
	let right = nn.mul_mod(&nn.multi_pow(&refs(&a_limbs), &refs(&lw_limbs)), &nn.multi_pow(&refs(&d_limbs), &refs(&le_limbs)));
	if left[..] != right[..] {
		return Err(ComparisonProofError::ComparisonEquationFailed);
	}
	Ok(())
}

/// The host function's body: decodes the byte arguments into a statement (validating the key,
/// the ring-Pedersen parameters and every ciphertext) and verifies the outputs of the groups
/// from `first_group` on with [`verify_part`].
#[allow(clippy::too_many_arguments)]
pub fn verify_encoded(
	seed: &[u8],
	context: &[u8],
	first_group: u32,
	modulus: &[u8],
	s: &[u8],
	t: &[u8],
	ciphertexts: &[u8],
	outputs: &[u8],
	proof: &[u8],
) -> Result<(), ComparisonProofError> {
	let seed: [u8; 32] = seed.try_into().map_err(|_| ComparisonProofError::MalformedInput)?;
	let context = ComparisonContext::from_bytes(context).ok_or(ComparisonProofError::MalformedInput)?;
	let key = PublicKey::from_bytes(modulus).map_err(|_| ComparisonProofError::MalformedInput)?;
	let bases = RingPedersen::from_bytes(&key, s, t).map_err(|_| ComparisonProofError::MalformedInput)?;
	let width = key.ciphertext_byte_len();
	if ciphertexts.is_empty() || ciphertexts.len() % width != 0 || outputs.len() % width != 0 {
		return Err(ComparisonProofError::MalformedInput);
	}
	// Below N^2 here; invertibility with one gcd for the part's ciphertexts in `parse`.
	let n_squared = key.n_squared();
	let parse = |bytes: &[u8]| {
		bytes
			.chunks(width)
			.map(|chunk| {
				let c = BigUint::from_bytes_be(chunk);
				if &c >= n_squared {
					return Err(ComparisonProofError::CiphertextNotBelowModulusSquared);
				}
				Ok(Ciphertext(c))
			})
			.collect::<Result<Vec<_>, _>>()
	};
	let ciphertexts = parse(ciphertexts)?;
	let outputs = parse(outputs)?;
	let statement = ComparisonStatement { key: &key, bases: &bases, context: &context, ciphertexts: &ciphertexts, outputs: &outputs };
	verify_part(&statement, first_group as usize, proof, &seed)
}

/// Verifies every equation of Pi^cmp on its own: the baseline the batched [`verify`] is
/// measured against, and the reference its tests compare with.
pub fn verify_unbatched(statement: &ComparisonStatement<'_>, proof: &[u8]) -> Result<(), ComparisonProofError> {
	let parts = parse(statement, 0, true, proof)?;
	let key = statement.key;
	let n = key.n();
	let per = cmp_slots_per_output(key.modulus_bits()) as usize;
	let k = statement.ciphertexts.len();
	let ctx = Mont::new_public(n).ok_or(ComparisonProofError::MalformedInput)?;
	let tables = CommitmentTables::new(&ctx, statement.bases, key.modulus_bits());
	for part in &parts {
		let left = tables.commit(&ctx, &part.factors, &part.constants, &part.randomness);
		let s_e = ctx.pow(&biguint_limbs(&part.s_commitment), &biguint_limbs(&part.challenge));
		let right = to_biguint(&ctx.mul_mod(&biguint_limbs(&part.t_commitment), &s_e));
		if left != right {
			return Err(ComparisonProofError::CommitmentEquationFailed);
		}
	}
	let (residues, inverses) =
		bases_and_inverses(key, statement.ciphertexts).map_err(|_| ComparisonProofError::CiphertextNotCoprime)?;
	let nn = &key.ctx.nn;
	for (j, (part, output)) in parts.iter().zip(statement.outputs).enumerate() {
		let range = output_indicators(per, k, j);
		let bases: Vec<&Limbs> = range.clone().map(|i| if j % 2 == 0 { &residues[i] } else { &inverses[i] }).collect();
		let constant = pack(&part.constants) + &part.challenge * slot_offsets(range.len());
		let mut left = nn.mul_mod(&product_of_powers(key, &bases, &part.factors), &key.trivial(&constant));
		left = nn.mul_mod(&left, &key.nth_residue(&biguint_limbs(&part.nonce)));
		let d_e = nn.pow(&biguint_limbs(&output.0), &biguint_limbs(&part.challenge));
		let right = nn.mul_mod(&biguint_limbs(&part.mask), &d_e);
		if left[..] != right[..] {
			return Err(ComparisonProofError::ComparisonEquationFailed);
		}
	}
	Ok(())
}

fn refs(values: &[Vec<u64>]) -> Vec<&[u64]> {
	values.iter().map(|v| &v[..]).collect()
}

/// The inverses modulo `N^2` of `residues[i]` for `i` in `which`, with one inversion.
fn invert_some(key: &PublicKey, residues: &[Limbs], which: &[usize]) -> Result<Vec<Limbs>, ComparisonProofError> {
	if which.is_empty() {
		return Ok(Vec::new());
	}
	let chosen: Vec<&Limbs> = which.iter().map(|&i| &residues[i]).collect();
	batch_invert(key, &chosen).map_err(|_| ComparisonProofError::CiphertextNotCoprime)
}

/// 64-bit weights per output for the outputs' equations and for the commitments' equations,
/// from the seed, every challenge and a digest of the proof.
fn batch_weights(seed: &[u8; 32], proof: &[u8], parts: &[OutputProof]) -> (Vec<BigUint>, Vec<BigUint>) {
	let mut t = Transcript::new(BATCH_DOMAIN);
	t.append_message(b"seed", seed);
	t.append_message(b"proof", &digest(&[proof]));
	for part in parts {
		t.append_message(b"e", &part.challenge.to_bytes_le());
	}
	let mut draw = |label: &'static [u8]| -> Vec<BigUint> {
		let mut bytes = vec![0u8; 8 * parts.len()];
		t.challenge_bytes(label, &mut bytes);
		bytes.chunks_exact(8).map(|b| BigUint::from(u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))).collect()
	};
	let outputs = draw(b"output-weights");
	let commitments = draw(b"commitment-weights");
	(outputs, commitments)
}

/// The outputs an institution forms from `used` (the ciphertexts it really takes, slot by
/// slot) and `witness`, exactly as [`blind`] forms them.
#[cfg(any(test, feature = "test-attacks"))]
fn outputs_from(key: &PublicKey, used: &[Ciphertext], witness: &ComparisonWitness) -> Vec<Ciphertext> {
	let per = cmp_slots_per_output(key.modulus_bits()) as usize;
	let Ok((residues, inverses)) = bases_and_inverses(key, used) else { return Vec::new() };
	let nn = &key.ctx.nn;
	witness
		.outputs
		.iter()
		.enumerate()
		.map(|(j, w)| {
			let range = output_indicators(per, used.len(), j);
			let bases: Vec<&Limbs> = range.clone().map(|i| if j % 2 == 0 { &residues[i] } else { &inverses[i] }).collect();
			let constant = slot_offsets(range.len()) + pack(&w.constants);
			let acc = nn.mul_mod(&product_of_powers(key, &bases, &w.factors), &key.trivial(&constant));
			Ciphertext(to_biguint(&nn.mul_mod(&acc, &key.nth_residue(&biguint_limbs(&w.rerandomizer)))))
		})
		.collect()
}

/// Cheating institutions for the tests that show Pi^cmp refuses them (docs/PROOFS.md); never
/// enabled in a build that ships.
#[cfg(any(test, feature = "test-attacks"))]
pub mod attacks {
	use super::*;

	/// How the institution cheats in step 5.
	#[derive(Clone, Debug)]
	pub enum Cheat {
		/// Compares the first value in every slot (`c_1` everywhere).
		OneCiphertextInEverySlot,
		/// Puts the first two indicators' ciphertexts in each other's slots.
		SwappedSlots,
		/// Blinds the first slot with this factor (its constant `2^96`, so that it cannot
		/// overflow).
		Factor(BigUint),
		/// Gives the first slot this constant.
		Constant(BigUint),
	}

	/// Outputs formed with `cheat` from `ciphertexts` and `ranges`, and the best proof for them:
	/// the prover's own algorithm on the real statement (whose challenges it must answer), with
	/// the bases it really used, sending its responses whatever their size.
	pub fn cheat<R: CryptoRng + ?Sized>(
		key: &PublicKey,
		bases: &RingPedersen,
		context: &ComparisonContext,
		ciphertexts: &[Ciphertext],
		ranges: &[(u32, u32)],
		cheat: Cheat,
		rng: &mut R,
	) -> (Vec<Ciphertext>, Vec<u8>) {
		let mut used = ciphertexts.to_vec();
		match cheat {
			Cheat::OneCiphertextInEverySlot => used.iter_mut().for_each(|c| *c = ciphertexts[0].clone()),
			Cheat::SwappedSlots => used.swap(0, 1),
			_ => {},
		}
		let Ok((_, mut witness)) = blind(key, &used, ranges, rng) else { return (Vec::new(), Vec::new()) };
		match cheat {
			Cheat::Factor(factor) => {
				witness.outputs[0].factors[0] = factor;
				witness.outputs[0].constants[0] = BigUint::one() << CONSTANT_OFFSET_BITS;
			},
			Cheat::Constant(constant) => witness.outputs[0].constants[0] = constant,
			_ => {},
		}
		let outputs = outputs_from(key, &used, &witness);
		let statement = ComparisonStatement { key, bases, context, ciphertexts, outputs: &outputs };
		let behaviour = ProverBehaviour { bases_used: Some(&used), skip_rejection: true };
		let proof = prove_as(&statement, &witness, behaviour, rng).unwrap_or_default();
		(outputs, proof)
	}
}

#[cfg(test)]
mod tests;
