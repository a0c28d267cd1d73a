#!/usr/bin/env python3
"""The project's reference implementation of the scoring rules (docs/scoring.md), in Python.

It shares no code with the Rust core: it was written from the rules alone, with numpy and scipy
for the arithmetic and the distributions, and pingouin for Cronbach's alpha (each pingouin
value is checked against the textbook formula before it is used). `scripts/crosscheck.py`
compares `eservqual report` with it, and it with the vectors in `tests/data/`.

What it computes:
  - `score(...)`: the per-respondent `scores` object (docs/scoring.md §2.9) at full precision;
  - `report(...)`: the aggregate report (§3): every key of the contract, plus the optional
    keys `weakest`, `recovery`, `ces`, `ipa`, `trend`, `classes`, `satisfaction`,
    `dimension_set`, the zone `min`/`des`/`zot` statistics and each item's `nonresponse`;
  - the statistics on their own: `stats`, `cronbach` (listwise, with alpha-if-deleted and
    item-total r), `cronbach_pairwise`, `alpha_from_correlations`, `feldt_ci95`, `nps`,
    `csat`, `ces`, `wilson`, `pearson`, `kano`.

Respondents are plain dicts: {"id", "submitted_at", "answers": {item: {field: int | None}},
"weights": {dim: points} | None, "recovery": {item: {"p": int | None}} | None,
"outcomes": {...}}; `read_csv` and `read_payload` make them from the wide CSV and from
`eservqual.response/1` payloads.

Command line (prints JSON):
  eservqual_ref.py report --instrument ID|INSTRUMENT.json [--format F] [--dimensions A,B] FILE.csv|FILE.jsonl
  eservqual_ref.py scores [--instrument INSTRUMENT.json] PAYLOAD.json
"""

import argparse
import csv
import datetime
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
import pingouin
import scipy.stats

# --- Instruments and scales (docs/interfaces.md, docs/scoring.md §1.1) ---------------------

INSTRUMENTS = {
    "e-s-qual": [("EFF", 8), ("SYS", 4), ("FUL", 7), ("PRI", 3)],
    "e-recs-qual": [("RES", 5), ("COM", 3), ("CON", 3)],
    "servqual": [("TAN", 4), ("REL", 5), ("RSP", 4), ("ASR", 4), ("EMP", 5)],
}
DEFAULT_FORMAT = {"e-s-qual": "perception", "e-recs-qual": "perception", "servqual": "gap"}
ITEM_SCALE = {"e-s-qual": (1, 5), "e-recs-qual": (1, 5), "servqual": (1, 7)}
ZONE_SCALE = (1, 9)
FIELDS = {"perception": ("p",), "gap": ("p", "e"), "zone": ("p", "min", "des")}
# Score kinds: per respondent and dimension (report statistics), and per item (report items).
DIMENSION_KINDS = {
    "perception": ("p",),
    "gap": ("p", "e", "gap"),
    "zone": ("p", "msa", "mss", "min", "des", "zot"),
}
ITEM_KINDS = {"perception": ("p",), "gap": ("p", "e", "gap"), "zone": ("p", "msa", "mss", "min", "des")}
SCORE_KINDS = {"perception": ("p",), "gap": ("p", "e", "gap"), "zone": ("p", "msa", "mss", "zot")}
OVERALL_KEYS = {
    "perception": ("p", "p_weighted"),
    "gap": ("p", "p_weighted", "gap", "gap_weighted"),
    "zone": ("p", "p_weighted", "msa", "mss"),
}
HEADLINE = {"perception": "p", "gap": "gap", "zone": "msa"}  # class and weakest (§2.7, §2.8)
EPS = 1e-9
Z = 1.959963984540054
VALUE_ITEMS, LOYALTY_ITEMS = 4, 5
CUSTOM = {}  # custom instruments by id: dimensions, scale, default format, reverse-keyed items


def load_instrument(path):
    """Registers a custom instrument JSON file (schema/instrument.schema.json); returns its id."""
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    CUSTOM[spec["id"]] = {
        "dimensions": {d["code"]: [i["code"] for i in d["items"]] for d in spec["dimensions"]},
        "scale": (spec["scale"]["min"], spec["scale"]["max"]),
        "format": spec.get("format", "perception"),
        "version": spec["version"],
        "reverse": {i["code"] for d in spec["dimensions"] for i in d["items"] if i.get("reverse")},
    }
    return spec["id"]


def dimensions(instrument, only=None):
    """The dimension set D in instrument order: {code: [item codes]}."""
    if instrument in CUSTOM:
        dims = {code: list(items) for code, items in CUSTOM[instrument]["dimensions"].items()}
    else:
        dims = {code: [f"{code}{i}" for i in range(1, k + 1)] for code, k in INSTRUMENTS[instrument]}
    if only is not None:
        unknown = [d for d in only if d not in dims]
        if unknown:
            raise ValueError(f"{instrument} has no dimension {unknown[0]}")
        dims = {d: items for d, items in dims.items() if d in only}
    return dims


def scale(instrument, fmt):
    if fmt == "zone":
        return ZONE_SCALE
    return CUSTOM[instrument]["scale"] if instrument in CUSTOM else ITEM_SCALE[instrument]


def default_format(instrument):
    return CUSTOM[instrument]["format"] if instrument in CUSTOM else DEFAULT_FORMAT[instrument]


