//! A phase-1 accumulator on disk, in the layout of Zcash's powers-of-tau transcripts
//! (`ebfull/powersoftau` for BLS12-381): `τ^i·G1` (`2m - 1` points), `τ^i·G2`, `α·τ^i·G1`,
//! `β·τ^i·G1` (`m` each), then `β·G2`. One reader serves the project's own files and the import
//! of a public transcript, whose first `2m - 1` and `m` points are a valid accumulator for a
//! smaller domain.
//!
//! Every point is decoded with its curve and subgroup checks: a contributor who multiplied a
//! point outside the prime-order subgroup by its secret would publish the secret modulo the
//! cofactor's primes.

use std::io::{self, Read, Write};

use bls12_381::{G1Affine, G2Affine};

use super::phase1::{Accumulator, MAX_POWER};

/// The first bytes of the project's accumulator files, then the power as a little-endian `u32`.
pub const ACCUMULATOR_MAGIC: &[u8; 16] = b"medshare-phase1\x01";

/// Bytes of the hash that opens every Zcash powers-of-tau file (BLAKE2b-512 of the file before).
pub const POWERSOFTAU_HASH_LEN: usize = 64;

/// How a file stores its points: Zcash's challenges and the project's files are uncompressed;
/// Zcash's responses are compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
	Uncompressed,
	Compressed,
}

/// Why an accumulator file was refused.
#[derive(Debug)]
pub enum FormatError {
	/// Reading or writing failed, or the file ended early.
	Io(io::Error),
	/// The file does not start with [`ACCUMULATOR_MAGIC`].
	NotAnAccumulator,
	/// The power is 0 or above [`MAX_POWER`].
	Power(u32),
	/// The transcript to import is smaller than the domain asked for.
	SourceTooSmall { source_power: u32, power: u32 },
	/// A point is not on the curve or not in the prime-order subgroup.
	Point { series: &'static str, index: usize },
}

impl core::fmt::Display for FormatError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			FormatError::Io(e) => write!(f, "{e}"),
			FormatError::NotAnAccumulator => write!(f, "not a MedShare phase-1 accumulator file"),
			FormatError::Power(power) => write!(f, "power {power} is outside 1..={MAX_POWER}"),
			FormatError::SourceTooSmall { source_power, power } => {
				write!(f, "the transcript has 2^{source_power} powers, fewer than the 2^{power} asked for")
			},
			FormatError::Point { series, index } => {
				write!(f, "point {index} of the {series} is not a point of the prime-order subgroup")
			},
		}
	}
}

impl std::error::Error for FormatError {}

impl From<io::Error> for FormatError {
	fn from(e: io::Error) -> FormatError {
		FormatError::Io(e)
	}
}

/// A point type as the transcripts encode it.
pub(crate) trait Encoded: Sized + Send + Copy {
	const UNCOMPRESSED: usize;
	const COMPRESSED: usize;
	fn decode(bytes: &[u8], compression: Compression) -> Option<Self>;
}

impl Encoded for G1Affine {
	const UNCOMPRESSED: usize = 96;
	const COMPRESSED: usize = 48;
	fn decode(bytes: &[u8], compression: Compression) -> Option<G1Affine> {
		match compression {
			Compression::Uncompressed => Option::from(G1Affine::from_uncompressed(bytes.try_into().ok()?)),
			Compression::Compressed => Option::from(G1Affine::from_compressed(bytes.try_into().ok()?)),
		}
	}
}

impl Encoded for G2Affine {
	const UNCOMPRESSED: usize = 192;
	const COMPRESSED: usize = 96;
	fn decode(bytes: &[u8], compression: Compression) -> Option<G2Affine> {
		match compression {
			Compression::Uncompressed => Option::from(G2Affine::from_uncompressed(bytes.try_into().ok()?)),
			Compression::Compressed => Option::from(G2Affine::from_compressed(bytes.try_into().ok()?)),
		}
	}
}

fn width<P: Encoded>(compression: Compression) -> usize {
	match compression {
		Compression::Uncompressed => P::UNCOMPRESSED,
		Compression::Compressed => P::COMPRESSED,
	}
}

