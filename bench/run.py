#!/usr/bin/env python3
"""Runs the benchmarks of BENCHMARKS.md, writes bench/results/<name>.json and regenerates the
tables of BENCHMARKS.md (between its `<!-- bench:NAME -->` markers).

    bench/run.py                 # setup, then every benchmark (what `make bench` runs)
    bench/run.py size report     # only these (their setup first, tables of the others kept)
    bench/run.py --tables        # only regenerate BENCHMARKS.md from the committed JSON

Each benchmark is one function `bench_NAME() -> dict` in BENCHMARKS; its dict is the JSON
result, and `table_NAME(result) -> str` renders its table. The machine facts go into every
result. Big temporary files (CSVs, databases, profiles) go to bench/results/tmp/ (gitignored).
Needs the release binary (`cargo build --release -p eservqual-server`, `make build`) and pkg/
(`scripts/build-wasm.sh`); installs its own peers, only those the chosen benchmarks use:
bench/package.json (npm ci), bench/requirements.txt (a venv in bench/.venv), wrk and time
(Debian), bench/sqlite-raw and bench/pg-raw (cargo).

The PostgreSQL benchmarks (report_summaries, ingest_pg) use the database of
ESERVQUAL_TEST_DATABASE_URL when it is set (`scripts/pg-cluster.sh run bench/run.py`), else a
throw-away cluster that the runner starts with `scripts/pg-cluster.sh start` in a temporary
folder and removes at the end. Each benchmark makes and drops databases of its own in it.
"""
import atexit
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
TMP = RESULTS / "tmp"
BIN = ROOT / "target" / "release" / "eservqual"
VENV_PY = BENCH / ".venv" / "bin" / "python"
RAW = BENCH / "sqlite-raw" / "target" / "release" / "sqlite-raw"
PG_RAW = BENCH / "pg-raw" / "target" / "release" / "pg-raw"
TOKEN = "bench-admin-token-not-secret-0123456789"
DOC = ROOT / "BENCHMARKS.md"

# Benchmark sizes and repetitions; ESERVQUAL_BENCH_QUICK=1 shrinks them for trying the runner.
QUICK = os.environ.get("ESERVQUAL_BENCH_QUICK") == "1"
REPORT_SIZES = [10_000, 100_000] if QUICK else [10_000, 100_000, 1_000_000]
REPORT_RUNS = {"eservqual": 3 if QUICK else 5, "pandas": 1 if QUICK else 3}
SEED = 7
CONCURRENCIES = [1, 8, 32] if QUICK else [1, 8, 32, 128]
INGEST_ROUNDS = 1 if QUICK else 3
INGEST_SECONDS = 3 if QUICK else 5
RAW_SECONDS = 1 if QUICK else 3
PG_CONCURRENCIES = [1, 8] if QUICK else [1, 8, 32]
SUMMARY_SIZES = [10_000, 100_000] if QUICK else [10_000, 100_000, 1_000_000]
NOT_YET = "not measured yet: the widget's init() lands with issue #4"


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    kw.setdefault("text", True)
    return subprocess.run(cmd, check=True, **kw)


def out(cmd, **kw):
    return run(cmd, capture_output=True, **kw).stdout.strip()


# ---------------------------------------------------------------------------------------------
# Setup: everything the benchmarks need, skipping what is there.

# What each benchmark needs installed or built before it runs.
NEEDS = {
    "size": {"npm", "venv", "pkg", "twiggy"},
    "render": {"npm", "pkg"},
    "report": {"time", "venv"},
    "ingest": {"wrk", "sqlite-raw"},
    "browser_scoring": {"npm", "pkg"},
    "report_summaries": {"postgres"},
    "ingest_pg": {"wrk", "pg-raw", "postgres"},
}


def setup(names):
    needs = set().union(*(NEEDS[n] for n in names))
    TMP.mkdir(parents=True, exist_ok=True)
    missing = [p for p, exe in (("wrk", "wrk"), ("time", "/usr/bin/time")) if p in needs and not shutil.which(exe)]
    if missing:
        log(f"installing {' '.join(missing)} (apt-get)")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        run(sudo + ["apt-get", "update", "-qq"])
        run(sudo + ["apt-get", "install", "-y", "-qq", *missing], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    lock, stamp = BENCH / "package-lock.json", BENCH / "node_modules" / ".package-lock.json"
    if "npm" in needs and (not stamp.exists() or lock.stat().st_mtime > stamp.stat().st_mtime):
        log("installing the npm peers (npm ci in bench/)")
        run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=BENCH)
    req, req_stamp = BENCH / "requirements.txt", BENCH / ".venv" / "requirements.installed"
    if "venv" in needs and (not req_stamp.exists() or req_stamp.read_text() != req.read_text()):
        log("installing the Python peers (venv bench/.venv, bench/requirements.txt)")
        if not VENV_PY.exists():
            run([sys.executable, "-m", "venv", str(BENCH / ".venv")])
        run([str(VENV_PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(req)])
        req_stamp.write_text(req.read_text())
    for raw in ("sqlite-raw", "pg-raw"):
        if raw in needs:
            log(f"building bench/{raw} (cargo, release)")
            run(["cargo", "build", "--release", "--quiet", "--manifest-path", str(BENCH / raw / "Cargo.toml")])
    if not BIN.exists():
        log("building the release binary")
        run(["cargo", "build", "--release", "-p", "eservqual-server"], cwd=ROOT)
    if "pkg" in needs and (not (ROOT / "pkg" / "eservqual_wasm_bg.wasm").exists() or not STAGE_WASM.exists()):
        log("building pkg/ (scripts/build-wasm.sh)")
        run([str(ROOT / "scripts" / "build-wasm.sh")], cwd=ROOT)
    if "twiggy" in needs and not shutil.which("twiggy"):
        log("installing twiggy (cargo install, for the size breakdown)")
        run(["cargo", "install", "--quiet", "--locked", "twiggy"])
    if "postgres" in needs:
        postgres()


_pg_url = None


def postgres():
    """The URL of a PostgreSQL cluster: ESERVQUAL_TEST_DATABASE_URL, or a throw-away one of
    scripts/pg-cluster.sh, stopped and removed when the runner exits."""
    global _pg_url
    if _pg_url is None:
        _pg_url = os.environ.get("ESERVQUAL_TEST_DATABASE_URL")
        if not _pg_url:
            # Under /tmp rather than bench/results/tmp: the server runs as the postgres user,
            # which must be able to reach the folder.
            folder = tempfile.mkdtemp(prefix="eservqual-pg-bench.")
            script = str(ROOT / "scripts" / "pg-cluster.sh")
            atexit.register(lambda: subprocess.run([script, "remove", folder], check=False))
            log(f"starting a throw-away PostgreSQL cluster in {folder} (scripts/pg-cluster.sh)")
            _pg_url = out([script, "start", folder])
    return _pg_url


# psql without its NOTICEs (a DROP ... IF EXISTS of nothing).
PSQL_ENV = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}


def pg_database(name):
    """A new empty database `name` in the cluster (dropped first if left over); its URL."""
    url = postgres()
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], stdout=subprocess.DEVNULL, env=PSQL_ENV)
    return url.rsplit("/", 1)[0] + "/" + name


def pg_drop(name):
    run(["psql", "-q", "-v", "ON_ERROR_STOP=1", postgres(), "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], stdout=subprocess.DEVNULL, env=PSQL_ENV)


def pg_value(url, sql):
    return out(["psql", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql])


def first_line(cmd):
    try:
        return out(cmd).splitlines()[0]
    except Exception:
        return None


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), platform.processor())
    mem = int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")))
    dirty = bool(out(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT))
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": first_line(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "commit": out(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT) + ("+dirty" if dirty else ""),
        "eservqual": first_line([str(BIN), "--version"]),
        "rustc": first_line(["rustc", "--version"]),
        "node": first_line(["node", "--version"]),
        "python": platform.python_version(),
    }


