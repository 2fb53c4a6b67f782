"""The VM: evaluate records and events against a Policy, and read decisions.

A VM lives in an arena this object owns (a ctypes buffer of the size the program
states); evaluation allocates nothing in C. Threads: one VM is used by one thread at a
time (a second thread calling in while a call runs gets a GovError, not a crash); use one
VM per thread, all sharing one Policy. The GIL is released while libgov evaluates (ctypes
releases it around every call, and so does the extension), so VMs in different threads
evaluate in parallel; a Python host function takes the GIL back for the length of its
call. Evaluations take the extension's path (_govext.c, see _fast.py) when it is built
and the VM neither traces nor logs; the others take the general one, through cffi or
ctypes, which writes each decision's JSON at once.
"""
import ctypes
import datetime
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

from . import _fast, _lib
from .errors import BindError, GovError, LoadError, RecordError, TraceError

INT64_MIN = -(2**63)
_VERDICTS = _lib.VERDICTS
_string_at = ctypes.string_at
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _json_default(o):
    if isinstance(o, datetime.datetime):
        if o.tzinfo is None:
            raise TypeError("a datetime in a record needs a time zone (gov times are absolute)")
        return o.isoformat()
    raise TypeError(f"a record value of type {type(o).__name__} has no JSON form")


def _make_encoder():
    """dict -> JSON text. json's C encoder made once (JSONEncoder.encode builds a new one
    per call, which costs about as much as encoding a small record); no circular-reference
    table: a record that contains itself ends in RecursionError. ASCII output (other
    characters escaped) encodes to bytes without a UTF-8 pass."""
    from json import encoder as E
    if E.c_make_encoder is not None:
        enc = E.c_make_encoder(None, _json_default, E.encode_basestring_ascii, None, ":", ",", False, False, True)
        join = "".join
        return lambda o: join(enc(o, 0))
    return json.JSONEncoder(separators=(",", ":"), default=_json_default).encode


_encode = _make_encoder()


def _nothing():
    pass


_ext_ready = False


def _setup_ext():
    global _ext_ready
    if not _ext_ready:
        _fast.setup_ext(_fast.ext, Decision, RecordError, GovError, _encode, _canon)
        _ext_ready = True


