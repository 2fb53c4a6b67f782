#!/bin/sh
# tests/govd/stateaside.sh BUILD: a saved state govd cannot restore at start (spec/govd.md
# §6) is kept, not overwritten. govd starts the policy empty, as before, but first moves
# the policy's state folder DIR/NAME aside to DIR/NAME.refused-N, whole: the damaged
# file as it was and every other partition's good state with it (a reset empties every
# partition, and the next snapshot would have replaced them all). One partition's file
# truncated at several places (the empty file, inside the header, inside the payload,
# one byte short), one byte of it changed, and a manifest of another partitioning and
# layout (a policy changed while govd was down).
# A policy a reload adds finds its saved state as at start: restored when it matches,
# kept aside when it cannot be restored, the reload refused when its partitioning
# differs. A reload that changes a running policy's layout keeps its running state
# aside the same way (the new version's snapshots would replace it). And a state folder
# that cannot be renamed aside (tests/govd/norename.c fails
# the rename, as a read-only file system would) stops the start, or refuses the reload,
# saying why, and nothing in it changes.
# A same-layout reload whose state the new VMs refuse (a rule's severity changed under
# the escalations it started) keeps it aside too (or, without --state-dir, is refused);
# one that only changes notification settings carries the state, and says what held
# notifications it dropped; a folder made for a state that then cannot be written there
# is removed, not left empty; and a stop or removal whose snapshot writes one partition
# and not the other leaves files newer than their manifest, which the restart says; and
# a removed policy's state, or one kept aside, not all written is kept and written again
# once there is room.
B=${1:-build}
GOVD=$B/govd
SHIM=$B/tests/govd_norename.so
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
tmp=$(mktemp -d) || exit 2
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - govd stateaside: $1"; }
notok() { echo "not ok - govd stateaside: $1"; fails=$((fails + 1)); [ -s "$tmp/err" ] && sed 's/^/#   /' "$tmp/err" | tail -5; }
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }
pol=support_agents

. tests/govd/start.sh  # start ARGS..., stop
post() {
  curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/v1/decide/$pol" \
    -d '{"tenant":"acme","project":"billing","agent":"'"$1"'","at":"2026-11-25T09:00:00Z","run_id":"r-1","latency_ms":4200,"cost_usd":0.01,"tokens":900,"error":true}'
}

# Saved states of both partitions (agents spread over the two).
d=$tmp/st
if start --state-dir "$d"; then
  for a in a1 a2 a3 a4 a5 a6 a7 a8; do post $a >/dev/null; done
  stop
fi
[ -s "$d/$pol/0.state" ] && [ -s "$d/$pol/1.state" ] && [ -s "$d/$pol/manifest" ]
check $? "govd saves both partitions' states"
cp -r "$d/$pol" "$tmp/good"
n=$(wc -c <"$tmp/good/0.state")

# damage NAME: the state folder restored from the good copy, then one thing damaged.
for damage in cut:0 cut:1 cut:40 cut:$((n / 2)) cut:$((n - 1)) flip:$((n / 2)) layout; do
  rm -rf "$d"; mkdir -p "$d"; cp -r "$tmp/good" "$d/$pol"
  case $damage in
    cut:*) head -c "${damage#cut:}" "$tmp/good/0.state" >"$d/$pol/0.state" ;;
    flip:*) k=${damage#flip:}
      { head -c "$k" "$tmp/good/0.state"; printf '\377'; tail -c +$((k + 2)) "$tmp/good/0.state"; } >"$d/$pol/0.state" ;;
    layout) sed -e 's/^layout .*/layout 00000000000000000000000000000000/' -e 's/^partitions .*/partitions 3/' \
              "$tmp/good/manifest" >"$d/$pol/manifest" ;;
  esac
  cp -r "$d/$pol" "$tmp/damaged"
  if start --state-dir "$d"; then
    post a1 >/dev/null
    stop
    aside=$d/$pol.refused-1
    # The damaged folder kept whole, byte for byte; a new one holds what govd saved since.
    diff -r "$tmp/damaged" "$aside" >/dev/null 2>&1 && grep -q "state reset" "$tmp/err" &&
      grep -q "kept as '$aside'" "$tmp/err" && [ -s "$d/$pol/0.state" ] && [ -s "$d/$pol/manifest" ]
    check $? "$damage: govd starts empty and keeps the state folder it could not restore as $pol.refused-1"
  else
    notok "$damage: govd starts"
  fi
  rm -rf "$tmp/damaged"
