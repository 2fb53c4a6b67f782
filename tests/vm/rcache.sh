#!/bin/sh
# tests/vm/rcache.sh BUILD: the VM's cache of resolved chains of scopes (spec/language.md
# §5, "Resolution in the VM", issue 19) changes no limit value, provenance, decision or
# trace: tests/vm/rcache.c compares a long-lived VM with one made afresh for each record
# over 243 combinations of tenant, project and agent, visited five times in different
# orders. The long-lived VM must take some resolutions from its cache and resolve some
# chain more than once (its 64 entries do not hold every chain: replaced entries).
SUITE=rcache
. tests/vm/harness.sh

"$B/govc" build -o "$tmp/r.govb" tests/vm/rcache.gov >/dev/null 2>"$tmp/err" || { nok "build"; cat "$tmp/err"; exit 1; }
if "$B/tests/vm_rcache" "$tmp/r.govb" > "$tmp/out" 2>"$tmp/err"; then
  ok "limits, decisions and traces of a VM with its cache warm equal a fresh VM's"
else
  nok "limits, decisions and traces of a VM with its cache warm equal a fresh VM's"
  sed 's/^/#   /' "$tmp/out" "$tmp/err" | cut -c1-400 | head -20
fi
set -- $(grep '^resolutions ' "$tmp/out")
all=${2:-0} cached=${4:-0} comb=${6:-0}
# Each evaluation and each gov_vm_limit_value call that matches a block resolves once.
fresh=$((all - cached))
[ "$cached" -gt 0 ] && ok "resolutions come from the cache ($cached of $all)" ||
  nok "resolutions come from the cache ($cached of $all)"
[ "$fresh" -gt "$comb" ] && ok "entries are replaced: $fresh resolved afresh, more than the $comb combinations" ||
  nok "entries are replaced: $fresh resolved afresh, more than the $comb combinations"
[ $fails = 0 ]
