#!/usr/bin/python3
"""run.py BUILD [RECORDS]: the Redis Cluster scale-out (spec/scaleout.md), end to end.

It starts a real Redis Cluster (3 masters, 3 replicas, redis-server on free loopback
ports; tests/scaleout/cluster.py) and real `govd --worker` and `govd produce` processes,
and stops them all when it ends, whatever happens. Cases:

  - the partition function: `govd produce --dry-run` against XXH3-64 computed by
    python3-xxhash over each line's decoded key;
  - refusals: a worker or producer whose partitioning differs from the streams', a
    policy that cannot be partitioned;
  - the engine (tests/scaleout/engine.c through source.h and rcluster.h): leases and
    fencing, offsets, MOVED, ASK and TRYAGAIN;
  - rebalancing: 1 worker, then 4 (16 partitions each), one leaving (SIGTERM), one
    dying (kill -9): the time to take its partitions over;
  - exactly once under chaos: RECORDS records (default 20,000; make test's SCALEOUT_RECORDS) over 64 partitions, 4
    workers, half produced while they run; workers killed with kill -9 at random times
    and restarted, one stopped (SIGSTOP) past its lease and resumed, a master killed (its
    replica takes over) and restarted, slots resharded between masters. Then every
    partition's decision stream must be, byte for byte, govc run over its records.
"""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logging  # noqa: E402

import xxhash  # noqa: E402

import common  # noqa: E402
from cluster import Cluster  # noqa: E402
from gen import generate  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
RECORDS = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
GOVD = os.path.join(BUILD, "govd")
GOVC = os.path.join(BUILD, "govc")
ENGINE = os.path.join(BUILD, "tests", "scaleout_engine")
TMP = tempfile.mkdtemp(prefix="gov-scaleout-")
POLICY_SRC = "tests/scaleout/fleet"
POLICY = os.path.join(TMP, "fleet.govb")
FAILED = []


def report(ok, name, detail=""):
    print("%s - %s" % ("ok" if ok else "not ok", name))
    if not ok:
        FAILED.append(name)
        for line in str(detail).splitlines()[:40]:
            print("#   " + line)
    sys.stdout.flush()


def case(fn, *args):
    try:
        fn(*args)
    except Exception:  # noqa: BLE001 - a failure is reported, the next case runs
        import traceback
        report(False, fn.__name__, traceback.format_exc())
    finally:
        common.stop_all()


def produce(cluster, path, prefix, partitions=64, policy=None, pid=None, extra=()):
    args = [GOVD, "produce", "--redis", cluster.seeds(), "-p", policy or POLICY, "--partitions", str(partitions),
            "--prefix", prefix] + (["--producer-id", pid] if pid else []) + list(extra) + [path]
    return subprocess.run(args, capture_output=True, text=True, timeout=1800)


def lines_of(path):
    with open(path, "rb") as f:
        return [ln.rstrip(b"\n").rstrip(b"\r") for ln in f if ln.rstrip(b"\r\n")]


def policy_id():
    out = subprocess.run([GOVC, "build", "-o", POLICY, POLICY_SRC], capture_output=True, text=True, check=True).stdout
    return out.split(" id ")[1].split(",")[0]


# ---------------------------------------------------------------- the partition function


def partition_function(pid):
    path = os.path.join(TMP, "small.jsonl")
    with open(path, "w") as f:
        generate(f, 3000, 200, 7, pid)
        # Keys that must decode before they hash, and lines without a usable key.
        f.write('{"agent":"caf\\u00e9","at":"2026-01-01T00:00:00Z","latency_ms":1,"cost_usd":0}\n')
        f.write('{"agent":"caf\u00e9","at":"2026-01-01T00:00:00Z","latency_ms":1,"cost_usd":0}\n')
        f.write('{"agent":"\\ud83e\\udd16","at":"2026-01-01T00:00:00Z","latency_ms":1,"cost_usd":0}\n')
        f.write('{"\\u0061gent":"x\\/y","at":"2026-01-01T00:00:00Z","latency_ms":1,"cost_usd":0}\n')
        f.write('{"agent":7,"at":"2026-01-01T00:00:00Z"}\n')
        f.write('{"agent":"first","agent":"second"}\n')
        f.write('{"nested":{"agent":"inner"},"agent":"outer"}\n')
        f.write('not json at all\n')
        f.write('{"agent":"bad \\q escape"}\n')
        f.write('\n')
    import json
    for parts in (1, 7, 64):
        p = subprocess.run([GOVD, "produce", "--dry-run", "-p", POLICY, "--partitions", str(parts), path],
                           capture_output=True, text=True)
        bad = []
        rows = p.stdout.splitlines()
        for row in rows:
            got, line = row.split("\t", 1)
            try:
                obj = json.loads(line, object_pairs_hook=lambda kv: kv)
                first = next((v for k, v in obj if k == "agent"), None)
                key = first if isinstance(first, str) else ""
            except ValueError:
                # Not JSON: the key is read as far as the line is well-formed up to it
                # (spec/scaleout.md 1): the generator's '{"agent": "NAME", "latency_ms":
                # oops}' has one; the others here have none.
                m = re.match(r'\{"agent": "([^"\\]*)", ', line)
                key = m.group(1) if m else ""
            want = xxhash.xxh3_64_intdigest(key.encode("utf-8", "surrogatepass")) % parts
            if int(got) != want:
                bad.append("%s: %s, want %d" % (line[:80], got, want))
        ok = p.returncode == 0 and len(rows) == len(lines_of(path)) and not bad
        report(ok, "the partition function is XXH3-64 of the decoded key mod %d (%d lines)" % (parts, len(rows)),
               p.stderr + "\n".join(bad[:10]))