done

# A second refusal does not overwrite the first one kept aside.
head -c 10 "$tmp/good/0.state" >"$d/$pol/0.state"
if start --state-dir "$d"; then
  stop
  [ -d "$d/$pol.refused-1" ] && [ -d "$d/$pol.refused-2" ] &&
    [ "$(wc -c <"$d/$pol.refused-2/0.state")" = 10 ]
  check $? "a second refusal is kept as $pol.refused-2, the first one stays"
else
  notok "govd starts after a second refusal"
fi

# ---------------------------------------------------------------- at a reload
# The policy in folder $cp is first a placeholder without state, then counter: its
# window counts each agent's runs, and the fifth fires (verdict warn); every run starts
# an escalation for its agent (any_run, severity info: verdict allow), so a running
# state always holds running chains.
cp=$tmp/cpol
mkdir "$cp"
placeholder() { printf 'policy placeholder\n\nimport "std/agent_run"\n\nrule slow {\n  when run.latency > 1s\n  severity info\n}\n' >"$cp/p.gov"; }
counter() { printf 'policy counter\n\nimport "std/agent_run"\n\nchannel ops = slack "#ops"\n\nescalation page {\n  notify ops\n  after 1h notify ops\n}\n\nwindow recent = count() over last 100 runs per agent\n\nrule fifth_run {\n  when recent >= 5\n  severity warning\n}\n\nrule any_run {\n  when recent >= 1\n  severity info\n  escalate page\n}\n' >"$cp/p.gov"; }
cpost() {  # cpost POLICY AGENT N: the decision's verdict
  curl -s -X POST "http://127.0.0.1:$port/v1/decide/$1" \
    -d '{"agent":"'"$2"'","run_id":"'"$2-$3"'","latency_ms":1,"cost_usd":0,"at":"2026-01-01T00:00:00Z"}' |
    sed -n 's/^{[^[]*"verdict":"\([a-z]*\)".*/\1/p'  # the decision's, before its findings'
}
reload() { curl -s -o "$tmp/reload" -w '%{http_code}' -X POST "http://127.0.0.1:$port/v1/admin/reload"; }
snap() { curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/v1/admin/snapshot"; }
fifths() {  # the verdicts of a1..a8's fifth runs
  for a in a1 a2 a3 a4 a5 a6 a7 a8; do cpost counter $a 4; done | sort -u | tr '\n' ' '
}
START_POLICY=$cp  # only it: support_agents is not compiled at every start and reload
# A saved state of counter: four runs of agent k.
rm -rf "$d"
counter
if start --state-dir "$d"; then
  for i in 0 1 2 3; do cpost counter k $i >/dev/null; done
  stop
fi
cp -r "$d/counter" "$tmp/cgood"
# reload_to_counter: govd starts with the placeholder, then counter comes with a reload
# (its HTTP status in $code, the verdict of agent k's fifth run in $v).
# The first also goes on (with no periodic snapshot: a 60 s interval): four runs of agent
# m, a reload that removes counter, one that brings it back, and m's fifth run.
reload_to_counter() {
  placeholder
  code= v=
  start --state-dir "$d" --snapshot-interval 60000 || return 1
  counter
  code=$(reload)
  v=$(cpost counter k 4)
  [ -n "$v" ] || v=$(cpost placeholder k 4)
  [ "$1" = more ] || { stop; return 0; }
  for i in 0 1 2 3; do cpost counter m $i >/dev/null; done
  placeholder
  c1=$(reload)
  counter
  c2=$(reload)
  vm=$(cpost counter m 4)
  stop
}
if reload_to_counter more; then
  [ "$code" = 200 ] && [ "$v" = warn ] && grep -q "policy counter: state restored from $d/counter" "$tmp/err"
  check $? "a policy a reload adds restores its saved state (status $code, the fifth run: $v)"
  [ "$c1$c2" = 200200 ] && [ "$vm" = warn ]
  check $? "a policy a reload removes is saved, and the reload that brings it back restores it (the fifth run: $vm)"
else
  notok "govd starts with the placeholder"
fi
rm -rf "$d/counter"; cp -r "$tmp/cgood" "$d/counter"
head -c 10 "$tmp/cgood/0.state" >"$d/counter/0.state"
cp -r "$d/counter" "$tmp/damaged"
if reload_to_counter; then
  diff -r "$tmp/damaged" "$d/counter.refused-1" >/dev/null 2>&1 && [ "$code" = 200 ] && [ "$v" = allow ] &&
    grep -q "kept as '$d/counter.refused-1'" "$tmp/err" && grep -q "policy counter: state reset" "$tmp/err"
  check $? "a policy a reload adds keeps a state it cannot restore as counter.refused-1, and starts empty"
else
  notok "govd starts with the placeholder"
fi
rm -rf "$d/counter" "$d/counter.refused-1"; cp -r "$tmp/cgood" "$d/counter"
sed -i 's/^partitions .*/partitions 3/' "$d/counter/manifest"
cp -r "$d/counter" "$tmp/other"
if reload_to_counter; then
  [ "$code" = 422 ] && grep -q "saved with 3 partitions.*--partitions 3" "$tmp/reload" && [ "$v" = allow ] &&
    diff -r "$tmp/other" "$d/counter" >/dev/null 2>&1 && [ ! -e "$d/counter.refused-1" ]
  check $? "a reload that adds a policy whose state was saved with other partitions is refused (status $code), the state kept"
else
  notok "govd starts with the placeholder"
fi

# ---------------------------------------------------------------- a folder that cannot be renamed
rm -rf "$d/counter"; cp -r "$tmp/damaged" "$d/counter"
counter
GOV_NORENAME=.refused- LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" && stop
[ "$rc" = 2 ] && grep -q "policy counter: its state in '$d/counter' cannot be restored (.*) and cannot be kept aside (Read-only file system)" "$tmp/err" &&
  diff -r "$tmp/damaged" "$d/counter" >/dev/null 2>&1 && [ ! -e "$d/counter.refused-1" ]
check $? "a state that cannot be restored nor renamed aside stops the start (exit ${rc:-none}), saying why, and stays as it was"
export GOV_NORENAME=.refused- LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}"
if reload_to_counter; then
  unset GOV_NORENAME LD_PRELOAD
  [ "$code" = 422 ] && grep -q "cannot be kept aside (Read-only file system)" "$tmp/reload" && [ "$v" = allow ] &&
    diff -r "$tmp/damaged" "$d/counter" >/dev/null 2>&1 && [ ! -e "$d/counter.refused-1" ]
  check $? "... and refuses the reload that adds its policy (status $code), the running policies stay"
