#!/usr/bin/env bash
# Requests per second and p50/p99 latency of the release server at 16 clients at once
# (kept-alive connections, loopback): the login page, the signed-in Account Security
# page, the code step of sign-in alone, a whole sign-in, and "Forgot your password?"
# for customers' addresses and for nobody's; then the server's memory.
# On a fresh SQLite file, or on BENCH_DATABASE_URL (e.g. a PostgreSQL database).
source "$(dirname "$0")/../scripts/lib.sh"

ensure_build_tools
build_release
step "HTTP benchmark against $TARGET_DIR/release/server"
PORTAL_SERVER_BIN="$TARGET_DIR/release/server" \
  cargo bench -p server --bench http --locked
