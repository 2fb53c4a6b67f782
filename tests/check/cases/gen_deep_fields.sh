# 100,000 field accesses in a row (a left-recursive postfix chain).
python3 -c "
import sys
sys.stdout.write(\"policy p\\nrecord run { n: int }\\nrule r { when run\" + \".n\" * 100000 + \" > 0 }\\n\")
" >"$1"