/// Reads the first `take` of a series of `stored` points, skips the rest, and decodes them on
/// every core.
pub(crate) fn read_series<P: Encoded, R: Read>(
	input: &mut R,
	series: &'static str,
	take: usize,
	stored: usize,
	compression: Compression,
) -> Result<Vec<P>, FormatError> {
	let width = width::<P>(compression);
	let mut bytes = vec![0u8; take * width];
	input.read_exact(&mut bytes)?;
	let skip = ((stored - take) * width) as u64;
	if io::copy(&mut input.by_ref().take(skip), &mut io::sink())? != skip {
		return Err(FormatError::Io(io::ErrorKind::UnexpectedEof.into()));
	}
	let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
	let chunk = take.div_ceil(threads).max(1);
	let decoded: Vec<Result<Vec<P>, usize>> = std::thread::scope(|scope| {
		let handles: Vec<_> = bytes
			.chunks(chunk * width)
			.enumerate()
			.map(|(part, slice)| {
				scope.spawn(move || {
					slice
						.chunks(width)
						.enumerate()
						.map(|(i, encoded)| P::decode(encoded, compression).ok_or(part * chunk + i))
						.collect::<Result<Vec<P>, usize>>()
				})
			})
			.collect();
		handles.into_iter().map(|h| h.join().unwrap_or(Err(0))).collect()
	});
	let mut points = Vec::with_capacity(take);
	for part in decoded {
		points.extend(part.map_err(|index| FormatError::Point { series, index })?);
	}
	Ok(points)
}

/// Reads an accumulator for `2^power` points from a powers-of-tau layout of `2^source_power`.
fn read_layout<R: Read>(input: &mut R, source_power: u32, power: u32, compression: Compression) -> Result<Accumulator, FormatError> {
	if power == 0 || power > MAX_POWER {
		return Err(FormatError::Power(power));
	}
	if source_power < power {
		return Err(FormatError::SourceTooSmall { source_power, power });
	}
	let (m, stored) = (1usize << power, 1usize << source_power);
	Ok(Accumulator {
		power,
		tau_g1: read_series(input, "powers of tau in G1", 2 * m - 1, 2 * stored - 1, compression)?,
		tau_g2: read_series(input, "powers of tau in G2", m, stored, compression)?,
		alpha_tau_g1: read_series(input, "alpha powers", m, stored, compression)?,
		beta_tau_g1: read_series(input, "beta powers", m, stored, compression)?,
		beta_g2: read_series(input, "beta in G2", 1, 1, compression)?[0],
	})
}

/// The series of `accumulator` in the powers-of-tau layout, each point in `compression`.
fn write_layout<W: Write>(accumulator: &Accumulator, compression: Compression, out: &mut W) -> io::Result<()> {
	let g1 = |out: &mut W, p: &G1Affine| match compression {
		Compression::Uncompressed => out.write_all(&p.to_uncompressed()),
		Compression::Compressed => out.write_all(&p.to_compressed()),
	};
	let g2 = |out: &mut W, p: &G2Affine| match compression {
		Compression::Uncompressed => out.write_all(&p.to_uncompressed()),
		Compression::Compressed => out.write_all(&p.to_compressed()),
	};
	accumulator.tau_g1.iter().try_for_each(|p| g1(out, p))?;
	accumulator.tau_g2.iter().try_for_each(|p| g2(out, p))?;
	accumulator.alpha_tau_g1.iter().chain(&accumulator.beta_tau_g1).try_for_each(|p| g1(out, p))?;
	g2(out, &accumulator.beta_g2)
}

/// Writes `accumulator` as the project's file: [`ACCUMULATOR_MAGIC`], the power, then every
/// point uncompressed in the powers-of-tau layout.
pub fn write_accumulator<W: Write>(accumulator: &Accumulator, out: &mut W) -> io::Result<()> {
	out.write_all(ACCUMULATOR_MAGIC)?;
	out.write_all(&accumulator.power.to_le_bytes())?;
	write_layout(accumulator, Compression::Uncompressed, out)
}

/// Reads a file [`write_accumulator`] wrote, checking every point.
pub fn read_accumulator<R: Read>(input: &mut R) -> Result<Accumulator, FormatError> {
	let mut magic = [0u8; 16];
	input.read_exact(&mut magic)?;
	if &magic != ACCUMULATOR_MAGIC {
		return Err(FormatError::NotAnAccumulator);
	}
	let mut power = [0u8; 4];
	input.read_exact(&mut power)?;
	let power = u32::from_le_bytes(power);
	read_layout(input, power, power, Compression::Uncompressed)
}

/// Reads the first `2^power` powers of a Zcash powers-of-tau file for BLS12-381 with
/// `2^source_power` powers: the leading hash, then the accumulator (a challenge file is
/// uncompressed; a response is compressed and ends with its contributor's public key, which is
/// not read). Returns the accumulator and the leading hash. The caller hashes the whole file to
/// name it, and checks the accumulator with [`super::phase1::check_powers`].
pub fn read_powersoftau<R: Read>(
	input: &mut R,
	source_power: u32,
	power: u32,
	compression: Compression,
) -> Result<(Accumulator, [u8; POWERSOFTAU_HASH_LEN]), FormatError> {
	let mut hash = [0u8; POWERSOFTAU_HASH_LEN];
	input.read_exact(&mut hash)?;
	Ok((read_layout(input, source_power, power, compression)?, hash))
}

