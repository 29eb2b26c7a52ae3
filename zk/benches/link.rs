//! Pi^link for the 700-indicator session of PROTOCOL.md 9.2 with a 2048-bit key: the holder's
//! proving, and verification batched against the unbatched baseline (every equation on its
//! own), both measured in the same run. Set `MEDSHARE_PAILLIER_NO_SIMD=1` for the portable
//! path the chain's weights assume.
//!
//! Run with `cargo bench -p medshare-zk --bench link` after `. scripts/env.sh` (`scripts/bench.sh` takes whole crates).

use criterion::{criterion_group, criterion_main, Criterion};
use ff::{Field, PrimeField};
use medshare_paillier::Keypair;
use medshare_zk::link::{self, LinkContext, LinkStatement};
use medshare_zk::pedersen;
use medshare_zk::statement::SLOTS;
use rand_chacha::ChaCha20Rng;
use rand_core_010::SeedableRng;
use std::time::Duration;

const INDICATORS: usize = 700;
const CONTEXT: LinkContext = LinkContext { genesis_hash: [7; 32], holder: [2; 32], request_id: 1, session_id: 1 };

fn link(c: &mut Criterion) {
	let mut rng = ChaCha20Rng::from_seed([5; 32]);
	let keypair = Keypair::generate(2048, &mut rng).unwrap();
	let values: Vec<u32> = (0..INDICATORS as u32).map(|i| 3_000 + i).collect();
	let ciphertexts = medshare_paillier::compare::encrypt_values(&keypair, &values, &mut rng);
	let (blindings, commitments): (Vec<_>, Vec<_>) = values
		.chunks(SLOTS)
		.enumerate()
		.map(|(chunk, part)| {
			let r = jubjub::Fr::random(&mut rng);
			(r.to_repr(), pedersen::data_commitment_digest(chunk as u32, part, &r).unwrap().to_bytes())
		})
		.unzip();
	let prove = |rng: &mut ChaCha20Rng| {
		link::prove(&keypair, CONTEXT, &values, &ciphertexts, &blindings, &commitments, rng, |_, _| {}).unwrap()
	};
	let proof = prove(&mut rng);
	println!(
		"Pi^link, {INDICATORS} indicators, 2048-bit key: {} bytes ({} per indicator)",
		proof.len(),
		proof.len() / INDICATORS
	);
	let statement = LinkStatement { context: CONTEXT, public_key: keypair.public(), ciphertexts: &ciphertexts, commitments: &commitments };

	let mut group = c.benchmark_group("pi-link 700 indicators");
	group.sample_size(10).measurement_time(Duration::from_secs(30));
	group.bench_function("prove", |b| b.iter(|| prove(&mut rng)));
	group.bench_function("verify batched", |b| b.iter(|| link::verify(&statement, &proof, &[9; 32]).unwrap()));
	group.bench_function("verify unbatched (baseline)", |b| b.iter(|| link::verify_unbatched(&statement, &proof).unwrap()));
	group.finish();
}

criterion_group!(benches, link);
criterion_main!(benches);
