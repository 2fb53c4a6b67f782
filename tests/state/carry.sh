#!/bin/sh
# tests/state/carry.sh BUILD: a state carried into a new version of its policy
# (spec/state.md, "Carrying a state"): the C API (tests/state/carry.c, over five
# versions of one policy built here) and govc run --state FILE --state-from OLD.
B=${1:-build}
GOVC=$B/govc
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - state carry: $1"; }
notok() { echo "not ok - state carry: $1"; fails=$((fails + 1)); [ -s "$tmp/err" ] && sed 's/^/#   /' "$tmp/err" | tail -5; }
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }

# pol N THRESHOLD RUNS EVERY_RUN_SETTINGS: version N of policy carry.
pol() {
  printf 'policy carry\n\nimport "std/agent_run"\n\nchannel ops = slack "#ops"\n\nwindow recent = count() over last %s runs per agent\n\nrule fifth_run {\n  when recent >= %s\n  severity warning\n  notify ops\n}\n\nrule every_run {\n  when recent >= 1\n  severity info\n  notify ops\n%b}\n' \
    "$3" "$2" "$4" >"$tmp/p$1.gov"
  "$GOVC" build -o "$tmp/p$1.govb" "$tmp/p$1.gov" >/dev/null 2>"$tmp/err" || notok "govc build p$1"
}
pol 0 5 100 ''
pol 1 5 100 '  group_by agent\n  group_wait 5m\n'
pol 2 5 100 '  group_by agent\n  group_wait 10m\n'
pol 3 6 100 '  group_by agent\n  group_wait 5m\n'
pol 4 5 50 ''
pol 5 5 100 '  group_by agent\n  repeat_interval 1h\n'
"$B/tests/state_carry" "$tmp" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ $rc = 0 ] || fails=$((fails + 1))

# govc run: four runs of agent a under p0, the policy edited to p1 (every_run grouped),
# the fifth run with --state-from p0: it warns (the window carried), and the state is
# saved under p1, so the next run needs no --state-from. Without --state-from the state
# is refused as before, and left as it is.
rec() { printf '{"agent":"a","run_id":"a-%s","latency_ms":1,"cost_usd":0,"at":"2026-01-01T00:00:0%sZ"}\n' "$1" "$1"; }
for i in 0 1 2 3; do rec $i; done >"$tmp/four"
rec 4 >"$tmp/fifth"
rec 5 >"$tmp/sixth"
"$GOVC" run -p "$tmp/p0.gov" --state "$tmp/st" <"$tmp/four" >/dev/null 2>"$tmp/err"
cp "$tmp/st" "$tmp/st0"
"$GOVC" run -p "$tmp/p1.gov" --state "$tmp/st" <"$tmp/fifth" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && grep -q "saved under another policy" "$tmp/err" && cmp -s "$tmp/st" "$tmp/st0"
check $? "without --state-from a state of another policy is refused, and left as it is"
"$GOVC" run -p "$tmp/p1.gov" --state "$tmp/st" --state-from "$tmp/p0.gov" <"$tmp/fifth" >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && grep -q '"verdict":"warn"' "$tmp/out" && grep -q '"type":"notify_held"' "$tmp/out" && [ ! -s "$tmp/err" ]
check $? "--state-from p0: the fifth run warns on p1 (the window carried), every_run's notification held"
"$GOVC" run -p "$tmp/p1.gov" --state "$tmp/st" <"$tmp/sixth" >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && grep -q '"verdict":"warn"' "$tmp/out"
check $? "the carried state is saved under p1: the next run loads it without --state-from"
"$GOVC" run -p "$tmp/p1.gov" --state "$tmp/st" --state-from "$tmp/p0.gov" </dev/null >/dev/null 2>"$tmp/err"
check $? "a state already of p1 given with --state-from p0 loads as it is"
# p1's state holds agent a's group, waiting with two findings since 00:00:04: carried
# into p2 (group_wait 10m) it waits until 00:10:04, and a record at 00:20 delivers both
# (grouped 2), nothing said; carried into p5 (no group_wait: it cannot wait) it is
# dropped, and govc says so; the run goes on.
cp "$tmp/st" "$tmp/st1"
printf '{"agent":"a","run_id":"a-9","latency_ms":1,"cost_usd":0,"at":"2026-01-01T00:20:00Z"}\n' >"$tmp/later"
"$GOVC" run -p "$tmp/p2.gov" --state "$tmp/st" --state-from "$tmp/p1.gov" <"$tmp/later" >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && [ ! -s "$tmp/err" ] && grep -q '"rule":"every_run","severity":"info","group":"agent:a","grouped":2,"since":"2026-01-01T00:00:04Z","at":"2026-01-01T00:10:04Z"' "$tmp/out"
check $? "carried into a longer group_wait, the held notifications wait for it and are delivered (grouped 2)"
cp "$tmp/st1" "$tmp/st"
"$GOVC" run -p "$tmp/p5.gov" --state "$tmp/st" --state-from "$tmp/p1.gov" </dev/null >/dev/null 2>"$tmp/err"
[ $? = 0 ] && grep -q "govc run: state file '$tmp/st' carried from policy [0-9a-f]*, but not the notification groups of rules whose notify settings changed: 2 held notifications of 1 group dropped (the first of rule every_run; their findings are in the decisions that held them)" "$tmp/err"
check $? "a carry that drops held notifications says so ($(head -c 200 "$tmp/err"))"
cp "$tmp/st1" "$tmp/st"
"$GOVC" run -p "$tmp/p4.gov" --state "$tmp/st" --state-from "$tmp/p1.gov" </dev/null >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "state layout differs" "$tmp/err" && cmp -s "$tmp/st" "$tmp/st1"
check $? "another state layout is refused (exit 2), the file left as it is"
"$GOVC" run -p "$tmp/p1.gov" -p "$tmp/p0.gov" --state "$tmp/st" --state "$tmp/st0" --state-from "$tmp/p0.gov" </dev/null >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "state-from" "$tmp/err"
check $? "--state-from with a policy set is a usage error"
exit $((fails > 0))