/// Writes `accumulator` as a Zcash powers-of-tau file would hold it, after `hash`: what the
/// tests make to import, since a real transcript is gigabytes.
pub fn write_powersoftau<W: Write>(
	accumulator: &Accumulator,
	hash: &[u8; POWERSOFTAU_HASH_LEN],
	compression: Compression,
	out: &mut W,
) -> io::Result<()> {
	out.write_all(hash)?;
	write_layout(accumulator, compression, out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::ceremony::phase1;
	use rand_chacha::ChaCha20Rng;
	use rand_core_010::SeedableRng;

	fn contributed(power: u32) -> Accumulator {
		let mut accumulator = Accumulator::new(power);
		phase1::contribute(&mut accumulator, &[], &mut ChaCha20Rng::from_seed([3; 32]), &|_| {});
		accumulator
	}

	#[test]
	fn an_accumulator_file_reads_back_and_a_corrupted_point_is_named() {
		let accumulator = contributed(4);
		let mut bytes = Vec::new();
		write_accumulator(&accumulator, &mut bytes).unwrap();
		assert_eq!(read_accumulator(&mut bytes.as_slice()).unwrap(), accumulator);

		// A point off the curve: the y coordinate of α·τ^2·G1 changed.
		let at = 20 + (31 + 2) * 96 + 16 * 192 + 95;
		let mut bad = bytes.clone();
		bad[at] ^= 1;
		assert!(matches!(
			read_accumulator(&mut bad.as_slice()),
			Err(FormatError::Point { series: "alpha powers", index: 2 })
		));
		// A point of the curve outside the prime-order subgroup (the attack on a contributor's
		// secret): a torsion point replaces τ·G1.
		let torsion = small_order_g1();
		let mut bad = bytes.clone();
		bad[20 + 96..20 + 192].copy_from_slice(&torsion.to_uncompressed());
		assert!(matches!(
			read_accumulator(&mut bad.as_slice()),
			Err(FormatError::Point { series: "powers of tau in G1", index: 1 })
		));
		assert!(matches!(read_accumulator(&mut &bytes[..bytes.len() - 1]), Err(FormatError::Io(_))));
		assert!(matches!(read_accumulator(&mut &b"powersoftau....."[..]), Err(FormatError::Io(_)) | Err(FormatError::NotAnAccumulator)));
	}

	/// A point of the curve that is not in the prime-order subgroup: `x = 0` has no such point,
	/// so walk `x` up until `x³ + 4` is a square, and keep the first point the subgroup check
	/// refuses (almost every point of the curve is outside it: the cofactor is large).
	fn small_order_g1() -> G1Affine {
		for x in 1u8..=255 {
			let mut candidate = [0u8; 48];
			candidate[0] = 0x80; // compressed, not infinity
			candidate[47] = x;
			if let Some(point) = Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&candidate)) {
				if !bool::from(point.is_torsion_free()) {
					return point;
				}
			}
		}
		unreachable!("some small x gives a point outside the subgroup")
	}

	#[test]
	fn a_larger_powersoftau_file_imports_as_its_prefix_in_both_compressions() {
		let large = contributed(5);
		for compression in [Compression::Uncompressed, Compression::Compressed] {
			let mut file = Vec::new();
			write_powersoftau(&large, &[7; 64], compression, &mut file).unwrap();
			let (small, hash) = read_powersoftau(&mut file.as_slice(), 5, 3, compression).unwrap();
			assert_eq!(hash, [7; 64]);
			assert_eq!(small.tau_g1[..], large.tau_g1[..15]);
			assert_eq!(small.tau_g2[..], large.tau_g2[..8]);
			assert_eq!(small.alpha_tau_g1[..], large.alpha_tau_g1[..8]);
			assert_eq!(small.beta_tau_g1[..], large.beta_tau_g1[..8]);
			assert_eq!(small.beta_g2, large.beta_g2);
			phase1::check_powers(&small, &mut ChaCha20Rng::from_seed([4; 32])).unwrap();
		}
		let mut file = Vec::new();
		write_powersoftau(&large, &[7; 64], Compression::Compressed, &mut file).unwrap();
		assert!(matches!(
			read_powersoftau(&mut file.as_slice(), 5, 6, Compression::Compressed),
			Err(FormatError::SourceTooSmall { source_power: 5, power: 6 })
		));
		// The wrong source size misaligns the series: a point fails, or the file ends early.
		assert!(read_powersoftau(&mut file.as_slice(), 4, 3, Compression::Compressed).map_or(true, |(a, _)| {
			phase1::check_powers(&a, &mut ChaCha20Rng::from_seed([4; 32])).is_err()
		}));
	}
}
