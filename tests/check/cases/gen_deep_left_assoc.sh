# 100,000 additions in a row: the parser reduces as it goes, so its stack stays
# flat; the tree height bound (256) reports once, and every pass over the tree
# (checker, folding) stays bounded.
python3 -c "
import sys
sys.stdout.write(\"policy p\\nrecord run { n: int }\\nrule r { when run.n\" + \" + 1\" * 100000 + \" > 0 }\\n\")
" >"$1"
