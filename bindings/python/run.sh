#!/bin/sh
# bindings/python/run.sh BUILD: the Python binding's tests with Debian's pytest
# (/usr/bin/python3 -m pytest), one "ok - NAME" line per test case for tests/run.sh; three
# times: with the evaluation hot path through the compiled extension (build/python/
# _govext*, make python), through python3-cffi, and through ctypes alone.
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# Under make san the libraries are built with ASan and UBSan, whose runtimes must be in
# the process before anything else: preload them into Python (whose own leaks at exit
# are not ours to report).
if ldd "$B/libgov.so" 2>/dev/null | grep -q libasan; then
  LD_PRELOAD="$(${CC:-cc} -print-file-name=libasan.so) $(${CC:-cc} -print-file-name=libubsan.so)"
  ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
  export LD_PRELOAD ASAN_OPTIONS
fi
/usr/bin/python3 -c 'import cffi' 2>/dev/null || { echo "not ok - python: Debian's python3-cffi is missing"; exit 1; }
export PYTHONDONTWRITEBYTECODE=1   # nothing written into the source tree
status=0
for ffi in ext cffi ctypes; do
  rm -f "$tmp/tap"
  # cffi carries only the unlogged evaluation call: the log's tests (which evaluate
  # through ctypes whatever the path) and the extension's run in the other two passes.
  only=
  [ $ffi = cffi ] && only="--ignore=bindings/python/tests/test_log.py --ignore=bindings/python/tests/test_ext.py"
  # --basetemp: the tests' files (logs, states) in this run's own directory, never in a
  # /tmp/pytest-of-USER shared with another pytest running beside this suite.
  GOV_PY_FFI=$ffi GOV_BUILD=$B GOV_TAP=$tmp/tap /usr/bin/python3 -m pytest -q -p no:cacheprovider \
    --basetemp="$tmp/pytest-$ffi" $only \
    bindings/python/tests > "$tmp/log" 2>&1
  rc=$?
  [ -f "$tmp/tap" ] && cat "$tmp/tap"
  if [ $rc -ne 0 ]; then
    echo "# pytest ($ffi) exit $rc"; tail -40 "$tmp/log" | sed 's/^/#   /'; status=1
  fi
done
exit $status
