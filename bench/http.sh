#!/usr/bin/env bash
# Requests per second and p50/p99 latency of the release server at 16 clients at once
# (kept-alive connections, loopback): the login page, the signed-in Account Security
# page, the code step of sign-in alone, a whole sign-in, and "Forgot your password?"
# for customers' addresses and for nobody's; the customer's own browser signing in
# while strangers flood sign-in from one address and from 200 (BENCH_FLOOD_SECONDS
# each); then the servers' memory.
#
#   bench/http.sh                                   one server on a fresh SQLite file
#   bench/http.sh --database postgres://… --servers 2
#                                                   two servers on one PostgreSQL database,
#                                                   sharing a master key; clients take them in turn
#
# The options set BENCH_DATABASE_URL and BENCH_SERVERS (README, Configuration).
source "$(dirname "$0")/../scripts/lib.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --database) [ $# -ge 2 ] || fail "--database needs a database URL"; export BENCH_DATABASE_URL="$2"; shift 2 ;;
    --servers) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || fail "--servers needs a number of servers"; export BENCH_SERVERS="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (bench/http.sh --help)" ;;
  esac
done
if [ "${BENCH_SERVERS:-1}" -gt 1 ] && [[ "${BENCH_DATABASE_URL:-sqlite}" == sqlite* ]]; then
  fail "several servers share one PostgreSQL database: add --database postgres://…"
fi

ensure_build_tools
build_release
step "HTTP benchmark against $TARGET_DIR/release/server (${BENCH_SERVERS:-1} server(s))"
PORTAL_SERVER_BIN="$TARGET_DIR/release/server" \
  cargo bench -p server --bench http --locked
