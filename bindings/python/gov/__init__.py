"""gov: Python bindings for libgov (the policy VM) and libgovc (the compiler).

    import gov
    policy = gov.Policy.compile("policies/support")      # or {"main.gov": text}
    vm = gov.VM(policy)
    d = vm.evaluate({"at": "2026-11-25T09:00:00Z", "latency_ms": 4000, "cost_usd": 0.01})
    d.verdict, d.findings, d.actions

vm.evaluate_fields({"latency": 4_000_000_000, ...}) is the typed entry point (fields by
name in canonical units, strings fields as lists of str).

The decision log (libgovlog, spec/trace.md §9): gov.Log(path).attach(vm) appends every
decision vm makes; gov.verify_log(paths) checks a log as govc audit verify does,
gov.read_log(paths) yields its verified lines, and gov.replay_log(paths, policies)
evaluates its inputs again as govc audit replay does.

Errors are exceptions (gov.GovError and its subclasses), with the compiler's diagnostics
on CompileError. A Policy is shared freely between threads; a VM is used by one thread at
a time, and libgov runs without the GIL. ctypes over the shared libraries libgov.so,
libgovc.so and libgovlog.so, from $GOV_LIBDIR, the build tree, or the system; the
evaluation calls go through a compiled extension when it is built (_fast.py).
"""
from ._lib import RCACHE_AUTO, govc as _govc
from .errors import BindError, CompileError, GovError, LimitsError, LoadError, LogError, RecordError, TraceError
from .log import Difference, Log, LogLine, Replay, Verification, read_log, replay_log, verify_log
from .policy import Diagnostic, Location, Note, Policy, check, partition_of, render
from .vm import Action, Compare, Decision, Finding, HostFailure, Limit, Value, VM, to_ns
from .pset import PolicySet, SetDecision

__version__ = _govc.gov_compiler_version().decode()

__all__ = ["Action", "BindError", "Compare", "CompileError", "Decision", "Diagnostic", "Difference", "Finding",
           "GovError", "HostFailure", "Limit", "LimitsError", "LoadError", "Location", "Log", "LogError", "LogLine",
           "Note", "Policy", "PolicySet", "RCACHE_AUTO", "RecordError", "Replay", "SetDecision", "TraceError", "VM",
           "Value", "Verification", "check", "partition_of", "read_log", "render", "replay_log", "to_ns", "verify_log"]
