//! Criterion benchmarks of the key proofs (Pi^mod, Pi^prm) for a 2048-bit key, against
//! paillier-zk's Pi^mod (CGGMP21, LFDT Lockness; num-bigint backend, 80 rounds, every round
//! with an N-th root) on the same key in the same run.
//!
//! `cargo bench -p medshare-paillier --bench key_proofs` measures the AVX-512 IFMA path where
//! the CPU has it; `MEDSHARE_PAILLIER_NO_SIMD=1` in front measures the portable path, which the
//! chain's weights assume. docs/PERFORMANCE.md has the figures.

use criterion::{criterion_group, criterion_main, Criterion};
use medshare_paillier::num_bigint::BigUint;
use medshare_paillier::proofs::{modulus, ring_pedersen, ProofContext, KEY_PROOF_ROUNDS};
use medshare_paillier::Keypair;
use paillier_zk::fast_paillier::backend::Integer;
use paillier_zk::paillier_blum_modulus as pizk;
use std::hint::black_box;
use std::time::Duration;

const M: usize = KEY_PROOF_ROUNDS;

fn int(x: &BigUint) -> Integer {
	Integer::from_bytes_msf(&x.to_bytes_be())
}

fn key_proofs(c: &mut Criterion) {
	let mut rng = rand_010::rng();
	let keypair = Keypair::generate(2048, &mut rng).unwrap();
	let context = ProofContext { genesis_hash: [1; 32], account: [2; 32] };
	let modulus_bytes = keypair.public().to_bytes();
	let modulus_proof = modulus::prove(&keypair, &context, &mut rng).unwrap();
	let (params, prm_proof) = ring_pedersen::generate(&keypair, &context, &mut rng).unwrap();
	let encoded = params.to_encoded();

	// paillier-zk on the same key.
	let secret = keypair.to_secret_bytes();
	let width = (secret.len() - 3) / 2;
	let p = int(&BigUint::from_bytes_be(&secret[3..3 + width]));
	let q = int(&BigUint::from_bytes_be(&secret[3 + width..]));
	let n = int(keypair.public().n());
	let data = pizk::Data { n: &n };
	let private = pizk::PrivateData { p: &p, q: &q };
	let mut rng06 = rand_core_06::OsRng;
	let commitment = pizk::interactive::commit(data, &mut rng06);
	let challenge = pizk::interactive::challenge::<M, _>(data, &mut rng06);
	let their_proof = pizk::interactive::prove(data, private, &commitment, &challenge).unwrap();

	let mut g = c.benchmark_group("key_proofs_2048");
	g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(6));
	g.bench_function("pi_mod_prove", |b| b.iter(|| modulus::prove(&keypair, &context, &mut rng).unwrap()));
	g.bench_function("pi_mod_verify", |b| {
		b.iter(|| modulus::verify(black_box(&context), &modulus_bytes, &modulus_proof).unwrap())
	});
	g.bench_function("pi_prm_prove", |b| b.iter(|| ring_pedersen::generate(&keypair, &context, &mut rng).unwrap()));
	g.bench_function("pi_prm_verify", |b| {
		b.iter(|| {
			ring_pedersen::verify(black_box(&context), &modulus_bytes, encoded.s.as_bytes(), encoded.t.as_bytes(), &prm_proof)
				.unwrap()
		})
	});
	g.bench_function("paillier_zk_pi_mod_prove", |b| {
		b.iter(|| pizk::interactive::prove(data, private, &commitment, black_box(&challenge)).unwrap())
	});
	g.bench_function("paillier_zk_pi_mod_verify", |b| {
		b.iter(|| pizk::interactive::verify(data, &commitment, black_box(&challenge), &their_proof, &mut rng06).unwrap())
	});
	g.finish();
	println!(
		"proof sizes: Pi^mod {} bytes, Pi^prm {} bytes; paillier-zk's Pi^mod carries {} integers of up to 256 bytes",
		modulus_proof.len(),
		prm_proof.len(),
		1 + 2 * M
	);
}

criterion_group!(benches, key_proofs);
criterion_main!(benches);