else
  unset GOV_NORENAME LD_PRELOAD
  notok "govd starts with the placeholder"
fi

# ---------------------------------------------------------------- a reload that changes the layout
# counter50 is counter with a window of 50 runs, not 100: the same name, a state layout
# the running state cannot be carried into. The reload keeps the running state aside as
# at start: the folder renamed to counter.refused-1 (made when nothing was saved yet),
# and the running VMs' state written there at the reload, so agent m's four runs since
# the last snapshot (none: a 60 s interval) are kept too. That folder restores into
# counter again (m's fifth run warns). And a state that cannot be kept aside refuses the
# reload, saying why; the running policy and its state stay.
counter50() { counter; sed -i 's/last 100 runs/last 50 runs/' "$cp/p.gov"; }
# kept_aside CHANGE WHY WHAT: with counter's folder saved before and not, four of m's runs,
# CHANGE (a function that rewrites the policy), a reload (200) and m's fifth run (allow:
# the new version starts empty); the log says the state was not carried (WHY, a grep
# pattern) and kept as counter.refused-1, and reset; that folder, renamed back, restores
# into counter (m's fifth run warns). WHAT names the check.
kept_aside() {
  for saved in yes no; do
    rm -rf "$d"; mkdir "$d"; [ $saved = no ] || cp -r "$tmp/cgood" "$d/counter"
    counter
    code= v= vm= said=1
    if start --state-dir "$d" --snapshot-interval 60000; then
      for i in 0 1 2 3; do cpost counter m $i >/dev/null; done
      $1
      code=$(reload)
      v=$(cpost counter m 4)
      stop
      grep -q "policy counter: state in '$d/counter' not carried: $2; kept as '$d/counter.refused-1'" "$tmp/err" &&
        grep -q "policy counter: state reset" "$tmp/err"
      said=$?
      rm -rf "$d/counter"; mv "$d/counter.refused-1" "$d/counter" 2>/dev/null
      counter
      start --state-dir "$d" && { vm=$(cpost counter m 4); stop; }
    fi
    [ "$code" = 200 ] && [ "$v" = allow ] && [ "$said" = 0 ] && [ "$vm" = warn ]
    check $? "$3 (saved before: $saved; status $code, m's fifth run after it: $v, there: $vm)"
  done
}
kept_aside counter50 "the new version's state layout differs from the old one's" \
  "a reload that changes the layout keeps the running state aside as counter.refused-1"