def keyed(instrument, fmt, answers):
    """Answers with reverse-keyed items' p and e turned into m + M − x (§1.1), before any
    other step."""
    reverse = CUSTOM[instrument]["reverse"] if instrument in CUSTOM else ()
    if not reverse:
        return answers
    lo, hi = scale(instrument, fmt)
    out = dict(answers)
    for item in reverse:
        if answers.get(item):
            out[item] = {f: lo + hi - v if f in ("p", "e") and v is not None else v for f, v in answers[item].items()}
    return out


def half_rule(k):
    """h(k) = ceil(k / 2): how many of k items a dimension score needs (§1.3)."""
    return (k + 1) // 2


def mean_or_none(values, need=1):
    """Mean of the non-null values in order, or None with fewer than `need` (at least 1)."""
    present = [v for v in values if v is not None]
    if len(present) < max(need, 1):
        return None
    return sum(present) / len(present)


def minus(a, b):
    return None if a is None or b is None else a - b


# --- Per respondent (§2) ---------------------------------------------------------------------


def item_values(fmt, answer):
    """Every kind of value of one item: the raw fields, gap, msa, mss, zot."""
    p, e, lo, hi = answer.get("p"), answer.get("e"), answer.get("min"), answer.get("des")
    out = {"p": p}
    if fmt == "gap":
        out.update(e=e, gap=minus(p, e))
    elif fmt == "zone":
        out.update({"min": lo, "des": hi, "msa": minus(p, lo), "mss": minus(p, hi), "zot": minus(hi, lo)})
    return out


def zone_item(answer):
    """msa, mss, zot, position and inversion of one zone item (§2.4)."""
    p, lo, hi = answer.get("p"), answer.get("min"), answer.get("des")
    inverted = lo is not None and hi is not None and lo > hi
    if p is None or lo is None or hi is None or inverted:
        position = None
    elif p < lo:
        position = "below"
    elif p > hi:
        position = "above"
    else:
        position = "within"
    return {"msa": minus(p, lo), "mss": minus(p, hi), "zot": minus(hi, lo), "position": position, "inverted": inverted}


def dimension_scores(fmt, dims, answers):
    """{dim: {kind: half-rule mean}} for every kind of the format's report statistics."""
    out = {}
    for d, items in dims.items():
        values = [item_values(fmt, answers.get(i) or {}) for i in items]
        need = half_rule(len(items))
        out[d] = {kind: mean_or_none([v[kind] for v in values], need) for kind in DIMENSION_KINDS[fmt]}
    return out


def weighted(weights, dims, per_dim):
    """Σ w_d·S_d with w_d = points_d / Σ points (§2.3); None without weights or with a null S_d."""
    if weights is None or any(per_dim[d] is None for d in dims):
        return None
    total = sum(float(weights[d]) for d in dims)
    return sum(float(weights[d]) / total * per_dim[d] for d in dims)


def weakest(codes_and_scores):
    """§2.8: the first lowest score, replaced only by one lower by more than ε."""
    best = None
    for code, x in codes_and_scores:
        if x is None:
            continue
        if best is None or x < best[1] - EPS:
            best = (code, x)
    return None if best is None else best[0]


def satisfaction_class(fmt, overall, lo, hi):
    """§2.7."""
    if fmt == "gap":
        x = overall["gap"]
    elif fmt == "perception":
        x = None if overall["p"] is None else overall["p"] - (lo + hi) / 2
    else:
        msa, mss = overall["msa"], overall["mss"]
        if msa is None or mss is None:
            return None
        if msa < -EPS and mss > EPS:
            return None
        if msa < -EPS:
            return "dissatisfied"
        return "delighted" if mss > EPS else "satisfied"
    if x is None:
        return None
    if x < -EPS:
        return "dissatisfied"
    return "delighted" if x > EPS else "satisfied"


def nps_category(x):
    if x is None:
        return None
    return "promoter" if x >= 9 else "passive" if x >= 7 else "detractor"


def overall_scores(fmt, dims, per_dim, weights):
    """The overall scores of one respondent (§2.1–§2.4): means over D, None if a D is None."""

    def over(kind):
        values = [per_dim[d][kind] for d in dims]
        return None if any(v is None for v in values) else sum(values) / len(values)

    out = {"p": over("p"), "p_weighted": weighted(weights, dims, {d: per_dim[d]["p"] for d in dims})}
    if fmt == "gap":
        out["gap"] = over("gap")
        out["gap_weighted"] = weighted(weights, dims, {d: per_dim[d]["gap"] for d in dims})
    elif fmt == "zone":
        out["msa"] = over("msa")
        out["mss"] = over("mss")
    return out


def recovery_scores(recovery):
    """E-RecS-QUAL scores (§2.5), or None when it was not administered."""
    if recovery is None:
        return None
    dims = dimensions("e-recs-qual")
    per_dim = dimension_scores("perception", dims, recovery)
    values = [per_dim[d]["p"] for d in dims]
    return {
        "dimensions": {d: {"p": per_dim[d]["p"]} for d in dims},
        "overall": {"p": None if any(v is None for v in values) else sum(values) / len(values)},
    }


