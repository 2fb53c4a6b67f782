"""tests/audit/logcut.py: the decision log (spec/trace.md 9) of the audit's paths, for
tests/audit/run.py. A drive run with -G LOG appends each decision to LOG as it is made;
here:

  check(govc, log, out, replay)   the log verifies and is closed; its decision lines
                                  hold exactly the decisions the run printed, in order;
                                  and, when the run's inputs can be replayed (the JSON
                                  path, no host functions, no limits file), `govc audit
                                  replay` reproduces every one
  cuts(...)                       the log cut at random byte offsets (a writer killed
                                  mid-line, or between lines), then recovered, either by
                                  `govc audit recover` or by a writer that opens the cut
                                  log and goes on (drive -G again, libgovlog's recover
                                  option): exactly the whole lines before the cut are
                                  kept, byte for byte, the torn bytes are named (offset,
                                  length, SHA-256) in a `recover` line, the `open` line
                                  says what came before, and the recovered log verifies
                                  (and replays)

Each returns a list of failures (strings), empty when all holds.
"""
import hashlib
import json
import os
import shutil
import subprocess


def _run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1800)
    return p.returncode, p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")


def _lines(data):
    """The whole lines of a log's bytes (without their newlines), and the bytes after the
    last newline."""
    k = data.rfind(b"\n") + 1
    return data[:k].split(b"\n")[:-1], data[k:]


def _decisions(lines):
    """The decision objects of a log's decision lines, as libgov wrote them."""
    out = []
    for l in lines:
        t = l.decode("utf-8", errors="replace")
        if '"type":"decision"' not in t[:200]:
            continue
        i = t.index(',"decision":{')
        out.append(t[i + len(',"decision":'):-77])
    return out


def _printed(out):
    return [l[2:] for l in out.splitlines() if l.startswith("D ")]


def check(govc, log, out, replay_policy):
    fails = []
    rc, text = _run([govc, "audit", "verify", log])
    if rc != 0 or "closed" not in text:
        return ["the log does not verify closed (exit %d): %s" % (rc, text.strip()[:400])]
    lines, tail = _lines(open(log, "rb").read())
    got, want = _decisions(lines), _printed(out)
    if got != want:
        for i, (a, b) in enumerate(zip(got, want)):
            if a != b:
                fails.append("the log's decision %d is not the one the run printed:\n    log: %s\n    run: %s"
                             % (i + 1, a[:300], b[:300]))
                break
        else:
            fails.append("the log holds %d decisions, the run printed %d" % (len(got), len(want)))
    if replay_policy:
        rc, text = _run([govc, "audit", "replay", "--policy", replay_policy, log])
        if rc != 0 or " 0 differ" not in text:
            fails.append("replay (exit %d): %s" % (rc, text.strip()[-400:]))
    return fails


def _expect_previous(kept):
    """What an `open` line after the kept whole lines says came before them."""
    if not kept:
        return "none"
    last = json.loads(kept[-1])
    if last["type"] == "file" and last["seq"] == 0:
        return "none"
    return "closed" if last["type"] == "close" else "unclosed"


