#!/bin/sh
# tests/fmt/run.sh: tests for `govc fmt` (spec/language.md §8).
#
#   golden      cases/NAME.gov is formatted and compared with cases/NAME.out (exit 0),
#               which must itself be formatted already; or, for a file fmt refuses,
#               its stderr is compared with cases/NAME.err (exit 1)
#   cli         -w, --check, standard input, directories, usage errors, file modes
#   policies    `govc fmt --check policies/ stdlib/` passes
#   idempotent  fmt(fmt(x)) == fmt(x) for every .gov file in the tree that parses, and
#               a file that does not parse is refused with exit 1 (never 2)
#   same        for every .gov file that builds on its own, the formatted file builds to
#               the same program: `govc disasm` is identical once source positions are
#               taken out, and the policy id is identical (it leaves positions out)
#   id          every policy in policies/, its lines moved and re-indented, builds to
#               the same id, and `govc fmt` restores the original text; a change of
#               meaning (a limit's value, a rule's severity) changes the id
#
# Prints "ok - NAME" / "not ok - NAME" (details prefixed "#"). UPDATE=1 rewrites the
# golden .out/.err files: read every change before committing it.
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
here=tests/fmt
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fail=1; }
show_diff() { diff -u "$1" "$2" | head -40 | sed 's/^/# /'; }

