#!/usr/bin/env python3
"""check_sarif.py [--empty] [--no-warnings] FILE: SARIF 2.1.0 required fields.

Checks what the SARIF 2.1.0 schema requires of a log (version, runs), a run (tool),
a tool (driver), a driver (name), a result (message with text or id), a location's
physicalLocation (artifactLocation with uri, region with startLine >= 1), plus the
consistency GitHub code scanning relies on: ruleId/ruleIndex point at a declared rule,
levels are SARIF levels. --empty: the log must have no results. --no-warnings: every
result must be an error (-Werror)."""
import json
import sys

args = sys.argv[1:]
empty = "--empty" in args
no_warn = "--no-warnings" in args
path = [a for a in args if not a.startswith("--")][0]
log = json.load(open(path))


def need(cond, what):
    if not cond:
        sys.exit("SARIF: " + what)


need(log.get("version") == "2.1.0", "version must be \"2.1.0\"")
need(isinstance(log.get("$schema", ""), str), "$schema must be a string")
runs = log.get("runs")
need(isinstance(runs, list) and len(runs) == 1, "runs must be a list of one run")
run = runs[0]
driver = run.get("tool", {}).get("driver")
need(isinstance(driver, dict), "runs[].tool.driver is required")
need(isinstance(driver.get("name"), str) and driver["name"], "runs[].tool.driver.name is required")
rules = driver.get("rules", [])
need(isinstance(rules, list), "driver.rules must be a list")
ids = [r.get("id") for r in rules]
need(all(isinstance(i, str) and i for i in ids), "every rule needs an id")
need(len(ids) == len(set(ids)), "rule ids must be unique")
results = run.get("results")
need(isinstance(results, list), "runs[].results must be a list")
if empty:
    need(results == [], "expected no results")
    sys.exit(0)
need(results, "expected results")


def check_region(loc, what):
    pl = loc.get("physicalLocation")
    need(isinstance(pl, dict), what + ".physicalLocation is required")
    uri = pl.get("artifactLocation", {}).get("uri")
    need(isinstance(uri, str) and uri, what + ".physicalLocation.artifactLocation.uri is required")
    reg = pl.get("region")
    need(isinstance(reg, dict), what + ".physicalLocation.region is required")
    need(isinstance(reg.get("startLine"), int) and reg["startLine"] >= 1, what + ".region.startLine >= 1")
    for k in ("startColumn", "endLine", "endColumn"):
        if k in reg:
            need(isinstance(reg[k], int) and reg[k] >= 1, what + ".region." + k + " >= 1")
    if "endLine" in reg:
        need(reg["endLine"] >= reg["startLine"], what + ".region ends before it starts")


related = 0
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
        check_region(loc, "%s.relatedLocations[%d]" % (what, j))
        need(isinstance(loc.get("message", {}).get("text"), str), "%s.relatedLocations[%d].message.text" % (what, j))
        related += 1
need(related > 0, "expected at least one related location (a note)")
print("ok", len(results))