# ---------------------------------------------------------------- refusals


def refusals(cluster):
    path = os.path.join(TMP, "tiny.jsonl")
    with open(path, "w") as f:
        generate(f, 50, 10, 3, "0" * 32)
    p = produce(cluster, path, "rf", partitions=8)
    report(p.returncode == 0 and "50 appended" in p.stderr, "produce appends to a new prefix", p.stderr)
    p = produce(cluster, path, "rf", partitions=16)
    report(p.returncode == 2 and "8 partitions by agent" in p.stderr,
           "a producer with another partition count is refused", p.stderr)
    w = subprocess.run([GOVD, "--worker", "--redis", cluster.seeds(), "-p", POLICY, "--partitions", "16",
                        "--prefix", "rf"], capture_output=True, text=True, timeout=60)
    report(w.returncode == 2 and "8 partitions by agent" in w.stderr,
           "a worker with another partition count is refused", w.stderr)
    other = os.path.join(TMP, "other.gov")
    with open(other, "w") as f:
        f.write(open(os.path.join(POLICY_SRC, "fleet.gov")).read().replace("last 50 runs per agent capacity 128",
                                                                           "last 60 runs per agent capacity 128"))
    # The first worker records the state layout; one with another layout is refused.
    first = common.Worker(GOVD, cluster.seeds(), POLICY, "rf-first", TMP, prefix="rf", partitions=8)
    time.sleep(2)
    w = subprocess.run([GOVD, "--worker", "--redis", cluster.seeds(), "-p", other, "--partitions", "8",
                        "--prefix", "rf"], capture_output=True, text=True, timeout=60)
    report(w.returncode == 2 and "layout" in w.stderr, "a worker whose policy keeps another state layout is refused",
           w.stderr)
    rc = first.term()
    report(rc == 0 and "leaving" in first.log(), "SIGTERM: a worker leaves after its last commit, status 0",
           first.log()[-2000:])
    glob = os.path.join(TMP, "global.gov")
    with open(glob, "w") as f:
        f.write('policy global_count\nimport "std/agent_run"\nwindow all_runs = count() over last 100 runs\n'
                'rule busy { when all_runs > 50 severity info }\n')
    w = subprocess.run([GOVD, "--worker", "--redis", cluster.seeds(), "-p", glob, "--partitions", "8",
                        "--prefix", "rf2"], capture_output=True, text=True, timeout=60)
    report(w.returncode == 2 and "cannot be partitioned" in w.stderr and "all_runs" in w.stderr,
           "a policy with unkeyed state cannot be partitioned, and govd says why", w.stderr)
    p = produce(cluster, path, "rf3", partitions=8, policy=glob)
    report(p.returncode == 2 and "cannot be partitioned" in p.stderr, "nor can it be produced to 8 partitions",
           p.stderr)
    p = subprocess.run([GOVD, "--worker", "-p", POLICY], capture_output=True, text=True)
    report(p.returncode == 2 and "--redis" in p.stderr, "a worker without --redis is a usage error", p.stderr)


# ---------------------------------------------------------------- the engine in C


def engine(cluster):
    p = subprocess.run([ENGINE, cluster.seeds()], capture_output=True, text=True, timeout=300)
    sys.stdout.write(p.stdout)
    if p.returncode != 0 and "not ok" not in p.stdout:
        report(False, "scaleout_engine", p.stdout[-3000:] + p.stderr[-3000:])


# ---------------------------------------------------------------- rebalancing


def counts(own):
    c = {}
    for w in own.values():
        c[w] = c.get(w, 0) + 1
    return c


def wait_counts(r, prefix, pred, timeout):
    deadline = time.time() + timeout
    c = {}
    while time.time() < deadline:
        c = counts(common.owners(r, prefix, 64))
        if pred(c):
            return True, c
        time.sleep(0.1)
    return False, c


