#!/bin/sh
# tests/govd/fullstate.sh BUILD: govd's state snapshots on a file system that fills up
# and then has room again (a small tmpfs, mounted in a private mount namespace by
# `unshare -m`; as root). A snapshot that fails (ENOSPC) leaves the previous state file
# as it was and no temporary file, says so, and is made again at a later interval once
# there is room, without waiting for the partition's next request: spec/govd.md §6
# promises that a kill -9 loses at most the last interval of state. And a reload that
# changes a policy's state layout with the disk full from just before it to a kill -9:
# the reload keeps the old state aside as its last snapshot left it (and says so), the
# new version's snapshots go to a folder of their own, so what is on disk restores to the
# old state (the folder kept aside) or the new one, never a manifest of one layout over
# files of the other.
B=${1:-build}
GOVD=$(cd "$(dirname "$B/govd")" && pwd)/govd
tmp=$(mktemp -d -t fullstate.XXXXXX) || exit 2
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
  echo "skip - govd fullstate: a full tmpfs needs root and unshare(1)"
  exit 0
fi
mkdir "$tmp/m" "$tmp/out"
# Everything that needs the mount runs inside the namespace; results go to $tmp/out.
cat >"$tmp/inner.sh" <<'EOF'
set -u
m=$1 out=$2 govd=$3
mount -t tmpfs -o size=1m tmpfs "$m" || exit 97
st=$m/st
"$govd" --listen 127.0.0.1:0 -p policies/support --workers 2 --partitions 2 --state-dir "$st" \
  --snapshot-interval 100 2>"$out/err" >/dev/null &
