#!/bin/sh
# tests/check/run.sh: golden tests for `govc check` (spec/language.md §7).
#
# Each case is in tests/check/cases/:
#   NAME.gov        one source file, checked as `govc check NAME.gov`
#   NAME/           a directory of files (imports, several policy files), checked as
#                   `govc check NAME`
#   NAME.sh         a generator, run as `sh NAME.sh OUT` to write OUT (NAME.gov in a
#                   temporary directory): binary garbage, huge lines, deep nesting, so
#                   nothing big or binary is committed
#   NAME.expected   what must happen (alone, for usage errors: its args name the files). Header lines first, then the exact text:
#                     # args: ARGS      arguments to `govc check` (default: the case)
#                     # ulimit-s: KB    run under this stack limit
#                     # exit: N         the exit status (required)
#                   then the exact stderr; then, if anything is written to stdout,
#                   a line "# stdout:" and the exact stdout.
# govc runs inside the case's directory, so diagnostics name files relatively.
#
# Then the four --format outputs are validated structurally (json parses, github lines
# are workflow commands, SARIF has the 2.1.0 required fields).
#
# Prints "ok - NAME" / "not ok - NAME" (with a diff, lines prefixed "#").
# UPDATE=1 rewrites the .expected files from the actual output, keeping the header:
# read every changed output and judge it right before committing it.
# GOVC picks the binary (make san sets it to build-san/govc).

here=$(cd "$(dirname "$0")" && pwd)
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
if [ ! -x "$GOVC" ]; then
  echo "not ok - govc binary ($GOVC not built)"
  exit 1
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
: >"$tmp/why"
TIMEOUT=${TIMEOUT:-60}

show_diff() { # expected actual
  diff -u "$1" "$2" | sed 's/^/# /' | head -80
}

header() { # FILE KEY: the value of "# KEY: value" in the header block
  sed -n "/^# $2: /{s/^# $2: //;p;q;}" "$1"
}

# run_case NAME DIR EXPECTED DEFAULT_ARGS
run_case() {
  name=$1; dir=$2; exp=$3; dflt=$4
  args=$(header "$exp" args); [ -n "$args" ] || args=$dflt
  want_rc=$(header "$exp" exit)
  stack=$(header "$exp" ulimit-s)
  # shellcheck disable=SC2086
  (
    cd "$dir" || exit 2
    if [ -n "$stack" ]; then ulimit -s "$stack" || exit 2; fi
    exec timeout "$TIMEOUT" "$GOVC" check $args >"$tmp/out" 2>"$tmp/err"
  )
  rc=$?
  {
    sed -n '/^# \(args\|ulimit-s\|exit\): /p' "$exp"
    cat "$tmp/err"
    if [ -s "$tmp/out" ]; then echo "# stdout:"; cat "$tmp/out"; fi
  } >"$tmp/actual"
  # The recorded exit status is the one observed; the header must say it.
  if [ "$UPDATE" = 1 ]; then
    if ! cmp -s "$exp" "$tmp/actual" || [ "$rc" != "$want_rc" ]; then
      sed "s/^# exit: .*/# exit: $rc/" "$tmp/actual" >"$exp"
      echo "# updated $name (exit $rc)"
    fi
    echo "ok - $name"
    return
  fi
  if [ "$rc" = 124 ]; then
    echo "not ok - $name (timed out after ${TIMEOUT}s)"; fails=$((fails + 1)); return
  fi
  if [ "$rc" != "$want_rc" ] || ! cmp -s "$exp" "$tmp/actual"; then
    echo "not ok - $name (exit $rc, expected ${want_rc:-?})"
    show_diff "$exp" "$tmp/actual"
    fails=$((fails + 1))
    return
  fi
  echo "ok - $name"
}

