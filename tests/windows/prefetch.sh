#!/bin/sh
# tests/windows/prefetch.sh: govW_update's and govW_lookahead's prefetches are in the compiled code (issue 19).
# A key block's prefetch plan (govW_pf: its hot lines, deques and heaps, and the record's
# time buckets) was asked for by a static function of nothing but __builtin_prefetch
# calls; GCC found it free of side effects and deleted both calls, so from some commit of
# session 12 on only the three ring-slot prefetches were left in the binary and the plan
# cost nothing and did nothing. The plan's loop and the two time-bucket prefetches are
# inlined into govW_update now; at least six prefetch instructions must be there (three
# without the plan). Usage: prefetch.sh [OBJECT] (default build/obj/vm/window.o).
obj=${1:-build/obj/vm/window.o}
[ -f "$obj" ] || { echo "not ok - windows prefetch: no object $obj"; exit 1; }
n=$(objdump -d --no-show-raw-insn "$obj" |
  awk '/^[0-9a-f]+ <govW_update>:/ { f = 1; next } /^[0-9a-f]+ <.*>:/ { f = 0 } f && /prefetch/' | wc -l)
if [ "$n" -ge 6 ]; then
  echo "ok - windows prefetch: govW_update holds $n prefetch instructions (the plan's, the time buckets', the rings')"
else
  echo "not ok - windows prefetch: govW_update holds $n prefetch instructions, at least 6 expected (the plan's were deleted)"
  exit 1
fi
# govW_lookahead (evaluate calls it before the scope matching) asks for the guessed key
# block's plan (four a turn) and the key's entry: at least five prefetch instructions. It
# stores nothing but the keys' hashes, so the same deletion would leave it a hash alone.
n=$(objdump -d --no-show-raw-insn "$obj" |
  awk '/^[0-9a-f]+ <govW_lookahead>:/ { f = 1; next } /^[0-9a-f]+ <.*>:/ { f = 0 } f && /prefetch/' | wc -l)
if [ "$n" -ge 5 ]; then
  echo "ok - windows prefetch: govW_lookahead holds $n prefetch instructions (the guessed block's plan, the entry)"
else
  echo "not ok - windows prefetch: govW_lookahead holds $n prefetch instructions, at least 5 expected (deleted?)"
  exit 1
fi
