#!/usr/bin/env python3
"""No Rust module imports one that imports it back (ARCHITECTURE.md): for each crate's src/, the
modules each file names through `crate::`, `super::` or `crate::serve::` (test modules left out),
and every pair that names each other. Exits 1 naming the pairs."""
import os
import re
import sys

ROOTS = ["core/src", "src", "server/src"]
REF = re.compile(r"\b(?:crate::(?:serve::)?|super::)([a-z_][a-z0-9_]*)")


def modules(root):
    """Module name (last path part, `mod.rs` as its folder) -> the module names it refers to."""
    out = {}
    for folder, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(folder, f)
            name = os.path.basename(folder) if f == "mod.rs" else f[:-3]
            text = open(path, encoding="utf-8").read().split("#[cfg(test)]")[0]
            out.setdefault(path, (name, set()))[1].update(m.group(1) for m in REF.finditer(text))
    return out


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    bad = []
    for root in ROOTS:
        mods = list(modules(root).items())
        for i, (pa, (a, da)) in enumerate(mods):
            for pb, (b, db) in mods[i + 1 :]:
                if a != b and b in da and a in db:
                    bad.append(f"{pa} and {pb} import each other")
    for line in bad:
        print(f"check-imports: {line}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
