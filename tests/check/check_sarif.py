#!/usr/bin/env python3
"""check_sarif.py [--empty] [--no-warnings] [--root DIR] [--builtin] FILE: a govc SARIF log.

Checks what the SARIF 2.1.0 schema requires of a log (version, runs), a run (tool),
a tool (driver), a driver (name), a result (message with text or id), a location's
physicalLocation (artifactLocation with uri, region with startLine >= 1), plus the
consistency GitHub code scanning relies on: ruleId/ruleIndex point at a declared rule,
levels are SARIF levels. (tests/check/sarif/validate.js holds the log to the schema
itself.) And what govc promises (spec/language.md section 6):
  - the run says columnKind "unicodeCodePoints" (columns count code points);
  - every rule has as its description the meaning spec/language.md section 7 gives its
    code (fullDescription.markdown word for word, the texts without backquotes) and its
    default level (W codes warning, E codes error); no helpUri and no informationUri
    (gov has no public address to link to), and no link anywhere to a placeholder host;
  - every artifact URI is a percent-encoded URI reference that, decoded, names a file
    that exists (relative to --root DIR, default the current directory; file:// URIs
    absolute): never a module built into govc;
  - a related location with no physicalLocation is a note in a built-in module, and
    its message names it. --builtin: at least one such note must be there.
--empty: the log must have no results. --no-warnings: every result must be an error
(-Werror)."""
import json
import os
import re
import sys
import urllib.parse

args = sys.argv[1:]
empty = "--empty" in args
no_warn = "--no-warnings" in args
want_builtin = "--builtin" in args
root = "."
rest = []
i = 0
while i < len(args):
    if args[i] == "--root":
        root = args[i + 1]
        i += 2
        continue
    if not args[i].startswith("--"):
        rest.append(args[i])
    i += 1
path = rest[0]
log = json.load(open(path))
SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "language.md")


def need(cond, what):
    if not cond:
        sys.exit("SARIF: " + what)


def spec_codes():
    """{code: meaning} from the tables of spec/language.md section 7."""
    codes, in7 = {}, False
    for line in open(SPEC, encoding="utf-8"):
        if line.startswith("## "):
            in7 = line.startswith("## 7. ")
            continue
        m = re.match(r"^\| ([EW]\d{3}) \| (.*) \| (.*) \|\s*$", line)
        if in7 and m:
            codes[m.group(1)] = m.group(2)
    return codes


need(log.get("version") == "2.1.0", "version must be \"2.1.0\"")
need(isinstance(log.get("$schema", ""), str), "$schema must be a string")
runs = log.get("runs")
need(isinstance(runs, list) and len(runs) == 1, "runs must be a list of one run")
run = runs[0]
need(run.get("columnKind") == "unicodeCodePoints", "runs[].columnKind must be \"unicodeCodePoints\"")
driver = run.get("tool", {}).get("driver")
need(isinstance(driver, dict), "runs[].tool.driver is required")
need(isinstance(driver.get("name"), str) and driver["name"], "runs[].tool.driver.name is required")
rules = driver.get("rules", [])
need(isinstance(rules, list), "driver.rules must be a list")
ids = [r.get("id") for r in rules]
need(all(isinstance(i, str) and i for i in ids), "every rule needs an id")
need(len(ids) == len(set(ids)), "rule ids must be unique")
meanings = spec_codes()
need(len(meanings) > 50, "spec/language.md section 7 lists the codes")
for r in rules:
    code = r["id"]
    need(code in meanings, "rule %s is not in spec/language.md section 7" % code)
    md = meanings[code]
    plain = md.replace("`", "")
    need(r.get("shortDescription", {}).get("text") == plain, "rule %s: shortDescription is not section 7's meaning" % code)
    full = r.get("fullDescription", {})
    need(full.get("text") == plain and full.get("markdown") == md,
         "rule %s: fullDescription is not section 7's meaning: %r" % (code, full))
    level = "warning" if code.startswith("W") else "error"
    need(r.get("defaultConfiguration", {}).get("level") == level, "rule %s: default level is not %s" % (code, level))
    # gov has no public address a help link could point at: no helpUri (section 6).
    need("helpUri" not in r, "rule %s: helpUri %r points nowhere real" % (code, r.get("helpUri")))