# Two policies whose layouts change, the second's folder (made empty: nothing saved) not
# renamable: the first's, already moved aside, is put back.
rm -rf "$d"; mkdir "$d" "$d/zcount" "$tmp/zpol"; cp -r "$tmp/cgood" "$d/counter"
zcount() { sed 's/policy counter/policy zcount/' "$cp/p.gov" >"$tmp/zpol/p.gov"; }
counter; zcount
code= v=
if GOV_NORENAME=zcount.refused- LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" --snapshot-interval 60000 -p "$tmp/zpol"; then
  counter50; zcount
  code=$(reload)
  v=$(cpost counter k 4)
  stop
fi
[ "$code" = 422 ] && grep -q "policy zcount: its state in '$d/zcount' cannot be carried (.*) and cannot be kept aside (Read-only file system)" "$tmp/reload" &&
  [ "$v" = warn ] && [ "$(grep -v '^state ' "$tmp/cgood/manifest")" = "$(grep -v '^state ' "$d/counter/manifest")" ] && [ ! -e "$d/counter.refused-1" ] && [ ! -e "$d/zcount.refused-1" ]
check $? "... and refuses the reload when one cannot be kept aside (status $code): the folders stay, the running policies and their state too (k's fifth run: $v)"

# ---------------------------------------------------------------- a carry the new VMs refuse
# counter_sev is counter whose any_run has severity warning (verdict allow, as before):
# the same state layout (a severity is not part of it), so the reload carries the
# running state, but the chains any_run started run at severity info, which the new
# any_run cannot give, and the new VMs refuse them (a real refusal by the VM, not a
# fault hook). With --state-dir the running state is kept aside as for a changed
# layout; the folder restores into counter (m's fifth run warns). Without it the reload
# is refused, naming the policy and why, and the running policy keeps its state. And
# with a folder that cannot be renamed aside the reload is refused too.
counter_sev() { counter; sed -i 's/  severity info/  severity warning\n  verdict allow/' "$cp/p.gov"; }
kept_aside counter_sev "the VM refused partition [01]'s state: state: escalation entry [0-9]*: source does not start this chain" \
  "a same-layout reload whose state the new VMs refuse keeps the running state aside as counter.refused-1"
counter
code= v=
if start; then
  for i in 0 1 2 3; do cpost counter m $i >/dev/null; done
  counter_sev
  code=$(reload)
  v=$(cpost counter m 4)
  stop
fi
[ "$code" = 422 ] && grep -q "policy counter: its running state cannot be carried into the new version (the VM refused partition [01]'s state: .*) and there is no --state-dir to keep it in" "$tmp/reload" &&
  [ "$v" = warn ] && ! grep -q "state reset" "$tmp/err"
check $? "without --state-dir a reload whose state the new VMs refuse is refused (status $code), the running policy keeps its state (m's fifth run: $v)"
rm -rf "$d"; mkdir "$d"; cp -r "$tmp/cgood" "$d/counter"
counter
code= v=
if GOV_NORENAME=counter.refused- LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" --snapshot-interval 60000; then
  for i in 0 1 2 3; do cpost counter k $i >/dev/null; done
  counter_sev
  code=$(reload)
  v=$(cpost counter k 4)
  stop
