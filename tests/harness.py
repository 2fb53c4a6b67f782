"""tests/harness.py: the head the Python suites of govc share (tests/limits/run.py,
tests/scoped/run.py and channels.py, which each had their own copy): the govc under test
(argv[1], default build/govc), a temporary directory the suite runs in, "ok - SUITE:
NAME" lines for tests/run.sh with the detail of a failure as "# " lines, and the exit
status; govc run's decisions, and a `govc diff` case."""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def decisions(out):
    """govc run's output: one decision (a dict) per line."""
    return [json.loads(line) for line in out.splitlines() if line.strip()]


class Suite:
    def __init__(self, name, detail_lines=12):
        self.name = name
        self.detail_lines = detail_lines
        self.fails = 0
        self.govc_path = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/govc")
        self.tmp = tempfile.mkdtemp(prefix="gov%s." % name)
        os.chdir(self.tmp)

    def ok(self, cond, name, detail=""):
        if cond:
            print("ok - %s: %s" % (self.name, name))
            return
        self.fails += 1
        print("not ok - %s: %s" % (self.name, name))
        for line in str(detail).splitlines()[:self.detail_lines]:
            print("# " + line)

    def govc(self, *args, stdin=None):
        r = subprocess.run([self.govc_path] + list(args), input=stdin, capture_output=True, text=True)
        return r.returncode, r.stdout, r.stderr

    def diff_says(self, old, new, name, *says, lacks=()):
        """A case of `govc diff OLD NEW`: it exits 0, and what it prints holds each of
        `says` and none of `lacks`."""
        rc, out, err = self.govc("diff", old, new)
        self.ok(rc == 0 and all(s in out for s in says) and not any(s in out for s in lacks), name, out + err)

    @staticmethod
    def write(name, text):
        with open(name, "w") as f:
            f.write(text)
        return name

    def finish(self, summary=False):
        """Removes the directory and exits 1 if a case failed."""
        os.chdir("/")
        shutil.rmtree(self.tmp, ignore_errors=True)
        if summary:
            print("# %s: %d failed" % (self.name, self.fails))
        sys.exit(1 if self.fails else 0)
