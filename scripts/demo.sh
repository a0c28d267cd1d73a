#!/usr/bin/env bash
# The demo, for now: a reproducible synthetic shop (300 customers, SERVQUAL in gap format with
# weights, NPS, CSAT) written to .demo/, then its report as a table. Nothing to configure.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -p eservqual-server --locked
bin=target/release/eservqual
mkdir -p .demo
"$bin" sample --instrument servqual --format gap --respondents 300 --seed 7 --out .demo/shop.csv
echo "demo: wrote .demo/shop.csv (300 synthetic shop customers); its report:"
echo
"$bin" report --instrument servqual --format gap --output table .demo/shop.csv
echo
echo "demo: the same report as JSON: $bin report --instrument servqual --format gap .demo/shop.csv"
