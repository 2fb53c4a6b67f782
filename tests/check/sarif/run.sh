#!/bin/sh
# tests/check/sarif/run.sh: govc check --format sarif held to the SARIF 2.1.0 schema and
# to what spec/language.md section 6 promises (issue 18 item 8):
#   - the schema itself (validate.js: ajv over the OASIS schema @microsoft/jest-sarif
#     ships, with format checks, so an artifact URI must be a URI reference);
#   - columnKind, section 7's meaning and a spec help URI on every rule, percent-encoded
#     URIs that name the files checked (check_sarif.py);
#   - a path with a space, '%', '#', ':' and a non-ASCII letter, relative and absolute;
#   - a diagnostic and a note in a module built into govc (std/agent_run): no URI points
#     there, the messages name it.
# GOVC picks the binary (make san sets it to build-san/govc).
here=$(cd "$(dirname "$0")" && pwd)
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
[ -x "$GOVC" ] || { echo "not ok - govc binary ($GOVC not built)"; exit 1; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
check=$here/../check_sarif.py
cases=$here/../cases

# validate NAME FILE...: the schema, when npm installed the validator's packages.
validate() {
  name=$1; shift
  if [ ! -d "$here/node_modules/ajv" ] || ! command -v node >/dev/null 2>&1; then
    echo "skip - $name, SARIF 2.1.0 schema: tests/check/sarif's npm packages are not installed"
    return
  fi
  if node "$here/validate.js" "$@" >"$tmp/why" 2>&1; then
    echo "ok - $name is valid against the SARIF 2.1.0 schema"
  else
    echo "not ok - $name against the SARIF 2.1.0 schema"; sed 's/^/# /' "$tmp/why" | head -30; fails=$((fails + 1))
  fi
}

# expect NAME RC WANT_RC CHECK_SARIF_ARGS...
expect() {
  name=$1 rc=$2 want=$3; shift 3
  if [ "$rc" = "$want" ] && python3 "$check" "$@" >"$tmp/why" 2>&1; then
    echo "ok - $name"
  else
    echo "not ok - $name (exit $rc, expected $want)"; sed 's/^/# /' "$tmp/why" | head -30; fails=$((fails + 1))
  fi
}

# The multi-error case and a clean policy, as tests/check/run.sh checks their shape.
(cd "$cases" && "$GOVC" check --format sarif formats.gov >"$tmp/formats.sarif" 2>/dev/null); rc=$?
expect "formats.gov: rules carry section 7, columnKind, URIs name the file" $rc 1 --root "$cases" "$tmp/formats.sarif"
(cd "$cases" && "$GOVC" check --format sarif clean.gov >"$tmp/clean.sarif" 2>/dev/null); rc=$?
expect "clean.gov: no results" $rc 0 --empty "$tmp/clean.sarif"

# A file name a URI must encode: space, '%', '#', ':' (a scheme if unencoded), non-ASCII.
odd="$tmp/dir one/x:50% #é.gov"
mkdir -p "$tmp/dir one"
cp "$cases/formats.gov" "$odd"
(cd "$tmp" && "$GOVC" check --format sarif "dir one/x:50% #é.gov" >"$tmp/odd_rel.sarif" 2>/dev/null); rc=$?
expect "a relative path with ' %#:é' is a percent-encoded relative URI" $rc 1 --root "$tmp" "$tmp/odd_rel.sarif"
if grep -q '"uri":"dir%20one/x%3A50%25%20%23%C3%A9.gov"' "$tmp/odd_rel.sarif"; then
  echo "ok - the relative URI is dir%20one/x%3A50%25%20%23%C3%A9.gov"
else
  echo "not ok - the relative URI"; grep -o '"uri":"[^"]*"' "$tmp/odd_rel.sarif" | sort -u | sed 's/^/# /'; fails=$((fails + 1))
fi
"$GOVC" check --format sarif "$odd" >"$tmp/odd_abs.sarif" 2>/dev/null; rc=$?
expect "an absolute path is a file:// URI" $rc 1 --root / "$tmp/odd_abs.sarif"
if grep -q '"uri":"file:///' "$tmp/odd_abs.sarif"; then
  echo "ok - the absolute URI starts file:///"
else
  echo "not ok - the absolute URI"; grep -o '"uri":"[^"]*"' "$tmp/odd_abs.sarif" | sort -u | sed 's/^/# /'; fails=$((fails + 1))
fi

# A record named like std/agent_run's: E030 is reported at the module's declaration,
# with a note at the file's. No location may point into the module.
cat >"$tmp/std_clash.gov" <<'GOV'
policy p

import "std/agent_run"

record run {
  x: int
}
rule big { when run.x > 3 }
GOV
(cd "$tmp" && "$GOVC" check --format sarif std_clash.gov >"$tmp/std.sarif" 2>/dev/null); rc=$?
expect "a diagnostic in std/agent_run points at the file, names the module" $rc 1 --root "$tmp" "$tmp/std.sarif"
if grep -q '"uri":"[^"]*std/' "$tmp/std.sarif" || ! grep -q 'std/agent_run:[0-9]*:[0-9]*, a module built into govc' "$tmp/std.sarif"; then
  echo "not ok - std/agent_run is named in messages, never a URI"; sed 's/^/# /' "$tmp/std.sarif" | head -20; fails=$((fails + 1))
else
  echo "ok - std/agent_run is named in messages, never a URI"
fi
# And a note there: a scope loosening a limit std/kpi declares is E050 at the override,
# with a note at the module's default.
cat >"$tmp/std_note.gov" <<'GOV'
policy p

import "std/agent_run"
import "std/kpi"

scope agent "a" {
  kpi_latency = 20s
}
rule slow { when run.latency > kpi_latency }
GOV
(cd "$tmp" && "$GOVC" check --format sarif std_note.gov >"$tmp/std_note.sarif" 2>/dev/null); rc=$?
expect "a note in std/kpi is a related location with only its message" $rc 1 --root "$tmp" --builtin "$tmp/std_note.sarif"

# Every code the front end and compiler report has its meaning in section 7, so every
# rule they can put in a log has its description (lang/codes.awk makes the table).
root=$(cd "$here/../../.." && pwd)
documented=$(awk -f "$root/lang/codes.awk" "$root/spec/language.md" | sed -n 's/^    {"\([EW][0-9]*\)", .*/\1/p')
missing=
for c in $(grep -rhoE '"[EW][0-9]{3}"' "$root/lang" "$root/compiler" | tr -d '"' | sort -u); do
  echo "$documented" | grep -qx "$c" || missing="$missing $c"
done
if [ -z "$missing" ] && [ "$(echo "$documented" | grep -c .)" -gt 50 ]; then
  echo "ok - every code lang/ and compiler/ report has its meaning in spec/language.md section 7"
else
  echo "not ok - codes reported but not in section 7:${missing:- (none parsed)}"; fails=$((fails + 1))
fi

validate "every log above" "$tmp/formats.sarif" "$tmp/clean.sarif" "$tmp/odd_rel.sarif" "$tmp/odd_abs.sarif" \
  "$tmp/std.sarif" "$tmp/std_note.sarif"

[ "$fails" = 0 ]
