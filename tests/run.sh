#!/bin/sh
# run.sh SUITE...: run each test suite and total the results.
#
# A suite is any command that prints one line per test case: "ok - NAME", "not ok - NAME",
# or "skip - NAME: reason" for a case that could not run here (a missing tool, say),
# optionally followed by detail lines starting with "#" (shown for failures). A TAP-style
# "ok - NAME # SKIP reason" counts as skipped, never as passed. A suite that exits
# non-zero without reporting a failing case, or that reports no case at all, counts as
# one failure of its own, so a crash or a suite that silently ran nothing is never
# missed. The last line is "N passed, N failed, N skipped".
#
# Skips are allowed where a missing tool is a fact of the machine. As root on Debian,
# `make test` has installed every package the suites need, so nothing has a reason to be
# skipped: there each skip also counts as failed, so the run fails (and a script that
# reads "0 failed" from the last line sees it), and the skipped cases are listed.
# GOV_SKIP_FAILS=1 or 0 overrides that choice (tests/harness/run.sh tests both ways).
#
# GOV_TEST_JOBS=N runs up to N suites at once (default: the number of online CPUs, at
# most 4; 1 runs them one after the other). Suites are reported in the order given, each
# with its wall time, so the output does not depend on N. They start longest first, by
# the seconds tests/suite-costs expects of each (GOV_TEST_COSTS names another file), so
# that a long suite does not start last and run alone at the end; a suite the file does
# not list starts after those it lists, and ties start in the order given.
# Every suite must therefore be able to run beside any other: its own temporary files,
# free ports of its own, no fixed paths in the build directory that another suite writes.
if [ -z "${GOV_SKIP_FAILS:-}" ]; then
  GOV_SKIP_FAILS=0
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then GOV_SKIP_FAILS=1; fi
fi
jobs=${GOV_TEST_JOBS:-}
if [ -z "$jobs" ]; then
  jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
  [ "$jobs" -le 4 ] 2>/dev/null || jobs=4
fi
case $jobs in ''|*[!0-9]*|0) echo "run.sh: GOV_TEST_JOBS must be a positive number, not '$jobs'" >&2; exit 2 ;; esac
pass=0; fail=0; skip=0
tmp=$(mktemp -d) || exit 2
launcher=""
trap '[ -n "$launcher" ] && kill "$launcher" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
: > "$tmp/skipped"
skipped='^skip |^ok .*# *SKIP'

# The start order: each suite's key is its command with the build directory (build/,
# build-san/ or a bare build or build-san word) written BUILD, as tests/suite-costs
# writes it; suite indexes sorted by expected seconds, longest first, then as given.
costs=${GOV_TEST_COSTS:-$(dirname "$0")/suite-costs}
i=0
for suite in "$@"; do
  i=$((i + 1))
  printf '%d\t%s\n' "$i" "$suite"
done | sed -E 's#(^|[\t =])build(-san)?(/|$| )#\1BUILD\3#g' |
  awk -F'\t' 'FNR == NR { if ($0 !~ /^#/ && NF == 2) cost[$2] = $1; next }
               { print (($2 in cost) ? cost[$2] : -1), $1 }' "$costs" - 2>/dev/null |
  sort -k1,1nr -k2,2n | cut -d' ' -f2 > "$tmp/order"
if [ "$(wc -l < "$tmp/order")" -ne $# ]; then seq 1 $# > "$tmp/order"; fi

# The launcher: a FIFO holds one token per job slot; a suite takes a token to start and
# gives it back when it ends. Suite i writes its output to out.i, then its exit status
# and wall time to rc.i (renamed into place, so the reporter never reads half of it).
mkfifo "$tmp/slots" || exit 2
(
  exec 3<>"$tmp/slots"
  k=0; while [ "$k" -lt "$jobs" ]; do echo t >&3; k=$((k + 1)); done
  while read -r i; do
    eval "suite=\${$i}"
    read -r _ <&3
    (
      s=$(date +%s)
      sh -c "$suite" >"$tmp/out.$i" 2>&1 </dev/null 3>&-; rc=$?
      echo "$rc $(($(date +%s) - s))" > "$tmp/rc.$i.part" && mv "$tmp/rc.$i.part" "$tmp/rc.$i"
      echo t >&3
    ) &
  done < "$tmp/order"
  wait
) &
launcher=$!

i=0
for suite in "$@"; do
  i=$((i + 1))
  while [ ! -f "$tmp/rc.$i" ]; do
    if ! kill -0 "$launcher" 2>/dev/null && [ ! -f "$tmp/rc.$i" ]; then
      echo "125 0" > "$tmp/rc.$i"; echo "# run.sh: the suite did not run (its launcher ended)" > "$tmp/out.$i"
    fi
    sleep 0.2
  done
  out="$tmp/out.$i"
  read -r rc secs < "$tmp/rc.$i"
  name=$(echo "$suite" | cut -c1-40)
  p=$(grep -c '^ok ' "$out"); f=$(grep -c '^not ok ' "$out"); s=$(grep -cE "$skipped" "$out")
  p=$((p - $(grep -c '^ok .*# *SKIP' "$out")))
  if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ] || [ $((p + s)) -eq 0 ]; then
    echo "== $suite (exit $rc)"
    if [ $((p + f + s)) -eq 0 ]; then echo "# the suite reported no test case"; fi
    grep -v '^ok ' "$out" | head -200
    if [ "$f" -eq 0 ]; then f=1; fi
  elif [ "$s" -gt 0 ]; then
    echo "== $suite"
    grep -E "$skipped" "$out"
  fi
  grep -E "$skipped" "$out" | awk -v n="$name" '{ print n ": " $0 }' >> "$tmp/skipped"
  printf '%-40s %5d passed %4d failed %4d skipped %5ds\n' "$name" "$p" "$f" "$s" "$secs"
  pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
  rm -f "$out"
done
wait "$launcher" 2>/dev/null
launcher=""
if [ "$skip" -gt 0 ] && [ "$GOV_SKIP_FAILS" = 1 ]; then
  echo "== $skip skipped as root on Debian, where \`make test\` installs all the tests need;"
  echo "# each counts as failed too (a package is missing from DEB_PKGS or TEST_DEB_PKGS,"
  echo "# or a suite skips for no reason):"
  sed 's/^/#   /' "$tmp/skipped"
  fail=$((fail + skip))
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