def rebalance(cluster):
    prefix = "rb"
    path = os.path.join(TMP, "rb.jsonl")
    with open(path, "w") as f:
        generate(f, 40000, 400, 11, "0" * 32)
    lines = lines_of(path)
    r = common.client(cluster)
    # A producer feeding the streams the whole time, so progress shows who works.
    feeder = subprocess.Popen([GOVD, "produce", "--redis", cluster.seeds(), "-p", POLICY, "--partitions", "64",
                               "--prefix", prefix, "--batch", "50", "-"], stdin=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    stop = threading.Event()

    def feed():
        for i in range(0, len(lines), 100):
            if stop.is_set():
                break
            feeder.stdin.write(b"\n".join(lines[i:i + 100]) + b"\n")
            feeder.stdin.flush()
            time.sleep(0.02)
        feeder.stdin.close()
    t = threading.Thread(target=feed)
    t.start()
    try:
        # Long enough that a worker starved of CPU for a few seconds (suites run side by
        # side, under ASan too) still renews in time: this case is about the graceful
        # hand-over ("released partition"), not about expiry, which the chaos case covers.
        lease = 5000
        ws = [common.Worker(GOVD, cluster.seeds(), POLICY, "rb-1", TMP, prefix=prefix, lease_ms=lease)]
        ok, c = wait_counts(r, prefix, lambda c: c.get("rb-1") == 64, 20)
        report(ok, "one worker claims all 64 partitions", c)
        before = common.decided(r, prefix, 64)
        t0 = time.time()
        ws += [common.Worker(GOVD, cluster.seeds(), POLICY, "rb-%d" % i, TMP, prefix=prefix, lease_ms=lease)
               for i in (2, 3, 4)]
        ok, c = wait_counts(r, prefix, lambda c: sorted(c.values()) == [16, 16, 16, 16] and None not in c, 30)
        took = time.time() - t0
        report(ok, "three more join: 16 partitions each (%.1f s)" % took, c)
        progressed = common.decided(r, prefix, 64) > before
        log0 = ws[0].log()
        report(progressed and "released partition" in log0 and ws[0].alive(),
               "the first worker kept deciding while it handed partitions over",
               "\n".join(l for l in log0.splitlines() if "released" in l or "lost" in l or "fenced" in l)[-3000:])
        t0 = time.time()
        rc = ws[3].term()
        ok, c = wait_counts(r, prefix, lambda c: None not in c and "rb-4" not in c and max(c.values()) <= 22, 30)
        report(rc == 0 and ok, "one leaves (SIGTERM): the others take its 16 within %.1f s (lease %d ms)"
               % (time.time() - t0, lease), c)
        t0 = time.time()
        ws[2].kill9()
        ok, c = wait_counts(r, prefix, lambda c: None not in c and "rb-3" not in c and
                            sorted(c.values()) == [32, 32], 30)
        report(ok, "one dies (kill -9): its partitions are taken over in %.1f s (lease %d ms)"
               % (time.time() - t0, lease), c)
        t.join()
        feeder.wait(120)
        n = common.wait_decided(r, prefix, 64, len(lines), 120)
        for w in ws:
            w.term()
        bad = common.check_exactly_once(r, prefix, 64, GOVC, POLICY, lines)
        report(n == len(lines) and not bad, "through joins, a leave and a death: %d records decided once, as govc "
               "run decides them" % len(lines), "\n".join(bad[:20]))
    finally:
        stop.set()
        t.join()
        if feeder.poll() is None:
            feeder.kill()
        feeder.wait()


# ---------------------------------------------------------------- exactly once under chaos


def chaos(cluster, pid):
    prefix = "eo"
    path = os.path.join(TMP, "eo.jsonl")
    t0 = time.time()
    with open(path, "w") as f:
        generate(f, RECORDS, 2000, 42, pid)
    lines = lines_of(path)
    half = os.path.join(TMP, "eo-1.jsonl")
    rest = os.path.join(TMP, "eo-2.jsonl")
    with open(half, "wb") as f:
        f.write(b"\n".join(lines[:len(lines) // 2]) + b"\n")
    with open(rest, "wb") as f:
        f.write(b"\n".join(lines[len(lines) // 2:]) + b"\n")
    gen_s = time.time() - t0
    t0 = time.time()
    p = produce(cluster, half, prefix, pid="eo-first")
    report(p.returncode == 0, "produce the first half (%d lines, %.1f s)" % (len(lines) // 2, time.time() - t0),
           p.stderr)
    rnd = random.Random(20261205)
    lease = 1500
    workers = {}
    gen = {}

    def start(slot):
        gen[slot] = gen.get(slot, 0) + 1
        workers[slot] = common.Worker(GOVD, cluster.seeds(), POLICY, "eo-%d.%d" % (slot, gen[slot]), TMP,
                                      prefix=prefix, lease_ms=lease)
    for s in range(4):
        start(s)
    r = common.client(cluster)
    # The second half is produced while the workers run and the cluster fails over. A
    # producer stopped by a lost batch is run again under its id: it appends what is
    # missing, once (spec/scaleout.md 2.3).
    prod = {"runs": 0, "rc": None, "err": ""}

    def produce_rest():
        for _ in range(10):
            prod["runs"] += 1
            q = produce(cluster, rest, prefix, pid="eo-second")
            prod["rc"], prod["err"] = q.returncode, prod["err"] + q.stderr
            if q.returncode == 0:
                return
            time.sleep(1)
    pt = threading.Thread(target=produce_rest)
    pt.start()
    events = []
    t_start = time.time()
    deadline = t_start + 900
    plan = ["kill", "kill", "master", "kill", "stop", "kill", "reshard", "kill", "kill"]
    reshard = None
    step = 0
    killed = None
    while time.time() < deadline:
        n = common.decided(r, prefix, 64)
        if n >= len(lines) and not pt.is_alive() and step >= len(plan):
            break
        time.sleep(rnd.uniform(1.5, 3.5))
        for s, w in list(workers.items()):
            if not w.alive():
                start(s)
        if step < len(plan):
            what = plan[step]
            step += 1
            if what == "kill":
                s = rnd.randrange(4)
                workers[s].kill9()
                events.append("kill -9 %s at %.1f s" % (workers[s].name, time.time() - t_start))
                time.sleep(rnd.uniform(0.2, 1.5))
                start(s)
            elif what == "stop":
                s = rnd.randrange(4)
                w = workers[s]
                w.p.send_signal(signal.SIGSTOP)
                events.append("SIGSTOP %s for %.1f s at %.1f s" % (w.name, 2.5 * lease / 1000, time.time() - t_start))
                time.sleep(2.5 * lease / 1000)
                w.p.send_signal(signal.SIGCONT)
            elif what == "master":
                m = rnd.choice(cluster.masters())
                took = cluster.fail_master(m)
                events.append("kill -9 master :%d at %.1f s; replica promoted after %.1f s"
                              % (m.port, time.time() - t_start - took, took))
                killed = m
                cluster.restart(m)
                events.append("old master :%d back as a replica" % m.port)
            elif what == "reshard":
                ms = cluster.masters()
                src, dst = ms[0], ms[1]
                sid = src.cli("CLUSTER", "MYID")
                did = dst.cli("CLUSTER", "MYID")
                reshard = subprocess.Popen(["redis-cli", "--cluster", "reshard", "127.0.0.1:%d" % src.port,
                                            "--cluster-from", sid, "--cluster-to", did, "--cluster-slots", "1500",
                                            "--cluster-yes", "--cluster-pipeline", "100"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                events.append("resharding 1500 slots :%d -> :%d at %.1f s" % (src.port, dst.port,
                                                                              time.time() - t_start))
    pt.join()
    if reshard:
        reshard.wait(300)
        events.append("reshard exit %s" % reshard.returncode)
    n = common.wait_decided(r, prefix, 64, len(lines), 300)
    took = time.time() - t_start
    logs = ""
    for w in list(workers.values()):
        w.term()
    for name in sorted(os.listdir(TMP)):
        if name.startswith("eo-") and name.endswith(".log"):
            with open(os.path.join(TMP, name), errors="replace") as f:
                logs += f.read()
    report(prod["rc"] == 0, "the second half was produced while workers ran and a master failed (%d run%s)"
           % (prod["runs"], "" if prod["runs"] == 1 else "s"), prod["err"][-2000:])
    report(n == len(lines), "all %d records decided (%.1f s; generation %.1f s)"
           % (len(lines), took, gen_s), "%d decided\n%s" % (n, "\n".join(events)))
    t0 = time.time()
    bad = common.check_exactly_once(r, prefix, 64, GOVC, POLICY, lines)
    report(not bad, "no record lost, none decided twice, each partition's decisions byte-identical to govc run "
           "(checked in %.1f s)" % (time.time() - t0), "\n".join(bad[:20] + events))
    report(("fenced" in logs or "lost" in logs) and killed is not None,
           "the run met its failures: %s" % "; ".join(events), logs[-3000:])


def main():
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        print("skip - scaleout: redis-server and redis-tools are not installed")
        return 0
    pid = policy_id()
    case(partition_function, pid)
    cluster = Cluster()
    try:
        only = os.environ.get("GOV_SCALEOUT_CASES", "refusals engine rebalance chaos").split()
        if "refusals" in only:
            case(refusals, cluster)
        if "engine" in only:
            case(engine, cluster)
        if "rebalance" in only:
            case(rebalance, cluster)
        if "chaos" in only:
            case(chaos, cluster, pid)
    finally:
        common.stop_all()
        cluster.stop()
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
