#!/bin/sh
# tests/stdlib/run.sh BUILD: the built-in functions (spec/stdlib.md) against independent
# references, in the VM and folded at compile time (tests/stdlib/ref.py), the glob
# matcher's step counts on adversarial patterns, and a zone file that is not TZif.
B=${1:-build}
GOVC=$B/govc
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
if ! python3 -c 'import zoneinfo' 2>/dev/null; then
  echo "not ok - python3 with zoneinfo is needed for tests/stdlib"; exit 1
fi
python3 tests/stdlib/ref.py gen "$tmp" || { echo "not ok - stdlib: generate the cases"; exit 1; }
for fam in cal str glob num; do
  "$GOVC" run -p "$tmp/$fam.gov" "$tmp/$fam.jsonl" >"$tmp/$fam.out" 2>"$tmp/$fam.err"
  [ $? -le 1 ] || { echo "not ok - stdlib: govc run $fam"; sed 's/^/#   /' "$tmp/$fam.err" | head; fail=1; }
  "$GOVC" check "$tmp/${fam}k.gov" >"$tmp/${fam}k.out" 2>&1
done
python3 tests/stdlib/ref.py verify "$tmp" || fail=1

# Linear matching: the matcher takes one step per input byte, whatever the pattern.
# a*a*...a*b on a^n backtracks exponentially in a naive matcher; here the step count is
# n, so doubling the input doubles it exactly.
cat >"$tmp/lin.gov" <<'GOV'
policy lin
record g { s: string }
rule stars { when matches(g.s, "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b") }
rule classes { when matches(g.s, "*[a-z]*[!b]*?*a*a*a*c") }
GOV
python3 - "$tmp/lin.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for n in (1000, 2000, 4000):
        f.write(json.dumps({"at": "2026-01-01T00:00:00Z", "s": "a" * n}) + "\n")
PY
"$GOVC" build -o "$tmp/lin.govb" "$tmp/lin.gov" >/dev/null && "$B/tests/stdlib_steps" "$tmp/lin.govb" "$tmp/lin.jsonl" >"$tmp/lin.out"
# Two patterns per record, each reads every byte (neither can fail early on a^n).
want="line 1: allow, 2000 steps
line 2: allow, 4000 steps
line 3: allow, 8000 steps"
if [ "$(cat "$tmp/lin.out")" = "$want" ]; then
  echo "ok - matches: steps grow linearly (1000, 2000, 4000 bytes: 2000, 4000, 8000 steps for two patterns)"
else
  echo "not ok - matches: steps grow linearly"; sed 's/^/#   /' "$tmp/lin.out"; fail=1
fi

# Zone data: a file that is not TZif, and a zone directory without the zone (TZDIR).
mkdir -p "$tmp/zi/Bad"
printf 'not a zone file, just text long enough to pass the size check....\n' >"$tmp/zi/Bad/Zone"
cat >"$tmp/tz.gov" <<'GOV'
policy tz
record g { s: string }
rule a { when hour_of_day(g.at, "Bad/Zone") == 1 }
rule b { when hour_of_day(g.at, "Europe/Berlin") == 1 }
rule c { when hour_of_day(g.at, "../etc/passwd") == 1 }
GOV
TZDIR="$tmp/zi" "$GOVC" check "$tmp/tz.gov" 2>&1 | sed "s|$tmp|TMP|g" >"$tmp/tz.out"
if grep -q 'E076.*"Bad/Zone": TMP/zi/Bad/Zone is not a TZif file' "$tmp/tz.out" &&
   grep -q 'E076.*"Europe/Berlin": no such zone in TMP/zi' "$tmp/tz.out" &&
   grep -q 'E076.*"../etc/passwd": not a time-zone name' "$tmp/tz.out"; then
  echo "ok - E076 for a corrupt zone file, a missing zone and a name with '..'"
else
  echo "not ok - E076 for a corrupt zone file, a missing zone and a name with '..'"; sed 's/^/#   /' "$tmp/tz.out"; fail=1
fi

# The verifier against corrupt ZONES, ZONETRANS, PATTERNS and built-in instructions.
"$GOVC" build -o "$tmp/corrupt.govb" tests/stdlib/corrupt.gov >/dev/null && "$B/tests/stdlib_corrupt" "$tmp/corrupt.govb" || fail=1
exit $fail
