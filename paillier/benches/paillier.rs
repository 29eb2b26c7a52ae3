//! Criterion benchmarks of medshare-paillier: the single operations at 2048 and 3072 bits and
//! both sides of the comparison for the paper's sweep of 100, 300, 500 and 700 indicators.
//!
//! Run through `paillier/benches/compare.sh`, which also runs the python-phe baseline
//! (`phe_baseline.py`) in the same run and prints the ratio table of docs/PERFORMANCE.md.
//! Filter with criterion's usual argument, e.g. `cargo bench -p medshare-paillier --bench
//! paillier -- ops_2048`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use medshare_paillier::compare;
use medshare_paillier::num_bigint::{BigInt, BigUint};
use medshare_paillier::Keypair;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The scalar of the scalar-multiplication benchmark: 64 bits, like a blinding factor.
const SCALAR: u64 = 0xb7e1_5162_8aed_2a6b;
/// Indicator counts of the paper's sweep.
const SWEEP: [usize; 4] = [100, 300, 500, 700];

fn rng() -> rand_010::rngs::ThreadRng {
	rand_010::rng()
}

/// Values and ranges of a synthetic request: a third below, a third inside, a third above.
fn request(k: usize) -> (Vec<u32>, Vec<(u32, u32)>) {
	let values: Vec<u32> = (0..k as u32).map(|i| 3000 + (i * 7919) % 2000).collect();
	let ranges = values
		.iter()
		.enumerate()
		.map(|(i, &v)| match i % 3 {
			0 => (v + 1, v + 500),
			1 => (v - 100, v + 100),
			_ => (v - 500, v - 1),
		})
		.collect();
	(values, ranges)
}

fn ops(c: &mut Criterion, bits: u32) {
	{
		// Random running time, hundreds of milliseconds: flat sampling, one generation per
		// iteration.
		let mut keygen = c.benchmark_group(format!("keygen_{bits}"));
		keygen.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_secs(1));
		keygen.measurement_time(Duration::from_secs(if bits > 2048 { 10 } else { 4 }));
		keygen.bench_function("keygen", |b| b.iter(|| Keypair::generate(bits, &mut rng()).unwrap()));
		keygen.finish();
	}

	let mut g = c.benchmark_group(format!("ops_{bits}"));
	g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
	let mut r = rng();
	let k = Keypair::generate(bits, &mut r).unwrap();
	let pk = k.public();
	let m = BigUint::from(123_456_789u64);
	let c1 = k.encrypt(&m, &mut r);
	let c2 = pk.encrypt(&m, &mut r);
	g.bench_function("encrypt_public", |b| b.iter(|| pk.encrypt(black_box(&m), &mut r)));
	g.bench_function("encrypt_holder", |b| b.iter(|| k.encrypt(black_box(&m), &mut r)));
	g.bench_function("decrypt", |b| b.iter(|| k.decrypt(black_box(&c1))));
	g.bench_function("add", |b| b.iter(|| pk.add(black_box(&c1), black_box(&c2))));
	let scalar = BigInt::from(SCALAR);
	g.bench_function("mul_scalar", |b| b.iter(|| pk.mul_scalar(black_box(&c1), &scalar).unwrap()));
	g.bench_function("rerandomize_holder", |b| b.iter(|| k.rerandomize(black_box(&c1), &mut r)));
	g.finish();
}

fn ops_2048(c: &mut Criterion) {
	ops(c, 2048);
}

fn ops_3072(c: &mut Criterion) {
	ops(c, 3072);
}

/// The holder's side: key generation, encryption of the k values, decryption and conversion of
/// the packed comparison, encryption of the result set. The institution's step in between runs
/// outside the timed region.
fn holder_pipeline(c: &mut Criterion) {
	let mut g = c.benchmark_group("holder_pipeline");
	g.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_secs(1));
	let institution = Keypair::generate(2048, &mut rng()).unwrap();
	for k in SWEEP {
		let (values, ranges) = request(k);
		g.measurement_time(Duration::from_secs(3 + k as u64 / 50));
		g.bench_with_input(BenchmarkId::from_parameter(k), &k, |b, &k| {
			b.iter_custom(|iters| {
				let mut r = rng();
				let mut timed = Duration::ZERO;
				for _ in 0..iters {
					let start = Instant::now();
					let holder = Keypair::generate(2048, &mut r).unwrap();
					let encrypted = compare::encrypt_values(&holder, &values, &mut r);
					timed += start.elapsed();
					let (packed, _) = compare::blind(holder.public(), &encrypted, &ranges, &mut r).unwrap();
					let start = Instant::now();
					let outcomes = compare::unpack(&holder, &packed, k).unwrap();
					let result = compare::encrypt_outcomes(institution.public(), &outcomes, &mut r);
					timed += start.elapsed();
					black_box(result);
				}
				timed
			})
		});
	}
	g.finish();
}

/// The institution's side: blinding into alpha and beta outputs and re-randomisation of k
/// encrypted values (without Pi^cmp, which `benches/cmp.rs` measures).
fn institution_side(c: &mut Criterion) {
	let mut g = c.benchmark_group("institution");
	g.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_secs(1));
	let mut r = rng();
	let holder = Keypair::generate(2048, &mut r).unwrap();
	for k in SWEEP {
		let (values, ranges) = request(k);
		let encrypted = compare::encrypt_values(&holder, &values, &mut r);
		g.measurement_time(Duration::from_secs(3 + k as u64 / 50));
		g.bench_with_input(BenchmarkId::from_parameter(k), &k, |b, _| {
			b.iter(|| compare::blind(holder.public(), &encrypted, &ranges, &mut r).unwrap())
		});
	}
	g.finish();
}

/// The failure path of batch validation against its happy path (issue 13): 700 ciphertexts
/// under a 4096-bit key, the largest batch the chain validates, all valid or with `c = 0`
/// last. The chain charges the valid batch's weight, so refusing must cost no more:
/// `refused / accepted` is the ratio to read, about 1. `search_one_by_one` is what naming
/// the bad ciphertext used to add on top (docs/CHAIN.md).
fn batch_validation(c: &mut Criterion) {
	let mut g = c.benchmark_group("batch_validation_4096");
	g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
	let mut r = rng();
	let k = Keypair::generate(4096, &mut r).unwrap();
	let pk = k.public();
	let valid: Vec<Vec<u8>> = (0..700u64).map(|i| pk.encrypt(&BigUint::from(i), &mut r).to_bytes(pk)).collect();
	let mut zero_last = valid.clone();
	zero_last[699] = vec![0u8; pk.ciphertext_byte_len()];
	g.bench_function("accepted", |b| b.iter(|| pk.ciphertexts_from_bytes(valid.iter().map(Vec::as_slice)).unwrap()));
	g.bench_function("refused", |b| {
		b.iter(|| pk.ciphertexts_from_bytes(zero_last.iter().map(Vec::as_slice)).unwrap_err())
	});
	// What naming the bad ciphertext used to add to a refusal: one check (gcd) per ciphertext.
	g.bench_function("search_one_by_one", |b| {
		b.iter(|| zero_last.iter().position(|c| pk.ciphertext_from_bytes(c).is_err()))
	});
	g.finish();
}

criterion_group!(benches, ops_2048, ops_3072, holder_pipeline, institution_side, batch_validation);
criterion_main!(benches);