fi
[ "$code" = 422 ] && grep -q "policy counter: its state in '$d/counter' cannot be carried (the VM refused partition [01]'s state: .*) and cannot be kept aside (Read-only file system)" "$tmp/reload" &&
  [ "$v" = warn ] && [ ! -e "$d/counter.refused-1" ] && ! grep -q "state reset" "$tmp/err"
check $? "... and with a folder that cannot be kept aside the reload is refused (status $code), the running state stays (k's fifth run: $v)"

# ---------------------------------------------------------------- notification groups carried
# counter_plain is counter without any_run and its escalations: a running escalation
# (or a pending gate) never carries into another policy, whose id its own id hashes
# (spec/state.md). counter_notify is counter_plain whose fifth_run notifies ops and
# holds each agent's group 5 minutes: notification settings only. The reload carries
# the running state, with or without --state-dir (m's fifth run warns: its window
# kept), and nothing is kept aside. counter_notify10 then holds them 10 minutes: m's
# held notification waits on, 10 minutes from its finding (the answer has no notes);
# counter_notify_rep delivers at most hourly instead of waiting: m's waiting group
# cannot be open without a delivery, so its held notification is dropped, and the reload
# says so, in its answer and the log; the window is kept still (m's sixth run warns).
counter_plain() { counter; sed -i '/^rule any_run/,$d' "$cp/p.gov"; }
counter_notify() { counter_plain; sed -i 's/  severity warning/  severity warning\n  notify ops\n  group_by agent\n  group_wait 5m/' "$cp/p.gov"; }
counter_notify10() { counter_notify; sed -i 's/group_wait 5m/group_wait 10m/' "$cp/p.gov"; }
counter_notify_rep() { counter_notify; sed -i 's/group_wait 5m/repeat_interval 1h/' "$cp/p.gov"; }
for dir in yes no; do
  rm -rf "$d"; mkdir "$d"
  counter_plain
  code= v= c10= a10= c2= v6= notes=
  if if [ $dir = yes ]; then start --state-dir "$d" --snapshot-interval 60000; else start; fi; then
    for i in 0 1 2 3; do cpost counter m $i >/dev/null; done
    counter_notify
    code=$(reload)
    v=$(cpost counter m 4)
    counter_notify10
    c10=$(reload)
    a10=$(cat "$tmp/reload")
    counter_notify_rep
    c2=$(reload)
    notes=$(cat "$tmp/reload")
    v6=$(cpost counter m 5)
    stop
  fi
  [ "$code" = 200 ] && [ "$v" = warn ] && grep -q "policy counter: state kept across the reload" "$tmp/err" &&
    ! grep -q "state reset\|not carried" "$tmp/err" && [ ! -e "$d/counter.refused-1" ]
  check $? "a reload that only gives a rule notification groups carries the running state (--state-dir: $dir; status $code, m's fifth run: $v)"
  said="policy counter: state carried across the reload, but not the notification groups of rules whose notify settings changed: 1 held notification of 1 group dropped (the first of rule fifth_run; their findings are in the decisions that held them)"
  [ "$c10" = 200 ] && [ "$a10" = '{"reload":"ok","generation":3}' ] && [ "$c2" = 200 ] && [ "$v6" = warn ] &&
    [ "$(grep -cF "$said" "$tmp/err")" = 1 ] &&
    [ "$notes" = "{\"reload\":\"ok\",\"generation\":4,\"notes\":[\"$said\"]}" ]
  check $? "a longer group_wait keeps the held notification ($a10); a reload that cannot keep it drops it and says so in its answer and the log (status $c2, m's sixth run: $v6; answer: $notes)"
done

# And at start (spec/govd.md §6): a state saved by counter_plain (its manifest's notify
# layout: none) restores into counter_notify, every group idle (m's fifth run warns);
# one saved by counter_notify cannot be carried into counter_notify10 without the
# program that saved it, which govd does not have: kept aside, said.
rm -rf "$d"; mkdir "$d"
counter_plain
v= v6= said=1
if start --state-dir "$d"; then
  for i in 0 1 2 3; do cpost counter m $i >/dev/null; done
  stop
  grep -q "^notify 00000000000000000000000000000000$" "$d/counter/manifest" && counter_notify &&
    start --state-dir "$d" && { v=$(cpost counter m 4); stop; }
  grep -q "policy counter: state restored from $d/counter" "$tmp/err" && [ ! -e "$d/counter.refused-1" ] &&
    ! grep -q "^notify 00000000000000000000000000000000$" "$d/counter/manifest" && counter_notify10 &&
    start --state-dir "$d" && { v6=$(cpost counter m 5); stop; }
  grep -q "policy counter: state in '$d/counter' not restored: the notification groups' layout changed while govd was down (.*); kept as '$d/counter.refused-1'" "$tmp/err"
  said=$?
