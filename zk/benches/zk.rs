//! Groth16 costs: proving per circuit, verification through the host function (cached and
//! uncached prepared key) against bellman's bare `verify_proof`, and the holder's total
//! proving time for the paper's 100 / 300 / 500 / 700-indicator sweep.
//!
//! Run with `scripts/bench.sh medshare-zk` (or `cargo bench -p medshare-zk`). Constraint
//! counts are printed once at start.

use bellman::gadgets::test::TestConstraintSystem;
use bellman::Circuit;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use medshare_zk::circuit::{ChunkStatement, EligibilityCircuit, EligibilityWitness, RequirementCircuit, RequirementWitness};
use medshare_zk::native::{clear_prepared_key_cache, parse_proof, parse_verifying_key};
use medshare_zk::prove::{prove_eligibility, prove_requirement, Binding};
use medshare_zk::setup::{load_or_create_dev_parameters, CircuitKind, Parameters};
use medshare_zk::statement::{self, RequestedIndicator, SLOTS};
use medshare_zk::{verify, Scalar, DEV_ELIGIBILITY_VK};
use rand_chacha::ChaCha20Rng;
use std::time::Duration;
use rand_core_010::SeedableRng;

const INSTITUTION: [u8; 32] = [1; 32];
const BINDING: Binding = Binding { request_id: 1, holder: [2; 32], nonce: [3; 32] };

fn params(kind: CircuitKind) -> Parameters {
	// Kept between runs beside the build (scripts/env.sh sets CARGO_TARGET_DIR).
	let dir = std::env::var_os("CARGO_TARGET_DIR")
		.map(std::path::PathBuf::from)
		.unwrap_or_else(std::env::temp_dir)
		.join("zk-params");
	load_or_create_dev_parameters(&dir, kind).expect("development parameters")
}

fn request(count: usize) -> Vec<RequestedIndicator> {
	(0..count as u32).map(|id| RequestedIndicator { id, lo: 1_000, hi: 9_000, min_width: 100 }).collect()
}

fn print_constraint_counts() {
	let chunk = ChunkStatement { institution: INSTITUTION, chunk: 0, indicators: request(SLOTS) };
	let mut cs = TestConstraintSystem::new();
	RequirementCircuit(Some(RequirementWitness {
		statement: chunk.clone(),
		ranges: vec![(2_000, 3_000); SLOTS],
		salt: Scalar::from(1u64),
	}))
	.synthesize(&mut cs)
	.unwrap();
	let requirement = cs.num_constraints();
	let mut cs = TestConstraintSystem::new();
	EligibilityCircuit(Some(EligibilityWitness {
		statement: chunk,
		values: vec![5_000; SLOTS],
		blinding: jubjub::Fr::from(1u64),
		binding: Scalar::from(2u64),
	}))
	.synthesize(&mut cs)
	.unwrap();
	println!(
		"constraints with {SLOTS} slots: requirement {requirement}, eligibility {}",
		cs.num_constraints()
	);
}

fn proving(c: &mut Criterion) {
	print_constraint_counts();
	let requirement = params(CircuitKind::Requirement);
	let eligibility = params(CircuitKind::Eligibility);
	let mut rng = ChaCha20Rng::from_seed([9; 32]);
	let indicators = request(SLOTS);
	let ranges = vec![(2_000, 3_000); SLOTS];
	let values = vec![5_000; SLOTS];
	let mut group = c.benchmark_group("prove one chunk");
	group.sample_size(10).measurement_time(Duration::from_secs(20));
	group.bench_function("requirement", |b| {
		b.iter(|| prove_requirement(&requirement, &INSTITUTION, &indicators, &ranges, &mut rng, |_, _| {}).unwrap())
	});
	group.bench_function("eligibility", |b| {
		b.iter(|| prove_eligibility(&eligibility, &INSTITUTION, &indicators, &values, &BINDING, &mut rng, |_, _| {}).unwrap())
	});
	group.finish();

	let mut group = c.benchmark_group("holder proving sweep");
	group.sample_size(10).measurement_time(Duration::from_secs(30));
	for count in [100usize, 300, 500, 700] {
		let indicators = request(count);
		let values = vec![5_000; count];
		group.bench_with_input(BenchmarkId::from_parameter(count), &count, |b, _| {
			b.iter(|| prove_eligibility(&eligibility, &INSTITUTION, &indicators, &values, &BINDING, &mut rng, |_, _| {}).unwrap())
		});
	}
	group.finish();
}

fn verification(c: &mut Criterion) {
	let eligibility = params(CircuitKind::Eligibility);
	let mut rng = ChaCha20Rng::from_seed([8; 32]);
	let mut group = c.benchmark_group("verify eligibility");
	// A chunk with one indicator and a full chunk: verification must not depend on the size.
	for count in [1usize, SLOTS] {
		let indicators = request(count);
		let chunk = prove_eligibility(&eligibility, &INSTITUTION, &indicators, &vec![5_000; count], &BINDING, &mut rng, |_, _| {})
			.unwrap()
			.remove(0);
		let s = statement::request_statement(&INSTITUTION, 0, &indicators).unwrap().to_bytes();
		let inputs = [s, chunk.commitment, BINDING.value().to_bytes()];
		let scalars: Vec<Scalar> = inputs.iter().map(|x| statement::from_bytes(x).unwrap()).collect();
		let prepared = groth16::prepare_verifying_key(&parse_verifying_key(DEV_ELIGIBILITY_VK).unwrap());
		let proof = parse_proof(&chunk.proof).unwrap();

		group.bench_function(BenchmarkId::new("bellman verify_proof, prepared key (baseline)", count), |b| {
			b.iter(|| groth16::verify_proof(&prepared, &proof, &scalars).unwrap())
		});
		group.bench_function(BenchmarkId::new("bellman Proof::read + verify_proof, prepared key", count), |b| {
			b.iter(|| {
				let proof = groth16::Proof::<bls12_381::Bls12>::read(&chunk.proof[..]).unwrap();
				groth16::verify_proof(&prepared, &proof, &scalars).unwrap()
			})
		});
		group.bench_function(BenchmarkId::new("host function, cached prepared key", count), |b| {
			b.iter(|| verify::verify(DEV_ELIGIBILITY_VK, &chunk.proof, &inputs).unwrap())
		});
		group.bench_function(BenchmarkId::new("host function, key prepared per call", count), |b| {
			b.iter(|| {
				clear_prepared_key_cache();
				verify::verify(DEV_ELIGIBILITY_VK, &chunk.proof, &inputs).unwrap()
			})
		});
	}
	group.finish();
}

criterion_group!(benches, verification, proving);
criterion_main!(benches);
