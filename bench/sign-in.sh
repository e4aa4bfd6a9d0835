#!/usr/bin/env bash
# Hundreds of sign-ins at once against the real router (release build): latency,
# responsiveness of other requests meanwhile, and peak memory. BENCH_SIGN_INS=N to vary.
source "$(dirname "$0")/../scripts/lib.sh"

ensure_rust
step "Sign-in storm benchmark (release build)"
cargo bench -p server --bench sign_in_storm --locked
