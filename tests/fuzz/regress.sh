#!/bin/sh
# tests/fuzz/regress.sh: regression tests for bugs the fuzz targets and the differential
# found. Each case is regress/NAME.gov with regress/NAME.expected: either the diagnostic
# codes `govc build` reports ("build: E091"), or, for each line of regress/NAME.jsonl,
# the verdict and the fired rules ("warn r1 r2"). GOVC names the compiler.
GOVC=${GOVC:-build/govc}
dir=$(dirname "$0")/regress
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for src in "$dir"/*.gov; do
  name=$(basename "$src" .gov)
  out="$tmp/$name.out"
  if "$GOVC" build -o "$tmp/$name.govb" "$src" >/dev/null 2>"$tmp/err"; then
    if [ -f "$dir/$name.jsonl" ]; then
      "$GOVC" run -p "$tmp/$name.govb" "$dir/$name.jsonl" 2>&1 | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print(" ".join([d["verdict"] or d["status"]] + [f["rule"] for f in d["findings"]]))' >"$out"
    else
      echo "built" >"$out"
    fi
  else
    grep -o 'error\[E[0-9]*\]' "$tmp/err" | sed 's/error\[\(.*\)\]/build: \1/' | sort -u >"$out"
    grep -q 'internal error' "$tmp/err" && echo "internal error" >>"$out"
  fi
  if cmp -s "$out" "$dir/$name.expected"; then
    echo "ok - regress $name"
  else
    echo "not ok - regress $name"
    echo "# expected:"; sed 's/^/#   /' "$dir/$name.expected"
    echo "# actual:"; sed 's/^/#   /' "$out"
  fi
done
