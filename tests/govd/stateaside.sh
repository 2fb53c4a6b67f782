#!/bin/sh
# tests/govd/stateaside.sh BUILD: a saved state govd cannot restore at start (spec/govd.md
# §6) is kept, not overwritten. govd starts the policy empty, as before, but first moves
# the policy's state folder DIR/NAME aside to DIR/NAME.refused-N, whole: the damaged
# file as it was and every other partition's good state with it (a reset empties every
# partition, and the next snapshot would have replaced them all). One partition's file
# truncated at several places (the empty file, inside the header, inside the payload,
# one byte short), one byte of it changed, and a manifest of another partitioning and
# layout (a policy changed while govd was down).
B=${1:-build}
GOVD=$B/govd
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
exit $((fails > 0))
