#!/bin/sh
# tests/log/nocrypto.sh BUILD: every user of the decision log on a host whose OpenSSL
# libcrypto (which libgovlog opens with dlopen for SHA-256) is missing or broken, through
# the LD_PRELOAD shim tests/log/nocrypto.c: dlopen fails; or it opens a stand-in
# (tests/log/fakecrypto.c) where one EVP function is missing, the digest calls fail, or
# they give a wrong digest. In each case govc run --log (a new
# log, an existing one, with --state), govc audit verify / replay / recover / rotate,
# govd with a decision log, the C API (tests/log/nocrypto_api.c) and the Python binding
# must stop with one clear error naming libcrypto (exit 2 for the commands), never abort
# or die of a signal, and leave every file as it was: no log created, no byte of an
# existing log or a saved state changed, nothing printed as decided.
B=${1:-build}
GOVC=${GOVC:-$B/govc}
SHIM=$B/tests/log_nocrypto.so
FAKE=$B/tests/log_fakecrypto.so
API=$B/tests/log_nocrypto_api
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - nocrypto: $1"; }
notok() { echo "not ok - nocrypto: $1"; fails=$((fails + 1)); [ -s "$tmp/err" ] && sed 's/^/#   /' "$tmp/err" | head -5; }
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }
# The shim is preloaded into sanitized binaries too (make san): ASan then must not insist
# on coming first.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
# timeout: a govd that started after all would listen for ever.
# mode: open, nofinal (a libcrypto without EVP_DigestFinal_ex), fail or wrong.
under() {
  case $mode in
    open) set -- GOV_NOCRYPTO=open "$@" ;;
    nofinal) set -- GOV_NOCRYPTO_LIB="$B/tests/log_fakecrypto_nofinal.so" "$@" ;;
    *) set -- GOV_NOCRYPTO_LIB="$FAKE" GOV_NOCRYPTO="$mode" "$@" ;;
  esac
  timeout -s KILL 60 env LD_PRELOAD="$SHIM${LD_PRELOAD:+ $LD_PRELOAD}" "$@"
}

loan=policies/loan_underwriting
"$GOVC" build -o "$tmp/loan.govb" "$loan" >/dev/null || { echo "not ok - nocrypto: build loan"; exit 1; }
"$GOVC" build -o "$tmp/p95.govb" policies/latency_p95 >/dev/null || { echo "not ok - nocrypto: build p95"; exit 1; }
# On a working libcrypto: a closed log, one with a torn tail, a saved state.
"$GOVC" run -p "$tmp/loan.govb" --log "$tmp/good.log" --log-inputs "$loan/events.jsonl" >/dev/null 2>&1 &&
  cp "$tmp/good.log" "$tmp/torn.log" && printf '{"seq":99,"prev":"00' >>"$tmp/torn.log" &&
  "$GOVC" run -p "$tmp/p95.govb" --state "$tmp/st" policies/latency_p95/records.jsonl >/dev/null 2>&1
check $? "a log, a torn log and a state written with libcrypto"
for f in good.log torn.log st; do cp "$tmp/$f" "$tmp/$f.orig"; done

# CMD exits 2 (not a signal, not 0), its stderr (or stdout) names libcrypto in one line,
# nothing is printed as decided, and the files named after -- are unchanged.
refuses() {
  what=$1; shift
  out=$tmp/out err=$tmp/err
  under "$@" >"$out" 2>"$err"
  rc=$?
  ok=0
  [ "$rc" = 2 ] || ok=1
  grep -q "libcrypto" "$err" "$out" || ok=1
  [ "$(cat "$err" "$out" | grep -c libcrypto)" = 1 ] || ok=1
  ! grep -q '"verdict"' "$out" || ok=1
  for f in good.log torn.log st; do cmp -s "$tmp/$f" "$tmp/$f.orig" || ok=1; done
  check $ok "$mode: $what: exit 2 with one line naming libcrypto, files unchanged (exit $rc)"
}

for mode in open nofinal fail wrong; do
  rm -f "$tmp/new.log" "$tmp/new.log.lock"
  refuses "govc run --log (a new log)" "$GOVC" run -p "$tmp/loan.govb" --log "$tmp/new.log" "$loan/events.jsonl"
  [ ! -e "$tmp/new.log" ] && [ ! -e "$tmp/new.log.lock" ]
  check $? "$mode: govc run --log creates neither the log nor its lock file"
  refuses "govc run --log (a closed log)" "$GOVC" run -p "$tmp/loan.govb" --log "$tmp/good.log" "$loan/events.jsonl"
  refuses "govc run --state --log" "$GOVC" run -p "$tmp/p95.govb" --state "$tmp/st" --log "$tmp/good.log" \
    policies/latency_p95/records.jsonl
  refuses "govc audit verify" "$GOVC" audit verify "$tmp/good.log"
  refuses "govc audit replay" "$GOVC" audit replay --policy "$tmp/loan.govb" "$tmp/good.log"
  refuses "govc audit recover" "$GOVC" audit recover "$tmp/torn.log"
  refuses "govc audit rotate" "$GOVC" audit rotate "$tmp/good.log"
  refuses "govd --decision-log" "$B/govd" --listen 127.0.0.1:0 -p policies/support --decision-log "$tmp/good.log"

  under "$API" "$tmp" >"$tmp/api" 2>"$tmp/err"
  rc=$?
  sed -n "s/^\(ok\|not ok\) - /\1 - nocrypto: $mode: /p" "$tmp/api"
  grep -q '^0 failures$' "$tmp/api" && [ "$rc" = 0 ]
  check $? "$mode: the C API program ran to its end (exit $rc)"

  under env GOV_LIBDIR="$B" PYTHONPATH=bindings/python PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 - "$tmp" \
    >"$tmp/py" 2>"$tmp/err" <<'EOF'
import sys, gov
from gov.errors import LogError
from gov import log as glog
d = sys.argv[1]
def refused(what, fn):
    try:
        fn()
    except LogError as e:
        print(("ok" if "libcrypto" in str(e) and e.code == glog.GOVLOG_ECRYPTO else "not ok") + " - python: " + what + ": LogError " + str(e).replace("\n", " "))
        return
    except Exception as e:
        print("not ok - python: " + what + ": " + type(e).__name__ + ": " + str(e))
        return
    print("not ok - python: " + what + ": no error")
refused("gov.Log (a new log)", lambda: gov.Log(d + "/py.log"))
refused("gov.Log (a closed log)", lambda: gov.Log(d + "/good.log"))
refused("gov.verify_log", lambda: gov.verify_log([d + "/good.log"]))
refused("gov.log.sha256", lambda: glog.sha256(b"abc"))
EOF
  rc=$?
  sed -n "s/^\(ok\|not ok\) - /\1 - nocrypto: $mode: /p" "$tmp/py"
  [ "$rc" = 0 ] && [ "$(grep -c '^ok' "$tmp/py")" = 4 ] && [ ! -e "$tmp/py.log" ]
  check $? "$mode: python ran to its end, created no log (exit $rc)"
  for f in good.log torn.log st; do cmp -s "$tmp/$f" "$tmp/$f.orig"; done
done

# Without the shim nothing above was needed: the same commands work.
"$GOVC" audit verify "$tmp/good.log" >"$tmp/out" 2>"$tmp/err"
check $? "without the shim the log verifies"
exit $((fails > 0))
