"""The ctypes (and cffi) mirrors of the C structs are the C structs: every mirrored
struct's size, and each of its members' offset and size, against what a C compiler
makes of vm/gov.h, compiler/gov_compiler.h and log/govlog.h. A member added to a C
struct and not to its mirror changes the struct's size, so a mirror that stops short
(gov_action once stopped at inhibited_by) fails here, and a member that is misnamed or
misplaced fails by name."""
import ctypes
import os
import subprocess

import pytest

import gov
import gov._fast
import gov.log
import gov.pset
from conftest import ROOT

_lib = gov._lib

# The C type of each ctypes Structure the package declares. Every Structure in its
# modules must be here (test_every_mirror_is_checked), so a new one is checked too.
C_NAMES = {
    "Error": "gov_error", "Config": "gov_config", "Sig": "gov_sig", "Value": "gov_value", "Compare": "gov_compare",
    "From": "gov_from", "Finding": "gov_finding", "Run": "gov_run", "Action": "gov_action",
    "HostError": "gov_host_error", "Summary": "gov_summary", "Location": "gov_location",
    "Diagnostic": "gov_diagnostic", "Note": "gov_diagnostic_note", "Compiled": "gov_compiled",
    "SetResult": "gov_set_result", "_Options": "govlog_options", "_VerifyOpts": "govlog_verify_opts",
    "_Line": "govlog_line",
}


def _structures():
    found = {}
    for mod in (gov._lib, gov.log, gov.pset):
        for name, obj in vars(mod).items():
            if isinstance(obj, type) and issubclass(obj, ctypes.Structure) and obj.__module__ == mod.__name__ \
                    and obj is not _lib._Sized:
                found[name] = obj
    return found


STRUCTS = _structures()
MIRRORS = [(STRUCTS[k], c) for k, c in C_NAMES.items() if k in STRUCTS]


def test_every_mirror_is_checked():
    assert set(STRUCTS) == set(C_NAMES)


# The constants the package repeats from the headers.
CONSTANTS = {"GOV_LIMIT__COUNT": getattr(_lib, "LIMIT_COUNT", None), "GOV_LIMIT__JSON": getattr(_lib, "LIMIT_JSON", None),
             "GOV_LIMIT_RCACHE_BYTES": _lib.LIMITS.get("rcache_bytes"), "GOV_RCACHE_AUTO": getattr(_lib, "RCACHE_AUTO", None),
             "GOV_MAX_PARAMS": _lib.GOV_MAX_PARAMS, "GOV_MAX_COMPARES": _lib.GOV_MAX_COMPARES}


@pytest.fixture(scope="module")
def c_layout(tmp_path_factory):
    """{"gov_action": size, "gov_action.channel": (offset, size), ...} and the constants,
    printed by a C program built here from the headers."""
    src = ["#include <stddef.h>", "#include <stdio.h>", '#include "vm/gov.h"', '#include "compiler/gov_compiler.h"',
           '#include "log/govlog.h"', "int main(void) {"]
    for cls, c in MIRRORS:
        src.append(f'    printf("{c} %zu\\n", sizeof({c}));')
        for name, *_ in cls._fields_:
            src.append(f'    printf("{c}.{name} %zu %zu\\n", offsetof({c}, {name}), sizeof((({c} *)0)->{name}));')
    for k in CONSTANTS:
        src.append(f'    printf("{k} %llu\\n", (unsigned long long)({k}));')
    src += ["    return 0;", "}"]
    d = tmp_path_factory.mktemp("layout")
    (d / "layout.c").write_text("\n".join(src) + "\n")
    # Neither the compiler nor the program runs under the sanitizers' preload (make san).
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
    cc = os.environ.get("CC", "cc")
    r = subprocess.run([cc, "-std=c17", "-I", ROOT, "-I", os.path.join(ROOT, "vm"), "-o", str(d / "layout"),
                        str(d / "layout.c")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, "a mirror names a member its C struct does not have:\n" + r.stderr[-3000:]
    out = subprocess.run([str(d / "layout")], capture_output=True, text=True, check=True, env=env).stdout
    layout = {}
    for line in out.splitlines():
        key, *nums = line.split()
        layout[key] = tuple(int(x) for x in nums) if len(nums) > 1 else int(nums[0])
    return layout


@pytest.mark.parametrize("cls,c", MIRRORS, ids=[c for _, c in MIRRORS])
def test_ctypes_mirror_is_the_c_struct(c_layout, cls, c):
    wrong = [f"{name}: ctypes at {getattr(cls, name).offset} ({getattr(cls, name).size} B), "
             f"C at {c_layout[f'{c}.{name}'][0]} ({c_layout[f'{c}.{name}'][1]} B)"
             for name, *_ in cls._fields_
             if (getattr(cls, name).offset, getattr(cls, name).size) != c_layout[f"{c}.{name}"]]
    assert not wrong, f"{cls.__name__} is not {c}: " + "; ".join(wrong)
    assert ctypes.sizeof(cls) == c_layout[c], \
        f"{cls.__name__} is {ctypes.sizeof(cls)} bytes, {c} {c_layout[c]}: members missing after " \
        f"{cls._fields_[-1][0]}"


def test_the_constants_are_the_headers(c_layout):
    assert {k: c_layout[k] for k in CONSTANTS} == CONSTANTS


def test_the_cffi_summary_is_the_c_struct(c_layout):
    """_fast.py's cffi declaration of gov_summary (the hot path without the extension)."""
    import cffi
    ffi = cffi.FFI()
    ffi.cdef(gov._fast.CDEF)
    assert ffi.sizeof("gov_summary") == c_layout["gov_summary"]
    for name, *_ in _lib.Summary._fields_:
        assert ffi.offsetof("gov_summary", name) == c_layout[f"gov_summary.{name}"][0], name