def cuts(govc, drive, drive_args, log, out, replay_policy, rnd, n, tmp, offsets=None):
    """n cuts of log (the run drive_args made, printing out) at offsets rnd draws: an
    offset anywhere, one just after a newline (a writer stopped between lines), one
    just before it (a line whole but for its newline); or at the offsets given."""
    data = open(log, "rb").read()
    nl = [i for i, b in enumerate(data) if b == 0x0A]
    offsets = set(offsets or [])
    while len(offsets) < n:
        k = rnd.random()
        if k < 0.5:
            offsets.add(rnd.randrange(0, len(data)))
        elif k < 0.75:
            offsets.add(rnd.choice(nl[:-1]) + 1)
        else:
            offsets.add(rnd.choice(nl))
    fails = []
    for j, c in enumerate(sorted(offsets)):
        cut = os.path.join(tmp, "cut.log")
        for f in (cut, cut + ".lock", cut + ".next"):
            if os.path.exists(f):
                os.remove(f)
        with open(cut, "wb") as f:
            f.write(data[:c])
        kept, torn = _lines(data[:c])
        k = c - len(torn)
        label = "log cut at byte %d of %d (%d whole lines kept, %d torn bytes)" % (c, len(data), len(kept), len(torn))
        # A cut log says what it is: open, or torn, never failed.
        rc, text = _run([govc, "audit", "verify", cut])
        if c == 0:
            pass  # an empty file: no log yet
        elif rc != 3 or (bool(torn) != ("torn tail" in text)):
            fails.append("%s: verify exits %d: %s" % (label, rc, text.strip()[:300]))
            continue
        by_writer = j % 2 == 1
        if by_writer:
            rc, more = _run([drive, "-G", cut] + drive_args)
        else:
            rc, more = _run([govc, "audit", "recover", cut])
        if rc != 0:
            fails.append("%s: %s exits %d: %s" % (label, "the writer" if by_writer else "recover", rc,
                                                    more.strip()[:300]))
            continue
        new = open(cut, "rb").read()
        nlines, ntail = _lines(new)
        if ntail:
            fails.append("%s: the recovered log ends with %d torn bytes" % (label, len(ntail)))
            continue
        if c and len(kept) == 0 and torn:
            # A torn first header: a new header and the recover line written over it.
            head, rest = 1, nlines[1:]
            if json.loads(nlines[0])["type"] != "file":
                fails.append("%s: the recovered log does not start with a header" % label)
                continue
        else:
            head, rest = 0, nlines[len(kept):]
            if new[:k] != data[:k]:
                fails.append("%s: the whole lines before the cut are not kept byte for byte" % label)
                continue
            if c == 0:
                rest = nlines  # started again as a new log
        objs = [json.loads(l) for l in rest]
        i = 0
        if c == 0:
            if not objs or objs[0]["type"] != "file":
                fails.append("%s: an empty log is not started again" % label)
                continue
            i = 1
        if torn:
            r = objs[i] if i < len(objs) else {}
            want = {"type": "recover", "torn_offset": k, "torn_bytes": len(torn),
                    "torn_sha256": hashlib.sha256(torn).hexdigest()}
            if any(r.get(x) != v for x, v in want.items()):
                fails.append("%s: the line after the kept ones is %s, not %s" % (label, json.dumps(r)[:300], want))
                continue
            i += 1
        o = objs[i] if i < len(objs) else {}
        prev = _expect_previous(kept[:1] if head else kept) if c else "none"
        if o.get("type") != "open" or o.get("previous") != prev:
            fails.append("%s: then %s, not an open line with previous %s" % (label, json.dumps(o)[:300], prev))
            continue
        after = objs[i + 1:]
        if not by_writer:
            if [x["type"] for x in after] != ["close"] or after[0]["entries"] != 0:
                fails.append("%s: recover wrote %s after the open line" % (label, [x["type"] for x in after]))
                continue
        else:
            # The writer went on: all of its decisions, after the kept ones.
            if _decisions(nlines[len(kept) + head:]) != _printed(more):
                fails.append("%s: the writer's decisions after recovery are not the ones it printed" % label)
                continue
        rc, text = _run([govc, "audit", "verify", cut])
        if rc != 0 or "closed" not in text:
            fails.append("%s: the recovered log does not verify closed (exit %d): %s" % (label, rc,
                                                                                        text.strip()[:300]))
            continue
        if _decisions(nlines)[:len(_decisions(kept))] != _decisions(kept):
            fails.append("%s: the kept decisions changed" % label)
            continue
        if replay_policy:
            rc, text = _run([govc, "audit", "replay", "--policy", replay_policy, cut])
            # The writer that goes on starts a fresh VM, not the state the killed one
            # reached: the replay reproduces every decision and reports that one
            # discontinuity (and exits 1 for it, compiler/cmd_audit.c), when the kept
            # lines had attached the stream.
            attached = any(b'"type":"attach"' in l[:200] for l in kept)
            gap = by_writer and attached
            ok = (": 0 differ, 1 state discontinuity" in text and rc == 1) if gap else (rc == 0 and " 0 differ" in text)
            if not ok:
                fails.append("%s: replay of the recovered log (exit %d): %s" % (label, rc, text.strip()[-300:]))
    shutil.rmtree(os.path.join(tmp, "cut.log"), ignore_errors=True)
    return fails
