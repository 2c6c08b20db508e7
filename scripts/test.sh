#!/usr/bin/env bash
# Runs every test layer, failing on the first error, then prints the size of dist/.
# Each layer can also run alone: scripts/test.sh lint|native|browser|build|e2e|size|bench
# (lighthouse: the Lighthouse part of bench alone, against the dist/ there is)
# (and fuzz, a short fuzzing run; fuzz_long, the 1,000,000-input run of `make fuzz`)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/tools/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=120

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

lint() {
  say "cargo fmt --check"
  cargo fmt --all -- --check
  say "cargo clippy (native), warnings denied"
  cargo clippy --all-targets -- -D warnings
  say "cargo clippy (wasm32), warnings denied"
  cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
}

native() {
  say "native tests: the pure core"
  cargo test
}

# fuzz/ is a crate of its own (see fuzz/README.md). Not `cargo fmt --all` there: that would
# also format the app's sources, as a path dependency.
fuzz() {
  say "fuzzing: the backup importer and the storage decoder, a short run of each"
  (cd fuzz && cargo fmt --check && cargo test --quiet --lib --target-dir target/plain)
  fuzz/run.sh short
}

fuzz_long() {
  say "fuzzing: 1,000,000 inputs for each target (figures at the end)"
  fuzz/run.sh long
}

browser() {
  say "wasm-bindgen tests in headless Chromium"
  cargo test --target wasm32-unknown-unknown --test web
}

build() {
  say "release build with trunk (wasm-opt from binaryen $(wasm-opt --version | awk '{print $3}'))"
  # -D warnings: a warning in the app build fails the build. erase_components as in
  # .cargo/config.toml (RUSTFLAGS replaces the config's flags).
  RUSTFLAGS="-D warnings --cfg erase_components" trunk build --release
}

# The built app as a static host would serve it under a sub-path: target/e2e-site/app/.
site() {
  rm -rf target/e2e-site
  mkdir -p target/e2e-site/app
  cp -R dist/. target/e2e-site/app/
}

e2e() {
  say "end-to-end tests in headless Chromium, dist/ served under /app/"
  site
  (cd e2e && npx playwright test)
}

size() {
  say "size of dist/ (bytes)"
  python3 scripts/size_report.py --budget size-budget.txt dist
}

bench() {
  say "benchmarks (figures only; nothing here passes or fails on speed)"
  cargo run --quiet --release --example bench_metrics
  node e2e/gen/deals.mjs 10000 > target/bench-10000-deals.json
  cargo run --quiet --release --example bench_storage -- target/bench-10000-deals.json
  site
  (cd e2e && PIPEWRIGHT_BENCH=1 npx playwright test --reporter=list)
  lighthouse
}

# Lighthouse 12 mobile, 3 runs of the gallery and of the board with sample deals, the build
# served gzipped (bench/serve-gzip.mjs); prints scores and metrics, fails only if it cannot run.
lighthouse() {
  say "Lighthouse 12, mobile, on a static server that gzips (figures only)"
  site
  CHROME_PATH=/usr/bin/chromium node bench/lighthouse.mjs target/e2e-site
}

if [ $# -eq 0 ]; then
  lint
  native
  fuzz
  browser
  build
  e2e
  size
else
  for layer in "$@"; do "$layer"; done
fi
