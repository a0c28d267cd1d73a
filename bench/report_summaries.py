#!/usr/bin/env python3
"""`GET /v1/report` latency from the per-day summaries against the full scan of every stored
payload, at 10 k and 100 k stored responses (BENCHMARKS.md "Report from summaries").

Not part of `make test` nor of `make bench`'s default set; run it by hand after
`cargo build --release -p eservqual-server`:

    python3 bench/report_summaries.py                      # SQLite
    scripts/pg-cluster.sh run python3 bench/report_summaries.py   # SQLite and PostgreSQL

Each size is a fresh database filled by the collector itself (`serve --seed N`: e-s-qual
responses spread over the eight weeks before now, through the same checks and the same
transactions as a POST, so the summaries are built as in production). The same collector then
answers `/v1/report?instrument=e-s-qual&format=perception` (whole days: the summaries, one row
per day) and the same report with `from=2000-01-01T00:00:01Z` (a bound inside a day: the full
scan of every stored payload). Both answers are checked equal within 1e-9·max(1, |x|) and to
count N responses before timing. Wall time per request from the client (urllib, one
connection per request), the median of the runs; results in bench/results/report_summaries.json.
"""

import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "eservqual"
RESULTS = ROOT / "bench" / "results" / "report_summaries.json"
TOKEN = "bench-admin-token-not-secret-0123456789"
SIZES = [int(x) for x in os.environ.get("SIZES", "10000,100000").split(",")]
REPORT = "/v1/report?instrument=e-s-qual&format=perception"
SCAN = REPORT + "&from=2000-01-01T00:00:01Z"


def log(msg):
    print(f"report_summaries: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(store, seed, logf):
    port = free_port()
    p = subprocess.Popen(
        [str(BIN), "serve", "--addr", f"127.0.0.1:{port}", *store, "--seed", str(seed), "--rate-limit", "0",
         "--admin-token", TOKEN],
        stdout=subprocess.DEVNULL, stderr=logf, env={**os.environ, "ESERVQUAL_LOG": "warn"})
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise SystemExit(f"the collector exited ({p.returncode}); see its log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return p, port
        except OSError:
            time.sleep(0.2)
    p.kill()
    raise SystemExit("the collector did not start")


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()


def get(port, path):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {TOKEN}"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:
        body = r.read()
    return time.perf_counter() - t0, json.loads(body)


def differences(a, e, path=""):
    if isinstance(a, bool) or isinstance(e, bool) or a is None or e is None or isinstance(a, str):
        return [] if a == e else [f"{path}: {a} != {e}"]
    if isinstance(a, (int, float)) and isinstance(e, (int, float)):
        return [] if abs(a - e) <= 1e-9 * max(1.0, abs(e)) else [f"{path}: {a} != {e}"]
    if isinstance(a, dict) and isinstance(e, dict):
        if a.keys() != e.keys():
            return [f"{path}: keys differ"]
        return [d for k in a for d in differences(a[k], e[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(e, list) and len(a) == len(e):
        return [d for i, (x, y) in enumerate(zip(a, e)) for d in differences(x, y, f"{path}[{i}]")]
    return [f"{path}: {a} != {e}"]


def psql(url, sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(backend, n, store, logf):
    t0 = time.monotonic()
    p, port = start(store, n, logf)
    seeded = time.monotonic() - t0
    try:
        _, fast = get(port, REPORT)
        _, slow = get(port, SCAN)
        assert fast["responses"] == n and slow["responses"] == n, (fast["responses"], slow["responses"])
        diff = differences(fast, slow)
        if diff:
            raise SystemExit(f"{backend} {n}: summaries and scan differ: {diff[:5]}")
        weeks = len(fast.get("trend") or [])
        runs_fast = [get(port, REPORT)[0] for _ in range(30)]
        runs_slow = [get(port, SCAN)[0] for _ in range(5 if n >= 100_000 else 10)]
    finally:
        stop(p)
    row = {
        "backend": backend, "responses": n, "seed_seconds": round(seeded, 1), "weeks": weeks,
        "summaries_ms": round(statistics.median(runs_fast) * 1000, 2),
        "summaries_p90_ms": round(sorted(runs_fast)[int(0.9 * len(runs_fast)) - 1] * 1000, 2),
        "scan_ms": round(statistics.median(runs_slow) * 1000, 1),
    }
    row["speedup"] = round(row["scan_ms"] / row["summaries_ms"], 1)
    log(json.dumps(row))
    return row


def main():
    if not BIN.exists():
        raise SystemExit(f"{BIN} is missing: cargo build --release -p eservqual-server")
    pg = os.environ.get("ESERVQUAL_TEST_DATABASE_URL")
    rows = []
    with tempfile.TemporaryDirectory(prefix="eservqual-bench-") as tmp:
        logf = open(Path(tmp) / "serve.log", "a")
        for n in SIZES:
            rows.append(measure("sqlite", n, ["--db", str(Path(tmp) / f"r{n}.db")], logf))
            if pg:
                base = pg.rsplit("/", 1)[0]
                name = f"bench_summaries_{n}"
                psql(pg, f"DROP DATABASE IF EXISTS {name}")
                psql(pg, f"CREATE DATABASE {name}")
                rows.append(measure("postgres", n, ["--database-url", f"{base}/{name}"], logf))
                psql(pg, f"DROP DATABASE IF EXISTS {name}")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    out = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": commit.strip(),
        "load": list(os.getloadavg()), "cpus": os.cpu_count(), "machine": platform.machine(), "rows": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print("| backend | stored responses | report from summaries (median, p90) | full scan (median) | ratio |")
    print("|---|--:|--:|--:|--:|")
    for r in rows:
        print(f"| {r['backend']} | {r['responses']:,} | {r['summaries_ms']} ms ({r['summaries_p90_ms']} ms) "
              f"| {r['scan_ms']} ms | {r['speedup']}× |")


if __name__ == "__main__":
    main()