pid=$!
port= i=0
while [ $i -lt 200 ] && [ -z "$port" ]; do
  sleep 0.1; i=$((i + 1))
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/err" | head -1)
done
[ -n "$port" ] || { kill -9 $pid; exit 98; }
post() {
  curl -s -o /dev/null -w '%{http_code}\n' -X POST "http://127.0.0.1:$port/v1/decide/support_agents" \
    -d '{"tenant":"acme","project":"billing","agent":"a1","at":"2026-11-25T09:00:0'"$1"'Z","run_id":"r-'"$1"'","latency_ms":4200,"cost_usd":0.01,"tokens":900,"error":true}'
}
post 1 >>"$out/codes"
sleep 0.5                                  # snapshotted
cat "$st"/support_agents/*.state >"$out/before"
head -c 2000000 /dev/zero >"$m/filler" 2>/dev/null  # the disk is full
post 2 >>"$out/codes"
sleep 0.5                                  # its snapshot fails
cat "$st"/support_agents/*.state >"$out/full"
ls -A "$st/support_agents" >"$out/ls-full"
rm "$m/filler"                             # room again; no more requests
sleep 1
cat "$st"/support_agents/*.state >"$out/after"
kill -9 $pid
wait $pid 2>/dev/null

# A reload that changes the layout (counter's window over 1h per agent becomes one over
# 2h) with one page of the disk left: the old version's files of agent m's four runs take
# two pages and one, the new version's, after a batch of 500 agents, two each. Snapshots
# only when asked (POST /v1/admin/snapshot), then kill -9.
rm -rf "$m/st"
st=$m/st2 pol=$out/pol
mkdir "$pol"
counter() { printf 'policy counter\n\nimport "std/agent_run"\n\nwindow recent = count() over %s per agent\n\nrule fifth_run {\n  when recent >= 5\n  severity warning\n}\n' "$1" >"$pol/p.gov"; }
govd() {  # govd: started on $pol (port set), its log in $out/err2
  "$govd" --listen 127.0.0.1:0 -p "$pol" --workers 2 --partitions 2 --state-dir "$st" --snapshot-interval 3600000 \
    2>"$out/err2" >/dev/null &
  pid=$! port= i=0
  while [ $i -lt 200 ] && [ -z "$port" ]; do
    sleep 0.1; i=$((i + 1))
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/err2" | head -1)
  done
  [ -n "$port" ]
}
cpost() {  # cpost AGENT: the verdict of its run
  curl -s -X POST "http://127.0.0.1:$port/v1/decide/counter" \
    -d '{"agent":"'"$1"'","run_id":"r","latency_ms":1,"cost_usd":0,"at":"2026-01-01T00:00:00Z"}' |
    sed -n 's/.*"verdict":"\([a-z]*\)".*/\1/p'
}
snapshot() { curl -s -o /dev/null -X POST "http://127.0.0.1:$port/v1/admin/snapshot"; }
counter 1h
govd || { kill -9 $pid; exit 96; }
for i in 0 1 2 3; do cpost m >/dev/null; done
snapshot
avail=$(df -B1 --output=avail "$m" | tail -1)
head -c $((avail - 4096)) /dev/zero >"$m/filler" 2>/dev/null
counter 2h
curl -s -o /dev/null -w '%{http_code}\n' -X POST "http://127.0.0.1:$port/v1/admin/reload" >"$out/reload"
a=0
while [ $a -lt 500 ]; do echo '{"agent":"a'$a'","run_id":"r","latency_ms":1,"cost_usd":0,"at":"2026-01-01T00:00:00Z"}'; a=$((a + 1)); done >"$out/batch"
curl -s -o /dev/null -X POST --data-binary @"$out/batch" "http://127.0.0.1:$port/v1/decide/counter/batch"
snapshot
kill -9 $pid
wait $pid 2>/dev/null
cp "$out/err2" "$out/err-reload"
ls -R "$st" >"$out/ls2"
rm "$m/filler"
# Room again: the new version restarts on what st2/counter holds, then the old one on
# what the reload kept aside, moved back to st2/counter.
govd && { cpost m >"$out/v-restart"; kill -9 $pid; wait $pid 2>/dev/null; }
cp "$out/err2" "$out/err-restart"
rm -rf "$st/counter"; mv "$st/counter.refused-1" "$st/counter"
counter 1h
govd && { cpost m >"$out/v-old"; kill -9 $pid; wait $pid 2>/dev/null; }
echo done >"$out/rc"
EOF
unshare -m sh "$tmp/inner.sh" "$tmp/m" "$tmp/out" "$GOVD" 2>"$tmp/out/sh-err"
rc=$?
fails=0
ok() { echo "ok - govd fullstate: $1"; }
notok() { echo "not ok - govd fullstate: $1"; fails=$((fails + 1)); sed 's/^/#   /' "$tmp/out/err" 2>/dev/null | tail -6; }
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }
if [ ! -f "$tmp/out/rc" ]; then
  notok "the tmpfs run (exit $rc: $(cat "$tmp/out/sh-err"))"
  exit 1
fi
[ "$(cat "$tmp/out/codes")" = "200
200" ]
check $? "both requests answered"
cmp -s "$tmp/out/before" "$tmp/out/full" && grep -q "cannot write '.*\.state': No space left on device" "$tmp/out/err" &&
  ! grep -q '\.tmp\.' "$tmp/out/ls-full"
check $? "a snapshot on a full disk fails, says why, keeps the previous state file and leaves no temporary file"
! cmp -s "$tmp/out/full" "$tmp/out/after"
check $? "once there is room, the failed partition is snapshotted again at the next interval, with no new request"
[ "$(cat "$tmp/out/reload")" = 200 ] &&
  grep -q "cannot write '.*/counter.refused-1/0.state': No space left on device" "$tmp/out/err-reload" &&
  grep -q "policy counter: state in '.*/counter' not carried: .*; kept as '.*/counter.refused-1' as its last snapshot left it" "$tmp/out/err-reload"
check $? "a reload that changes the layout on a disk with one page left keeps the old state aside as its last snapshot left it, and says so"
[ "$(cat "$tmp/out/v-restart")" = allow ] && ! grep -q "not restored\|state reset" "$tmp/out/err-restart"
check $? "after the new version's snapshot fails and a kill -9, it restarts empty on a folder of its own: no manifest without its partitions' files"
[ "$(cat "$tmp/out/v-old")" = warn ] && grep -q "policy counter: state restored" "$tmp/out/err2"
check $? "the folder kept aside restores into the old version (m's fifth run: $(cat "$tmp/out/v-old"))"
exit $((fails > 0))
