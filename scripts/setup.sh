#!/usr/bin/env bash
# Installs what the build and the test suites need on a fresh Debian machine, skipping what is
# already there: the wasm target, the exact wasm-bindgen CLI of Cargo.lock, Chromium with its
# driver, the npm packages of the browser tests, and numpy, scipy and pingouin for the reference
# implementation (tests/reference/) that scripts/crosscheck.py compares the report with; the
# alpha tests also read pingouin's example data sets from the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly, or the generated
# glue and the wasm disagree at load time.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# clippy and rustfmt for scripts/lint.sh (`make lint`); tsc comes with the npm packages below.
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component-"; then
    log "adding the $component component"
    rustup component add "$component"
  fi
done

want="$(wasm_bindgen_version)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (found '${have:-none}')"
  # No --locked: the CLI's own lockfile can name versions the registry index does not serve yet.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "installing chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    # Playwright drives the Debian Chromium; its own browser download does not work here.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
fi
# Python packages at their pinned versions, skipping those already installed at that version:
# the reference implementation of the scoring rules (tests/reference/) needs all three, and
# core/tests/alpha.rs reads cronbach_alpha.csv and cronbach_wide_missing.csv from pingouin.
python_pins=("numpy==2.4.6" "scipy==1.17.1" "pingouin==0.7.0")
python_missing=()
for pin in "${python_pins[@]}"; do
  have="$(python3 -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "${pin%%==*}" 2>/dev/null || true)"
  [ "$have" = "${pin##*==}" ] || python_missing+=("$pin")
done
if [ "${#python_missing[@]}" -gt 0 ]; then
  log "installing ${python_missing[*]} (pip)"
  python3 -m pip install --quiet --disable-pip-version-check "${python_missing[@]}"
fi
log "ready"
