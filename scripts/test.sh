#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust unit and integration tests (on
# SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set), then the Playwright
# suite in Chromium against a freshly built release server.
source "$(dirname "$0")/lib.sh"

ensure_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then return; fi
  if command -v chromium >/dev/null; then export CHROMIUM_PATH="$(command -v chromium)"; return; fi
  command -v apt-get >/dev/null || fail "no Chromium found: install one and set CHROMIUM_PATH"
  step "Installing Debian's chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  export CHROMIUM_PATH="$(command -v chromium)"
}

ensure_build_tools
ensure_chromium
step "Installing the end-to-end test packages (npm ci in end2end/)"
(cd end2end && npm ci --no-audit --no-fund)

step "Checking formatting and lints (server and WASM targets)"
cargo fmt --all --check
cargo clippy --workspace --exclude frontend --all-targets --locked -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  step "Rust unit and integration tests on SQLite and PostgreSQL"
else
  step "Rust unit and integration tests on SQLite (set TEST_DATABASE_URL to add PostgreSQL)"
fi
# The HTTP tests wait on the databases and on the mail and SMS stand-ins much of
# the time: four at once finish in two thirds of the time on two cores.
RUST_TEST_THREADS="${RUST_TEST_THREADS:-4}" cargo test --workspace --exclude frontend --locked

build_release
step "Browser tests: Playwright in $CHROMIUM_PATH against the release server"
export PORTAL_SERVER_BIN="$TARGET_DIR/release/server"
(cd end2end && npx playwright test)
step "All tests passed"
