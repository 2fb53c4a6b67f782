#!/bin/sh
# tests/check/policy_of.sh: `govc check --policy-of FILE` checks the whole policy FILE
# belongs to (spec/language.md §6): FILE with every .gov file that declares the same
# `policy NAME` under the search folders, and nothing else; --stdin takes FILE's text
# from standard input (an editor's unsaved buffer). The fixture is the one the editor
# tests use: tests/editors/errors/multi/ holds policy `multi` split over limits.gov and
# rules/rules.gov, and policy `other` (with errors of its own) beside them.
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
multi=tests/editors/errors/multi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $1"; }
notok() {
  echo "not ok - $1"
  fails=$((fails + 1))
  { echo "exit $rc"; cat "$tmp/err"; } | sed 's/^/# /' | head -30
}

# run NAME WANT_RC WANT_FILE CMD...: CMD exits WANT_RC and its stderr is exactly
# WANT_FILE's text (with @M@ standing for the fixture's folder).
run() {
  name=$1 want_rc=$2 want=$3; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  sed "s|@M@|$multi|g" "$want" >"$tmp/want"
  if [ "$rc" = "$want_rc" ] && cmp -s "$tmp/want" "$tmp/err"; then ok "$name"; return; fi
  diff -u "$tmp/want" "$tmp/err" >"$tmp/diff"
  cp "$tmp/diff" "$tmp/err"
  notok "$name"
}

# The check of policy multi: one warning, in limits.gov; nothing of other.gov.
cat >"$tmp/multi.want" <<'EOF'
@M@/limits.gov:12:9: warning[W001]: channel 'unused' is never used
   12 | channel unused = slack "#unused"
      |         ^~~~~~
govc: 0 errors, 1 warning
EOF
run "--policy-of a file in a subfolder widens to the folder holding the rest of its policy" \
  0 "$tmp/multi.want" "$GOVC" check --policy-of $multi/rules/rules.gov
run "--policy-of a file at the top of its policy's folder" \
  0 "$tmp/multi.want" "$GOVC" check --policy-of $multi/limits.gov
run "--policy-of=FILE is --policy-of FILE" \
  0 "$tmp/multi.want" "$GOVC" check --policy-of=$multi/rules/rules.gov
run "--policy-of with the folder to search named" \
  0 "$tmp/multi.want" "$GOVC" check --policy-of $multi/rules/rules.gov $multi

# Without --policy-of, the file alone: the false errors editors used to show.
"$GOVC" check $multi/rules/rules.gov >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc = 1 ] && grep -q "unknown name 'latency_budget'" "$tmp/err"; then
  ok "check FILE alone still checks the file alone"
else
  notok "check FILE alone still checks the file alone"
fi

# Searching only rules/ finds no other file of the policy: the file's own errors.
"$GOVC" check --policy-of $multi/rules/rules.gov $multi/rules >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc = 1 ] && grep -q "unknown name 'latency_budget'" "$tmp/err" && ! grep -q other.gov "$tmp/err"; then
  ok "--policy-of searches only the folders named"
else
  notok "--policy-of searches only the folders named"
fi

# The other policy of the folder: its own errors only.
cat >"$tmp/other.want" <<'EOF'
@M@/other.gov:5:6: error[E042]: cannot tell which record kind rule 'broken' applies to; add `on KIND`
    5 | rule broken {
      |      ^~~~~~
@M@/other.gov:6:8: error[E033]: unknown name 'nothing_declared'
    6 |   when nothing_declared > 1
      |        ^~~~~~~~~~~~~~~~
govc: 2 errors, 0 warnings
EOF
run "--policy-of a file of another policy in the folder" 1 "$tmp/other.want" \
  "$GOVC" check --policy-of $multi/other.gov

# --stdin: the buffer's text stands for the file, under the file's name.
sed 's/when run.latency > latency_budget/when run.latency > latency_budgett/' $multi/rules/rules.gov >"$tmp/edited.gov"
cat >"$tmp/stdin.want" <<'EOF'
@M@/limits.gov:12:9: warning[W001]: channel 'unused' is never used
   12 | channel unused = slack "#unused"
      |         ^~~~~~
@M@/rules/rules.gov:9:22: error[E033]: unknown name 'latency_budgett'
    9 |   when run.latency > latency_budgett
      |                      ^~~~~~~~~~~~~~~
@M@/limits.gov:14:5: note: did you mean 'latency_budget'?
govc: 1 error, 1 warning
EOF
run "--policy-of FILE --stdin checks the text given for FILE" 1 "$tmp/stdin.want" \
  sh -c '"$0" check --policy-of "$1" --stdin <"$2"' "$GOVC" $multi/rules/rules.gov "$tmp/edited.gov"

# A module is checked on its own.
mkdir -p "$tmp/mod"
printf 'module helpers\n\nmax shared_cap = 3\n' >"$tmp/mod/helpers.gov"
printf 'policy uses\nimport "./helpers.gov"\nrule r on run { when 1 > 2 }\n' >"$tmp/mod/broken.gov"
"$GOVC" check --policy-of "$tmp/mod/helpers.gov" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc = 0 ] && [ ! -s "$tmp/err" ]; then ok "--policy-of a module checks the module alone"
else notok "--policy-of a module checks the module alone"; fi

# Usage and I/O errors.
"$GOVC" check --policy-of "$tmp/nowhere.gov" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc = 2 ] && grep -q "nowhere.gov" "$tmp/err"; then ok "--policy-of a missing file is an I/O error (exit 2)"
else notok "--policy-of a missing file is an I/O error (exit 2)"; fi
"$GOVC" check --stdin $multi/limits.gov >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc = 2 ] && grep -q -- "--stdin" "$tmp/err"; then ok "--stdin without --policy-of is a usage error"
else notok "--stdin without --policy-of is a usage error"; fi
"$GOVC" check --policy-of $multi/limits.gov "$tmp/nowhere" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc = 2 ] && grep -q "nowhere" "$tmp/err"; then ok "--policy-of with a folder that cannot be read (exit 2)"
else notok "--policy-of with a folder that cannot be read (exit 2)"; fi

[ $fails -eq 0 ]
