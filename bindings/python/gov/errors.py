"""The exceptions the binding raises. Every one is a GovError carrying the C result code
(gov.h: GOV_E...) and its message; nothing the binding is given crashes the process."""


class GovError(Exception):
    """A call into libgov or libgovc failed. `code` is the C result code (0 never),
    `name` its gov_errstr() description."""

    def __init__(self, code, message):
        from . import _lib
        self.code = code
        self.name = _lib.errstr(code)
        self.message = message
        super().__init__(f"{message} ({self.name})" if message else self.name)


class CompileError(GovError):
    """The sources have errors (or a path could not be read). `diagnostics` holds every
    Diagnostic, errors and warnings; `text` is them rendered as govc check prints them."""

    def __init__(self, code, message, diagnostics, text):
        self.diagnostics = diagnostics
        self.text = text
        super().__init__(code, message)

    def __str__(self):
        return self.text.rstrip("\n") if self.text else super().__str__()

    @property
    def errors(self):
        return [d for d in self.diagnostics if d.severity == "error"]


class LoadError(GovError):
    """A .govb program (or a saved state) was refused: `offset` is the byte the verifier
    stopped at, when it says."""

    def __init__(self, code, message, offset=0):
        self.offset = offset
        super().__init__(code, message)


class LimitsError(LoadError):
    """A limits file (spec/language.md 5.2) was refused: malformed (code GOV_ELIMITS) or
    loosening a limit (GOV_ELOOSEN, `diagnostic` "E050", the message E050's). `line` and
    `column` locate it in the file (0 when the error is not in it); `note` points at the
    related setting ("FILE:LINE:COL: note: ...") or is ""."""

    def __init__(self, code, message, offset=0, line=0, column=0, note=""):
        from . import _lib
        self.line = line
        self.column = column
        self.note = note
        self.diagnostic = "E050" if code == _lib.ELOOSEN else None
        super().__init__(code, message, offset)


class RecordError(GovError):
    """A record or event was malformed (bad JSON, a missing field, a wrong type or unit, a
    cap exceeded) or the VM is not ready (an unbound host function). The VM's state did
    not change. `line` is the line number given with the record."""

    def __init__(self, code, message, line=0):
        self.line = line
        super().__init__(code, message)


class TraceError(GovError):
    """A compact trace (spec/trace.md §3.1) could not be rendered: malformed bytes (code
    GOV_ETRACE; the message names the byte and why), a trace of another policy
    (GOV_EPOLICY) or of a format version this library does not read (GOV_EVERSION).
    The VM did not change."""


class BindError(GovError):
    """A host function could not be bound: no such extern, or a signature that does not
    match its declaration."""


class LogError(GovError):
    """A decision log call failed (log/govlog.h): `code` is the GOVLOG_E... code (1 EIO,
    2 EMISUSE, 3 ENOMEM, 4 ELOCKED, 5 ETORN, 6 ECORRUPT, 7 EOPEN, 8 ECHAIN, 9 EDECISION,
    11 ECRYPTO: OpenSSL's libcrypto cannot be loaded or cannot compute SHA-256),
    `name` its govlog_errstr() description. Raised by a VM's evaluate when the decision
    it made could not be logged: the decision was made (the VM's state moved on) but
    must not be acted on."""

    def __init__(self, code, message):
        from . import log
        self.code = code
        self.name = log.errstr(code)
        self.message = message
        Exception.__init__(self, f"{message} ({self.name})" if message else self.name)
