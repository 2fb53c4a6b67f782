#!/bin/sh
# tests/cli/run.sh: govc's command-line conventions, the same for every command
# (compiler/opts.h): --opt=value and --opt value, -o value, "--" ends the options,
# unknown options, missing values and values given to flags are usage errors (exit 2,
# a message naming the option), and what --help lists is what the command parses (its
# option table, seen through `govc completion bash`, which is generated from it).
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); [ -f "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head -20; }

# expect NAME RC GREP CMD...: CMD exits RC and its stderr matches GREP (a BRE; "" = any)
expect() {
  name=$1 want=$2 pat=$3; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [ "$rc" != "$want" ]; then echo "# exit $rc, expected $want" >>"$tmp/err"; notok "$name"; return; fi
  if [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err"; then echo "# stderr lacks: $pat" >>"$tmp/err"; notok "$name"; return; fi
  ok "$name"
}
# same NAME CMD1 -- CMD2: both print the same stdout and exit alike
same() {
  name=$1; shift
  a=""; while [ "$1" != "--" ]; do a="$a '$1'"; shift; done; shift
  eval "$a" >"$tmp/o1" 2>"$tmp/e1"; r1=$?
  "$@" >"$tmp/o2" 2>"$tmp/e2"; r2=$?
  if [ "$r1" = "$r2" ] && cmp -s "$tmp/o1" "$tmp/o2" && [ -s "$tmp/o1" ]; then ok "$name"
  else { echo "# exits $r1 and $r2"; diff "$tmp/o1" "$tmp/o2" | head -10; cat "$tmp/e2"; } >"$tmp/err"; notok "$name"; fi
}

top=$(pwd)
pol=policies/support
rec=$pol/records.jsonl
"$GOVC" build -o "$tmp/s.govb" $pol >/dev/null 2>&1 || { echo "not ok - build support"; exit 1; }
head -n 1 $rec >"$tmp/one.json"

# --opt=value is --opt value, for every option that takes a value.
same "run --format=text" "$GOVC" run --format text -p "$tmp/s.govb" $rec -- "$GOVC" run --format=text -p "$tmp/s.govb" $rec
same "run --policy=" "$GOVC" run -p "$tmp/s.govb" $rec -- "$GOVC" run --policy="$tmp/s.govb" $rec
same "run -pFILE" "$GOVC" run -p "$tmp/s.govb" $rec -- "$GOVC" run -p"$tmp/s.govb" $rec
same "run --host-lib=" "$GOVC" run -p "$tmp/s.govb" $rec -- "$GOVC" run --host-lib="$(dirname "$GOVC")/hosts/content_safety.so" -p "$tmp/s.govb" $rec
same "explain --policy=" "$GOVC" explain -p "$tmp/s.govb" "$tmp/one.json" -- "$GOVC" explain --policy="$tmp/s.govb" "$tmp/one.json"
same "replay --policy= --against=" "$GOVC" replay --policy "$tmp/s.govb" --against $pol $rec -- "$GOVC" replay --policy="$tmp/s.govb" --against=$pol $rec
same "test --run= --format=" "$GOVC" test --run '*' --format json $pol -- "$GOVC" test --run='*' --format=json $pol
same "test --coverage-min=" "$GOVC" test --coverage-min 100 $pol -- "$GOVC" test --coverage-min=100 $pol
same "diff --format= --fail-on=" "$GOVC" diff --format json --fail-on any $pol $pol -- "$GOVC" diff --format=json --fail-on=any $pol $pol
same "check --format=" "$GOVC" check --format json $pol -- "$GOVC" check --format=json $pol
same "build -oFILE" "$GOVC" build -o "$tmp/a.govb" $pol -- "$GOVC" build -o"$tmp/a.govb" $pol
same "options after operands" "$GOVC" run -p "$tmp/s.govb" --format text $rec -- "$GOVC" run $rec --format text -p "$tmp/s.govb"
same "a unique prefix of a long option" "$GOVC" run --format text -p "$tmp/s.govb" $rec -- "$GOVC" run --form text -p "$tmp/s.govb" $rec

# "--" ends the options: a file whose name starts with '-'.
mkdir -p "$tmp/d" && cp $pol/support.gov "$tmp/d/-support.gov" && cp $rec "$tmp/d/-records.jsonl"
(cd "$tmp/d" && expect "check -- -FILE" 0 "" "$GOVC" check -- -support.gov)
(cd "$tmp/d" && expect "fmt --check -- -FILE" 0 "" "$GOVC" fmt --check -- -support.gov)
(cd "$tmp/d" && expect "build -o X -- -FILE" 0 "" "$GOVC" build -o x.govb -- -support.gov)
(cd "$tmp/d" && same "run -- -RECORDS" "$GOVC" run -p "$tmp/s.govb" "$top/$rec" -- "$GOVC" run -p "$tmp/s.govb" -- -records.jsonl)
(cd "$tmp/d" && expect "test -- -FILE" 0 "" "$GOVC" test -- -support.gov)
cp "$tmp/s.govb" "$tmp/d/-s.govb"
(cd "$tmp/d" && expect "disasm -- -FILE" 0 "" "$GOVC" disasm -- -s.govb)
(cd "$tmp/d" && expect "diff -- -OLD -NEW" 0 "" "$GOVC" diff -- -support.gov -support.gov)
expect "-- then an option-looking operand is a file" 2 "cannot read '--format'" "$GOVC" run -p "$tmp/s.govb" -- --format

# Unknown options, missing values, values given to flags: exit 2 and a clear message.
for c in check build disasm run explain test diff fmt replay; do
  expect "$c: unknown long option" 2 "govc $c: unknown option '--frobnicate'" "$GOVC" $c --frobnicate x
  expect "$c: unknown short option" 2 "govc $c: unknown option '-Z'" "$GOVC" $c -Z x
  expect "$c: --help=x" 2 "govc $c: --help takes no value" "$GOVC" $c --help=x
  expect "$c: --help" 0 "" "$GOVC" $c --help
done
for spec in "check --format" "build --format" "build -o" "run -p" "run --policy" "run --state" \
            "run --state-every" "run --host-lib" "run --format" "explain -p" "explain --host-lib" \
            "test --run" "test --coverage-min" "test --format" "test --host-lib" "diff --fail-on" \
            "diff --format" "replay --policy" "replay --against" "replay --host-lib"; do
  set -- $spec
  expect "$1 $2: missing value" 2 "govc $1: $2 needs a value" "$GOVC" $1 $pol $2
done
expect "build --stats=yes" 2 "govc build: --stats takes no value" "$GOVC" build --stats=yes $pol
expect "run --trace=1" 2 "govc run: --trace takes no value" "$GOVC" run --trace=1 -p "$tmp/s.govb"
expect "fmt --check=1" 2 "govc fmt: --check takes no value" "$GOVC" fmt --check=1 $pol
expect "test --coverage=1" 2 "govc test: --coverage takes no value" "$GOVC" test --coverage=1 $pol
expect "ambiguous prefix" 2 "govc run: option '--st' is ambiguous" "$GOVC" run --st x -p "$tmp/s.govb"
expect "test --coverage-min abc" 2 "govc test: --coverage-min" "$GOVC" test --coverage-min abc $pol
expect "test --coverage-min 101" 2 "govc test: --coverage-min" "$GOVC" test --coverage-min 101 $pol
expect "run --state-every 0" 2 "govc run: --state-every" "$GOVC" run -p "$tmp/s.govb" --state "$tmp/st" --state-every 0 $rec
expect "check -Wfoo" 2 "govc check: unknown option '-Wfoo'" "$GOVC" check -Wfoo $pol
expect "check -W error" 0 "" "$GOVC" check -W error $pol
expect "check -Werror" 0 "" "$GOVC" check -Werror $pol
expect "run --format=yaml" 2 "govc run: unknown format 'yaml'" "$GOVC" run --format=yaml -p "$tmp/s.govb" $rec
expect "explain: two records" 2 "govc explain: one record" "$GOVC" explain -p "$tmp/s.govb" "$tmp/one.json" "$tmp/one.json"

# What --help lists is what the command parses: every spelling in the option table
# (the completion word list is generated from it) appears in --help, and every option
# --help mentions is in the table.
"$GOVC" completion bash >"$tmp/govc.bash" 2>"$tmp/err" || notok "completion bash"
for c in check build disasm run explain test diff fmt replay completion; do
  words=$(awk -v c="    $c)" '$0 == c { f = 1; next } f && /-\*\) COMPREPLY/ { print; exit }' "$tmp/govc.bash" |
          sed -n "s/.*compgen -W '\(.*\)' -- .*/\1/p")
  "$GOVC" $c --help >"$tmp/help" 2>&1
  missing=""
  for w in $words; do
    w=${w%=}
    grep -q -- "$w\\b" "$tmp/help" || missing="$missing $w"
  done
  extra=""
  for w in $(grep -o -- '\(^\|[ [,(]\)--*[a-zA-Z][a-zA-Z-]*' "$tmp/help" | sed 's/^[ [,(]//' | sort -u); do
    case " $words " in *" $w "*|*" $w= "*) ;; *) extra="$extra $w" ;; esac
  done
  if [ -z "$words" ] || [ -n "$missing$extra" ]; then
    echo "# $c: in the table, not in --help:$missing; in --help, not parsed:$extra" >"$tmp/err"
    notok "$c: --help lists exactly the options it parses"
  else
    ok "$c: --help lists exactly the options it parses"
  fi
done
exit $((fails > 0))