def score(instrument, fmt, respondent, only=None):
    """The `scores` object of one respondent (§2.9)."""
    dims = dimensions(instrument, only)
    lo, hi = scale(instrument, fmt)
    answers = keyed(instrument, fmt, respondent.get("answers") or {})
    weights = respondent.get("weights")
    outcomes = respondent.get("outcomes") or {}
    per_dim = dimension_scores(fmt, dims, answers)
    out = {"dimensions": {d: {k: per_dim[d][k] for k in SCORE_KINDS[fmt]} for d in dims}}
    if fmt == "gap":
        out["items"] = {i: {"gap": item_values(fmt, answers.get(i) or {})["gap"]} for its in dims.values() for i in its}
    elif fmt == "zone":
        out["items"] = {i: zone_item(answers.get(i) or {}) for its in dims.values() for i in its}
    overall = overall_scores(fmt, dims, per_dim, weights)
    out["overall"] = overall
    out["class"] = satisfaction_class(fmt, overall, lo, hi)
    out["weakest"] = weakest((d, per_dim[d][HEADLINE[fmt]]) for d in dims)
    out["nps_category"] = nps_category(outcomes.get("nps"))
    if instrument == "e-s-qual":
        out["recovery"] = recovery_scores(respondent.get("recovery"))
    asked = {}
    for key, k in (("value", VALUE_ITEMS), ("loyalty", LOYALTY_ITEMS)):
        if outcomes.get(key) is not None:
            asked[key] = mean_or_none(outcomes[key], half_rule(k))
    if asked:
        out["outcomes"] = asked
    return out


def display(instrument, fmt, respondent, scores, only=None):
    """Display-only numbers (never sent): POMP of each dimension p and overall p, the item
    grand mean, and in zone format the counts of positions and inverted items."""
    dims = dimensions(instrument, only)
    lo, hi = scale(instrument, fmt)
    pomp = lambda x: None if x is None else 100 * (x - lo) / (hi - lo)  # noqa: E731
    answers = respondent.get("answers") or {}
    ps = [(answers.get(i) or {}).get("p") for its in dims.values() for i in its]
    answered = [p for p in ps if p is not None]
    out = {
        "pomp": {d: pomp(scores["dimensions"][d]["p"]) for d in dims},
        "pomp_overall": pomp(scores["overall"]["p"]),
        "grand_mean_of_items": sum(answered) / len(answered) if answered else None,
        "answered_items": len(answered),
    }
    if fmt == "zone":
        items = scores["items"].values()
        out["positions"] = {k: sum(1 for it in items if it["position"] == k) for k in ("below", "within", "above")}
        out["no_position"] = sum(1 for it in items if it["position"] is None)
        out["inverted_items"] = sum(1 for it in items if it["inverted"])
    return out


# --- Statistics (§3) -------------------------------------------------------------------------


def t975(df):
    return float(scipy.stats.t.ppf(0.975, df))


def stats(values):
    """§3.1 over the non-null values: n, mean, sd (n − 1, two passes), se, Student-t ci95."""
    xs = [float(v) for v in values if v is not None]
    n = len(xs)
    out = {"n": n, "mean": None, "sd": None, "se": None, "ci95": None}
    if n == 0:
        return out
    mean = sum(xs) / n
    out["mean"] = mean
    if n < 2:
        return out
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    se = sd / math.sqrt(n)
    half = t975(n - 1) * se
    out.update(sd=sd, se=se, ci95=[mean - half, mean + half])
    return out


def constant(column):
    """Zero variance, decided exactly: every value the same (no rounding residue)."""
    return all(x == column[0] for x in column)


def feldt_ci95(alpha, n, k):
    """Feldt (1965): [1 − (1 − α)·F⁻¹(.975), 1 − (1 − α)·F⁻¹(.025)], df (n − 1, (n − 1)(k − 1))."""
    if alpha is None or n < 2 or k < 2:
        return None
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return [
        1 - (1 - alpha) * float(scipy.stats.f.ppf(0.975, df1, df2)),
        1 - (1 - alpha) * float(scipy.stats.f.ppf(0.025, df1, df2)),
    ]


def _alpha_formula(x):
    """k/(k − 1)·(1 − Σ var_i / var_T) with n − 1 variances: the textbook formula."""
    k = x.shape[1]
    item_vars = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    return k / (k - 1) * (1 - item_vars / total_var)


def raw_alpha(rows):
    """Raw alpha of complete rows (lists of k numbers), or None where it is undefined (§3.3.5).
    The value is pingouin's, checked against the formula."""
    if not rows or len(rows) < 2 or len(rows[0]) < 2 or constant([sum(r) for r in rows]):
        return None
    x = np.array(rows, dtype=float)
    ours = _alpha_formula(x)
    theirs = float(pingouin.cronbach_alpha(data=pd.DataFrame(x), nan_policy="listwise")[0])
    assert abs(theirs - ours) <= 1e-12 * max(1.0, abs(ours)), (theirs, ours)
    return theirs


def alpha_from_correlations(r):
    """Standardised alpha from a k × k correlation matrix: k/(k − 1)·(1 − k/ΣR)."""
    r = np.asarray(r, dtype=float)
    k = r.shape[0]
    return k / (k - 1) * (1 - k / r.sum())


def pearson(xs, ys):
    """Pearson r, or None below 2 pairs or when either side has zero variance."""
    if len(xs) < 2 or constant(xs) or constant(ys):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = float(scipy.stats.pearsonr(np.array(xs, float), np.array(ys, float)).statistic)
    check = float(np.corrcoef(np.array(xs, float), np.array(ys, float))[0, 1])
    assert abs(r - check) <= 1e-12, (r, check)
    return r


