#!/bin/sh
# tests/govd/fullstate.sh BUILD: govd's state snapshots on a file system that fills up
# and then has room again (a small tmpfs, mounted in a private mount namespace by
# `unshare -m`; as root). A snapshot that fails (ENOSPC) leaves the previous state file
# as it was and no temporary file, says so, and is made again at a later interval once
# there is room, without waiting for the partition's next request: spec/govd.md §6
# promises that a kill -9 loses at most the last interval of state.
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
exit $((fails > 0))
