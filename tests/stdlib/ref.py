#!/usr/bin/env python3
"""ref.py: independent references for the built-in functions (spec/stdlib.md).

    ref.py gen DIR      write policies and records into DIR
    ref.py verify DIR   compare govc's outputs in DIR with the references

Expected values come from Python's standard library, never from gov's code:
zoneinfo (its own TZif and POSIX-rule reader) for the calendar functions, fnmatch on
bytes for glob patterns, decimal for rounding, and plain byte operations for the string
tests. Each family is checked twice: in the VM (a rule per case fires when the built-in
disagrees with the expected value carried by the record; no rule may fire), and folded at
compile time (a rule over constants that is false when folding agrees: every one must
get W004, "can never fire"). A record or constant with a deliberately wrong expectation
checks that the comparison can fail.
"""
import datetime as dt
import decimal
import fnmatch
import json
import os
import random
import sys
import zoneinfo

R = random.Random(20261125)
UTC = dt.timezone.utc
ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe",
         "Australia/Sydney", "America/Sao_Paulo", "Asia/Kathmandu", "Pacific/Chatham",
         "America/St_Johns", "Europe/Dublin", "Antarctica/Troll", "UTC"]
LAST_YEAR = 2099


def rfc(t):
    """Unix seconds (int) to an RFC 3339 UTC string."""
    return (dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(t, zone):
    d = dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=t)
    if zone:
        d = d.astimezone(zoneinfo.ZoneInfo(zone))
    return d


def expect_cal(t, zone):
    d = local(t, zone)
    dow = d.isoweekday()
    return d.hour, dow, dow <= 5 and 9 <= d.hour < 17


def transitions(zone, years):
    """Instants (Unix s) where the zone's UTC offset changes, within the given years."""
    z = zoneinfo.ZoneInfo(zone)
    off = lambda t: (dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=t)).astimezone(z).utcoffset()
    out = []
    for y in years:
        pts = [int(dt.datetime(y, m, 1, tzinfo=UTC).timestamp()) for m in range(1, 13)]
        pts.append(int(dt.datetime(y + 1, 1, 1, tzinfo=UTC).timestamp()))
        for a, b in zip(pts, pts[1:]):
            if off(a) == off(b):
                continue
            lo, hi = a, b            # off(lo) != off(hi): find the first second of the new offset
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if off(mid) == off(lo):
                    lo = mid
                else:
                    hi = mid
            out.append(hi)
    return out


def cal_cases():
    cases = []
    years = [1975, 1996, 2007, 2025, 2026, 2027, 2038, 2040, 2060, 2098, 2099]
    for zone in ZONES:
        ts = set()
        for tr in transitions(zone, years) if zone != "UTC" else []:
            for d in (-7200, -3600, -1800, -1, 0, 1, 1800, 3600, 7200):
                ts.add(tr + d)
        lo = int(dt.datetime(1901, 1, 1, tzinfo=UTC).timestamp())
        hi = int(dt.datetime(LAST_YEAR, 12, 31, tzinfo=UTC).timestamp())
        for _ in range(150):
            ts.add(R.randrange(lo, hi))
        for t in sorted(ts):
            cases.append((zone, t))
    for _ in range(60):          # the one-argument forms: UTC
        cases.append(("", R.randrange(-2000000000, 4000000000)))
    return cases


def zone_rule(i, zone):
    z = ', "%s"' % zone if zone else ""
    zb = ', "%s"' % (zone or "UTC")
    return ("rule z%d {\n  when ev.zone == \"%s\" and (hour_of_day(ev.t%s) != ev.hour or "
            "day_of_week(ev.t%s) != ev.dow or is_business_hours(ev.t%s) != ev.biz)\n}\n" % (i, zone, z, z, zb))


