"""common.py: what the scale-out test (run.py) and bench (bench.py) share: workers as
processes, streams read back with redis-py's cluster client (an independent client: the
checks do not go through govd's own), and the exactly-once check against govc run.
"""
import logging
import os
import signal
import subprocess
import tempfile
import time

from redis.cluster import ClusterNode, RedisCluster

RUNNING = []
# redis-py logs each redirection it follows during a failover; the checks report what matters.
logging.getLogger("redis").setLevel(logging.CRITICAL)


def stop_all():
    for p in list(RUNNING):
        p.kill9()


class Worker:
    """One `govd --worker` process; its log goes to a file."""

    def __init__(self, govd, seeds, policy, name, tmp, prefix="gov", partitions=64, lease_ms=1500, extra=()):
        self.name = name
        self.logpath = os.path.join(tmp, "%s.log" % name)
        self.log_f = open(self.logpath, "w")
        self.args = [govd, "--worker", "--redis", seeds, "-p", policy, "--partitions", str(partitions),
                     "--prefix", prefix, "--lease-ms", str(lease_ms), "--worker-id", name] + list(extra)
        self.p = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=self.log_f, stderr=self.log_f)
        self.started = time.time()
        RUNNING.append(self)

    def alive(self):
        return self.p.poll() is None

    def kill9(self):
        if self.alive():
            self.p.send_signal(signal.SIGCONT)
            self.p.kill()
        self.p.wait()
        self.close()

    def term(self, timeout=30):
        if self.alive():
            self.p.send_signal(signal.SIGCONT)
            self.p.terminate()
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.close()
        return self.p.returncode

    def close(self):
        if self in RUNNING:
            RUNNING.remove(self)
        if not self.log_f.closed:
            self.log_f.close()

    def log(self):
        with open(self.logpath, errors="replace") as f:
            return f.read()


def client(cluster):
    return RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", n.port) for n in cluster.nodes if n.alive()],
                        decode_responses=False, cluster_error_retry_attempts=20)


def retry(fn, tries=60):
    """Call fn, retrying while the cluster fails over (redis-py raises then)."""
    for i in range(tries):
        try:
            return fn()
        except Exception:  # noqa: BLE001 - any cluster error: wait and retry
            if i == tries - 1:
                raise
            time.sleep(0.5)


def read_stream(r, key, field, chunk=20000):
    """Every entry of a stream: [(id, value of field)]."""
    out = []
    start = b"-"
    while True:
        part = retry(lambda: r.xrange(key, min=start, max="+", count=chunk))
        for eid, fields in part:
            out.append((eid, fields.get(field)))
        if len(part) < chunk:
            return out
        start = b"(" + part[-1][0]


def owners(r, prefix, partitions):
    """Partition -> the worker holding its lease (None when free)."""
    out = {}
    for p in range(partitions):
        v = retry(lambda: r.get("%s:{p%d}:lease" % (prefix, p)))
        out[p] = v.split()[0].decode() if v else None
    return out


def decided(r, prefix, partitions):
    return sum(retry(lambda: r.xlen("%s:{p%d}:out" % (prefix, p))) for p in range(partitions))


def wait_decided(r, prefix, partitions, total, timeout, poll=0.5, during=None):
    """Wait until every record is decided (or timeout); during() runs between polls."""
    deadline = time.time() + timeout
    n = 0
    while time.time() < deadline:
        n = decided(r, prefix, partitions)
        if n >= total:
            return n
        if during:
            during()
        time.sleep(poll)
    return n


def check_partition(r, prefix, p, govc, policy, tmp):
    """One partition's check (check_exactly_once): (problem or None, its records)."""
    ins = read_stream(r, "%s:{p%d}:in" % (prefix, p), b"r")
    outs = read_stream(r, "%s:{p%d}:out" % (prefix, p), b"d")
    recs = [v for _, v in ins]
    if [i for i, _ in ins] != [i for i, _ in outs]:
        ids_in = set(i for i, _ in ins)
        ids_out = [i for i, _ in outs]
        lost = len(ids_in - set(ids_out))
        dup = len(ids_out) - len(set(ids_out))
        return ("partition %d: %d records, %d decisions, %d undecided, %d duplicated" %
                (p, len(ins), len(outs), lost, dup)), recs
    path = os.path.join(tmp, "p%d.jsonl" % p)
    with open(path, "wb") as f:
        f.write(b"".join(v + b"\n" for v in recs))
    want = subprocess.run([govc, "run", "-p", policy, path], capture_output=True).stdout.splitlines()
    os.unlink(path)
    got = [v for _, v in outs]
    if want != got:
        k = next((i for i in range(min(len(want), len(got))) if want[i] != got[i]), min(len(want), len(got)))
        return ("partition %d: decision %d differs from govc run's:\n  %s\n  %s" %
                (p, k + 1, got[k][:300] if k < len(got) else None, want[k][:300] if k < len(want) else None)), recs
    return None, recs


def check_exactly_once(r, prefix, partitions, govc, policy, lines):
    """Each partition's decision stream has one entry per input entry, with its id, in
    order, and is byte for byte what govc run gives over that partition's records (its
    line numbers too: a decision's line is its record's position in the partition). The
    records in the streams are the input lines, each once. Returns a list of problems."""
    from concurrent.futures import ThreadPoolExecutor
    bad = []
    seen = []
    with tempfile.TemporaryDirectory(prefix="gov-eo-") as tmp:
        with ThreadPoolExecutor(max_workers=4) as ex:
            for problem, recs in ex.map(lambda p: check_partition(r, prefix, p, govc, policy, tmp),
                                        range(partitions)):
                if problem:
                    bad.append(problem)
                seen.extend(recs)
    if lines is not None and not bad and sorted(seen) != sorted(lines):
        bad.append("the streams hold %d records, the input %d lines (or other lines)" % (len(seen), len(lines)))
    return bad
