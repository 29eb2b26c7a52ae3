//! Keys and helpers shared by the tests. Keys are generated once per test binary.

use medshare_paillier::Keypair;
use num_bigint::BigUint;
use proptest::prelude::*;
use std::sync::OnceLock;

/// A CSPRNG for tests.
pub fn rng() -> rand_010::rngs::ThreadRng {
	rand_010::rng()
}

/// The holder's 2048-bit key pair.
pub fn holder() -> &'static Keypair {
	static KEY: OnceLock<Keypair> = OnceLock::new();
	KEY.get_or_init(|| Keypair::generate(2048, &mut rng()).expect("2048 is supported"))
}

/// The institution's 2048-bit key pair.
pub fn institution() -> &'static Keypair {
	static KEY: OnceLock<Keypair> = OnceLock::new();
	KEY.get_or_init(|| Keypair::generate(2048, &mut rng()).expect("2048 is supported"))
}

/// Proptest settings: each case does real 2048-bit work, so few cases.
pub fn cases(n: u32) -> ProptestConfig {
	ProptestConfig { cases: n, max_shrink_iters: 64, ..ProptestConfig::default() }
}

/// A uniform plaintext below the holder's n, from 256 random bytes.
pub fn plaintext() -> impl Strategy<Value = BigUint> {
	proptest::collection::vec(any::<u8>(), 256).prop_map(|bytes| BigUint::from_bytes_be(&bytes) % holder().public().n())
}
