#!/usr/bin/env python3
"""Baseline for the medshare-paillier benchmarks: python-phe on gmpy2 (GMP), 2048-bit keys.

Times the same single operations as `benches/paillier.rs` (key generation, public-key
encryption, decryption, addition, multiplication by a 64-bit scalar) and the same holder
pipeline for 100/300/500/700 indicators: key generation, encryption of the k values,
decryption of the 2 ceil(k/8) comparison outputs (an alpha and a beta output per group of 8
indicators) and reading of their 244-bit slots,
encryption of the packed result set under another public key. The packed comparison
ciphertexts are built outside the timed region, as the Rust benchmark does.

Prints one JSON object (seconds per operation: mean and median) to stdout.
Installs phe and gmpy2 with pip if they are missing.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import time


def ensure_modules():
    try:
        import gmpy2  # noqa: F401
        import phe  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "phe", "gmpy2"])


ensure_modules()

import gmpy2  # noqa: E402
import phe  # noqa: E402
from phe import paillier  # noqa: E402
from phe import util as phe_util  # noqa: E402

BITS = 2048
SLOT_BITS = 244
SLOTS_PER_CIPHERTEXT = (BITS - 2) // SLOT_BITS  # 8
VALUE_BOUND = 1 << 242
OFFSET = 1 << (SLOT_BITS - 1)
SCALAR = 0xB7E151628AED2A6B  # the 64-bit scalar of the Rust benchmark
SWEEP = (100, 300, 500, 700)


def timed(fn, reps):
    """Per-call durations of `reps` calls."""
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def summary(samples):
    return {"mean": statistics.fmean(samples), "median": statistics.median(samples), "samples": len(samples)}


def single_operations(reps):
    pk, sk = paillier.generate_paillier_keypair(n_length=BITS)
    c1 = pk.encrypt(123456789)
    c2 = pk.encrypt(987654321)
    return {
        "keygen": summary(timed(lambda: paillier.generate_paillier_keypair(n_length=BITS), reps["keygen"])),
        "encrypt_public": summary(timed(lambda: pk.encrypt(123456789), reps["encrypt"])),
        "decrypt": summary(timed(lambda: sk.decrypt(c1), reps["decrypt"])),
        "add": summary(timed(lambda: c1 + c2, reps["add"])),
        "mul_scalar": summary(timed(lambda: c1 * SCALAR, reps["mul"])),
    }


def packed_comparison(pk, k):
    """2 ceil(k/8) outputs (alpha, beta per group of 8 indicators), as the institution sends."""
    out = []
    for start in range(0, k, SLOTS_PER_CIPHERTEXT):
        used = min(SLOTS_PER_CIPHERTEXT, k - start)
        for _ in ("alpha", "beta"):
            plain = 0
            for s in range(used):
                x = random.randrange(-(1 << 96) + 1, 1 << 96)
                plain |= (x + OFFSET) << (SLOT_BITS * s)
            out.append(pk.encrypt(plain))
    return out


def holder_pipeline(k, institution_pk):
    """Seconds of the holder's work for k indicators (the institution's step is not timed)."""
    values = [3000 + (i * 7919) % 2000 for i in range(k)]

    start = time.perf_counter()
    pk, sk = paillier.generate_paillier_keypair(n_length=BITS)
    encrypted = [pk.encrypt(v) for v in values]
    first = time.perf_counter() - start

    packed = packed_comparison(pk, k)  # the institution's step, outside the timed region

    start = time.perf_counter()
    mask = (1 << SLOT_BITS) - 1
    outcomes = []
    for group in range(0, len(packed), 2):
        alpha_plain, beta_plain = sk.decrypt(packed[group]), sk.decrypt(packed[group + 1])
        used = min(SLOTS_PER_CIPHERTEXT, k - (group // 2) * SLOTS_PER_CIPHERTEXT)
        for s in range(used):
            alpha = ((alpha_plain >> (SLOT_BITS * s)) & mask) - OFFSET
            beta = ((beta_plain >> (SLOT_BITS * s)) & mask) - OFFSET
            if abs(alpha) >= VALUE_BOUND or abs(beta) >= VALUE_BOUND:
                raise ValueError("slot out of range")
            outcomes.append(-1 if alpha < 0 else (1 if beta < 0 else 0))
    result = 0
    for i, t in enumerate(outcomes):
        result |= (t + 1) << (2 * i)
    institution_pk.encrypt(result)
    second = time.perf_counter() - start
    assert len(encrypted) == k and len(outcomes) == k
    return first + second


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipeline-reps", type=int, default=3, help="runs of each pipeline size")
    parser.add_argument("--quick", action="store_true", help="few repetitions (smoke test)")
    args = parser.parse_args()
    if not phe_util.HAVE_GMP:
        sys.exit("python-phe is not using gmpy2; the baseline would be meaningless")

    reps = {"keygen": 10, "encrypt": 40, "decrypt": 200, "add": 2000, "mul": 300}
    pipeline_reps = args.pipeline_reps
    sweep = SWEEP
    if args.quick:
        reps = {"keygen": 2, "encrypt": 5, "decrypt": 5, "add": 20, "mul": 5}
        pipeline_reps = 1
        sweep = (100,)

    ops = single_operations(reps)
    institution_pk, _ = paillier.generate_paillier_keypair(n_length=BITS)
    pipeline = {str(k): summary([holder_pipeline(k, institution_pk) for _ in range(pipeline_reps)]) for k in sweep}
    print(
        json.dumps(
            {
                "bits": BITS,
                "python": sys.version.split()[0],
                "phe": getattr(phe, "__version__", "unknown"),
                "gmpy2": gmpy2.version(),
                "gmp": gmpy2.mp_version(),
                "ops": ops,
                "holder_pipeline": pipeline,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