def to_ns(t):
    """An event time as ns since the epoch: an int (ns), an aware datetime, or an RFC 3339
    string ("2026-11-25T10:00:00Z")."""
    if isinstance(t, bool):
        raise TypeError("a time is an int (ns), a datetime or an RFC 3339 string, not a bool")
    if isinstance(t, int):
        if not INT64_MIN <= t < 2**63:
            raise ValueError("a time in ns must fit in 64 bits")
        return t
    if isinstance(t, str):
        try:
            t = datetime.datetime.fromisoformat(t.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValueError(f"not an RFC 3339 time: {t!r}") from None
    if isinstance(t, datetime.datetime):
        if t.tzinfo is None:
            raise ValueError("a datetime needs a time zone")
        d = t - _EPOCH
        return (d.days * 86400 + d.seconds) * 1_000_000_000 + d.microseconds * 1000
    raise TypeError(f"a time is an int (ns), a datetime or an RFC 3339 string, not {type(t).__name__}")


# ---------------------------------------------------------------- decisions

@dataclass(frozen=True, slots=True)
class Value:
    """A value as the decision gives it (spec/trace.md §2): type ("money", "duration", ...),
    value in the canonical unit (ns, micro-dollars, ns since the epoch; a float for float
    and ratio; the name for severity and verdict) and, for durations, money and times,
    text as the language writes it ("1.5s", "$0.12")."""
    type: str
    value: object
    text: Optional[str] = None

    @classmethod
    def of(cls, d):
        return None if d is None else cls(d["type"], d["value"], d.get("text"))


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    lhs: Value
    rhs: Value
    result: bool


@dataclass(frozen=True, slots=True)
class Limit:
    """The first limit a rule read: its value in force and where that value came from."""
    name: str
    value: Value
    level: str              # "default", "tenant", "project", "workflow", "agent"
    scope: Optional[str]
    path: Optional[str]     # "tenant:acme/project:billing"
    at: str                 # file:line:col of the value


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    verdict: str
    at: str                 # the rule's file:line:col
    compared: tuple
    limit: Optional[Limit]
    extra: dict = field(default_factory=dict)   # windows, drift: as the JSON has them
    # The rule whose finding on the same record muted this one's notifications
    # (spec/language.md §4.10, spec/trace.md §10), None when not inhibited.
    inhibited_by: Optional[str] = None
    # A rule whose severity is a limit (spec/language.md §4.1.1): {"name": ..., "from":
    # {...}}, where the severity in force came from (the C API's severity_from); else None.
    severity_limit: Optional[dict] = None


@dataclass(frozen=True, slots=True)
class Action:
    """What the decision asks of the host. type: "notify", "gate_open", "gate_approved",
    "gate_rejected", "gate_timeout", "gate_blocked", "refused", "escalation_start",
    "escalation_step", "escalation_end", "escalation_suppressed", "escalation_dropped",
    "rule_firing", "rule_cleared", "gate_approval", "notify_held", "notify_silenced",
    "notify_inhibited" (spec/trace.md §10: the last three are not sent). inhibited_by
    names the inhibiting rule of a "notify_inhibited" (spec/language.md §4.10);
    channel_limit, a notification to a channel its rule's channel set gave, is
    {"name": ..., "from": {...}} (spec/language.md §4.1.2; no "from" on a group's
    delivery on the clock). A gate_open of a gate whose settings are limits (spec/language.md
    §4.2.1) says where each came from: sla {"name", "value", "from"}, approvers_limit
    {"name", "from"} and on_timeout {"name", "outcome", "from"} (the C API's sla_from,
    approvers_from, timeout_from and on_timeout; spec/trace.md §6). Members that do not
    apply are None; `extra` holds the rest of the JSON object (approvers, compared,
    group, silence, ...)."""
    type: str
    rule: Optional[str] = None
    severity: Optional[str] = None
    channel: Optional[str] = None
    kind: Optional[str] = None
    target: Optional[str] = None
    verdict: Optional[str] = None
    gate: Optional[str] = None
    gate_id: Optional[str] = None
    escalation: Optional[str] = None
    escalation_id: Optional[str] = None
    key: Optional[str] = None
    by: Optional[str] = None
    outcome: Optional[str] = None
    reason: Optional[str] = None
    at: Optional[str] = None
    deadline: Optional[str] = None
    step: Optional[int] = None
    round: Optional[int] = None
    skipped: Optional[int] = None
    inhibited_by: Optional[str] = None
    channel_limit: Optional[dict] = None
    sla: Optional[dict] = None
    approvers_limit: Optional[dict] = None
    on_timeout: Optional[dict] = None
    extra: dict = field(default_factory=dict)


_ACTION_FIELDS = set(Action.__dataclass_fields__) - {"extra"}


@dataclass(frozen=True, slots=True)
class HostFailure:
    """A host function that failed during the evaluation (spec/bytecode.md §7.2)."""
    extern: str
    rule: str
    reason: str             # "failed", "unbound", "not finite", "out of range"
    status: int
    outcome: str            # "default" or the verdict the record got


def _finding(f):
    lim = f.get("limit")
    limit = None
    if lim is not None:
        fr = lim["from"]
        limit = Limit(lim["name"], Value.of(lim["value"]), fr["level"], fr.get("scope"), fr.get("path"), fr["at"])
    compared = tuple(Compare(c["op"], Value.of(c["lhs"]), Value.of(c["rhs"]), c["result"]) for c in f["compared"])
    extra = {k: v for k, v in f.items()
             if k not in ("rule", "severity", "verdict", "at", "compared", "limit", "inhibited_by", "severity_limit")}
    return Finding(f["rule"], f["severity"], f["verdict"], f["at"], compared, limit, extra, f.get("inhibited_by"),
                   f.get("severity_limit"))


def _action(a):
    known = {k: v for k, v in a.items() if k in _ACTION_FIELDS}
    extra = {k: v for k, v in a.items() if k not in _ACTION_FIELDS}
    return Action(extra=extra, **known)


class Decision:
    """One decision. verdict ("allow" .. "block") and json (the exact line of
    spec/trace.md §2) are read when it is made; findings, actions, host_failures and the
    rest are parsed from json when first asked for. trace is the parsed trace (spec/trace.md
    §3) when the VM traces. trace_compact is the decision's compact trace (bytes,
    spec/trace.md §3.1) when the VM keeps them (VM(..., compact_trace=True)), else None:
    a few dozen bytes to store, rendered to the JSON trace later by VM.render_trace. A
    Decision is a snapshot: later evaluations do not change it."""

    # _compact last: the extension (_govext.c) fills the first seven and leaves it unset.
    __slots__ = ("verdict", "line", "_json", "_data", "_trace", "trace_error", "_core", "_compact")

    def __init__(self, verdict, line, text, trace=None, trace_error=None, core=None, trace_compact=None):
        self.verdict = verdict
        self.line = line
        self._json = text          # bytes until first asked for; None: not written yet
        self._data = None
        self._trace = trace
        self.trace_error = trace_error
        self._core = core          # the extension's Core that writes it (text None)
        self._compact = trace_compact

    @property
    def trace_compact(self):
        """The compact trace (bytes, spec/trace.md §3.1) when the VM keeps them, else None."""
        return getattr(self, "_compact", None)

    @property
    def json(self):
        """The decision as one line of JSON (spec/trace.md §2), as gov_decision_json writes it."""
        j = self._json
        if j is None:
            # Made by the extension and not written yet: written now, or (if its VM
            # evaluated since) it was written into this object before that evaluation.
            j = self._core.render(self)
        if type(j) is bytes:
            j = self._json = j.decode("utf-8", "surrogateescape")
        return j

    @property
    def data(self):
        """The decision as a dict (json.loads of the line)."""
        if self._data is None:
            self._data = json.loads(self.json)
        return self._data

    @property
    def findings(self):
        return tuple(_finding(f) for f in self.data["findings"])

    @property
    def actions(self):
        return tuple(_action(a) for a in self.data["actions"])

    @property
    def host_failures(self):
        return tuple(HostFailure(h["extern"], h["rule"], h["reason"], h["status"], h["outcome"])
                     for h in self.data.get("host_errors", ()))

    @property
    def policy(self):
        return self.data["policy"]

    @property
    def policy_id(self):
        return self.data["policy_id"]

    @property
    def kind(self):
        return self.data["kind"]

    @property
    def trace(self):
        if isinstance(self._trace, str):
            self._trace = json.loads(self._trace)
        return self._trace

    @property
    def allowed(self):
        return self.verdict == "allow"

    def __repr__(self):
        return f"<gov.Decision {self.verdict} line {self.line}>"


# ---------------------------------------------------------------- the typed entry point

_INT64 = (-(2**63), 2**63 - 1)


def _int64(name, v):
    if not _INT64[0] <= v <= _INT64[1]:
        raise ValueError(f"field {name!r}: {v} is outside int64")
    return v


def _canon(name, t, v):
    """Field `name` of type code t given the Python value v, in the form its setter takes:
    an int (gov_set_int), a float (gov_set_float), bytes (gov_set_string) or a list of
    bytes (gov_set_strings); TypeError or ValueError for a value with no such form. The
    extension converts the plain cases itself and asks this for the rest."""
    L = _lib
    if t in (L.T_INT, L.T_MONEY):
        if type(v) is bool or not isinstance(v, int):
            raise TypeError(f"field {name!r} is {L.TYPES[t]}: give an int{' (micro-dollars)' if t == L.T_MONEY else ''}, "
                            f"not {type(v).__name__}")
        return _int64(name, int(v))
    if t == L.T_DURATION:
        if isinstance(v, datetime.timedelta):
            v = (v.days * 86400 + v.seconds) * 1_000_000_000 + v.microseconds * 1000
        elif type(v) is bool or not isinstance(v, int):
            raise TypeError(f"field {name!r} is a duration: give int ns or a timedelta, not {type(v).__name__}")
        return _int64(name, int(v))
    if t == L.T_TIME:
        return to_ns(v)
    if t in (L.T_FLOAT, L.T_RATIO):
        if type(v) is bool or not isinstance(v, (int, float)):
            raise TypeError(f"field {name!r} is {L.TYPES[t]}: give a number, not {type(v).__name__}")
        return float(v)
    if t == L.T_BOOL:
        if type(v) is not bool:
            raise TypeError(f"field {name!r} is bool, not {type(v).__name__}")
        return int(v)
    if t in (L.T_SEVERITY, L.T_VERDICT):
        names = L.SEVERITIES if t == L.T_SEVERITY else L.VERDICTS
        if not isinstance(v, str):
            raise TypeError(f"field {name!r} is a {L.TYPES[t]}: give its name, not {type(v).__name__}")
        if v not in names:
            raise ValueError(f"field {name!r}: {v!r} is not a {L.TYPES[t]} ({', '.join(names)})")
        return names.index(v)
    if t in (L.T_STRING, L.T_ID):
        if not isinstance(v, str):
            raise TypeError(f"field {name!r} is {L.TYPES[t]}: give a str, not {type(v).__name__}")
        return v.encode("utf-8")
    if t == L.T_STRINGS:
        if isinstance(v, (set, frozenset)):
            v = sorted(v)
        elif not isinstance(v, (list, tuple)):
            raise TypeError(f"field {name!r} is strings: give a list of str, not {type(v).__name__}")
        items = []
        for x in v:
            if not isinstance(x, str):
                raise TypeError(f"field {name!r}: an element is {type(x).__name__}, not str")
            items.append(x.encode("utf-8"))
        return items
    raise TypeError(f"field {name!r} has type {L.TYPES.get(t, t)}, which a record cannot set")


def _typed(name, slot, t, v):
    """(setter, slot, args...) for field `name` of type code t given the Python value v."""
    L = _lib
    c = _canon(name, t, v)
    if t in (L.T_FLOAT, L.T_RATIO):
        return L.gov_set_float, slot, c
    if t in (L.T_STRING, L.T_ID):
        return L.gov_set_string, slot, c, len(c)
    if t == L.T_STRINGS:
        n = len(c)
        return (L.gov_set_strings, slot, (ctypes.c_char_p * max(n, 1))(*c), (ctypes.c_size_t * max(n, 1))(*map(len, c)),
                n)
    return L.gov_set_int, slot, c


# ---------------------------------------------------------------- host functions

class _HostFn:
    """A Python callable behind a C function pointer of the extern's signature. The C
    side sees 0 and *out set, or a nonzero status: an exception in the callable, or a
    result of the wrong type, is a failure, which the policy's `on error` decides; the
    exception is kept in vm.host_exceptions."""

    def __init__(self, vm, name, fn, sig):
        self.fn = fn
        self.name = name
        self.vm = vm
        kinds = [sig.params[i] for i in range(sig.nparams)]
        ret = sig.ret
        errors = vm.host_exceptions

        def trampoline(*args):
            try:
                py = []
                i = 0
                for k in kinds:
                    if k == _lib.C_STRING:
                        py.append(ctypes.string_at(args[i], args[i + 1]).decode("utf-8", "surrogateescape")
                                  if args[i + 1] else "")
                        i += 2
                    else:
                        py.append(args[i])
                        i += 1
                r = fn(*py)
                if ret == _lib.C_DOUBLE:
                    if isinstance(r, bool) or not isinstance(r, (int, float)):
                        raise TypeError(f"{name} returned {type(r).__name__}; the policy expects a number")
                    v = float(r)
                else:
                    if isinstance(r, float) and r.is_integer():
                        r = int(r)
                    if not isinstance(r, int):
                        raise TypeError(f"{name} returned {type(r).__name__}; the policy expects an int")
                    v = int(r)
                    lo, hi = (-(2**63), 2**63 - 1) if ret == _lib.C_INT64 else (-(2**31), 2**31 - 1)
                    if not lo <= v <= hi:
                        raise OverflowError(f"{name} returned {v}, out of the C type's range")
                args[-1][0] = v
                return 0
            except BaseException as e:  # noqa: B902 -- nothing may unwind into C
                errors.append(e)
                return 1

        self.cfunc = _lib.callback_type(sig)(trampoline)


_C_NAMES = {"int64": _lib.C_INT64, "double": _lib.C_DOUBLE, "int": _lib.C_INT, "string": _lib.C_STRING}


# ---------------------------------------------------------------- the VM

class VM:
    """An evaluator for one Policy.

    VM(policy, trace=False, limits=None, hosts=None, compact_trace=False)
      trace   keep each decision's trace (spec/trace.md §3) in decision.trace
      compact_trace  keep each decision's compact trace (spec/trace.md §3.1: bytes) in
              decision.trace_compact; render_trace turns one into the JSON trace
      limits  per-VM limits (vm/gov.h, GOV_LIMIT_*), e.g. {"line_length": 1 << 20}: the JSON
              record caps line_length, nesting, string_length, fields and tokens (each at
              least 1), and rcache_bytes, the arena bytes of the limit resolution cache
              (0: none; the default gov.RCACHE_AUTO lets the VM choose; it changes no
              decision, only memory and speed)
      hosts   {extern name: Python callable} bound at once (see bind)
    """

    def __init__(self, policy, *, trace=False, limits=None, hosts=None, trace_size=1 << 20, compact_trace=False):
        from .policy import Policy
        if not isinstance(policy, Policy):
            raise TypeError(f"VM needs a gov.Policy, not {type(policy).__name__}")
        self.policy = policy
        self._lock = threading.Lock()
        self.host_exceptions = []
        self._hosts = {}
        cfg = _lib.Config()
        _lib.gov_config_init(ctypes.byref(cfg))
        for k, v in (limits or {}).items():
            if k not in _lib.LIMITS:
                raise ValueError(f"unknown limit {k!r}; use {', '.join(_lib.LIMITS)}")
            low = 0 if k == "rcache_bytes" else 1
            if isinstance(v, bool) or not isinstance(v, int) or not low <= v < 2**32:
                raise ValueError(f"limit {k} must be an int from {low} to 2**32 - 1")
            cfg.limits[_lib.LIMITS[k]] = v
        size = _lib.gov_arena_size(policy._prog, ctypes.byref(cfg))
        if size == 0:
            raise ValueError("these limits are out of range")
        self._arena = ctypes.create_string_buffer(size)
        vm = ctypes.c_void_p()
        rc = _lib.gov_vm_init(policy._prog, ctypes.byref(cfg), self._arena, size, ctypes.byref(vm))
        if rc != _lib.OK:
            raise GovError(rc, "cannot initialise the VM")
        self._vm = vm
        self._outcap = 1 << 14
        self._out = ctypes.create_string_buffer(self._outcap)
        self._st = _lib.Summary()
        # The hot path: the extension, else cffi, else the same through ctypes.
        self._core = None
        self._settle = _nothing
        # Compact traces are taken from the decision the VM holds: the general path.
        self._compact = ctypes.create_string_buffer(512) if compact_trace else None
        self._clen = ctypes.c_size_t()
        if _fast.ext is not None and not trace and not compact_trace:
            _setup_ext()
            self._core = _fast.ext.Core(vm.value, (self._arena, policy))
            self._settle = self._core.settle
        if _fast.available():
            ffi = _fast.ffi
            self._eval = _fast.lib.gov_eval_json_summary
            self._vmh = ffi.cast("void *", vm.value)
            self._buf = ffi.new("char[]", self._outcap)
            self._fst = ffi.new("gov_summary *")
            self._fst.size = ffi.sizeof("gov_summary")
            self._unpack = ffi.unpack
            self._ptr = lambda d: int(ffi.cast("uintptr_t", d))
        else:
            self._eval = _lib.gov_eval_json_summary
            self._vmh = vm
            self._buf = self._out
            self._fst = self._st
            self._unpack = _string_at
            self._ptr = lambda d: d
        self._trace = None
        if trace:
            self._trace = ctypes.create_string_buffer(trace_size)
            _lib.gov_vm_set_trace(vm, self._trace, trace_size)
        self._tptr = ctypes.c_void_p()
        self._tlen = ctypes.c_size_t()
        self._log = None           # a gov.Log this VM appends its decisions to (Log.attach)
        self._stream = 0
        for name, fn in (hosts or {}).items():
            self.bind(name, fn)

    # ------------------------------------------------------------ host functions

    def bind(self, name, fn):
        """Bind extern `name` to a Python callable. It gets the policy's arguments (int for
        int, duration (ns), time (ns), money (micro-dollars), bool, severity and verdict;
        float for float and ratio; str for string and id) and returns the result in the
        same terms. Raising, or returning the wrong type, is a failure that the policy's
        `on error` decides. Raises BindError."""
        if not callable(fn):
            raise TypeError("a host function must be callable")
        sig = self._sig_of(name)
        h = _HostFn(self, name, fn, sig)
        self._bind(name, ctypes.cast(h.cfunc, ctypes.c_void_p), sig, h)

    def bind_native(self, name, fn, params, returns):
        """Bind extern `name` to a C function (a ctypes function from a CDLL, or an int
        address) whose C signature you state: params a sequence of "int64", "double",
        "int" or "string" (one per policy parameter; a string is bytes and length in C),
        returns "int64", "double" or "int" (spec/bytecode.md §7.1). libgov checks the
        statement against the declaration. A native function runs without the GIL."""
        sig = _lib.Sig()
        try:
            sig.ret = _C_NAMES[returns]
            codes = [_C_NAMES[p] for p in params]
        except KeyError as e:
            raise ValueError(f"unknown C type {e.args[0]!r}; use int64, double, int or string") from None
        if sig.ret == _lib.C_STRING:
            raise ValueError("a host function cannot return a string")
        if len(codes) > _lib.GOV_MAX_PARAMS:
            raise ValueError(f"at most {_lib.GOV_MAX_PARAMS} parameters")
        sig.nparams = len(codes)
        for i, c in enumerate(codes):
            sig.params[i] = c
        if isinstance(fn, int) and not isinstance(fn, bool):
            if not 0 <= fn < 2**64:
                raise ValueError("an address is a non-negative int")
            ptr = ctypes.c_void_p(fn)
        elif isinstance(fn, ctypes._CFuncPtr):
            ptr = ctypes.cast(fn, ctypes.c_void_p)
        else:
            raise TypeError("bind_native needs a ctypes function (from a CDLL) or an address")
        if not ptr.value:
            raise ValueError("a NULL function")
        self._bind(name, ptr, sig, fn)

    def _sig_of(self, name):
        i = _lib.gov_extern_find(self.policy._prog, _name(name))
        if i < 0:
            raise BindError(_lib.EBIND, f"the policy declares no extern {name!r}")
        sig = _lib.Sig()
        onerr = ctypes.c_int()
        _lib.gov_extern_sig(self.policy._prog, i, ctypes.byref(sig), ctypes.byref(onerr))
        return sig

    def _bind(self, name, ptr, sig, keep):
        with self._use():
            rc = _lib.gov_vm_bind(self._vm, _name(name), ptr, ctypes.byref(sig))
            if rc != _lib.OK:
                raise BindError(rc, _lib.gov_vm_errmsg(self._vm).decode("utf-8", "replace"))
            self._hosts[name] = keep   # the C side holds the pointer: keep its owner alive

    def ready(self):
        """True when every extern without an `on error` default is bound."""
        return _lib.gov_vm_ready(self._vm) == _lib.OK

    # ------------------------------------------------------------ evaluation

    def _use(self):
        if not self._lock.acquire(blocking=False):
            raise GovError(_lib.EMISUSE, "this VM is in use by another thread; use one VM per thread")
        try:
            self._settle()      # the latest decision's JSON, before the VM runs again
        except BaseException:
            self._lock.release()
            raise
        return _Release(self._lock)

    def evaluate(self, record, line=0):
        """Evaluate one record: a dict (turned into JSON), or a JSON object as str or
        bytes (one JSONL line). An event ({"type": "approve"|"reject"|"ack"|"tick", ...})
        is evaluated too. Returns a Decision; raises RecordError for a malformed record,
        which changes nothing."""
        core = self._core
        if core is not None:
            if not self._lock.acquire(False):
                raise GovError(_lib.EMISUSE, "this VM is in use by another thread; use one VM per thread")
            try:
                if self._log is None:       # read under the lock: attach takes it too
                    if self._hosts:
                        self.host_exceptions.clear()
                    return core.evaluate(record, line)
            finally:
                self._lock.release()
        if type(record) is dict:
            data = self._core.encode(record) if self._core is not None else _encode(record).encode()
        elif isinstance(record, str):
            data = record.encode("utf-8", "surrogatepass")
        elif isinstance(record, (bytes, bytearray, memoryview)):
            data = bytes(record)
        elif isinstance(record, dict):
            data = _encode(record).encode()
        else:
            raise TypeError(f"a record is a dict or a JSON str or bytes, not {type(record).__name__}")
        if not isinstance(line, int) or not 0 <= line < 2**64:
            raise ValueError("line must be an int from 0 to 2**64-1")
        if not self._lock.acquire(blocking=False):
            raise GovError(_lib.EMISUSE, "this VM is in use by another thread; use one VM per thread")
        try:
            self._settle()
            if self._hosts:
                self.host_exceptions.clear()
            if self._log is not None:
                d = _lib.gov_eval_json(self._vm, data, len(data), line)
                self._log._append(self._stream, d, data)
                return self._decision(d)
            st = self._fst
            d = self._eval(self._vmh, data, len(data), line, self._buf, self._outcap, st)
            if st.status or st.json or self._trace is not None or self._compact is not None:
                return self._decision(self._ptr(d))
            return Decision(_VERDICTS[st.verdict], st.line, self._unpack(self._buf, st.len))
        finally:
            self._lock.release()

    def evaluate_fields(self, fields, kind=None):
        """Evaluate one record given by field (the typed entry point, gov_record_begin and
        gov_set_*): fields {name: value} by the names the policy's record declares (not
        JSON keys: `data`, not `data_classes`), values in the canonical units, which
        need no JSON decoding:

          int, money          int (money in micro-dollars)
          duration            int ns, or a datetime.timedelta
          time                int ns since the epoch, an aware datetime or RFC 3339
          float, ratio        int or float (a ratio in [0, 1])
          bool                bool
          severity, verdict   their names ("warning", "block")
          string, id          str
          strings             a list or tuple of str (a set or frozenset: sorted)

        A value None, or a field left out, is absent (its default, or a missing field).
        kind: the record kind's name (None when the policy has one). Returns a Decision;
        raises RecordError (unknown kind or field, a value out of range, a missing
        field; nothing changes), TypeError or ValueError for a value with no form of the
        field's type. A decision made this way is logged without an input (spec/trace.md
        §9.2), so a replay cannot reproduce it: log records as dicts when you replay."""
        if type(fields) is not dict:
            if not isinstance(fields, Mapping):
                raise TypeError(f"fields are a dict of field name to value, not {type(fields).__name__}")
            fields = dict(fields)
        k, spec, kname = self.policy._kind(kind)
        core = self._core
        if core is not None:
            if not self._lock.acquire(False):
                raise GovError(_lib.EMISUSE, "this VM is in use by another thread; use one VM per thread")
            try:
                if self._log is None:
                    if self._hosts:
                        self.host_exceptions.clear()
                    return core.evaluate_fields(k, spec, fields, kname)
            finally:
                self._lock.release()
        sets = []
        for name, v in fields.items():
            if v is None:
                continue
            e = spec.get(name)
            if e is None:
                raise RecordError(_lib.EFIELD, f"record kind {kname} has no field {name!r}")
            sets.append(_typed(name, e[0], e[1], v))
        with self._use():
            if self._hosts:
                self.host_exceptions.clear()
            vm = self._vm
            _lib.gov_record_begin(vm, k)
            for fn, slot, *args in sets:
                fn(vm, slot, *args)     # a failure poisons the record: gov_eval says why
            d = _lib.gov_eval(vm)
            if self._log is not None:
                self._log._append(self._stream, d, None)
            return self._decision(d)

    def _replay_json(self, data, line):
        """The decision JSON (str) of the JSON line `data`, error decisions included, as
        gov_decision_json writes it: for replay_log, which compares it with a logged one."""
        with self._use():
            d = _lib.gov_eval_json(self._vm, data, len(data), line)
            n = ctypes.c_size_t()
            while True:
                rc = _lib.gov_decision_json(d, self._out, self._outcap, ctypes.byref(n))
                if rc != _lib.ESPACE:
                    break
                self._outcap = n.value * 2 + 1
                self._out = ctypes.create_string_buffer(self._outcap)
                if _fast.available():
                    self._buf = _fast.ffi.new("char[]", self._outcap)
                else:
                    self._buf = self._out
            if rc != _lib.OK:
                raise GovError(rc, "cannot write the decision")
            return _string_at(self._out, n.value).decode("utf-8", "surrogateescape")

    def evaluate_many(self, records):
        """Evaluate each record in turn (line numbers from 1); a list of Decision, or of
        RecordError for the malformed ones (they do not stop the rest)."""
        out = []
        for n, r in enumerate(records, 1):
            try:
                out.append(self.evaluate(r, n))
            except RecordError as e:
                out.append(e)
        return out

    def _decision(self, d):
        """The Decision of d (its address), through ctypes: the slow path (an error, a
        decision larger than the buffer, a trace) and events."""
        st = self._st
        _lib.gov_decision_summary(d, self._out, self._outcap, st)
        if st.status != _lib.OK:
            raise RecordError(st.status, _lib.gov_decision_error(d).decode("utf-8", "replace"), st.line)
        if st.json == _lib.ESPACE:
            self._outcap = st.len * 2 + 1
            self._out = ctypes.create_string_buffer(self._outcap)
            self._buf = _fast.ffi.new("char[]", self._outcap) if _fast.available() else self._out
            _lib.gov_decision_summary(d, self._out, self._outcap, st)
        if st.json != _lib.OK:
            raise GovError(st.json, "cannot write the decision")
        text = _string_at(self._out, st.len)
        trace = terr = None
        if self._trace is not None:
            rc = _lib.gov_decision_trace(d, self._tptr, self._tlen)
            if rc == _lib.OK:
                trace = _string_at(self._tptr, self._tlen.value).decode("utf-8", "surrogateescape")
            else:
                terr = f"the trace needs {self._tlen.value} bytes; the VM now keeps that much for the next one"
                if rc == _lib.ESPACE:
                    n = self._tlen.value * 2
                    self._trace = ctypes.create_string_buffer(n)
                    _lib.gov_vm_set_trace(self._vm, self._trace, n)
        compact = None
        if self._compact is not None:
            rc = _lib.gov_trace_compact(d, self._compact, len(self._compact), self._clen)
            if rc == _lib.ESPACE:
                self._compact = ctypes.create_string_buffer(self._clen.value * 2)
                rc = _lib.gov_trace_compact(d, self._compact, len(self._compact), self._clen)
            if rc != _lib.OK:
                raise GovError(rc, "cannot take the compact trace")
            compact = _string_at(self._compact, self._clen.value)
        return Decision(_VERDICTS[st.verdict], st.line, text, trace, terr, trace_compact=compact)

    def render_trace(self, compact):
        """The JSON trace (str: one line, byte for byte what gov_decision_trace and
        `govc run --trace` give) of a compact trace (bytes, Decision.trace_compact) taken
        under this VM's policy, by any VM of it (spec/trace.md §3.1). Rendering uses the
        VM's per-record space, never its state: Decisions already made keep their
        content, and the next record evaluates as it would have. Raises TraceError for
        bytes of another policy, a format this library does not read, or malformed
        bytes (nothing changes)."""
        if not isinstance(compact, (bytes, bytearray, memoryview)):
            raise TypeError(f"a compact trace is bytes, not {type(compact).__name__}")
        data = bytes(compact)
        need = ctypes.c_size_t()
        with self._use():
            while True:
                rc = _lib.gov_trace_render(self._vm, data, len(data), self._out, self._outcap, ctypes.byref(need))
                if rc != _lib.ESPACE:
                    break
                self._outcap = need.value * 2 + 1
                self._out = ctypes.create_string_buffer(self._outcap)
                self._buf = _fast.ffi.new("char[]", self._outcap) if _fast.available() else self._out
            if rc == _lib.OK:
                return _string_at(self._out, need.value).decode("utf-8", "surrogateescape")
            msg = _lib.gov_vm_errmsg(self._vm).decode("utf-8", "replace")
            if rc in (_lib.ETRACE, _lib.EPOLICY, _lib.EVERSION):
                raise TraceError(rc, msg)
            raise GovError(rc, msg)

    def _event(self, fn, *args, json_form=None):
        """An event through its typed call; with a log attached, through its JSON line
        (spec/trace.md §6) when it has one, so that the log holds the input and a replay
        can evaluate it again (the typed call would log no input)."""
        with self._use():
            if self._log is None:
                return self._decision(fn(self._vm, *args))
            data = json_form() if json_form else None
            if data is None:
                d = fn(self._vm, *args)
            else:
                d = _lib.gov_eval_json(self._vm, data, len(data), 0)
            self._log._append(self._stream, d, data)
            return self._decision(d)

    def _set_log(self, log, stream):
        self._log = log
        self._stream = stream

    @property
    def log(self):
        """The gov.Log this VM's decisions are appended to (Log.attach), or None."""
        return self._log

    def tick(self, now):
        """Move the clock to `now` (ns, datetime or RFC 3339); what falls due fires."""
        t = to_ns(now)
        return self._event(_lib.gov_tick, t, json_form=lambda: _event_line("tick", t))

    def approve(self, gate_id, by, at=None):
        """Approve a pending gate (its id from the gate_open action) as approver `by`. A
        refusal (not an approver, not pending) is a "refused" action, not an exception.
        at None: at the VM's clock."""
        return self._resolve(gate_id, 1, by, at)

    def reject(self, gate_id, by, at=None):
        return self._resolve(gate_id, 0, by, at)

    def _resolve(self, gate_id, approve, by, at):
        g = _name(gate_id)
        b = _text(by, "by")
        t = INT64_MIN if at is None else to_ns(at)
        return self._event(_lib.gov_gate_resolve, g, approve, b, len(b), t,
                           json_form=lambda: _event_line("approve" if approve else "reject", self._at(t),
                                                         "gate_id", g, b))

    def ack(self, escalation_id, by, at=None):
        """Acknowledge a running escalation chain (its id from escalation_start), ending it."""
        e = _name(escalation_id)
        b = _text(by, "by")
        t = INT64_MIN if at is None else to_ns(at)
        return self._event(_lib.gov_escalation_ack, e, b, len(b), t,
                           json_form=lambda: _event_line("ack", self._at(t), "escalation_id", e, b))

    def _at(self, t):
        """An event's time for its JSON line: at None (INT64_MIN) means the clock."""
        return _lib.gov_vm_now(self._vm) if t == INT64_MIN else t

    @property
    def now(self):
        """The clock, ns since the epoch (None before the first event)."""
        t = _lib.gov_vm_now(self._vm)
        return None if t == INT64_MIN else t

    @property
    def pending_gates(self):
        return _lib.gov_vm_pending_gates(self._vm)

    @property
    def running_escalations(self):
        return _lib.gov_vm_running_escalations(self._vm)

    def limit(self, name, value=None):
        """A limit's value (a key of VM's limits), set to `value` first if given (within
        the capacity the VM was made with). rcache_bytes reads the bytes the cache has,
        which RCACHE_AUTO chose unless it was set."""
        if name not in _lib.LIMITS:
            raise ValueError(f"unknown limit {name!r}")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError("a limit is a non-negative int")
        with self._use():
            prev = _lib.gov_vm_limit(self._vm, _lib.LIMITS[name], -1 if value is None else min(value, 2**31 - 1))
            return prev if value is None else _lib.gov_vm_limit(self._vm, _lib.LIMITS[name], -1)

    # ------------------------------------------------------------ state

    def save_state(self):
        """The persistent state (clock, pending gates, running escalations, windows), as
        bytes (spec/state.md), bound to the policy id."""
        with self._use():
            cap = _lib.gov_state_bound(self.policy._prog)
            buf = ctypes.create_string_buffer(cap or 1)
            n = ctypes.c_size_t()
            rc = _lib.gov_state_save(self._vm, buf, cap, ctypes.byref(n))
            if rc != _lib.OK:
                raise GovError(rc, "cannot save the state")
            return buf.raw[:n.value]

    def load_state(self, data):
        """Restore a saved state. Raises LoadError (the VM is unchanged) for a corrupt
        state or one saved under another policy."""
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        if not isinstance(data, bytes):
            raise TypeError(f"a state is bytes, not {type(data).__name__}")
        with self._use():
            if self._log is not None:
                raise GovError(_lib.EMISUSE, "this VM is attached to a decision log, which would not record the "
                               "new state: detach it, load the state, attach it again")
            rc = _lib.gov_state_load(self._vm, data, len(data))
            if rc != _lib.OK:
                raise LoadError(rc, _lib.gov_vm_errmsg(self._vm).decode("utf-8", "replace"))

    def __repr__(self):
        return f"<gov.VM for {self.policy.name}>"


class _Release:
    __slots__ = ("lock",)

    def __init__(self, lock):
        self.lock = lock

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.lock.release()


_HEX = frozenset(b"0123456789abcdef")


def rfc3339(ns):
    """ns since the epoch as RFC 3339 UTC with nine decimals, or None when the time is
    outside the years 1677..2262 that JSON times may have."""
    if not -(2**63) < ns < 2**63:
        return None
    s, f = divmod(ns, 1_000_000_000)
    try:
        t = _EPOCH + datetime.timedelta(seconds=s)
    except OverflowError:
        return None
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{f:09d}Z"


def _event_line(kind, at, id_name=None, ident=None, by=None):
    """An event as its JSON line, or None when its arguments have no JSON form that means
    the same (an id that is not 16 lowercase hex digits, a `by` that is not 1 to 128
    bytes of UTF-8, a time outside the JSON range, the clock before any event): then
    the typed call decides, and the log keeps no input for it."""
    ts = rfc3339(at) if at != INT64_MIN else None
    if ts is None:
        return None
    out = {"type": kind}
    if id_name is not None:
        if len(ident) != 16 or not set(ident) <= _HEX or not 1 <= len(by) <= 128:
            return None
        try:
            out[id_name] = ident.decode()
            out["by"] = by.decode("utf-8")
        except UnicodeDecodeError:
            return None
    out["at"] = ts
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False).encode()


def _name(s):
    if not isinstance(s, str):
        raise TypeError(f"expected a str, not {type(s).__name__}")
    b = s.encode("utf-8", "surrogatepass")
    if b"\0" in b:
        raise ValueError("a name contains a NUL byte")
    return b


def _text(s, what):
    if not isinstance(s, str):
        raise TypeError(f"{what} must be a str, not {type(s).__name__}")
    return s.encode("utf-8", "surrogatepass")
