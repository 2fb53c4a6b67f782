#!/bin/sh
# tests/compiler/run.sh: golden tests for govc build, disasm, run and explain.
#
# Each case is a command; its stdout, stderr and exit status are compared with
# golden/NAME.out. A mismatch shows a unified diff (expected first). UPDATE=1 rewrites
# the goldens: read every changed file before committing it.
#
# Cases: the disassembly and --stats of every policy in policies/ and of one small
# policy per instruction (ops/); the decisions, traces and text summary of each
# policy's sample records; explain for one record of each; and reproducibility (the
# same bytes and id whatever the order or spelling of the paths).
GOVC=${GOVC:-build/govc}
here=tests/compiler
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0

. tests/golden.sh
check() { # NAME CMD...: run CMD and compare with golden/NAME.out
  name=$1; shift
  golden "$name" "$here/golden/$name.out" "$@"
}

# A policy with host functions runs with its host library, BUILD/hosts/NAME.so (built
# from vm/examples/pii_host.c for content_safety), found beside govc.
hosts_dir=$(dirname "$GOVC")/hosts
all_hosts=""
for h in "$hosts_dir"/*.so; do [ -f "$h" ] && all_hosts="$all_hosts --host-lib $h"; done

# The disassembly shows paths as given; build from the top of the tree.
for dir in policies/*/; do
  p=$(basename "$dir")
  hl=""; [ -f "$hosts_dir/$p.so" ] && hl="--host-lib $hosts_dir/$p.so"
  check "build-$p" "$GOVC" build --stats -o "$tmp/$p.govb" "$dir"
  check "disasm-$p" "$GOVC" disasm "$tmp/$p.govb"
  check "run-$p" "$GOVC" run $hl -p "$tmp/$p.govb" "$dir/records.jsonl"
  check "run-text-$p" "$GOVC" run --format text $hl -p "$dir" "$dir/records.jsonl"
  check "trace-$p" "$GOVC" run --trace $hl -p "$tmp/$p.govb" "$dir/records.jsonl"
  head -n 2 "$dir/records.jsonl" | tail -n 1 >"$tmp/one.json"
  check "explain-$p" "$GOVC" explain $hl -p "$dir" "$tmp/one.json"
  # Event streams (records, approvals, rejections, acks, ticks): the expected timeline.
  if [ -f "$dir/events.jsonl" ]; then
    check "events-$p" "$GOVC" run -p "$tmp/$p.govb" "$dir/events.jsonl"
    check "events-trace-$p" "$GOVC" run --trace -p "$tmp/$p.govb" "$dir/events.jsonl"
  fi
done

