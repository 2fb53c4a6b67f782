"""ctypes declarations of libgov (vm/gov.h) and libgovc (compiler/gov_compiler.h).

Nothing here is public: the rest of the package wraps it. The shared libraries are
found, in order, in $GOV_LIBDIR, in the build tree this package sits in
(bindings/python/../../build), and where the dynamic linker looks (an installed libgov).
libgov is loaded first and globally, so libgovc's NEEDED libgov.so.0 is the same copy.

Every function is declared with argtypes and restype: a wrong argument raises
ctypes.ArgumentError before C sees it. ctypes releases the GIL around each call into a
CDLL, so an evaluation in one thread does not stop Python threads elsewhere.
"""
import ctypes
import ctypes.util
import os

from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_int,
                    c_int64, c_size_t, c_uint32, c_uint64, c_void_p)

_here = os.path.dirname(os.path.abspath(__file__))


def _candidates(name, soname):
    d = os.environ.get("GOV_LIBDIR")
    if d:
        yield os.path.join(d, name)
        return
    yield os.path.normpath(os.path.join(_here, "..", "..", "..", "build", name))
    yield soname
    found = ctypes.util.find_library(name[3:-3])
    if found:
        yield found


def _load(name, soname):
    errors = []
    for path in _candidates(name, soname):
        if os.path.sep in path and not os.path.exists(path):
            errors.append(f"{path}: not found")
            continue
        try:
            return ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        except OSError as e:
            errors.append(str(e))
    raise ImportError(f"gov: cannot load {name} (set GOV_LIBDIR to the folder that holds it): "
                      + "; ".join(errors))


gov = _load("libgov.so", "libgov.so.0")
govc = _load("libgovc.so", "libgovc.so.0")

# ---------------------------------------------------------------- structures (vm/gov.h)

GOV_MAX_PARAMS = 16
GOV_MAX_COMPARES = 4