fi
[ "$v" = warn ] && [ "$said" = 0 ] && [ "$v6" = allow ]
check $? "at start, a state saved without notification settings restores into a version with them (m's fifth run: $v); one saved with other settings is kept aside, said (m's sixth run: $v6)"

# ---------------------------------------------------------------- a state kept aside that cannot be written
# Nothing saved yet (a 60 s interval), so the reload makes counter.refused-1; writing the
# old state there fails (the shim fails every rename into it, or only partition 1's, so
# partition 0's file is written without a manifest: nothing would restore it). No folder
# is left to look like a kept state: it is removed with what the write left, and the log
# says the state could not be kept.
for fail in counter.refused-1/ counter.refused-1/1.state; do
  rm -rf "$d"; mkdir "$d"
  counter
  code=
  if GOV_NORENAME=$fail LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" --snapshot-interval 60000; then
    for i in 0 1 2 3; do cpost counter m $i >/dev/null; done
    counter50
    code=$(reload)
    stop
  fi
  [ "$code" = 200 ] && [ ! -e "$d/counter.refused-1" ] && grep -q "cannot write '$d/counter.refused-1/1.state'" "$tmp/err" &&
    grep -q "policy counter: state in '$d/counter' not carried: the new version's state layout differs from the old one's; it could not be kept: writing it to '$d/counter.refused-1' failed, and that folder was removed (nothing was saved before)" "$tmp/err"
  check $? "a state that cannot be written to the folder made for it (failing: $fail) leaves no folder, and says it could not be kept (status $code)"
done

# A folder renamed aside (a state was saved) whose write fails on partition 1 stays, as
# its last snapshot left it but for partition 0, written at the reload: a start that
# restores it says the partitions are not from one snapshot.
rm -rf "$d"; mkdir "$d"; cp -r "$tmp/cgood" "$d/counter"
counter
code= said=1 mixed=
if GOV_NORENAME=counter.refused-1/1.state LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" --snapshot-interval 60000; then
  for a in a1 a2 a3 a4 a5 a6 a7 a8; do cpost counter $a 0 >/dev/null; done
  counter50
  code=$(reload)
  stop
  grep -q "policy counter: state in '$d/counter' not carried: .*; kept as '$d/counter.refused-1' as its last snapshot left it" "$tmp/err"
  said=$?
  rm -rf "$d/counter"; mv "$d/counter.refused-1" "$d/counter"
  counter
  start --state-dir "$d" && { stop; mixed=$(cat "$tmp/err"); }
fi
[ "$code" = 200 ] && [ "$said" = 0 ] &&
  echo "$mixed" | grep -q "policy counter: state restored from $d/counter (2 partitions), not all from one snapshot: partition 0 was saved after its manifest"
check $? "a folder kept aside whose write fails on one partition stays, and a start that restores it says its partitions are not from one snapshot (status $code)"