for f in "$here"/ops/*.gov; do
  n=$(basename "$f" .gov)
  check "op-$n" sh -c "'$GOVC' build -o '$tmp/op.govb' '$f' >/dev/null && '$GOVC' disasm '$tmp/op.govb' | sed -n '/^rules/,\$p' && '$GOVC' run --format text -p '$tmp/op.govb' '$here/ops/$n.jsonl'"
done

# govc test: every policy's test blocks pass and fire every rule; failure output.
check "test-policies" "$GOVC" test --coverage-min 100 $all_hosts policies/
# ... and without the host libraries: their tests mock the host functions (issue 24.5).
check "test-policies-no-host" "$GOVC" test --coverage-min 100 policies/
# mock steps: every parameter type, `_`, the latest match answering, failing calls, table
# rows, and calls no mock matches (which fail the test).
check "test-mock" "$GOVC" test "$here/testmock"
check "test-failures" "$GOVC" test "$here/testfail"
check "test-json" "$GOVC" test --format json --run "*verdict*" "$here/testfail"
check "test-events" "$GOVC" test --coverage "$here/testevents"

# explain quotes each rule, gate and drift from its own declaration: from the sources,
# and from a .govb whose sources are at hand (not when they changed after the build).
ex=$here/explain
check "explain-drift-rule" "$GOVC" explain -p "$ex/drift_rule.gov" "$ex/drift_rule.json"
"$GOVC" build -o "$tmp/dr.govb" "$ex/drift_rule.gov" >/dev/null
check "explain-drift-rule-govb" "$GOVC" explain -p "$tmp/dr.govb" "$ex/drift_rule.json"
touch -d '2000-01-01 00:00:00' "$tmp/dr.govb"
check "explain-drift-rule-stale" "$GOVC" explain -p "$tmp/dr.govb" "$ex/drift_rule.json"

# explain --state: a line explained after the records a saved state has seen (issue
# 17.4): a sustained rule's third slow record pauses (fresh, it would say allow), and an
# approval resolves its gate of a run the hard cap still blocks. The state is read, never
# written; a state that is not there is an error, not a fresh VM.
"$GOVC" run -p "$ex/paused.gov" --state "$tmp/paused.st" "$ex/paused_before.jsonl" >/dev/null
cp "$tmp/paused.st" "$tmp/paused.st0"
check "explain-state-paused" "$GOVC" explain -p "$ex/paused.gov" --state "$tmp/paused.st" "$ex/paused.json"
check "explain-fresh-paused" "$GOVC" explain -p "$ex/paused.gov" "$ex/paused.json"
if cmp -s "$tmp/paused.st" "$tmp/paused.st0"; then echo "ok - explain-state-read-only"
else echo "not ok - explain-state-read-only: govc explain changed the state file"; fail=1; fi
head -n 3 policies/payments/events.jsonl >"$tmp/pay3.jsonl"
sed -n 4p policies/payments/events.jsonl >"$tmp/approve.json"
"$GOVC" run -p policies/payments --state "$tmp/pay.st" "$tmp/pay3.jsonl" >/dev/null
check "explain-state-approve" "$GOVC" explain -p policies/payments --state "$tmp/pay.st" "$tmp/approve.json"
check "explain-state-missing" "$GOVC" explain -p policies/payments --state "$tmp/nothere.st" "$tmp/approve.json"

# explain and replay take one policy (per side): a second -p (or --policy, --against) is
# a usage error, never a silent choice of the last one. govc run takes a policy set
# (tests/pset).
check "explain-two-policies" "$GOVC" explain -p policies/payments --policy policies/support "$tmp/one.json"
check "replay-two-policies" "$GOVC" replay --policy policies/payments -p policies/support policies/support/records.jsonl
check "replay-two-against" "$GOVC" replay -p policies/support --against policies/support --against policies/payments policies/support/records.jsonl

# Reproducibility: two builds, different path spellings and order, identical bytes.
repro() {
  name=$1; shift
  "$GOVC" build -o "$tmp/a.govb" "$@" >"$tmp/a.txt" 2>&1
  set -- $(printf '%s\n' "$@" | sort -r)
  "$GOVC" build -o "$tmp/b.govb" "$@" >"$tmp/b.txt" 2>&1
  ida=$(sed -n 's/.* id \([0-9a-f]*\),.*/\1/p' "$tmp/a.txt"); idb=$(sed -n 's/.* id \([0-9a-f]*\),.*/\1/p' "$tmp/b.txt")
  if [ -s "$tmp/a.govb" ] && cmp -s "$tmp/a.govb" "$tmp/b.govb" && [ -n "$ida" ] && [ "$ida" = "$idb" ]; then
    echo "ok - reproducible-$name"
  else
    echo "not ok - reproducible-$name"; echo "# ids '$ida' '$idb'"; fail=1
  fi
}
for dir in policies/*/; do repro "$(basename "$dir")" "$dir" ./"$dir"; done
repro multi-file "$here/multi/b.gov" "$here/multi/a.gov" "$here/multi/c.gov"

# The policy id is the program's meaning only (spec/bytecode.md 2): the same policy named
# as policies/x, ./policies/x/, an absolute path, or copied elsewhere under other file
# names has one id; a build stamp does not change it, a version does.
idof() { "$GOVC" build -o "$tmp/id.govb" "$@" 2>&1 | sed -n 's/.* id \([0-9a-f]*\)[,:].*/\1/p'; }
same_id() { # NAME ID ID...: ok when every ID is the first and not empty
  name=$1; first=$2; shift; bad=""
  for i in "$@"; do [ -n "$i" ] && [ "$i" = "$first" ] || bad="$bad $i"; done
  if [ -z "$bad" ]; then echo "ok - $name"; else echo "not ok - $name"; echo "# ids: $*"; fail=1; fi
}
for dir in policies/*/; do
  p=$(basename "$dir")
  rm -rf "$tmp/elsewhere" && mkdir -p "$tmp/elsewhere/renamed"
  for f in "$dir"*.gov; do cp "$f" "$tmp/elsewhere/renamed/copy_$(basename "$f")"; done
  same_id "id-from-meaning-$p" "$(idof "policies/$p")" "$(idof "./policies/$p/")" "$(idof "$(pwd)/policies/$p")" \
    "$(idof "$tmp/elsewhere/renamed")" "$(idof --stamp "git-0123abc" "policies/$p")"
done
# Limits, channels and record kinds in whichever file: a.gov (limits) renamed to z.gov
# and c.gov (the record) to a.gov change the file order but not the meaning.
rm -rf "$tmp/multi2" && mkdir "$tmp/multi2"
cp "$here/multi/a.gov" "$tmp/multi2/z.gov"; cp "$here/multi/b.gov" "$tmp/multi2/b.gov"; cp "$here/multi/c.gov" "$tmp/multi2/a.gov"
same_id "id-from-meaning-multi-file" "$(idof "$here/multi")" "$(idof "$tmp/multi2")"
# A version is meaning; a stamp is not, but both reach the program and every decision.
sed 's/^policy multi$/policy multi\nversion "2026.12.1"/' "$here/multi/a.gov" >"$tmp/multi2/z.gov"
v1=$(idof "$here/multi"); v2=$(idof "$tmp/multi2")
if [ -n "$v2" ] && [ "$v1" != "$v2" ]; then echo "ok - id-version-is-meaning"; else echo "not ok - id-version-is-meaning"; echo "# $v1 $v2"; fail=1; fi
check "version-stamp-build" "$GOVC" build --stamp "git-0123abc" -o "$tmp/vs.govb" "$tmp/multi2"
printf '%s\n' '{"latency":3,"score":0.1,"at":"2026-01-01T00:00:00Z","run_id":"r1"}' >"$tmp/vs.jsonl"
check "version-stamp-run" "$GOVC" run -p "$tmp/vs.govb" "$tmp/vs.jsonl"
check "version-stamp-text" "$GOVC" run --format text -p "$tmp/vs.govb" "$tmp/vs.jsonl"
check "version-stamp-trace" "$GOVC" run --trace -p "$tmp/vs.govb" "$tmp/vs.jsonl"
check "version-stamp-disasm" sh -c "'$GOVC' disasm '$tmp/vs.govb' | head -4"
check "stamp-refused" "$GOVC" build --stamp "$(printf 'a\tb')" -o "$tmp/x.govb" "$here/multi"
exit $fail
