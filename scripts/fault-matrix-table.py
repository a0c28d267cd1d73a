#!/usr/bin/env python3
"""Writes the fault matrix of the last delivery test run (target/fault-matrix.json) into the
README between its <!-- fault-matrix --> markers."""
import json
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
rows = json.loads((root / "target/fault-matrix.json").read_text())
if not rows:
    sys.exit("fault-matrix: target/fault-matrix.json is empty: run the delivery tests first")
lines = ["| scenario | runs | submitted | received with a 2xx | lost | duplicates received | stored |", "|---|--:|--:|--:|--:|--:|--:|"]
for r in rows:
    lines.append(f"| {r['scenario']} | {r['runs']} | {r['submitted']} | {r['received']} | {r['lost']} | {r['duplicates']} | {r['stored']} |")
total = {k: sum(r[k] for r in rows) for k in ("runs", "submitted", "received", "lost", "duplicates", "stored")}
lines.append(f"| **all** | {total['runs']} | {total['submitted']} | {total['received']} | {total['lost']} | {total['duplicates']} | {total['stored']} |")
readme = root / "README.md"
text = readme.read_text()
new, n = re.subn(r"<!-- fault-matrix -->.*?<!-- /fault-matrix -->", "<!-- fault-matrix -->\n" + "\n".join(lines) + "\n<!-- /fault-matrix -->", text, flags=re.S)
if n != 1:
    sys.exit("fault-matrix: README.md has no <!-- fault-matrix --> markers")
readme.write_text(new)
print("\n".join(lines))
