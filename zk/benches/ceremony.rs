//! The setup ceremony at the circuits' real size (domain 2^16): what each participant and each
//! verifier spends, against the baseline of one party's whole setup of the requirement circuit
//! (bellman's generator), measured in the same run.
//!
//! - phase 1: a contribution, and the verification of a transcript of one;
//! - phase 2 (requirement circuit): a contribution, and the verification of one;
//! - a verifier's checks of what the coordinator derived once: the Lagrange bases against phase
//!   1, and the circuit's starting parameters against phase 1 and the bases.
//!
//! The coordinator's one-off derivation of the bases and the starting parameters (minutes) is
//! done once in the setup of this benchmark, not sampled. `MEDSHARE_CEREMONY_POWER` sets another
//! phase-1 size; below 16 only phase 1 runs (the circuits need 16).
//!
//! Run with `cargo bench -p medshare-zk --bench ceremony` after `. scripts/env.sh` (about half an hour: every sample is
//! a whole contribution).

use criterion::{criterion_group, criterion_main, Criterion};
use medshare_zk::ceremony::circuit::{self, LagrangeBases, Synthesized};
use medshare_zk::ceremony::{phase1, phase2};
use medshare_zk::circuit::RequirementCircuit;
use rand_chacha::ChaCha20Rng;
use rand_core_010::SeedableRng;
use std::time::Duration;

fn power() -> u32 {
	std::env::var("MEDSHARE_CEREMONY_POWER").ok().and_then(|p| p.parse().ok()).unwrap_or(16)
}

fn ceremony(c: &mut Criterion) {
	let mut rng = ChaCha20Rng::from_seed([8; 32]);
	let mut group = c.benchmark_group("ceremony");
	group.sample_size(10).measurement_time(Duration::from_secs(30)).warm_up_time(Duration::from_secs(1));

	// The baseline: one party's whole setup of the requirement circuit.
	group.bench_function("baseline: one-party setup (requirement)", |b| {
		b.iter(|| groth16::generate_random_parameters::<bls12_381::Bls12, _, _>(RequirementCircuit(None), &mut rng).unwrap())
	});

	let mut accumulator = phase1::Accumulator::new(power());
	let first = phase1::contribute(&mut accumulator, &[], &mut rng, &|_| {});
	group.bench_function("phase 1: contribute", |b| {
		b.iter(|| phase1::contribute(&mut accumulator.clone(), std::slice::from_ref(&first), &mut rng, &|_| {}))
	});
	group.bench_function("phase 1: verify one contribution", |b| {
		b.iter(|| phase1::verify(std::slice::from_ref(&first), &accumulator, &mut rng).unwrap())
	});
	if accumulator.power < 16 {
		return;
	}

	// The coordinator's one-off work, not sampled.
	let requirement = Synthesized::new(RequirementCircuit(None)).unwrap();
	let bases = LagrangeBases::new(&accumulator, requirement.domain_size()).unwrap();
	let base = circuit::parameters_with(&requirement, &accumulator, &bases).unwrap();

	group.bench_function("verifier: Lagrange bases against phase 1", |b| b.iter(|| bases.check(&accumulator, &mut rng).unwrap()));
	group.bench_function("verifier: starting parameters against phase 1 (requirement)", |b| {
		b.iter(|| circuit::check_parameters(&requirement, &accumulator, &bases, &base, &mut rng).unwrap())
	});

	let digest = phase2::parameters_digest(&base);
	let mut last = base.clone();
	let second = phase2::contribute(&mut last, &digest, &[], &mut rng, &|_| {});
	group.bench_function("phase 2: contribute (requirement)", |b| {
		b.iter(|| phase2::contribute(&mut last.clone(), &digest, std::slice::from_ref(&second), &mut rng, &|_| {}))
	});
	group.bench_function("phase 2: verify one contribution (requirement)", |b| {
		b.iter(|| phase2::verify(&base, std::slice::from_ref(&second), &last, &mut rng).unwrap())
	});
	group.finish();
}

criterion_group!(benches, ceremony);
criterion_main!(benches);
