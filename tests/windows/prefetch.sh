#!/bin/sh
# tests/windows/prefetch.sh: the update's and govW_lookahead's prefetches are in the compiled code (issue 19).
# A key block's prefetch plan (govW_pf: its hot lines, deques and heaps, and the record's
# time buckets) was asked for by a static function of nothing but __builtin_prefetch
# calls; GCC found it free of side effects and deleted both calls, so from some commit of
# session 12 on only the three ring-slot prefetches were left in the binary and the plan
# cost nothing and did nothing. The plan's loop and the two time-bucket prefetches are
# inlined into the update now (run_plan, govW_update's body since session 18); at least
# six prefetch instructions must be there (three without the plan). Usage: prefetch.sh [OBJECT] (default build/obj/vm/window.o).
obj=${1:-build/obj/vm/window.o}
[ -f "$obj" ] || { echo "not ok - windows prefetch: no object $obj"; exit 1; }
# expect FUNCTION LEAST WHAT: FUNCTION's compiled code holds at least LEAST prefetch
# instructions; WHAT says whose they are.
expect() {
  n=$(objdump -d --no-show-raw-insn "$obj" |
    awk -v fn="$1" '$0 ~ "^[0-9a-f]+ <" fn ">:" { f = 1; next } /^[0-9a-f]+ <.*>:/ { f = 0 } f && /prefetch/' | wc -l)
  if [ "$n" -ge "$2" ]; then
    echo "ok - windows prefetch: $1 holds $n prefetch instructions ($3)"
  else
    echo "not ok - windows prefetch: $1 holds $n prefetch instructions, at least $2 expected (deleted?)"
    exit 1
  fi
}
expect run_plan 6 "the plan's, the time buckets', the rings'"
# govW_lookahead (evaluate calls it before the scope matching) asks for the guessed key
# block's plan (four a turn) and the key's entry: at least five prefetch instructions. It
# stores nothing but the keys' hashes, so the same deletion would leave it a hash alone.
expect govW_lookahead 5 "the guessed block's plan, the entry"
