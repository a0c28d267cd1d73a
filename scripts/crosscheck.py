#!/usr/bin/env python3
"""Cross-checks the Rust core against the project's reference implementation of the scoring
rules (tests/reference/eservqual_ref.py: numpy, scipy, pingouin; none of the core's code).

1. The comparison itself can fail: one number of a real report moved by 1e-6 is reported,
   at exactly its path and nowhere else.
2. The reference against the vectors in tests/data: the report, the per-respondent scores and
   the numbers outside the contract of servqual_5resp, the two single payloads (scores and
   display values), the Kano example, and the alphas of alpha_references.json.
3. `eservqual report` on servqual_5resp.csv against its expected file, and `eservqual kano`.
4. `eservqual report` against the reference on synthetic files the project has not tuned for:
   every instrument and format, hundreds of respondents with N/A answers, half-answered
   dimensions, straight-liners, inverted zones, weight totals other than 100, a deployment
   with a dimension switched off, custom instruments with reverse-keyed items. Both ways: every number of the reference in the report, and
   no key in the report that the reference lacks. The same rows as JSONL payloads must give
   the report of the CSV. Then small files at the edges: one respondent, zero variances, a
   respondent who answered nothing, a single payload.
5. The collector (`eservqual serve`) on those payloads: each carries the reference's scores,
   which the collector re-scores and must accept as equal (per-respondent scores), and its
   report endpoint must give the reference's report.
6. Comparisons (docs/scoring.md §8) on generated two-period files with times in UTC, with a
   +02:00 offset and as dates alone: a planted rise, no change, a planted drop (zone); the
   `compare` block of `report --from --to --compare` against the reference's scipy/statsmodels
   tests to 1e-9 and the verdicts; `--by meta.KEY` segments (CSV columns and payloads' meta,
   a small segment flagged) against the reference; errors naming the flag.

Usage: scripts/crosscheck.py [--perturb] [PATH-TO-eservqual]   (default target/debug/eservqual)
  --perturb   moves one number of every report the binary prints by 1e-6 before it is
              compared, to watch the crosscheck fail.
Prints one line per check and closes with "N passed, N failed"; exits 1 on any failure.
"""

import copy
import datetime
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests/data"
sys.path.insert(0, str(ROOT / "tests/reference"))
import eservqual_ref as ref  # noqa: E402

CASES = [  # instrument, format, respondents, seed, dimension set (None = all)
    ("e-s-qual", "perception", 400, 11, None),
    ("e-s-qual", "gap", 300, 12, None),
    ("e-s-qual", "zone", 300, 13, None),
    ("servqual", "gap", 500, 14, None),
    ("servqual", "perception", 300, 15, None),
    ("servqual", "zone", 400, 16, None),
    ("e-recs-qual", "perception", 250, 17, None),
    ("e-s-qual", "perception", 200, 18, ["EFF", "SYS", "PRI"]),
    ("food-delivery-reversed", "perception", 300, 19, None),
    ("food-delivery-reversed", "gap", 300, 20, None),
    ("food-delivery-plain", "zone", 250, 21, None),
]
# Custom instruments made from schema/examples/custom-instrument.json: its items reverse-keyed
# where named (reversed items are not meant for the zone format).
CUSTOM = {"food-delivery-reversed": ["APP2", "DEL1", "FOOD3"], "food-delivery-plain": []}
PERTURB_PATH = ("dimensions", 0, "p", "mean")  # the first dimension's mean perception
PERTURBATION = 1e-6