def cronbach(matrix, k=None):
    """§3.3 on a respondents × k matrix with None for missing, listwise: the alpha object
    {raw, std, n, ci95} and per item {alpha_if_deleted, item_total_r} on the same rows."""
    k = len(matrix[0]) if k is None else k
    rows = [list(r) for r in matrix if all(v is not None for v in r)]
    n = len(rows)
    raw = raw_alpha(rows) if k >= 2 else None
    std = None
    if raw is not None and not any(constant([r[j] for r in rows]) for j in range(k)):
        corr = np.corrcoef(np.array(rows, dtype=float), rowvar=False)
        std = alpha_from_correlations(corr)
        mean_r = (corr.sum() - k) / (k * (k - 1))
        assert abs(std - k * mean_r / (1 + (k - 1) * mean_r)) <= 1e-12
    alpha = {"raw": raw, "std": std, "n": n, "ci95": feldt_ci95(raw, n, k)}
    items = []
    for j in range(k):
        others = [[v for i, v in enumerate(r) if i != j] for r in rows]
        item = [r[j] for r in rows]
        rest = [sum(o) for o in others]
        items.append({
            "alpha_if_deleted": raw_alpha(others) if k - 1 >= 2 else None,
            "item_total_r": pearson(item, rest) if n >= 2 else None,
        })
    return alpha, items


def cronbach_pairwise(matrix):
    """Alpha from the pairwise-deleted covariance matrix (an analyst option, §3.3): pingouin's
    default, checked against the covariances computed pair by pair."""
    x = np.array([[np.nan if v is None else float(v) for v in r] for r in matrix])
    k = x.shape[1]
    cov = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            both = ~np.isnan(x[:, a]) & ~np.isnan(x[:, b])
            cov[a, b] = np.cov(x[both, a], x[both, b], ddof=1)[0, 1]
    ours = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    theirs = float(pingouin.cronbach_alpha(data=pd.DataFrame(x), nan_policy="pairwise")[0])
    assert abs(theirs - ours) <= 1e-12 * max(1.0, abs(ours)), (theirs, ours)
    return theirs


def wilson(successes, n):
    """Wilson score 95% interval of a proportion (§3.6)."""
    p = successes / n
    z2 = Z * Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return [centre - half, centre + half]


def nps(answers):
    """§3.5, with the 95% interval score ± z·se clipped to [−100, 100]."""
    xs = [x for x in answers if x is not None]
    n = len(xs)
    if n == 0:
        return {"n": 0, "score": None, "promoters": None, "passives": None, "detractors": None, "se": None,
                "ci95": None}
    pro = sum(1 for x in xs if x >= 9) / n
    pas = sum(1 for x in xs if 7 <= x <= 8) / n
    det = sum(1 for x in xs if x <= 6) / n
    score_ = 100 * (pro - det)
    se = 100 * math.sqrt((pro + det - (pro - det) ** 2) / n)
    ci = [max(-100.0, score_ - Z * se), min(100.0, score_ + Z * se)]
    return {"n": n, "score": score_, "promoters": pro, "passives": pas, "detractors": det, "se": se, "ci95": ci}


def csat(answers):
    """§3.6: mean, top-2 share (4 or 5) and its Wilson interval."""
    xs = [x for x in answers if x is not None]
    n = len(xs)
    if n == 0:
        return {"n": 0, "mean": None, "top2": None, "ci95": None}
    top = sum(1 for x in xs if x >= 4)
    return {"n": n, "mean": sum(xs) / n, "top2": top / n, "ci95": wilson(top, n)}


def ces(answers):
    """§3.7 (CES 2.0, 1–7): mean, share agreeing (5–7) and its Wilson interval."""
    xs = [x for x in answers if x is not None]
    n = len(xs)
    if n == 0:
        return {"n": 0, "mean": None, "agree": None, "agree_ci95": None}
    agree = sum(1 for x in xs if x >= 5)
    return {"n": n, "mean": sum(xs) / n, "agree": agree / n, "agree_ci95": wilson(agree, n)}


KANO_TABLE = {  # functional -> dysfunctional -> category (§3.8, Berger et al. 1993)
    "like": {"like": "Q", "must-be": "A", "neutral": "A", "live-with": "A", "dislike": "O"},
    "dislike": {"like": "R", "must-be": "R", "neutral": "R", "live-with": "R", "dislike": "Q"},
}
for _middle in ("must-be", "neutral", "live-with"):
    KANO_TABLE[_middle] = {"like": "R", "must-be": "I", "neutral": "I", "live-with": "I", "dislike": "M"}
KANO_ORDER = ("M", "O", "A", "I", "R", "Q")  # tie order