# ---------------------------------------------------------------- golden
for f in "$here"/cases/*.gov; do
  n=$(basename "$f" .gov)
  (cd "$here/cases" && "$GOVC" fmt "$n.gov") >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out="$here/cases/$n.out"; err="$here/cases/$n.err"
  if [ -n "$UPDATE" ]; then
    if [ $rc -eq 0 ]; then cp "$tmp/out" "$out"; rm -f "$err"; else cp "$tmp/err" "$err"; rm -f "$out"; fi
  fi
  if [ -f "$out" ]; then
    if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
      notok "golden $n"; echo "# exit $rc"; sed 's/^/# /' "$tmp/err"
    elif ! cmp -s "$out" "$tmp/out"; then
      notok "golden $n"; show_diff "$out" "$tmp/out"
    elif ! "$GOVC" fmt <"$out" | cmp -s "$out" -; then
      notok "golden $n (the golden output is not formatted)"
    else
      ok "golden $n"
    fi
  elif [ -f "$err" ]; then
    if [ $rc -ne 1 ] || [ -s "$tmp/out" ]; then
      notok "golden $n"; echo "# exit $rc, expected 1 and no output"
    elif ! cmp -s "$err" "$tmp/err"; then
      notok "golden $n"; show_diff "$err" "$tmp/err"
    else
      ok "golden $n"
    fi
  else
    notok "golden $n"; echo "# no $n.out or $n.err (run with UPDATE=1)"
  fi
done

# ---------------------------------------------------------------- cli
expect_rc() { # NAME WANT CMD...
  name=$1; want=$2; shift 2
  "$@" >"$tmp/cli.out" 2>"$tmp/cli.err"; rc=$?
  if [ $rc -eq "$want" ]; then ok "cli $name"; else
    notok "cli $name"; echo "# exit $rc, expected $want"; sed 's/^/# /' "$tmp/cli.err" | head -5; fi
}
expect_rc "--help" 0 "$GOVC" fmt --help
grep -q '^usage: govc fmt' "$tmp/cli.out" && ok "cli --help text" || notok "cli --help text"
expect_rc "unknown option" 2 "$GOVC" fmt --frobnicate "$here/cases/rule.gov"
expect_rc "-w with --check" 2 "$GOVC" fmt -w --check "$here/cases/rule.gov"
expect_rc "-w without paths" 2 "$GOVC" fmt -w
expect_rc "missing file" 2 "$GOVC" fmt "$tmp/does-not-exist.gov"
expect_rc "syntax error" 1 "$GOVC" fmt "$here/cases/syntax_error.gov"
expect_rc "--check syntax error" 1 "$GOVC" fmt --check "$here/cases/syntax_error.gov"

if "$GOVC" fmt <"$here/cases/rule.gov" | cmp -s - "$here/cases/rule.out"; then ok "cli stdin"
else notok "cli stdin"; fi

# A directory: one formatted file, one not, one hidden (skipped), one not .gov.
mkdir -p "$tmp/d/sub" "$tmp/d/.hidden"
cp "$here/cases/rule.out" "$tmp/d/done.gov"
cp "$here/cases/rule.gov" "$tmp/d/sub/todo.gov"
cp "$here/cases/rule.gov" "$tmp/d/.hidden/skip.gov"
cp "$here/cases/rule.gov" "$tmp/d/notes.txt"
chmod 640 "$tmp/d/sub/todo.gov"
"$GOVC" fmt --check "$tmp/d" >"$tmp/cli.out" 2>&1; rc=$?
if [ $rc -eq 1 ] && [ "$(cat "$tmp/cli.out")" = "$tmp/d/sub/todo.gov" ]; then ok "cli --check lists unformatted files"
else notok "cli --check lists unformatted files"; echo "# exit $rc"; sed 's/^/# /' "$tmp/cli.out"; fi
cmp -s "$here/cases/rule.gov" "$tmp/d/sub/todo.gov" && ok "cli --check changes nothing" || notok "cli --check changes nothing"
expect_rc "-w" 0 "$GOVC" fmt -w "$tmp/d"
if cmp -s "$here/cases/rule.out" "$tmp/d/sub/todo.gov" && cmp -s "$here/cases/rule.gov" "$tmp/d/.hidden/skip.gov" &&
   cmp -s "$here/cases/rule.gov" "$tmp/d/notes.txt" && [ ! -s "$tmp/cli.out" ]; then ok "cli -w rewrites in place"
else notok "cli -w rewrites in place"; fi
[ "$(stat -c %a "$tmp/d/sub/todo.gov")" = 640 ] && ok "cli -w keeps the file mode" || notok "cli -w keeps the file mode"
[ -z "$(ls "$tmp/d/sub" | grep -v '^todo.gov$')" ] && ok "cli -w leaves no temporary file" || notok "cli -w leaves no temporary file"
expect_rc "--check after -w" 0 "$GOVC" fmt --check "$tmp/d"
[ ! -s "$tmp/cli.out" ] && ok "cli --check prints nothing when formatted" || notok "cli --check prints nothing when formatted"

# ---------------------------------------------------------------- policies
"$GOVC" fmt --check policies/ stdlib/ >"$tmp/p.out" 2>&1
if [ $? -eq 0 ]; then ok "policies and stdlib are formatted"
else notok "policies and stdlib are formatted"; sed 's/^/# /' "$tmp/p.out"; fi

# ---------------------------------------------------------------- every file
# Each file is formatted once on its own (its exit status is its own); the second pass,
# fmt(fmt(x)), is one `govc fmt --check` over all the formatted copies (the same
# formatter, one process: it lists each copy that formatting would change). The
# directories are copied once: each file's original and formatted text build from the
# same path in the copy, and one disassembly of each program gives both the
# position-free listing and the id.
files=$(find . -name '*.gov' -not -path './build*' -not -path './.git/*' | sort)
nfmt=0; nrefused=0; nsame=0
mkdir -p "$tmp/f1" "$tmp/same"
for d in $(printf '%s\n' $files | sed 's|/[^/]*$||' | sort -u); do
  mkdir -p "$tmp/same/$d" && cp -R "$d/." "$tmp/same/$d/"
done
formatted=""
for f in $files; do
  mkdir -p "$tmp/f1/$(dirname "$f")"
  "$GOVC" fmt "$f" >"$tmp/f1/$f" 2>"$tmp/e1"; rc=$?
  if [ $rc -eq 1 ]; then nrefused=$((nrefused + 1)); rm -f "$tmp/f1/$f"; continue; fi
  if [ $rc -ne 0 ]; then notok "idempotent $f"; echo "# exit $rc"; sed 's/^/# /' "$tmp/e1" | head -5; rm -f "$tmp/f1/$f"; continue; fi
  nfmt=$((nfmt + 1)); formatted="$formatted $f"
done
(cd "$tmp/f1" && "$GOVC" fmt --check $formatted) >"$tmp/again" 2>"$tmp/again.err"; rc=$?
if [ $rc -gt 1 ] || [ -s "$tmp/again.err" ]; then
  notok "idempotent: fmt --check of the formatted files"; echo "# exit $rc"; sed 's/^/# /' "$tmp/again.err" | head -5
fi
dis() { # GOVB OUT: the listing without source positions to OUT, the id to OUT.id
  "$GOVC" disasm "$1" >"$2.full"
  sed -n 's/^id //p' "$2.full" >"$2.id"
  sed -e 's/ at [^ ]*:[0-9][0-9]*:[0-9][0-9]*//g' -e '/^ *; /d' -e '/^id /d' "$2.full" >"$2"
}
root="$tmp/same"
for f in $formatted; do
  if grep -qxF "$f" "$tmp/again"; then
    notok "idempotent $f"; "$GOVC" fmt <"$tmp/f1/$f" >"$tmp/f2" 2>&1; show_diff "$tmp/f1/$f" "$tmp/f2"
  else
    ok "idempotent $f"
  fi
  # Same program: build the original and the formatted text from one path.
  (cd "$root" && "$GOVC" build -o a.govb "$f" >/dev/null 2>&1) || continue
  cp "$tmp/f1/$f" "$root/$f"
  (cd "$root" && "$GOVC" build -o b.govb "$f" >/dev/null 2>"$tmp/eb"); rc=$?
  cp "$f" "$root/$f"
  if [ $rc -ne 0 ]; then
    notok "same program $f"; echo "# the formatted file does not build"; sed 's/^/# /' "$tmp/eb" | head -5; continue
  fi
  dis "$root/a.govb" "$tmp/da"; dis "$root/b.govb" "$tmp/db"
  ida=$(cat "$tmp/da.id"); idb=$(cat "$tmp/db.id")
  if ! cmp -s "$tmp/da" "$tmp/db"; then
    notok "same program $f"; show_diff "$tmp/da" "$tmp/db"
  elif [ -z "$ida" ] || [ "$ida" != "$idb" ]; then
    notok "same program $f"; echo "# policy id $ida before fmt, $idb after"
  else
    nsame=$((nsame + 1)); ok "same program $f (same id)"
  fi
