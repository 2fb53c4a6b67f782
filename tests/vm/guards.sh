#!/bin/sh
# tests/vm/guards.sh BUILD: the rule index (RULEGUARDS, spec/bytecode.md 3.3). govc
# emits a guard for each plain rule whose `when` requires a tenant, project, workflow or
# agent (`run.tenant == "acme" and ...`); the VM runs, per record, only the rules whose
# guard the record meets (counted by gov_vm_rules_run), with a trace or without, and
# decides byte for byte the same either way; the trace still lists every rule of the
# kind, the ones the index left out rendered from their code (spec/trace.md 3), byte for
# byte as when a trace ran every rule (golden/guards.trace.jsonl, written by the VM
# before issue 19's binary trace, which ran every rule when tracing).
SUITE=guards
. tests/vm/harness.sh

"$B/govc" build -o "$tmp/g.govb" tests/vm/guards.gov >/dev/null 2>"$tmp/err" || { nok "build"; cat "$tmp/err"; exit 1; }
# The disassembly names each guard; held (for 1m) and any_slow have none.
"$B/govc" disasm "$tmp/g.govb" | grep -E '^  rule |^    guard ' |
  sed 's/ severity.*//; s/^  rule /rule /; s/^    //' > "$tmp/dis"
cat > "$tmp/dis.want" <<'X'
rule tenant_slow on run
guard tenant == "acme"
rule any_slow on run
rule project_slow on run
guard project == "acme"
rule agent_fast on run
guard agent == "bot"
rule workflow_any on run
guard workflow == "acme"
rule held on run
rule agent_slow on run
guard agent == "bot"
X
if cmp -s "$tmp/dis" "$tmp/dis.want"; then ok "govc emits the most specific scope guard of each plain rule"
else nok "govc emits the most specific scope guard of each plain rule"; diff "$tmp/dis.want" "$tmp/dis" | sed 's/^/#   /'; fi
# A file with guards is format version 2; one without is version 1, unchanged.
v=$(od -An -tu2 -j4 -N2 "$tmp/g.govb" | tr -d ' ')
[ "$v" = 2 ] && ok "a file with guards is version 2" || nok "a file with guards is version 2 (got $v)"
"$B/govc" build -o "$tmp/s.govb" tests/vm/windows.gov >/dev/null 2>&1
v=$(od -An -tu2 -j4 -N2 "$tmp/s.govb" | tr -d ' ')
[ "$v" = 1 ] && ok "a file without guards stays version 1" || nok "a file without guards stays version 1 (got $v)"

# Line 1: another tenant, project, workflow and agent: none of the five guarded rules runs.
# Line 5: no scope fields at all (each ""). Line 6: near misses (a prefix, a NUL, case).
# Line 4: of bot's two rules, agent_slow's latency > 5s fails 600ms: the threshold index
# within its guard's list (spec/bytecode.md 3.4) leaves it out too.
"$B/tests/vm_guards" "$tmp/g.govb" tests/vm/guards.jsonl > "$tmp/out" 2>"$tmp/err"
rc=$?
cat > "$tmp/want" <<'X'
line 1: warn, ran 2 of 7 rules, fired any_slow
line 2: warn, ran 3 of 7 rules, fired tenant_slow
line 3: block, ran 7 of 7 rules, fired tenant_slow any_slow project_slow agent_fast workflow_any agent_slow
line 4: block, ran 4 of 7 rules, fired project_slow
line 5: allow, ran 2 of 7 rules, fired
line 6: warn, ran 2 of 7 rules, fired any_slow
X
if [ $rc = 0 ] && cmp -s "$tmp/out" "$tmp/want"; then
  ok "a record runs only the rules its scopes reach, and decides as with all of them run"
else
  nok "a record runs only the rules its scopes reach, and decides as with all of them run (exit $rc)"
  diff "$tmp/want" "$tmp/out" | sed 's/^/#   /'; sed 's/^/#   /' "$tmp/err"
fi
# The traces of the same records: identical to those of a VM that ran every rule.
if "$B/govc" run --trace -p "$tmp/g.govb" tests/vm/guards.jsonl > "$tmp/trace" 2>"$tmp/err" &&
   cmp -s "$tmp/trace" tests/vm/golden/guards.trace.jsonl; then
  ok "the trace lists the rules the index left out, byte for byte as when every rule ran"
else
  nok "the trace lists the rules the index left out, byte for byte as when every rule ran"
  diff tests/vm/golden/guards.trace.jsonl "$tmp/trace" | head -5 | cut -c1-300 | sed 's/^/#   /'
fi
[ $fails = 0 ]
