# A 10 MB comment line, then an error at its very end: the excerpt shows the end
# of the line, with "..." where it was cut.
python3 -c "
import sys
sys.stdout.write(\"policy p\\nmax a = 1 // \" + \"y\" * 10000000 + \"\\nmax b = 2 @ 3\\n\" + \"max c = \" + \"1 + \" * 5 + \"\$ \" + \"z\" * 10000000 + \"\\n\")
" >"$1"
