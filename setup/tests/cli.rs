//! `medshare-setup` as participants run it, on a phase 1 small enough for a test (2^4 points):
//! three contributions and a beacon verify; the attacks `verify` is for are refused in words; a
//! public powers-of-tau transcript in Zcash's layout imports. Phase 2 needs the circuits' real
//! domain (2^16): client/tests/network.rs runs the whole ceremony at that size and puts its keys
//! on the `local` chain.

use std::path::Path;
use std::process::Command;

use medshare_zk::ceremony::{format, phase1};
use rand_chacha::ChaCha20Rng;
use rand_core_010::SeedableRng;
use serde_json::Value;

const POWER: &str = "4";

/// Runs the tool with `--json`; returns whether it succeeded and its JSON answer.
fn setup(args: &[&str]) -> (bool, Value) {
	let output = Command::new(env!("CARGO_BIN_EXE_medshare-setup")).arg("--json").args(args).output().expect("medshare-setup runs");
	let stdout = String::from_utf8_lossy(&output.stdout);
	let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {stdout}"));
	(output.status.success(), value)
}

fn ok(args: &[&str]) -> Value {
	let (success, value) = setup(args);
	assert!(success, "{args:?} failed: {value}");
	value
}

fn refused(args: &[&str]) -> String {
	let (success, value) = setup(args);
	assert!(!success, "{args:?} succeeded: {value}");
	value["error"].as_str().expect("an error message").to_string()
}

fn path(dir: &Path) -> &str {
	dir.to_str().expect("a UTF-8 path")
}

/// A phase 1 of three participants, one with entropy of its own, and a beacon.
fn ceremony(dir: &Path) {
	ok(&["phase1", "new", "--power", POWER, path(dir)]);
	ok(&["phase1", "contribute", path(dir)]);
	ok(&["phase1", "contribute", "--entropy", "the second participant's dice rolls", path(dir)]);
	ok(&["phase1", "contribute", path(dir)]);
	ok(&["phase1", "beacon", "--beacon", "0x00112233", "--iterations", "4", path(dir)]);
}

#[test]
fn three_participants_and_a_beacon_verify_and_a_phase_2_needs_the_real_domain() {
	let dir = tempfile::tempdir().unwrap();
	ceremony(dir.path());
	let verified = ok(&["phase1", "verify", "--beacon", "0x00112233", "--iterations", "4", path(dir.path())]);
	assert_eq!(verified["contributions"], 4);
	let digest = verified["digest"].as_str().unwrap().to_string();
	// Verification is deterministic in its verdict and digest, though its batching is random.
	assert_eq!(ok(&["phase1", "verify", path(dir.path())])["digest"], digest.as_str());

	// Another beacon value than the one announced.
	let error = refused(&["phase1", "verify", "--beacon", "0x00112234", "--iterations", "4", path(dir.path())]);
	assert!(error.contains("not the beacon's"), "{error}");
	// After the beacon, nobody contributes a phase 1 of 16 points to the circuits' phase 2.
	let error = refused(&["phase2", "new", path(dir.path())]);
	assert!(error.contains("needs a phase 1 of 65536 powers, this one has 16"), "{error}");
	// A directory that already holds a ceremony is not started again.
	let error = refused(&["phase1", "new", "--power", POWER, path(dir.path())]);
	assert!(error.contains("already holds a phase 1"), "{error}");
}

fn transcript(dir: &Path) -> Vec<u8> {
	std::fs::read(dir.join("phase1.transcript")).unwrap()
}

fn set_transcript(dir: &Path, bytes: &[u8]) {
	std::fs::write(dir.join("phase1.transcript"), bytes).unwrap();
}

