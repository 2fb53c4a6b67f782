#!/bin/sh
# tests/ffi/run.sh BUILD: host functions end to end (spec/bytecode.md §7).
#
#   ext.gov with tests/ffi/hostlib.so (govc run --host-lib): decisions, traces and the
#   disassembly against goldens; every pii_score value in the traces against a Python
#   reference of the C function; govc test; libraries whose descriptors disagree with
#   the declarations, a function without its descriptor, a missing library and an
#   unbound extern, each refused with a message naming it (exit 2); every bit flip and
#   truncation of the compiled program (tests/vm/corrupt.c); then the API unit test
#   (tests/ffi/unit.c) over the compiled program, including hand-edited copies.
#
# UPDATE=1 rewrites the goldens: read every change before committing it.
B=${1:-build}
GOVC=${GOVC:-$B/govc}
here=tests/ffi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/golden.sh
check() { name=$1; shift; golden "ffi-$name" "$here/golden/$name.out" "$@"; }
lib=$B/tests/ffi/hostlib.so

"$GOVC" build -o "$tmp/ext.govb" "$here/ext.gov" >/dev/null || { echo "not ok - ffi: build ext.gov"; exit 1; }
check disasm "$GOVC" disasm "$tmp/ext.govb"
check run "$GOVC" run --host-lib "$lib" -p "$tmp/ext.govb" "$here/records.jsonl"
check run-text "$GOVC" run --format text --host-lib "$lib" -p "$here/ext.gov" "$here/records.jsonl"
check trace "$GOVC" run --trace --host-lib "$lib" -p "$tmp/ext.govb" "$here/records.jsonl"
check test "$GOVC" test --host-lib "$lib" "$here/ext.gov"
check sustained "$GOVC" test --host-lib "$lib" "$here/sustained.gov"
sed -n 3p "$here/records.jsonl" >"$tmp/failing.json"
check explain "$GOVC" explain --host-lib "$lib" -p "$tmp/ext.govb" "$tmp/failing.json"
check replay "$GOVC" replay --host-lib "$lib" --policy "$tmp/ext.govb" "$here/records.jsonl"
# Two libraries: each extern from the first that defines it (bad_ret's pii_score is
# never looked at), so this is run-text again; the other order is refused.
check two-libs "$GOVC" run --format text --host-lib "$lib" --host-lib "$B/tests/ffi/bad_ret.so" -p "$tmp/ext.govb" \
  "$here/records.jsonl"

# The values the VM got from pii_score, against Python's count of the same bytes: the
# first comparison of every pii_leak trace entry, for records whose call succeeded.
"$GOVC" run --trace --host-lib "$lib" -p "$tmp/ext.govb" "$here/records.jsonl" >"$tmp/trace.jsonl"
if python3 - "$here/records.jsonl" "$tmp/trace.jsonl" <<'PY'
import json, math, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
decs = [json.loads(l) for l in open(sys.argv[2])]
def pii(s):  # hostlib.c's pii_score: digits and '@' over all bytes
    b = s.encode()
    if b.startswith(b"FAIL") or b.startswith(b"NAN"): return None
    return sum(1 for c in b if 48 <= c <= 57 or c == 64) / len(b) if b else 0.0
checked = 0
for r, d in zip(recs, decs):
    want = pii(r["output"])
    rule = [x for x in d["trace"]["rules"] if x["rule"] == "pii_leak"][0]
    got = rule["compared"][0]["lhs"]["value"]
    if want is None:
        assert got == 0, (r, got)          # the `on error 0%` default
    else:
        assert math.isclose(got, want, rel_tol=1e-15, abs_tol=0), (r, got, want)
    checked += 1
print(checked)
PY
then echo "ok - ffi: pii_score values match a Python reference"
else echo "not ok - ffi: pii_score values match a Python reference"; fail=1; fi

# Refusals: descriptors that disagree, a missing descriptor, no library, unbound.
for bad in bad_ret bad_arity bad_variadic no_sig; do
  check "$bad" sh -c "'$GOVC' run --host-lib '$B/tests/ffi/$bad.so' -p '$tmp/ext.govb' '$here/records.jsonl' \
    >'$tmp/bad.out' 2>&1; rc=\$?; sed 's#$B/#BUILD/#g' '$tmp/bad.out'; exit \$rc"
done
check no-lib "$GOVC" run --host-lib "$tmp/none.so" -p "$tmp/ext.govb" "$here/records.jsonl"
check unbound "$GOVC" run -p "$tmp/ext.govb" "$here/records.jsonl"
check unbound-test "$GOVC" test "$here/ext.gov"
check extern-in-window "$GOVC" build -o "$tmp/w.govb" "$here/extern_in_window.gov"

# The example host (vm/examples/pii_host.c) binds its own C functions through the API
# and evaluates policies/content_safety's records.
"$GOVC" build -o "$tmp/cs.govb" policies/content_safety >/dev/null || fail=1
check example-host sh -c "'$B/pii_host' '$tmp/cs.govb' < policies/content_safety/records.jsonl"

# The corruption sweep (tests/vm/corrupt.c) over a program with host functions.
"$B/tests/vm_corrupt" "$tmp/ext.govb" || fail=1

# The C API: bindings of several signatures, bind-time and load-time refusals.
if "$B/tests/ffi_unit" "$tmp/ext.govb" >"$tmp/unit.out" 2>&1; then cat "$tmp/unit.out"
else cat "$tmp/unit.out"; grep -q "^not ok" "$tmp/unit.out" || echo "not ok - ffi_unit crashed"; fail=1; fi
exit $fail
