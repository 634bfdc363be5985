#!/usr/bin/env bash
# Runs each cargo-fuzz target for SECONDS (default 60) and prints executions per target.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]      targets: see fuzz/Cargo.toml
# Seeds: fuzz/corpus/seed/<target> (node fuzz/seed.mjs), plus ../shared/data's trace and log files
# read in place. New inputs go to fuzz/corpus/<target>; a crash or hang stops its target, is saved
# under fuzz/artifacts/<target>/ and fails the run (each one becomes a regression test in
# tests/fuzz_regressions.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
secs="${1:-60}"; [ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(template provisioning trace span_links log_links js_regex)
data=../shared/data
node fuzz/seed.mjs >/dev/null
start=$SECONDS
cargo +nightly fuzz build 2>&1 | tail -n 3   # every target: one build
echo "fuzz: build took $((SECONDS - start)) s"
summary="" failed=0
for t in "${targets[@]}"; do
  extra=()
  case "$t" in
    trace) [ -d "$data/traces" ] && extra+=("$data/traces") ;;
    provisioning) ;;
    log_links) [ -d "$data/logs" ] && extra+=("$data/logs") ;;
  esac
  mkdir -p "fuzz/corpus/$t"
  log="$(mktemp)"
  set +e
  cargo +nightly fuzz run "$t" "fuzz/corpus/$t" "fuzz/corpus/seed/$t" "${extra[@]}" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  if [ $rc -ne 0 ]; then
    failed=1
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written|deadly signal|timeout' "$log" | head -n 20
    summary+="$(printf 'fuzz %-13s %12s executions  FAILED (rc %s, see fuzz/artifacts/%s)' "$t" "$execs" "$rc" "$t")"$'\n'
  else
    summary+="$(printf 'fuzz %-13s %12s executions  ok, %s s' "$t" "$execs" "$secs")"$'\n'
  fi
  rm -f "$log"
done
printf '%s' "$summary"
exit $failed