def gen_cal(d):
    cases = cal_cases()
    zones = ZONES + [""]
    with open(os.path.join(d, "cal.gov"), "w") as f:
        f.write("policy cal\n\nrecord ev {\n  t: time\n  zone: string\n  hour: int\n  dow: int\n  biz: bool\n}\n\n")
        for i, z in enumerate(zones):
            f.write(zone_rule(i, z))
    with open(os.path.join(d, "cal.jsonl"), "w") as f:
        for zone, t in cases:
            h, w, b = expect_cal(t, zone)
            f.write(json.dumps({"at": rfc(t), "t": rfc(t), "zone": zone, "hour": h, "dow": w, "biz": b}) + "\n")
        zone, t = "America/New_York", int(dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC).timestamp())
        h, w, b = expect_cal(t, zone)   # a wrong expectation: 02:00 does not exist that day
        f.write(json.dumps({"at": rfc(t), "t": rfc(t), "zone": zone, "hour": 2, "dow": w, "biz": b}) + "\n")
    # Constants: a sample of the same cases, folded by the checker.
    sample = R.sample(cases, 300)
    with open(os.path.join(d, "calk.gov"), "w") as f:
        f.write("policy calk\n\nrecord ev { x: int }\n\n")
        for i, (zone, t) in enumerate(sample):
            h, w, b = expect_cal(t, zone)
            z = ', "%s"' % zone if zone else ""
            f.write("rule k%d { when ev.x == 0 and (hour_of_day(%s%s) != %d or day_of_week(%s%s) != %d or "
                    "is_business_hours(%s, \"%s\") != %s) }\n"
                    % (i, rfc(t), z, h, rfc(t), z, w, rfc(t), zone or "UTC", "true" if b else "false"))
    return len(cases) + 1, len(sample)


# ---------------------------------------------------------------- strings

ALPHA = ["a", "A", "b", "B", "z", "Z", "é", "É", " ", "-", "@", "[", "]", "0"]


def rstr(n):
    return "".join(R.choice(ALPHA) for _ in range(R.randrange(n + 1)))


def gen_str(d):
    pairs = [("", ""), ("", "a"), ("a", ""), ("abc", "abc"), ("abc", "ABC"), ("ABC", "abd"), ("é", "É"),
             ("aé", "AÉ"), ("abc", "abcd"), ("abcabd", "abd"), ("aaab", "aab"), ("Straße", "STRASSE")]
    for _ in range(300):
        s = rstr(8)
        if R.random() < 0.5 and s:
            i, j = sorted(R.sample(range(len(s) + 1), 2))
            p = s[i:j]
        else:
            p = rstr(3)
        if R.random() < 0.2:
            p = "".join(c.swapcase() if R.random() < 0.5 else c for c in s)
        pairs.append((s, p))
    with open(os.path.join(d, "str.gov"), "w") as f:
        f.write("policy str\n\nrecord st {\n  s: string\n  p: string\n  sw: bool\n  ew: bool\n  c: bool\n"
                "  ie: bool\n  n: int\n}\n\n")
        f.write("rule starts { when starts_with(st.s, st.p) != st.sw }\n")
        f.write("rule ends { when ends_with(st.s, st.p) != st.ew }\n")
        f.write("rule has { when contains(st.s, st.p) != st.c }\n")
        f.write("rule ieq { when iequals(st.s, st.p) != st.ie }\n")
        f.write("rule length { when len(st.s) != st.n }\n")
    lines = []
    for s, p in pairs:
        bs, bp = s.encode(), p.encode()
        low = lambda b: bytes(c + 32 if 65 <= c <= 90 else c for c in b)
        lines.append({"at": "2026-01-01T00:00:00Z", "s": s, "p": p, "sw": bs.startswith(bp), "ew": bs.endswith(bp),
                      "c": bp in bs, "ie": low(bs) == low(bp), "n": len(bs)})
    with open(os.path.join(d, "str.jsonl"), "w") as f:
        for l in lines:
            f.write(json.dumps(l, ensure_ascii=False) + "\n")
        bad = dict(lines[0])
        bad["n"] = 1                       # wrong on purpose: len("") is 0
        f.write(json.dumps(bad, ensure_ascii=False) + "\n")
    with open(os.path.join(d, "strk.gov"), "w") as f:
        f.write("policy strk\n\nrecord st { x: int }\n\n")
        q = lambda s: json.dumps(s, ensure_ascii=False)
        b = lambda v: "true" if v else "false"
        for i, l in enumerate(lines[:120]):
            f.write("rule k%d { when st.x == 0 and (starts_with(%s, %s) != %s or ends_with(%s, %s) != %s or "
                    "contains(%s, %s) != %s or iequals(%s, %s) != %s or len(%s) != %d) }\n"
                    % (i, q(l["s"]), q(l["p"]), b(l["sw"]), q(l["s"]), q(l["p"]), b(l["ew"]), q(l["s"]), q(l["p"]),
                       b(l["c"]), q(l["s"]), q(l["p"]), b(l["ie"]), q(l["s"]), l["n"]))
    return len(lines) + 1, min(120, len(lines))


