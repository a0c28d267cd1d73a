#!/usr/bin/env bash
# Builds the npm package in pkg/ and checks its size budget:
#   eservqual_wasm_bg.wasm  the wasm crate (wasm-release profile, then wasm-opt -Oz and friends)
#   eservqual.js            the ES module: js/index.js bundled with the wasm-bindgen glue
#   text-<locale>.txt       the wording of each built-in locale (en, zh-CN, zh-TW); the module
#                           fetches only the one it speaks, held to the SRI hash written into it
#   embed.js                the script-tag loader (js/embed.js), with the SRI hashes of both
#   eservqual.d.ts          the hand-written declarations (js/eservqual.d.ts); package.json
#   react.mjs, react.d.ts   `eservqual/react`, the React component (js/react.js, copied as it is:
#                           plain JS for the app's bundler) and its declarations; `.mjs`, so it
#                           is outside the size budget's pkg/*.js: only an app that imports it
#                           loads it, and it changes nothing in the module, wasm or loader
#   README.md, CHANGELOG.md, LICENSE-MIT, LICENSE-APACHE   copied from the root
# esbuild bundles and minifies, then terser minifies again (three compress passes, functions
# hoisted, names mangled: ~100 gzip bytes more off the module and ~70 off the loader than esbuild
# alone).
# Beside what a browser downloads, pkg/ holds only the package's metadata, README, changelog and
# licences.
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
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -x node_modules/.bin/terser ]; then
  log "installing npm packages (binaryen, esbuild, terser)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

log "cargo build (wasm-release)"
# Panic locations name dependencies' source files by crate and version, not by where this
# machine keeps them.
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
RUSTFLAGS="${RUSTFLAGS:-}$(for d in "$registry"/*/; do printf -- ' --remap-path-prefix=%s=' "$d"; done)" \
  cargo build -p eservqual --target wasm32-unknown-unknown --profile wasm-release

stage=target/pkg-stage
rm -rf pkg "$stage"
mkdir -p pkg "$stage"
log "wasm-bindgen --target web"
wasm-bindgen --target web --out-dir "$stage" --out-name eservqual_wasm \
  target/wasm32-unknown-unknown/wasm-release/eservqual.wasm

log "wasm-opt: short names, then -Oz"
# One- and two-letter import and export names in the wasm and the glue alike (~2.5 KB gzip:
# wasm-bindgen's import names carry a hash each, which gzip cannot compress).
node scripts/shorten-names.mjs node_modules/.bin/wasm-opt "$stage/eservqual_wasm_bg.wasm" \
  "$stage/eservqual_wasm.js" "$stage/short.wasm"
# The wasm features rustc enabled are read from the module's target_features section.
# --converge repeats -Oz until nothing shrinks (~200 gzip bytes); --strip-debug,
# --strip-producers and --strip-target-features (once read) drop sections no browser reads
# (~250 gzip bytes); --low-memory-unused lets constant offsets fold into loads and stores
# (~900 gzip bytes), sound because rustc links the stack first: the lowest 1 KiB is the far end
# of a 1 MiB stack, never reached.
# Inlining is held back: by default wasm-opt inlines every function that has one caller,
# whatever its size, and the huge functions that result (one per export) compress worse than
# the calls they replace. Inlining one-caller functions only up to size 10 (binaryen's count
# of expressions; --one-caller-inline-max-function-size) makes the wasm ~3 KB larger but
# ~3.6 KB smaller gzipped, and always inlining up to size 4 rather than 2
# (--always-inline-max-function-size) ~400 gzip bytes smaller again: measured on the gzip -9
# size the budget counts (one-caller sizes 5 to 20 land within ~150 bytes of each other).
node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers --strip-target-features \
  --low-memory-unused --one-caller-inline-max-function-size=10 --always-inline-max-function-size=4 \
  "$stage/short.wasm" -o pkg/eservqual_wasm_bg.wasm

log "the wording of each locale (core's text-columns example)"
cargo run -q -p eservqual-core --example text-columns -- pkg

# SHA-256 integrity hashes: as strong a check as SHA-384 for this (a digest the browser compares),
# and 20 base64 characters shorter each; they cannot be compressed, and the loader and the module
# each carry theirs within a gzip budget.
sri() { node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha256-"+c.createHash("sha256").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"; }
text_sri="{"
for tag in en zh-CN zh-TW; do
  text_sri+="\"$tag\":\"$(sri "pkg/text-$tag.txt")\","
