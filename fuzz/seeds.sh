#!/bin/sh
# fuzz/seeds.sh BUILD: the seed corpora, from the example policies, the checker's test
# cases, the standard library and the spec's examples (.gov); the example programs
# compiled by BUILD/govc (.govb); the example records (JSON lines and streams); and
# the states saved along each example's event stream (fuzz/state_seeds.sh).
set -eu
build=$1
s=$build/seeds
rm -rf "$s"; mkdir -p "$s/parse" "$s/load" "$s/json" "$s/eval" "$s/diff" "$s/state" "$s/govd" "$s/log" "$s/lsp" "$s/resp" "$s/limits" "$s/trace" "$s/jview"
i=0
for f in policies/*/*.gov tests/check/cases/*.gov stdlib/*.gov tests/compiler/*/*.gov; do
  [ -f "$f" ] || continue
  i=$((i + 1)); cp "$f" "$s/parse/$i.gov"
done
# Every ```gov block of the spec, the README and the brief's sketch.
for doc in spec/language.md README.md; do
  awk -v dir="$s/parse" -v base="$(basename "$doc" .md)" '
    /^```gov/ { n++; out = dir "/" base "-" n ".gov"; inblk = 1; next }
    /^```/ { inblk = 0; next }
    inblk { print > out }' "$doc"
done
for p in policies/*/; do
  n=$(basename "$p")
  "$build/govc" build -o "$s/load/$n.govb" "$p" >/dev/null 2>&1 || true
  i=0
  while IFS= read -r line; do
    i=$((i + 1)); printf '%s' "$line" >"$s/json/$n-$i.json"
  done <"$p/records.jsonl"
  # eval: a policy-selector byte, then the stream (policies are sorted by name).
  k=$(ls -d policies/*/ | LC_ALL=C sort | grep -n "^$p\$" | cut -d: -f1)
  { printf "\\$(printf '%03o' $((k - 1)))"; cat "$p/records.jsonl"; } >"$s/eval/$n.jsonl"
