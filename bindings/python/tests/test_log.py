"""The decision log through the binding (gov.Log, gov.verify_log, gov.read_log), checked
against the real govc: a log written from Python is the same bytes as govc run --log's
for the same inputs, govc audit verify and replay accept what Python writes, and
verify_log reaches govc audit verify's verdict (0 ok, 1 broken, 3 open or torn) on every
kind of damage."""
import json
import os
import random

import pytest

import gov
from conftest import govc, run_typed

LOAN = "policies/loan_underwriting"
RECORD = {"tenant": "acme", "project": "billing", "agent": "triage-bot", "at": "2026-11-25T09:00:00Z",
          "run_id": "r-1", "latency_ms": 4000, "cost_usd": 0.01}


def files_of(path):
    d = os.path.dirname(path) or "."
    base = os.path.basename(path)
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f == base or (f.startswith(base + ".") and f[len(base) + 1:].isdigit()))


def events(path):
    with open(path, encoding="utf-8") as f:
        return [ln.rstrip("\n") for ln in f]


def test_log_bytes_equal_govc_run(tmp_path):
    """The same policy, inputs and calls write the same bytes: Python's log of the loan
    event stream is govc run --log --log-inputs's, digests and head included."""
    govb = tmp_path / "loan.govb"
    assert govc("build", "-o", str(govb), LOAN).returncode == 0
    r = govc("run", "-p", str(govb), "--log", str(tmp_path / "c.log"), "--log-inputs", f"{LOAN}/events.jsonl")
    assert r.returncode in (0, 1), r.stderr
    p = gov.Policy.load(govb.read_bytes())
    vm = gov.VM(p)
    with gov.Log(tmp_path / "py.log") as log:
        log.attach(vm)
        for n, line in enumerate(events(f"{LOAN}/events.jsonl"), 1):
            vm.evaluate(line, n)
        log.detach(vm)
    assert (tmp_path / "py.log").read_bytes() == (tmp_path / "c.log").read_bytes()
    assert f"head {log.head}" in r.stderr
    assert govc("audit", "verify", "--head", log.head, str(tmp_path / "py.log")).returncode == 0


def test_typed_events_and_dicts_replay_with_govc(tmp_path):
    """Records as dicts, gates and ticks through the typed calls: govc audit verify says
    intact and closed, and govc audit replay reproduces every decision, because an event
    made while logging is logged as its JSON line."""
    govb = tmp_path / "loan.govb"
    assert govc("build", "-o", str(govb), LOAN).returncode == 0
    vm = gov.VM(gov.Policy.load(govb.read_bytes()))
    path = tmp_path / "typed.log"
    log = gov.Log(path)
    log.attach(vm, stream=7)
    ds = run_typed(vm, events(f"{LOAN}/events.jsonl"))
    log.detach(vm)
    head = log.close()
    v = govc("audit", "verify", "--head", head, str(path))
    assert v.returncode == 0, v.stdout
    assert "20 decisions" in v.stdout and "closed" in v.stdout
    rp = govc("audit", "replay", "--policy", str(govb), str(path))
    assert rp.returncode == 0, rp.stdout + rp.stderr
    # What the log holds is what the host was given.
    lines = [ln for ln in gov.read_log(path) if ln.type == "decision"]
    assert [ln.decision for ln in lines] == [d.json for d in ds]
    assert all(ln.stream == 7 and ln.input is not None and ln.input_sha256 == gov.log.sha256(ln.input) for ln in lines)
    assert lines[4].input.startswith('{"type":"approve","gate_id":"8352f20ab4ef20f2"')
    ok = gov.verify_log(path, head=head)
    assert ok.status == "ok" and ok.exit_code == 0 and ok.decisions == 20 and ok.closed and ok.head == head


