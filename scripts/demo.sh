#!/usr/bin/env bash
# The demo: builds everything, prints the report of a synthetic shop, then starts the collector
# on loopback with its database under .demo/ (seeded on first start with synthetic responses of
# the last eight weeks) serving the shop page with the widget, the strict-CSP page, the inline
# and Vite examples and the dashboard. (The React app of www/examples/react is built and run by
# its end-to-end test, tests/e2e/react.test.mjs: React's bundle is not served from www/.)
# Nothing to configure; Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

addr="${DEMO_ADDR:-127.0.0.1:8787}"
cargo build --release -p eservqual-server --locked
scripts/build-wasm.sh
[ -x scripts/build-dashboard.sh ] && scripts/build-dashboard.sh
scripts/build-vite-example.sh
bin=target/release/eservqual
mkdir -p .demo

"$bin" sample --instrument servqual --format gap --respondents 300 --seed 7 --out .demo/shop.csv
echo "demo: the report of 300 synthetic shop customers (.demo/shop.csv):"
echo
"$bin" report --instrument servqual --format gap --output table .demo/shop.csv
echo

# One admin token per demo folder, kept across restarts; it reaches the collector as a file (not
# on the command line, where `ps` shows it). The dashboard URL is printed by the collector: a
# one-time code; `curl -X POST -H "Authorization: Bearer $(cat .demo/admin-token)" $base/v1/session`
# gives a new one.
[ -s .demo/admin-token ] || od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > .demo/admin-token
base="http://$addr"
cat <<TEXT
demo: starting the collector on $base (Ctrl-C stops it)
  shop page with the widget   $base/shop/          (中文: $base/shop/zh.html)
  inline questionnaire        $base/inline/
  strict-CSP page             $base/csp/
  Vite example (npm package)  $base/examples/vite/dist/
  dashboard                   the one-time URL printed below (token in .demo/admin-token)
TEXT
exec "$bin" serve --addr "$addr" --db .demo/demo.db --www www --seed 400 --segment channel,device --admin-token-file .demo/admin-token
