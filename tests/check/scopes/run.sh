#!/bin/sh
# tests/check/scopes/run.sh: what spec/language.md §5 says about scopes, checked against
# the code (issue 27.3): where E050 is reported, which conversions an override may use,
# which of two equally specific equal settings a trace names and what source order is
# across files, that an agent block outranks deeper-nested tenant/project/workflow
# blocks, and that two blocks for one scope are E053 across files too.
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - scopes: $1"; }
notok() { echo "not ok - scopes: $1"; fails=$((fails + 1)); sed 's/^/# /' "$tmp/err" 2>/dev/null | head -8; }
cd "$tmp" || exit 2

# E050 at the start of the override (its name), with a note at the other setting's value.
printf 'policy e\nrecord run { x: duration }\nmax lim = 2s\nscope agent "a" {\n  lim = 5s\n}\nrule r { when run.x > lim }\n' >e.gov
"$GOVC" check e.gov 2>"$tmp/err"
grep -q '^e.gov:5:3: error\[E050\]' "$tmp/err" && grep -q '^e.gov:3:11: note: the default sets it to 2s here' "$tmp/err" &&
  ok "E050 is at the override's start, the note at the other value" || notok "E050 is at the override's start, the note at the other value"

# Conversions: an int for a float limit, a decimal or 70% - 30% for a ratio, a percent
# for a float; never a float for an int.
cat >c.gov <<'G'
policy c
record run { f: float  r: ratio  i: int }
max fl = 2.5
max ra = 50%
max it = 10
scope agent "a" { fl = 2  ra = 0.4  it = 9 }
scope agent "b" { ra = 70% - 30%  fl = 15% }
rule r { when run.f > fl or run.r > ra or run.i > it }
G
"$GOVC" check c.gov 2>"$tmp/err" && ok "int for float, decimal and 70%-30% for ratio, percent for float" ||
  notok "int for float, decimal and 70%-30% for ratio, percent for float"
printf 'policy c\nrecord run { i: int }\nmax it = 10\nscope agent "a" { it = 9.0 }\nrule r { when run.i > it }\n' >ci.gov
"$GOVC" check ci.gov 2>"$tmp/err"
grep -q "error\[E020\]: the value of 'it' must be int, found float" "$tmp/err" && ok "a float for an int is E020" ||
  notok "a float for an int is E020"

# Equal specificity, equal values: the trace names the first in source order, which is
# the policy's files in sorted path order (whatever order they were given in), then
# position in the file.
mkdir p
printf 'policy sp\nrecord run { x: duration }\nmax lim = 10s\nscope tenant "t" { scope agent "x" { lim = 5s } }\nrule r { when run.x > lim }\n' >p/b.gov
printf 'policy sp\nscope project "p" { scope agent "x" { lim = 5s } }\n' >p/c.gov
echo '{"at":"2026-01-31T09:30:00Z","x":6000000000,"tenant":"t","project":"p","agent":"x"}' >rec.json
"$GOVC" build -o sp.govb p/c.gov p/b.gov >/dev/null 2>"$tmp/err"
"$GOVC" run --trace -p sp.govb rec.json >out 2>>"$tmp/err"
grep -q '"from":{"level":"agent","scope":"x","path":"tenant:t/agent:x","at":"p/b.gov:4:' out &&
  ok "equal settings: the first file in path order (b.gov before c.gov, given c.gov first)" ||
  { cat out >>"$tmp/err"; notok "equal settings: the first file in path order (b.gov before c.gov, given c.gov first)"; }
mv p/c.gov p/a.gov
"$GOVC" run --trace -p p rec.json >out 2>"$tmp/err"
grep -q '"from":{"level":"agent","scope":"x","path":"project:p/agent:x","at":"p/a.gov:2:' out &&
  ok "equal settings: renamed a.gov comes first" || { cat out >>"$tmp/err"; notok "equal settings: renamed a.gov comes first"; }

# An agent block outranks tenant, project and workflow blocks, however deep they nest.
cat >rank.gov <<'G'
policy rk
record run { x: duration }
max lim = 10s
scope tenant "t" { scope project "p" { scope workflow "w" { lim = 3s } } }
scope agent "x" { lim = 2s }
rule r { when run.x > lim }
G
echo '{"at":"2026-01-31T09:30:00Z","x":2500000000,"tenant":"t","project":"p","workflow":"w","agent":"x"}' >rec2.json
"$GOVC" run --trace -p rank.gov rec2.json >out 2>"$tmp/err"
grep -q '"limit":{"name":"lim","value":{"type":"duration","value":2000000000,"text":"2s"},"from":{"level":"agent","scope":"x"' out &&
  ok "an agent block outranks a tenant/project/workflow block" || { cat out >>"$tmp/err"; notok "an agent block outranks a tenant/project/workflow block"; }
sed -i 's/lim = 2s/lim = 5s/' rank.gov
"$GOVC" check rank.gov 2>"$tmp/err"
grep -q "error\[E050\]: 'lim' = 5s in agent \"x\" loosens 3s from workflow" "$tmp/err" &&
  ok "so a looser agent value under a workflow one is E050" || notok "so a looser agent value under a workflow one is E050"

# Two blocks for one scope: E053, also when they are in different files.
mkdir dup
printf 'policy d\nrecord run { x: int }\nmax l = 5\nscope project "p" { l = 4 }\nrule r { when run.x > l }\n' >dup/a.gov
printf 'policy d\nscope project "p" { l = 3 }\n' >dup/b.gov
"$GOVC" check dup 2>"$tmp/err"
grep -q '^dup/b.gov:2:1: error\[E053\]' "$tmp/err" && grep -q '^dup/a.gov:4:1: note: first declared here' "$tmp/err" &&
  ok "the same scope in two files is E053" || notok "the same scope in two files is E053"

# Provenance paths cannot be confused (issue 27.2): a block named "t1/project:p1" and
# the nested tenant "t1", project "p1" print differently, in JSON and in explain.
printf 'policy pp\nrecord run { x: int }\nmax l = 10\nscope tenant "t1/project:p1" { l = 5 }\nscope tenant "t1" { scope project "p1" { l = 4 } }\nrule r { when run.x > l }\n' >pp.gov
echo '{"at":"2026-01-31T09:30:00Z","x":6,"tenant":"t1/project:p1"}' >r1.json
echo '{"at":"2026-01-31T09:30:00Z","x":6,"tenant":"t1","project":"p1"}' >r2.json
"$GOVC" run -p pp.gov r1.json >o1 2>"$tmp/err"; "$GOVC" run -p pp.gov r2.json >o2 2>>"$tmp/err"
grep -q '"path":"tenant:t1\\\\/project\\\\:p1"' o1 && grep -q '"path":"tenant:t1/project:p1"' o2 &&
  ok "a name with / and : is escaped in the JSON path" || { cat o1 o2 >>"$tmp/err"; notok "a name with / and : is escaped in the JSON path"; }
"$GOVC" explain -p pp.gov r1.json >e1 2>"$tmp/err"; "$GOVC" explain -p pp.gov r2.json >e2 2>>"$tmp/err"
grep -q '(tenant:t1\\/project\\:p1)' e1 && grep -q '(tenant:t1/project:p1)' e2 &&
  ok "explain prints the two paths differently" || { cat e1 e2 >>"$tmp/err"; notok "explain prints the two paths differently"; }
exit $((fails > 0))
