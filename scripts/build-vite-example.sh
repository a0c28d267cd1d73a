#!/usr/bin/env bash
# Packs pkg/ as npm would publish it (npm pack) and installs the tarball into the Vite examples:
# www/examples/vite (the plain module), built here to its dist/ (the demo serves it), and
# www/examples/react (the `eservqual/react` component in a React app), installed only. The React
# app is built by its end-to-end test into that test's own temporary folder
# (tests/e2e/react.test.mjs), never into the tree: React's DOM code sets innerHTML, which no page
# served from www/ may carry. `scripts/build-vite-example.sh react` does only the named ones.
# Run scripts/build-wasm.sh first.
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
    rm -rf dist
    [ "$name" = react ] || npx vite build --logLevel warn
  )
  if [ "$name" = react ]; then
    echo "build-vite-example: installed $tarball into www/examples/react/ (its test builds it)"
  else
    echo "build-vite-example: built www/examples/$name/dist/ from $tarball"
  fi
done
