#!/bin/sh
# tests/cli/devfull.sh: every govc command whose standard output cannot be written (a
# full disk, here /dev/full: every write fails with ENOSPC) exits 2 and says so on
# standard error, instead of reporting success (exit 0) with its output lost: a CI job
# that keeps `govc diff` or `govc replay` in a file must not read an empty report as a
# clean one.
GOVC=${GOVC:-build/govc}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
[ -w /dev/full ] || { echo "skip - devfull: no /dev/full"; exit 0; }
p=policies/latency_p95
r=$p/records.jsonl
"$GOVC" build -o "$tmp/p.govb" "$p" >/dev/null 2>&1 &&
  "$GOVC" run -p "$tmp/p.govb" --log "$tmp/d.log" "$r" >/dev/null 2>&1 ||
  { echo "not ok - devfull: build and log"; exit 1; }

full() {
  "$GOVC" "$@" >/dev/full 2>"$tmp/err"
  rc=$?
  name=$(echo "govc $*" | sed "s#$tmp#TMP#g")
  if [ "$rc" = 2 ] && grep -q "cannot write standard output" "$tmp/err"; then
    echo "ok - devfull: $name: exit 2, said"
  else
    echo "not ok - devfull: $name: exit $rc"
    sed 's/^/#   /' "$tmp/err" | head -3
    fails=$((fails + 1))
  fi
}
full --help
full --version
full run --help
full check --format json "$p"
full disasm "$tmp/p.govb"
full run -p "$tmp/p.govb" "$r"
full run -p "$tmp/p.govb" --format text "$r"
full explain -p "$tmp/p.govb" "$r"
full test "$p"
full diff "$p" policies/error_spike
full fmt "$p/latency.gov"
full replay -p "$tmp/p.govb" "$r"
full audit verify "$tmp/d.log"
full completion bash
exit $((fails > 0))