done
text_sri="${text_sri%,}}"

log "esbuild: the ES module and the loader"
# The entry imports the glue as ./wasm-glue.js; the glue finds the wasm beside the bundle
# through import.meta.url, which bundlers (Vite, webpack) also follow.
cp js/index.js "$stage/index.js"
cp "$stage/eservqual_wasm.js" "$stage/wasm-glue.js"
node_modules/.bin/esbuild "$stage/index.js" --bundle --format=esm --minify --target=es2020 \
  --log-level=warning --define:__ESQ_TEXT_SRI__="$text_sri" --outfile="$stage/eservqual.js"
terse() { node_modules/.bin/terser "$@" --compress passes=3,hoist_funs=true --mangle; }
terse "$stage/eservqual.js" --module --output pkg/eservqual.js

node_modules/.bin/esbuild js/embed.js --bundle --format=iife --minify --target=es2020 --log-level=warning \
  --define:__ESQ_MODULE__='"eservqual.js"' --define:__ESQ_MODULE_SRI__="\"$(sri pkg/eservqual.js)\"" \
  --define:__ESQ_WASM__='"eservqual_wasm_bg.wasm"' --define:__ESQ_WASM_SRI__="\"$(sri pkg/eservqual_wasm_bg.wasm)\"" \
  --outfile="$stage/embed.js"
terse "$stage/embed.js" --output pkg/embed.js

# The generated declarations describe only the raw exports; ours are the documented API.
cp js/eservqual.d.ts pkg/eservqual.d.ts
cp js/react.js pkg/react.mjs
cp js/react.d.ts pkg/react.d.ts

version="$(awk -F'"' '/^\[workspace.package\]/ { ws = 1 } ws && /^version/ { print $2; exit }' Cargo.toml)"
repository="$(awk -F'"' '/^\[workspace.package\]/ { ws = 1 } ws && /^repository/ { print $2; exit }' Cargo.toml)"
# What a package needs beside its code: the README (for users first), the changelog and both
# licences of "MIT OR Apache-2.0".
cp README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE pkg/
# "sideEffects": only the loader has one (it sets window.eservqual and starts), so a bundler keeps
# `import "eservqual/embed.js"` and may drop an unused import of the module. "engines": the
# module uses fetch and WebAssembly, so Node 18 or later for score() on a server. React is a peer
# of `eservqual/react` only, so optional: an app without React installs nothing more.
cat > pkg/package.json <<JSON
{
  "name": "eservqual",
  "version": "$version",
  "description": "E-S-QUAL / SERVQUAL questionnaire widget compiled to WebAssembly: asks, scores in the browser, delivers reliably",
  "keywords": ["servqual", "e-s-qual", "service quality", "survey", "questionnaire", "nps", "csat", "widget", "webassembly", "accessibility"],
  "homepage": "$repository#readme",
  "repository": { "type": "git", "url": "git+$repository.git" },
  "bugs": { "url": "$repository/issues" },
  "license": "MIT OR Apache-2.0",
  "engines": { "node": ">=18" },
  "type": "module",
  "module": "eservqual.js",
  "main": "eservqual.js",
  "types": "eservqual.d.ts",
  "exports": {
    ".": { "types": "./eservqual.d.ts", "default": "./eservqual.js" },
    "./react": { "types": "./react.d.ts", "default": "./react.mjs" },
    "./embed.js": "./embed.js",
    "./eservqual_wasm_bg.wasm": "./eservqual_wasm_bg.wasm",
    "./text-*.txt": "./text-*.txt",
    "./package.json": "./package.json"
  },
  "files": ["eservqual.js", "eservqual_wasm_bg.wasm", "text-en.txt", "text-zh-CN.txt", "text-zh-TW.txt", "eservqual.d.ts", "react.mjs", "react.d.ts", "embed.js", "README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"],
  "peerDependencies": { "react": ">=18" },
  "peerDependenciesMeta": { "react": { "optional": true } },
  "sideEffects": ["./embed.js"]
}
JSON

# The demo pages and the end-to-end tests load the package from the collector's www/pkg/.
rm -rf www/pkg && mkdir -p www
cp -r pkg www/pkg

scripts/size-budget.sh
