#!/usr/bin/python3
"""tests/audit/benchscript.py: make bench's records (tests/bench/gen.py records, the
std/agent_run shape) as a script for tests/audit/drive.c: each line an R line with the
record's JSON as it is and its typed form, the values spec/trace.md says the JSON decodes
to (latency_ms in ms to ns, cost_usd to micro-dollars rounded half away from zero,
quality_score the nearest double, `at` to ns). So tests/audit/exact.c can hold the ten
windows' values over the bench's whole stream to its reference (tests/audit/long.sh).

  benchscript.py RECORDS.jsonl SCRIPT
"""
import datetime
import json
import sys
from decimal import Decimal, ROUND_HALF_UP


def esc(s):
    return "".join("%%%02X" % ord(c) if c in " \t%,\n" else c for c in s)


def at_ns(iso):
    # 2026-11-18T12:00:00.005Z
    d = datetime.datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    frac = iso[20:-1] if len(iso) > 20 else ""
    ns = int(Decimal("0." + frac) * 10**9) if frac else 0
    return int(d.timestamp()) * 10**9 + ns


def main():
    src, dst = sys.argv[1], sys.argv[2]
    lines = []
    with open(src) as f:
        for text in f:
            text = text.rstrip("\n")
            if not text:
                continue
            js = json.loads(text, parse_float=Decimal)
            ty = ["run"]
            for lv in ("tenant", "project", "workflow", "agent", "run_id"):
                if lv in js:
                    ty.append("%s=s:%s" % (lv, esc(js[lv])))
            ty.append("at=i:%d" % at_ns(js["at"]))
            if "latency_ms" in js:
                ty.append("latency=i:%d" % (int(js["latency_ms"]) * 10**6))
            if "cost_usd" in js:
                ty.append("cost=i:%d" % int((Decimal(js["cost_usd"]) * 10**6).quantize(Decimal(1), ROUND_HALF_UP)))
            if "tokens" in js:
                ty.append("tokens=i:%d" % int(js["tokens"]))
            if "quality_score" in js:
                ty.append("accuracy=f:%r" % float(js["quality_score"]))
            if "error" in js:
                ty.append("error=i:%d" % (1 if js["error"] else 0))
            if "action" in js:
                ty.append("action=s:%s" % esc(js["action"]))
            lines.append("R\t%s\t%s" % (text, " ".join(ty)))
    with open(dst, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
