#!/bin/sh
# fuzz/run.sh BUILD SECONDS TARGET...: run each libFuzzer target for SECONDS, one after
# the other (one core each), and print one summary line per target: runs, exec/s, cov
# (edges) and ft (features) from libFuzzer's final report. New inputs are kept in
# BUILD/corpus/TARGET, so campaigns add up; seeds (fuzz/seeds.sh) are read-only.
# Crashes go to BUILD/crashes/TARGET-*; the exit status is 1 if any target crashed.
#
# FUZZ_CLOCK=cpu counts SECONDS of the target's CPU time instead of wall time: on a
# shared or busy machine a wall-clock budget buys far less fuzzing than it says. The
# target runs until its CPU time (user + system, from /proc) reaches SECONDS, then gets
# SIGINT, on which libFuzzer prints its final report and exits with status 72.
set -u
build=$1; secs=$2; shift 2
sh "$(dirname "$0")/seeds.sh" "$build" || exit 2
mkdir -p "$build/crashes" "$build/logs"
fail=0
for t in "$@"; do
  corpus="$build/corpus/$t"; mkdir -p "$corpus"
  log="$build/logs/$t.log"
  if [ ! -d "$build/seeds/$t" ]; then
    # libFuzzer refuses a corpus directory that does not exist, before running anything.
    printf '%-8s no seed directory %s: fuzz/seeds.sh must make one for every target\n' "$t" "$build/seeds/$t"
    fail=1; continue
  fi
  case $t in
    parse|check|compile|lib) maxlen=16384 ;;
    load) maxlen=65536 ;;
    *) maxlen=8192 ;;
  esac
  if [ "${FUZZ_CLOCK:-wall}" = cpu ]; then
    # Wall time capped at 50x the budget, so a starved target still ends.
    "$build/fuzz_$t" -max_total_time=$((secs * 50)) -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
      -max_len=$maxlen -artifact_prefix="$build/crashes/$t-" "$corpus" "$build/seeds/$t" >"$log" 2>&1 &
    pid=$!
    hz=$(getconf CLK_TCK)
    cpu=0
    while kill -0 $pid 2>/dev/null; do
      sleep 5
      # fields 14 and 15 of /proc/PID/stat: user and system time in clock ticks
      ticks=$(awk '{ print $14 + $15 }' /proc/$pid/stat 2>/dev/null) || break
      [ -n "$ticks" ] || break
      cpu=$((ticks / hz))
      if [ "$cpu" -ge "$secs" ]; then kill -INT $pid; break; fi
    done
    wait $pid
    rc=$?
    [ $rc -eq 72 ] && rc=0 # interrupted at the budget, as asked
  else
    "$build/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
      -max_len=$maxlen -artifact_prefix="$build/crashes/$t-" "$corpus" "$build/seeds/$t" >"$log" 2>&1
    rc=$?
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  ncorp=$(ls "$corpus" | wc -l)
  if [ $rc -eq 0 ]; then status=ok; else status="CRASH (exit $rc, see $log)"; fail=1; fi
  printf '%-8s %4ss %-4s runs %-9s exec/s %-6s cov %-5s ft %-6s corpus %-5s %s\n' \
    "$t" "$secs" "${FUZZ_CLOCK:-wall}" "${runs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$ncorp" "$status"
done
exit $fail
