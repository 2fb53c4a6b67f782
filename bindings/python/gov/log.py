"""The decision log: libgovlog (log/govlog.h, spec/trace.md §9) through ctypes.

    log = gov.Log("decisions.log")          # open or create; one writer per log
    log.attach(vm)                          # stream 0: an attach line with the VM's state
    vm.evaluate(record)                     # appended before evaluate returns
    head = log.close()                      # keep the head elsewhere
    gov.verify_log(["decisions.log"], head=head).status   # "ok"

A VM attached to a Log appends every decision it makes (records, events, error
decisions) before the call returns, so what a host acts on is in the log first, as
`govc run --log` and govd do. The same calls write the same bytes as govc (the log holds
no wall-clock time). Verification gives govc audit verify's meaning: "ok" (exit 0),
"broken" (1: a line fails its check, the files do not chain, or the log does not reach
the given head) and "open" (3: everything verifies but the log has no close line or
ends with a torn line). When OpenSSL's libcrypto (which libgovlog opens for SHA-256 when
a log is first opened or read) cannot be loaded or does not hash right, opening,
verifying and sha256() raise LogError with code GOVLOG_ECRYPTO (11) naming libcrypto. libgovlog.so is loaded on first use, so a host that does not log
needs only libgov.
"""
import ctypes
import threading
from ctypes import POINTER, Structure, c_char, c_char_p, c_int, c_size_t, c_uint32, c_uint64, c_void_p
from dataclasses import dataclass
from typing import Optional

from . import _lib
from .errors import GovError, LogError

GOVLOG_OK, GOVLOG_EIO, GOVLOG_EMISUSE, GOVLOG_ENOMEM = 0, 1, 2, 3
GOVLOG_ETORN, GOVLOG_END, GOVLOG_ECRYPTO = 5, 10, 11
SYNC = {"line": 0, "close": 1}
TYPES = ("file", "open", "recover", "attach", "decision", "detach", "rotate", "close")


class _Options(Structure):
    _fields_ = [("log_inputs", c_int), ("max_bytes", c_uint64), ("sync", c_int), ("recover", c_int)]


class _VerifyOpts(Structure):
    _fields_ = [("after", c_char_p)]


class _Line(Structure):
    _fields_ = [("type", c_int), ("type_name", c_char_p), ("seq", c_uint64),
                ("sha256", c_char * 65), ("prev", c_char * 65), ("path", c_char_p),
                ("offset", c_uint64), ("length", c_uint64), ("file_no", c_uint64),
                ("previous", c_char_p), ("torn_offset", c_uint64), ("torn_bytes", c_uint64),
                ("torn_sha256", c_char * 65), ("stream", c_uint32), ("policy", c_char_p),
                ("policy_id", c_char_p), ("version", c_char_p), ("stamp", c_char_p),
                ("limits", c_uint32 * _lib.LIMIT_JSON), ("state_sha256", c_char * 65),
                ("state", c_void_p), ("state_len", c_size_t), ("entries", c_uint64),
                ("line_no", c_uint64), ("run_id", c_void_p), ("run_id_len", c_size_t),
                ("at", c_char_p), ("input_sha256", c_char * 65), ("input", c_void_p),
                ("input_len", c_size_t), ("decision", c_void_p), ("decision_len", c_size_t)]


_L = None
_load_lock = threading.Lock()