def test_error_decisions_are_logged_before_the_exception(tmp_path):
    vm = gov.VM(gov.Policy.compile("policies/support"))
    with gov.Log(tmp_path / "e.log") as log:
        log.attach(vm)
        vm.evaluate(RECORD, 1)
        with pytest.raises(gov.RecordError):
            vm.evaluate('{"at":', 2)
        vm.evaluate(json.dumps(RECORD), 3)
    ds = [ln for ln in gov.read_log(tmp_path / "e.log") if ln.type == "decision"]
    assert [d.line for d in ds] == [1, 2, 3] and ds[1].input == '{"at":' and '"status":"error"' in ds[1].decision
    assert ds[0].run_id == "r-1" and ds[0].at == "2026-11-25T09:00:00Z" and ds[1].run_id is None
    assert govc("audit", "verify", str(tmp_path / "e.log")).returncode == 0


def write_support_log(path, n=40, **kw):
    vm = gov.VM(gov.Policy.compile("policies/support"))
    log = gov.Log(path, **kw)
    log.attach(vm)
    for i in range(n):
        vm.evaluate(dict(RECORD, run_id=f"r-{i}", latency_ms=1000 + 100 * i, at=f"2026-11-25T09:{i % 60:02d}:00Z"), i + 1)
    return vm, log


def edit(path, fn):
    with open(path, "rb") as f:
        b = f.read()
    with open(path, "wb") as f:
        f.write(fn(b))


def damaged_logs(tmp):
    """(name, paths, head, expected exit) for every kind of damage, and intact ones."""
    cases = []

    def fresh(name):
        p = os.path.join(tmp, name, "d.log")
        os.makedirs(os.path.dirname(p))
        _, log = write_support_log(p, 12)
        return p, log

    p, log = fresh("closed")
    head = log.close()
    cases.append(("closed", [p], None, 0))
    cases.append(("closed, with its head", [p], head, 0))
    cases.append(("closed, another head", [p], "0" * 64, 1))

    p, log = fresh("edited")
    log.close()
    edit(p, lambda b: b.replace(b'"verdict":"warn"', b'"verdict":"allow"', 1))
    cases.append(("a decision edited", [p], None, 1))

    p, log = fresh("removed")
    log.close()
    edit(p, lambda b: b"".join(ln for i, ln in enumerate(b.splitlines(True)) if i != 5))
    cases.append(("a line removed", [p], None, 1))

    p, log = fresh("swapped")
    log.close()

    def swap(b):
        ls = b.splitlines(True)
        ls[4], ls[5] = ls[5], ls[4]
        return b"".join(ls)
    edit(p, swap)
    cases.append(("two lines swapped", [p], None, 1))

    p, log = fresh("cut")
    head = log.close()
    edit(p, lambda b: b"".join(b.splitlines(True)[:-3]))
    cases.append(("the end cut at a line boundary", [p], None, 3))
    cases.append(("the end cut, with the head kept", [p], head, 1))

    p, log = fresh("open")
    mid = log.head
    log.close()
    edit(p, lambda b: b"".join(b.splitlines(True)[:-2]))   # the detach and close lines gone
    cases.append(("open, ending at the given head", [p], mid, 0))

    p, log = fresh("torn")
    log.close()
    edit(p, lambda b: b + b'{"seq":99,"prev":"')
    cases.append(("a torn tail", [p], None, 3))

    p = os.path.join(tmp, "rot", "d.log")
    os.makedirs(os.path.dirname(p))
    _, log = write_support_log(p, 30, max_bytes=4000)
    log.close()
    fs = files_of(p)
    assert len(fs) > 2
    cases.append(("rotated, files in any order", list(reversed(fs)), None, 0))
    cases.append(("rotated, a middle file missing", [f for i, f in enumerate(fs) if i != 1], None, 1))
    return cases


