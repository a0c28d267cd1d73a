"""The peer of `eservqual report` in BENCHMARKS.md §3: the same statistics of a SERVQUAL
gap-format wide CSV with pandas + pingouin, written the way an analyst would (vectorised, one
column per item), following docs/scoring.md §1.3, §2.2, §2.3, §3.1, §3.3–3.5.

Usage: report_pandas.py FILE.csv > out.json. Prints the JSON subset of the report contract it
computes (dimension p/e/gap stats, alpha p/gap, overall, NPS) and, on stderr, a JSON line with
its own phase times (imports, read, compute).
"""
import json
import sys
import time

t0 = time.perf_counter()
import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats as st

t_import = time.perf_counter() - t0

DIMS = {"TAN": 4, "REL": 5, "RSP": 4, "ASR": 4, "EMP": 5}  # servqual, docs/interfaces.md


def stats(x):
    x = x.dropna()
    n = int(x.shape[0])
    out = {"n": n, "mean": None, "sd": None, "se": None, "ci95": None}
    if n == 0:
        return out
    mean = float(x.mean())
    out["mean"] = mean
    if n > 1:
        sd = float(x.std(ddof=1))
        se = sd / np.sqrt(n)
        t = float(st.t.ppf(0.975, n - 1))
        out.update(sd=sd, se=se, ci95=[mean - t * se, mean + t * se])
    return out


def half_rule(block):
    k = block.shape[1]
    ok = block.notna().sum(axis=1) >= (k + 1) // 2
    return block.mean(axis=1).where(ok)


def alpha(block):
    k = block.shape[1]
    used = block.dropna()
    n = int(used.shape[0])
    out = {"raw": None, "std": None, "n": n, "ci95": None}
    if k < 2 or n < 2:
        return out
    raw, _pingouin_ci = pg.cronbach_alpha(data=block, nan_policy="listwise")
    # pingouin's interval uses the row count before deletion (docs/scoring.md §3.3); Feldt on n used:
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - raw) * st.f.ppf(0.975, df1, df2)
    hi = 1 - (1 - raw) * st.f.ppf(0.025, df1, df2)
    corr = used.corr().to_numpy().sum()
    out.update(raw=float(raw), std=float(k / (k - 1) * (1 - k / corr)), ci95=[float(lo), float(hi)])
    return out


def main(path):
    t1 = time.perf_counter()
    df = pd.read_csv(path, na_values=["NA"], dtype={"id": str, "submitted_at": str})
    df = df.drop_duplicates("id", keep="first") if "id" in df else df
    t_read = time.perf_counter() - t1

    t2 = time.perf_counter()
    report = {"instrument": "servqual", "format": "gap", "responses": int(df.shape[0]), "dimensions": {}}
    P, G = {}, {}
    for d, k in DIMS.items():
        items = [f"{d}{i}" for i in range(1, k + 1)]
        p = df[[f"{c}.p" for c in items]]
        e = df[[f"{c}.e" for c in items]]
        g = pd.DataFrame(p.to_numpy() - e.to_numpy(), index=df.index, columns=items)
        P[d], G[d] = half_rule(p), half_rule(g)
        report["dimensions"][d] = {
            "p": stats(P[d]),
            "e": stats(half_rule(e)),
            "gap": stats(G[d]),
            "alpha": {"p": alpha(p), "gap": alpha(g)},
        }
    Pm, Gm = pd.DataFrame(P), pd.DataFrame(G)
    w = df[[f"weight.{d}" for d in DIMS]].to_numpy()
    w = w / w.sum(axis=1, keepdims=True)
    report["overall"] = {
        "p": stats(Pm.mean(axis=1, skipna=False)),
        "p_weighted": stats(pd.Series((w * Pm.to_numpy()).sum(axis=1))),
        "gap": stats(Gm.mean(axis=1, skipna=False)),
        "gap_weighted": stats(pd.Series((w * Gm.to_numpy()).sum(axis=1))),
    }
    nps = df["nps"].dropna()
    n = int(nps.shape[0])
    pp, pd_ = float((nps >= 9).sum() / n), float((nps <= 6).sum() / n)
    report["nps"] = {
        "n": n,
        "score": 100 * (float((nps >= 9).sum()) - float((nps <= 6).sum())) / n,
        "promoters": pp,
        "passives": float(((nps == 7) | (nps == 8)).sum() / n),
        "detractors": pd_,
        "se": 100 * float(np.sqrt((pp + pd_ - (pp - pd_) ** 2) / n)),
    }
    t_compute = time.perf_counter() - t2
    json.dump(report, sys.stdout)
    print(json.dumps({"import_s": t_import, "read_s": t_read, "compute_s": t_compute}), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