def lib():
    """libgovlog, declared on first use."""
    global _L
    with _load_lock:
        if _L is not None:
            return _L
        L = _lib._load("libgovlog.so", "libgovlog.so.0")
        P, PP = c_void_p, POINTER(c_void_p)

        def fn(name, restype, *argtypes):
            f = getattr(L, name)
            f.restype, f.argtypes = restype, list(argtypes)

        fn("govlog_errstr", c_char_p, c_int)
        fn("govlog_options_init", None, POINTER(_Options))
        fn("govlog_open", c_int, c_char_p, POINTER(_Options), PP, c_char_p, c_size_t)
        fn("govlog_attach", c_int, P, c_uint32, P)
        fn("govlog_append", c_int, P, c_uint32, P, c_void_p, c_size_t)
        fn("govlog_detach", c_int, P, c_uint32, P)
        fn("govlog_sync", c_int, P)
        fn("govlog_take_warning", c_int, P, c_char_p, c_size_t)
        fn("govlog_rotate", c_int, P)
        fn("govlog_close", c_int, P, c_char_p)
        fn("govlog_close_msg", c_int, P, c_char_p, c_char_p, c_size_t)
        fn("govlog_head", None, P, c_char_p)
        fn("govlog_lines", c_uint64, P)
        fn("govlog_next_seq", c_uint64, P)
        fn("govlog_recovered", c_uint64, P)
        fn("govlog_errmsg", c_char_p, P)
        fn("govlog_reader_open", c_int, POINTER(c_char_p), c_size_t, POINTER(_VerifyOpts), PP, c_char_p, c_size_t)
        fn("govlog_next", c_int, P, POINTER(_Line))
        fn("govlog_reader_closed", c_int, P)
        fn("govlog_reader_torn", c_uint64, P, POINTER(c_char_p), POINTER(c_uint64))
        fn("govlog_reader_errmsg", c_char_p, P)
        fn("govlog_reader_free", None, P)
        fn("govlog_sha256", c_int, c_void_p, c_size_t, c_char_p)
        fn("govlog_check_line", c_int, c_char_p, c_size_t, c_void_p, c_char_p, c_size_t)
        _L = L
        return L


def errstr(code):
    s = lib().govlog_errstr(code)
    return s.decode() if s else f"code {code}"