def test_verify_agrees_with_govc_audit_verify(tmp_path):
    for name, paths, head, want in damaged_logs(str(tmp_path)):
        args = ["audit", "verify"] + (["--head", head] if head else []) + paths
        c = govc(*args)
        v = gov.verify_log(paths, head=head)
        assert (name, c.returncode) == (name, want), c.stdout
        assert (name, v.exit_code, v.status) == (name, want, {0: "ok", 1: "broken", 3: "open"}[want]), v
        if want:
            assert v.message, name
        m = [ln for ln in c.stdout.splitlines() if ln.startswith("verified")]
        if m:
            assert m[0].startswith(f"verified {v.lines} line"), (name, m[0], v)
            assert f"{v.decisions} decision" in m[0]
        if name == "a torn tail":
            assert v.torn is not None and v.torn[0] == paths[0] and v.torn[2] == len(b'{"seq":99,"prev":"')
            with pytest.raises(gov.LogError) as ei:
                list(gov.read_log(paths))
            assert ei.value.code == 5


def test_tampered_log_is_detected_by_read_log(tmp_path):
    p = tmp_path / "t.log"
    _, log = write_support_log(p, 10)
    log.close()
    before = p.read_bytes()
    edit(p, lambda b: b.replace(b'latency_ms\\":1500', b'latency_ms\\":1400', 1))
    assert p.read_bytes() != before
    seen = []
    with pytest.raises(gov.LogError) as ei:
        for ln in gov.read_log(p):
            seen.append(ln)
    assert ei.value.code == 6 and "t.log:" in str(ei.value) and "seq 8" in str(ei.value), str(ei.value)
    assert seen and all(ln.line != 6 for ln in seen)   # stops at the edited line


def test_rotation_sync_modes_and_reopen(tmp_path):
    p = tmp_path / "r.log"
    vm, log = write_support_log(p, 5, sync="close")
    log.sync()
    log.rotate()
    vm.evaluate(dict(RECORD, at="2026-11-25T10:00:00Z"), 6)
    n = log.lines
    assert n == log.next_seq and n > 8
    log.detach(vm)
    log.close()
    assert [os.path.basename(f) for f in files_of(str(p))] == ["r.log", "r.log.000001"]
    # Open again: the chain goes on, and the new session says the last one closed.
    vm2 = gov.VM(vm.policy)
    with gov.Log(p, sync="line") as log2:
        log2.attach(vm2, 1)
        vm2.evaluate(RECORD, 1)
    opens = [ln.previous for ln in gov.read_log(files_of(str(p))) if ln.type == "open"]
    assert opens == ["none", "closed"]
    assert govc("audit", "verify", *files_of(str(p))).returncode == 0
    assert gov.verify_log(files_of(str(p))).sessions == 2
    # Without inputs: digests only.
    q = tmp_path / "noin.log"
    with gov.Log(q, log_inputs=False) as lg:
        lg.attach(gov.VM(vm.policy))
        lg._streams[0].evaluate(RECORD)
    d = [ln for ln in gov.read_log(q) if ln.type == "decision"][0]
    assert d.input is None and d.input_sha256 == gov.log.sha256(json.dumps(RECORD, separators=(",", ":")))


def test_one_writer_torn_tail_and_recover(tmp_path):
    p = tmp_path / "w.log"
    vm, log = write_support_log(p, 3)
    with pytest.raises(gov.LogError) as ei:
        gov.Log(p)
    assert ei.value.code == 4   # ELOCKED
    log.close()
    edit(p, lambda b: b + b'{"seq":12,"pr')
    with pytest.raises(gov.LogError) as ei:
        gov.Log(p)
    assert ei.value.code == 5   # ETORN
    assert gov.verify_log(p).exit_code == 3 == govc("audit", "verify", str(p)).returncode
    with gov.Log(p, recover=True) as lg:
        assert lg.recovered == len(b'{"seq":12,"pr')
    assert gov.verify_log(p).status == "ok" and govc("audit", "verify", str(p)).returncode == 0
    kinds = [ln.type for ln in gov.read_log(p)]
    assert kinds[-3:] == ["recover", "open", "close"]