#[test]
fn verify_refuses_a_skipped_proof_a_tampered_point_and_a_reordered_transcript() {
	let dir = tempfile::tempdir().unwrap();
	ceremony(dir.path());
	let honest = transcript(dir.path());
	let len = phase1::CONTRIBUTION_LEN;

	// A contribution that skipped its proof of knowledge: the second participant's τ proof
	// replaced by the first's (a proof it could copy without knowing its factor).
	let mut skipped = honest.clone();
	let tau_proof = 32 + 3 * 48;
	let first_proof = honest[tau_proof..tau_proof + 192].to_vec();
	skipped[len + tau_proof..len + tau_proof + 192].copy_from_slice(&first_proof);
	set_transcript(dir.path(), &skipped);
	let error = refused(&["phase1", "verify", path(dir.path())]);
	assert!(error.contains("contribution 1 does not prove knowledge of its Tau factor"), "{error}");

	// Two contributions swapped.
	let mut reordered = honest.clone();
	reordered[..2 * len].rotate_left(len);
	set_transcript(dir.path(), &reordered);
	let error = refused(&["phase1", "verify", path(dir.path())]);
	assert!(error.contains("contribution 0 does not follow the transcript before it"), "{error}");

	// A contribution dropped from the middle.
	let dropped = [&honest[..len], &honest[2 * len..]].concat();
	set_transcript(dir.path(), &dropped);
	let error = refused(&["phase1", "verify", path(dir.path())]);
	assert!(error.contains("contribution 1 does not follow"), "{error}");

	// A tampered element of the accumulator: τ^5·G1 replaced by another point of the group.
	set_transcript(dir.path(), &honest);
	let accumulator_path = dir.path().join("phase1.accumulator");
	let honest_accumulator = std::fs::read(&accumulator_path).unwrap();
	let mut tampered = honest_accumulator.clone();
	let fifth = 20 + 5 * 96;
	tampered[fifth..fifth + 96].copy_from_slice(&bls12_381::G1Affine::generator().to_uncompressed());
	std::fs::write(&accumulator_path, &tampered).unwrap();
	let error = refused(&["phase1", "verify", path(dir.path())]);
	assert!(error.contains("powers of tau in G1 are not powers of one tau"), "{error}");

	// A point off the curve is refused as it is read, naming it.
	let mut off_curve = honest_accumulator.clone();
	off_curve[fifth + 95] ^= 1;
	std::fs::write(&accumulator_path, &off_curve).unwrap();
	let error = refused(&["phase1", "contribute", path(dir.path())]);
	assert!(error.contains("point 5 of the powers of tau in G1 is not a point of the prime-order subgroup"), "{error}");
}

#[test]
fn a_powers_of_tau_transcript_imports_and_a_broken_one_is_refused() {
	let dir = tempfile::tempdir().unwrap();
	// A transcript of 2^5 powers, as Zcash's response files hold them (compressed, after the
	// hash of the challenge); the import keeps 2^3.
	let mut accumulator = phase1::Accumulator::new(5);
	phase1::contribute(&mut accumulator, &[], &mut ChaCha20Rng::from_seed([1; 32]), &|_| {});
	let mut file = Vec::new();
	format::write_powersoftau(&accumulator, &[9; 64], format::Compression::Compressed, &mut file).unwrap();
	file.extend_from_slice(&[0xee; 100]); // the contributor's public key, which is not read
	let source = dir.path().join("response");
	std::fs::write(&source, &file).unwrap();
	let expected_hash = blake2b_simd::blake2b(&file).to_hex().to_string();

	let ceremony = dir.path().join("imported");
	let imported = ok(&["phase1", "import", "--source-power", "5", "--power", "3", "--compressed", path(&source), path(&ceremony)]);
	assert_eq!(imported["blake2b"], expected_hash.as_str());
	let verified = ok(&["phase1", "verify", path(&ceremony)]);
	assert_eq!(verified["digest"], imported["digest"]);
	let error = refused(&["phase1", "contribute", path(&ceremony)]);
	assert!(error.contains("imported transcript"), "{error}");

	// The same file read as uncompressed, or with the wrong source size, does not pass.
	let error = refused(&["phase1", "import", "--source-power", "5", "--power", "3", path(&source), path(&dir.path().join("a"))]);
	assert!(error.contains("point 0 of the powers of tau in G1"), "{error}");
	let error = refused(&["phase1", "import", "--source-power", "4", "--power", "3", "--compressed", path(&source), path(&dir.path().join("b"))]);
	assert!(error.contains("refused") || error.contains("not a point"), "{error}");
	// A transcript whose powers are not of one tau: one point of the G2 series replaced.
	let mut broken = accumulator.clone();
	broken.tau_g2[3] = bls12_381::G2Affine::generator();
	let mut file = Vec::new();
	format::write_powersoftau(&broken, &[9; 64], format::Compression::Compressed, &mut file).unwrap();
	std::fs::write(&source, &file).unwrap();
	let error = refused(&["phase1", "import", "--source-power", "5", "--power", "3", "--compressed", path(&source), path(&dir.path().join("c"))]);
	assert!(error.contains("powers of tau in G2 are not powers of one tau"), "{error}");
}
