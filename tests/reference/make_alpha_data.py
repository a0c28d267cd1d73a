#!/usr/bin/env python3
"""Writes the project's own data for the Cronbach's alpha tests (core/tests/alpha.rs):

  tests/data/alpha_multiscale.csv   synthetic respondents (seeded, no real people) answering six
                                    scales of 2 to 7 items, on 1–7 or 1–10, with a few missing
                                    cells (empty);
  tests/data/alpha_references.json  their reference numbers from the reference implementation
                                    (tests/reference/eservqual_ref.py: raw alpha by pingouin,
                                    checked against the formula), and pingouin's two example data
                                    sets, read from the installed pingouin package.

Usage: make_alpha_data.py           rewrite both files
       make_alpha_data.py --check   recompute the references from the CSV and compare them with
                                    the JSON (exit 1 on a difference); writes nothing
"""

import argparse
import csv
import importlib.util
import io
import json
import math
import os
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eservqual_ref as ref  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
CSV_PATH = ROOT / "tests/data/alpha_multiscale.csv"
JSON_PATH = ROOT / "tests/data/alpha_references.json"
SEED = 20261204
RESPONDENTS = 320
# code, items, scale maximum (minimum 1), loading of each item on the scale's factor
SCALES = [
    ("TRU", 2, 7, 0.8),
    ("EAS", 3, 10, 0.7),
    ("SPD", 4, 7, 0.55),
    ("VAL", 5, 10, 0.65),
    ("SUP", 6, 7, 0.45),
    ("LOY", 7, 10, 0.6),
]
MISSING_SHARE = 0.012
PAIRWISE_SCALE = "SUP"  # the scale also given with pairwise deletion
CORRELATION_SCALE = "VAL"  # the scale whose correlation matrix is written out
# Published figures of pingouin.cronbach_alpha's docstring (pingouin 0.7.0).
PINGOUIN_LONG = 0.5917188485995826
PINGOUIN_MISSING_LISTWISE = 0.8016949152542373
PINGOUIN_MISSING_PAIRWISE = 0.732660835214447


def generate():
    """The CSV text: a general level per respondent, a factor per scale, item noise."""
    rng = random.Random(SEED)
    header = ["id"] + [f"{code}{i}" for code, k, _, _ in SCALES for i in range(1, k + 1)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for r in range(1, RESPONDENTS + 1):
        general = rng.gauss(0, 1)
        row = [f"a{r:03d}"]
        for _, k, top, loading in SCALES:
            factor = 0.5 * general + math.sqrt(0.75) * rng.gauss(0, 1)
            centre = 1 + (top - 1) * 0.62
            spread = (top - 1) / 5
            for _ in range(k):
                x = centre + spread * (loading * factor + math.sqrt(1 - loading**2) * rng.gauss(0, 1))
                x = min(top, max(1, round(x)))
                row.append("" if rng.random() < MISSING_SHARE else str(x))
        writer.writerow(row)
    return out.getvalue()


def read_table(path):
    """Header names and rows of numbers (None for an empty cell and for text such as the id);
    strips a byte-order mark."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))

    def parse(c):
        try:
            return float(c)
        except ValueError:
            return None

    return rows[0], [[parse(c) for c in r] for r in rows[1:] if r]


def columns(header, rows, names):
    idx = [header.index(n) for n in names]
    return [[r[i] for i in idx] for r in rows]


def pingouin_datasets():
    """pingouin's data set folder, without importing pingouin."""
    spec = importlib.util.find_spec("pingouin")
    if spec is None:
        sys.exit("pingouin is not installed: scripts/setup.sh (or python3 -m pip install pingouin==0.7.0)")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets"


def references(csv_path=CSV_PATH):
    header, rows = read_table(csv_path)
    out = {"note": "see tests/data/README.md; regenerate with tests/reference/make_alpha_data.py"}
    multi = {}
    for code, k, _, _ in SCALES:
        names = [f"{code}{i}" for i in range(1, k + 1)]
        alpha, items = ref.cronbach(columns(header, rows, names))
        multi[code] = dict(alpha, items=dict(zip(names, items)))
    out["multiscale"] = multi
    names = [f"{PAIRWISE_SCALE}{i}" for i in range(1, dict((c, k) for c, k, _, _ in SCALES)[PAIRWISE_SCALE] + 1)]
    out["multiscale_pairwise"] = {PAIRWISE_SCALE: ref.cronbach_pairwise(columns(header, rows, names))}

    k = dict((c, k) for c, k, _, _ in SCALES)[CORRELATION_SCALE]
    names = [f"{CORRELATION_SCALE}{i}" for i in range(1, k + 1)]
    complete = [r for r in columns(header, rows, names) if all(v is not None for v in r)]
    corr = np.corrcoef(np.array(complete), rowvar=False)
    std = ref.alpha_from_correlations(corr)
    out["multiscale_correlations"] = {
        "scale": CORRELATION_SCALE,
        "k": k,
        "n": len(complete),
        "r": corr.tolist(),
        "std": std,
        "ci95": ref.feldt_ci95(std, len(complete), k),
    }

    folder = pingouin_datasets()
    with open(folder / "cronbach_alpha.csv", newline="", encoding="utf-8-sig") as f:  # Subj, Items, Scores
        long = list(csv.reader(f))[1:]
    subjects = sorted({int(r[0]) for r in long})
    wide = {s: [None] * 10 for s in subjects}
    for s, q, v in long:
        wide[int(s)][int(q[1:]) - 1] = float(v)
    alpha, _ = ref.cronbach([wide[s] for s in subjects])
    assert abs(alpha["raw"] - PINGOUIN_LONG) <= 1e-15, alpha
    out["pingouin_cronbach_alpha"] = alpha
    _, missing = read_table(folder / "cronbach_wide_missing.csv")
    alpha, _ = ref.cronbach(missing)
    assert abs(alpha["raw"] - PINGOUIN_MISSING_LISTWISE) <= 1e-15, alpha
    pairwise = ref.cronbach_pairwise(missing)
    assert abs(pairwise - PINGOUIN_MISSING_PAIRWISE) <= 1e-15, pairwise
    out["pingouin_cronbach_wide_missing"] = {"listwise": alpha, "pairwise": pairwise}
    return out


def differences(actual, expected, path="$"):
    if isinstance(expected, dict):
        out = [f"{path}.{k}: missing" for k in expected if k not in actual]
        for k in expected:
            if k in actual:
                out += differences(actual[k], expected[k], f"{path}.{k}")
        return out + [f"{path}.{k}: not expected" for k in actual if k not in expected]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: {actual!r} != {expected!r}"]
        return [d for i, (a, e) in enumerate(zip(actual, expected)) for d in differences(a, e, f"{path}[{i}]")]
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        ok = abs(actual - expected) <= 1e-9 * max(1.0, abs(expected))
        return [] if ok else [f"{path}: {actual!r} != {expected!r}"]
    return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        problems = differences(references(), json.loads(JSON_PATH.read_text(encoding="utf-8")))
        if generate() != CSV_PATH.read_text(encoding="utf-8"):
            problems.append(f"{CSV_PATH.name}: the seeded generator now writes another file")
        for p in problems:
            print(p)
        return 1 if problems else 0
    CSV_PATH.write_text(generate(), encoding="utf-8")
    JSON_PATH.write_text(json.dumps(references(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {os.path.relpath(CSV_PATH)} and {os.path.relpath(JSON_PATH)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