def kano(pairs):
    """§3.8 for one feature from (functional, dysfunctional) answers."""
    cats = [KANO_TABLE[f][d] for f, d in pairs]
    n = len(cats)
    counts = {c: cats.count(c) for c in KANO_ORDER}
    category = max(KANO_ORDER, key=lambda c: (counts[c], -KANO_ORDER.index(c))) if n else None
    a, o, m, i = counts["A"], counts["O"], counts["M"], counts["I"]
    den = a + o + m + i
    top = sorted(counts.values(), reverse=True)
    first, second = top[0], top[1]
    threshold = 1.65 * math.sqrt((first + second) * (2 * n - first - second) / (2 * n)) if n else None
    return {
        "n": n,
        "categories": cats,
        "counts": counts,
        "category": category,
        "better": (a + o) / den if den else None,
        "worse": -(o + m) / den if den else None,
        "fong_threshold": threshold,
        "fong_significant": None if threshold is None else first - second >= threshold,
    }


# --- The aggregate report (§3) ---------------------------------------------------------------


def dimension_report(fmt, dims, respondents, per_dim_rows, administered):
    """Statistics, alpha and items of each dimension. `per_dim_rows[r][d][kind]` are the
    respondents' dimension scores (None where not scored); `administered[r]` whether the
    respondent was shown these items (for the non-response rate)."""
    shown = sum(1 for a in administered if a)
    out = {}
    for d, items in dims.items():
        block = {kind: stats(row[d][kind] for row in per_dim_rows) for kind in DIMENSION_KINDS[fmt]}
        values = [[item_values(fmt, (r.get("answers") or {}).get(i) or {}) for i in items] for r in respondents]
        alpha_p, per_item = cronbach([[v["p"] for v in row] for row in values], len(items))
        block["alpha"] = {"p": alpha_p}
        if fmt == "gap":
            block["alpha"]["gap"] = cronbach([[v["gap"] for v in row] for row in values], len(items))[0]
        block["items"] = {}
        for j, code in enumerate(items):
            item = {kind: stats(row[j][kind] for row in values) for kind in ITEM_KINDS[fmt]}
            item.update(per_item[j])
            answered = sum(1 for row, a in zip(values, administered) if a and row[j]["p"] is not None)
            item["nonresponse"] = (shown - answered) / shown if shown else None
            block["items"][code] = item
        out[d] = block
    return out


def monday(submitted_at):
    """The Monday (ISO date) of the week of the date written in an RFC 3339 time (§3.11: the
    date as written, whatever its offset)."""
    day = datetime.date.fromisoformat(submitted_at[:10])
    return (day - datetime.timedelta(days=day.weekday())).isoformat()


def ipa(dims, dim_report, per_dim_rows, respondents):
    """§3.9: performance (mean P_d), stated importance (mean 100·w_d), derived importance
    r(P_d, satisfaction), crosshairs and quadrants; None without weights and satisfaction."""
    performance = {d: dim_report[d]["p"]["mean"] for d in dims}
    with_weights = [r["weights"] for r in respondents if r.get("weights") is not None]
    stated = None
    if with_weights:
        stated = {}
        for d in dims:
            shares = [100 * float(w[d]) / sum(float(w[c]) for c in dims) for w in with_weights]
            stated[d] = sum(shares) / len(shares)
    derived = {}
    for d in dims:
        pairs = [(row[d]["p"], (r.get("outcomes") or {}).get("satisfaction")) for row, r in zip(per_dim_rows, respondents)]
        pairs = [(p, s) for p, s in pairs if p is not None and s is not None]
        derived[d] = pearson([p for p, _ in pairs], [s for _, s in pairs]) if len(pairs) >= 3 else None
    if stated is None and all(v is None for v in derived.values()):
        return None

    def quadrants(importance):
        plotted = [(d, importance[d], performance[d]) for d in dims
                   if importance.get(d) is not None and performance[d] is not None]
        if not plotted:
            return None
        ci = sum(i for _, i, _ in plotted) / len(plotted)
        cp = sum(p for _, _, p in plotted) / len(plotted)
        names = {(True, False): "A", (True, True): "B", (False, False): "C", (False, True): "D"}

        def high(v, c):  # a tie with the crosshair, within 1e-9 relative, is high
            return v >= c - 1e-9 * max(1.0, abs(c))

        return {"crosshair_importance": ci, "crosshair_performance": cp,
                "quadrant": {d: names[(high(i, ci), high(p, cp))] for d, i, p in plotted}}

    out = {"performance": performance}
    if stated is not None:
        out["stated_importance"] = stated
    out["derived_importance_r"] = derived
    if stated is not None and quadrants(stated) is not None:
        out["stated"] = quadrants(stated)
    if quadrants(derived) is not None:
        out["derived"] = quadrants(derived)
    return out


def trend(fmt, dims, per_dim_rows, overall_rows, respondents):
    """Per calendar week (Monday first, oldest first): n, the mean headline score per dimension
    and the mean of each overall score, over the respondents that have one."""
    weeks = {}
    for i, r in enumerate(respondents):
        if r.get("submitted_at"):
            weeks.setdefault(monday(r["submitted_at"]), []).append(i)
    if not weeks:
        return None
    out = []
    for week in sorted(weeks):
        rows = weeks[week]
        out.append({
            "week": week,
            "n": len(rows),
            "dimensions": {d: mean_or_none([per_dim_rows[i][d][HEADLINE[fmt]] for i in rows]) for d in dims},
            "overall": {k: mean_or_none([overall_rows[i][k] for i in rows]) for k in OVERALL_KEYS[fmt]},
        })
    return out


