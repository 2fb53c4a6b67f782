# tests/golden.sh: the golden-file comparison the test scripts share (sourced, not run).
#
#   golden NAME GOLDEN CMD...  run CMD; its stdout, stderr and exit status, with the
#                              script's $tmp folder written as TMP, must equal the file
#                              GOLDEN. Prints "ok - NAME" or "not ok - NAME" with a
#                              unified diff (expected first); sets fail=1 on a mismatch.
#                              UPDATE=1 rewrites GOLDEN: read each change before committing.
# The sourcing script sets $tmp (a private temporary folder) and fail=0 first.
golden() {
  gname=$1 gfile=$2; shift 2
  { "$@"; echo "# exit: $?"; } >"$tmp/golden.raw" 2>&1
  sed "s#$tmp#TMP#g" "$tmp/golden.raw" >"$tmp/golden.out"
  if [ -n "$UPDATE" ]; then cp "$tmp/golden.out" "$gfile"; fi
  if [ -f "$gfile" ] && cmp -s "$gfile" "$tmp/golden.out"; then
    echo "ok - $gname"
  else
    echo "not ok - $gname"
    if [ -f "$gfile" ]; then diff -u "$gfile" "$tmp/golden.out" | head -40 | sed 's/^/# /'
    else echo "# no golden file $gfile (run with UPDATE=1)"; fi
    fail=1
  fi
}
