#!/usr/bin/env bash
# Serves the Customer Portal on http://127.0.0.1:3000 (release build, SQLite under
# ./data, created on first run). Installs the build tools it lacks first.
source "$(dirname "$0")/lib.sh"

ensure_build_tools
build_release
step "Serving the Customer Portal on http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000} (Ctrl-C stops it)"
note "database: ${DATABASE_URL:-sqlite://data/portal.db?mode=rwc}"
exec "$TARGET_DIR/release/server"
