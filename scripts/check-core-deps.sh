#!/usr/bin/env bash
# The core must stay pure Rust: no browser crate anywhere in its dependency tree (normal and
# build dependencies), so Cargo itself keeps scoring natively testable.
set -euo pipefail
cd "$(dirname "$0")/.."

tree="$(cargo tree -p eservqual-core --edges normal,build --prefix none --format '{p}' --locked)"
browser="$(grep -E '^(wasm-bindgen|web-sys|js-sys|gloo)([-_a-z]*)? ' <<<"$tree" || true)"
if [ -n "$browser" ]; then
  echo "check-core-deps: eservqual-core depends on browser crates:" >&2
  echo "$browser" >&2
  exit 1
fi
echo "check-core-deps: eservqual-core has $(sort -u <<<"$tree" | wc -l) crates in its tree, none of them a browser crate"
