#!/bin/sh
# tests/vm/rcache.sh BUILD: the VM's cache of resolved chains of scopes (spec/language.md
# §5, "Resolution in the VM", issue 19) changes no limit value, provenance, decision or
# trace: tests/vm/rcache.c compares a long-lived VM with one made afresh for each record
# over 243 combinations of tenant, project and agent, visited five times in different
# orders. The long-lived VM must take some resolutions from its cache and resolve some
# chain more than once (its 64 entries do not hold every chain: replaced entries).
# The host sizes the cache (GOV_LIMIT_RCACHE_BYTES, issue 19): the same comparison with
# the cache off (0: nothing cached, a smaller arena), a small one (1,000 bytes: 16
# entries) and one resized through gov_vm_limit between rounds.
# The default size (GOV_RCACHE_AUTO) follows the program: the same policy with 400 more
# limits, which every tenant block overrides (an entry is then 3,667 bytes; the old
# default of 8,192 bytes held none), must take resolutions from its cache by default,
# in at most a quarter of the arena it needs without the cache, 2 bytes a limit an entry.
# Nested blocks (issue 19, rcache): a set is named by the chain's most specific block, so a
# cache of as many entries as the program has blocks holds every chain of a block and its
# ancestors; after one round over them, every resolution comes from the cache (a hash of
# the chain put three chains in some sets and missed on them in every round).
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

# compare NAME GOVB LABEL ARGS...: vm_rcache's comparison of a long-lived VM, its cache
# sized by ARGS, with a fresh one, over GOVB; its output in $tmp/out.NAME.
compare() {
  name=$1 govb=$2 label=$3; shift 3
  if "$B/tests/vm_rcache" "$govb" "$@" > "$tmp/out.$name" 2>"$tmp/err"; then
    ok "$label: limits, decisions and traces equal a fresh VM's"
  else
    nok "$label: limits, decisions and traces equal a fresh VM's"
    sed 's/^/#   /' "$tmp/out.$name" "$tmp/err" 2>/dev/null | cut -c1-400 | head -20
  fi
}
# built NAME GOV LABEL ARGS...: GOV built into $tmp/NAME.govb, then compared.
built() {
  if "$B/govc" build -o "$tmp/$1.govb" "$2" >/dev/null 2>"$tmp/err"; then
    n=$1; shift 2; compare "$n" "$tmp/$n.govb" "$@"
  else
    nok "$3: build"
    sed 's/^/#   /' "$tmp/err" | head -20
  fi
}
run() { name=$1; shift; compare "$name" "$tmp/r.govb" "$name" "$@"; }
cached_of() { sed -n 's/^resolutions [0-9]* cached \([0-9]*\).*/\1/p' "$tmp/out.$1"; }
round_of() { sed -n "s/^round $2 size [0-9]* cached \\([0-9]*\\)$/\\1/p" "$tmp/out.$1"; }

run off 0
set -- $(grep '^arena ' "$tmp/out.off")
[ "$(cached_of off)" = 0 ] && ok "off (0 bytes): nothing taken from a cache" ||
  nok "off (0 bytes): nothing taken from a cache (got $(cached_of off))"
set -- $(grep '^arena ' "$tmp/out")
dflt=${2:-0} none=${4:-0}
# 64 entries of 3 limits (a 2-byte cell index each) and a chain (36 B), a byte of recency
# per two: 384 + 2,304 + 32.
[ $((dflt - none)) -eq 2720 ] && ok "the default cache takes 2,720 bytes of arena ($dflt with, $none without)" ||
  nok "the default cache takes 2,720 bytes of arena ($dflt with, $none without)"

run small 1000
small=$(cached_of small)
set -- $(grep '^resolutions ' "$tmp/out")
[ "${small:-0}" -gt 0 ] && [ "$small" -lt "${4:-0}" ] &&
  ok "1,000 bytes (16 entries): some hits ($small), fewer than 64 entries take (${4:-0})" ||
  nok "1,000 bytes (16 entries): some hits (${small:-?}), fewer than 64 entries take (${4:-0})"
