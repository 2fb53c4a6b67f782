"""Policy sets: several policies enforced together (spec/trace.md §11, vm/gov.h §6).

    billing, platform = gov.VM(gov.Policy.compile("policies/billing_team")), \\
                        gov.VM(gov.Policy.compile("policies/platform_guardrails"))
    s = gov.PolicySet(billing, platform)
    d = s.evaluate({"project": "billing", "at": "2026-12-01T09:00:00Z", ...})
    d.verdict, d.decided_by, d.findings      # each finding's "policy" names its member

Each member is an ordinary VM (its own state: save and restore it member by member).
The set calls libgov's gov_set_eval_json and gov_set_json through ctypes; the decision
is the set's JSON line (spec/trace.md §11), parsed.
"""
import ctypes
import json
from ctypes import POINTER, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_uint64, c_void_p

from . import _lib
from .errors import GovError, RecordError
from .vm import VM, _encode, to_ns

GOV_SET_MAX = 64


class SetResult(_lib._Sized):
    _fields_ = [("size", c_uint32), ("status", c_int), ("failed", c_int), ("verdict", c_int),
                ("decided_by", c_int), ("applied", c_int)]


_P = c_void_p
_lib._fn(_lib.gov, "gov_set_eval_json", c_int, POINTER(_P), c_size_t, c_char_p, c_size_t, c_uint64,
         POINTER(_P), POINTER(SetResult))
_lib._fn(_lib.gov, "gov_set_tick", c_int, POINTER(_P), c_size_t, c_int64, POINTER(_P), POINTER(SetResult))
_lib._fn(_lib.gov, "gov_set_json", c_int, POINTER(_P), c_size_t, POINTER(SetResult), c_void_p, c_size_t,
         POINTER(c_size_t))


class SetDecision:
    """The set's decision: verdict (the most restrictive of the members'), decided_by
    (the policy that decided, None for allow), findings (every member's, each with its
    "policy"), actions, and decisions (each member's whole decision, as dicts)."""

    def __init__(self, data):
        self.data = data
        self.verdict = data["verdict"]
        self.decided_by = data["decided_by"]
        self.line = data["line"]
        self.decisions = data["decisions"]

    @property
    def findings(self):
        return [f for d in self.decisions for f in d.get("findings", [])]

    @property
    def actions(self):
        return [dict(a, policy=d["policy"]) for d in self.decisions for a in d.get("actions", [])]

    @property
    def allowed(self):
        return self.verdict in ("allow", "warn")

    def __repr__(self):
        return f"<SetDecision {self.verdict} by {self.decided_by} line {self.line}>"


class PolicySet:
    """Several VMs, one per policy, evaluated together; the order breaks ties."""

    def __init__(self, *vms):
        if not 1 <= len(vms) <= GOV_SET_MAX or not all(isinstance(v, VM) for v in vms):
            raise TypeError(f"a PolicySet takes 1 to {GOV_SET_MAX} gov.VM")
        if len({id(v) for v in vms}) != len(vms):
            raise ValueError("the same VM twice in a set")
        self.vms = vms
        self._n = len(vms)
        self._vms = (_P * self._n)(*[v._vm.value for v in vms])
        self._out = (_P * self._n)()
        self._cap = 1 << 14
        self._buf = ctypes.create_string_buffer(self._cap)

    def _json(self, res):
        n = c_size_t()
        rc = _lib.gov_set_json(self._out, self._n, ctypes.byref(res), self._buf, self._cap, ctypes.byref(n))
        if rc == _lib.ESPACE:
            self._cap = n.value * 2 + 1
            self._buf = ctypes.create_string_buffer(self._cap)
            rc = _lib.gov_set_json(self._out, self._n, ctypes.byref(res), self._buf, self._cap, ctypes.byref(n))
        if rc != _lib.OK:
            raise GovError(rc, "cannot write the set's decision")
        return json.loads(ctypes.string_at(self._buf, n.value).decode("utf-8", "surrogateescape"))

    def _run(self, call):
        taken = []  # each member's lock: a VM is used by one thread at a time
        try:
            for v in self.vms:
                taken.append(v._use())
            res = SetResult()
            rc = call(res)
            if rc != _lib.OK:
                raise GovError(rc, "the set refused its members")
            data = self._json(res)
        finally:
            for t in reversed(taken):
                t.__exit__(None, None, None)
        if res.status != _lib.OK:
            e = data["error"]
            raise RecordError(res.status, f'{e["policy"]}: {e["message"]}', data["line"])
        return SetDecision(data)

    def evaluate(self, record, line=0):
        """Evaluate one record or event (a dict, or a JSON str or bytes) against every
        member. Raises RecordError (naming the member) when a member's decision is an
        error; the other members' decisions stand (spec/trace.md §11)."""
        if isinstance(record, dict):
            data = _encode(record).encode()
        elif isinstance(record, str):
            data = record.encode("utf-8", "surrogatepass")
        elif isinstance(record, (bytes, bytearray, memoryview)):
            data = bytes(record)
        else:
            raise TypeError(f"a record is a dict or a JSON str or bytes, not {type(record).__name__}")
        return self._run(lambda res: _lib.gov_set_eval_json(self._vms, self._n, data, len(data), line, self._out,
                                                            ctypes.byref(res)))

    def tick(self, now):
        """Move every member's clock to `now`; what falls due fires."""
        t = to_ns(now)
        return self._run(lambda res: _lib.gov_set_tick(self._vms, self._n, t, self._out, ctypes.byref(res)))
