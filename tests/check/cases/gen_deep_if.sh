# 100,000 nested if-then-else (right recursion).
python3 -c "
import sys
sys.stdout.write(\"policy p\\nmax a = \" + \"if true then 1 else \" * 100000 + \"2\\n\")
" >"$1"
