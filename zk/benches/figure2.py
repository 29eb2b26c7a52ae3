#!/usr/bin/env python3
"""Figure 2 of the paper, redrawn from one run: the holder's computation cost against the
number of health indicators, MedShare (criterion's estimates of benches/holder_cost.rs) against
the proxy re-encryption baseline (pre.json from benches/pre_baseline.py).

Usage: figure2.py OUT_DIR FIGURE.png, where OUT_DIR holds criterion/ and pre.json. Prints a
Markdown table for docs/PERFORMANCE.md; installs matplotlib with pip if it is missing.
"""

import json
import os
import subprocess
import sys

SWEEP = (100, 300, 500, 700)
SERIES = (
    ("paper_steps", "MedShare, the paper's steps (keys, encryption, decryption and conversion, result)", "o-"),
    ("with_eligibility", "MedShare with eligibility proving (Groth16)", "s-"),
    ("version_2", "MedShare version 2 (also Pi^mod, Pi^prm, Pi^link)", "^-"),
)
BASELINE = "Proxy re-encryption in the manner of Huang et al. 2020 (umbral-pre)"


def criterion_mean(root, name, k):
    path = os.path.join(root, "holder_cost", name, str(k), "new", "estimates.json")
    with open(path) as fh:
        return json.load(fh)["mean"]["point_estimate"] / 1e9


def main():
    out, figure = sys.argv[1], sys.argv[2]
    criterion = os.path.join(out, "criterion")
    ours = {name: [criterion_mean(criterion, name, k) for k in SWEEP] for name, _, _ in SERIES}
    with open(os.path.join(out, "pre.json")) as fh:
        pre = json.load(fh)
    baseline = [pre[str(k)]["mean"] for k in SWEEP]

    print("| indicators | " + " | ".join(n for n, _, _ in SERIES) + " | proxy re-encryption | " + " | ".join(f"{n} / PRE" for n, _, _ in SERIES) + " |")
    print("|---" * (2 + 2 * len(SERIES)) + "|")
    for i, k in enumerate(SWEEP):
        cells = [f"{ours[n][i]:.2f} s" for n, _, _ in SERIES] + [f"{baseline[i]:.3f} s"]
        cells += [f"{ours[n][i] / baseline[i]:.1f}x" for n, _, _ in SERIES]
        print(f"| {k} | " + " | ".join(cells) + " |")

    try:
        import matplotlib
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "matplotlib"])
        import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5), dpi=120)
    for name, label, style in SERIES:
        ax.plot(SWEEP, ours[name], style, label=label)
    ax.plot(SWEEP, baseline, "x--", color="black", label=BASELINE)
    ax.set_yscale("log")
    # The paper's axes: number of health indicators (items), computation cost.
    ax.set_xlabel("Number of health indicators (items)")
    ax.set_ylabel("Computation cost of the data holder (s, log scale)")
    ax.set_xticks(SWEEP)
    ax.set_title("Figure 2: the data holder's computation cost")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper left")
    fig.tight_layout()
    # No timestamp in the file, so that an unchanged figure stays byte-identical.
    fig.savefig(figure, metadata={"Software": None})
    print(f"\nfigure written to {figure}", file=sys.stderr)


if __name__ == "__main__":
    main()
