#!/bin/sh
# tests/log/run.sh BUILD: the decision log through govc (spec/trace.md 9).
#
#   govc run --log (with and without inputs, rotation by size, on demand, a second
#   writer, --state across runs); govc audit verify (intact, closed, open, torn, --head,
#   --after, files in any order, every kind of tampering); govc audit replay (every
#   decision reproduced, windows, drifts, gates and state across runs included; a forged
#   log whose digests were recomputed verifies, and replay shows the decision it
#   changed); govc audit recover; and tests/log/auditor.py, a verifier written from the
#   spec alone, agreeing with govc on every case. Goldens in tests/log/golden/ (the log
#   holds no wall-clock time, so its bytes, digests included, are reproducible).
B=${1:-build}
GOVC=${GOVC:-$B/govc}
PY=/usr/bin/python3
here=tests/log
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/golden.sh
check() { name=$1; shift; golden "$name" "$here/golden/$name.out" "$@"; }
ok() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fail=1; fi; }

loan=policies/loan_underwriting
"$GOVC" build -o "$tmp/loan.govb" "$loan" >/dev/null || { echo "not ok - build loan"; exit 1; }
"$GOVC" build -o "$tmp/p95.govb" policies/latency_p95 >/dev/null || { echo "not ok - build latency_p95"; exit 1; }
"$GOVC" build -o "$tmp/drift.govb" policies/token_drift >/dev/null || { echo "not ok - build token_drift"; exit 1; }

# ------------------------------------------------------------------ write, verify
check run-log "$GOVC" run -p "$tmp/loan.govb" --log "$tmp/loan.log" --log-inputs "$loan/events.jsonl"
check log-bytes cat "$tmp/loan.log"
check verify "$GOVC" audit verify "$tmp/loan.log"
$PY "$here/auditor.py" "$tmp/loan.log" >"$tmp/a.out"; ok $? "auditor: the log verifies ($(cat "$tmp/a.out"))"
head=$(sed -n 's/.*head \([0-9a-f]*\)$/\1/p' "$here/golden/run-log.out")
check verify-head "$GOVC" audit verify --head "$head" "$tmp/loan.log"
check replay "$GOVC" audit replay --policy "$tmp/loan.govb" "$tmp/loan.log"

# Windows, drifts: state that depends on every record before.
"$GOVC" run -p "$tmp/p95.govb" --log "$tmp/p95.log" --log-inputs --log-sync close policies/latency_p95/records.jsonl \
  >/dev/null 2>&1
check replay-windows "$GOVC" audit replay --policy "$tmp/p95.govb" "$tmp/p95.log"
"$GOVC" run -p "$tmp/drift.govb" --log "$tmp/drift.log" --log-inputs --log-sync close policies/token_drift/records.jsonl \
  >/dev/null 2>&1
check replay-drift "$GOVC" audit replay --policy "$tmp/drift.govb" "$tmp/drift.log"

# Two runs with --state into one log: the second session starts where the first ended.
n=$(wc -l <policies/latency_p95/records.jsonl)
head -n $((n / 2)) policies/latency_p95/records.jsonl >"$tmp/h1.jsonl"
tail -n +$((n / 2 + 1)) policies/latency_p95/records.jsonl >"$tmp/h2.jsonl"
"$GOVC" run -p "$tmp/p95.govb" --state "$tmp/st" --log "$tmp/two.log" --log-inputs "$tmp/h1.jsonl" >/dev/null 2>&1
"$GOVC" run -p "$tmp/p95.govb" --state "$tmp/st" --log "$tmp/two.log" --log-inputs "$tmp/h2.jsonl" >/dev/null 2>&1
check replay-two-sessions "$GOVC" audit replay --policy "$tmp/p95.govb" "$tmp/two.log"
# The same without --state: the second run starts from a fresh VM, which the log records.
"$GOVC" run -p "$tmp/p95.govb" --log "$tmp/fresh.log" --log-inputs "$tmp/h1.jsonl" >/dev/null 2>&1
"$GOVC" run -p "$tmp/p95.govb" --log "$tmp/fresh.log" --log-inputs "$tmp/h2.jsonl" >/dev/null 2>&1
check replay-fresh-restart "$GOVC" audit replay --policy "$tmp/p95.govb" "$tmp/fresh.log"

# Without inputs the log verifies but cannot be replayed; another policy is not used.
"$GOVC" run -p "$tmp/loan.govb" --log "$tmp/noin.log" "$loan/events.jsonl" >/dev/null 2>&1
check verify-no-inputs "$GOVC" audit verify "$tmp/noin.log"
check replay-no-inputs "$GOVC" audit replay --policy "$tmp/loan.govb" "$tmp/noin.log"
check replay-other-policy "$GOVC" audit replay --policy "$tmp/p95.govb" "$tmp/loan.log"

# ------------------------------------------------------------------ tampering
# forge.py LOG verdict SEQ | forge.py LOG state: rewrite one line of the log and recompute
# every digest from there on, as the spec defines them: a rewrite an attacker could make.
# "verdict" changes the decision at line SEQ from review to allow; "state" flips the last
# bit of the first attach line's state.
cat >"$tmp/forge.py" <<'EOF'
import base64, hashlib, json, sys
path, what = sys.argv[1], sys.argv[2]
lines = open(path, "rb").read().split(b"\n")[:-1]

def edit(i, line, body):
    """The line rewritten, or None to leave it as it is."""
    if what == "verdict":
        return body.replace(b'"verdict":"review"', b'"verdict":"allow"', 1) if i == int(sys.argv[3]) else None
    o = json.loads(line)
    if o["type"] != "attach" or "state" not in o:
        return None
    st = bytearray(base64.b64decode(o["state"]))
    st[-1] ^= 1
    return body.replace(o["state"].encode(), base64.b64encode(bytes(st)), 1)

