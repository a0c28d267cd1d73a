#!/usr/bin/env bash
# Packs pkg/ as npm would publish it (npm pack), installs the tarball into the Vite example
# (www/examples/vite) and builds it to www/examples/vite/dist/. Run scripts/build-wasm.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f pkg/package.json ] || { echo "build-vite-example: pkg/ is missing; run scripts/build-wasm.sh" >&2; exit 1; }
mkdir -p target/npm
tarball="$(cd pkg && npm pack --silent --pack-destination ../target/npm)"
mv "target/npm/$tarball" target/npm/eservqual.tgz
cd www/examples/vite
# A fresh install of the tarball every time: its bytes change with every build.
rm -rf node_modules/eservqual package-lock.json
npm install --no-audit --no-fund --loglevel=error
npx vite build --logLevel warn
echo "build-vite-example: built www/examples/vite/dist/ from $tarball"
