#!/bin/sh
# tests/govd/callgrind_batch.sh BUILD [N [GOVD ARGS...]]: user-space instructions a record of
# the batch endpoint in govd, by function and by part, from callgrind (a figure, not a test).
#
# govd runs under callgrind (by default --workers 2 --batch-threads 2, the bench's); a
# warm-up batch of 2,000 records is sent, the counters are zeroed (callgrind_control
# --zero), one batch of N (default 20,000) records like tests/govd/bench.py's (policies/support
# records, 997 agents) is POSTed with curl, and the counters are dumped. Every thread is
# counted; kernel time is not (perf or /proc give it).
# Examples: sh tests/govd/callgrind_batch.sh build 20000
#           sh tests/govd/callgrind_batch.sh build 20000 --batch-threads 1
set -e
BUILD=${1:-build}
N=${2:-20000}
shift 2 || shift $# || true
[ $# -gt 0 ] || set -- --workers 2 --batch-threads 2
T=$(mktemp -d /tmp/govd-cgb-XXXXXX)
vg=
trap '[ -n "$vg" ] && kill "$vg" 2>/dev/null; [ -n "$KEEP" ] || rm -rf "$T"' EXIT INT TERM
/usr/bin/python3 - "$T" "$N" <<'PY'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
base = [json.loads(x) for x in open("policies/support/records.jsonl") if x.strip()]
def body(n, tag):
    out = []
    for i in range(n):
        r = dict(base[i % len(base)])
        r["agent"] = "agent-%d" % (i % 997)
        r["run_id"] = "%s-%d" % (tag, i)
        if not isinstance(r.get("latency_ms"), (int, float)):
            r["latency_ms"] = 100
        out.append(json.dumps(r, separators=(",", ":")))
    return "\n".join(out) + "\n"
open(d + "/warm.jsonl", "w").write(body(2000, "w"))
open(d + "/batch.jsonl", "w").write(body(n, "b"))
PY
valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" "$BUILD/govd" --listen 127.0.0.1:0 \
    -p policies/support "$@" 2> "$T/err" &
vg=$!
port=
for i in $(seq 600); do
    port=$(grep -o "listening on 127.0.0.1:[0-9]*" "$T/err" | grep -o "[0-9]*$" || true)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$T/err"; exit 1; }
url=http://127.0.0.1:$port/v1/decide/support_agents/batch
curl -sS --fail -o /dev/null --data-binary @"$T/warm.jsonl" "$url"
callgrind_control --zero $vg > /dev/null
curl -sS --fail -o "$T/out" --data-binary @"$T/batch.jsonl" "$url"
callgrind_control --dump=batch $vg > /dev/null
kill -TERM $vg
wait $vg || true
vg=
got=$(wc -l < "$T/out")
[ "$got" -eq "$N" ] || { echo "expected $N decisions, got $got" >&2; exit 1; }
dump=$(ls "$T"/cg.out.* | head -1)
callgrind_annotate --auto=no --threshold=100 "$dump" > "$T/self"
/usr/bin/python3 - "$T/self" "$N" <<'PY'
import re, sys
n = float(sys.argv[2])
rows = []
for l in open(sys.argv[1]):
    m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(\S.*)$", l)
    # a dump taken while threads run counts their entry functions whole: leave them out
    if m and "PROGRAM TOTALS" not in l and not re.search(r":(clone|start_thread|clone3) ", m.group(2)):
        rows.append((int(m.group(1).replace(",", "")), m.group(2)))
parts = [("libmicrohttpd", "libmicrohttpd"), ("govd/", "govd"), ("vm/json", "VM: JSON decode"),
         ("vm/out.c", "VM: decision JSON"), ("vm/partition.c", "VM: partition key"), ("vm/", "VM: evaluation"),
         ("log/", "libgovlog"), ("libcrypto", "libcrypto"), ("xxhash", "xxhash"), ("", "libc and the rest")]
g = {}
for v, k in rows:
    name = next(p for s, p in parts if s in k)
    g[name] = g.get(name, 0) + v / n
print("instructions a record, by function (top 25):")
for v, k in sorted(rows, reverse=True)[:25]:
    print("%9.0f  %s" % (v / n, k))
print("by part:")
for name, v in sorted(g.items(), key=lambda x: -x[1]):
    print("%9.0f  %s" % (v, name))
print("%9.0f  instructions a record (user space, every thread)" % (sum(v for v, _ in rows) / n))
PY
