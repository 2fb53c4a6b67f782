#!/bin/sh
# fuzz/run.sh BUILD SECONDS TARGET...: run each libFuzzer target for SECONDS, one after
# the other (one core each), and print one summary line per target: runs, exec/s, cov
# (edges) and ft (features) from libFuzzer's final report. New inputs are kept in
# BUILD/corpus/TARGET, so campaigns add up; seeds (fuzz/seeds.sh) are read-only.
# Crashes go to BUILD/crashes/TARGET-*; the exit status is 1 if any target crashed.
set -u
build=$1; secs=$2; shift 2
sh "$(dirname "$0")/seeds.sh" "$build" || exit 2
mkdir -p "$build/crashes" "$build/logs"
fail=0
for t in "$@"; do
  corpus="$build/corpus/$t"; mkdir -p "$corpus"
  log="$build/logs/$t.log"
  case $t in
    parse|check|compile) maxlen=16384 ;;
    load) maxlen=65536 ;;
    *) maxlen=8192 ;;
  esac
  "$build/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
    -max_len=$maxlen -artifact_prefix="$build/crashes/$t-" "$corpus" "$build/seeds/$t" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  ncorp=$(ls "$corpus" | wc -l)
  if [ $rc -eq 0 ]; then status=ok; else status="CRASH (exit $rc, see $log)"; fail=1; fi
  printf '%-8s %4ss  runs %-9s exec/s %-6s cov %-5s ft %-6s corpus %-5s %s\n' \
    "$t" "$secs" "${runs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$ncorp" "$status"
done
exit $fail
