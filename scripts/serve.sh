#!/usr/bin/env bash
# Serves the Customer Portal on http://localhost:3000 (release build, SQLite under
# ./data, created on first run). Installs the build tools it lacks first.
source "$(dirname "$0")/lib.sh"

addr="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
# Browsers allow passkeys on a domain only, never on an IP address: on this
# machine the portal is named localhost (its passkeys' relying party), not 127.0.0.1.
if [ -z "${SITE_URL:-}" ] && [[ "$addr" == 127.* ]]; then
  export SITE_URL="http://localhost:${addr##*:}"
fi

ensure_build_tools
build_release
step "Serving the Customer Portal on ${SITE_URL:-http://$addr} (Ctrl-C stops it)"
note "listening on $addr; database: ${DATABASE_URL:-sqlite://data/portal.db?mode=rwc}"
exec "$TARGET_DIR/release/server"
