#!/bin/sh
# tests/cli/vanish.sh BUILD: a policy file that disappears after its directory was listed
# and before it is read (tests/cli/vanish.c removes it at its open(2)). Each source is
# read once, so what is checked is what is built: govc check and govc build stop with
# E031 naming the file (exit 2), and build leaves the previous output as it was; govd
# refuses a reload that meets it and goes on serving the policy it had.
B=${1:-build}
GOVC=${GOVC:-$B/govc}
SHIM=$B/tests/cli_vanish.so
tmp=$(mktemp -d) || exit 2
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - vanish: $1"; }
notok() { echo "not ok - vanish: $1"; fails=$((fails + 1)); [ -s "$tmp/err" ] && sed 's/^/#   /' "$tmp/err" | head -8; }
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS

# The support example plus a second file of the same policy, which will vanish.
p=$tmp/pol
mkdir "$p"
cp policies/support/support.gov "$p/"
extra() { printf 'policy support_agents\n\nscope project "billing" {\n}\n' >"$p/extra.gov"; }
extra
"$GOVC" build -o "$tmp/out.govb" "$p" >/dev/null 2>"$tmp/err"
check $? "the two files build"
cp "$tmp/out.govb" "$tmp/orig.govb"

for cmd in check build; do
  extra
  if [ $cmd = build ]; then set -- build -o "$tmp/out.govb" "$p"; else set -- check "$p"; fi
  LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" GOV_VANISH=extra.gov "$GOVC" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ "$rc" = 2 ] && grep -q "error\[E031\]: cannot read '$p/extra.gov': No such file or directory" "$tmp/err" &&
    [ ! -e "$p/extra.gov" ]
  check $? "govc $cmd: the file gone after the listing is E031, exit 2 (exit $rc)"
done
cmp -s "$tmp/out.govb" "$tmp/orig.govb" && [ -z "$(ls "$tmp" | grep -v -e '^out.govb$' -e '^orig.govb$' -e '^pol$' -e '^out$' -e '^err$')" ]
check $? "govc build leaves the previous output as it was, and no temporary file"

# govd: the file is read at start, and gone when a reload reads it again.
extra
: >"$tmp/err"
LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" GOV_VANISH=extra.gov GOV_VANISH_SKIP=1 \
  "$B/govd" --listen 127.0.0.1:0 -p "$p" 2>"$tmp/err" >/dev/null &
pid=$!
port=
i=0
while [ $i -lt 200 ] && [ -z "$port" ] && kill -0 "$pid" 2>/dev/null; do
  sleep 0.1; i=$((i + 1))
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/err" | head -1)
done
if [ -n "$port" ]; then
  kill -HUP "$pid"
  i=0
  while [ $i -lt 100 ] && ! grep -q "reload refused" "$tmp/err"; do sleep 0.1; i=$((i + 1)); done
  rec='{"tenant":"acme","project":"billing","agent":"triage-bot","at":"2026-11-25T09:00:00Z","run_id":"r-1","latency_ms":4200,"cost_usd":0.01,"tokens":900}'
  code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X POST "http://127.0.0.1:$port/v1/decide/support_agents" -d "$rec")
  kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
  grep -q "reload refused; the running policies stay" "$tmp/err" && grep -q "cannot read '$p/extra.gov'" "$tmp/err" &&
    [ "$code" = 200 ] && grep -q '"verdict"' "$tmp/out" && [ "$rc" = 0 ]
  check $? "govd: a reload that finds a file gone is refused, and the policy it had still decides (HTTP $code, exit $rc)"
else
  notok "govd starts with the two files"
fi
exit $((fails > 0))
