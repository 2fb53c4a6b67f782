# A 10 MB line: a string literal far past the 4096-byte limit. The excerpt is cut
# to 100 columns around the start of the span.
python3 -c "
import sys
sys.stdout.write(\"policy p\\nchannel c = slack \\\"\" + \"x\" * 10000000 + \"\\\"\\nrule r on x { when true notify c }\\n\")
" >"$1"
