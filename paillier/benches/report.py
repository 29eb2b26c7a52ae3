#!/usr/bin/env python3
"""Markdown ratio table from criterion's estimates and the python-phe baseline's JSON.

Usage: report.py OUT_DIR, where OUT_DIR holds criterion/ (default build), optionally
criterion-portable/ (MEDSHARE_PAILLIER_NO_SIMD=1) and phe.json (benches/phe_baseline.py).
"""

import json
import os
import platform
import sys

SWEEP = (100, 300, 500, 700)


def criterion(root, *path):
    """Seconds per iteration of one criterion benchmark (criterion's own typical estimate: the
    slope for linearly sampled benchmarks, the mean for flat-sampled ones), or None."""
    f = os.path.join(root, *path, "new", "estimates.json")
    try:
        with open(f) as fh:
            estimates = json.load(fh)
    except FileNotFoundError:
        return None
    typical = estimates.get("slope") or estimates["mean"]
    return typical["point_estimate"] / 1e9


def fmt(seconds):
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def ratio(ours, theirs):
    return f"{theirs / ours:.2f}x" if ours and theirs else "-"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    out = sys.argv[1]
    fast_dir = os.path.join(out, "criterion")
    portable_dir = os.path.join(out, "criterion-portable")
    with open(os.path.join(out, "phe.json")) as fh:
        phe = json.load(fh)
    ops = {k: v["mean"] for k, v in phe["ops"].items()}
    pipe = {int(k): v["mean"] for k, v in phe["holder_pipeline"].items()}

    rows, verdicts = [], []

    def row(name, path, theirs=None, target=None, check=None):
        fast = criterion(fast_dir, *path)
        port = criterion(portable_dir, *path)
        cells = [name, fmt(fast), fmt(port), fmt(theirs), ratio(fast, theirs), ratio(port, theirs)]
        verdict = ""
        if check is not None:
            parts = []
            for label, ours in (("IFMA", fast), ("portable", port)):
                if ours is not None:
                    ok = check(ours, theirs)
                    parts.append(f"{label} {'met' if ok else 'MISSED'}")
                    verdicts.append((f"{name} ({label})", ok))
            verdict = ", ".join(parts)
        cells.append(f"{target}: {verdict}" if target else "")
        rows.append("| " + " | ".join(cells) + " |")

    faster = lambda factor: (lambda o, t: t is not None and t / o >= factor)  # noqa: E731
    row("key generation", ("keygen_2048", "keygen"), ops.get("keygen"))
    row("encryption, public key", ("ops_2048", "encrypt_public"), ops.get("encrypt_public"))
    row("encryption by the key holder vs phe's encryption", ("ops_2048", "encrypt_holder"), ops.get("encrypt_public"),
        ">= 1.5x", faster(1.5))
    row("decryption", ("ops_2048", "decrypt"), ops.get("decrypt"),
        "<= 1.3x phe's time", lambda o, t: t is not None and o <= 1.3 * t)
    row("addition", ("ops_2048", "add"), ops.get("add"))
    row("scalar multiplication (64-bit scalar)", ("ops_2048", "mul_scalar"), ops.get("mul_scalar"))
    row("re-randomisation by the key holder", ("ops_2048", "rerandomize_holder"))
    for k in SWEEP:
        target = (">= 4x", faster(4)) if k == 700 else (None, None)
        row(f"holder pipeline, {k} indicators", ("holder_pipeline", str(k)), pipe.get(k), *target)
    for k in SWEEP:
        target = ("< 5 s", lambda o, t: o < 5) if k == 700 else (None, None)
        row(f"institution side, {k} indicators", ("institution", str(k)), None, *target)
    for name, bench in [
        ("key generation", ("keygen_3072", "keygen")),
        ("encryption, public key", ("ops_3072", "encrypt_public")),
        ("encryption by the key holder", ("ops_3072", "encrypt_holder")),
        ("decryption", ("ops_3072", "decrypt")),
        ("addition", ("ops_3072", "add")),
        ("scalar multiplication (64-bit scalar)", ("ops_3072", "mul_scalar")),
    ]:
        row(f"3072-bit {name}", bench)

    print(f"{cpu_model()}, {os.cpu_count()} cores. medshare-paillier: criterion estimates, with AVX-512 IFMA "
          "(default on this CPU) and portable (`MEDSHARE_PAILLIER_NO_SIMD=1`); baseline: python-phe "
          f"{phe['phe']} on gmpy2 {phe['gmpy2']} ({phe['gmp']}), Python {phe['python']}, means.")
    print()
    print("| operation (2048-bit unless noted) | ours, IFMA | ours, portable | python-phe | phe / ours (IFMA) "
          "| phe / ours (portable) | target |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)
    print()
    for name, ok in verdicts:
        print(f"- {'met' if ok else 'MISSED'}: {name}")
    try:
        with open(os.path.join(out, "interference.json")) as fh:
            phases = json.load(fh)
    except FileNotFoundError:
        phases = []
    if phases:
        print()
        print("CPU used by other processes during each phase (share of both cores; attempts): " + "; ".join(
            f"{p['phase']} {100 * p['other_share']:.1f} % ({p.get('attempts', 1)})" for p in phases) + ".")
        if any(p["other_share"] > 0.05 for p in phases):
            print("WARNING: the machine was busy during this run; repeat it on a quiet machine.")


if __name__ == "__main__":
    main()
