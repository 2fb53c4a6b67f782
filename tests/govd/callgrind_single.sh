#!/bin/sh
# tests/govd/callgrind_single.sh BUILD [GOVD ARGS...]: user-space instructions of one single
# decision in govd, by part (libmicrohttpd, govd, the VM's JSON decode, evaluation and
# rendering, libgovlog, SHA-256, libc), from callgrind (a figure, not a test).
#
# govd runs under callgrind with one worker; one keep-alive connection sends N1 and then
# N2 more POSTs of policies/support's second record (two findings); the difference of the
# two runs over N2 - N1 requests leaves out start and stop. Kernel time is not counted
# (perf or /proc give it). The memset figure is libmicrohttpd zeroing connection memory:
# valgrind counts each byte of a `rep stosb` as an instruction, so it overstates its time.
# Examples: sh tests/govd/callgrind_single.sh build --decision-log /tmp/x.log
#           TOKEN=T sh tests/govd/callgrind_single.sh build --tokens FILE   (FILE gives T the decide role)
set -e
BUILD=${1:-build}
shift || true
T=$(mktemp -d /tmp/govd-cg-XXXXXX)
trap '[ -n "$KEEP" ] || rm -rf "$T"' EXIT INT TERM
N1=${N1:-1000}
N2=${N2:-3000}
cat > "$T/client.py" <<'PY'
import http.client, os, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
rec = [x for x in open("policies/support/records.jsonl") if x.strip()][1].strip().encode()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
h = {"Content-Type": "application/json"}
if os.environ.get("TOKEN"):
    h["Authorization"] = "Bearer " + os.environ["TOKEN"]
for i in range(n):
    c.request("POST", "/v1/decide/support_agents", body=rec, headers=h)
    r = c.getresponse()
    r.read()
    assert r.status == 200, r.status
PY
run() { # run OUT N ARGS...
    out=$1 n=$2
    shift 2
    valgrind --tool=callgrind --callgrind-out-file="$out" "$BUILD/govd" --listen 127.0.0.1:0 -p policies/support \
        --workers 1 "$@" 2> "$out.err" &
    vg=$!
    port=
    for i in $(seq 600); do
        port=$(grep -o "listening on 127.0.0.1:[0-9]*" "$out.err" | grep -o "[0-9]*$" || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { kill $vg; cat "$out.err"; exit 1; }
    /usr/bin/python3 "$T/client.py" "$port" 200   # warm-up: first-use paths
    /usr/bin/python3 "$T/client.py" "$port" "$n"
    kill -TERM $vg
    wait $vg || true
    callgrind_annotate --auto=no --threshold=100 "$out" | grep -E '^ *[0-9,]+ \(' | grep -v 'PROGRAM TOTALS' > "$out.self"
}
run "$T/a" "$N1" "$@"
run "$T/b" "$N2" "$@"
/usr/bin/python3 - "$T/a.self" "$T/b.self" $((N2 - N1)) <<'PY'
import re, sys
def load(f):
    d = {}
    for l in open(f):
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+(\S.*)$", l)
        if m:
            d[m.group(2)] = int(m.group(1).replace(",", ""))
    return d
a, b, n = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
parts = [("memset", "libc memset (libmicrohttpd zeroing connection memory; bytes, see above)"),
         ("libmicrohttpd", "libmicrohttpd"), ("libcrypto", "libcrypto (SHA-256)"), ("log/", "libgovlog"),
         ("govd/metrics.c", "govd metrics"), ("govd/auth.c", "govd auth"), ("govd/", "govd, the rest"),
         ("vm/json.c", "VM: JSON decode"), ("vm/out.c", "VM: decision JSON"), ("vm/partition.c", "VM: partition key"),
         ("vm/", "VM: evaluation"), ("malloc", "libc malloc/free"), ("free", "libc malloc/free"), ("", "libc and the rest")]
g = {}
for k in set(a) | set(b):
    name = next(p for s, p in parts if s in ("memset", "libmicrohttpd", "libcrypto", "malloc", "free", "")
                and s in k or k.startswith(s) or "/" + s in k)
    g[name] = g.get(name, 0) + (b.get(k, 0) - a.get(k, 0)) / n
for name, v in sorted(g.items(), key=lambda x: -x[1]):
    if abs(v) >= 10:
        print("%9.0f  %s" % (v, name))
print("%9.0f  instructions a request (user space)" % sum(g.values()))
PY
