"""cluster.py: a Redis Cluster of real redis-server processes on free loopback ports, for
the scale-out tests and bench (tests/scaleout/run.py, bench.py).

Cluster(masters=3, replicas=1) starts the servers in a private directory, joins them
with `redis-cli --cluster create`, and waits until every node says cluster_state:ok.
stop() kills them all and removes the directory; the owner calls it from a finally
block or an atexit hook, so nothing outlives the test.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def free_port():
    """A port free on 127.0.0.1 whose cluster bus port (port + 10000) is free too."""
    for _ in range(200):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port + 10000 > 65535:
            continue
        b = socket.socket()
        try:
            b.bind(("127.0.0.1", port + 10000))
        except OSError:
            continue
        finally:
            b.close()
        return port
    raise RuntimeError("no free port pair")


class Node:
    def __init__(self, root, port):
        self.port = port
        self.dir = os.path.join(root, str(port))
        os.makedirs(self.dir, exist_ok=True)
        self.proc = None

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
                "--cluster-replica-validity-factor", "0", "--save", "", "--appendonly", "no",
                "--dir", self.dir, "--logfile", "redis.log", "--protected-mode", "no",
                "--repl-ping-replica-period", "1", "--repl-diskless-sync-delay", "0", "--lua-time-limit", "5000"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.cli("PING", check=False) == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server on port %d did not start" % self.port)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cli(self, *args, check=True):
        p = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port)] + list(args),
                           capture_output=True, text=True, timeout=30)
        if check and p.returncode != 0:
            raise RuntimeError("redis-cli %s: %s" % (" ".join(args), p.stderr))
        return p.stdout.strip()

    def info(self, section):
        out = {}
        for line in self.cli("INFO", section, check=False).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                out[k] = v.strip()
        return out


class Cluster:
    def __init__(self, masters=3, replicas=1):
        self.root = tempfile.mkdtemp(prefix="gov-redis-")
        self.nodes = []
        try:
            for _ in range(masters * (1 + replicas)):
                n = Node(self.root, free_port())
                n.start()
                self.nodes.append(n)
            addrs = ["127.0.0.1:%d" % n.port for n in self.nodes]
            p = subprocess.run(["redis-cli", "--cluster", "create"] + addrs +
                               ["--cluster-replicas", str(replicas), "--cluster-yes"],
                               capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                raise RuntimeError("redis-cli --cluster create: %s%s" % (p.stdout[-2000:], p.stderr[-2000:]))
            self.wait_ok()
        except BaseException:
            self.stop()
            raise

    def seeds(self):
        return ",".join("127.0.0.1:%d" % n.port for n in self.nodes)

    def wait_ok(self, timeout=60):
        """Every live node says cluster_state:ok, and every live replica has finished its
        sync with its master (until then WAIT counts no replica)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            live = [n for n in self.nodes if n.alive()]
            if all("cluster_state:ok" in n.cli("CLUSTER", "INFO", check=False) for n in live) and \
                    all(self.synced(n) for n in live):
                return
            time.sleep(0.1)
        raise RuntimeError("the cluster did not reach cluster_state:ok with its replicas in sync")

    @staticmethod
    def synced(node):
        info = node.info("replication")
        if info.get("role") == "slave":
            return info.get("master_link_status") == "up" and info.get("master_sync_in_progress") == "0"
        return all("state=online" in v for k, v in info.items() if k.startswith("slave") and k[5:].isdigit())

    def masters(self):
        """Live nodes that are masters serving slots."""
        out = []
        for n in self.nodes:
            if not n.alive():
                continue
            if n.info("replication").get("role") == "master" and n.cli("CLUSTER", "COUNTKEYSINSLOT", "0",
                                                                         check=False) is not None:
                nodes = n.cli("CLUSTER", "NODES", check=False)
                for line in nodes.splitlines():
                    f = line.split()
                    if len(f) > 8 and "myself" in f[2] and "master" in f[2]:
                        out.append(n)
        return out

    def node_of_slot(self, slot):
        for n in self.masters():
            for line in n.cli("CLUSTER", "NODES", check=False).splitlines():
                f = line.split()
                if "myself" not in f[2]:
                    continue
                for r in f[8:]:
                    if r.startswith("["):
                        continue
                    lo, _, hi = r.partition("-")
                    if int(lo) <= slot <= int(hi or lo):
                        return n
        return None

    def fail_master(self, node, timeout=30):
        """kill -9 a master; wait until its replica has taken its slots over and the
        cluster is ok again. Returns the seconds that took."""
        t0 = time.time()
        node.kill()
        deadline = t0 + timeout
        while time.time() < deadline:
            live = [n for n in self.nodes if n.alive()]
            ok = all("cluster_state:ok" in n.cli("CLUSTER", "INFO", check=False) for n in live)
            if ok and len(self.masters()) == len([n for n in self.nodes]) // 2:
                return time.time() - t0
            time.sleep(0.05)
        raise RuntimeError("no replica took over the killed master's slots")

    def restart(self, node):
        """Start a killed node again: it rejoins as a replica of the master that replaced it."""
        node.start()
        self.wait_ok()

    def stop(self):
        for n in self.nodes:
            n.kill()
        shutil.rmtree(self.root, ignore_errors=True)