def sha256(data):
    """The SHA-256 the log uses (64 lowercase hex digits), of bytes or a str (UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    data = bytes(data)
    out = ctypes.create_string_buffer(65)
    rc = lib().govlog_sha256(data, len(data), out)
    if rc != GOVLOG_OK:
        # GOVLOG_ECRYPTO: libcrypto cannot be used; govlog_check_line says why.
        msg = ctypes.create_string_buffer(600)
        lib().govlog_check_line(b"", 0, None, msg, len(msg))
        raise LogError(rc, msg.value.decode("utf-8", "replace"))
    return out.value.decode()


def _path(p, what="path"):
    import os
    try:
        b = os.fsencode(p)
    except TypeError:
        raise TypeError(f"a {what} is a str, bytes or os.PathLike, not {type(p).__name__}") from None
    if not b or b"\0" in b:
        raise ValueError(f"a {what} is not empty and has no NUL byte")
    return b


def _digest(d, what):
    if d is None:
        return None
    if not isinstance(d, str) or len(d) != 64 or any(c not in "0123456789abcdef" for c in d):
        raise ValueError(f"{what} is a SHA-256 digest: 64 lowercase hex digits")
    return d.encode()


# ---------------------------------------------------------------- writing

class Log:
    """A decision log open for writing (govlog_open): it takes the log's writer lock
    (PATH.lock), creates the log or continues its chain.

    Log(path, *, log_inputs=True, max_bytes=0, sync="line", recover=False)
      log_inputs  keep each input record and each attached VM's state in the log, which
                  `govc audit replay` needs (govd always does; False keeps digests only)
      max_bytes   rotate before a line would take the file past this (0: never)
      sync        "line": fdatasync after every line (a decision acted on is on disk);
                  "close": only on rotation, close and sync()
      recover     a log whose last line is torn (a writer killed mid-write) is refused
                  (LogError, code GOVLOG_ETORN) unless True: then the torn bytes are cut
                  off and a recover line records them (log.recovered says how many)

    Use as a context manager, or close() it. A Log may be shared by threads."""

    def __init__(self, path, *, log_inputs=True, max_bytes=0, sync="line", recover=False):
        L = lib()
        if sync not in SYNC:
            raise ValueError(f"sync is 'line' or 'close', not {sync!r}")
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or not 0 <= max_bytes < 2**64:
            raise ValueError("max_bytes is an int from 0 (never rotate) to 2**64-1")
        self.path = path
        o = _Options()
        L.govlog_options_init(ctypes.byref(o))
        o.log_inputs = 1 if log_inputs else 0
        o.max_bytes = max_bytes
        o.sync = SYNC[sync]
        o.recover = 1 if recover else 0
        self.log_inputs = bool(log_inputs)
        h = c_void_p()
        msg = ctypes.create_string_buffer(600)
        rc = L.govlog_open(_path(path), ctypes.byref(o), ctypes.byref(h), msg, len(msg))
        if rc != GOVLOG_OK:
            raise LogError(rc, msg.value.decode("utf-8", "replace"))
        self._h = h
        self._lock = threading.Lock()
        self._streams = {}          # stream -> VM
        self._head = None

    # The handle, or LogError once closed.
    def _handle(self):
        if self._h is None:
            raise LogError(GOVLOG_EMISUSE, "the log is closed")
        return self._h

    def _check(self, rc):
        if rc != GOVLOG_OK:
            raise LogError(rc, lib().govlog_errmsg(self._h).decode("utf-8", "replace"))

    def attach(self, vm, stream=0):
        """Start logging vm as stream `stream` (a number you choose, 0 to 2**32-1): an
        attach line with its program, limits and state (its digest, and the state itself
        when inputs are logged), where a replay starts. Attach after restoring a saved
        state and before the VM's first decision you want logged; from then on every
        decision vm makes is appended before the call returns."""
        from .vm import VM
        if not isinstance(vm, VM):
            raise TypeError(f"attach needs a gov.VM, not {type(vm).__name__}")
        if isinstance(stream, bool) or not isinstance(stream, int) or not 0 <= stream < 2**32:
            raise ValueError("a stream is an int from 0 to 2**32-1")
        with self._lock:
            h = self._handle()
            if stream in self._streams:
                raise LogError(GOVLOG_EMISUSE, f"stream {stream} is attached already")
            with vm._use():
                if vm._log is not None:
                    raise LogError(GOVLOG_EMISUSE, "this VM is attached to a log already")
                self._check(lib().govlog_attach(h, stream, vm._vm))
                vm._set_log(self, stream)
            self._streams[stream] = vm

    def detach(self, vm):
        """Stop logging vm: a detach line with its decision count and state digest."""
        with self._lock:
            h = self._handle()
            stream = next((s for s, v in self._streams.items() if v is vm), None)
            if stream is None:
                raise LogError(GOVLOG_EMISUSE, "this VM is not attached to this log")
            with vm._use():
                del self._streams[stream]
                vm._set_log(None, 0)
                self._check(lib().govlog_detach(h, stream, vm._vm))

    def _append(self, stream, d, data):
        """Called by the VM, with its lock held, for decision d (its address) made from
        the input bytes `data` (None for the typed entry points)."""
        h = self._handle()
        n = 0 if data is None else len(data)
        self._check(lib().govlog_append(h, stream, d, data, n))

    def sync(self):
        """fdatasync every line written so far (for sync="close": at your own points)."""
        self._check(lib().govlog_sync(self._handle()))

    def rotate(self):
        """End the current file (renamed PATH.NNNNNN) and go on in a new PATH."""
        self._check(lib().govlog_rotate(self._handle()))

    def take_warning(self):
        """Why a rotation by size was put off (once per blocked spell), or None."""
        buf = ctypes.create_string_buffer(600)
        if lib().govlog_take_warning(self._handle(), buf, len(buf)):
            return buf.value.decode("utf-8", "replace")
        return None

    @property
    def head(self):
        """The digest of the last line written: keep it somewhere else, and
        verify_log(..., head=...) proves the log still reaches it."""
        if self._h is None:
            return self._head
        out = ctypes.create_string_buffer(65)
        lib().govlog_head(self._h, out)
        return out.value.decode()

    @property
    def lines(self):
        """Lines written through this Log."""
        return lib().govlog_lines(self._handle())

    @property
    def next_seq(self):
        """The sequence number the next line will take."""
        return lib().govlog_next_seq(self._handle())

    @property
    def recovered(self):
        """Bytes of a torn tail cut off when the log was opened (recover=True), else 0."""
        return lib().govlog_recovered(self._handle())

    @property
    def closed(self):
        return self._h is None

    def close(self):
        """Write the close line (detaching every VM still attached, without a final state
        digest: detach them first for one), sync, release the lock. Returns the head.
        Closing twice returns the head again."""
        with self._lock:
            if self._h is None:
                return self._head
            for vm in self._streams.values():
                with vm._lock:           # waits for an evaluation in another thread
                    vm._set_log(None, 0)
            self._streams.clear()
            h, self._h = self._h, None
            out = ctypes.create_string_buffer(65)
            msg = ctypes.create_string_buffer(600)
            rc = lib().govlog_close_msg(h, out, msg, len(msg))
            self._head = out.value.decode()
            if rc != GOVLOG_OK:
                raise LogError(rc, "the close line could not be written: " + msg.value.decode("utf-8", "replace"))
            return self._head

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_h", None) is not None:
            try:
                self.close()
            except Exception:   # noqa: BLE001 -- nothing to tell at collection time
                pass

    def __repr__(self):
        return f"<gov.Log {self.path!r}{' closed' if self._h is None else ''}>"


# ---------------------------------------------------------------- reading

@dataclass(frozen=True, slots=True)
class LogLine:
    """One verified line (spec/trace.md §9.2). Members that the type does not have are
    None. input and decision are str when they are UTF-8 (bytes otherwise); state is
    bytes."""
    type: str
    seq: int
    sha256: str
    prev: str
    path: str
    offset: int
    length: int
    file_no: Optional[int] = None
    previous: Optional[str] = None
    torn_offset: Optional[int] = None
    torn_bytes: Optional[int] = None
    torn_sha256: Optional[str] = None
    stream: Optional[int] = None
    policy: Optional[str] = None
    policy_id: Optional[str] = None
    version: Optional[str] = None
    stamp: Optional[str] = None
    limits: Optional[dict] = None
    state_sha256: Optional[str] = None
    state: Optional[bytes] = None
    entries: Optional[int] = None
    line: Optional[int] = None
    run_id: Optional[str] = None
    at: Optional[str] = None
    input_sha256: Optional[str] = None
    input: Optional[object] = None
    decision: Optional[str] = None


def _s(b):
    return None if b is None else b.decode("utf-8", "surrogateescape")


def _line(c):
    t = TYPES[c.type - 1]
    kw = dict(type=t, seq=c.seq, sha256=c.sha256.decode(), prev=c.prev.decode(), path=_s(c.path),
              offset=c.offset, length=c.length)
    if t in ("file", "rotate"):
        kw["file_no"] = c.file_no
    elif t == "open":
        kw["previous"] = _s(c.previous)
    elif t == "recover":
        kw.update(torn_offset=c.torn_offset, torn_bytes=c.torn_bytes, torn_sha256=c.torn_sha256.decode())
    if t in ("attach", "decision", "detach"):
        kw["stream"] = c.stream
    if t in ("attach", "decision"):
        kw.update(policy_id=_s(c.policy_id), version=_s(c.version), stamp=_s(c.stamp))
    if t == "attach":
        kw["policy"] = _s(c.policy)
        kw["limits"] = {name: c.limits[i] for name, i in _lib.JSON_LIMITS.items()}
        kw["state"] = ctypes.string_at(c.state, c.state_len) if c.state else None
    if t in ("attach", "detach"):
        kw["state_sha256"] = c.state_sha256.decode() or None
    if t in ("detach", "close"):
        kw["entries"] = c.entries
    if t == "decision":
        kw["line"] = c.line_no
        kw["run_id"] = ctypes.string_at(c.run_id, c.run_id_len).decode("utf-8", "surrogateescape") if c.run_id else None
        kw["at"] = _s(c.at)
        kw["input_sha256"] = c.input_sha256.decode() or None
        if c.input:
            raw = ctypes.string_at(c.input, c.input_len)
            try:
                kw["input"] = raw.decode("utf-8")
            except UnicodeDecodeError:
                kw["input"] = raw
        kw["decision"] = ctypes.string_at(c.decision, c.decision_len).decode("utf-8", "surrogateescape")
    return LogLine(**kw)


class _Reader:
    def __init__(self, paths, after):
        if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
            paths = [paths]
        enc = [_path(p, "log path") for p in paths]
        if not enc:
            raise ValueError("give at least one file of the log")
        arr = (c_char_p * len(enc))(*enc)
        vo = _VerifyOpts(_digest(after, "after"))
        h = c_void_p()
        msg = ctypes.create_string_buffer(800)
        rc = lib().govlog_reader_open(arr, len(enc), ctypes.byref(vo), ctypes.byref(h), msg, len(msg))
        self.open_rc, self.open_msg = rc, msg.value.decode("utf-8", "replace")
        self._h = h if rc == GOVLOG_OK else None
        self._line = _Line()
        self.rc = None

    def next(self):
        """A LogLine, or None at the end or at the first failure (then self.rc is set)."""
        rc = lib().govlog_next(self._h, ctypes.byref(self._line))
        if rc == GOVLOG_OK:
            return _line(self._line)
        self.rc = rc
        return None

    def errmsg(self):
        return lib().govlog_reader_errmsg(self._h).decode("utf-8", "replace")

    def free(self):
        if self._h is not None:
            lib().govlog_reader_free(self._h)
            self._h = None


def read_log(paths, *, after=None):
    """The lines of a log (its files in any order), each verified before it is yielded.
    Raises LogError at the first line that fails (code GOVLOG_ECORRUPT, ECHAIN, ETORN or
    EIO; the message names the file, byte offset and line); a torn tail ends the
    iteration with LogError(GOVLOG_ETORN) after every whole line. after: the digest the
    first file given follows (older files archived elsewhere)."""
    r = _Reader(paths, after)
    try:
        if r.open_rc != GOVLOG_OK:
            raise LogError(r.open_rc, r.open_msg)
        while True:
            ln = r.next()
            if ln is None:
                if r.rc != GOVLOG_END:
                    raise LogError(r.rc, r.errmsg())
                return
            yield ln
    finally:
        r.free()


@dataclass(frozen=True, slots=True)
class Verification:
    """What verify_log found. status: "ok", "broken" or "open", exit_code: govc audit
    verify's for it (0, 1, 3). message: why it is not ok. head: the digest of the last
    line verified. torn: (path, offset, length) of a torn tail, else None."""
    status: str
    exit_code: int
    message: Optional[str]
    lines: int
    first_seq: int
    files: int
    decisions: int
    sessions: int
    unclosed_sessions: int
    recovered: int
    head: Optional[str]
    closed: bool
    torn: Optional[tuple]
    head_seq: Optional[int]

    @property
    def ok(self):
        return self.status == "ok"


def verify_log(paths, *, head=None, after=None):
    """Verify a log's files (any order) as `govc audit verify [--head D] [--after D]`
    does, with the same outcome: status "ok" (exit 0: intact and closed, or ending at
    the given head), "broken" (1: altered, incomplete, not one chain, or not reaching
    the given head) or "open" (3: intact but without a close line, or with a torn last
    line). An I/O error (a file that cannot be read) or a libcrypto that cannot be used
    (GOVLOG_ECRYPTO) raises LogError, as govc exits 2."""
    hd = _digest(head, "head")
    r = _Reader(paths, after)
    try:
        if r.open_rc != GOVLOG_OK:
            if r.open_rc in (GOVLOG_EIO, GOVLOG_ENOMEM, GOVLOG_ECRYPTO):
                raise LogError(r.open_rc, r.open_msg)
            return Verification("broken", 1, r.open_msg, 0, 0, 0, 0, 0, 0, 0, None, False, None, None)
        n = first = files = decisions = sessions = unclosed = recovered = 0
        last = None
        head_seq = None
        while True:
            ln = r.next()
            if ln is None:
                break
            if not n:
                first = ln.seq
            n += 1
            files += ln.type == "file"
            decisions += ln.type == "decision"
            sessions += ln.type == "open"
            recovered += ln.type == "recover"
            unclosed += ln.type == "open" and ln.previous == "unclosed"
            if hd is not None and ln.sha256 == head:
                head_seq = ln.seq
            last = ln.sha256
        rc = r.rc
        counts = (n, first, files, decisions, sessions, unclosed, recovered, last)
        if rc not in (GOVLOG_END, GOVLOG_ETORN):
            if rc in (GOVLOG_EIO, GOVLOG_ENOMEM, GOVLOG_ECRYPTO):
                raise LogError(rc, r.errmsg())
            return Verification("broken", 1, r.errmsg(), *counts, False, None, head_seq)
        closed = bool(lib().govlog_reader_closed(r._h))
        tpath = c_char_p()
        toff = c_uint64()
        tlen = lib().govlog_reader_torn(r._h, ctypes.byref(tpath), ctypes.byref(toff))
        torn = (_s(tpath.value), toff.value, tlen) if tlen else None
        status, code, message = "ok", 0, None
        if rc == GOVLOG_ETORN:
            status, code, message = "open", 3, r.errmsg()
        elif not closed:
            status, code, message = "open", 3, "the log does not end with a close line"
        if hd is not None:
            if head_seq is None:
                status, code = "broken", 1
                message = f"the log does not reach the head {head}: it was truncated or rewritten"
            elif head_seq == first + n - 1 and status == "open" and rc != GOVLOG_ETORN:
                status, code, message = "ok", 0, None
        return Verification(status, code, message, *counts, closed, torn, head_seq)
    finally:
        r.free()


# ---------------------------------------------------------------- replaying

@dataclass(frozen=True, slots=True)
class Difference:
    """A logged decision that the replay did not reproduce byte for byte."""
    seq: int
    path: str
    offset: int
    stream: int
    line: int
    run_id: Optional[str]
    logged: str
    replayed: str


@dataclass(frozen=True, slots=True)
class Replay:
    """What replay_log found. exit_code is govc audit replay's: 0 when every logged
    decision was reproduced from an intact log (a torn tail stops it without failing
    it), else 1. notes: what could not be replayed and why, and state discontinuities,
    in log order, as govc prints them."""
    replayed: int
    differences: tuple
    skipped: int
    discontinuities: int
    notes: tuple
    intact: bool
    message: Optional[str]
    exit_code: int

    @property
    def ok(self):
        return self.exit_code == 0


class _Stream:
    __slots__ = ("vm", "policy", "skip")

    def __init__(self):
        self.vm = self.policy = self.skip = None


def _state_sha(vm):
    return sha256(vm.save_state())


def replay_log(paths, policies, *, hosts=None, after=None):
    """Evaluate a verified log's inputs again, stream by stream, as `govc audit replay`
    does (spec/trace.md §9.5): each stream gets a VM of the policy (from `policies`, a
    Policy or a list of them) whose id its attach line names, with the logged limits,
    from the logged state; each decision is compared byte for byte with the logged one,
    and each detach's state digest with the replayed VM's. hosts: {extern: callable}
    bound to every VM (as govc's --host-lib). Returns a Replay with govc's exit code; an
    I/O error raises LogError. The log is read as read_log reads it: a line that fails
    its check stops the replay there (exit 1)."""
    from .policy import Policy
    from .vm import VM
    if isinstance(policies, Policy):
        policies = [policies]
    policies = list(policies)
    if not policies or not all(isinstance(p, Policy) for p in policies):
        raise TypeError("policies is a gov.Policy or a list of them")
    by_id = {}
    for p in policies:
        by_id.setdefault(p.id, p)
    cfg = _lib.Config()
    _lib.gov_config_init(ctypes.byref(cfg))
    defaults = {name: cfg.limits[i] for name, i in _lib.JSON_LIMITS.items()}
    streams = {}
    notes = []
    diffs = []
    counts = {"replayed": 0, "skipped": 0, "gaps": 0}

    def new_vm(s, pol, ln):
        vm = VM(pol, limits={k: max(defaults[k], v) for k, v in ln.limits.items()}, hosts=hosts)
        for k, v in ln.limits.items():
            vm.limit(k, v)
        s.vm, s.policy = vm, pol

    def attach(ln):
        s = streams.setdefault(ln.stream, _Stream())
        pol = by_id.get(ln.policy_id)
        if pol is None:
            notes.append(f"seq {ln.seq}: stream {ln.stream} runs policy {ln.policy} (id {ln.policy_id}"
                         f"{', version ' + ln.version if ln.version else ''}), which was not given: its decisions "
                         "are not replayed")
            s.policy, s.skip = None, "its policy was not given"
            return
        if s.vm is not None and s.policy is pol:
            if _state_sha(s.vm) == ln.state_sha256:
                s.skip = None
                return
            notes.append(f"seq {ln.seq}: stream {ln.stream} restarts from a state that is not the one its last "
                         "session ended in (the host restored another state, or evaluated records it did not log); "
                         "the replay takes the logged state")
            counts["gaps"] += 1
        new_vm(s, pol, ln)
        s.skip = None
        if ln.state is not None:
            try:
                s.vm.load_state(ln.state)
            except GovError as e:
                notes.append(f"seq {ln.seq}: stream {ln.stream}: the logged state does not load: {e.message}")
                s.skip = "its start state does not load"
            return
        if _state_sha(s.vm) != ln.state_sha256:
            notes.append(f"seq {ln.seq}: stream {ln.stream} starts from a saved state the log does not hold "
                         "(written without inputs): its decisions are not replayed")
            s.skip = "its start state is not in the log"

    def decision(ln):
        s = streams.setdefault(ln.stream, _Stream())
        if s.policy is None or s.skip:
            counts["skipped"] += 1
            return
        if ln.input is None:
            notes.append(f"seq {ln.seq}: stream {ln.stream}: line {ln.line} was logged without its input "
                         f"({'written without inputs' if ln.input_sha256 else 'a typed record, no JSON'}): this "
                         "and the stream's later decisions are not replayed")
            s.skip = "an input is missing"
            counts["skipped"] += 1
            return
        data = ln.input.encode("utf-8") if isinstance(ln.input, str) else ln.input
        got = s.vm._replay_json(data, ln.line)
        counts["replayed"] += 1
        if got != ln.decision:
            diffs.append(Difference(ln.seq, ln.path, ln.offset, ln.stream, ln.line, ln.run_id, ln.decision, got))

    def detach(ln):
        s = streams.setdefault(ln.stream, _Stream())
        if s.policy is None or s.skip or not ln.state_sha256:
            return
        have = _state_sha(s.vm)
        if have != ln.state_sha256:
            notes.append(f"seq {ln.seq}: stream {ln.stream} ends in another state than the log says "
                         f"({ln.state_sha256}, replayed {have})")
            counts["gaps"] += 1

    r = _Reader(paths, after)
    try:
        if r.open_rc != GOVLOG_OK:
            if r.open_rc == GOVLOG_EIO:
                raise LogError(r.open_rc, r.open_msg)
            return Replay(0, (), 0, 0, (), False, r.open_msg, 1)
        while True:
            ln = r.next()
            if ln is None:
                break
            if ln.type == "attach":
                attach(ln)
            elif ln.type == "decision":
                decision(ln)
            elif ln.type == "detach":
                detach(ln)
        intact = r.rc == GOVLOG_END
        message = None if intact else r.errmsg()
        if r.rc in (GOVLOG_EIO, GOVLOG_ENOMEM):
            raise LogError(r.rc, message)
    finally:
        r.free()
    bad = diffs or counts["skipped"] or counts["gaps"] or (not intact and r.rc != GOVLOG_ETORN)
    return Replay(counts["replayed"], tuple(diffs), counts["skipped"], counts["gaps"], tuple(notes), intact, message,
                  1 if bad else 0)
