//! Criterion benchmarks of Pi^cmp (the institution's comparison proof, docs/PROOFS.md) for 700
//! indicators under a 2048-bit holder key, each against its baseline in the same run:
//! - proving against the comparison itself (`cmp::blind`, the institution's step 5);
//! - batched verification against verifying every equation on its own.
//!
//! `cargo bench -p medshare-paillier --bench cmp` measures the AVX-512 IFMA path where the CPU
//! has it; `MEDSHARE_PAILLIER_NO_SIMD=1` in front measures the portable path, which the chain's
//! weights assume. docs/PERFORMANCE.md has the figures.

use criterion::{criterion_group, criterion_main, Criterion};
use medshare_paillier::cmp::{self, ComparisonContext, ComparisonStatement};
use medshare_paillier::proofs::{ring_pedersen, ProofContext};
use medshare_paillier::Keypair;
use std::hint::black_box;
use std::time::Duration;

const INDICATORS: usize = 700;

fn comparison_proof(c: &mut Criterion) {
	let mut rng = rand_010::rng();
	let holder = Keypair::generate(2048, &mut rng).unwrap();
	let proof_context = ProofContext { genesis_hash: [1; 32], account: [2; 32] };
	let (bases, _) = ring_pedersen::generate(&holder, &proof_context, &mut rng).unwrap();
	let values: Vec<u32> = (0..INDICATORS as u32).map(|i| 3000 + i * 7).collect();
	let ranges: Vec<(u32, u32)> = (0..INDICATORS as u32).map(|i| (2900 + i * 7, 3100 + i * 9)).collect();
	let ciphertexts = cmp::encrypt_values(&holder, &values, &mut rng);
	let context = ComparisonContext { genesis_hash: [1; 32], institution: [3; 32], holder: [2; 32], request_id: 0, session_id: 0 };
	let (outputs, witness) = cmp::blind(holder.public(), &ciphertexts, &ranges, &mut rng).unwrap();
	let statement = ComparisonStatement { key: holder.public(), bases: &bases, context: &context, ciphertexts: &ciphertexts, outputs: &outputs };
	let proof = cmp::prove(&statement, &witness, &mut rng).unwrap();
	println!(
		"Pi^cmp, {INDICATORS} indicators, 2048-bit key: {} outputs, proof {} bytes ({} per indicator)",
		outputs.len(),
		proof.len(),
		proof.len() / INDICATORS
	);

	let mut g = c.benchmark_group("pi_cmp_700_2048");
	g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
	g.bench_function("compare (baseline)", |b| b.iter(|| cmp::blind(holder.public(), black_box(&ciphertexts), &ranges, &mut rng).unwrap()));
	g.bench_function("prove", |b| b.iter(|| cmp::prove(black_box(&statement), &witness, &mut rng).unwrap()));
	g.bench_function("verify batched", |b| b.iter(|| cmp::verify(black_box(&statement), &proof, &[7; 32]).unwrap()));
	g.bench_function("verify unbatched (baseline)", |b| b.iter(|| cmp::verify_unbatched(black_box(&statement), &proof).unwrap()));
	g.finish();
}

criterion_group!(benches, comparison_proof);
criterion_main!(benches);