def report(instrument, fmt, respondents, only=None):
    """The aggregate report of a list of respondents (§3)."""
    dims = dimensions(instrument, only)
    lo, hi = scale(instrument, fmt)
    respondents = [dict(r, answers=keyed(instrument, fmt, r.get("answers") or {})) for r in respondents]
    per_dim_rows = [dimension_scores(fmt, dims, r.get("answers") or {}) for r in respondents]
    overall_rows = [overall_scores(fmt, dims, pd_, r.get("weights")) for pd_, r in zip(per_dim_rows, respondents)]
    out = {"instrument": instrument, "format": fmt, "scale": {"min": lo, "max": hi}, "responses": len(respondents)}
    if only is not None and list(dims) != [c for c, _ in INSTRUMENTS[instrument]]:
        out["dimension_set"] = list(dims)
    out["dimensions"] = dimension_report(fmt, dims, respondents, per_dim_rows, [True] * len(respondents))
    out["overall"] = {k: stats(o[k] for o in overall_rows) for k in OVERALL_KEYS[fmt]}
    outcome = lambda key: [(r.get("outcomes") or {}).get(key) for r in respondents]  # noqa: E731
    out["nps"] = nps(outcome("nps"))
    out["csat"] = csat(outcome("csat"))
    weakest_code = weakest((d, out["dimensions"][d][HEADLINE[fmt]]["mean"]) for d in dims)
    if weakest_code is not None:  # an optional key: present when the data has one
        out["weakest"] = weakest_code
    if instrument == "e-s-qual" and any(r.get("recovery") is not None for r in respondents):
        rdims = dimensions("e-recs-qual")
        given = [r.get("recovery") is not None for r in respondents]
        as_answers = [{"answers": r.get("recovery") or {}} for r in respondents]
        rows = [dimension_scores("perception", rdims, a["answers"]) if g else {d: {"p": None} for d in rdims}
                for a, g in zip(as_answers, given)]
        out["recovery"] = dimension_report("perception", rdims, as_answers, rows, given)
    ces_block = ces(outcome("ces"))
    if ces_block["n"] > 0:
        out["ces"] = ces_block
    ipa_block = ipa(dims, out["dimensions"], per_dim_rows, respondents)
    if ipa_block is not None:
        out["ipa"] = ipa_block
    trend_block = trend(fmt, dims, per_dim_rows, overall_rows, respondents)
    if trend_block is not None:
        out["trend"] = trend_block
    classes = {"dissatisfied": 0, "satisfied": 0, "delighted": 0, "unclassified": 0}
    for o in overall_rows:
        classes[satisfaction_class(fmt, o, lo, hi) or "unclassified"] += 1
    out["classes"] = classes
    sat = stats(outcome("satisfaction"))
    if sat["n"] > 0:
        out["satisfaction"] = sat
    return out


# --- Comparisons: periods and segments (§8) ---------------------------------------------------


def instant(text):
    """An RFC 3339 time or a date as an aware UTC datetime (§8.1)."""
    text = text.strip()
    if len(text) == 10:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))


def in_period(respondent, start, end):
    """§8.1: from ≤ submitted_at < to; a date `to` includes that date."""
    at = respondent.get("submitted_at")
    if at is None:
        return start is None and end is None
    t = instant(at)
    if start is not None and t < instant(start):
        return False
    if end is not None:
        stop = instant(end) + (datetime.timedelta(days=1) if len(end.strip()) == 10 else datetime.timedelta(0))
        if t >= stop:
            return False
    return True


def _verdict(p_adjusted, difference):
    if p_adjusted is None or difference is None:
        return None
    if p_adjusted < 0.05 and difference > 0:
        return "up"
    if p_adjusted < 0.05 and difference < 0:
        return "down"
    return "no clear change"


def welch_test(score_name, x1, x0):
    """§8.2 by scipy's Welch test on the raw per-respondent scores."""
    x1 = [x for x in x1 if x is not None]
    x0 = [x for x in x0 if x is not None]
    out = {"score": score_name, "method": "welch", "n_current": len(x1), "n_base": len(x0),
           "current": float(np.mean(x1)) if x1 else None, "base": float(np.mean(x0)) if x0 else None,
           "difference": None, "se": None, "df": None, "statistic": None, "ci95": None, "p": None}
    if x1 and x0:
        out["difference"] = out["current"] - out["base"]
    if len(x1) >= 2 and len(x0) >= 2:
        v = np.var(x1, ddof=1) / len(x1) + np.var(x0, ddof=1) / len(x0)
        if v > 0:
            r = scipy.stats.ttest_ind(np.array(x1, float), np.array(x0, float), equal_var=False)
            ci = r.confidence_interval(0.95)
            out.update(se=float(math.sqrt(v)), df=float(r.df), statistic=float(r.statistic),
                       ci95=[float(ci.low), float(ci.high)], p=float(r.pvalue))
    return out


def nps_test(a1, a0):
    """§8.3 from the reference's NPS of each side."""
    c, b = nps(a1), nps(a0)
    out = {"score": "nps", "method": "nps-normal", "n_current": c["n"], "n_base": b["n"],
           "current": c["score"], "base": b["score"], "difference": None, "se": None, "statistic": None,
           "ci95": None, "p": None}
    if c["n"] and b["n"]:
        d = c["score"] - b["score"]
        out["difference"] = d
        se = math.sqrt(c["se"] ** 2 + b["se"] ** 2)
        if se > 0:
            z = d / se
            q = scipy.stats.norm.ppf(0.975)
            out.update(se=se, statistic=z, ci95=[d - q * se, d + q * se], p=float(2 * scipy.stats.norm.sf(abs(z))))
    return out