# And a state kept aside that could not be written there whole is kept too, written again
# at every snapshot: once there is room it is all in counter.refused-1 (made again when
# nothing was saved before), which restores into counter with every agent's four runs.
for saved in yes no; do
  rm -rf "$d"; mkdir "$d"; [ $saved = no ] || cp -r "$tmp/cgood" "$d/counter"
  if [ $saved = yes ]; then echo counter.refused-1/1.state; else echo counter.refused-1/; fi >"$tmp/fail"
  counter
  code= s1= s2= v= said=1
  if GOV_NORENAME=@$tmp/fail LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" --snapshot-interval 60000; then
    for i in 0 1 2 3; do for a in a1 a2 a3 a4 a5 a6 a7 a8; do cpost counter $a $i >/dev/null; done; done
    counter50
    code=$(reload)
    s1=$(snap)
    rm -f "$tmp/fail"
    s2=$(snap)
    stop
    grep -q "policy counter: state in '$d/counter' not carried: .*kept, and written again at every snapshot until it is" "$tmp/err" &&
      grep -q "policy counter: the state a reload did not carry is now written whole to '$d/counter.refused-1'" "$tmp/err" &&
      [ "$stopped" = 0 ]
    said=$?
    rm -rf "$d/counter"; mv "$d/counter.refused-1" "$d/counter" 2>/dev/null
    counter
    start --state-dir "$d" --snapshot-interval 60000 && { v=$(fifths); stop; }
  fi
  [ "$code$s1$s2" = 200500200 ] && [ "$said" = 0 ] && [ "$v" = "warn " ] &&
    grep -q "policy counter: state restored from $d/counter (2 partitions)$" "$tmp/err"
  check $? "a state kept aside that could not be written whole is written once there is room, and restores every agent's runs (saved before: $saved; statuses $code $s1 $s2; fifth runs: $v)"
done

# ---------------------------------------------------------------- a manifest's state lines
# Each partition's file is named in the manifest by its XXH3-64 ('state P SUM'). Lines
# an earlier govd did not write, or that do not parse, are no reason to refuse a state:
# without any the files are restored unchecked; with ones that name no file of this
# policy (another partition, a sum of 17 digits, not hex) the files are restored, and
# the log says they are not the ones the manifest names.
rm -rf "$d"; mkdir "$d"; cp -r "$tmp/cgood" "$d/counter"
counter
if start --state-dir "$d" --snapshot-interval 60000; then stop; fi
grep -q "^state 0 [0-9a-f]\{16\}$" "$d/counter/manifest" && grep -q "^state 1 [0-9a-f]\{16\}$" "$d/counter/manifest"
check $? "the manifest names both partitions' files by their sums"
cp -r "$d/counter" "$tmp/csum"
for lines in none garbage; do
  rm -rf "$d/counter"; cp -r "$tmp/csum" "$d/counter"
  grep -v '^state ' "$tmp/csum/manifest" >"$d/counter/manifest"
  [ $lines = none ] || printf 'state 7 0123456789abcdef\nstate 0 0123456789abcdeff\nstate 1 zz\nstate -1 0\nstate\n' >>"$d/counter/manifest"
  v=
  if start --state-dir "$d" --snapshot-interval 60000; then v=$(cpost counter k 4); stop; fi
  case $lines in
    none) grep -q "policy counter: state restored from $d/counter (2 partitions)\$" "$tmp/err" ;;
    garbage) grep -q "policy counter: state restored from $d/counter (2 partitions), not from the snapshot its manifest names" "$tmp/err" ;;
  esac
  [ $? = 0 ] && [ "$v" = warn ] && ! grep -q "state reset" "$tmp/err"
  check $? "a manifest with state lines $lines: the state is restored (k's fifth run: $v), and the log says what it checked"
done

# ---------------------------------------------------------------- a final snapshot that writes some partitions
# A stop whose snapshot writes partition 0 and fails on partition 1 (the shim fails the
# rename into counter/1.state): the manifest is not written, so it names the earlier
# snapshot, and partition 0's file is newer than it. The restart restores both files, but
# not silently: it says which partitions are not from the manifest's snapshot.
rm -rf "$d"; mkdir "$d"
counter
if start --state-dir "$d" --snapshot-interval 60000; then
  for a in a1 a2 a3 a4 a5 a6 a7 a8; do cpost counter $a 0 >/dev/null; done
  stop
fi
cp -r "$d/counter" "$tmp/c1"
mixed=
if GOV_NORENAME=counter/1.state LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" --snapshot-interval 60000; then
  for a in a1 a2 a3 a4 a5 a6 a7 a8; do cpost counter $a 1 >/dev/null; done
  stop
  grep -q "cannot write '$d/counter/1.state'" "$tmp/err" && cmp -s "$tmp/c1/1.state" "$d/counter/1.state" &&
    ! cmp -s "$tmp/c1/0.state" "$d/counter/0.state" && cmp -s "$tmp/c1/manifest" "$d/counter/manifest" &&
    [ "$stopped" = 1 ] && grep -q "the last snapshot failed: the state at stop is not all on disk (exit 1)" "$tmp/err" &&
    start --state-dir "$d" --snapshot-interval 60000 && { stop; mixed=$(cat "$tmp/err"); }
