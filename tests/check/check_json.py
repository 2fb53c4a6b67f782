#!/usr/bin/env python3
"""check_json.py FILE: the shape of `govc check --format json` output.

Every diagnostic has a severity, a code, a message and a position (positionless ones
only for I/O errors); every note has a message; the totals match the list."""
import json
import re
import sys

doc = json.load(open(sys.argv[1]))
diags = doc["diagnostics"]
assert diags, "no diagnostics"
errors = warnings = 0
for d in diags:
    assert d["severity"] in ("error", "warning"), d
    assert re.fullmatch(r"[EW]0\d\d", d["code"]), d
    assert isinstance(d["message"], str) and d["message"], d
    for k in ("file", "line", "column", "end_line", "end_column"):
        assert k in d, (k, d)
    assert d["line"] >= 1 and d["column"] >= 1, d
    assert (d["end_line"], d["end_column"]) >= (d["line"], d["column"]), d
    for n in d["notes"]:
        assert isinstance(n["message"], str) and n["message"], n
        if "file" in n:
            assert n["line"] >= 1 and n["column"] >= 1, n
    errors += d["severity"] == "error"
    warnings += d["severity"] == "warning"
assert doc["errors"] == errors and doc["warnings"] == warnings, (doc["errors"], doc["warnings"])
assert any(d["notes"] for d in diags), "expected at least one note"
assert warnings > 0 and errors > 0, "expected errors and warnings"
print("ok", len(diags))
