"""Compiling and loading through the binding: Policy.compile/compile_all/load, check(),
render(), diagnostics as objects, and bad arguments as exceptions."""
import pytest

import gov
from conftest import govc


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_compile_a_directory_matches_govc_build(tmp_path):
    p = gov.Policy.compile("policies/support")
    out = tmp_path / "s.govb"
    r = govc("build", "-o", str(out), "policies/support")
    assert r.returncode == 0, r.stderr
    assert p.bytes == out.read_bytes()
    assert p.name == "support_agents" and p.id in r.stdout and len(p.id) == 32


def test_compile_sources_in_memory_with_imports():
    p = gov.Policy.compile({
        "app/main.gov": 'policy app\nimport "lib/shape.gov"\nimport "std/kpi"\n'
                        "max budget = 2s\nrule slow { when run.latency > budget }\n",
        "app/lib/shape.gov": "module shape\nrecord run { latency: duration from \"ms\" in ms }\n",
    }, files=False)
    assert p.name == "app"
    vm = gov.VM(p)
    assert vm.evaluate({"at": "2026-01-01T00:00:00Z", "ms": 2500}).verdict == "warn"
    assert vm.evaluate({"at": "2026-01-01T00:00:00Z", "ms": 1500}).verdict == "allow"


def test_compile_a_list_of_paths_and_bytes_text():
    p = gov.Policy.compile(["tests/check/cases/dup_across_files/c.gov"])
    assert p.name == "other"
    q = gov.Policy.compile({"x.gov": read("tests/check/cases/dup_across_files/c.gov").encode()})
    assert q.name == "other"


def test_several_policies():
    srcs = {"a.gov": "policy a\nrecord run { x: int }\nrule r { when run.x > 1 }\n",
            "b.gov": "policy b\nrecord run { x: int }\nrule r { when run.x > 2 }\n"}
    with pytest.raises(gov.CompileError, match="2 policies"):
        gov.Policy.compile(srcs)
    both = gov.Policy.compile_all(srcs)
    assert [p.name for p in both] == ["a", "b"]


def test_diagnostics_are_objects_with_positions_and_notes():
    with pytest.raises(gov.CompileError) as ei:
        gov.Policy.compile({"loosen.gov": read("tests/check/cases/loosen.gov")})
    e = ei.value
    assert e.code == 50 and e.name == "the sources have errors"
    assert len(e.diagnostics) == 3 and len(e.errors) == 3
    d = e.diagnostics[0]
    assert (d.severity, d.code, d.location.file, d.location.line, d.location.col) == ("error", "E050", "loosen.gov", 15, 3)
    assert (d.location.end_line, d.location.end_col) == (15, 22)
    text = read("tests/check/cases/loosen.gov").encode()
    assert text[d.location.offset:d.location.end] == b"latency_budget = 4s"
    assert d.message.startswith("'latency_budget' = 4s in tenant \"acme\" loosens 3s")
    assert len(d.notes) == 1 and d.notes[0].message == "the default sets it to 3s here"
    assert (d.notes[0].location.line, d.notes[0].location.col) == (12, 22)
    assert str(d) == "loosen.gov:15:3: error[E050]: " + d.message
    # The exception's text is what govc check prints (without its summary line).
    want = "".join(ln for ln in open("tests/check/cases/loosen.expected").readlines()
                   if not ln.startswith("#") and not ln.startswith("govc: "))
    assert str(e) + "\n" == want


def test_warnings_kept_and_werror():
    src = {"w.gov": read("tests/check/cases/warn_unused.gov")}
    p = gov.Policy.compile(src)
    assert p.warnings and all(w.severity == "warning" and w.code.startswith("W") for w in p.warnings)
    with pytest.raises(gov.CompileError) as ei:
        gov.Policy.compile(src, werror=True)
    assert {d.severity for d in ei.value.diagnostics} == {"error"}


def test_check_and_render():
    diags = gov.check("tests/check/cases/loosen.gov")
    assert [d.code for d in diags] == ["E050"] * 3
    assert gov.check("policies/support") == []
    js = gov.render({"l.gov": read("tests/check/cases/loosen.gov")}, "json")
    assert '"errors":3' in js
    sarif = gov.render({"l.gov": read("tests/check/cases/loosen.gov")}, "sarif")
    assert '"version":"2.1.0"' in sarif
    with pytest.raises(ValueError):
        gov.render({"l.gov": "policy p\n"}, "yaml")
    diags = gov.check({"m.gov": "policy p\n" + "rule r%d { when nope }\n" * 5}, max_errors=2)
    assert len(diags) == 2


def test_files_off_refuses_the_disk():
    with pytest.raises(gov.CompileError) as ei:
        gov.Policy.compile({"m.gov": 'policy p\nimport "/etc/passwd"\n'}, files=False)
    assert ei.value.diagnostics[0].code == "E031" and "file access is off" in ei.value.diagnostics[0].message
    with pytest.raises(gov.CompileError) as ei:
        gov.Policy.compile("policies/support", files=False)
    assert ei.value.code == 51   # GOV_EIO


def test_missing_path():
    with pytest.raises(gov.CompileError) as ei:
        gov.Policy.compile("no/such/policy")
    assert ei.value.code == 51 and "no/such/policy" in str(ei.value)


@pytest.mark.parametrize("bad, exc", [
    (None, TypeError), (42, TypeError), ([], ValueError), ("", ValueError), ("a\0b", ValueError),
    ({"": "policy p"}, ValueError), ({"a\0.gov": "x"}, ValueError), ({"a.gov": 3}, TypeError),
    ({7: "policy p"}, TypeError), ([None], TypeError),
])
def test_bad_sources_raise(bad, exc):
    with pytest.raises(exc):
        gov.Policy.compile(bad)


def test_bad_text_is_a_diagnostic_not_a_crash():
    for text in ["policy p\0", b"\xff\xfe", "\ud800", "", "policy", "}" * 10000, "(" * 100000]:
        with pytest.raises(gov.CompileError) as ei:
            gov.Policy.compile({"bad.gov": text})
        assert ei.value.diagnostics and ei.value.diagnostics[0].severity == "error"


def test_load_and_garbage():
    p = gov.Policy.compile("policies/support")
    q = gov.Policy.load(p.bytes)
    assert q.id == p.id and q.kinds == p.kinds
    assert "run" in p.kinds and p.kinds["run"]["latency"] == "duration"
    assert "rules" in p.disasm()
    with pytest.raises(gov.LoadError) as ei:
        gov.Policy.load(b"not a program" * 10)
    assert ei.value.code == 10   # GOV_EMAGIC
    with pytest.raises(gov.LoadError):
        gov.Policy.load(p.bytes[:-7])
    flipped = bytearray(p.bytes)
    flipped[len(flipped) // 2] ^= 0x40
    with pytest.raises(gov.LoadError):
        gov.Policy.load(flipped)
    with pytest.raises(TypeError):
        gov.Policy.load("a string")
    with pytest.raises(gov.LoadError):
        gov.Policy.load(b"")


def test_externs_listed():
    p = gov.Policy.compile("policies/content_safety")
    assert p.externs == {"pii_score": (("string",), "double", "default"),
                         "on_watchlist": (("string", "int64"), "int", "verdict")}