def close(a, e):
    return abs(a - e) <= 1e-9 * max(1.0, abs(e))


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def diff(actual, expected, path="$", out=None, strict=False):
    """The paths where `actual` differs from `expected`: every key of `expected` must be in
    `actual`, numbers within 1e-9·max(1, |e|), `null` only for `null`. With `strict`, a key
    of `actual` that `expected` lacks is a difference too."""
    out = [] if out is None else out
    if is_number(expected):
        if not is_number(actual) or not close(actual, expected):
            out.append(f"{path}: {actual!r} != {expected!r}")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            out.append(f"{path}: {actual!r} is not an object")
            return out
        for k, v in expected.items():
            if k not in actual:
                out.append(f"{path}.{k}: missing")
            else:
                diff(actual[k], v, f"{path}.{k}", out, strict)
        if strict:
            out.extend(f"{path}.{k}: not in the reference" for k in actual if k not in expected)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append(f"{path}: {actual!r} != {expected!r}")
            return out
        for i, (a, e) in enumerate(zip(actual, expected)):
            diff(a, e, f"{path}[{i}]", out, strict)
    elif actual != expected or type(actual) is not type(expected):
        out.append(f"{path}: {actual!r} != {expected!r}")
    return out


def perturbed(report, path=PERTURB_PATH, by=PERTURBATION):
    """A copy of `report` with one number moved by `by` (a null made `by`), and its diff path."""
    out = copy.deepcopy(report)
    node, shown = out, "$"
    for step in path[:-1]:
        key = list(node)[step] if isinstance(step, int) else step
        node, shown = node[key], f"{shown}.{key}"
    node[path[-1]] = by if node[path[-1]] is None else node[path[-1]] + by  # null becomes a number
    return out, f"{shown}.{path[-1]}"


def without_labels(report):
    """`report` without its `labels` (display text, no numbers; the core's and the collector's
    tests check the text), here and in each segment's report. Left in, and so reported as not in
    the reference, when they do not name exactly the reported dimensions."""
    if not isinstance(report, dict):
        return report
    out = dict(report)
    codes = sorted(list(out.get("dimensions") or {}) + list(out.get("recovery") or {}))
    if isinstance(out.get("labels"), dict) and sorted(out["labels"]) == codes:
        del out["labels"]
    segments = out.get("segments")
    if isinstance(segments, dict) and isinstance(segments.get("values"), dict):
        values = {k: dict(v, report=without_labels(v.get("report"))) for k, v in segments["values"].items()}
        out["segments"] = dict(segments, values=values)
    return out


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def result(self, name, problems):
        if problems:
            self.failed += 1
            print(f"FAIL {name}: {len(problems)} differences")
            for line in problems[:20]:
                print(f"     {line}")
        else:
            self.passed += 1
            print(f"ok   {name}")

    def compare(self, name, actual, expected, strict=False):
        self.result(name, diff(actual, expected, strict=strict))


