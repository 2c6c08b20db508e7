#!/usr/bin/env bash
# Installs what building and testing Pipewright needs, and only what is missing, so a
# second run installs nothing. Usage: scripts/setup.sh build|test|bench|fuzz
#   build: the wasm32 target, trunk, wasm-bindgen-cli, binaryen's wasm-opt and terser (npm)
#   test:  all of build, plus Chromium and chromedriver (Debian), Playwright (npm), and a
#          C++ compiler (Debian) for libFuzzer in the fuzz layer
#   bench: all of test, plus Lighthouse (npm) for `make bench`
#   fuzz:  only what fuzzing needs (`make fuzz`)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# Must equal the `wasm-bindgen = "=..."` pin in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    say "installing trunk $TRUNK_VERSION (takes several minutes once)"
    # trunk 0.22 needs a newer rustc than this machine has; --locked keeps its deps as tested.
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  if [ -z "$WASM_BINDGEN_VERSION" ]; then
    echo "Cargo.toml must pin wasm-bindgen with '=' (e.g. wasm-bindgen = \"=0.2.130\")" >&2
    exit 1
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    # Not --locked: its lock file names a webpki-roots version the registry here lacks.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

npm_install() {
  # `npm ci` from the lock file; skipped when node_modules already matches it.
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
    ! cmp -s <(sed -n '/"packages"/,$p' "$dir/package-lock.json" | grep -v '"": {' | md5sum) \
      <(cat "$dir/.lock-stamp" 2>/dev/null); then
    say "installing npm packages in $dir"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    sed -n '/"packages"/,$p' "$dir/package-lock.json" | grep -v '"": {' | md5sum >"$dir/.lock-stamp"
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and chromedriver from Debian"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  fi
}

ensure_cxx() {
  # libfuzzer-sys builds libFuzzer from its C++ sources; the crates come through cargo.
  if ! command -v c++ >/dev/null; then
    say "installing a C++ compiler from Debian (for libFuzzer)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y g++
  fi
}

case "${1:-build}" in
  build)
    ensure_wasm_target
    ensure_wasm_bindgen
    ensure_trunk
    npm_install tools
    ;;
  test)
    ensure_wasm_target
    ensure_wasm_bindgen
    ensure_trunk
    npm_install tools
    ensure_chromium
    npm_install e2e
    ensure_cxx
    ;;
  bench)
    "$0" test
    npm_install bench
    ;;
  fuzz)
    ensure_cxx
    ;;
  *)
    echo "usage: $0 build|test|bench|fuzz" >&2
    exit 2
    ;;
esac