def test_bad_input_raises(tmp_path):
    vm = gov.VM(gov.Policy.compile("policies/support"))
    for bad, exc in [(123, TypeError), ("", ValueError), ("a\0b", ValueError)]:
        with pytest.raises(exc):
            gov.Log(bad)
    with pytest.raises(gov.LogError) as ei:
        gov.Log(tmp_path / "no" / "such" / "dir.log")
    assert ei.value.code == 1 and ei.value.name
    for kw in [{"sync": "never"}, {"max_bytes": -1}, {"max_bytes": True}]:
        with pytest.raises(ValueError):
            gov.Log(tmp_path / "x.log", **kw)
    log = gov.Log(tmp_path / "b.log")
    with pytest.raises(TypeError):
        log.attach("vm")
    for s in (-1, 2**32, 1.0, True):
        with pytest.raises(ValueError):
            log.attach(vm, s)
    log.attach(vm, 3)
    with pytest.raises(gov.LogError):
        log.attach(vm, 4)               # one log per VM
    with pytest.raises(gov.LogError):
        log.attach(gov.VM(vm.policy), 3)   # one VM per stream
    with pytest.raises(gov.GovError):
        vm.load_state(vm.save_state())  # the log would not see the new state
    with pytest.raises(gov.LogError):
        log.detach(gov.VM(vm.policy))
    head = log.close()
    assert log.close() == head and log.closed and vm.log is None
    vm.evaluate(RECORD)                 # detached by close: evaluates, logs nothing
    for call in (log.sync, log.rotate, lambda: log.attach(vm), lambda: log.lines):
        with pytest.raises(gov.LogError):
            call()
    for bad, exc in [([], ValueError), ([None], TypeError), (tmp_path / "none.log", gov.LogError)]:
        with pytest.raises(exc):
            gov.verify_log(bad)
    for h in ("abc", "G" * 64, 5):
        with pytest.raises(ValueError):
            gov.verify_log(tmp_path / "b.log", head=h)
    # after: the first file must follow that digest (zeros: the start of the log).
    b = str(tmp_path / "b.log")
    for after in ("0" * 64, "1" * 64):
        assert gov.verify_log([b], after=after).exit_code == govc("audit", "verify", "--after", after, b).returncode
    assert gov.verify_log([b], after="1" * 64).status == "broken"


def test_threads_share_a_log(tmp_path):
    """One Log, one VM per thread, each its stream: every decision is in the log, and it
    verifies and replays."""
    import threading
    p = gov.Policy.compile("policies/support")
    path = tmp_path / "th.log"
    log = gov.Log(path, sync="close")
    errs = []

    def work(k):
        try:
            vm = gov.VM(p)
            log.attach(vm, k)
            for i in range(50):
                vm.evaluate(dict(RECORD, run_id=f"t{k}-{i}", latency_ms=random.randint(1, 6000)), i + 1)
            log.detach(vm)
        except Exception as e:   # noqa: BLE001
            errs.append(e)
    ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    log.close()
    assert not errs
    v = gov.verify_log(path)
    assert v.ok and v.decisions == 200
    govb = tmp_path / "s.govb"
    govb.write_bytes(p.bytes)
    rp = govc("audit", "replay", "--policy", str(govb), str(path))
    assert rp.returncode == 0, rp.stdout


def forge(path, old, new):
    """Rewrite the first decision containing `old` and recompute every digest after it,
    as a forger who knows the format would: the chain verifies, the replay does not."""
    import hashlib
    lines = open(path, "rb").read().splitlines()
    out, prev, done = [], None, False
    for ln in lines:
        if prev is not None:
            ln = ln[:ln.index(b'"prev":"') + 8] + prev + ln[ln.index(b'"prev":"') + 72:]
        if not done and b'"type":"decision"' in ln and old in ln:
            ln, done = ln.replace(old, new, 1), True
        body = ln[:-77]
        digest = hashlib.sha256(body).hexdigest().encode()
        ln = body + b',"sha256":"' + digest + b'"}'
        prev = digest
        out.append(ln)
    assert done
    open(path, "wb").write(b"\n".join(out) + b"\n")


def replay_summary(stdout):
    return next(ln for ln in stdout.splitlines() if ln.startswith("replayed "))


