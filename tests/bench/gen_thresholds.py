#!/usr/bin/env python3
"""gen_thresholds.py N: a policy of N threshold rules over 300 limits and 40 scope blocks,
for timing govc check and govc build (the figures in the issues' closing notes).
Deterministic: the same N gives the same file."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
out = ["policy thresholds\n\nrecord run {\n  latency: duration from \"latency_ms\" in ms\n"
       "  cost: money from \"cost_usd\"\n  tokens: int = 0\n  accuracy: ratio = 100%\n"
       "  error: bool = false\n  action: string = \"\"\n}\n\nchannel ops = slack \"#ops\"\n\n"]
for i in range(100):
    out.append(f"max lat_{i} = {1000 + i * 10}ms\nmax cost_{i} = ${0.10 + i / 1000:.3f}\n"
               f"min acc_{i} = {90 + (i % 10) * 0.5}%\n")
for p in range(20):
    out.append(f"\nscope project \"p{p}\" {{\n")
    out += [f"  lat_{i} = {900 + i * 10}ms\n" for i in range(0, 100, 7)]
    out.append(f"  scope agent \"a{p}\" {{ lat_3 = 500ms }}\n}}\n")
sev = ["info", "warning", "critical"]
for r in range(n):
    k, i = r % 5, (r // 5) % 100
    cond = [f"run.latency > lat_{i}", f"run.cost > cost_{i}", f"run.accuracy < acc_{i}",
            f"run.tokens > {1000 + r} and run.action == \"refund\"",
            f"run.error and run.latency > lat_{i}"][k]
    out.append(f"rule r{r} {{ when {cond} severity {sev[r % 3]} notify ops }}\n")
sys.stdout.write("".join(out))
