# The two commands of the README (`make demo`, `make test`) and their parts. Every step is a
# script under scripts/ that runs on its own; each target installs what it needs first.
.PHONY: setup build pkg test test-native test-pg test-e2e-pg test-wasm test-crosscheck test-js test-e2e check-core check-standalone lint demo bench clean

SHELL := /bin/bash
CARGO ?= cargo

# Rust wasm target, the exact wasm-bindgen CLI, Chromium + driver, npm packages.
setup:
	scripts/setup.sh

# The native binary (release) and the npm package in pkg/ with its size budget.
build: setup pkg
	$(CARGO) build --release -p eservqual-server

# Every suite: the style and static checks, the repository standing on its own, the core's purity, native tests (core,
# binary), the report against the independent reference implementation, wasm tests in headless Chromium, the release build of
# pkg/ against its size budget, then the JS tests of the loader and the package (Node) and the
# end-to-end tests in Chromium (also through a collector on PostgreSQL whose database restarts).
test: setup lint check-standalone check-core test-native test-pg test-crosscheck test-wasm pkg test-js test-e2e test-e2e-pg

# The npm package in pkg/ (also copied to www/pkg/ for the demo pages and the browser tests).
pkg:
	scripts/build-wasm.sh

test-js:
	node --test --test-concurrency=1 tests/js/

# Real Chromium against the real collector serving the built package (needs `pkg`), the
# dashboard and the Vite and React example apps built from the packed tarball.
test-e2e:
	$(CARGO) build -p eservqual-server --locked
	scripts/build-dashboard.sh
	scripts/build-vite-example.sh
	node --test --test-concurrency=1 tests/e2e/

check-core:
	scripts/check-core-deps.sh

# One style, kept by tools: rustfmt, clippy (host and wasm32) and tsc over js/eservqual.d.ts.
lint:
	scripts/lint.sh

# Nothing reads or names a folder outside the repository; specs are cited under docs/.
check-standalone:
	scripts/check-standalone.sh

test-native:
	$(CARGO) test --workspace --locked

# The collector on PostgreSQL: a throw-away cluster (Debian's postgresql installed where missing,
# run as the postgres user, on a private port, removed afterwards) for tests/serve_pg.rs and
# tests/webhooks_pg.rs.
test-pg:
	scripts/pg-cluster.sh run $(CARGO) test -p eservqual-server --locked --test serve_pg --test webhooks_pg

# The real widget in Chromium through a collector on PostgreSQL while the database is stopped and
# started (its own throw-away cluster; needs `pkg` and the debug binary, as test-e2e).
test-e2e-pg:
	$(CARGO) build -p eservqual-server --locked
	scripts/pg-cluster.sh run node --test --test-concurrency=1 tests/e2e-pg/

test-crosscheck:
	$(CARGO) build -p eservqual-server --locked
	scripts/crosscheck.py target/debug/eservqual

test-wasm:
	scripts/test-wasm.sh

# The whole product on loopback: the sample report, then the seeded collector with the demo
# pages and the dashboard (scripts/demo.sh prints the URLs).
demo: setup
	scripts/demo.sh

# The benchmarks of BENCHMARKS.md (not part of `make test`): installs the pinned peers (npm ci and
# a venv in bench/, wrk and time from Debian), writes bench/results/*.json and regenerates the
# tables of BENCHMARKS.md. The PostgreSQL parts run in a throw-away cluster that bench/run.py
# starts itself (scripts/pg-cluster.sh start, removed at the end), or in the database of
# ESERVQUAL_TEST_DATABASE_URL when set. About 25 minutes after `build` (the 1 M report alone
# takes most of it); `bench/run.py NAME...` runs some of them.
bench: build
	bench/run.py

clean:
	rm -rf pkg .demo
	$(CARGO) clean