done
# trace: a policy byte, mode 2 (edit a real compact trace of it) and the trace's number;
# and mode 1 (the policy's header) over a few bytes (fuzz/fuzz_trace.c).
k=0
for p in $(ls -d policies/*/ | LC_ALL=C sort); do
  for t in 0 1 2 3; do printf "\\$(printf '%03o' $k)\\002\\$(printf '%03o' $t)" >"$s/trace/$(basename "$p")-$t"; done
  printf "\\$(printf '%03o' $k)\\001gt\\001%016d\\010\\000\\001\\001" 0 >"$s/trace/$(basename "$p")-h"
  k=$((k + 1))
done
# govd: a selector byte (0 OTLP body, 1 NDJSON batch, 2 one record, 3 a body through the
# JSON check), then the body.
{ printf '\000'; cat tests/govd/otlp_sample.json; } >"$s/govd/otlp.json"
{ printf '\003'; cat tests/govd/otlp_sample.json; } >"$s/govd/check-otlp.json"
{ printf '\003'; printf '{"at":"2026-12-07T18:00:00Z","x":[1,-2.5e3,true,null,{"a\\u00e9":"\\ud83d\\ude00"}]}'; } >"$s/govd/check-at.json"
for p in policies/*/; do
  n=$(basename "$p")
  { printf '\001'; cat "$p/records.jsonl"; } >"$s/govd/batch-$n.jsonl"
  { printf '\002'; head -1 "$p/records.jsonl"; } >"$s/govd/record-$n.json"
done
# A program with rule guards (RULEGUARDS, format version 2), for the loader.
"$build/govc" build -o "$s/load/guards.govb" tests/vm/guards.gov >/dev/null 2>&1 || true
cp tests/vm/guards.gov "$s/parse/guards.gov"
ln -sfn parse "$s/check"; ln -sfn parse "$s/compile"
# lib: an options byte, then the files of a multi-file case joined by "\n----\n"; and
# each single file with the options byte 0.
mkdir -p "$s/lib"
for f in "$s"/parse/*.gov; do { printf '\000'; cat "$f"; } >"$s/lib/$(basename "$f")"; done
for d in tests/check/cases/*/ policies/*/; do
  out="$s/lib/dir-$(echo "$d" | tr / _)"
  printf '\022' >"$out"; first=1
  for f in $(find "$d" -name '*.gov' | sort); do
    [ $first = 1 ] || printf '\n----\n' >>"$out"; first=0; cat "$f" >>"$out"
  done
done
printf 'seed' >"$s/diff/seed"
# log: a mode byte (0 as is, 1 with the chain repaired), then a decision log written by
# govc run --log, with and without inputs.
for p in loan_underwriting latency_p95; do
  "$build/govc" build -o "$s/log-$p.govb" "policies/$p" >/dev/null 2>&1 || continue
  "$build/govc" run -p "$s/log-$p.govb" --log "$s/log-$p.log" --log-inputs --log-sync close \
    "policies/$p/records.jsonl" >/dev/null 2>&1 || true
  "$build/govc" run -p "$s/log-$p.govb" --log "$s/log-$p-noin.log" --log-sync close \
    "policies/$p/records.jsonl" >/dev/null 2>&1 || true
  for m in 0 1; do
    for l in "$s/log-$p.log" "$s/log-$p-noin.log"; do
      [ -f "$l" ] && { printf "\\$(printf '%03o' $m)"; cat "$l"; } >"$s/log/$m-$(basename "$l")"
    done
  done
  rm -f "$s/log-$p".* "$s/log-$p"-noin.*
done
# log mode 2: a JSON value for a decision line's decision and run_id (fuzz_log.c), taken
# from tests/json/bytes.txt's y and n lines (%HH a byte).
i=0
grep -E '^[yn] ' tests/json/bytes.txt | while read -r how name text; do
  i=$((i + 1))
  { printf '\002'; printf '%s' "$text" | /usr/bin/python3 -c 'import re,sys; sys.stdout.buffer.write(re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), sys.stdin.buffer.read()))'; } >"$s/log/2-$i-$name"
done
sh "$(dirname "$0")/state_seeds.sh" "$build/govc" "$s/state"
# limits: the examples' limits files (spec/language.md 5.2) and the suite's.
for f in policies/*/limits*.json tests/limits/*.json; do [ -f "$f" ] && cp "$f" "$s/limits/$(echo "$f" | tr / _)"; done
cp tests/fuzz/state/* "$s/state/" 2>/dev/null || true
# resp: a cut byte, then what Redis sends govd's scale-out (spec/scaleout.md §5): a
# CLUSTER SLOTS reply, an XRANGE reply with two entries, MOVED and ASK redirects, a
# status, an integer, a nil, and a stream id alone.
r=$s/resp
printf '\003*2\r\n*3\r\n:0\r\n:8191\r\n*2\r\n$9\r\n127.0.0.1\r\n:7000\r\n*3\r\n:8192\r\n:16383\r\n*2\r\n$0\r\n\r\n:7001\r\n' >"$r/slots"
printf '\011*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nr\r\n$7\r\n{"a":1}\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nr\r\n$2\r\n{}\r\n' >"$r/entries"
printf '\000-MOVED 3999 127.0.0.1:7002\r\n-ASK 12182 [::1]:7003\r\n' >"$r/redirect"
printf '\001+OK\r\n:42\r\n$-1\r\n*-1\r\n-ERR fenced\r\n' >"$r/status"
printf '\000%s' 1733450000000-7 >"$r/id"
# lsp: a chunking byte, then a client's session: framed messages (tests/lsp/seeds.py).
/usr/bin/python3 tests/lsp/seeds.py "$s/lsp"

# jview: decisions with their traces, as govc explain and replay read them (the first
# lines of each example's run with --trace, one a file).
for p in policies/*/; do
  [ -f "$p/records.jsonl" ] || continue
  n=$(basename "$p")
  "$build/govc" run -p "$p" --trace "$p/records.jsonl" 2>/dev/null | head -8 |
    awk -v d="$s/jview" -v n="$n" '{ f = d "/" n "-" NR ".json"; printf "%s", $0 > f; close(f) }' || true
done
