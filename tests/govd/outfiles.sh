#!/bin/sh
# tests/govd/outfiles.sh BUILD: govd reads, appends to and renames over only regular files
# (govd/util.c gd_not_regular). A FIFO or a device where a state file or the decision log
# goes is refused (at start: exit 2, named) or left alone (a snapshot, a rotation),
# never opened for ever or replaced. The devices are made here by mknod in a temporary
# folder (a FIFO stands in without mknod); no test points at /dev itself. govd listens
# on a free loopback port (port 0) and is stopped by the trap.
B=${1:-build}
GOVD=$B/govd
tmp=$(mktemp -d) || exit 2
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - govd outfiles: $1"; }
notok() { echo "not ok - govd outfiles: $1"; fails=$((fails + 1)); [ -s "$tmp/err" ] && sed 's/^/#   /' "$tmp/err" | tail -5; }
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }
devnode() {
  if mknod "$1" c 1 3 2>/dev/null && [ -c "$1" ]; then echo "character device"; return; fi
  rm -f "$1"; mkfifo "$1"; echo "FIFO (named pipe)"
}
pol=support_agents
rec='{"tenant":"acme","project":"billing","agent":"triage-bot","at":"2026-11-25T09:00:00Z","run_id":"r-1","latency_ms":4200,"cost_usd":0.01,"tokens":900}'

. tests/govd/start.sh  # start ARGS..., stop
post() { curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/v1/decide/$pol" -d "$rec"; }

# A FIFO, then a device, where a saved state is read at start: govd refuses to start.
for what in fifo dev; do
  d=$tmp/st-$what; mkdir -p "$d/$pol"
  if [ $what = fifo ]; then mkfifo "$d/$pol/manifest"; kind="FIFO (named pipe)"; node=manifest
  else kind=$(devnode "$d/$pol/1.state"); node=1.state; fi
  if start --state-dir "$d"; then stop; rc=0; fi
  [ "$rc" = 2 ] && grep -q "'$d/$pol/$node' is a $kind, not a regular file" "$tmp/err" &&
    { [ -p "$d/$pol/$node" ] || [ -c "$d/$pol/$node" ]; }
  check $? "a $kind at $node in the state folder: govd refuses to start, exit 2 (exit $rc)"
done

# A snapshot that finds a FIFO where a partition's state goes leaves it and says so.
d=$tmp/snap; mkdir -p "$d"
if start --state-dir "$d" --snapshot-interval 100000; then
  post >/dev/null
  mkdir -p "$d/$pol"; rm -f "$d/$pol/0.state" "$d/$pol/1.state"
  mkfifo "$d/$pol/0.state" "$d/$pol/1.state"
  stop
  [ -p "$d/$pol/0.state" ] && [ -p "$d/$pol/1.state" ] &&
    grep -q "cannot write '$d/$pol/[01].state': it is a FIFO (named pipe), not a regular file" "$tmp/err" &&
    [ -z "$(find "$d/$pol" -name '*.tmp.*')" ]
  check $? "a snapshot leaves a FIFO where a state goes, says so, and leaves no temporary file"
else
  notok "govd with a state folder starts"
fi

# The decision log, its lock file and its next file: a FIFO or a device is refused at start.
for name in "" .lock .next; do
for what in fifo dev; do
  f=$tmp/log-$what$name
  if [ $what = fifo ]; then mkfifo "$f"; kind="FIFO (named pipe)"; else kind=$(devnode "$f"); fi
  if start --decision-log "$tmp/log-$what"; then stop; rc=0; fi
  [ "$rc" = 2 ] && grep -q "decision log '$f' is a $kind, not a regular file" "$tmp/err" &&
    { [ -p "$f" ] || [ -c "$f" ]; }
  check $? "a $kind as the decision log${name:+'s $name file}: govd refuses to start, exit 2 (exit $rc)"
  rm -f "$f"
done
done

# Rotation never renames onto a name that exists, nor writes LOG.next where a FIFO is:
# the log is not rotated, grows past its size, still verifies, and govd says why.
for what in archive next; do
  f=$tmp/dlog-$what
  if [ $what = archive ]; then n=$f.000001; else n=$f.next; fi
  if start --decision-log "$f" --log-max-bytes 4096; then
    mkfifo "$n"
    i=0; while [ $i -lt 30 ]; do post >/dev/null; i=$((i + 1)); done
    stop
    [ -p "$n" ] && [ -f "$f" ] && [ "$(wc -c <"$f")" -gt 4096 ] &&
      grep -q "decision log: '$f' not rotated past 4096 bytes: '$n'" "$tmp/err" &&
      "$B/govc" audit verify "$f" >/dev/null
    check $? "rotation leaves a FIFO at $(basename "$n") alone, says so, and the log verifies"
  else
    notok "govd with a decision log starts"
  fi
done
exit $((fails > 0))