def csat_test(a1, a0):
    """§8.4: Newcombe's method 10 (statsmodels' 'newcomb') and the pooled two-proportion z test."""
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
    x1 = [x for x in a1 if x is not None]
    x0 = [x for x in a0 if x is not None]
    n1, n0 = len(x1), len(x0)
    t1, t0 = sum(1 for x in x1 if x >= 4), sum(1 for x in x0 if x >= 4)
    out = {"score": "top2", "method": "newcombe", "n_current": n1, "n_base": n0,
           "current": t1 / n1 if n1 else None, "base": t0 / n0 if n0 else None, "difference": None,
           "se": None, "statistic": None, "ci95": None, "p": None}
    if n1 and n0:
        d = t1 / n1 - t0 / n0
        out["difference"] = d
        lo, hi = confint_proportions_2indep(t1, n1, t0, n0, method="newcomb", compare="diff")
        # The same interval by the formula of §8.4 from the reference's Wilson intervals.
        (l1, u1), (l0, u0) = wilson(t1, n1), wilson(t0, n0)
        p1, p0 = t1 / n1, t0 / n0
        by_formula = [d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)]
        assert abs(by_formula[0] - lo) < 1e-12 and abs(by_formula[1] - hi) < 1e-12, (by_formula, lo, hi)
        out["ci95"] = [float(lo), float(hi)]
        pooled = (t1 + t0) / (n1 + n0)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
        if se > 0:
            z, p = proportions_ztest([t1, t0], [n1, n0])
            out.update(se=se, statistic=float(z), p=float(p))
    return out


def compare(instrument, fmt, current, base, only=None):
    """§8.2–§8.6: the current respondents against the base respondents."""
    from statsmodels.stats.multitest import multipletests
    dims = dimensions(instrument, only)
    head = HEADLINE[fmt]

    def rows(respondents):
        keyed_rows = [dict(r, answers=keyed(instrument, fmt, r.get("answers") or {})) for r in respondents]
        per_dim = [dimension_scores(fmt, dims, r.get("answers") or {}) for r in keyed_rows]
        overall = [overall_scores(fmt, dims, pd_, r.get("weights")) for pd_, r in zip(per_dim, keyed_rows)]
        return per_dim, overall

    (pd1, ov1), (pd0, ov0) = rows(current), rows(base)
    out = {"alpha": 0.05, "holm_family": "dimensions", "dimensions": {}}
    for d in dims:
        out["dimensions"][d] = welch_test(head, [r[d][head] for r in pd1], [r[d][head] for r in pd0])
    tested = [d for d in dims if out["dimensions"][d]["p"] is not None]
    if tested:
        adjusted = multipletests([out["dimensions"][d]["p"] for d in tested], method="holm")[1]
        for d, p in zip(tested, adjusted):
            out["dimensions"][d]["p_adjusted"] = float(p)
    for d in dims:
        t = out["dimensions"][d]
        t.setdefault("p_adjusted", None)
        t["verdict"] = _verdict(t["p_adjusted"], t["difference"])
    outcome = lambda rs, key: [(r.get("outcomes") or {}).get(key) for r in rs]  # noqa: E731
    out["overall"] = welch_test(head, [o[head] for o in ov1], [o[head] for o in ov0])
    out["nps"] = nps_test(outcome(current, "nps"), outcome(base, "nps"))
    out["csat"] = csat_test(outcome(current, "csat"), outcome(base, "csat"))
    for key in ("overall", "nps", "csat"):
        t = out[key]
        t["p_adjusted"] = t["p"]
        t["verdict"] = _verdict(t["p"], t["difference"])
    return out


def segments(instrument, fmt, respondents, key, only=None):
    """§8.7: per value of meta.KEY its report and its comparison with every other respondent."""
    value = lambda r: (r.get("meta") or {}).get(key)  # noqa: E731
    text = lambda v: v if isinstance(v, str) else (json.dumps(v) if isinstance(v, (int, float, bool)) else None)  # noqa: E731
    values = sorted({text(value(r)) for r in respondents} - {None})
    out = {"key": key, "without_value": sum(1 for r in respondents if text(value(r)) is None), "small_below": 30,
           "values": {}}
    for v in values:
        inside = [r for r in respondents if text(value(r)) == v]
        rest = [r for r in respondents if text(value(r)) != v]
        out["values"][v] = {"responses": len(inside), "small": len(inside) < 30,
                            "report": report(instrument, fmt, inside, only),
                            "against_rest": compare(instrument, fmt, inside, rest, only)}
    return out


# --- Input -----------------------------------------------------------------------------------


def _cell(text, what, integer=True):
    text = (text or "").strip()
    if text == "" or text == "NA":
        return None
    x = float(text)
    if integer:
        if x != int(x):
            raise ValueError(f"{what}: {text!r} is not an integer")
        return int(x)
    return x


