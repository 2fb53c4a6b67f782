"""The README's Python example, run as written (so it cannot rot)."""
import contextlib
import io
import re


def readme_example():
    text = open("README.md", encoding="utf-8").read()
    m = re.search(r"^## Python \(bindings/python\)\n(.*?)^## ", text, re.S | re.M)
    assert m, "README.md has no '## Python (bindings/python)' section"
    blocks = re.findall(r"^```python\n(.*?)^```", m.group(1), re.S | re.M)
    assert len(blocks) == 1, "the Python section has one ```python example"
    return blocks[0]


def test_readme_example_runs():
    code = readme_example()
    assert len(code.strip().splitlines()) <= 14
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md (Python example)", "exec"), {"__name__": "readme"})
    lines = out.getvalue().splitlines()
    assert lines[0] == "warn ['slow_run'] ['support_alerts']"
    assert lines[1].startswith("E0") and "bad.gov:2:" in lines[1]