cd "$here/cases" || exit 2
for exp in *.expected; do
  name=${exp%.expected}
  if [ -f "$name.sh" ]; then
    mkdir -p "$tmp/gen"
    rm -f "$tmp/gen/"*
    sh "$name.sh" "$tmp/gen/$name.gov" || { echo "not ok - $name (generator failed)"; fails=$((fails + 1)); continue; }
    run_case "$name" "$tmp/gen" "$here/cases/$exp" "$name.gov"
  elif [ -d "$name" ]; then
    run_case "$name" "$here/cases" "$here/cases/$exp" "$name"
  elif [ -f "$name.gov" ]; then
    run_case "$name" "$here/cases" "$here/cases/$exp" "$name.gov"
  elif [ -n "$(header "$exp" args)" ]; then
    run_case "$name" "$here/cases" "$here/cases/$exp" ""  # a usage case: the args say it all
  else
    echo "not ok - $name (no $name.gov, $name/ or $name.sh)"; fails=$((fails + 1))
  fi
done
for src in *.gov *.sh; do
  [ -e "$src" ] || continue
  [ -f "${src%.*}.expected" ] || { echo "not ok - ${src%.*} (no .expected file)"; fails=$((fails + 1)); }
done

# ---------------------------------------------------------------- format validation
# The multi-error case, in every machine-readable format, checked for shape.
fmt_src=formats.gov
fmt() { (cd "$here/cases" && "$GOVC" check --format "$1" $2 "$fmt_src" >"$tmp/fmt.$1" 2>"$tmp/fmt.$1.err"); echo $?; }

rc=$(fmt json)
if [ "$rc" = 1 ] && [ ! -s "$tmp/fmt.json.err" ] && python3 -m json.tool "$tmp/fmt.json" >/dev/null 2>"$tmp/why" &&
   python3 "$here/check_json.py" "$tmp/fmt.json" >"$tmp/why" 2>&1; then
  echo "ok - format json parses and has every diagnostic"
else
  echo "not ok - format json (exit $rc)"; sed 's/^/# /' "$tmp/why" "$tmp/fmt.json" | head -40; fails=$((fails + 1))
fi

rc=$(fmt github)
re='^::(error|warning) file=[^,:]+,line=[0-9]+,col=[0-9]+,endLine=[0-9]+,endColumn=[0-9]+,title=[EW][0-9]{3}::[^%]*(%0A[^%]*)*$'
if [ "$rc" = 1 ] && [ -s "$tmp/fmt.github" ] && ! grep -Evq "$re" "$tmp/fmt.github" &&
   [ "$(grep -c '' "$tmp/fmt.github")" = "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["diagnostics"]))' "$tmp/fmt.json")" ]; then
  echo "ok - format github lines are workflow commands"
else
  echo "not ok - format github (exit $rc)"; grep -Ev "$re" "$tmp/fmt.github" | sed 's/^/# bad: /' | head -20; fails=$((fails + 1))
fi

rc=$(fmt sarif)
if [ "$rc" = 1 ] && python3 "$here/check_sarif.py" "$tmp/fmt.sarif" >"$tmp/why" 2>&1; then
  echo "ok - format sarif has the 2.1.0 required fields"
else
  echo "not ok - format sarif (exit $rc)"; sed 's/^/# /' "$tmp/why" | head -40; fails=$((fails + 1))
fi

rc=$(fmt sarif -Werror)
if [ "$rc" = 1 ] && python3 "$here/check_sarif.py" --no-warnings "$tmp/fmt.sarif" >"$tmp/why" 2>&1; then
  echo "ok - format sarif under -Werror reports warnings as errors"
else
  echo "not ok - format sarif -Werror (exit $rc)"; sed 's/^/# /' "$tmp/why" | head -40; fails=$((fails + 1))
fi

# A clean policy in every format: exit 0, well-formed, no results.
for f in text json github sarif; do
  (cd "$here/cases" && "$GOVC" check --format $f clean.gov >"$tmp/clean.out" 2>"$tmp/clean.err"); rc=$?
  ok=1
  [ "$rc" = 0 ] && [ ! -s "$tmp/clean.err" ] || ok=0
  case $f in
    text|github) [ ! -s "$tmp/clean.out" ] || ok=0 ;;
    json) python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["diagnostics"]==[] and d["errors"]==0' "$tmp/clean.out" || ok=0 ;;
    sarif) python3 "$here/check_sarif.py" --empty "$tmp/clean.out" || ok=0 ;;
  esac
  if [ $ok = 1 ]; then echo "ok - clean policy, --format $f"; else echo "not ok - clean policy, --format $f (exit $rc)"; fails=$((fails + 1)); fi
done

[ "$fails" = 0 ]