prev, out, hit = None, [], False
for i, l in enumerate(lines):
    body = l[:-77]
    if not hit:
        e = edit(i, l, body)
        if e is not None:
            body, hit = e, True
    if hit and prev is not None:
        k = body.index(b'"prev":"') + 8
        body = body[:k] + prev.encode() + body[k + 64:]
    d = hashlib.sha256(body).hexdigest()
    out.append(body + b',"sha256":"' + d.encode() + b'"}')
    prev = d
open(path, "wb").write(b"\n".join(out) + b"\n")
EOF
cp "$tmp/loan.log" "$tmp/forged.log"
seq=$(grep -n '"verdict":"review"' "$tmp/forged.log" | head -1 | cut -d: -f1)
$PY "$tmp/forge.py" "$tmp/forged.log" verdict $((seq - 1))
check forged-verify "$GOVC" audit verify "$tmp/forged.log"
check forged-head "$GOVC" audit verify --head "$head" "$tmp/forged.log"
check forged-replay "$GOVC" audit replay --policy "$tmp/loan.govb" "$tmp/forged.log"

# An attach line whose state was changed and every digest recomputed: the state no longer
# hashes to its state_sha256 (spec/trace.md 9.3, step 3), which govc and the auditor
# both refuse; replay must not start from it.
cp "$tmp/loan.log" "$tmp/forgedstate.log"
$PY "$tmp/forge.py" "$tmp/forgedstate.log" state
"$GOVC" audit verify "$tmp/forgedstate.log" >"$tmp/v.out" 2>&1; g=$?
$PY "$here/auditor.py" "$tmp/forgedstate.log" >"$tmp/a.out" 2>&1; a=$?
[ $g = 1 ] && [ $a = 1 ] && grep -q "the state does not match state_sha256" "$tmp/v.out"
ok $? "an attach state that does not hash to its state_sha256 is refused (govc $g: $(tail -1 "$tmp/v.out"); auditor $a)"
"$GOVC" audit replay --policy "$tmp/loan.govb" "$tmp/forgedstate.log" >"$tmp/v.out" 2>&1; g=$?
[ $g = 1 ] && grep -q "not verified" "$tmp/v.out"
ok $? "replay stops at that attach line (exit $g)"

# An edit without recomputing, a deletion, a swap, a truncation at a line boundary, a
# torn tail: each refused or reported by govc and by the auditor alike.
lines=$(wc -l <"$tmp/loan.log")
sed '5s/"verdict":"review"/"verdict":"allow"/' "$tmp/loan.log" >"$tmp/edit.log"
sed '6d' "$tmp/loan.log" >"$tmp/del.log"
awk 'NR == 6 { held = $0; next } NR == 7 { print; print held; next } { print }' "$tmp/loan.log" >"$tmp/swap.log"
for c in edit del swap; do
  cmp -s "$tmp/loan.log" "$tmp/$c.log"; [ $? = 1 ]; ok $? "the $c test log differs from the log"
done
head -n $((lines - 3)) "$tmp/loan.log" >"$tmp/cut.log"
head -c -50 "$tmp/loan.log" >"$tmp/torn.log"
for c in edit del swap cut torn; do
  check "tamper-$c" "$GOVC" audit verify "$tmp/$c.log"
  "$GOVC" audit verify "$tmp/$c.log" >/dev/null 2>&1; g=$?
  $PY "$here/auditor.py" "$tmp/$c.log" >"$tmp/a.out" 2>&1; a=$?
  [ $g = $a ]; ok $? "auditor and govc agree on $c (govc $g, auditor $a: $(cat "$tmp/a.out"))"
done
check tamper-cut-head "$GOVC" audit verify --head "$head" "$tmp/cut.log"

# ------------------------------------------------------------------ recovery
cp "$tmp/torn.log" "$tmp/rec.log"
check run-refuses-torn "$GOVC" run -p "$tmp/loan.govb" --log "$tmp/rec.log" "$loan/records.jsonl"
check recover "$GOVC" audit recover "$tmp/rec.log"
check verify-recovered "$GOVC" audit verify "$tmp/rec.log"
$PY "$here/auditor.py" "$tmp/rec.log" >/dev/null; ok $? "auditor: the recovered log verifies"

# ------------------------------------------------------------------ rotation
"$GOVC" run -p "$tmp/loan.govb" --log "$tmp/rot.log" --log-inputs --log-max-bytes 8000 "$loan/events.jsonl" \
  >/dev/null 2>&1
"$GOVC" audit rotate "$tmp/rot.log" >/dev/null
"$GOVC" run -p "$tmp/loan.govb" --log "$tmp/rot.log" --log-inputs "$loan/events.jsonl" >/dev/null 2>&1
nf=$(ls "$tmp"/rot.log.0* | wc -l)
[ "$nf" -ge 3 ]; ok $? "rotation by size and on demand: $nf rotated files"
files=$(ls "$tmp"/rot.log* | grep -v '\.lock$' | sort -r)
check verify-rotated "$GOVC" audit verify $files
$PY "$here/auditor.py" $files >/dev/null; ok $? "auditor: the rotated files verify"
check replay-rotated "$GOVC" audit replay --policy "$tmp/loan.govb" $files
mid=$(ls "$tmp"/rot.log.0* | sed -n 2p)
check verify-rotated-missing sh -c "'$GOVC' audit verify \$(ls '$tmp'/rot.log* | grep -v '\\.lock\$' | grep -v '$mid')"
last=$(ls "$tmp"/rot.log.0* | tail -n 1)
check verify-rotated-no-current "$GOVC" audit verify $(ls "$tmp"/rot.log.0*)
exit $fail
