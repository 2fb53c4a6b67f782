# 100,000 nested "not" under an 8 MiB stack.
python3 -c "
import sys
sys.stdout.write(\"policy p\\nrecord run { error: bool }\\nrule r { when \" + \"not \" * 100000 + \"run.error }\\n\")
" >"$1"
