"""tests/lsp/lspclient.py: a minimal LSP client over real pipes, for tests/lsp/run.py and
the benchmark. It starts `govc lsp`, frames messages (Content-Length), and reads the
server's messages on a thread so a test can wait for a response or a notification with
a deadline; a server that crashes, hangs or writes a malformed frame fails the test."""
import json
import os
import queue
import subprocess
import threading
import time
import urllib.parse


def uri(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


class Client:
    def __init__(self, govc, args=(), env=None, cwd=None):
        self.p = subprocess.Popen([govc, "lsp", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, cwd=cwd)
        self.q = queue.Queue()
        self.next_id = 1
        self.bad = None          # a malformed frame from the server
        self.pending = []        # messages read but not yet taken
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        f = self.p.stdout
        try:
            while True:
                headers = {}
                while True:
                    line = f.readline()
                    if not line:
                        self.q.put(None)
                        return
                    if line == b"\r\n":
                        break
                    if not line.endswith(b"\r\n") or b":" not in line:
                        self.bad = "bad header line %r" % line
                        self.q.put(None)
                        return
                    k, v = line[:-2].split(b":", 1)
                    headers[k.strip().lower()] = v.strip()
                n = int(headers[b"content-length"])
                body = f.read(n)
                self.q.put(json.loads(body.decode("utf-8")))
        except Exception as e:  # noqa: BLE001 - any failure is the server's frame
            self.bad = "unreadable frame: %s" % e
            self.q.put(None)

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        m = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)

    def request_async(self, method, params=None):
        i = self.next_id
        self.next_id += 1
        m = {"jsonrpc": "2.0", "id": i, "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)
        return i

    def _next(self, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from the server in time")
            try:
                m = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if m is None:
                self.q.put(None)
                raise EOFError(self.bad or "the server closed its output (exit %s)" % self.p.poll())
            return m

    def wait(self, pred, timeout=10.0):
        """The first message (pending first) for which pred is true; others stay pending."""
        for k, m in enumerate(self.pending):
            if pred(m):
                return self.pending.pop(k)
        deadline = time.monotonic() + timeout
        while True:
            m = self._next(deadline)
            if pred(m):
                return m
            self.pending.append(m)

    def response(self, i, timeout=10.0):
        return self.wait(lambda m: m.get("id") == i and "method" not in m, timeout)

    def request(self, method, params=None, timeout=10.0):
        return self.response(self.request_async(method, params), timeout)

    def diagnostics(self, u, timeout=10.0, version=None):
        def ok(m):
            return (m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == u and
                    (version is None or m["params"].get("version") == version))
        return self.wait(ok, timeout)["params"]["diagnostics"]

    def initialize(self, root=None, options=None, caps=None):
        r = self.request("initialize", {"processId": os.getpid(), "rootUri": uri(root) if root else None,
                                        "capabilities": caps or {}, "initializationOptions": options or {}})
        self.notify("initialized", {})
        return r

    def open(self, path, text=None, version=1):
        if text is None:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri(path), "languageId": "gov",
                                                               "version": version, "text": text}})
        return uri(path)

    def close(self, timeout=10.0):
        """shutdown, exit: the exit status."""
        r = self.request("shutdown")
        assert r.get("result", 1) is None, r
        self.notify("exit")
        self.p.stdin.close()
        return self.p.wait(timeout)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