need("informationUri" not in driver, "driver.informationUri %r points nowhere real" % driver.get("informationUri"))


def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


# No link anywhere in the log to a placeholder host (RFC 2606/6761 reserved names).
for text in strings(log):
    for host in re.findall(r"[a-z][a-z0-9+.-]*://([^/\s\"#?]*)", text):
        need(not re.search(r"(^|\.)(invalid|example|test|localhost)$|(^|\.)example\.(com|net|org)$", host.lower()),
             "a link to the placeholder host %r: %r" % (host, text[:120]))
results = run.get("results")
need(isinstance(results, list), "runs[].results must be a list")
if empty:
    need(results == [], "expected no results")
    sys.exit(0)
need(results, "expected results")

URI_OK = re.compile(r"^(file://)?[A-Za-z0-9._~/%-]+$")


def check_uri(uri, what):
    need(URI_OK.match(uri) and not re.search(r"%(?![0-9A-F]{2})", uri),
         what + ": URI %r is not percent-encoded" % uri)
    p = urllib.parse.unquote(uri[7:] if uri.startswith("file://") else uri, errors="strict")
    if uri.startswith("file://"):
        need(p.startswith("/"), what + ": a file URI names an absolute path")
    else:
        need(not p.startswith("/"), what + ": an absolute path must be a file:// URI")
        p = os.path.join(root, p)
    need(os.path.isfile(p), what + ": URI %r names no file (%s)" % (uri, p))


def check_region(loc, what):
    pl = loc.get("physicalLocation")
    need(isinstance(pl, dict), what + ".physicalLocation is required")
    uri = pl.get("artifactLocation", {}).get("uri")
    need(isinstance(uri, str) and uri, what + ".physicalLocation.artifactLocation.uri is required")
    check_uri(uri, what)
    reg = pl.get("region")
    need(isinstance(reg, dict), what + ".physicalLocation.region is required")
    need(isinstance(reg.get("startLine"), int) and reg["startLine"] >= 1, what + ".region.startLine >= 1")
    for k in ("startColumn", "endLine", "endColumn"):
        if k in reg:
            need(isinstance(reg[k], int) and reg[k] >= 1, what + ".region." + k + " >= 1")
    if "endLine" in reg:
        need(reg["endLine"] >= reg["startLine"], what + ".region ends before it starts")


related = builtin = 0
for i, r in enumerate(results):
    what = "results[%d]" % i
    msg = r.get("message")
    need(isinstance(msg, dict) and isinstance(msg.get("text"), str) and msg["text"], what + ".message.text is required")
    need(r.get("level", "warning") in ("none", "note", "warning", "error"), what + ".level is not a SARIF level")
    if no_warn:
        need(r.get("level") == "error", what + " should be an error under -Werror")
    need(r.get("ruleId") in ids, what + ".ruleId is not a declared rule")
    if "ruleIndex" in r:
        need(0 <= r["ruleIndex"] < len(rules) and rules[r["ruleIndex"]]["id"] == r["ruleId"],
             what + ".ruleIndex does not match ruleId")
    locs = r.get("locations")
    need(isinstance(locs, list) and locs, what + ".locations is required for a positioned diagnostic")
    for j, loc in enumerate(locs):
        check_region(loc, "%s.locations[%d]" % (what, j))
    for j, loc in enumerate(r.get("relatedLocations", [])):
        w = "%s.relatedLocations[%d]" % (what, j)
        text = loc.get("message", {}).get("text")
        need(isinstance(text, str), w + ".message.text")
        if "physicalLocation" in loc:
            check_region(loc, w)
        else:
            need(re.search(r"\(std/[a-z_]+:\d+:\d+, a module built into govc\)$", text),
                 w + " has no physicalLocation and its message names no built-in module: %r" % text)
            builtin += 1
        related += 1
need(related > 0, "expected at least one related location (a note)")
if want_builtin:
    need(builtin > 0, "expected a note in a built-in module")
print("ok", len(results))
