"""tests/lsp/bench.py GOVC [LINES] [EDITS]: how long `govc lsp` takes from an edit to
the diagnostics of that edit in a large policy (issue 23: a 10,000-line policy, goal
50 ms). A policy of LINES lines (limits, nested scopes that override them, rules that
read them) is opened, then EDITS times one override's value is changed with an
incremental didChange, alternating between a tightening value (no diagnostics) and a
loosening one (E050); the time is from writing the change to reading the
publishDiagnostics of its version. Prints the median, the 90th percentile and the
slowest, and how long the server said its checks took (--log)."""
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import Client  # noqa: E402

govc = sys.argv[1]
lines_wanted = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
edits = int(sys.argv[3]) if len(sys.argv) > 3 else 40

out = ["policy big", "", 'import "std/agent_run"', "", 'channel ops = slack "#ops"', ""]
nlim = 200
for i in range(nlim):
    out.append("max lat_%d = %dms" % (i, 3000 + i))
out.append("")
t = 0
while len(out) < lines_wanted - 12:
    out.append('scope tenant "t%d" {' % t)
    for i in range(0, nlim, 40):
        out.append("  lat_%d = %dms" % ((i + t) % nlim, 2000 + t % 500))
    out.append('  scope project "p%d" {' % t)
    out.append("    lat_%d = %dms" % (t % nlim, 1000 + t % 500))
    out.append("  }")
    out.append("}")
    out.append("rule r%d {" % t)
    out.append("  when run.latency > lat_%d and run.cost > $0.01" % (t % nlim))
    out.append("  severity warning")
    out.append("  notify ops")
    out.append("}")
    t += 1
text = "\n".join(out) + "\n"
target = next(i for i, ln in enumerate(out) if ln.startswith("    lat_"))
col = out[target].index("=") + 2
old = out[target][col:]

d = tempfile.mkdtemp(prefix="govlspbench.")
path = os.path.join(d, "big.gov")
with open(path, "w") as f:
    f.write(text)
log = os.path.join(d, "log")
c = Client(govc, ["--log", log])
try:
    c.initialize(options={"debounceMs": 0, "stdDir": os.path.join(d, "std")})
    u = c.open(path, text)
    first = c.diagnostics(u, timeout=60, version=1)
    assert first == [], first[:3]
    times = []
    cur = old
    for k in range(edits):
        new = "9999ms" if k % 2 == 0 else old
        start = {"line": target, "character": col}
        end = {"line": target, "character": col + len(cur)}
        t0 = time.perf_counter()
        c.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": k + 2},
                                            "contentChanges": [{"range": {"start": start, "end": end}, "text": new}]})
        diags = c.diagnostics(u, timeout=60, version=k + 2)
        times.append((time.perf_counter() - t0) * 1000)
        assert (len(diags) == 1 and diags[0]["code"] == "E050") if k % 2 == 0 else diags == [], diags
        cur = new
    c.close()
finally:
    c.kill()
checks = []
with open(log) as f:
    for ln in f:
        if ln.startswith("check ") and ln.rstrip().endswith(" ms"):
            checks.append(float(ln.split(", ")[-1].split()[0]))
times.sort()
p90 = times[int(len(times) * 0.9) - 1]
print("govc lsp, %d-line policy (%d bytes), %d edits: edit to diagnostics median %.1f ms, p90 %.1f ms, max %.1f ms; "
      "the server's check median %.1f ms (goal: p90 50 ms; load average %.2f %.2f %.2f on %d CPUs)"
      % (len(out), len(text), edits, statistics.median(times), p90, times[-1], statistics.median(checks[1:]),
         *os.getloadavg(), os.cpu_count() or 0))
