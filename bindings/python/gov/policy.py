"""Compiling and loading policies: Policy, check(), Diagnostic.

Sources go to libgovc (compiler/gov_compiler.h): a path (a .gov file or a directory
searched for *.gov), a list of paths, or a mapping of names to texts held in memory. A
compiled or loaded program is verified by libgov before a Policy exists; a Policy is
read-only and may be shared by any number of VMs and threads.
"""
import ctypes
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

from . import _lib
from .errors import CompileError, GovError, LimitsError, LoadError, RecordError


@dataclass(frozen=True, slots=True)
class Location:
    """Where a diagnostic or a note points: 1-based line and column (in code points), the
    exclusive end, and the byte span [offset, end) in the file."""
    file: str
    line: int
    col: int
    end_line: int
    end_col: int
    offset: int
    end: int

    def __str__(self):
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Note:
    message: str
    location: Optional[Location]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One diagnostic, as govc check reports it. severity is "error" or "warning" (a
    warning under werror is an error); location is None for one with no position."""
    severity: str
    code: str
    message: str
    location: Optional[Location]
    notes: tuple

    def __str__(self):
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity}[{self.code}]: {self.message}"


def _text(b):
    return b.decode("utf-8", "replace") if b is not None else None


def _location(at):
    if not at.file:
        return None
    return Location(_text(at.file), at.line, at.col, at.end_line, at.end_col, at.offset, at.end)


def _cstr(s, what):
    """A path or name as C bytes, refusing what C would silently cut (a NUL)."""
    if isinstance(s, os.PathLike):
        s = os.fspath(s)
    if isinstance(s, str):
        b = os.fsencode(s)
    elif isinstance(s, bytes):
        b = s
    else:
        raise TypeError(f"{what} must be str, bytes or os.PathLike, not {type(s).__name__}")
    if b"\0" in b:
        raise ValueError(f"{what} contains a NUL byte")
    if not b:
        raise ValueError(f"{what} is empty")
    return b


class _Compiler:
    """One gov_compiler, freed when done (use as a context manager)."""

    def __init__(self, sources, werror, files, max_errors):
        self.c = ctypes.c_void_p()
        rc = _lib.gov_compiler_new(ctypes.byref(self.c), None, None)
        if rc != _lib.OK:
            raise GovError(rc, "cannot create a compiler")
        try:
            _lib.gov_compiler_option(self.c, _lib.OPT_WERROR, 1 if werror else 0)
            _lib.gov_compiler_option(self.c, _lib.OPT_FILES, 1 if files else 0)
            if max_errors is not None:
                if not isinstance(max_errors, int) or max_errors < 0 or max_errors > 2**31 - 1:
                    raise ValueError("max_errors must be an int from 0 (no limit) to 2**31-1")
                _lib.gov_compiler_option(self.c, _lib.OPT_MAX_ERRORS, max_errors)
            self._add(sources)
        except BaseException:
            self.close()
            raise

    def _add(self, sources):
        if isinstance(sources, Mapping):
            for name, text in sources.items():
                nb = _cstr(name, "a source name")
                if isinstance(text, str):
                    # Lone surrogates pass through as the bytes they would be, which the
                    # compiler reports as invalid UTF-8 (E002) like any bad file.
                    tb = text.encode("utf-8", "surrogatepass")
                elif isinstance(text, (bytes, bytearray, memoryview)):
                    tb = bytes(text)
                else:
                    raise TypeError(f"source {name!r}: text must be str or bytes, not {type(text).__name__}")
                self._check(_lib.gov_compiler_add_source(self.c, nb, tb, len(tb)))
        elif isinstance(sources, (str, bytes, os.PathLike)):
            self._check(_lib.gov_compiler_add_path(self.c, _cstr(sources, "a path")))
        else:
            try:
                items = list(sources)
            except TypeError:
                raise TypeError("sources must be a path, a list of paths or a mapping of names to texts, "
                                f"not {type(sources).__name__}") from None
            if not items:
                raise ValueError("no sources given")
            for p in items:
                self._check(_lib.gov_compiler_add_path(self.c, _cstr(p, "a path")))

    def _check(self, rc):
        if rc != _lib.OK:
            raise GovError(rc, _text(_lib.gov_compiler_errmsg(self.c)))

    def diagnostics(self):
        out = []
        d = _lib.Diagnostic()
        n = _lib.Note()
        for i in range(_lib.gov_compiler_diag_count(self.c)):
            _lib.gov_compiler_diag(self.c, i, ctypes.byref(d))
            notes = []
            for j in range(d.nnotes):
                _lib.gov_compiler_note(self.c, i, j, ctypes.byref(n))
                notes.append(Note(_text(n.message), _location(n.at)))
            out.append(Diagnostic("error" if d.severity == 0 else "warning", _text(d.code), _text(d.message),
                                  _location(d.at), tuple(notes)))
        return out

    def render(self, fmt="text"):
        if fmt not in _lib.FORMATS:
            raise ValueError(f"format must be one of {', '.join(_lib.FORMATS)}")
        text = ctypes.c_char_p()
        n = ctypes.c_size_t()
        self._check(_lib.gov_compiler_render(self.c, _lib.FORMATS[fmt], ctypes.byref(text), ctypes.byref(n)))
        return ctypes.string_at(text, n.value).decode("utf-8", "replace")

    def fail(self, rc):
        raise CompileError(rc, _text(_lib.gov_compiler_errmsg(self.c)), self.diagnostics(), self.render())

    def close(self):
        if self.c:
            _lib.gov_compiler_free(self.c)
            self.c = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check(sources, *, werror=False, files=True, max_errors=None):
    """Check sources without compiling them; every Diagnostic, errors and warnings, sorted
    as govc check prints them. Raises CompileError only when a path cannot be read."""
    with _Compiler(sources, werror, files, max_errors) as c:
        rc = _lib.gov_compiler_check(c.c)
        if rc not in (_lib.OK, _lib.ESOURCE):
            c.fail(rc)
        return c.diagnostics()


def render(sources, fmt="text", *, werror=False, files=True):
    """The diagnostics of sources as govc check prints them: "text", "json", "github" or
    "sarif"."""
    with _Compiler(sources, werror, files, None) as c:
        rc = _lib.gov_compiler_check(c.c)
        if rc not in (_lib.OK, _lib.ESOURCE, _lib.EIO):
            c.fail(rc)
        return c.render(fmt)


def _check_count(n):
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 0xFFFFFFFF:
        raise ValueError(f"a partition count is an integer from 1 to 2**32 - 1, not {n!r}")


def partition_of(key, n):
    """The partition (0..n-1) of a partition key value among n: XXH3-64 (seed 0) of its
    UTF-8 bytes, mod n (spec/scaleout.md §1)."""
    _check_count(n)
    if isinstance(key, str):
        key = key.encode("utf-8", "surrogatepass")
    if not isinstance(key, bytes):
        raise TypeError(f"a key is str or bytes, not {type(key).__name__}")
    return _lib.gov_partition_of(key, len(key), n)


class Policy:
    """A verified, read-only program. Make one with Policy.compile(sources) or
    Policy.load(bytes); give it to VM(policy). It stays alive as long as a VM uses it."""

    __slots__ = ("_prog", "name", "id", "bytes", "warnings", "_kindmap", "__weakref__")

    def __init__(self, _prog, data, warnings=()):
        self._prog = _prog
        self._kindmap = None
        self.name = _lib.gov_program_name(_prog).decode()
        self.id = _lib.gov_program_id(_prog).decode()
        self.bytes = data
        self.warnings = tuple(warnings)

    @classmethod
    def load(cls, data):
        """Verify and load a compiled program (.govb bytes). Raises LoadError."""
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        if not isinstance(data, bytes):
            raise TypeError(f"a program is bytes, not {type(data).__name__}")
        prog = ctypes.c_void_p()
        err = _lib.Error()
        rc = _lib.gov_program_load(data, len(data), ctypes.byref(prog), ctypes.byref(err))
        if rc != _lib.OK:
            raise LoadError(rc, err.message.decode("utf-8", "replace"), err.offset)
        return cls(prog, data)

    @classmethod
    def load_file(cls, path):
        with open(path, "rb") as f:
            return cls.load(f.read())

    def with_limits(self, limits, name="limits.json"):
        """This policy with a limits file loaded beside it (spec/language.md 5.2): a new
        Policy whose id covers the file's entries and whose decisions name `name` and the
        line of a value that came from it. `limits` is the file's JSON text (str or bytes).
        Raises LimitsError: malformed, or loosening a limit (E050's message). `bytes` of
        the result is this policy's program, without the file."""
        if isinstance(limits, str):
            limits = limits.encode("utf-8", "surrogatepass")
        if isinstance(limits, (bytearray, memoryview)):
            limits = bytes(limits)
        if not isinstance(limits, bytes):
            raise TypeError(f"a limits file is str or bytes, not {type(limits).__name__}")
        prog = ctypes.c_void_p()
        err = _lib.Error()
        rc = _lib.gov_program_load_limits(self.bytes, len(self.bytes), limits, len(limits),
                                          str(name).encode("utf-8", "surrogatepass"), ctypes.byref(prog),
                                          ctypes.byref(err))
        if rc != _lib.OK:
            raise LimitsError(rc, err.message.decode("utf-8", "replace"), err.offset, err.line, err.col,
                              err.note.decode("utf-8", "replace"))
        return type(self)(prog, self.bytes, self.warnings)

    @classmethod
    def compile_all(cls, sources, *, werror=False, files=True):
        """Compile every policy in sources (files that declare the same `policy NAME` are
        one policy). A list of Policy, in the order of their first files by name. Raises
        CompileError with every diagnostic when the sources have errors. Warnings are
        kept on each Policy (policy.warnings)."""
        with _Compiler(sources, werror, files, None) as c:
            rc = _lib.gov_compiler_build(c.c)
            if rc != _lib.OK:
                c.fail(rc)
            warnings = c.diagnostics()
            out = []
            comp = _lib.Compiled()
            for i in range(_lib.gov_compiler_program_count(c.c)):
                _lib.gov_compiler_program(c.c, i, ctypes.byref(comp))
                data = ctypes.string_at(comp.bytes, comp.len)
                p = cls.load(data)
                p.warnings = tuple(warnings)
                out.append(p)
            return out

    @classmethod
    def compile(cls, sources, *, werror=False, files=True):
        """Compile sources that hold exactly one policy: a path (a .gov file or a
        directory), a list of paths, or a mapping {name: text} of sources in memory, whose
        relative imports resolve among themselves ("std/NAME" is built in). files=False
        reads nothing from disk (for untrusted text). Raises CompileError."""
        pols = cls.compile_all(sources, werror=werror, files=files)
        if len(pols) != 1:
            names = ", ".join(p.name for p in pols) or "none"
            raise CompileError(_lib.ESOURCE, f"the sources hold {len(pols)} policies ({names}); "
                               "give one, or use Policy.compile_all", [], "")
        return pols[0]

    @property
    def partition_key(self):
        """The key records are partitioned by (spec/govd.md §5): "tenant", "project",
        "workflow", "agent" or "run_id"; "any" for a policy without state, "none" for one
        whose state cannot be partitioned."""
        return _lib.gov_partition_name(_lib.gov_program_partition(self._prog, None, 0)).decode()

    def partition(self, record, n):
        """The partition (0..n-1) of a record or event (a dict, or one JSON line as str or
        bytes) among n: spec/scaleout.md §1, the function govd and the Redis scale-out
        route by. Raises GovError (GOV_EMISUSE) for a policy keyed "any" (any partition
        will do) or "none" with n > 1."""
        _check_count(n)
        if isinstance(record, dict):
            record = json.dumps(record, ensure_ascii=False)
        if isinstance(record, str):
            record = record.encode("utf-8", "surrogatepass")
        if not isinstance(record, bytes):
            raise TypeError(f"a record is a dict, str or bytes, not {type(record).__name__}")
        out = ctypes.c_uint32()
        rc = _lib.gov_record_partition(self._prog, record, len(record), n, ctypes.byref(out))
        if rc not in (_lib.OK, _lib.EJSON):
            key = self.partition_key
            raise GovError(rc, f"policy {self.name} keeps no state: any partition will do" if key == "any" else
                           f"policy {self.name} cannot be partitioned (it keeps state for all records): "
                           "use 1 partition")
        return out.value

    @property
    def kinds(self):
        """{kind: {field: type}} in slot order; types as the language names them."""
        out = {}
        for k in range(_lib.gov_kind_count(self._prog)):
            fields = {}
            for s in range(_lib.gov_field_count(self._prog, k)):
                fields[_lib.gov_field_name(self._prog, k, s).decode()] = \
                    _lib.TYPES.get(_lib.gov_field_type(self._prog, k, s), "?")
            out[_lib.gov_kind_name(self._prog, k).decode()] = fields
        return out

    def _kind(self, kind):
        """(kind index, {field: (slot, type code)}, kind name) of a kind by name (None: the
        only kind), for the typed entry point; RecordError for an unknown kind."""
        m = self._kindmap
        if m is None:
            m = {}
            n = _lib.gov_kind_count(self._prog)
            for k in range(n):
                fields = {_lib.gov_field_name(self._prog, k, s).decode(): (s, _lib.gov_field_type(self._prog, k, s))
                          for s in range(_lib.gov_field_count(self._prog, k))}
                name = _lib.gov_kind_name(self._prog, k).decode()
                m[name] = (k, fields, name)
            if n == 1:
                m[None] = next(iter(m.values()))
            self._kindmap = m
        e = m.get(kind)
        if e is None:
            if kind is None:
                raise RecordError(_lib.EKIND, f"policy {self.name} has {len(m)} record kinds: name one "
                                  f"({', '.join(sorted(k for k in m if k))})")
            if not isinstance(kind, str):
                raise TypeError(f"a record kind is a str, not {type(kind).__name__}")
            raise RecordError(_lib.EKIND, f"policy {self.name} has no record kind {kind!r}")
        return e

    @property
    def externs(self):
        """The host functions the policy calls: {name: (param C types, return C type,
        on_error)} with C types "int64", "double", "int", "string" and on_error "none",
        "default" or "verdict"."""
        names = {1: "int64", 2: "double", 3: "int", 4: "string"}
        out = {}
        sig = _lib.Sig()
        onerr = ctypes.c_int()
        for i in range(_lib.gov_extern_count(self._prog)):
            _lib.gov_extern_sig(self._prog, i, ctypes.byref(sig), ctypes.byref(onerr))
            out[_lib.gov_extern_name(self._prog, i).decode()] = (
                tuple(names[sig.params[j]] for j in range(sig.nparams)), names[sig.ret],
                ("none", "default", "verdict")[onerr.value])
        return out

    def disasm(self):
        """The program's tables and code, as govc disasm lists them."""
        n = ctypes.c_size_t()
        cap = 1 << 16
        while True:
            buf = ctypes.create_string_buffer(cap)
            rc = _lib.gov_disasm(self._prog, buf, cap, ctypes.byref(n))
            if rc == _lib.OK:
                return buf.raw[:n.value].decode("utf-8", "replace")
            if rc != _lib.ESPACE:
                raise GovError(rc, "disassembly failed")
            cap = max(cap * 2, n.value + 1)

    def __repr__(self):
        return f"<gov.Policy {self.name} id {self.id}>"

    def __del__(self):
        prog = getattr(self, "_prog", None)
        if prog:
            _lib.gov_program_free(prog)
            self._prog = None
