"""The evaluation hot path: the compiled extension (_govext.c) when it is built, else
Debian's python3-cffi in ABI mode, else ctypes alone.

The extension (`make python` builds it into build/python/, from bindings/python/gov/
_govext.c with Debian's python3-dev) writes a dict's JSON in C and leaves a decision's
JSON unwritten until it is asked for: it is what brings a decision from a dict under 2 us
of overhead (bench.py). It is found next to this package (an install), in
$GOV_LIBDIR/python, or in the build tree, under the running interpreter's extension
suffix only, so a build for another Python is never loaded. Without it, a call through
cffi costs about 400 ns less than the same call through ctypes; only
gov_eval_json_summary and the summary struct go that way, everything else is ctypes
(_lib.py). All three use the library _lib.py loaded, the same copy in the process, and
release the GIL around the evaluation.

GOV_PY_FFI picks one: "ext" (an ImportError if it is not built), "cffi" or "ctypes";
unset: the best one present. The tests run all three.
"""
import importlib.machinery
import importlib.util
import os

from . import _lib

MODE = os.environ.get("GOV_PY_FFI", "")
if MODE not in ("", "ext", "cffi", "ctypes"):
    raise ImportError(f"gov: GOV_PY_FFI is ext, cffi or ctypes, not {MODE!r}")


def _find_ext():
    try:
        from . import _govext   # installed beside the package
        return _govext
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = []
    if os.environ.get("GOV_LIBDIR"):
        dirs.append(os.path.join(os.environ["GOV_LIBDIR"], "python"))
    dirs.append(os.path.normpath(os.path.join(here, "..", "..", "..", "build", "python")))
    for d in dirs:
        for sfx in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(d, "_govext" + sfx)
            if os.path.exists(path):
                spec = importlib.util.spec_from_file_location("gov._govext", path)
                mod = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(mod)
                return mod
    return None


ext = None
if MODE in ("", "ext"):
    ext = _find_ext()
    if ext is None and MODE == "ext":
        raise ImportError("gov: GOV_PY_FFI=ext but the extension is not built (make python: build/python/_govext*)")

# What cffi is told of vm/gov.h (tests/test_layout.py holds it to the header).
CDEF = """
    typedef struct gov_summary { uint32_t size; int status; int verdict; uint64_t line; int json; size_t len; } gov_summary;
    const void *gov_eval_json_summary(void *vm, const char *json, size_t len, uint64_t lineno,
                                      char *buf, size_t cap, gov_summary *out);
"""

ffi = lib = None
if ext is None and MODE in ("", "cffi"):
    try:
        import cffi
    except ImportError:
        cffi = None
    if cffi is not None:
        ffi = cffi.FFI()
        ffi.cdef(CDEF)
        lib = ffi.dlopen(_lib.gov._name)


def available():
    """cffi is the hot path (no extension)."""
    return lib is not None


def which():
    return "ext" if ext is not None else "cffi" if lib is not None else "ctypes"


def setup_ext(mod, decision, record_error, gov_error, fallback, canon):
    """Give the extension libgov's functions (by address), the classes it returns, the
    record encoder and the field converter it falls back to."""
    import ctypes
    names = ["gov_eval_json", "gov_decision_status", "gov_decision_verdict", "gov_decision_line",
             "gov_decision_error", "gov_decision_json", "gov_record_begin", "gov_set_int", "gov_set_float",
             "gov_set_string", "gov_set_strings", "gov_eval"]
    addrs = {n: ctypes.cast(getattr(_lib.gov, n), ctypes.c_void_p).value for n in names}
    mod.setup(addrs, decision, record_error, gov_error, fallback, canon)
