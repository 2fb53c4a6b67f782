# Binary-looking but valid UTF-8 text with control characters: every token error is
# reported once per run of bad characters, and the file still gets a clean end.
python3 -c "
import random, sys
random.seed(3)
alphabet = [chr(c) for c in range(1, 128) if chr(c) not in \"\\\"\"] + [\"\\u00e9\", \"\\u2192\"]
sys.stdout.write(\"policy p\\n\" + \"\".join(random.choice(alphabet) for _ in range(300)) + \"\\n\")
" >"$1"