class Binary:
    def __init__(self, path, perturb):
        self.path, self.perturb = path, perturb

    def run(self, *args):
        done = subprocess.run([self.path, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"eservqual {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def report(self, *args):
        """`eservqual report ARGS` as JSON (with one number moved under --perturb)."""
        out = without_labels(json.loads(self.run("report", *args)))
        return perturbed(out)[0] if self.perturb else out


def load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def custom_instruments(tmp):
    """Writes the custom instruments of CUSTOM into `tmp` and loads them into the reference;
    returns {id: path}."""
    paths = {}
    for ident, reverse in CUSTOM.items():
        spec = json.loads((ROOT / "schema/examples/custom-instrument.json").read_text(encoding="utf-8"))
        spec["id"] = ident
        spec.pop("format", None)
        for dim in spec["dimensions"]:
            for item in dim["items"]:
                item.pop("reverse", None)
                if item["code"] in reverse:
                    item["reverse"] = True
        path = Path(tmp) / f"{ident}.json"
        path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        assert ref.load_instrument(path) == ident
        paths[ident] = str(path)
    return paths


INSTRUMENT_PATHS = {}  # custom instrument id -> its file, once written


def form_args(inst, fmt, dims):
    args = ["--instrument", INSTRUMENT_PATHS.get(inst, inst), "--format", fmt]
    return args + (["--dimensions", ",".join(dims)] if dims else [])


# --- 1. the comparison can fail ------------------------------------------------------------


def self_test(checks, binary):
    real = without_labels(
        json.loads(binary.run("report", *form_args("servqual", "gap", None), str(DATA / "servqual_5resp.csv"))))
    moved, path = perturbed(real)
    problems = []
    if diff(real, copy.deepcopy(real), strict=True):
        problems.append("a report differs from its own copy")
    found = diff(moved, real)
    if [line.split(":")[0] for line in found] != [path]:
        problems.append(f"moving {path} by {PERTURBATION} reported {found}, not exactly that path")
    found = diff(moved, real, strict=True)
    if [line.split(":")[0] for line in found] != [path]:
        problems.append(f"strict: moving {path} by {PERTURBATION} reported {found}")
    # Within the tolerance is equal; a string, a null and a missing key are differences.
    within, _ = perturbed(real, by=1e-10)
    if diff(within, real):
        problems.append("a difference of 1e-10 on a mean near 5 was reported")
    other = copy.deepcopy(real)
    other["weakest"] = "TAN" if real.get("weakest") != "TAN" else "REL"
    other["csat"]["mean"] = None
    del other["nps"]["score"]
    other["extra"] = 1
    found = sorted(line.split(":")[0] for line in diff(other, real, strict=True))
    if found != ["$.csat.mean", "$.extra", "$.nps.score", "$.weakest"]:
        problems.append(f"string, null, missing and extra keys reported as {found}")
    checks.result(f"self-test: {path} moved by {PERTURBATION} is reported at that path only", problems)


# --- 2. the reference against the vectors ---------------------------------------------------


def vectors(checks):
    csv_path = DATA / "servqual_5resp.csv"
    rows = ref.read_csv(csv_path, "servqual", "gap")
    rep = ref.report("servqual", "gap", rows)
    checks.compare("reference vs servqual_5resp.expected.json", rep, load("servqual_5resp.expected.json"))
    scores = {r["id"]: ref.score("servqual", "gap", r) for r in rows}
    checks.compare("reference vs servqual_5resp.respondents.json", scores, load("servqual_5resp.respondents.json"))

    extra = load("servqual_5resp.extra.json")
    dims = ref.dimensions("servqual")

    def matrix(items, kind):
        return [[ref.item_values("gap", r["answers"][i])[kind] for i in items] for r in rows]

    dim_gaps = [rep["dimensions"][d]["gap"]["mean"] for d in dims]
    stated = rep["ipa"]["stated_importance"]
    ours = {
        "class_counts": {k: rep["classes"][k] for k in ("dissatisfied", "satisfied", "delighted")},
        "weakest_dimension": rep["weakest"],
        "mean_of_dimension_gap_means": sum(dim_gaps) / len(dim_gaps),
        "profile_weighted_gap": sum(stated[d] / 100 * rep["dimensions"][d]["gap"]["mean"] for d in dims),
        "nps_ci95": rep["nps"]["ci95"],
        "ces": dict(rep["ces"], version="2.0"),
        "satisfaction": rep["satisfaction"],
        "alpha_e": {d: ref.cronbach(matrix(items, "e"))[0] for d, items in dims.items()},
        "alpha_pairwise": {d: {k: ref.cronbach_pairwise(matrix(items, k)) for k in ("p", "e", "gap")}
                           for d, items in dims.items()},
        "ipa": rep["ipa"],
    }
    with open(DATA / "kano_5resp.csv", encoding="utf-8") as f:
        lines = [line.strip().split(",") for line in f if line.strip()]
    head = lines[0]
    pairs = [(r[head.index("functional")], r[head.index("dysfunctional")]) for r in lines[1:]]
    ours["kano"] = ref.kano(pairs)
    checks.compare("reference vs servqual_5resp.extra.json", ours, {k: v for k, v in extra.items() if k != "note"})

    for name in ("esqual_one", "zone_one"):
        payload = load(f"{name}.json")
        instrument, fmt, only, respondent = ref.read_payload(payload)
        got = ref.score(instrument, fmt, respondent, only)
        want = load(f"{name}.expected.json")
        checks.compare(f"reference vs {name}.expected.json (scores)", got, want["scores"])
        checks.compare(f"reference vs {name}.json (the scores member the widget sends)", got, payload["scores"])
        checks.compare(f"reference vs {name}.expected.json (display)",
                       ref.display(instrument, fmt, respondent, got, only), want["display"])

    import make_alpha_data  # noqa: E402  (tests/reference: the alpha test data and its numbers)

    checks.compare("reference vs alpha_references.json (alpha_multiscale.csv, pingouin's data sets)",
                   make_alpha_data.references(), load("alpha_references.json"), strict=True)
    return rep


# --- 3. the binary against the vectors -------------------------------------------------------


def binary_vectors(checks, binary, reference_report):
    csv_path = str(DATA / "servqual_5resp.csv")
    ours = binary.report(*form_args("servqual", "gap", None), csv_path)
    checks.compare("eservqual report servqual_5resp.csv vs servqual_5resp.expected.json", ours,
                   load("servqual_5resp.expected.json"))
    checks.compare("eservqual report servqual_5resp.csv vs reference", ours, reference_report, strict=True)
    kano = json.loads(binary.run("kano", str(DATA / "kano_5resp.csv")))
    feature = kano["features"][0]
    want = {k: v for k, v in load("servqual_5resp.extra.json")["kano"].items() if k != "categories"}
    checks.compare("eservqual kano kano_5resp.csv vs servqual_5resp.extra.json", feature, want)


# --- 4. synthetic files ----------------------------------------------------------------------


def payload(inst, fmt, only, r, scores):
    """A respondent as an eservqual.response/1 payload carrying `scores`."""
    lo, hi = ref.scale(inst, fmt)
    version = ref.CUSTOM[inst]["version"] if inst in ref.CUSTOM else "1"
    instrument = {"id": inst, "version": version, "format": fmt}
    if only:
        instrument["dimensions"] = only
    p = {
        "schema": "eservqual.response/1",
        "id": r["id"],
        "instrument": instrument,
        "scale": {"min": lo, "max": hi},
        "locale": "en",
        "submitted_at": r["submitted_at"],
        "answers": r["answers"],
        "outcomes": r["outcomes"],
        "scores": scores,
        "sdk": {"name": "eservqual", "version": "0.1.0"},
    }
    if inst == "e-s-qual":
        p["recovery"] = r["recovery"]
    if r["weights"] is not None:
        p["weights"] = r["weights"]
    return p


def synthetic(checks, binary, tmp):
    """Runs every case; returns [(name, instrument, format, D, payloads, rows)] for the collector."""
    done = []
    for inst, fmt, n, seed, only in CASES:
        name = f"{inst} {fmt}" + (f" D={','.join(only)}" if only else "") + f" n={n}"
        stem = f"{inst}-{fmt}-{seed}"
        csv_path = Path(tmp) / f"{stem}.csv"
        binary.run("sample", *form_args(inst, fmt, only), "--respondents", str(n), "--seed", str(seed),
                   "--out", str(csv_path))
        rows = ref.read_csv(csv_path, inst, fmt, only)
        expected = ref.report(inst, fmt, rows, only)
        ours = binary.report(*form_args(inst, fmt, only), str(csv_path))
        checks.compare(f"{name}: csv vs reference", ours, expected, strict=True)

        payloads = [payload(inst, fmt, only, r, ref.score(inst, fmt, r, only)) for r in rows]
        jsonl_path = Path(tmp) / f"{stem}.jsonl"
        jsonl_path.write_text("".join(json.dumps(p) + "\n" for p in payloads), encoding="utf-8")
        from_jsonl = binary.report(*form_args(inst, fmt, only), str(jsonl_path))
        checks.compare(f"{name}: jsonl vs csv", from_jsonl, ours, strict=True)
        done.append((name, inst, fmt, only, payloads, rows))
    return done


def edges(checks, binary, tmp):
    """Small files at the edges, cut from the vectors: one respondent (no spread, no alpha),
    the same answers twice (zero variances), a respondent who answered nothing, each in gap and
    perception format; the two single payloads as JSONL."""
    lines = (DATA / "servqual_5resp.csv").read_text(encoding="utf-8").splitlines()
    head, rows = lines[0], lines[1:]
    blank = ",".join(["r9"] + [""] * (len(head.split(",")) - 1))
    files = {
        "one respondent": [head, rows[0]],
        "the same answers twice": [head, rows[0], "r1b" + rows[0][2:]],
        "a respondent who answered nothing": [head, blank],
        "an empty respondent among others": [head, rows[0], blank, rows[1]],
    }
    keep = [i for i, c in enumerate(head.split(",")) if not c.endswith(".e")]
    for name, text in files.items():
        for fmt in ("gap", "perception"):
            path = Path(tmp) / f"edge-{len(text)}-{name[:5]}-{fmt}.csv"
            cut = text if fmt == "gap" else [",".join(line.split(",")[i] for i in keep) for line in text]
            path.write_text("\n".join(cut) + "\n", encoding="utf-8")
            expected = ref.report("servqual", fmt, ref.read_csv(path, "servqual", fmt))
            checks.compare(f"edge: {name}, servqual {fmt}: csv vs reference",
                           binary.report(*form_args("servqual", fmt, None), str(path)), expected, strict=True)
    for name in ("esqual_one", "zone_one"):
        payload_ = load(f"{name}.json")
        instrument, fmt, only, respondent = ref.read_payload(payload_)
        path = Path(tmp) / f"{name}.jsonl"
        path.write_text(json.dumps(payload_) + "\n", encoding="utf-8")
        expected = ref.report(instrument, fmt, [respondent], only)
        checks.compare(f"edge: {name}.json alone: jsonl vs reference",
                       binary.report(*form_args(instrument, fmt, only), str(path)), expected, strict=True)


# --- 6. comparisons: two periods, segments (docs/scoring.md §8) ------------------------------


def planted(inst, fmt, n, seed, shifts, base_days, current_days, channels=("app", "web", "")):
    """A wide CSV's rows (header, rows, payload-style respondents): `n` respondents, half
    submitted in the base period and half in the current one; in the current period each
    dimension's perceptions move by shifts.get(code, 0) points (and NPS and CSAT by
    shifts.get('nps'|'csat')). `shifts['app']` moves the app channel in both periods. Times
    in UTC, a +02:00 offset or a date alone; a few without a time; N/A answers."""
    import numpy as np
    rng = np.random.default_rng(seed)
    dims = ref.dimensions(inst)
    lo, hi = ref.scale(inst, fmt)
    mid = (lo + hi) / 2
    fields = ref.FIELDS[fmt]
    head = ["id", "submitted_at"] + [f"{i}.{f}" for its in dims.values() for i in its for f in fields]
    head += ["nps", "csat", "meta.channel", "meta.band"]
    rows, payloads = [], []
    for k in range(n):
        current = k % 2 == 1
        day = int(rng.integers(*(current_days if current else base_days)))
        when = datetime_text(day, int(rng.integers(0, 86400)), k)
        channel = channels[int(rng.integers(0, len(channels)))]
        band = int(rng.integers(1, 4))
        q = rng.normal()
        row = [f"r{seed}-{k}", when]
        answers = {}
        for code, items in dims.items():
            shift = (shifts.get(code, 0) if current else 0) + (shifts.get("app", 0) if channel == "app" else 0)
            for i in items:
                answers[i] = {}
                for f in fields:
                    if rng.random() < 0.04:
                        value = None
                    else:
                        centre = {"p": mid + 0.8 + shift, "e": mid + 1.5, "min": mid - 1, "des": mid + 2}[f]
                        value = int(min(hi, max(lo, round(centre + 0.9 * q + rng.normal(0, 1.0)))))
                    answers[i][f] = value
                    row.append("" if value is None else str(value))
        nps_ = int(min(10, max(0, round(7 + 2 * q + (shifts.get("nps", 0) if current else 0) + rng.normal(0, 1.5)))))
        csat_ = int(min(5, max(1, round(3.6 + 0.8 * q + (shifts.get("csat", 0) if current else 0) + rng.normal(0, 0.7)))))
        row += [str(nps_), str(csat_), channel, str(band)]
        rows.append(row)
        meta = {"band": band}
        if channel:
            meta["channel"] = channel
        payloads.append({"id": row[0], "when": when, "answers": answers, "outcomes": {"nps": nps_, "csat": csat_},
                         "meta": meta})
    return head, rows, payloads


def datetime_text(day, second, k):
    """Day `day` of 2026 (0 = 1 January) at `second` UTC, written as UTC, as +02:00, as a date
    alone (midnight UTC) or not at all."""
    import datetime as dt
    t = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(days=day, seconds=second)
    form = k % 11
    if form == 0:
        return ""
    if form == 1:
        return t.strftime("%Y-%m-%d")
    if form == 2:
        return t.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(timespec="milliseconds")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_csv(path, head, rows):
    import csv as csv_
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv_.writer(f).writerows([head] + rows)


def comparisons(checks, binary, tmp):
    # October (days 273..303) is the base, November 1..29 (304..332) the current period.
    base, current = (273, 304), (304, 333)
    period = ["--from", "2026-11-01", "--to", "2026-11-29", "--compare", "2026-10-01..2026-10-31"]
    cases = [  # name, instrument, format, n, seed, shifts, planted (dimension codes that must be "up")
        ("planted change", "e-s-qual", "perception", 800, 31, {"FUL": 0.6, "nps": 1.5, "csat": 0.6}, ["FUL"]),
        ("no change", "servqual", "gap", 600, 32, {}, []),
        ("planted drop, zone", "servqual", "zone", 500, 33, {"REL": -1.0}, []),
    ]
    for name, inst, fmt, n, seed, shifts, up in cases:
        head, rows, _ = planted(inst, fmt, n, seed, shifts, base, current)
        path = Path(tmp) / f"compare-{seed}.csv"
        write_csv(path, head, rows)
        args = form_args(inst, fmt, None)
        ours = binary.report(*args, *period, str(path))
        everyone = ref.read_csv(path, inst, fmt)
        now = [r for r in everyone if ref.in_period(r, "2026-11-01", "2026-11-29")]
        then = [r for r in everyone if ref.in_period(r, "2026-10-01", "2026-10-31")]
        expected = {"current": {"from": "2026-11-01", "to": "2026-11-29", "responses": len(now)},
                    "base": {"from": "2026-10-01", "to": "2026-10-31", "responses": len(then)}}
        expected.update(ref.compare(inst, fmt, now, then))
        checks.compare(f"compare, {name} ({inst} {fmt}): compare block vs reference", ours.get("compare"), expected,
                       strict=True)
        checks.compare(f"compare, {name}: the report is the current period's", ours,
                       ref.report(inst, fmt, now), strict=False)
        verdicts = {d: t["verdict"] for d, t in ours["compare"]["dimensions"].items()}
        want = {d: ("up" if d in up else "no clear change") for d in verdicts}
        if name == "planted drop, zone":
            want["REL"] = "down"
        problems = [f"{d}: {verdicts[d]}, want {want[d]}" for d in verdicts if verdicts[d] != want[d]]
        if shifts.get("nps"):
            problems += [f"{k}: {ours['compare'][k]['verdict']}" for k in ("nps", "csat")
                         if ours["compare"][k]["verdict"] != "up"]
        if not shifts:
            problems += [f"{k}: {ours['compare'][k]['verdict']}" for k in ("overall", "nps", "csat")
                         if ours["compare"][k]["verdict"] != "no clear change"]
        checks.result(f"compare, {name}: verdicts {want}", problems)

    # Segments: the app channel is worse in every dimension; CSV meta.KEY columns and payloads'
    # meta give the same segments (the numeric meta.band as its JSON text).
    inst, fmt = "e-s-qual", "perception"
    head, rows, _ = planted(inst, fmt, 700, 34, {"app": -0.7}, base, current, ("app", "web", "web", ""))
    for i, r in enumerate(rows):
        if i % 40 == 0:
            r[-2] = "kiosk"  # 18 of 700: a small segment
    path = Path(tmp) / "segments.csv"
    write_csv(path, head, rows)
    everyone = ref.read_csv(path, inst, fmt)
    for key in ("channel", "band"):
        ours = binary.report(*form_args(inst, fmt, None), "--by", f"meta.{key}", str(path))
        checks.compare(f"segments by meta.{key}: vs reference", ours.get("segments"),
                       ref.segments(inst, fmt, everyone, key), strict=True)
    ours = binary.report(*form_args(inst, fmt, None), "--by", "meta.channel", str(path))
    app = ours["segments"]["values"]["app"]["against_rest"]["dimensions"]
    small = {v: s["small"] for v, s in ours["segments"]["values"].items()}
    problems = [f"app {d}: {t['verdict']}" for d, t in app.items() if t["verdict"] != "down"]
    problems += [f"small flags {small}"] if small.get("kiosk") is not True or small.get("web") is not False else []
    checks.result("segments: the worse app channel is 'down' in every dimension; kiosk (< 30) flagged small", problems)
    # The same rows as payloads with meta, periods and segments together.
    jsonl = Path(tmp) / "segments.jsonl"
    with open(jsonl, "w", encoding="utf-8") as f:
        for r in everyone:
            # A row without a time gets one outside both periods; a date alone is its midnight.
            at = r["submitted_at"] or "2025-01-01T00:00:00Z"
            r = dict(r, submitted_at=at if len(at) > 10 else at + "T00:00:00Z")
            body = payload(inst, fmt, None, r, ref.score(inst, fmt, r))
            body["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, r["id"]))  # payload ids are UUIDs
            body["meta"] = {k: (int(v) if k == "band" else v) for k, v in r["meta"].items() if v is not None}
            f.write(json.dumps(body) + "\n")
    rows_jsonl = [ref.read_payload(json.loads(line))[3] for line in jsonl.read_text().splitlines()]
    now = [r for r in rows_jsonl if ref.in_period(r, "2026-11-01", "2026-11-29")]
    ours = binary.report(*form_args(inst, fmt, None), *period, "--by", "meta.channel", str(jsonl))
    checks.compare("segments of a period, from JSONL payloads' meta: vs reference", ours.get("segments"),
                   ref.segments(inst, fmt, now, "channel"), strict=True)

    # Errors name the flag.
    problems = []
    for bad, flag in ((["--from", "2026-13-01"], "--from"), (["--to", "yesterday"], "--to"),
                      (["--compare", "2026-10-01"], "--compare"), (["--compare", "2026-10-31..2026-10-01"], "--compare"),
                      (["--by", "channel"], "--by")):
        done = subprocess.run([binary.path, "report", *form_args(inst, fmt, None), *bad, str(path)],
                              capture_output=True, text=True)
        if done.returncode != 2 or flag not in done.stderr:
            problems.append(f"{bad}: exit {done.returncode}, {done.stderr.strip()!r}")
    checks.result("compare and segment errors exit 2 naming the flag", problems)


# --- 5. the collector ------------------------------------------------------------------------


def recent(cases):
    """The cases with every submission moved into the last 47 hours, the same in the payloads and
    in the rows the reference reads: the collector refuses submissions more than two days older
    than their receipt (an outbox gives up after one), and the synthetic ones span weeks."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    out = []
    for name, inst, fmt, only, payloads, rows in cases:
        payloads, rows = copy.deepcopy(payloads), [dict(r) for r in rows]
        for i, (p, r) in enumerate(zip(payloads, rows)):
            at = (now - datetime.timedelta(minutes=(7 * i) % (47 * 60))).strftime("%Y-%m-%dT%H:%M:%SZ")
            p["submitted_at"] = r["submitted_at"] = at
        out.append((name, inst, fmt, only, payloads, rows))
    return out


def collector(checks, binary, tmp, cases):
    cases = recent(cases)
    token = secrets.token_hex(16)
    log = open(Path(tmp) / "serve.log", "w+", encoding="utf-8")
    proc = subprocess.Popen(
        [binary.path, "serve", "--addr", "127.0.0.1:0", "--db", str(Path(tmp) / "crosscheck.db"),
         "--admin-token", token, "--rate-limit", "0", "--www", tmp]
        + [arg for path in INSTRUMENT_PATHS.values() for arg in ("--instrument", path)],
        stdout=log, stderr=subprocess.STDOUT, text=True, env=dict(os.environ, ESERVQUAL_LOG="warn"))
    try:
        base = None
        for _ in range(300):
            log.seek(0)
            found = re.search(r"listening on (http://[0-9.:\[\]]+)", log.read())
            if found:
                base = found.group(1)
                break
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        if base is None:
            log.seek(0)
            checks.result("collector started", [log.read().strip()[-500:] or "no address printed"])
            return

        def request(method, path, body=None, auth=False):
            req = urllib.request.Request(base + path, data=body, method=method)
            req.add_header("Content-Type", "text/plain;charset=UTF-8")
            if auth:
                req.add_header("Authorization", f"Bearer {token}")
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as e:
                return e.code, e.read()

        # One payload whose scores are wrong by 1e-6 must be flagged: the check can fail. It is
        # the first respondent again under another id, so the first report counts it twice.
        name, inst, fmt, only, payloads, rows = cases[0]
        bad = copy.deepcopy(payloads[0])
        bad["id"] = "00000000-0000-4000-8000-000000000000"
        first = next(iter(bad["scores"]["dimensions"]))
        bad["scores"]["dimensions"][first]["p"] = (bad["scores"]["dimensions"][first]["p"] or 0) + PERTURBATION
        status, body = request("POST", "/v1/responses", json.dumps(bad).encode())
        flagged = status in (200, 201) and json.loads(body).get("scores_mismatch") is True
        checks.result(f"collector flags client scores moved by {PERTURBATION}",
                      [] if flagged else [f"{status} {body[:300]!r}"])

        for k, (name, inst, fmt, only, payloads, rows) in enumerate(cases):
            problems = []
            for p in payloads:
                status, body = request("POST", "/v1/responses", json.dumps(p).encode())
                answer = json.loads(body) if body else {}
                if status not in (200, 201) or answer.get("scores_mismatch") is not False:
                    problems.append(f"{p['id']}: {status} {body[:300]!r}")
            checks.result(f"{name}: collector re-scores every respondent as the reference does", problems)
            if k == 0:
                rows = rows + [dict(rows[0], id=bad["id"])]
            expected = ref.report(inst, fmt, rows, only)
            # The served report also counts the responses it flagged: the one moved on purpose.
            expected["scores_mismatch"] = 1 if k == 0 else 0
            query = f"/v1/report?instrument={inst}&format={fmt}" + (f"&dimensions={','.join(only)}" if only else "")
            status, body = request("GET", query, auth=True)
            if status != 200:
                checks.result(f"{name}: collector report vs reference", [f"{status} {body[:300]!r}"])
                continue
            got = without_labels(json.loads(body))
            if binary.perturb:
                got = perturbed(got)[0]
            checks.compare(f"{name}: collector report vs reference", got, expected, strict=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def main(argv):
    args = [a for a in argv if a != "--perturb"]
    binary = Binary(args[0] if args else str(ROOT / "target/debug/eservqual"), perturb="--perturb" in argv)
    if binary.perturb:
        print(f"--perturb: every report of the binary has {'.'.join(map(str, PERTURB_PATH))} moved by {PERTURBATION}")
    checks = Checks()
    self_test(checks, binary)
    reference_report = vectors(checks)
    binary_vectors(checks, binary, reference_report)
    with tempfile.TemporaryDirectory() as tmp:
        INSTRUMENT_PATHS.update(custom_instruments(tmp))
        cases = synthetic(checks, binary, tmp)
        edges(checks, binary, tmp)
        comparisons(checks, binary, tmp)
        collector(checks, binary, tmp, cases)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