done
echo "# $nfmt files formatted, $nrefused refused (syntax errors); $nsame built to the same program and id"
[ "$nfmt" -gt 0 ] && [ "$nsame" -gt 0 ] || notok "found files to format and build"

# ---------------------------------------------------------------- id
# Each example policy, built as it is and with every line moved down three lines and
# indented four more columns (so every position in it changes), from the same relative
# path: the ids are equal, and `govc fmt` of the moved text gives back the original.
# Then a limit's value, or a rule's severity, changed: the id changes.
pid() { (cd "$1" && "$GOVC" build -o p.govb "$2" >/dev/null 2>&1 && "$GOVC" disasm p.govb | sed -n 's/^id //p'); }
for p in policies/*/; do
  p=${p%/}; n=$(basename "$p")
  rm -rf "$tmp/orig" "$tmp/moved"; mkdir -p "$tmp/orig/$p" "$tmp/moved/$p"
  cp "$p"/*.gov "$tmp/orig/$p/"
  bad=""
  for g in "$p"/*.gov; do
    { printf '\n\n\n'; sed 's/^/    /' "$g"; } >"$tmp/moved/$g"
    "$GOVC" fmt "$tmp/moved/$g" | cmp -s - "$g" || bad="$bad $(basename "$g")"
  done
  a=$(pid "$tmp/orig" "$p"); b=$(pid "$tmp/moved" "$p")
  if [ -n "$a" ] && [ "$a" = "$b" ] && [ -z "$bad" ]; then ok "id $n: moved lines, same id"
  else notok "id $n: moved lines, same id"; echo "# $a vs $b; fmt did not restore:$bad"; fi
done
# Changes of meaning in the support policy (the first limit's value, the first severity).
s=policies/support
rm -rf "$tmp/orig" "$tmp/m1" "$tmp/m2"; mkdir -p "$tmp/orig/$s" "$tmp/m1/$s" "$tmp/m2/$s"
cp "$s"/*.gov "$tmp/orig/$s/"; cp "$s"/*.gov "$tmp/m1/$s/"; cp "$s"/*.gov "$tmp/m2/$s/"
f=$(grep -l '^max ' "$s"/*.gov | head -1)
awk '!d && /^max .* = [0-9]/ { sub(/= /, "= 1"); d = 1 } { print }' "$f" >"$tmp/m1/$f"
f=$(grep -l 'severity warning' "$s"/*.gov | head -1)
awk '!d && /severity warning/ { sub(/severity warning/, "severity info"); d = 1 } { print }' "$f" >"$tmp/m2/$f"
a=$(pid "$tmp/orig" "$s"); b=$(pid "$tmp/m1" "$s"); c=$(pid "$tmp/m2" "$s")
if [ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ "$a" != "$b" ] && [ "$a" != "$c" ] &&
   ! cmp -s "$s/$(basename "$f")" "$tmp/m2/$f"; then ok "id: a changed limit value or severity changes the id"
else notok "id: a changed limit value or severity changes the id"; echo "# $a, limit $b, severity $c"; fi

exit $fail