set -- $(grep '^arena ' "$tmp/out.small")
[ $((${2:-0} - ${4:-0})) -eq 688 ] && ok "16 entries take 688 bytes of arena" ||
  nok "16 entries take 688 bytes of arena (got $((${2:-0} - ${4:-0})))"

run resize 8192 resize
r1=$(round_of resize 1); r2=$(round_of resize 2); r3=$(round_of resize 3)
[ "$r1" = 0 ] && [ "${r2:-0}" -gt 0 ] && [ "${r3:-0}" -gt 0 ] &&
  ok "resized by gov_vm_limit: 0 takes nothing ($r1), 500 bytes and the capacity take hits ($r2, $r3)" ||
  nok "resized by gov_vm_limit: 0 takes nothing (${r1:-?}), 500 bytes and the capacity take hits (${r2:-?}, ${r3:-?})"

# Many limits: rcache.gov with 400 more, set in every tenant block, and a rule reading one.
awk 'BEGIN { for (i = 0; i < 400; i++) ov = ov sprintf("x%d = %ds ", i, 50 - i % 7) }
     /^min floor/ { print; for (i = 0; i < 400; i++) printf "max x%d = 60s\n", i; next }
     /^scope tenant "t[0-7]"/ { sub(/\{ /, "{ " ov) }
     /^  floor = 2ms/ { print "  " ov }
     { print }
     END { print "rule far { when run.latency > x3 }" }' tests/vm/rcache.gov > "$tmp/many.gov"
built many "$tmp/many.gov" "403 limits, the default size"
bytes=$(sed -n 's/^bytes \([0-9]*\)$/\1/p' "$tmp/out.many")
set -- $(grep '^arena ' "$tmp/out.many")
with=${2:-0} none=${4:-0} cached=$(cached_of many)
[ "${cached:-0}" -gt 0 ] && ok "403 limits: the default cache takes resolutions ($cached)" ||
  nok "403 limits: the default cache takes resolutions (${cached:-?}; $bytes bytes)"
[ "${bytes:-0}" -gt 8192 ] && [ $((bytes * 4)) -le "$none" ] && [ $((with - none)) -le "$bytes" ] &&
  ok "403 limits: the default is a quarter of the arena without it ($bytes of $none), and the cache keeps within it ($((with - none)))" ||
  nok "403 limits: the default is a quarter of the arena without it (${bytes:-?} of $none), and the cache keeps within it ($((with - none)))"
# An entry keeps a limit's cell index (2 bytes: the value and the override that decided
# it; a value and a position byte took 9, a value and an override 16): the default
# quarter holds 32 chains, 32 x 403 x 2 + 32 x 36 + 16 bytes, where 9 bytes a limit
# held 4 in it. (The 10,000-rule bench policy's quarter holds 512 chains, 256 before.)
want=$((32 * 403 * 2 + 32 * 36 + 16))
[ $((with - none)) -eq "$want" ] && ok "403 limits: 32 chains take $want bytes (2 a limit)" ||
  nok "403 limits: 32 chains take $want bytes (2 a limit; got $((with - none)))"
# More cells than a 2-byte index reaches (GOVV_RCELLS, 65,536 limits and overrides
# together): many.gov with 160 more tenant blocks that no record names, each setting the
# 400 limits (67,628 cells). No cache then (every chain resolved into values, as the
# cache's absence always was), and the same limits, decisions and traces as a fresh VM.
awk 'BEGIN { for (i = 0; i < 400; i++) ov = ov sprintf("x%d = %ds ", i, 50 - i % 7) }
     { print }
     END { for (t = 0; t < 160; t++) printf "scope tenant \"u%d\" { %s}\n", t, ov }' "$tmp/many.gov" > "$tmp/wide.gov"
built wide "$tmp/wide.gov" "67,628 cells"
set -- $(grep '^arena ' "$tmp/out.wide")
[ "$(cached_of wide)" = 0 ] && [ "${2:-0}" = "${4:-1}" ] &&
  ok "67,628 cells: no cache (no arena for it, nothing taken from it)" ||
  nok "67,628 cells: no cache (arena ${2:-?} with, ${4:-?} without; $(cached_of wide) taken from it)"

# Nested blocks: 4 tenants, 3 projects in each, 4 agents in each project (64 blocks), the
# cache sized for 64 entries (3 limits: 384 + 2,304 + 32 bytes). The 80
# combinations of tenant, project and agent (with a project and an agent no block names)
# make 64 chains, one per block; the second round, in another order, must take all its
# resolutions from the cache (4 a record: the evaluation and gov_vm_limit_value's 3).
{
  printf 'policy rcache_tree\nrecord run {\n  latency: duration\n}\nmax lat = 10s\nmax lat2 = 20s\nmin floor = 1ms\n'
  for t in 0 1 2 3; do
    printf 'scope tenant "t%d" {\n  lat = 9s\n' $t
    for p in 0 1 2; do
      printf '  scope project "p%d" {\n    lat2 = %ds\n' $p $((19 - p))
      for a in 0 1 2 3; do printf '    scope agent "a%d" { lat = %dms floor = %dms }\n' $a $((8000 - 100 * a - 10 * t)) $((2 + a)); done
      printf '  }\n'
    done
    printf '}\n'
  done
  printf 'rule slow { when run.latency > lat }\nrule slower {\n  when run.latency > lat2\n  verdict block\n}\nrule too_fast { when run.latency < floor }\n'
} > "$tmp/tree.gov"
built tree "$tmp/tree.gov" "nested blocks" 2720 tree
set -- $(grep '^arena ' "$tmp/out.tree")
[ $((${2:-0} - ${4:-0})) -eq 2720 ] && ok "nested blocks: 64 entries take 2,720 bytes" ||
  nok "nested blocks: 64 entries take 2,720 bytes (got $((${2:-0} - ${4:-0})))"
r0=$(round_of tree 0); r1=$(round_of tree 1)
[ "${r1:-0}" = 320 ] && ok "nested blocks: as many entries as blocks hold every chain (round 2: $r1 of 320 from the cache; round 1: $r0)" ||
  nok "nested blocks: as many entries as blocks hold every chain (round 2: ${r1:-?} of 320 from the cache; round 1: ${r0:-?})"
# Many blocks matched at once (tests/vm/rcache_deep.gov: up to 14 a record, several of one
# level and of equal specificity; chains that are not a block and its ancestors, and
# chains longer than 8 blocks, never cached): each limit's value and the block that
# decided it, as tests/vm/rcache_deep.txt has them (taken before the matched blocks were
# kept in level order, issue 19 trace6); and a long-lived VM equals a fresh one with the
# cache at its default, off and small.
if "$B/govc" build -o "$tmp/deep.govb" tests/vm/rcache_deep.gov >/dev/null 2>"$tmp/err" &&
   "$B/govc" run --format text -p tests/vm/rcache_deep.gov tests/vm/rcache_deep.jsonl \
     > "$tmp/deep.txt" 2>"$tmp/err" && cmp -s "$tmp/deep.txt" tests/vm/rcache_deep.txt; then
  ok "many blocks matched: every limit's value and deciding block as tests/vm/rcache_deep.txt"
else
  nok "many blocks matched: every limit's value and deciding block as tests/vm/rcache_deep.txt"
  diff tests/vm/rcache_deep.txt "$tmp/deep.txt" 2>&1 | sed 's/^/#   /' | head -20
fi
for size in default 0 1000; do
  arg=; [ $size = default ] || arg=$size
  # shellcheck disable=SC2086
  compare deep "$tmp/deep.govb" "many blocks matched, cache $size" $arg
done
[ $fails = 0 ]