# ---------------------------------------------------------------- globs

TOKENS = ["a", "b", "c", "?", "*", "**", "[ab]", "[!a]", "[a-c]", "[]a]", "[!]]", "é", "-", "."]


def gen_glob(d):
    pats = ["", "*", "?", "a", "a*", "*a", "*a*", "a*b", "a?c", "[abc]*", "[!abc]*", "[]]", "[]-a]", "*.txt",
            "deploy:prod-*", "a*a*a*a*a*a*a*a*b", "*a*b*c*", "??", "?*?", "[a-a]", "[!a-z]*"]
    while len(pats) < 80:
        p = "".join(R.choice(TOKENS) for _ in range(R.randrange(1, 7)))
        if p not in pats:
            pats.append(p)
    strs = ["", "a", "b", "ab", "abc", "aaab", "aaaa", "é", "aé", "]", "-", "x.txt", "deploy:prod-api", "deploy:staging",
            "a.b", "abcabc", "ba"]
    while len(strs) < 70:
        s = "".join(R.choice(["a", "b", "c", "é", "]", "-", ".", "x"]) for _ in range(R.randrange(0, 9)))
        if s not in strs:
            strs.append(s)
    with open(os.path.join(d, "glob.gov"), "w") as f:
        f.write("policy glob\n\nrecord g { s: string }\n\n")
        for i, p in enumerate(pats):
            f.write("rule p%d { when matches(g.s, %s) }\n" % (i, json.dumps(p, ensure_ascii=False)))
    expect = []
    with open(os.path.join(d, "glob.jsonl"), "w") as f:
        for s in strs:
            f.write(json.dumps({"at": "2026-01-01T00:00:00Z", "s": s}, ensure_ascii=False) + "\n")
            expect.append(sorted("p%d" % i for i, p in enumerate(pats)
                                 if fnmatch.fnmatchcase(s.encode(), p.encode())))
    with open(os.path.join(d, "glob.expect"), "w") as f:
        json.dump(expect, f)
    n = 0
    with open(os.path.join(d, "globk.gov"), "w") as f:
        f.write("policy globk\n\nrecord g { x: int }\n\n")
        for i, p in enumerate(pats):
            for s in strs[:25]:
                m = fnmatch.fnmatchcase(s.encode(), p.encode())
                f.write("rule k%d { when g.x == 0 and matches(%s, %s) != %s }\n"
                        % (n, json.dumps(s, ensure_ascii=False), json.dumps(p, ensure_ascii=False),
                           "true" if m else "false"))
                n += 1
    return len(strs), n


# ---------------------------------------------------------------- numbers

I64 = (-(1 << 63), (1 << 63) - 1)


def sat(v):
    return max(I64[0], min(I64[1], v))


def round_away(x):
    return sat(int(decimal.Decimal(x).to_integral_value(rounding=decimal.ROUND_HALF_UP)))


