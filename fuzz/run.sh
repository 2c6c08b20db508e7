#!/usr/bin/env bash
# Builds the fuzz targets and runs them with libFuzzer, then prints the figures.
# Usage: fuzz/run.sh short|long [import] [storage]
#   short: each target for 50,000 inputs or 25 seconds, whichever comes first (`make test`)
#   long:  each target for 1,000,000 inputs (`make fuzz`); FUZZ_RUNS=N changes the count
# Any panic, timeout (10 s for one input) or out-of-memory fails the run; the input is
# saved under fuzz/artifacts/TARGET/ and the log is in fuzz/target/logs/TARGET.log.
# A run stops at the first failure, unless FUZZ_KEEP_GOING=1: then libFuzzer's fork mode
# runs on past each one to the full count, and the failures are counted and listed.
#
# No cargo-fuzz and no nightly: stable rustc builds the targets with the same coverage
# instrumentation cargo-fuzz asks for with `--sanitizer none`, and libfuzzer-sys links
# libFuzzer in (it needs a C++ compiler).
set -euo pipefail
cd "$(dirname "$0")"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

mode=${1:-short}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(import storage)
case "$mode" in
  short) runs=50000 limit=(-max_total_time=25) ;;
  long) runs=${FUZZ_RUNS:-1000000} limit=() ;;
  *)
    echo "usage: $0 short|long [import] [storage]" >&2
    exit 2
    ;;
esac

host=$(rustc -vV | sed -n 's/^host: //p')
# --target keeps these flags off build scripts and proc macros, which run on the host.
RUSTFLAGS="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
--cfg fuzzing" \
  cargo build --quiet --release --target "$host" --bin import --bin storage
# The seeds come from the app's own encoders, so they are built without instrumentation.
env -u RUSTFLAGS cargo run --quiet -p pipewright-fuzz-seeds --target-dir target/plain \
  -- target/seeds

figures=()
failed=0
keep_going=()
[ "${FUZZ_KEEP_GOING:-0}" = 0 ] || keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
for target in "${targets[@]}"; do
  bin="target/$host/release/$target"
  seeds=("target/seeds/$target")
  [ "$target" != import ] || seeds+=(../tests/backup_corpus)
  mkdir -p "corpus/$target" "artifacts/$target" target/logs
  log="target/logs/$target.log"
  find "artifacts/$target" -type f | sort >target/logs/artifacts-before
  echo "fuzzing $target: $runs inputs${limit:+ or ${limit#-max_total_time=} s} (log: fuzz/$log)"
  start=$EPOCHREALTIME
  status=0
  # New inputs that reach new code go into corpus/TARGET, kept between runs on a machine.
  "$bin" "corpus/$target" "${seeds[@]}" "${keep_going[@]}" \
    -dict=pipewright.dict -runs="$runs" "${limit[@]}" -max_len=131072 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
    >"$log" 2>&1 || status=$?
  end=$EPOCHREALTIME
  mapfile -t found < <(find "artifacts/$target" -type f | sort | comm -13 target/logs/artifacts-before -)
  if [ ${#keep_going[@]} -eq 0 ]; then
    inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    new_units=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
  else
    inputs=$(sed -n 's/^#\([0-9]*\): cov.*/\1/p' "$log" | tail -1)
    new_units=-
  fi
  figures+=("$(awk -v t="$target" -v n="${inputs:-0}" -v s="$(awk "BEGIN { print $end - $start }")" \
    -v u="${new_units:-0}" -v c="${#found[@]}" \
    'BEGIN { printf "%-8s %10d %9.1f %8d %10s %8d", t, n, s, n / s, u, c }')")
  if [ "$status" -ne 0 ] || [ ${#found[@]} -ne 0 ]; then
    failed=1
    echo "fuzz target $target failed (exit $status); the end of its log:" >&2
    tail -n 40 "$log" >&2
    echo "inputs that fail, each with its panic (run one again: fuzz/$bin fuzz/FILE):" >&2
    for file in "${found[@]}"; do
      echo "  fuzz/$file: $("$bin" "$file" 2>&1 | grep -m1 -A1 'panicked at' | tail -1)" >&2
    done
  fi
done

printf '\n%-8s %10s %9s %8s %10s %8s\n' target inputs 'wall s' exec/s 'new units' crashes
printf '%s\n' "${figures[@]}"
exit "$failed"
