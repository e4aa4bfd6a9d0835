# Shared by serve.sh and test.sh: installs whatever the build needs and is missing,
# saying what it does. Sourced, not run. Everything it installs comes from
# rustup, crates.io, npm or Debian's packages; nothing is downloaded from elsewhere.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/scripts/tools/node_modules/.bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
fail() { printf '\n\033[1;31mError: %s\033[0m\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    fail "'$*' needs root; run it yourself, then try again"
  fi
}

ensure_rust() {
  command -v rustup >/dev/null || fail "rustup is needed: see https://rustup.rs"
  step "Rust toolchain from rust-toolchain.toml (with the wasm32 target)"
  rustup toolchain install >/dev/null 2>&1 || rustup show active-toolchain >/dev/null
  note "$(rustc --version)"
}

# `cargo install`, first with the lock file the crate shipped, then without it when
# the registry mirror lags behind that lock file. Tools are built without LTO and
# with many codegen units: minutes instead of half an hour on two cores, for tools
# that run a few seconds per build.
cargo_install() {
  local fast=(env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16)
  "${fast[@]}" cargo install --locked "$@" || { note "retrying without --locked"; "${fast[@]}" cargo install "$@"; }
}

ensure_cargo_leptos() {
  local wanted=0.3.11
  if cargo leptos --version 2>/dev/null | grep -q "$wanted"; then return; fi
  step "Installing cargo-leptos $wanted (no_downloads: it uses the tools below, not its own downloads; ~8 min)"
  cargo_install cargo-leptos --version "$wanted" --features no_downloads
}

ensure_wasm_bindgen() {
  local wanted
  wanted="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')"
  if wasm-bindgen --version 2>/dev/null | grep -q " $wanted"; then return; fi
  step "Installing wasm-bindgen-cli $wanted (must equal Cargo.lock's wasm-bindgen; ~4 min)"
  cargo_install wasm-bindgen-cli --version "$wanted" --force
}

ensure_wasm_opt() {
  if [ -x scripts/tools/node_modules/.bin/wasm-opt ]; then return; fi
  command -v npm >/dev/null || fail "npm is needed (Node.js 18 or newer) for wasm-opt and the browser tests"
  step "Installing wasm-opt (npm package binaryen) into scripts/tools"
  (cd scripts/tools && npm ci --no-audit --no-fund)
}

# Passkeys (webauthn-rs) link against OpenSSL: its headers and pkg-config.
ensure_openssl_dev() {
  if pkg-config --exists openssl 2>/dev/null; then return; fi
  command -v apt-get >/dev/null || fail "OpenSSL's development files are needed (libssl-dev and pkg-config)"
  step "Installing Debian's libssl-dev and pkg-config (OpenSSL for passkeys)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev pkg-config >/dev/null
}

ensure_build_tools() {
  ensure_rust
  ensure_openssl_dev
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_wasm_opt
}

# The release site: the server binary, and the WASM, JS and CSS under hashed names,
# each with brotli and gzip copies for the server to send as they are. `--split`
# cuts the lazy routes' code out of the WASM into chunks loaded when needed.
build_release() {
  step "Building the release site (server binary + WASM split into chunks) with cargo leptos"
  cargo leptos build --release --precompress --split
}