# ---------------------------------------------------------------------------------------------
# 1. Download size

def gzip9(path):
    # Same as scripts/size-budget.sh: `gzip -9 -c FILE | wc -c`.
    return len(run(["gzip", "-9", "-c", str(path)], capture_output=True, text=False).stdout)


def brotli11(path):
    r = run([str(VENV_PY), "-c", "import brotli,sys; sys.stdout.write(str(len(brotli.compress(open(sys.argv[1],'rb').read(), quality=11))))", str(path)], capture_output=True)
    return int(r.stdout)


def esqual_items():
    """The 22 E-S-QUAL items (code, English text) from the core's English wording file."""
    text = (ROOT / "core" / "src" / "text" / "en.txt").read_text()
    items = re.findall(r"^item\.((?:EFF|SYS|FUL|PRI)\d) = (.*)$", text, re.M)
    order = {"EFF": 0, "SYS": 1, "FUL": 2, "PRI": 3}
    items.sort(key=lambda kv: (order[kv[0][:3]], int(kv[0][3:])))
    assert len(items) == 22, f"expected 22 E-S-QUAL items in core/src/text/en.txt, found {len(items)}"
    return items


def write_floor_form(path, items):
    """The floor: a hand-written HTML form, 22 five-point radio groups and a submit button."""
    rows = []
    for code, label in items:
        radios = "".join(f'<label><input type=radio name={code} value={v}>{v}</label>' for v in range(1, 6))
        rows.append(f"<fieldset><legend>{label}</legend>{radios}</fieldset>")
    html = ("<!doctype html><meta charset=utf-8><title>Survey</title>"
            "<style>fieldset{border:0;margin:0 0 1em}legend{font-weight:600}label{margin-right:1em}</style>"
            "<form method=post action=/v1/responses><p>1 = strongly disagree, 5 = strongly agree</p>"
            + "".join(rows) + "<button>Send</button></form>\n")
    path.write_text(html)


def write_surveyjs_json(path, items):
    """The same questionnaire as a SurveyJS model (what its page must also ship)."""
    model = {"pages": [{"elements": [{"type": "rating", "name": c, "title": t, "rateMin": 1, "rateMax": 5, "isRequired": False} for c, t in items]}]}
    path.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")))


def measure(files):
    rows = [{"file": str(label), "bytes": p.stat().st_size, "gzip9": gzip9(p), "brotli11": brotli11(p)} for label, p in files]
    total = {k: sum(r[k] for r in rows) for k in ("bytes", "gzip9", "brotli11")}
    return {"files": rows, "total": total}


# The wasm as wasm-bindgen wrote it, before the names are stripped: what the breakdown reads.
STAGE_WASM = ROOT / "target" / "pkg-stage" / "eservqual_wasm_bg.wasm"
CRATES = {"eservqual": "widget", "eservqual_core": "core"}


def wasm_owner(name):
    """The part of the code base an item of the wasm belongs to, from its (demangled) name."""
    if name.startswith("data segment"):
        return "data: constant tables and strings"
    if "externref shim" in name:
        return f"boundary shim of {name.split()[0]}() (the functions inlined into it)"
    if name.startswith('"function names"') or name.startswith('"data names"'):
        return None
    m = re.search(r"\b(eservqual_core|eservqual)::(\w+)", name)
    if m:
        return f"{CRATES[m.group(1)]} {m.group(2)}.rs"
    m = re.match(r"[<&]*(?:dyn )?(\w+)", name)
    crate = m.group(1) if m else "other"
    if crate in ("core", "alloc", "std"):
        return "Rust core / alloc / std"
    if crate in ("wasm_bindgen", "js_sys", "web_sys"):
        return "wasm-bindgen, js-sys, web-sys"
    return "other (allocator, imports, tables)"


def wasm_breakdown():
    """Raw bytes of the optimised wasm by owner, from twiggy on a build that keeps its names."""
    named = TMP / "named.wasm"
    run([str(ROOT / "node_modules" / ".bin" / "wasm-opt"), "-Oz", "-g", "--low-memory-unused", str(STAGE_WASM), "-o", str(named)])
    items = json.loads(out(["twiggy", "top", "-n", "1000000", "-f", "json", str(named)]))
    groups = {}
    for it in items:
        owner = wasm_owner(it["name"])
        if owner:
            groups[owner] = groups.get(owner, 0) + it["shallow_size"]
    total = sum(groups.values())
    top = sorted(groups.items(), key=lambda kv: -kv[1])
    return {"total_bytes": total, "owners": [{"owner": k, "bytes": v} for k, v in top]}


def bench_size():
    nm, pkg = BENCH / "node_modules", ROOT / "pkg"
    items = esqual_items()
    floor, sjs_model = TMP / "floor-form.html", TMP / "surveyjs-model.json"
    write_floor_form(floor, items)
    write_surveyjs_json(sjs_model, items)
    extra_css = sorted(pkg.glob("*.css"))
    ver = lambda p: json.loads((nm / p / "package.json").read_text())["version"]
    sets = {
        "eservqual_loader": measure([("pkg/embed.js", pkg / "embed.js")]),
        # One locale's wording: the questionnaire is English here.
        "eservqual_widget": measure([("pkg/embed.js", pkg / "embed.js"), ("pkg/eservqual.js", pkg / "eservqual.js"),
                                     ("pkg/eservqual_wasm_bg.wasm", pkg / "eservqual_wasm_bg.wasm")]
                                    + [(f"pkg/{t.name}", t) for t in sorted(pkg.glob("text-en.txt"))]
                                    + [(f"pkg/{c.name}", c) for c in extra_css]),
        "surveyjs": measure([("survey-core/survey.core.min.js", nm / "survey-core" / "survey.core.min.js"),
                             ("survey-js-ui/survey-js-ui.min.js", nm / "survey-js-ui" / "survey-js-ui.min.js"),
                             ("survey-core/survey-core.min.css", nm / "survey-core" / "survey-core.min.css"),
                             ("the 22-item model (JSON, generated)", sjs_model)]),
        "formbricks_package": measure([("@formbricks/js/dist/index.js", nm / "@formbricks" / "js" / "dist" / "index.js")]),
        "floor_html_form": measure([("hand-written form (HTML, generated)", floor)]),
    }
    fb = (nm / "@formbricks" / "js" / "dist" / "index.js").read_text()
    runtime = sorted(set(re.findall(r"`\$\{\w+\}(/js/[\w./-]+)`", fb)))
    w, s = sets["eservqual_widget"]["total"], sets["surveyjs"]["total"]
    return {
        "versions": {"survey-core": ver("survey-core"), "survey-js-ui": ver("survey-js-ui"), "@formbricks/js": ver("@formbricks/js")},
        "sets": sets,
        "formbricks_runtime_urls": runtime,
        "wasm_breakdown": wasm_breakdown(),
        "ratios": {"surveyjs_over_widget_gzip9": s["gzip9"] / w["gzip9"], "surveyjs_over_widget_brotli11": s["brotli11"] / w["brotli11"]},
        "goals": {
            "loader_le_2048_gzip": sets["eservqual_loader"]["total"]["gzip9"] <= 2048,
            "widget_le_46080_gzip": w["gzip9"] <= 46080,
            "widget_le_one_ninth_surveyjs_gzip": w["gzip9"] * 9 <= s["gzip9"],
        },
    }