def gen_num(d):
    floats = [0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 4503599627370495.5,
              1e300, -1e300, 9.2233720368547758e18, -9.2233720368547758e18, 123.456, -7.5, 1e-300]
    floats += [R.uniform(-1e6, 1e6) for _ in range(40)]
    money = [0, 1, -1, I64[0], I64[1], I64[0] + 1, 5000000, -5000000]
    money += [R.randrange(I64[0], I64[1]) for _ in range(20)]
    with open(os.path.join(d, "num.gov"), "w") as f:
        f.write("policy num\n\nrecord n {\n  f: float\n  r: int\n  m: money in micros\n  am: money in micros\n"
                "  lo: money in micros\n  hi: money in micros\n  cl: money in micros\n  twice: money in micros\n}\n\n")
        f.write("rule rounded { when round(n.f) != n.r }\n")
        f.write("rule absolute { when abs(n.m) != n.am }\n")
        f.write("rule clamped { when clamp(n.m, n.lo, n.hi) != n.cl or min(n.m, n.lo) != min(n.lo, n.m) }\n")
        f.write("rule doubled { when n.m + n.m != n.twice or abs(n.m) < $0 }\n")
    with open(os.path.join(d, "num.jsonl"), "w") as f:
        for i in range(max(len(floats), len(money))):
            x = floats[i % len(floats)]
            m = money[i % len(money)]
            lo, hi = sorted((R.randrange(I64[0], I64[1]), R.randrange(I64[0], I64[1])))
            rec = {"at": "2026-01-01T00:00:00Z", "f": x, "r": round_away(x), "m": m, "am": sat(abs(m)), "lo": lo,
                   "hi": hi, "cl": min(max(m, lo), hi), "twice": sat(2 * m)}
            f.write(json.dumps(rec) + "\n")
    with open(os.path.join(d, "numk.gov"), "w") as f:
        f.write("policy numk\n\nrecord n { x: int }\n\n")
        for i, x in enumerate(floats[:16]):
            r = round_away(x)
            lit = "(%d - 1)" % (r + 1) if r == I64[0] else "%d" % r   # -2^63 has no literal
            f.write("rule k%d { when n.x == 0 and round(%r) != %s }\n" % (i, x, lit))
    return max(len(floats), len(money)), 16


# ---------------------------------------------------------------- verify

def fired(path):
    out = []
    for line in open(path):
        j = json.loads(line)
        out.append(sorted(f["rule"] for f in j.get("findings", [])) if j.get("status") == "ok" else None)
    return out


def verify(d):
    meta = json.load(open(os.path.join(d, "meta.json")))
    ok = True

    def report(name, good, detail=""):
        nonlocal ok
        print(("ok - " if good else "not ok - ") + name)
        if not good:
            ok = False
            for l in detail.splitlines()[:20]:
                print("#   " + l)

    for fam in ("cal", "str", "num"):
        got = fired(os.path.join(d, fam + ".out"))
        n = meta[fam][0]
        last = fam != "num"      # cal and str end with a record that must fire
        bad = [i + 1 for i, g in enumerate(got[:n - 1 if last else n]) if g != []]
        report("%s: %d records in the VM agree with the reference" % (fam, n - 1 if last else n),
               len(got) == n and not bad, "lines that fired or failed: %s" % bad[:20])
        if last:
            report("%s: a wrong expectation fires" % fam, bool(got) and bool(got[-1]), str(got[-1:]))
    got = fired(os.path.join(d, "glob.out"))
    expect = json.load(open(os.path.join(d, "glob.expect")))
    diff = [(i + 1, g, e) for i, (g, e) in enumerate(zip(got, expect)) if g != e]
    report("glob: %d strings x %d patterns in the VM agree with fnmatch" % (len(expect), meta["glob"][2]),
           len(got) == len(expect) and not diff, "\n".join(map(str, diff[:10])))
    for fam in ("cal", "str", "glob", "num"):
        n = meta[fam][1]
        text = open(os.path.join(d, fam + "k.out")).read()
        w = text.count("warning[W004]")
        report("%s: %d constant calls fold to the reference (W004 each)" % (fam, n), w == n,
               "W004 %d of %d\n%s" % (w, n, "\n".join(l for l in text.splitlines() if "error" in l)))
    return 0 if ok else 1


def main():
    cmd, d = sys.argv[1], sys.argv[2]
    if cmd == "gen":
        meta = {"cal": gen_cal(d), "str": gen_str(d), "num": gen_num(d)}
        ng, nk = gen_glob(d)
        meta["glob"] = (ng, nk, 80)
        json.dump(meta, open(os.path.join(d, "meta.json"), "w"))
        return 0
    return verify(d)


if __name__ == "__main__":
    sys.exit(main())