class _Sized(Structure):
    """A struct that begins with `uint32_t size`, set to its sizeof when it is made, as
    vm/gov.h's "Sized structs" asks of every caller (the library may grow the struct)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.size = ctypes.sizeof(self)


class Error(_Sized):
    _fields_ = [("size", c_uint32), ("code", c_int), ("offset", c_uint32), ("message", c_char * 200),
                ("line", c_uint32), ("col", c_uint32), ("note", c_char * 256)]


# Per-VM limits (vm/gov.h, GOV_LIMIT_*): the JSON record caps, then the resolution
# cache's bytes; the names are the keys VM(limits=...) and VM.limit take.
LIMITS = {"line_length": 0, "nesting": 1, "string_length": 2, "fields": 3, "tokens": 4, "rcache_bytes": 5}
LIMIT_COUNT = 6                      # GOV_LIMIT__COUNT
LIMIT_JSON = 5                       # GOV_LIMIT__JSON: the caps a log's attach line records
JSON_LIMITS = {k: v for k, v in LIMITS.items() if v < LIMIT_JSON}
RCACHE_AUTO = 0xFFFFFFFF             # GOV_RCACHE_AUTO: rcache_bytes' default


class Config(_Sized):
    _fields_ = [("size", c_uint32), ("limits", c_uint32 * LIMIT_COUNT)]


class Sig(Structure):
    _fields_ = [("ret", c_int), ("nparams", c_int), ("params", c_int * GOV_MAX_PARAMS),
                ("variadic", c_int)]


class Value(Structure):
    _fields_ = [("type", c_int), ("i", c_int64), ("f", c_double), ("s", c_void_p), ("len", c_size_t)]


class Compare(Structure):
    _fields_ = [("op", c_char_p), ("lhs", Value), ("rhs", Value), ("result", c_int)]


class From(Structure):
    _fields_ = [("limit", c_char_p), ("level", c_char_p), ("scope", c_char_p),
                ("file", c_char_p), ("line", c_uint32), ("col", c_uint32)]


class Finding(_Sized):
    _fields_ = [("size", c_uint32), ("rule", c_char_p), ("severity", c_int), ("verdict", c_int),
                ("file", c_char_p), ("line", c_uint32), ("col", c_uint32),
                ("ncompares", c_int), ("compares", Compare * GOV_MAX_COMPARES),
                ("limit", c_char_p), ("limit_value", Value), ("limit_level", c_char_p),
                ("limit_scope", c_char_p), ("limit_file", c_char_p),
                ("limit_line", c_uint32), ("limit_col", c_uint32),
                ("waived", c_int), ("waived_by", c_char_p), ("waived_reason", c_char_p),
                ("waived_until", c_int64), ("inhibited_by", c_char_p), ("severity_from", From)]


class Run(_Sized):
    _fields_ = [("size", c_uint32), ("run_id", c_void_p), ("run_id_len", c_size_t), ("verdict", c_int),
                ("findings", c_int), ("gates", c_int), ("approved", c_int), ("rejected", c_int),
                ("timed_out", c_int), ("pending", c_int)]


class Action(_Sized):
    _fields_ = [("size", c_uint32), ("channel", c_char_p), ("kind", c_char_p), ("target", c_char_p),
                ("rule", c_char_p), ("severity", c_int), ("verdict", c_int),
                ("type", c_int), ("type_name", c_char_p), ("gate", c_char_p),
                ("escalation", c_char_p), ("id", c_char * 17),
                ("key", c_void_p), ("key_len", c_size_t), ("by", c_void_p), ("by_len", c_size_t),
                ("outcome", c_char_p), ("reason", c_char_p), ("at", c_int64),
                ("deadline", c_int64), ("since", c_int64), ("step", c_int), ("round", c_int),
                ("skipped", c_int), ("policy_id", c_char_p),
                ("approvals", c_int), ("quorum", c_int), ("requester", c_void_p), ("requester_len", c_size_t),
                ("has_run", c_int), ("run", Run), ("grouped", c_int), ("first", c_int64),
                ("silence", c_char_p), ("inhibited_by", c_char_p),
                ("sla_from", From), ("approvers_from", From), ("timeout_from", From), ("on_timeout", c_char_p),
                ("channel_from", From)]


class HostError(_Sized):
    _fields_ = [("size", c_uint32), ("name", c_char_p), ("rule", c_char_p), ("reason", c_char_p),
                ("status", c_int), ("verdict", c_int)]


class Summary(_Sized):
    _fields_ = [("size", c_uint32), ("status", c_int), ("verdict", c_int), ("line", c_uint64), ("json", c_int), ("len", c_size_t)]


# ---------------------------------------------------------------- structures (gov_compiler.h)

class Location(Structure):
    _fields_ = [("file", c_char_p), ("line", c_uint32), ("col", c_uint32),
                ("end_line", c_uint32), ("end_col", c_uint32),
                ("offset", c_uint32), ("end", c_uint32)]


class Diagnostic(_Sized):
    _fields_ = [("size", c_uint32), ("severity", c_int), ("code", c_char_p), ("message", c_char_p),
                ("at", Location), ("nnotes", c_size_t)]


class Note(_Sized):
    _fields_ = [("size", c_uint32), ("message", c_char_p), ("at", Location)]


class Compiled(_Sized):
    _fields_ = [("size", c_uint32), ("policy", c_char_p), ("bytes", c_void_p), ("len", c_size_t),
                ("id", c_char * 33), ("rules", c_uint32), ("code_words", c_uint32),
                ("max_steps", c_uint32)]


# ---------------------------------------------------------------- functions

P = c_void_p          # every opaque handle (program, vm, decision, compiler)
PP = POINTER(c_void_p)


def _fn(lib, name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    globals()[name] = f


_fn(gov, "gov_errstr", c_char_p, c_int)
_fn(gov, "gov_program_load", c_int, c_char_p, c_size_t, PP, POINTER(Error))
_fn(gov, "gov_program_load_limits", c_int, c_char_p, c_size_t, c_char_p, c_size_t, c_char_p, PP, POINTER(Error))
_fn(gov, "gov_program_free", None, P)
_fn(gov, "gov_program_name", c_char_p, P)
_fn(gov, "gov_program_id", c_char_p, P)
_fn(gov, "gov_program_partition", c_int, P, c_char_p, c_size_t)
_fn(gov, "gov_partition_name", c_char_p, c_int)
_fn(gov, "gov_partition_of", c_uint32, c_char_p, c_size_t, c_uint32)
_fn(gov, "gov_record_partition", c_int, P, c_char_p, c_size_t, c_uint32, POINTER(c_uint32))
_fn(gov, "gov_kind_count", c_int, P)
_fn(gov, "gov_kind_name", c_char_p, P, c_int)
_fn(gov, "gov_kind_find", c_int, P, c_char_p)
_fn(gov, "gov_field_count", c_int, P, c_int)
_fn(gov, "gov_field_name", c_char_p, P, c_int, c_int)
_fn(gov, "gov_field_type", c_int, P, c_int, c_int)
_fn(gov, "gov_disasm", c_int, P, c_char_p, c_size_t, POINTER(c_size_t))
_fn(gov, "gov_config_init", None, POINTER(Config))
_fn(gov, "gov_arena_size", c_size_t, P, POINTER(Config))
_fn(gov, "gov_vm_init", c_int, P, POINTER(Config), c_void_p, c_size_t, PP)
_fn(gov, "gov_vm_limit", c_int, P, c_int, c_int)
_fn(gov, "gov_vm_errmsg", c_char_p, P)
_fn(gov, "gov_vm_set_trace", None, P, c_void_p, c_size_t)
_fn(gov, "gov_extern_count", c_int, P)
_fn(gov, "gov_extern_name", c_char_p, P, c_int)
_fn(gov, "gov_extern_find", c_int, P, c_char_p)
_fn(gov, "gov_extern_sig", c_int, P, c_int, POINTER(Sig), POINTER(c_int))
_fn(gov, "gov_vm_bind", c_int, P, c_char_p, c_void_p, POINTER(Sig))
_fn(gov, "gov_vm_ready", c_int, P)
_fn(gov, "gov_record_begin", c_int, P, c_int)
_fn(gov, "gov_set_int", c_int, P, c_int, c_int64)
_fn(gov, "gov_set_float", c_int, P, c_int, c_double)
_fn(gov, "gov_set_string", c_int, P, c_int, c_char_p, c_size_t)
_fn(gov, "gov_set_strings", c_int, P, c_int, POINTER(c_char_p), POINTER(c_size_t), c_size_t)
_fn(gov, "gov_eval", P, P)
_fn(gov, "gov_eval_json", P, P, c_char_p, c_size_t, c_uint64)
_fn(gov, "gov_tick", P, P, c_int64)
_fn(gov, "gov_gate_resolve", P, P, c_char_p, c_int, c_char_p, c_size_t, c_int64)
_fn(gov, "gov_escalation_ack", P, P, c_char_p, c_char_p, c_size_t, c_int64)
_fn(gov, "gov_vm_now", c_int64, P)
_fn(gov, "gov_vm_pending_gates", c_size_t, P)
_fn(gov, "gov_vm_running_escalations", c_size_t, P)
_fn(gov, "gov_state_bound", c_size_t, P)
_fn(gov, "gov_state_save", c_int, P, c_void_p, c_size_t, POINTER(c_size_t))
_fn(gov, "gov_state_load", c_int, P, c_char_p, c_size_t)
_fn(gov, "gov_decision_status", c_int, P)
_fn(gov, "gov_decision_error", c_char_p, P)
_fn(gov, "gov_decision_verdict", c_int, P)
_fn(gov, "gov_decision_line", c_uint64, P)
_fn(gov, "gov_decision_policy_id", c_char_p, P)
_fn(gov, "gov_decision_kind", c_char_p, P)
_fn(gov, "gov_decision_finding_count", c_size_t, P)
_fn(gov, "gov_decision_finding", c_int, P, c_size_t, POINTER(Finding))
_fn(gov, "gov_decision_action_count", c_size_t, P)
_fn(gov, "gov_decision_action", c_int, P, c_size_t, POINTER(Action))
_fn(gov, "gov_decision_host_error_count", c_size_t, P)
_fn(gov, "gov_decision_host_error", c_int, P, c_size_t, POINTER(HostError))
_fn(gov, "gov_decision_json", c_int, P, c_void_p, c_size_t, POINTER(c_size_t))
_fn(gov, "gov_decision_trace", c_int, P, POINTER(c_void_p), POINTER(c_size_t))
_fn(gov, "gov_decision_summary", c_int, P, c_void_p, c_size_t, POINTER(Summary))
_fn(gov, "gov_eval_json_summary", P, P, c_char_p, c_size_t, c_uint64, c_void_p, c_size_t, POINTER(Summary))
_fn(gov, "gov_trace_compact", c_int, P, c_void_p, c_size_t, POINTER(c_size_t))
_fn(gov, "gov_trace_render", c_int, P, c_char_p, c_size_t, c_void_p, c_size_t, POINTER(c_size_t))

_fn(govc, "gov_compiler_version", c_char_p)
_fn(govc, "gov_compiler_new", c_int, PP, c_void_p, c_void_p)
_fn(govc, "gov_compiler_free", None, P)
_fn(govc, "gov_compiler_errmsg", c_char_p, P)
_fn(govc, "gov_compiler_option", c_int, P, c_int, c_int)
_fn(govc, "gov_compiler_add_source", c_int, P, c_char_p, c_char_p, c_size_t)
_fn(govc, "gov_compiler_add_path", c_int, P, c_char_p)
_fn(govc, "gov_compiler_check", c_int, P)
_fn(govc, "gov_compiler_build", c_int, P)
_fn(govc, "gov_compiler_diag_count", c_size_t, P)
_fn(govc, "gov_compiler_diag", c_int, P, c_size_t, POINTER(Diagnostic))
_fn(govc, "gov_compiler_note", c_int, P, c_size_t, c_size_t, POINTER(Note))
_fn(govc, "gov_compiler_counts", None, P, POINTER(c_size_t), POINTER(c_size_t))
_fn(govc, "gov_compiler_render", c_int, P, c_int, POINTER(c_char_p), POINTER(c_size_t))
_fn(govc, "gov_compiler_policy_count", c_size_t, P)
_fn(govc, "gov_compiler_program_count", c_size_t, P)
_fn(govc, "gov_compiler_program", c_int, P, c_size_t, POINTER(Compiled))

# ---------------------------------------------------------------- constants

OK, ENOMEM, EMISUSE, ESPACE = 0, 1, 2, 3
EJSON, ECAP, EKIND, EMISSING, EFIELD = 30, 31, 32, 33, 34
ENOTRACE, EPOLICY, EBIND, EUNBOUND = 35, 37, 38, 39
EVERSION, ETRACE = 11, 42
ESOURCE, EIO, EINTERNAL = 50, 51, 52
ELIMITS, ELOOSEN = 40, 41

C_INT64, C_DOUBLE, C_INT, C_STRING = 1, 2, 3, 4
(T_INT, T_FLOAT, T_RATIO, T_DURATION, T_TIME, T_MONEY, T_BOOL, T_STRING, T_ID, T_SEVERITY, T_VERDICT,
 T_SET, T_STRINGS) = range(1, 14)
OPT_WERROR, OPT_FILES, OPT_MAX_ERRORS = 0, 1, 2
FORMATS = {"text": 0, "json": 1, "github": 2, "sarif": 3}

TYPES = {1: "int", 2: "float", 3: "ratio", 4: "duration", 5: "time", 6: "money", 7: "bool",
         8: "string", 9: "id", 10: "severity", 11: "verdict", 12: "set", 13: "strings"}
VERDICTS = ("allow", "warn", "review", "pause", "block")
SEVERITIES = ("info", "warning", "critical")

# The C types ctypes uses for each gov_sig code, as parameters and through `out`.
SIG_CTYPE = {C_INT64: c_int64, C_DOUBLE: c_double, C_INT: c_int}


def errstr(code):
    return gov_errstr(code).decode()  # noqa: F821 (declared by _fn)


def callback_type(sig):
    """The CFUNCTYPE of a host function with this gov_sig (spec/bytecode.md §7.1)."""
    params = []
    for i in range(sig.nparams):
        code = sig.params[i]
        if code == C_STRING:
            params += [c_void_p, c_size_t]
        else:
            params.append(SIG_CTYPE[code])
    params.append(POINTER(SIG_CTYPE[sig.ret]))
    return CFUNCTYPE(c_int, *params)
