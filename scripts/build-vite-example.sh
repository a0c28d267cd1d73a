#!/usr/bin/env bash
# Packs pkg/ as npm would publish it (npm pack), installs the tarball into the Vite examples and
# builds each to its dist/: www/examples/vite (the plain module) and www/examples/react (the
# `eservqual/react` component in a React app). `scripts/build-vite-example.sh react` builds only
# the named ones. Run scripts/build-wasm.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f pkg/package.json ] || { echo "build-vite-example: pkg/ is missing; run scripts/build-wasm.sh" >&2; exit 1; }
mkdir -p target/npm
tarball="$(cd pkg && npm pack --silent --pack-destination ../target/npm)"
mv "target/npm/$tarball" target/npm/eservqual.tgz
examples=("$@")
[ ${#examples[@]} -gt 0 ] || examples=(vite react)
for name in "${examples[@]}"; do
  (
    cd "www/examples/$name"
    # A fresh install of the tarball every time: its bytes change with every build.
    rm -rf node_modules/eservqual package-lock.json
    npm install --no-audit --no-fund --loglevel=error
    npx vite build --logLevel warn
  )
  echo "build-vite-example: built www/examples/$name/dist/ from $tarball"
done
