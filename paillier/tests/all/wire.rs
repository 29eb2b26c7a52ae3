//! SCALE wire types: round trips, bounds, and the link to validation.

use crate::common::*;
use codec::{Decode, DecodeWithMemLimit, Encode, MaxEncodedLen};
use medshare_paillier::{EncodedCiphertext, EncodedPublicKey, PublicKey, TooLong, MAX_CIPHERTEXT_BYTES, MAX_PUBLIC_KEY_BYTES};

#[test]
fn bounds() {
	assert_eq!(MAX_PUBLIC_KEY_BYTES, 512);
	assert_eq!(MAX_CIPHERTEXT_BYTES, 1024);
	// Compact length prefix of 512 and 1024 takes two bytes.
	assert_eq!(EncodedPublicKey::max_encoded_len(), 514);
	assert_eq!(EncodedCiphertext::max_encoded_len(), 1026);
	assert_eq!(EncodedPublicKey::new(vec![0; 513]), Err(TooLong));
	assert_eq!(EncodedCiphertext::new(vec![0; 1025]), Err(TooLong));
	assert!(EncodedPublicKey::new(vec![0; 512]).is_ok());
	assert!(EncodedCiphertext::try_from(vec![0; 1024]).is_ok());
}

#[test]
fn same_encoding_as_vec_u8() {
	let bytes: Vec<u8> = (0..300).map(|i| i as u8).collect();
	let key = EncodedPublicKey::new(bytes.clone()).unwrap();
	assert_eq!(key.encode(), bytes.encode());
	assert_eq!(EncodedPublicKey::decode(&mut &bytes.encode()[..]).unwrap(), key);
	let ct = EncodedCiphertext::new(bytes.clone()).unwrap();
	assert_eq!(EncodedCiphertext::decode(&mut &ct.encode()[..]).unwrap().into_inner(), bytes);
	assert_eq!(ct.encode().len(), ct.size_hint());
	assert_eq!(key.encoded_size(), 2 + 300);
}

#[test]
fn decode_rejects_oversized_and_truncated() {
	let too_long_key = vec![7u8; 513].encode();
	assert!(EncodedPublicKey::decode(&mut &too_long_key[..]).is_err());
	let too_long_ct = vec![7u8; 1025].encode();
	assert!(EncodedCiphertext::decode(&mut &too_long_ct[..]).is_err());
	// A length prefix claiming far more than the input holds, and a truncated payload.
	let huge = codec::Compact(u32::MAX).encode();
	assert!(EncodedCiphertext::decode(&mut &huge[..]).is_err());
	let mut truncated = vec![9u8; 100].encode();
	truncated.truncate(50);
	assert!(EncodedPublicKey::decode(&mut &truncated[..]).is_err());
	// Memory-limited decoding accounts for the payload.
	let full = vec![1u8; 1024].encode();
	assert!(EncodedCiphertext::decode_with_mem_limit(&mut &full[..], 100).is_err());
	assert!(EncodedCiphertext::decode_with_mem_limit(&mut &full[..], 2048).is_ok());
}

#[test]
fn keys_and_ciphertexts_through_the_wire() {
	let k = holder();
	let encoded = k.public().to_encoded();
	let decoded = EncodedPublicKey::decode(&mut &encoded.encode()[..]).unwrap();
	let pk = PublicKey::from_encoded(&decoded).unwrap();
	assert_eq!(&pk, k.public());

	let c = pk.encrypt_u64(777, &mut rng());
	let wire = c.to_encoded(&pk);
	assert_eq!(wire.as_bytes().len(), 512);
	let back = EncodedCiphertext::decode(&mut &wire.encode()[..]).unwrap();
	let c2 = pk.ciphertext_from_encoded(&back).unwrap();
	assert_eq!(c2, c);
	assert_eq!(k.decrypt(&c2), 777u32.into());
}

#[test]
fn type_info_is_a_byte_vector() {
	use scale_info::{TypeDef, TypeInfo};
	for ty in [EncodedPublicKey::type_info(), EncodedCiphertext::type_info()] {
		let TypeDef::Composite(composite) = ty.type_def else { panic!("composite expected") };
		assert_eq!(composite.fields.len(), 1);
	}
}