def table_size(r):
    names = {"eservqual_loader": "eservqual, loader alone", "eservqual_widget": "eservqual, loader + module + wasm + English wording",
             "surveyjs": f"SurveyJS {r['versions']['survey-core']} (core + js-ui + default theme CSS + model)",
             "formbricks_package": f"Formbricks @formbricks/js {r['versions']['@formbricks/js']} (package only, see below)",
             "floor_html_form": "floor: hand-written HTML form"}
    w = r["sets"]["eservqual_widget"]["total"]
    lines = ["| what the browser fetches | bytes | gzip -9 | brotli 11 | gzip vs eservqual widget |", "|---|--:|--:|--:|--:|"]
    for k, label in names.items():
        t = r["sets"][k]["total"]
        lines.append(f"| {label} | {t['bytes']:,} | {t['gzip9']:,} | {t['brotli11']:,} | {t['gzip9'] / w['gzip9']:.2f}× |")
    lines += ["", "| file | bytes | gzip -9 | brotli 11 |", "|---|--:|--:|--:|"]
    seen = set()
    for k in names:
        for f in r["sets"][k]["files"]:
            if f["file"] in seen:
                continue
            seen.add(f["file"])
            lines.append(f"| {f['file']} | {f['bytes']:,} | {f['gzip9']:,} | {f['brotli11']:,} |")
    g = r["goals"]
    yes = lambda b: "met" if b else "**not met**"
    lines += ["", f"Goals: loader ≤ 2 KB gzip: {yes(g['loader_le_2048_gzip'])}; whole widget ≤ 45 KB gzip: "
              f"{yes(g['widget_le_46080_gzip'])}; ≤ 1/9 of SurveyJS: {yes(g['widget_le_one_ninth_surveyjs_gzip'])} "
              f"(SurveyJS is {r['ratios']['surveyjs_over_widget_gzip9']:.1f}× the widget in gzip, "
              f"{r['ratios']['surveyjs_over_widget_brotli11']:.1f}× in brotli). "
              f"Formbricks loads at run time from its server: {', '.join('`{appUrl}' + u + '`' for u in r['formbricks_runtime_urls']) or 'nothing found'}."]
    b = r.get("wasm_breakdown")
    if b:
        lines += ["", f"What dominates the wasm (twiggy on the optimised wasm with its names kept; raw bytes, {b['total_bytes']:,} in all, before gzip):",
                  "", "| owner | raw bytes | share |", "|---|--:|--:|"]
        for o in b["owners"][:14]:
            lines.append(f"| {o['owner']} | {o['bytes']:,} | {o['bytes'] / b['total_bytes']:.0%} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# 2. Render speed, and 5. in-browser scoring: one Chromium run of bench/render.mjs

RENDER_RUNS = 6 if QUICK else 20
_browser_result = None


def browser_bench():
    """Runs bench/render.mjs once (both benchmarks come from the same browser session)."""
    global _browser_result
    if _browser_result is None:
        items = TMP / "esqual-items.json"
        items.write_text(json.dumps(esqual_items()))
        log(f"rendering in Chromium: eservqual and SurveyJS, {RENDER_RUNS} runs each, alternated")
        _browser_result = json.loads(out(["node", str(BENCH / "render.mjs"), str(RENDER_RUNS), str(items)], cwd=ROOT))
    return _browser_result


def bench_render():
    r = browser_bench()
    ours, theirs = r["render"]["eservqual"], r["render"]["surveyjs"]
    ratio = lambda k: theirs[k]["median"] / ours[k]["median"] if ours[k]["median"] else None
    return {
        "runs": r["runs"], "chromium": r["chromium"], "eservqual": ours, "surveyjs": theirs,
        "ratios": {"first_item": ratio("first_item_ms"), "open": ratio("open_ms"), "heap": ratio("heap_bytes")},
        "goals": {"ge_3x_faster_first_item": (ratio("first_item_ms") or 0) >= 3, "no_long_task": ours["long_tasks"]["max"] == 0},
    }


def table_render(r):
    if "status" in r:
        return f"_{r['status']}._"
    e, s = r["eservqual"], r["surveyjs"]
    fmt = lambda x, k: (f"{x[k]['median'] / 1e6:.1f} MB" if k == "heap_bytes" else f"{x[k]['median']:.0f}" + (" ms" if k.endswith("_ms") else ""))
    spread = lambda x, k: ("" if k == "heap_bytes" else f" (max {x[k]['max']:.0f})" if k == "long_tasks"
                           else f" ({x[k]['p25']:.0f}–{x[k]['p75']:.0f})")
    names = {"first_item_ms": "navigation → first item interactive", "open_ms": "open() → first frame painted",
             "long_tasks": "long tasks over 50 ms (per page)", "heap_bytes": "JS heap after open"}
    lines = [f"Chromium {r['chromium']}, headless, {r['runs']} runs each, alternated; medians with the interquartile range.", "",
             "| measure | eservqual | SurveyJS | SurveyJS / eservqual |", "|---|--:|--:|--:|"]
    for k, label in names.items():
        ratio = s[k]["median"] / e[k]["median"] if e[k]["median"] else float("nan")
        lines.append(f"| {label} | {fmt(e, k)}{spread(e, k)} | {fmt(s, k)}{spread(s, k)} | {ratio:.1f}× |" if e[k]["median"] else
                     f"| {label} | {fmt(e, k)}{spread(e, k)} | {fmt(s, k)}{spread(s, k)} | – |")
    g = r["goals"]
    lines += ["", f"Goals: ≥ 3× faster to the first interactive item: {'met' if g['ge_3x_faster_first_item'] else '**not met**'} "
              f"({r['ratios']['first_item']:.1f}×); no long task in any run: {'met' if g['no_long_task'] else '**not met**'}."]
    if e.get("long_before_first_share") is not None:
        lines += ["", f"Where the long tasks fall: for eservqual {e['long_before_first_share']:.0%} of them come before the first item is "
                  f"interactive (fetching and compiling the module and the wasm, reading the config, the first render), "
                  f"{e['long_ms']['median']:.0f} ms of long tasks per page (median); for SurveyJS "
                  f"{s['long_before_first_share']:.0%}, {s['long_ms']['median']:.0f} ms."]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# 3. Report at scale

def timed(cmd, stdout_path):
    """Wall time (monotonic clock around the process), CPU time and peak RSS (/usr/bin/time -v)."""
    tfile = TMP / "time.txt"
    with open(stdout_path, "w") as so:
        t0 = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-v", "-o", str(tfile), *cmd], stdout=so, stderr=subprocess.PIPE, check=True)
        wall = time.perf_counter() - t0
    tv = tfile.read_text()
    grab = lambda key: float(re.search(rf"{re.escape(key)}: ([\d.]+)", tv).group(1))
    return {"wall_s": wall, "cpu_s": grab("User time (seconds)") + grab("System time (seconds)"),
            "max_rss_kib": int(grab("Maximum resident set size (kbytes)"))}


def compare(ours, theirs, path="", rel=1e-9, names=("eservqual", "pandas")):
    """Every number `theirs` holds equals ours within rel·max(1, |ours|) (docs/scoring.md §1.2),
    every other value exactly; keys only in `ours` are not looked at."""
    bad = []
    if isinstance(theirs, dict):
        for k, v in theirs.items():
            if not isinstance(ours, dict) or k not in ours:
                bad.append(f"{path}.{k}: missing in {names[0]}")
            else:
                bad += compare(ours[k], v, f"{path}.{k}", rel, names)
    elif isinstance(theirs, list):
        if not isinstance(ours, list) or len(ours) != len(theirs):
            bad.append(f"{path}: {ours} vs {theirs}")
        else:
            for i, (a, b) in enumerate(zip(ours, theirs)):
                bad += compare(a, b, f"{path}[{i}]", rel, names)
    elif isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
        if not isinstance(ours, (int, float)) or isinstance(ours, bool) or abs(ours - theirs) > rel * max(1.0, abs(ours)):
            bad.append(f"{path}: {names[0]} {ours} vs {names[1]} {theirs}")
    elif ours != theirs:
        bad.append(f"{path}: {names[0]} {ours!r} vs {names[1]} {theirs!r}")
    return bad


def count_numbers(x):
    if isinstance(x, dict):
        return sum(count_numbers(v) for v in x.values())
    if isinstance(x, list):
        return sum(count_numbers(v) for v in x)
    return 1 if isinstance(x, (int, float)) and not isinstance(x, bool) else 0


# Which phase of `report` a profiled symbol belongs to (first match wins).
PHASES = [
    ("de-duplicate by id (hash set)", ["hashbrown", "hash_one", "hash::"]),
    ("read and parse the CSV", ["csv_core", "read::read_file", "read::csv", "Dataset::push", "parse_cell", "from_utf8", "WideRow",
                                "memmove", "memcpy", "trim_matches"]),
    ("score each respondent", ["score::score", "score_row", "finish_row"]),
    ("aggregate statistics", ["report::report", "stats::", "cronbach", "alpha", "quantile", "sort"]),
    ("allocation", ["malloc", "free", "realloc", "alloc::"]),
]


def profile_report(csv):
    """What dominates: perf sampling (cpu-clock works without hardware counters) on `csv`."""
    data = TMP / "perf.data"
    try:
        run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "2000", "-o", str(data), str(BIN), "report",
             "--instrument", "servqual", "--format", "gap", str(csv)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rep = run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--percent-limit", "1",
                   "--sort", "symbol"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        top = []
        for line in rep.splitlines():
            m = re.match(r"\s*([\d.]+)%\s+\[\.\]\s+(.+)$", line)
            if m:
                top.append({"percent": float(m.group(1)), "symbol": re.sub(r"(\s+-)+\s*$", "", m.group(2)).strip()})
        phases = {}
        for t in top:
            phase = next((name for name, keys in PHASES if any(k in t["symbol"] for k in keys)), "other")
            phases[phase] = round(phases.get(phase, 0.0) + t["percent"], 1)
        return {"tool": "perf record -e cpu-clock -F 2000", "file": csv.name, "top": top[:15], "phases_percent": phases}
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        log(f"perf failed ({e}); falling back to valgrind --tool=callgrind on the 10k file")
        return callgrind_report(TMP / f"servqual-gap-{REPORT_SIZES[0]}-seed{SEED}.csv")


def callgrind_report(csv):
    """The fallback profile where perf cannot sample: instruction counts per function."""
    cg = TMP / "callgrind.out"
    try:
        run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}", str(BIN), "report", "--instrument", "servqual",
             "--format", "gap", str(csv)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rep = run(["callgrind_annotate", str(cg)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        return {"tool": "callgrind", "error": str(e)}
    total = float(re.search(r"([\d,]+)\s+\(100.0%\)\s+PROGRAM TOTALS", rep).group(1).replace(",", ""))
    top = []
    for m in re.finditer(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S.*?)\s*(\[.*\])?$", rep, re.M):
        if "PROGRAM TOTALS" not in m.group(3):
            top.append({"percent": float(m.group(2)), "symbol": re.sub(r"^[^:]*:(?!:)", "", m.group(3))})
    phases = {}
    for t in top:
        phase = next((name for name, keys in PHASES if any(k in t["symbol"] for k in keys)), "other")
        phases[phase] = round(phases.get(phase, 0.0) + t["percent"], 1)
    return {"tool": f"valgrind --tool=callgrind (instructions, {total:.3g} in all)", "file": csv.name, "top": top[:15], "phases_percent": phases}


def bench_report():
    sizes = []
    for n in REPORT_SIZES:
        csv = TMP / f"servqual-gap-{n}-seed{SEED}.csv"
        if not csv.exists():
            log(f"writing {csv.name}")
            run([str(BIN), "sample", "--instrument", "servqual", "--format", "gap", "--respondents", str(n), "--seed", str(SEED), "--out", str(csv)])
        ours_cmd = [str(BIN), "report", "--instrument", "servqual", "--format", "gap", str(csv)]
        theirs_cmd = [str(VENV_PY), str(BENCH / "report_pandas.py"), str(csv)]
        ours_out, theirs_out = TMP / f"report-eservqual-{n}.json", TMP / f"report-pandas-{n}.json"
        log(f"report, {n:,} respondents: checking the outputs agree")
        run(ours_cmd, stdout=open(ours_out, "w"))
        run(theirs_cmd, stdout=open(theirs_out, "w"), stderr=subprocess.DEVNULL)
        ours, theirs = json.loads(ours_out.read_text()), json.loads(theirs_out.read_text())
        bad = compare(ours, theirs)
        if bad:
            raise SystemExit(f"bench: report and pandas disagree on {n} respondents:\n  " + "\n  ".join(bad[:20]))
        entry = {"respondents": n, "csv_bytes": csv.stat().st_size, "numbers_compared": count_numbers(theirs), "agree_rel_1e-9": True}
        for name, cmd, dest in (("eservqual", ours_cmd, ours_out), ("pandas", theirs_cmd, theirs_out)):
            log(f"report, {n:,} respondents: timing {name} ({REPORT_RUNS[name]} runs)")
            runs = [timed(cmd, dest) for _ in range(REPORT_RUNS[name])]
            entry[name] = {"runs": runs, **{f"median_{k}": statistics.median(r[k] for r in runs) for k in ("wall_s", "cpu_s", "max_rss_kib")}}
        phases = run(theirs_cmd, capture_output=True).stderr.strip().splitlines()[-1]
        entry["pandas"]["phases_s"] = json.loads(phases)
        entry["speedup_wall"] = entry["pandas"]["median_wall_s"] / entry["eservqual"]["median_wall_s"]
        entry["speedup_cpu"] = entry["pandas"]["median_cpu_s"] / entry["eservqual"]["median_cpu_s"]
        entry["speedup_wall_without_pandas_imports"] = (entry["pandas"]["median_wall_s"] - entry["pandas"]["phases_s"]["import_s"]) / entry["eservqual"]["median_wall_s"]
        sizes.append(entry)
    big = sizes[-1]
    per = [s["eservqual"]["median_cpu_s"] / s["respondents"] * 1e6 for s in sizes]
    # /usr/bin/time counts CPU in 10 ms steps: judge linearity on the sizes that take >= 0.1 s.
    per_big = [p for p, s in zip(per, sizes) if s["eservqual"]["median_cpu_s"] >= 0.1] or per
    return {
        "seed": SEED,
        "peers": {"pandas": pin("pandas"), "pingouin": pin("pingouin"), "numpy": pin("numpy"), "scipy": pin("scipy")},
        "sizes": sizes,
        "cpu_us_per_respondent": per,
        "profile": profile_report(TMP / f"servqual-gap-{REPORT_SIZES[-1]}-seed{SEED}.csv"),
        "goals": {
            "largest": big["respondents"],
            "largest_under_1s_wall": big["eservqual"]["median_wall_s"] < 1.0,
            "ge_10x_pandas_wall": all(s["speedup_wall"] >= 10 for s in sizes),
            "linear_cpu_per_respondent_within_25pct": max(per_big) <= 1.25 * min(per_big),
        },
    }


def pin(name):
    for line in (BENCH / "requirements.txt").read_text().splitlines():
        if line.lower().startswith(name + "=="):
            return line.split("==")[1]
    return None


def table_report(r):
    lines = ["| respondents | CSV | eservqual wall (CPU) | eservqual peak RSS | pandas + pingouin wall (CPU) | pandas peak RSS | speed-up wall (CPU) | speed-up without pandas' imports | numbers checked equal |",
             "|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for s in r["sizes"]:
        o, p = s["eservqual"], s["pandas"]
        lines.append(f"| {s['respondents']:,} | {s['csv_bytes'] / 1e6:.1f} MB | {o['median_wall_s']:.3f} s ({o['median_cpu_s']:.3f} s) | "
                     f"{o['median_max_rss_kib'] / 1024:.0f} MiB | {p['median_wall_s']:.2f} s ({p['median_cpu_s']:.2f} s) | "
                     f"{p['median_max_rss_kib'] / 1024:.0f} MiB | {s['speedup_wall']:.1f}× ({s['speedup_cpu']:.1f}×) | "
                     f"{s['speedup_wall_without_pandas_imports']:.1f}× | {s['numbers_compared']} |")
    ph = r["sizes"][-1]["pandas"]["phases_s"]
    lines += ["", f"pandas phases at {r['sizes'][-1]['respondents']:,} (one run): imports {ph['import_s']:.2f} s, "
              f"read_csv {ph['read_s']:.2f} s, statistics {ph['compute_s']:.2f} s. eservqual CPU per respondent: "
              + ", ".join(f"{x:.2f} µs" for x in r["cpu_us_per_respondent"]) + "."]
    prof = r["profile"]
    if "top" in prof:
        lines += ["", f"Profile of `eservqual report` on {prof['file']} ({prof['tool']}):", "", "| share | symbol |", "|--:|---|"]
        lines += [f"| {t['percent']:.1f}% | `{t['symbol']}` |" for t in prof["top"]]
        phases = {}
        for t in prof["top"]:
            phase = next((name for name, keys in PHASES if any(k in t["symbol"] for k in keys)), "other")
            phases[phase] = phases.get(phase, 0.0) + t["percent"]
        lines += ["", "By phase (the symbols listed): " + "; ".join(f"{k} {v:.0f}%" for k, v in sorted(phases.items(), key=lambda kv: -kv[1])) + "."]
    g = r["goals"]
    yes = lambda b: "met" if b else "**not met**"
    lines += ["", f"Goals: {g['largest']:,} respondents in < 1 s: {yes(g['largest_under_1s_wall'])}; ≥ 10× faster than pandas + pingouin: "
              f"{yes(g['ge_10x_pandas_wall'])}; linear in n (CPU per respondent within 25%): {yes(g['linear_cpu_per_respondent_within_25pct'])}."]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# 4. Collector ingest

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_collector(store, extra=(), timeout=10):
    """`serve` on `store` (["--db", FILE] or ["--database-url", URL]); waits up to `timeout`
    seconds for it to listen (a `--seed` is stored before it does)."""
    port = free_port()
    logf = open(TMP / "serve.log", "a")
    # wrk's connections all come from 127.0.0.1: lift the per-address connection cap (64).
    p = subprocess.Popen([str(BIN), "serve", "--addr", f"127.0.0.1:{port}", *store, "--rate-limit", "0",
                          "--max-connections-per-ip", "1024", "--admin-token", TOKEN, *extra],
                         stdout=logf, stderr=logf, env={**os.environ, "ESERVQUAL_LOG": "warn"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise SystemExit(f"bench: the collector exited ({p.returncode}); see bench/results/tmp/serve.log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return p, port
        except OSError:
            time.sleep(0.05)
    p.kill()
    raise SystemExit("bench: the collector did not start (see bench/results/tmp/serve.log)")


def sqlite_store(db):
    return ["--db", str(db)]


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def template_payload():
    """One real payload: seeded by the collector itself (scores from the core), exported."""
    db = TMP / "seed.db"
    fresh(db)
    p, port = start_collector(sqlite_store(db), ["--seed", "1"])
    try:
        body = out(["curl", "-sf", "-H", f"Authorization: Bearer {TOKEN}", f"http://127.0.0.1:{port}/v1/responses.jsonl"])
    finally:
        stop(p)
    path = TMP / "payload.json"
    # Submitted now: the collector refuses a submitted_at more than 48 h before it receives it,
    # and a seeded response is from the last eight weeks.
    payload = json.loads(body.splitlines()[0])
    payload["submitted_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    payload.pop("started_at", None)
    path.write_text(json.dumps(payload, separators=(",", ":")) + "\n")
    return path


def raw_insert(batch, seconds, payload):
    rdb = TMP / f"raw-{batch}.db"
    fresh(rdb)
    log(f"ingest: raw SQLite inserts, {batch} per transaction, {seconds} s")
    return json.loads(out([str(RAW), str(rdb), str(payload), str(seconds), str(batch)]))


def profile_collector(pid, seconds):
    """perf samples of the collector process while a load runs (kernel and user symbols)."""
    data = TMP / "perf-serve.data"
    try:
        run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "999", "-p", str(pid), "-o", str(data), "--", "sleep", str(seconds)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rep = run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--percent-limit", "1.5", "--sort", "dso,symbol"],
                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        return {"error": str(e)}
    top = []
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.+)$", line)
        if m:
            top.append({"percent": float(m.group(1)), "dso": m.group(2), "kernel": m.group(3) == "k",
                        "symbol": re.sub(r"(\s+-)+\s*$", "", m.group(4)).strip()})
    kernel = round(sum(t["percent"] for t in top if t["kernel"]), 1)
    by_dso = {}
    rep = run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--sort", "dso"],
              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s*$", line)
        if m:
            by_dso[m.group(2)] = float(m.group(1))
    # Every sample, by what the code is for (first match wins).
    groups = [("kernel (network, scheduling, fsync)", lambda d, sym: d.startswith("[kernel")),
              ("malloc/free", lambda d, sym: d.startswith("libc") and ("malloc" in sym or "free" in sym or "chunk" in sym)),
              ("JSON-Schema validation", lambda d, sym: any(k in sym for k in ("jsonschema", "regex", "fancy_regex"))),
              ("SQLite", lambda d, sym: re.match(r"(sqlite3|wal|pager|btree|vdbe)", sym, re.I) is not None),
              ("JSON parsing and values (serde_json, maps)", lambda d, sym: any(k in sym for k in ("serde_json", "serde_core", "btree", "BTreeMap"))),
              ("eservqual validation and scoring", lambda d, sym: "eservqual_core" in sym),
              ("HTTP and async runtime (hyper, axum, tokio)", lambda d, sym: any(k in sym for k in ("hyper", "axum", "tokio", "tower", "h2::", "http::"))),
              ("other libc (memcpy, ...)", lambda d, sym: d.startswith("libc"))]
    by_group = {}
    rep = run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--percent-limit", "0", "--sort", "dso,symbol"],
              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.+)$", line)
        if m:
            g = next((name for name, test in groups if test(m.group(2), m.group(4))), "other")
            by_group[g] = round(by_group.get(g, 0.0) + float(m.group(1)), 1)
    return {"tool": f"perf record -e cpu-clock -p PID, {seconds} s", "top": top[:15], "kernel_percent_of_listed": kernel,
            "by_dso_percent": by_dso, "by_purpose_percent": dict(sorted(by_group.items(), key=lambda kv: -kv[1]))}


def wrk_start(port, connections, payload, salt):
    """wrk with bench/ingest.lua against the collector on `port` for INGEST_SECONDS; `salt` makes
    its ids differ from those of every other wrk run against the same store."""
    return subprocess.Popen(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{INGEST_SECONDS}s", "--timeout", "10s",
                             "-s", str(BENCH / "ingest.lua"), f"http://127.0.0.1:{port}", "--", str(payload), str(salt)],
                            stdout=subprocess.PIPE, text=True)


def wrk_result(wrk):
    """The RESULT line of a finished wrk_start, with its rate of new responses."""
    res, _ = wrk.communicate()
    if wrk.returncode != 0:
        raise SystemExit(f"bench: wrk failed: {res}")
    r = json.loads(next(l for l in res.splitlines() if l.startswith("RESULT "))[7:])
    r["responses_per_s"] = r["created"] / (r["duration_us"] / 1e6)
    return r


def bench_ingest():
    payload = template_payload()
    db = TMP / "ingest.db"
    fresh(db)
    p, port = start_collector(sqlite_store(db))
    loads, raws, profile = [], [], None
    try:
        for i, c in enumerate(CONCURRENCIES):
            # Alternating rounds, raw then HTTP: the fsync speed of a shared VM drifts, so each
            # ratio compares measurements taken side by side; the medians are reported.
            rounds, raw_rounds = [], []
            for k in range(INGEST_ROUNDS):
                raw_rounds.append(raw_insert(c, RAW_SECONDS, payload))
                log(f"ingest: wrk, {c} connections, {INGEST_SECONDS} s (round {k + 1}/{INGEST_ROUNDS})")
                wrk = wrk_start(port, c, payload, 1000 + 10 * i + k)
                if c == CONCURRENCIES[-1] and k == 0:
                    time.sleep(1)
                    profile = profile_collector(p.pid, max(1, INGEST_SECONDS - 2))
                rounds.append(wrk_result(wrk))
            med = lambda xs: statistics.median(xs)
            loads.append({
                "concurrency": c,
                "rounds": rounds,
                "responses_per_s": med([r["responses_per_s"] for r in rounds]),
                "latency_us": {q: med([r["latency_us"][q] for r in rounds]) for q in ("p50", "p90", "p99", "max", "mean")},
                "created": sum(r["created"] for r in rounds),
                "duplicate": sum(r["duplicate"] for r in rounds),
                "other_status": sum(r["other_status"] for r in rounds),
                "errors": {e: sum(r["errors"][e] for r in rounds) for e in rounds[0]["errors"]},
            })
            raws.append({"batch": c, "rounds": raw_rounds, "rows_per_s": med([x["rows_per_s"] for x in raw_rounds]),
                         "commits_per_s": med([x["commits"] / x["seconds"] for x in raw_rounds]), "sqlite": raw_rounds[0]["sqlite"]})
    finally:
        stop(p)
    with sqlite3.connect(db) as conn:
        stored = conn.execute("select count(*) from responses").fetchone()[0]
    last = [raw_insert(256, RAW_SECONDS, payload) for _ in range(INGEST_ROUNDS)]
    raws.append({"batch": 256, "rounds": last, "rows_per_s": statistics.median(x["rows_per_s"] for x in last),
                 "commits_per_s": statistics.median(x["commits"] / x["seconds"] for x in last), "sqlite": last[0]["sqlite"]})
    by_batch = {r["batch"]: r for r in raws}
    for r in loads:
        r["raw_same_batch_rows_per_s"] = by_batch[r["concurrency"]]["rows_per_s"]
        r["ratio_to_raw_same_batch"] = r["responses_per_s"] / r["raw_same_batch_rows_per_s"]
        r["ratio_to_raw_1_per_tx"] = r["responses_per_s"] / by_batch[1]["rows_per_s"]
    best = max(loads, key=lambda r: r["responses_per_s"])
    return {
        "load_generator": (first_line(["sh", "-c", "wrk -v 2>&1 | head -1"]) or "wrk").split(" Copyright")[0],
        "payload_bytes": payload.stat().st_size,
        "seconds_per_round": INGEST_SECONDS,
        "rounds": INGEST_ROUNDS,
        "raw_seconds_per_round": RAW_SECONDS,
        "stored_rows_after": stored,
        "loads": loads,
        "raw": raws,
        "profile_at_highest_load": profile,
        "goals": {
            "ge_50pct_raw_same_batch_at_best": best["ratio_to_raw_same_batch"] >= 0.5,
            "p99_lt_20ms_all": all(r["latency_us"]["p99"] < 20_000 for r in loads),
            "all_201": all(r["other_status"] == 0 and r["duplicate"] == 0 for r in loads),
        },
    }


def table_ingest(r):
    lines = [f"Medians of {r['rounds']} rounds of {r['seconds_per_round']} s each (raw: {r['raw_seconds_per_round']} s each, alternating).", "",
             "| connections | responses/s (201) | p50 | p90 | p99 | raw SQLite, same rows per commit | ratio | ratio to raw 1 row/commit | non-201 | responses/s per round |",
             "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for l in r["loads"]:
        lat = l["latency_us"]
        errs = l["other_status"] + l["duplicate"] + sum(l["errors"].values())
        lines.append(f"| {l['concurrency']} | {l['responses_per_s']:,.0f} | {lat['p50'] / 1000:.2f} ms | {lat['p90'] / 1000:.2f} ms | "
                     f"{lat['p99'] / 1000:.2f} ms | {l['raw_same_batch_rows_per_s']:,.0f} rows/s ({l['concurrency']}/tx) | "
                     f"{l['ratio_to_raw_same_batch'] * 100:.0f}% | {l['ratio_to_raw_1_per_tx'] * 100:.0f}% | {errs} | "
                     + ", ".join(f"{x['responses_per_s']:,.0f}" for x in l.get("rounds", [])) + " |")
    lines += ["", "| raw SQLite rows per transaction | rows/s (median) | commits/s | rows/s per round |", "|--:|--:|--:|--:|"]
    lines += [f"| {x['batch']} | {x['rows_per_s']:,.0f} | {x['commits_per_s']:,.0f} | "
              + ", ".join(f"{y['rows_per_s']:,.0f}" for y in x["rounds"]) + " |" for x in r["raw"]]
    prof = r.get("profile_at_highest_load") or {}
    if prof.get("top"):
        lines += ["", f"Where the collector's CPU goes at {r['loads'][-1]['concurrency']} connections ({prof['tool']}; "
                  f"kernel symbols {prof['kernel_percent_of_listed']:.0f}% of the listed):", "", "| share | where | symbol |", "|--:|---|---|"]
        lines += [f"| {t['percent']:.1f}% | {'kernel' if t['kernel'] else t['dso']} | `{t['symbol'][:90]}` |" for t in prof["top"]]
        if prof.get("by_dso_percent"):
            lines += ["", "By binary: " + ", ".join(f"{k} {v:.0f}%" for k, v in prof["by_dso_percent"].items() if v >= 0.5)
                      + " (eservqual includes the bundled SQLite)."]
        if prof.get("by_purpose_percent"):
            lines += ["", "By purpose (every sample, classified by symbol): " + "; ".join(f"{k} {v:.0f}%" for k, v in prof["by_purpose_percent"].items()) + "."]
    g = r["goals"]
    yes = lambda b: "met" if b else "**not met**"
    lines += ["", f"Goals: ≥ 50% of the raw rate (same rows per commit, best load): {yes(g['ge_50pct_raw_same_batch_at_best'])}; "
              f"p99 < 20 ms at every load: {yes(g['p99_lt_20ms_all'])}; every request a new 201: {yes(g['all_201'])}. "
              f"{r['load_generator']}; payload {r['payload_bytes']} bytes; rows stored after the run: {r['stored_rows_after']}."]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# 4, on PostgreSQL: one collector, two collectors on one database, raw inserts

def pg_raw_insert(url, batch, seconds, payload):
    log(f"ingest_pg: raw PostgreSQL inserts, {batch} per transaction, {seconds} s")
    return json.loads(out([str(PG_RAW), url, str(payload), str(seconds), str(batch)]))


def merge_rounds(rounds):
    """The medians over rounds of one load (each round a wrk result, or the sum of two)."""
    med = statistics.median
    return {
        "rounds": rounds,
        "responses_per_s": med([r["responses_per_s"] for r in rounds]),
        "latency_us": {q: med([r["latency_us"][q] for r in rounds]) for q in ("p50", "p90", "p99", "max", "mean")},
        "created": sum(r["created"] for r in rounds),
        "non_201": sum(r["duplicate"] + r["other_status"] + sum(r["errors"].values()) for r in rounds),
    }


def both(a, b):
    """Two wrk runs that ran at the same time as one load: their rates add up; the latency of
    each quantile is the worse of the two (the two histograms cannot be merged from here)."""
    return {
        "responses_per_s": a["responses_per_s"] + b["responses_per_s"],
        "per_collector_per_s": [a["responses_per_s"], b["responses_per_s"]],
        "latency_us": {q: max(a["latency_us"][q], b["latency_us"][q]) for q in a["latency_us"]},
        "created": a["created"] + b["created"], "duplicate": a["duplicate"] + b["duplicate"],
        "other_status": a["other_status"] + b["other_status"],
        "errors": {e: a["errors"][e] + b["errors"][e] for e in a["errors"]},
    }


def bench_ingest_pg():
    payload = template_payload()
    url, raw_url = pg_database("bench_ingest_pg"), pg_database("bench_ingest_raw")
    a, port_a = start_collector(["--database-url", url])
    b, port_b = start_collector(["--database-url", url])
    loads = []
    try:
        for i, c in enumerate(PG_CONCURRENCIES):
            # Two collectors share the same c connections in all (c/2 each; one each at c = 1).
            half = max(1, c // 2)
            raws, ones, twos = [], [], []
            for k in range(INGEST_ROUNDS):
                # Side by side in each round, raw then one collector then two: the machine's
                # speed drifts, and the medians of the rounds are reported.
                salt = 2000 + 100 * i + 10 * k
                raws.append(pg_raw_insert(raw_url, c, RAW_SECONDS, payload))
                log(f"ingest_pg: one collector, {c} connections, {INGEST_SECONDS} s (round {k + 1}/{INGEST_ROUNDS})")
                ones.append(wrk_result(wrk_start(port_a, c, payload, salt)))
                log(f"ingest_pg: two collectors, {half} connections each, {INGEST_SECONDS} s (round {k + 1}/{INGEST_ROUNDS})")
                w1, w2 = wrk_start(port_a, half, payload, salt + 1), wrk_start(port_b, half, payload, salt + 2)
                twos.append(both(wrk_result(w1), wrk_result(w2)))
            raw = {"batch": c, "rounds": raws, "rows_per_s": statistics.median(x["rows_per_s"] for x in raws),
                   "commits_per_s": statistics.median(x["commits"] / x["seconds"] for x in raws)}
            one, two = merge_rounds(ones), merge_rounds(twos)
            two["connections_each"] = half
            loads.append({"connections": c, "raw": raw, "one": one, "two": two,
                          "one_to_raw": one["responses_per_s"] / raw["rows_per_s"],
                          "two_to_raw": two["responses_per_s"] / raw["rows_per_s"],
                          "two_to_one": two["responses_per_s"] / one["responses_per_s"]})
    finally:
        stop(a)
        stop(b)
    # Every 201 is a stored row. A few more rows may be stored: wrk stops counting at the end of
    # a round with one request in flight on each connection, which the collector still stores.
    stored = int(pg_value(url, "SELECT count(*) FROM responses"))
    answered = sum(l[w]["created"] for l in loads for w in ("one", "two"))
    in_flight = INGEST_ROUNDS * sum(l["connections"] + 2 * l["two"]["connections_each"] for l in loads)
    if not answered <= stored <= answered + in_flight:
        raise SystemExit(f"bench: {answered} responses answered 201 but {stored} rows stored (at most {in_flight} in flight)")
    first = loads[0]["raw"]["rounds"][0]
    pg_drop("bench_ingest_pg")
    pg_drop("bench_ingest_raw")
    return {
        "load_generator": (first_line(["sh", "-c", "wrk -v 2>&1 | head -1"]) or "wrk").split(" Copyright")[0],
        "postgres": first["postgres"], "synchronous_commit": first["synchronous_commit"], "fsync": first["fsync"],
        "payload_bytes": payload.stat().st_size,
        "seconds_per_round": INGEST_SECONDS, "rounds": INGEST_ROUNDS, "raw_seconds_per_round": RAW_SECONDS,
        "stored_rows_after": stored, "answered_201": answered, "in_flight_at_round_ends_at_most": in_flight,
        "loads": loads,
        "goals": {"all_201": all(l[w]["non_201"] == 0 for l in loads for w in ("one", "two")), "every_201_stored": stored >= answered},
    }


def table_ingest_pg(r):
    ms = lambda us: f"{us / 1000:.2f} ms"
    lines = [f"PostgreSQL {r['postgres']} (synchronous_commit={r['synchronous_commit']}, fsync={r['fsync']}); medians of "
             f"{r['rounds']} rounds of {r['seconds_per_round']} s each (raw: {r['raw_seconds_per_round']} s each), "
             "raw, one collector and two collectors side by side in every round.", "",
             "| connections | one collector: responses/s (201) | p50 | p99 | raw PostgreSQL, same rows per commit | one / raw "
             "| two collectors: responses/s (each) | p50 | p99 | two / one | two / raw | one collector, per round | two collectors, per round |",
             "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for l in r["loads"]:
        o, t, raw = l["one"], l["two"], l["raw"]
        each = " + ".join(f"{x:,.0f}" for x in statistics_each(t))
        conns = f"{l['connections']}" + (f" (2 × {t['connections_each']})" if 2 * t["connections_each"] != l["connections"] else "")
        lines.append(f"| {conns} | {o['responses_per_s']:,.0f} | {ms(o['latency_us']['p50'])} | {ms(o['latency_us']['p99'])} | "
                     f"{raw['rows_per_s']:,.0f} rows/s ({raw['batch']}/tx) | {l['one_to_raw'] * 100:.0f}% | "
                     f"{t['responses_per_s']:,.0f} ({each}) | {ms(t['latency_us']['p50'])} | {ms(t['latency_us']['p99'])} | "
                     f"{l['two_to_one']:.2f}× | {l['two_to_raw'] * 100:.0f}% | "
                     + ", ".join(f"{x['responses_per_s']:,.0f}" for x in o["rounds"]) + " | "
                     + ", ".join(f"{x['responses_per_s']:,.0f}" for x in t["rounds"]) + " |")
    lines += ["", "| raw PostgreSQL rows per transaction | rows/s (median) | commits/s | rows/s per round |", "|--:|--:|--:|--:|"]
    lines += [f"| {l['raw']['batch']} | {l['raw']['rows_per_s']:,.0f} | {l['raw']['commits_per_s']:,.0f} | "
              + ", ".join(f"{y['rows_per_s']:,.0f}" for y in l["raw"]["rounds"]) + " |" for l in r["loads"]]
    g = r["goals"]
    lines += ["", f"Every request a new 201: {'met' if g['all_201'] else '**not met**'}; rows stored after the run "
              f"{r['stored_rows_after']:,}, 201s counted by wrk {r['answered_201']:,} (checked: every 201 stored, the rest at most "
              f"the {r['in_flight_at_round_ends_at_most']} requests in flight when rounds ended). {r['load_generator']}; "
              f"payload {r['payload_bytes']} bytes."]
    return "\n".join(lines)


def statistics_each(two):
    """The median over rounds of each collector's own rate in the two-collector load."""
    return [statistics.median(x["per_collector_per_s"][j] for x in two["rounds"]) for j in (0, 1)]


# ---------------------------------------------------------------------------------------------
# 6. Report from summaries against the full scan, on SQLite and PostgreSQL

SUMMARY_REPORT = "/v1/report?instrument=e-s-qual&format=perception"
# A bound inside a day: the summaries cannot answer it, so every stored payload is read.
SCAN_REPORT = SUMMARY_REPORT + "&from=2000-01-01T00:00:01Z"
SUMMARY_RUNS = 30


def scan_runs(n):
    # The scan grows with n (tens of seconds at 1 M): fewer runs of the larger ones.
    return 10 if n < 100_000 else 5 if n < 1_000_000 else 3


def http_get(port, path):
    """Wall time of one GET (a new connection each) and its JSON answer."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {TOKEN}"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=600) as r:
        body = r.read()
    return time.perf_counter() - t0, json.loads(body)


def peak_rss_kib(pid):
    """The process's peak resident set so far (VmHWM)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def summaries_at(backend, n, store):
    log(f"report_summaries: {backend}, seeding {n:,} responses")
    t0 = time.monotonic()
    # The scan of 1 M takes longer than the default request timeout (30 s, answered 408).
    p, port = start_collector(store, ["--seed", str(n), "--request-timeout", "600"], timeout=3600)
    seeded = time.monotonic() - t0
    try:
        seed_rss = peak_rss_kib(p.pid)
        _, fast = http_get(port, SUMMARY_REPORT)
        _, slow = http_get(port, SCAN_REPORT)
        if fast.get("responses") != n or slow.get("responses") != n:
            raise SystemExit(f"bench: {backend} {n}: the reports count {fast.get('responses')} and {slow.get('responses')}, not {n}")
        diff = compare(fast, slow, names=("summaries", "scan")) + compare(slow, fast, names=("scan", "summaries"))
        if diff:
            raise SystemExit(f"bench: {backend} {n}: summaries and scan differ:\n  " + "\n  ".join(diff[:20]))
        log(f"report_summaries: {backend}, {n:,}: timing ({SUMMARY_RUNS} from summaries, {scan_runs(n)} scans)")
        fast_runs = [http_get(port, SUMMARY_REPORT)[0] for _ in range(SUMMARY_RUNS)]
        slow_runs = [http_get(port, SCAN_REPORT)[0] for _ in range(scan_runs(n))]
        scan_rss = peak_rss_kib(p.pid)
    finally:
        stop(p)
    row = {
        "backend": backend, "responses": n, "seed_seconds": round(seeded, 1), "seed_peak_rss_kib": seed_rss,
        "peak_rss_after_scans_kib": scan_rss, "weeks": len(fast.get("trend") or []),
        "numbers_compared": count_numbers(fast), "agree_rel_1e-9": True,
        "summaries_runs_ms": [round(x * 1000, 2) for x in fast_runs], "scan_runs_ms": [round(x * 1000, 1) for x in slow_runs],
        "summaries_ms": statistics.median(fast_runs) * 1000,
        "summaries_p90_ms": sorted(fast_runs)[int(0.9 * len(fast_runs)) - 1] * 1000,
        "scan_ms": statistics.median(slow_runs) * 1000,
    }
    row["ratio"] = row["scan_ms"] / row["summaries_ms"]
    log(f"report_summaries: {backend}, {n:,}: {row['summaries_ms']:.1f} ms against {row['scan_ms']:.0f} ms")
    return row


def bench_report_summaries():
    rows = []
    for n in SUMMARY_SIZES:
        db = TMP / f"summaries-{n}.db"
        fresh(db)
        rows.append(summaries_at("SQLite", n, sqlite_store(db)))
        fresh(db)
        name = f"bench_summaries_{n}"
        rows.append(summaries_at("PostgreSQL", n, ["--database-url", pg_database(name)]))
        pg_drop(name)
    rows.sort(key=lambda r: (r["backend"] != "SQLite", r["responses"]))
    return {"report": SUMMARY_REPORT, "scan": SCAN_REPORT, "summary_runs": SUMMARY_RUNS, "rows": rows,
            "postgres": pg_value(postgres(), "SHOW server_version")}


def table_report_summaries(r):
    lines = [f"PostgreSQL {r['postgres']}. {r['summary_runs']} runs from summaries; full scan: "
             + ", ".join(f"{scan_runs(n)} runs at {n:,}" for n in sorted({x['responses'] for x in r['rows']})) + "; medians.", "",
             "| backend | stored responses | from summaries: median (p90) | full scan: median | ratio | numbers checked equal "
             "| seeding: time, peak RSS | peak RSS after the scans |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for x in r["rows"]:
        lines.append(f"| {x['backend']} | {x['responses']:,} | {x['summaries_ms']:.1f} ms ({x['summaries_p90_ms']:.1f} ms) | "
                     f"{x['scan_ms']:,.0f} ms | {x['ratio']:,.0f}× | {x['numbers_compared']} | "
                     f"{x['seed_seconds']:.0f} s, {x['seed_peak_rss_kib'] / 1024:.0f} MiB | {x['peak_rss_after_scans_kib'] / 1024:.0f} MiB |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# 5. In-browser scoring (from the same Chromium session as 2)

def bench_browser_scoring():
    r = browser_bench()
    return {"chromium": r["chromium"], **r["scoring"]}


def table_browser_scoring(r):
    if "status" in r:
        return f"_{r['status']}._"
    return "\n".join([
        "| score() of one E-S-QUAL response (esqual_one.json) in the wasm | per call |", "|---|--:|",
        f"| one call, median of 200 | {r['one_median_ms'] * 1000:.0f} µs |",
        f"| one call, 95th percentile of 200 | {r['one_p95_ms'] * 1000:.0f} µs |",
        f"| 10,000 calls in a loop ({r['loop_10k_ms']:.0f} ms in all) | {r['per_call_us']:.0f} µs |",
        "", f"A frame at 60 Hz is 16,667 µs: one score() is about {r['per_call_us'] / 16667 * 100:.1f}% of a frame."])


BENCHMARKS = {
    "size": (bench_size, table_size),
    "render": (bench_render, table_render),
    "report": (bench_report, table_report),
    "ingest": (bench_ingest, table_ingest),
    "ingest_pg": (bench_ingest_pg, table_ingest_pg),
    "browser_scoring": (bench_browser_scoring, table_browser_scoring),
    "report_summaries": (bench_report_summaries, table_report_summaries),
}


def machine_table(m):
    keys = ["date", "commit", "cpu", "cores", "memory_gib", "os", "kernel", "loadavg_at_start", "eservqual", "rustc", "node", "python"]
    return "| | |\n|---|---|\n" + "\n".join(f"| {k} | {m.get(k)} |" for k in keys)


def regenerate_doc():
    doc = DOC.read_text()
    for name, (_, table) in BENCHMARKS.items():
        f = RESULTS / f"{name}.json"
        if not f.exists():
            continue
        r = json.loads(f.read_text())
        try:
            body = table(r)
        except KeyError as e:
            log(f"bench/results/{name}.json is from an older runner (no {e}); rerun `bench/run.py {name}`")
            continue
        if "machine" in r:
            load = r.get("loadavg_at_start", r["machine"].get("loadavg_at_start"))
            body = (f"Run {r['machine']['date']} on commit {r['machine']['commit']}, load average {load} at its start "
                    f"(machine: see the table at the end).\n\n" + body)
        doc = re.sub(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", lambda m: m.group(1) + body + "\n" + m.group(2), doc, flags=re.S)
    m = RESULTS / "machine.json"
    if m.exists():
        doc = re.sub(r"(<!-- bench:machine -->\n).*?(<!-- /bench:machine -->)", lambda x: x.group(1) + machine_table(json.loads(m.read_text())) + "\n" + x.group(2), doc, flags=re.S)
    DOC.write_text(doc)


def main(argv):
    if argv == ["--tables"]:
        regenerate_doc()
        return
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"bench: unknown benchmark {', '.join(unknown)}; one of {', '.join(BENCHMARKS)}")
    setup(names)
    m = machine()
    (RESULTS / "machine.json").write_text(json.dumps(m, indent=2) + "\n")
    for name in names:
        log(f"== {name}")
        t0 = time.perf_counter()
        load = [round(x, 2) for x in os.getloadavg()]
        r = BENCHMARKS[name][0]()
        r["loadavg_at_start"] = load
        r["machine"] = m
        r["bench_seconds"] = round(time.perf_counter() - t0, 1)
        (RESULTS / f"{name}.json").write_text(json.dumps(r, indent=2) + "\n")
    regenerate_doc()
    log("wrote bench/results/*.json and the tables of BENCHMARKS.md")


if __name__ == "__main__":
    main(sys.argv[1:])
