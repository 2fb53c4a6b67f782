# 100,000 nested parentheses: the lexer stops at level 257 with one E010.
python3 -c "
import sys
n = 100000
sys.stdout.write(\"policy p\\nmax a = \" + \"(\" * n + \"1\" + \")\" * n + \"\\n\")
" >"$1"
