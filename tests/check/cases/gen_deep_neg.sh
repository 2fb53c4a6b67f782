# 100,000 prefix minus signs: no brackets, so the lexer does not count them; the
# parser's stack bound (YYMAXDEPTH) stops it with one E010.
python3 -c "
import sys
sys.stdout.write(\"policy p\\nmax a = \" + \"- \" * 100000 + \"1\\n\")
" >"$1"
