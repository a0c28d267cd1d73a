#!/usr/bin/env python3
"""Cross-checks `eservqual report` against the independent reference implementation of the
scoring spec (shared/data/make_vectors.py, numpy + scipy) on synthetic files the project has
not tuned for: every instrument and format, hundreds of respondents with N/A answers,
half-answered dimensions, straight-liners, inverted zones and weight totals other than 100.
The same rows are also written as JSONL payloads, whose report must equal the CSV's.

Usage: scripts/crosscheck.py [PATH-TO-eservqual]   (default target/debug/eservqual)
Prints one line per check and closes with "N passed, N failed"; exits 1 on any failure.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = next(p for p in (ROOT / "shared/data", ROOT.parent / "shared/data") if (p / "make_vectors.py").is_file())
sys.path.insert(0, str(DATA))
import make_vectors as ref  # noqa: E402  (the reference implementation, not project code)

SCALES = {"e-s-qual": (1, 5), "e-recs-qual": (1, 5), "servqual": (1, 7)}
FIELDS = {"perception": ["p"], "gap": ["p", "e"], "zone": ["p", "min", "des"]}
RECOVERY = [c for cs in ref.dims_of("e-recs-qual").values() for c in cs]
CASES = [  # instrument, format, respondents, seed
    ("e-s-qual", "perception", 400, 11),
    ("e-s-qual", "gap", 300, 12),
    ("e-s-qual", "zone", 300, 13),
    ("servqual", "gap", 500, 14),
    ("servqual", "perception", 300, 15),
    ("servqual", "zone", 400, 16),
    ("e-recs-qual", "perception", 250, 17),
]


def close(a, e):
    return abs(a - e) <= 1e-9 * max(1.0, abs(e))


def diff(actual, expected, path, out):
    """Every key of `expected` in `actual`, numbers within tolerance, null for null."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if actual != expected:
            out.append(f"{path}: {actual!r} != {expected!r}")
    elif isinstance(expected, (int, float)):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool) or not close(actual, expected):
            out.append(f"{path}: {actual!r} != {expected!r}")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            out.append(f"{path}: {actual!r} is not an object")
            return
        for k, v in expected.items():
            if k not in actual:
                out.append(f"{path}.{k}: missing")
            else:
                diff(actual[k], v, f"{path}.{k}", out)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append(f"{path}: {actual!r} != {expected!r}")
            return
        for i, (a, e) in enumerate(zip(actual, expected)):
            diff(a, e, f"{path}[{i}]", out)


def run(binary, *args):
    done = subprocess.run([binary, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"eservqual {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def num(v):
    return None if v is None else int(v)


def respondent(inst, fmt, row):
    """The reference's inputs for one CSV row."""
    D = ref.dims_of(inst)
    ans = {c: {f: num(row.get(f"{c}.{f}")) for f in FIELDS[fmt]} for cs in D.values() for c in cs}
    weights = {d: float(row[f"weight.{d}"]) for d in D} if row.get(f"weight.{next(iter(D))}") is not None else None
    outcomes = {"nps": num(row.get("nps"))}
    recovery = None
    if inst == "e-s-qual" and any(row.get(f"recovery.{c}") is not None for c in RECOVERY):
        recovery = {c: {"p": num(row.get(f"recovery.{c}"))} for c in RECOVERY}
    return ans, weights, outcomes, recovery


def payload(inst, fmt, row, ans, weights, recovery):
    """The same row as an eservqual.response/1 payload."""
    lo, hi = (1, 9) if fmt == "zone" else SCALES[inst]
    outcomes = {k: num(row.get(k)) for k in ("nps", "csat", "ces", "satisfaction")}
    for key, n in (("value", 4), ("loyalty", 5)):
        cells = [num(row.get(f"{key}{i}")) for i in range(1, n + 1)]
        if any(c is not None for c in cells):
            outcomes[key] = cells
    p = {
        "schema": "eservqual.response/1",
        "id": row["id"],
        "instrument": {"id": inst, "version": "1", "format": fmt},
        "scale": {"min": lo, "max": hi},
        "locale": "en",
        "submitted_at": row["submitted_at"],
        "answers": ans,
        "outcomes": outcomes,
        "scores": {},
        "sdk": {"name": "eservqual", "version": "0.1.0"},
    }
    if inst == "e-s-qual":
        p["recovery"] = recovery
    if weights is not None:
        p["weights"] = weights
    return p


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target/debug/eservqual")
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for inst, fmt, n, seed in CASES:
            csv_path = Path(tmp) / f"{inst}-{fmt}.csv"
            run(binary, "sample", "--instrument", inst, "--format", fmt, "--respondents", str(n),
                "--seed", str(seed), "--out", str(csv_path))
            rows = ref.read_wide(csv_path)
            lo, hi = (1, 9) if fmt == "zone" else SCALES[inst]
            scores, payloads = [], []
            for row in rows:
                ans, weights, outcomes, recovery = respondent(inst, fmt, row)
                scores.append(ref.score_respondent(inst, fmt, (lo, hi), ans, weights, outcomes, recovery))
                payloads.append(payload(inst, fmt, row, ans, weights, recovery))
            expected = ref.report(inst, fmt, rows, scores)
            if inst == "e-s-qual":
                given = [s["recovery"] for s in scores if s["recovery"] is not None]
                expected["recovery"] = {d: {"p": ref.stats([g["dimensions"][d]["p"] for g in given])}
                                        for d in ref.dims_of("e-recs-qual")}
            ours = json.loads(run(binary, "report", "--instrument", inst, "--format", fmt, str(csv_path)))

            jsonl_path = Path(tmp) / f"{inst}-{fmt}.jsonl"
            jsonl_path.write_text("".join(json.dumps(p) + "\n" for p in payloads))
            from_jsonl = json.loads(run(binary, "report", "--instrument", inst, "--format", fmt, str(jsonl_path)))

            for what, actual, want in (("csv vs reference", ours, expected), ("jsonl vs csv", from_jsonl, ours)):
                out = []
                diff(actual, want, "$", out)
                name = f"{inst} {fmt} n={n}: {what}"
                if out:
                    failed += 1
                    print(f"FAIL {name}: {len(out)} differences")
                    for line in out[:20]:
                        print(f"     {line}")
                else:
                    passed += 1
                    print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
