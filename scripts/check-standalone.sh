#!/usr/bin/env bash
# The repository stands on its own: no tracked file reads or names a folder outside it (a data
# folder beside a local checkout, say), and no spec is cited by a file name the repository does
# not hold. A fresh clone has only what git gives it, so everything a test reads lives under
# tests/data and every spec under docs/.
set -euo pipefail
cd "$(dirname "$0")/.."

self="scripts/check-standalone.sh"
# Paths that climb out of the repository into a sibling data or design folder, in any spelling
# a script, a Rust include or a JS URL would use.
outside='\.\./(\.\./)*shared\b|\bshared[/](data|design)\b'
# The specs are docs/scoring.md, docs/interfaces.md and docs/reliability.md; the upper-case
# names were never files of this repository.
stale='\b(SCORING|INTERFACES|RELIABILITY|PRODUCT|TOOLCHAIN)\.md\b'

found="$(git ls-files -z | grep -zv -e "^$self\$" | xargs -0 grep -nIE -e "$outside" -e "$stale" -- 2>/dev/null || true)"
if [ -n "$found" ]; then
  echo "check-standalone: these lines reach outside the repository or cite a spec it does not hold:" >&2
  echo "$found" >&2
  exit 1
fi
echo "check-standalone: $(git ls-files | wc -l) tracked files, none reads or names anything outside the repository"
