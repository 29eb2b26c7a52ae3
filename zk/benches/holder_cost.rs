//! The holder's whole cost for the paper's figure 2: 100, 300, 500 and 700 indicators, 2048-bit
//! keys, on this machine's cores.
//!
//! - `holder_cost/paper_steps/<k>`: the steps the paper counts for its own scheme (section
//!   6.2): key generation, encryption of the k values, decryption and conversion of the
//!   comparison outputs, and encryption of the -1/0/1 result under the institution's key.
//! - `holder_cost/with_eligibility/<k>`: the same plus eligibility proving (one Groth16 proof
//!   per 92-indicator chunk), which the paper's scheme needs but its figure leaves out.
//! - `holder_cost/version_2/<k>`: the same plus what version 2 adds for the holder: the key
//!   proofs Pi^mod and Pi^prm and the link proof Pi^link.
//!
//! The institution's blinded comparison, which the holder receives, is built outside the timed
//! region. `scripts/figure2.sh` runs this next to the proxy re-encryption baseline and draws
//! docs/figures/figure2.png; run with `cargo bench -p medshare-zk --bench holder_cost`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use medshare_paillier::compare;
use medshare_paillier::proofs::{modulus, ring_pedersen, ProofContext};
use medshare_paillier::Keypair;
use medshare_zk::link::{self, LinkContext};
use medshare_zk::prove::{prove_eligibility, Binding};
use medshare_zk::setup::{load_or_create_dev_parameters, CircuitKind, Parameters};
use medshare_zk::statement::RequestedIndicator;
use rand_chacha::ChaCha20Rng;
use rand_core_010::SeedableRng;
use std::hint::black_box;
use std::time::{Duration, Instant};

const SWEEP: [usize; 4] = [100, 300, 500, 700];
const INSTITUTION: [u8; 32] = [1; 32];
const HOLDER: [u8; 32] = [2; 32];
const BINDING: Binding = Binding { request_id: 1, holder: HOLDER, nonce: [3; 32] };
const LINK: LinkContext = LinkContext { genesis_hash: [7; 32], holder: HOLDER, request_id: 1, session_id: 1 };
const KEYS: ProofContext = ProofContext { genesis_hash: [7; 32], account: HOLDER };

fn eligibility_parameters() -> Parameters {
	// Kept between runs beside the build (scripts/env.sh sets CARGO_TARGET_DIR).
	let dir = std::env::var_os("CARGO_TARGET_DIR")
		.map(std::path::PathBuf::from)
		.unwrap_or_else(std::env::temp_dir)
		.join("zk-params");
	load_or_create_dev_parameters(&dir, CircuitKind::Eligibility).expect("development parameters")
}

/// A request of `k` indicators with values inside their domains and hidden ranges around them
/// (a third below, a third inside, a third above).
fn session(k: usize) -> (Vec<RequestedIndicator>, Vec<u32>, Vec<(u32, u32)>) {
	let indicators = (0..k as u32).map(|id| RequestedIndicator { id, lo: 1_000, hi: 9_000, min_width: 100 }).collect();
	let values: Vec<u32> = (0..k as u32).map(|i| 3_000 + (i % 3) * 2_000).collect();
	let ranges = vec![(4_000, 6_000); k];
	(indicators, values, ranges)
}

/// Which of the holder's steps are timed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Steps {
	PaperSteps,
	WithEligibility,
	Version2,
}

/// One holder's work for `k` indicators; returns the time spent in the holder's steps only.
fn holder(parameters: &Parameters, institution: &Keypair, k: usize, steps: Steps, rng: &mut ChaCha20Rng) -> Duration {
	let (indicators, values, ranges) = session(k);
	let start = Instant::now();
	let keypair = Keypair::generate(2048, rng).expect("a key");
	if steps == Steps::Version2 {
		black_box(modulus::prove(&keypair, &KEYS, rng).expect("Pi^mod"));
		black_box(ring_pedersen::generate(&keypair, &KEYS, rng).expect("Pi^prm"));
	}
	let chunks = if steps >= Steps::WithEligibility {
		prove_eligibility(parameters, &INSTITUTION, &indicators, &values, &BINDING, rng, |_, _| {}).expect("eligible")
	} else {
		Vec::new()
	};
	let encrypted = compare::encrypt_values(&keypair, &values, rng);
	if steps == Steps::Version2 {
		let blindings: Vec<_> = chunks.iter().map(|c| c.blinding).collect();
		let commitments: Vec<_> = chunks.iter().map(|c| c.commitment).collect();
		black_box(link::prove(&keypair, LINK, &values, &encrypted, &blindings, &commitments, rng, |_, _| {}).expect("Pi^link"));
	}
	let mut spent = start.elapsed();
	// The institution's side, not the holder's.
	let (packed, _) = compare::blind(keypair.public(), &encrypted, &ranges, rng).expect("a comparison");
	let start = Instant::now();
	let outcomes = compare::unpack(&keypair, &packed, k).expect("outcomes");
	black_box(compare::encrypt_outcomes(institution.public(), &outcomes, rng));
	spent += start.elapsed();
	spent
}

fn holder_cost(c: &mut Criterion) {
	let parameters = eligibility_parameters();
	let mut rng = ChaCha20Rng::from_seed([11; 32]);
	let institution = Keypair::generate(2048, &mut rng).expect("a key");
	let mut group = c.benchmark_group("holder_cost");
	// Ten runs per point and no more: a short measurement time makes criterion take its ten
	// flat samples of one run each (the 700-indicator points take over ten seconds a run).
	group
		.sample_size(10)
		.sampling_mode(SamplingMode::Flat)
		.warm_up_time(Duration::from_millis(1))
		.measurement_time(Duration::from_millis(1));
	for (name, steps) in [("paper_steps", Steps::PaperSteps), ("with_eligibility", Steps::WithEligibility), ("version_2", Steps::Version2)] {
		for k in SWEEP {
			group.bench_with_input(BenchmarkId::new(name, k), &k, |b, &k| {
				b.iter_custom(|iterations| (0..iterations).map(|_| holder(&parameters, &institution, k, steps, &mut rng)).sum())
			});
		}
	}
	group.finish();
}

criterion_group!(benches, holder_cost);
criterion_main!(benches);
