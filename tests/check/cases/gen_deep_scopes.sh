# 100,000 nested scope blocks.
python3 -c "
import sys
n = 100000
sys.stdout.write(\"policy p\\nmax a = 1\\n\" + \"scope tenant \\\"t\\\" {\\n\" * n + \"}\" * n + \"\\n\")
" >"$1"
