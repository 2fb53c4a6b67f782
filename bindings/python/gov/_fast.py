"""The evaluation hot path through Debian's python3-cffi in ABI mode, when it is there.

A call through cffi costs about 400 ns less than the same call through ctypes, which is
a large part of what a binding adds to a decision (bench.py). Only gov_eval_json_summary
and the summary struct go this way; everything else is ctypes (_lib.py). The library is
the same file _lib.py loaded, so it is the same copy in the process. Like ctypes, cffi
releases the GIL around the call. GOV_PY_FFI=ctypes turns this off (the tests run both).
"""
import os

from . import _lib

ffi = lib = None
if os.environ.get("GOV_PY_FFI", "") != "ctypes":
    try:
        import cffi
    except ImportError:
        cffi = None
    if cffi is not None:
        ffi = cffi.FFI()
        ffi.cdef("""
            typedef struct gov_summary { uint32_t size; int status; int verdict; uint64_t line; int json; size_t len; } gov_summary;
            const void *gov_eval_json_summary(void *vm, const char *json, size_t len, uint64_t lineno,
                                              char *buf, size_t cap, gov_summary *out);
        """)
        lib = ffi.dlopen(_lib.gov._name)


def available():
    return lib is not None
