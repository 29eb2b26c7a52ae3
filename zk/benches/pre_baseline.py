#!/usr/bin/env python3
"""The holder's cost in a proxy re-encryption scheme in the manner of Huang et al. 2020 (the
paper's reference [24]), for figure 2: umbral-pre (threshold proxy re-encryption on secp256k1),
an external baseline that is not linked into MedShare.

For k = 100, 300, 500 and 700 health indicators, stored as key-value pairs ("8310-5=36.9"),
one run times the five steps the paper counts for [24] (section 6.2):
  key initialisation   the holder's key pair and signing key,
  data encryption      each indicator's pair encrypted under the holder's key (k capsules),
  re-encryption key    one key fragment for the institution (threshold 1 of 1),
  re-encryption        each capsule re-encrypted towards the institution,
  decryption           each re-encrypted pair decrypted.
The institution's key pair is made outside the timed region.

Prints one JSON object, {"k": {"mean": s, "median": s, "runs": n}}, to stdout.
Installs umbral-pre with pip if it is missing.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

SWEEP = (100, 300, 500, 700)


def ensure_modules():
    try:
        import umbral_pre  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "umbral-pre"])


def holder(k):
    """Seconds the holder's steps take for k indicators."""
    import umbral_pre as umbral

    institution = umbral.SecretKey.random()
    records = [f"{10000 + i}-{i % 10}={36 + (i % 50) / 10:.1f}".encode() for i in range(k)]
    start = time.perf_counter()
    holder_key = umbral.SecretKey.random()
    holder_public = holder_key.public_key()
    signer = umbral.Signer(umbral.SecretKey.random())
    encrypted = [umbral.encrypt(holder_public, record) for record in records]
    kfrag = umbral.generate_kfrags(
        delegating_sk=holder_key,
        receiving_pk=institution.public_key(),
        signer=signer,
        threshold=1,
        shares=1,
        sign_delegating_key=True,
        sign_receiving_key=True,
    )[0]
    cfrags = [umbral.reencrypt(capsule=capsule, kfrag=kfrag) for capsule, _ in encrypted]
    opened = [
        umbral.decrypt_reencrypted(
            receiving_sk=institution,
            delegating_pk=holder_public,
            capsule=capsule,
            verified_cfrags=[cfrag],
            ciphertext=ciphertext,
        )
        for (capsule, ciphertext), cfrag in zip(encrypted, cfrags)
    ]
    elapsed = time.perf_counter() - start
    assert opened == records, "the round trip must give the records back"
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per size (default 10)")
    args = parser.parse_args()
    ensure_modules()
    holder(10)  # warm-up
    out = {}
    for k in SWEEP:
        times = [holder(k) for _ in range(args.runs)]
        out[str(k)] = {"mean": statistics.mean(times), "median": statistics.median(times), "runs": args.runs}
        print(f"[pre-baseline] {k} indicators: median {out[str(k)]['median'] * 1e3:.1f} ms", file=sys.stderr)
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
