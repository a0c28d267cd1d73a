#!/usr/bin/env bash
# Runs the wasm crate's browser tests (tests/*.rs, wasm-bindgen-test) in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-bindgen-test-runner comes with the wasm-bindgen CLI (scripts/setup.sh) and must match
# the wasm-bindgen version of Cargo.lock.
want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
have="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  echo "test-wasm: wasm-bindgen-test-runner is '${have:-missing}', Cargo.lock has $want: run scripts/setup.sh" >&2
  exit 1
fi

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
exec cargo test -p eservqual --target wasm32-unknown-unknown "$@"
