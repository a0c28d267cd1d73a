#!/usr/bin/env bash
# Builds the npm package in pkg/: the wasm crate for the browser, its wasm-bindgen glue (ES
# module), wasm-opt -Oz, the hand-written .d.ts and package.json; then checks the size budget.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'build-wasm: %s\n' "$*" >&2; }

# The wasm-bindgen CLI must be the version of the library in Cargo.lock (scripts/setup.sh
# installs it), or the glue and the wasm disagree at load time.
want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  log "wasm-bindgen CLI is '${have:-missing}', Cargo.lock has $want: run scripts/setup.sh"
  exit 1
fi
# wasm-opt from npm's binaryen (package.json); Debian's binaryen breaks wasm-bindgen output.
if [ ! -x node_modules/.bin/wasm-opt ]; then
  log "installing npm packages (binaryen)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

log "cargo build (wasm-release)"
cargo build -p eservqual --target wasm32-unknown-unknown --profile wasm-release

rm -rf pkg
log "wasm-bindgen --target web"
wasm-bindgen --target web --out-dir pkg --out-name eservqual \
  target/wasm32-unknown-unknown/wasm-release/eservqual.wasm

log "wasm-opt -Oz"
# The wasm features rustc enabled are read from the module's target_features section.
node_modules/.bin/wasm-opt -Oz pkg/eservqual_bg.wasm -o pkg/eservqual_bg.opt.wasm
mv pkg/eservqual_bg.opt.wasm pkg/eservqual_bg.wasm

# The generated declarations describe only the raw exports; ours are the documented API.
rm -f pkg/eservqual.d.ts pkg/eservqual_bg.wasm.d.ts
cp js/eservqual.d.ts pkg/eservqual.d.ts

version="$(awk -F'"' '/^\[workspace.package\]/ { ws = 1 } ws && /^version/ { print $2; exit }' Cargo.toml)"
cat > pkg/package.json <<JSON
{
  "name": "eservqual",
  "version": "$version",
  "description": "E-S-QUAL / SERVQUAL questionnaire widget compiled to WebAssembly",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "module": "eservqual.js",
  "main": "eservqual.js",
  "types": "eservqual.d.ts",
  "exports": {
    ".": { "types": "./eservqual.d.ts", "default": "./eservqual.js" },
    "./eservqual_bg.wasm": "./eservqual_bg.wasm"
  },
  "files": ["eservqual.js", "eservqual_bg.wasm", "eservqual.d.ts"],
  "sideEffects": false
}
JSON

scripts/size-budget.sh
