#!/usr/bin/python3
"""bench.py BUILD [RECORDS]: scale-out figures (make bench-scaleout; not a test).

On a real 3-master, 3-replica Redis Cluster (tests/scaleout/cluster.py, free loopback
ports, stopped when it ends): RECORDS records (default 200,000) of the fleet policy
over 64 partitions, produced first, then decided by 1, 2 and 4 `govd --worker`
processes (a fresh prefix each time): records per second from the first worker's start
until every record is decided, checked exactly once against govc run. Then the time to
take over a dead worker's partitions: 4 workers, one killed with kill -9, until its 16
partitions have new owners (lease 1000 ms). Figures on a shared machine are rough:
run it on an idle one.
"""
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from cluster import Cluster  # noqa: E402
from gen import generate  # noqa: E402
import subprocess  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
RECORDS = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
GOVD = os.path.join(BUILD, "govd")
GOVC = os.path.join(BUILD, "govc")
TMP = tempfile.mkdtemp(prefix="gov-scaleout-bench-")
POLICY = os.path.join(TMP, "fleet.govb")


def main():
    out = subprocess.run([GOVC, "build", "-o", POLICY, "tests/scaleout/fleet"], capture_output=True, text=True,
                         check=True).stdout
    pid = out.split(" id ")[1].split(",")[0]
    path = os.path.join(TMP, "in.jsonl")
    with open(path, "w") as f:
        generate(f, RECORDS, 2000, 7, pid)
    with open(path, "rb") as f:
        lines = [ln.rstrip(b"\r\n") for ln in f if ln.rstrip(b"\r\n")]
    cluster = Cluster()
    try:
        r = common.client(cluster)
        for n in (1, 2, 4):
            prefix = "b%d" % n
            subprocess.run([GOVD, "produce", "--redis", cluster.seeds(), "-p", POLICY, "--partitions", "64",
                            "--prefix", prefix, path], check=True, capture_output=True)
            t0 = time.time()
            ws = [common.Worker(GOVD, cluster.seeds(), POLICY, "%s-%d" % (prefix, i), TMP, prefix=prefix,
                                lease_ms=3000) for i in range(n)]
            got = common.wait_decided(r, prefix, 64, len(lines), 3600, poll=0.2)
            took = time.time() - t0
            for w in ws:
                w.term()
            bad = common.check_exactly_once(r, prefix, 64, GOVC, POLICY, lines)
            print("scaleout: %d worker%s: %d records in %.1f s, %.0f records/s%s"
                  % (n, "" if n == 1 else "s", got, took, got / took, "" if not bad else " (CHECK FAILED: %s)" % bad[0]))
        prefix = "tk"
        ws = [common.Worker(GOVD, cluster.seeds(), POLICY, "tk-%d" % i, TMP, prefix=prefix, lease_ms=1000)
              for i in range(4)]
        deadline = time.time() + 60
        while time.time() < deadline:
            own = common.owners(r, prefix, 64)
            if None not in own.values() and sorted(
                    [list(own.values()).count(w.name) for w in ws]) == [16, 16, 16, 16]:
                break
            time.sleep(0.1)
        t0 = time.time()
        ws[0].kill9()
        while time.time() < t0 + 60:
            own = common.owners(r, prefix, 64)
            if None not in own.values() and "tk-0" not in own.values():
                break
            time.sleep(0.02)
        print("scaleout: takeover of a kill -9'd worker's 16 partitions (lease 1000 ms): %.2f s" % (time.time() - t0))
        for w in ws[1:]:
            w.term()
    finally:
        common.stop_all()
        cluster.stop()
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
