#!/usr/bin/env bash
# Vendors Chart.js (the version pinned in package.json, from node_modules) into
# www/dashboard/vendor/, so the collector serves it itself: no CDN, nothing fetched at run time.
# The copy is a build output (.gitignore). Runs `npm install` first when node_modules lacks it.
set -euo pipefail
cd "$(dirname "$0")/.."

src=node_modules/chart.js/dist/chart.umd.js
if [ ! -f "$src" ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund
fi
version=$(node -p 'require("./node_modules/chart.js/package.json").version')
pinned=$(node -p 'require("./package.json").devDependencies["chart.js"]')
if [ "$version" != "$pinned" ]; then
  echo "build-dashboard: node_modules has chart.js $version but package.json pins $pinned: run npm install" >&2
  exit 1
fi

out=www/dashboard/vendor
mkdir -p "$out"
# The UMD build is already minified and needs no bundler; the source-map comment is dropped
# (the map is not shipped, and a browser would otherwise ask for it).
sed '/^\/\/# sourceMappingURL=/d' "$src" > "$out/chart.umd.js.tmp"
mv "$out/chart.umd.js.tmp" "$out/chart.umd.js"
cp node_modules/chart.js/LICENSE.md "$out/chart.js.LICENSE.md"
echo "build-dashboard: $out/chart.umd.js (Chart.js $version, $(wc -c < "$out/chart.umd.js") bytes)"