def test_replay_agrees_with_govc_audit_replay(tmp_path):
    govb = tmp_path / "loan.govb"
    assert govc("build", "-o", str(govb), LOAN).returncode == 0
    loan = gov.Policy.load(govb.read_bytes())
    support = gov.Policy.compile("policies/support")
    sgovb = tmp_path / "support.govb"
    sgovb.write_bytes(support.bytes)

    def both(paths, pols):
        c = govc("audit", "replay", *sum((["--policy", str(p)] for p in pols), []), *map(str, paths))
        r = gov.replay_log(paths, [loan if p == govb else support for p in pols])
        return c, r

    # A log written from Python (typed events, dicts), two streams of two policies.
    p = tmp_path / "two.log"
    with gov.Log(p) as log:
        a, b = gov.VM(loan), gov.VM(support)
        log.attach(a, 0)
        log.attach(b, 1)
        run_typed(a, events(f"{LOAN}/events.jsonl"))
        for i in range(10):
            b.evaluate(dict(RECORD, run_id=f"s{i}", latency_ms=700 * i), i + 1)
    c, r = both([p], [govb, sgovb])
    assert c.returncode == r.exit_code == 0, c.stdout
    assert replay_summary(c.stdout) == f"replayed {r.replayed} decisions: 0 differ" and r.replayed == 30
    # Only one policy given: the other stream is not replayed, and that fails the replay.
    c, r = both([p], [govb])
    assert c.returncode == r.exit_code == 1 and r.skipped == 10 and r.replayed == 20
    assert f"{r.skipped} not replayed" in replay_summary(c.stdout) and "not given" in r.notes[0]
    # A forged log: digests recomputed after an edited verdict. It verifies; replay shows it.
    forge(p, b'"verdict":"warn"', b'"verdict":"allow"')
    assert gov.verify_log(p).ok and govc("audit", "verify", str(p)).returncode == 0
    c, r = both([p], [govb, sgovb])
    assert c.returncode == r.exit_code == 1 and len(r.differences) == 1, c.stdout
    assert replay_summary(c.stdout) == "replayed 30 decisions: 1 differs"
    d = r.differences[0]
    assert f"seq {d.seq} " in c.stdout and '"verdict":"allow"' in d.logged and '"verdict":"warn"' in d.replayed
    # Without inputs: verifiable, not replayable.
    q = tmp_path / "noin.log"
    with gov.Log(q, log_inputs=False) as log:
        v = gov.VM(support)
        log.attach(v)
        v.evaluate(RECORD)
    c, r = both([q], [sgovb])
    assert c.returncode == r.exit_code == 1 and r.skipped == 1 and r.replayed == 0
    # A state restored before attaching is in the log (inputs logged): the replay starts there.
    s = tmp_path / "state.log"
    v = gov.VM(support)
    v.evaluate(RECORD)
    v2 = gov.VM(support)
    v2.load_state(v.save_state())
    with gov.Log(s) as log:
        log.attach(v2)
        v2.evaluate(dict(RECORD, at="2026-11-25T09:05:00Z"))
        log.detach(v2)
    c, r = both([s], [sgovb])
    assert c.returncode == r.exit_code == 0 and r.replayed == 1
    for bad in (None, [], ["x"]):
        with pytest.raises(TypeError):
            gov.replay_log(s, bad)


def test_rotation_put_off_is_reported(tmp_path):
    """A rotation by size that would rename onto a name that exists is put off: the file
    grows past max_bytes, take_warning says why once, and the log stays one chain."""
    p = tmp_path / "w.log"
    vm = gov.VM(gov.Policy.compile("policies/support"))
    log = gov.Log(p, max_bytes=3000, sync="close")
    log.attach(vm)
    assert log.take_warning() is None
    os.mkdir(str(p) + ".000001")
    for i in range(20):
        vm.evaluate(dict(RECORD, latency_ms=i))
    w = log.take_warning()
    assert w and "000001" in w and "exists" in w
    assert log.take_warning() is None          # once per blocked spell
    log.close()
    assert os.path.getsize(p) > 3000 and gov.verify_log(p).ok
