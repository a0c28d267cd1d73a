#!/usr/bin/env bash
# The style and static checks of `make lint` (and so of `make test`), each failing the run:
#   rustfmt   the tree as `cargo fmt` writes it (rustfmt.toml)
#   clippy    the workspace on the host, every target, with the workspace lints of Cargo.toml
#   clippy    the wasm crate for wasm32 with its browser tests (tests/*.rs build only there)
#   imports   no Rust module imports one that imports it back (scripts/check-imports.py)
#   tsc       the hand-written declarations js/eservqual.d.ts and js/react.d.ts, through
#             tests/types/usage.ts and react.tsx (with the DOM library) and tests/types/ssr.ts and
#             react-ssr.ts (without it, as a server-side build)
# Warnings are errors. scripts/setup.sh installs clippy, rustfmt, the wasm target and tsc.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'lint: %s\n' "$*" >&2; }

log "cargo fmt --check"
cargo fmt --all --check

log "clippy (host)"
cargo clippy --workspace --all-targets --locked -- -D warnings
# tests/serve_pg.rs and webhooks_pg.rs have `test = false` (they need the cluster of make
# test-pg), so --all-targets leaves them out: checked by name.
cargo clippy -p eservqual-server --test serve_pg --test webhooks_pg --locked -- -D warnings

log "clippy (wasm32)"
cargo clippy --target wasm32-unknown-unknown -p eservqual --all-targets --locked -- -D warnings

log "no module imports one that imports it back"
python3 scripts/check-imports.py

log "tsc (js/eservqual.d.ts, js/react.d.ts)"
if [ ! -x node_modules/.bin/tsc ]; then
  log "installing npm packages (typescript)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
node_modules/.bin/tsc -p tests/types
node_modules/.bin/tsc -p tests/types/tsconfig.ssr.json

log "ok"