fi
echo "$mixed" | grep -q "policy counter: state restored from $d/counter (2 partitions), not all from one snapshot: partition 0 was saved after its manifest (by a snapshot that could not write every partition); the others are as the manifest's snapshot left them"
check $? "a stop that writes one partition and fails on the other says so and exits 1, leaving the earlier manifest; the restart says the partitions are not from one snapshot"
# The same at a reload that removes the policy: counter removed (its state written as at
# stop, partition 1 failing), then brought back by the next reload.
rm -rf "$d"; mkdir "$d"; cp -r "$tmp/c1" "$d/counter"
counter
c1= mixed=
if GOV_NORENAME=counter/1.state LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" --snapshot-interval 60000; then
  for a in a1 a2 a3 a4 a5 a6 a7 a8; do cpost counter $a 1 >/dev/null; done
  placeholder
  c1=$(reload)
  cp "$tmp/err" "$tmp/err-removed"
  stop
  counter
  start --state-dir "$d" --snapshot-interval 60000 && { stop; mixed=$(cat "$tmp/err"); }
fi
[ "$c1" = 200 ] && grep -q "policy counter: removed; its state at the reload could not be written whole to '$d/counter'" "$tmp/err-removed" &&
  echo "$mixed" | grep -q "policy counter: state restored from $d/counter (2 partitions), not all from one snapshot: partition 0 was saved after its manifest"
check $? "a reload that removes a policy and cannot write all its state says so, and the restart says the partitions are not from one snapshot (status $c1)"
# The removed policy's state is kept, not dropped, and written again at every snapshot:
# once the disk has room (the shim's file gone) it is all on disk, and a start restores
# every agent's four runs (each one's fifth warns) from one snapshot. A reload that
# brings the policy back while its state is not all written is refused, saying why, and
# the next one, with room, restores it.
for readd in restart reload; do
  rm -rf "$d"; mkdir "$d"
  counter
  c1= s1= s2= c2= c3= v= late=
  echo counter/1.state >"$tmp/fail"
  if GOV_NORENAME=@$tmp/fail LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" start --state-dir "$d" --snapshot-interval 60000; then
    for i in 0 1 2 3; do for a in a1 a2 a3 a4 a5 a6 a7 a8; do cpost counter $a $i >/dev/null; done; done
    placeholder
    c1=$(reload)
    s1=$(snap)
    if [ $readd = reload ]; then
      counter
      c2=$(reload)
      cp "$tmp/reload" "$tmp/reload-refused"
      placeholder
    fi
    rm -f "$tmp/fail"
    s2=$(snap)
    if [ $readd = reload ]; then
      counter
      c3=$(reload)
      v=$(fifths)
    fi
    stop
    cp "$tmp/err" "$tmp/err-pending"
    if [ $readd = restart ]; then
      counter
      start --state-dir "$d" --snapshot-interval 60000 && { v=$(fifths); stop; }
    fi
    late=$(cat "$tmp/err")
  fi
  case $readd in
    restart) [ "$c1$s1$s2" = 200500200 ] ;;
    reload) [ "$c1$s1$c2$s2$c3" = 200500422200200 ] && grep -q "policy counter: the state it had when a reload removed it is not all written to '$d/counter' yet" "$tmp/reload-refused" ;;
  esac &&
    grep -q "policy counter: removed; its state at the reload could not be written whole to '$d/counter' (said above): kept" "$tmp/err-pending" &&
    grep -q "policy counter: the state it had when a reload removed it is now written whole to '$d/counter'" "$tmp/err-pending" &&
    [ "$v" = "warn " ] && echo "$late" | grep -q "policy counter: state restored from $d/counter (2 partitions)$"
  check $? "a removed policy's state not all written at the reload is kept and written once there is room; brought back by a $readd, every agent's fifth run warns (statuses $c1 $s1 ${c2:+$c2 }$s2${c3:+ $c3}; fifth runs: $v)"
done
exit $((fails > 0))