def read_csv(path, instrument, fmt=None, only=None):
    """Respondents of a wide CSV (docs/interfaces.md): empty or NA is missing."""
    fmt = fmt or default_format(instrument)
    dims = dimensions(instrument, only)
    every_item = {i for its in dimensions(instrument).values() for i in its}
    recovery_items = [i for its in dimensions("e-recs-qual").values() for i in its]
    out = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            r = {"id": row.get("id"), "submitted_at": row.get("submitted_at") or None,
                 "answers": {i: {} for its in dims.values() for i in its}, "outcomes": {}}
            weights, recovery = {}, {}
            value, loyalty = [None] * VALUE_ITEMS, [None] * LOYALTY_ITEMS
            for column, text in row.items():
                where = f"{path}:{line}:{column}"
                code, _, field = column.partition(".")
                if column in ("id", "submitted_at"):
                    continue
                if code in every_item:
                    field = field or "p"
                    if field not in FIELDS[fmt]:
                        raise ValueError(f"{where}: no field {field!r} in {fmt} format")
                    if code in r["answers"]:
                        r["answers"][code][field] = _cell(text, where)
                elif code == "recovery" and field in recovery_items and instrument == "e-s-qual":
                    recovery[field] = {"p": _cell(text, where)}
                elif code == "meta" and field:
                    r.setdefault("meta", {})[field] = None if (text or "").strip() in ("", "NA") else text.strip()
                elif code == "weight" and field in dims:
                    weights[field] = _cell(text, where, integer=False)
                elif column == "comment":
                    if (text or "").strip():
                        r["outcomes"]["comment"] = text
                elif column in ("nps", "csat", "ces", "satisfaction"):
                    r["outcomes"][column] = _cell(text, where)
                elif column.startswith("value") and column[5:].isdigit() and 1 <= int(column[5:]) <= VALUE_ITEMS:
                    value[int(column[5:]) - 1] = _cell(text, where)
                elif column.startswith("loyalty") and column[7:].isdigit() and 1 <= int(column[7:]) <= LOYALTY_ITEMS:
                    loyalty[int(column[7:]) - 1] = _cell(text, where)
                elif code == "weight" and field in dimensions(instrument):
                    continue  # a switched-off dimension's weight column
                else:
                    raise ValueError(f"{where}: unknown column")
            filled = [w for w in weights.values() if w is not None]
            if filled and len(filled) != len(dims):
                raise ValueError(f"{path}:{line}: some weight cells are empty")
            r["weights"] = {d: weights[d] for d in dims} if filled else None
            r["recovery"] = recovery if any(a["p"] is not None for a in recovery.values()) else None
            if any(v is not None for v in value):
                r["outcomes"]["value"] = value
            if any(v is not None for v in loyalty):
                r["outcomes"]["loyalty"] = loyalty
            out.append(r)
    return out


def read_payload(payload):
    """A respondent from an `eservqual.response/1` payload: (instrument, format, D or None,
    respondent)."""
    inst = payload["instrument"]
    instrument = inst["id"]
    fmt = inst.get("format") or default_format(instrument)
    only = inst.get("dimensions")
    respondent = {
        "id": payload.get("id"),
        "submitted_at": payload.get("submitted_at"),
        "answers": {i: dict(a or {}) for i, a in (payload.get("answers") or {}).items()},
        "weights": payload.get("weights"),
        "recovery": payload.get("recovery"),
        "outcomes": dict(payload.get("outcomes") or {}),
        "meta": payload.get("meta"),
    }
    return instrument, fmt, only, respondent


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [read_payload(json.loads(line)) for line in f if line.strip()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="the aggregate report of a wide CSV or a JSONL file")
    rep.add_argument("--instrument", required=True, help="a built-in id or a custom instrument JSON file")
    rep.add_argument("--format")
    rep.add_argument("--dimensions")
    rep.add_argument("--from", dest="start")
    rep.add_argument("--to", dest="end")
    rep.add_argument("--compare", help="FROM..TO")
    rep.add_argument("--by", help="meta.KEY")
    rep.add_argument("file")
    sc = sub.add_parser("scores", help="the scores object of one payload")
    sc.add_argument("--instrument", action="append", default=[], help="a custom instrument JSON file")
    sc.add_argument("file")
    args = parser.parse_args(argv)
    if args.command == "scores":
        for path in args.instrument:
            load_instrument(path)
        with open(args.file, encoding="utf-8") as f:
            instrument, fmt, only, respondent = read_payload(json.load(f))
        result = score(instrument, fmt, respondent, only)
    else:
        instrument = load_instrument(args.instrument) if args.instrument.endswith(".json") else args.instrument
        fmt = args.format or default_format(instrument)
        only = args.dimensions.split(",") if args.dimensions else None
        if args.file.endswith(".jsonl"):
            respondents = [r for _, _, _, r in read_jsonl(args.file)]
        else:
            respondents = read_csv(args.file, instrument, fmt, only)
        everyone = respondents
        if args.start is not None or args.end is not None:
            respondents = [r for r in everyone if in_period(r, args.start, args.end)]
        result = report(instrument, fmt, respondents, only)
        if args.compare:
            b_from, b_to = args.compare.split("..")
            base = [r for r in everyone if in_period(r, b_from, b_to)]
            block = {"current": {"from": args.start, "to": args.end, "responses": len(respondents)},
                     "base": {"from": b_from, "to": b_to, "responses": len(base)}}
            block.update(compare(instrument, fmt, respondents, base, only))
            result["compare"] = block
        if args.by:
            result["segments"] = segments(instrument, fmt, respondents, args.by[len("meta."):], only)
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
