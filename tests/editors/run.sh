#!/bin/sh
# tests/editors/run.sh: the editor suites of `make test`, run from the top of the tree.
#
# VS Code's grammar (vscode-tmgrammar-test) and extension checks, Vim, Neovim and Emacs
# each run the same syntax-test files (tests/editors/syntax/ and the ones gen-names.sh
# makes from lang/lexer.re and lang/names.def) plus their own tests. Prints one
# "ok - EDITOR: NAME" or "not ok - EDITOR: NAME" line per test case, details on "#"
# lines, and exits non-zero if any failed. What cannot run says so in a
# "skip - EDITOR: NAME: reason" line: an editor that is not installed, the VS Code tester
# when editors/vscode's npm packages are not (`make test` installs them all as root), and
# the :make, Flymake and snippet tests without govc. Those use $GOVC, else build/govc.
set -u
top=$(pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0
limit=300 # seconds per editor suite (a hang detector: at a load average of 16 on 2 cores the vim and nvim suites passed 120 s)

# suite EDITOR OUTFILE LOGFILE RC: print a suite's results with EDITOR in each name; a
# suite that failed without reporting a failing case is a failure of its own.
suite() {
  if [ -s "$2" ]; then
    sed -e "s/^\\(not \\)\\{0,1\\}ok - /&$1: /" -e "s/^skip - /&$1: /" "$2"
  fi
  if [ "$4" -ne 0 ] && ! grep -q '^not ok ' "$2" 2>/dev/null; then
    echo "not ok - $1: suite exited with status $4"
    tail -n 20 "$3" | sed 's/^/# /'
  fi
  if [ "$4" -ne 0 ] || grep -q '^not ok ' "$2" 2>/dev/null; then status=1; fi
}

# ------------------------------------------------------------------ shared inputs
if ! sh tests/editors/gen-names.sh "$tmp/names" 2>"$tmp/gen.err"; then
  echo "not ok - keywords and names: read lang/lexer.re and lang/names.def"
  sed 's/^/# /' "$tmp/gen.err"
  status=1
fi
syntax=$(ls tests/editors/syntax/*.gov "$tmp"/names/*.gov 2>/dev/null)
# Real policies: valid code that no editor may mark invalid.
GOV_POLICIES=$(find policies stdlib -name '*.gov' 2>/dev/null | sort)
export GOV_POLICIES
# govc: $GOVC if set (as the other suites take it), else build/govc once built.
govc=${GOVC:-build/govc}
case $govc in /*) ;; *) govc=$top/$govc ;; esac
if [ ! -x "$govc" ]; then
  echo "# note: $govc is not built: the :make, Flymake, snippet and layout tests skip"
  govc=""
fi

# govc fmt's layout of fmt-input.gov and of the real policies: each editor flattens the
# indentation and re-indents, and must get the same text back.
GOV_FMT=""
if [ -n "$govc" ]; then
  mkdir -p "$tmp/fmt"
  for f in tests/editors/indent/fmt-input.gov $GOV_POLICIES; do
    out=$tmp/fmt/$(echo "$f" | tr / _)
    if "$govc" fmt "$f" >"$out" 2>"$tmp/fmt.err"; then
      GOV_FMT="$GOV_FMT$out
"
    else
      echo "not ok - govc fmt $f"
      sed 's/^/# /' "$tmp/fmt.err"
      status=1
    fi
  done
fi
export GOV_FMT

# ------------------------------------------------------------------ VS Code
tmgrammar=editors/vscode/node_modules/.bin/vscode-tmgrammar-test
if ! command -v node >/dev/null 2>&1; then
  echo "skip - vscode: highlighting and extension tests: node is not installed"
elif [ ! -x "$tmgrammar" ]; then
  echo "skip - vscode: highlighting and extension tests: editors/vscode has no node_modules (npm ci there)"
else
  mkdir -p "$tmp/vscode"
  # shellcheck disable=SC2086 # one argument per file
  timeout $limit "$tmgrammar" --config editors/vscode/package.json --compact $syntax \
    >"$tmp/vscode/grammar.log" 2>&1
  rc=$?
  # One case per file: "✓ FILE run successfuly." or "ERROR FILE:LINE:START:END reason"
  # lines, shown here with the text they point at.
  for f in $syntax; do
    name=$(basename "$f")
    if grep -qF "$f run successfuly" "$tmp/vscode/grammar.log"; then
      echo "ok - highlighting: $name"
    else
      echo "not ok - highlighting: $name"
      grep -F "$f" "$tmp/vscode/grammar.log" | grep -v 'run successfuly' | head -n 30 |
        while IFS= read -r line; do
          loc=${line#ERROR "$f":}; loc=${loc%% *}
          why=${line#ERROR "$f":"$loc" }
          l=${loc%%:*}; rest=${loc#*:}; s=${rest%%:*}; e=${rest#*:}
          case "$l$s$e" in
            *[!0-9]* | "") echo "# $line" ;;
            *) text=$(sed -n "${l}p" "$f" | cut -c"$s-$((e - 1))")
               echo "# $name:$l: \"$text\": $why" ;;
          esac
        done
    fi
  done >"$tmp/vscode/out"
  if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$tmp/vscode/out"; then
    echo "not ok - highlighting: vscode-tmgrammar-test exited with status $rc" >>"$tmp/vscode/out"
    tail -n 20 "$tmp/vscode/grammar.log" | sed 's/^/# /' >>"$tmp/vscode/out"
  fi
  timeout $limit node tests/editors/vscode/check.js "$tmp/vscode" "$govc" \
    >>"$tmp/vscode/out" 2>"$tmp/vscode/check.log"
  rc2=$?
  suite vscode "$tmp/vscode/out" "$tmp/vscode/check.log" "$rc2"
  if grep -q '^not ok ' "$tmp/vscode/out"; then status=1; fi
fi

# ------------------------------------------------------------------ Vim and Neovim
run_vim() { # run_vim NAME COMMAND...
  n=$1; shift
  mkdir -p "$tmp/$n"
  GOV_OUT=$tmp/$n/out GOV_SYNTAX=$syntax GOV_GOVC=$govc GOV_TMP=$tmp/$n \
    timeout $limit "$@" -S tests/editors/vim/run.vim </dev/null >"$tmp/$n/log" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && grep -q '^not ok ' "$tmp/$n/out" 2>/dev/null; then rc=1; fi
  suite "$n" "$tmp/$n/out" "$tmp/$n/log" $rc
}
if command -v vim >/dev/null 2>&1; then
  run_vim vim vim -Nu NONE -i NONE -es
else
  echo "skip - vim: every Vim test: vim is not installed"
fi
if command -v nvim >/dev/null 2>&1; then
  run_vim nvim nvim --headless -u NONE -i NONE -es
else
  echo "skip - nvim: every Neovim test: nvim is not installed"
fi

# ------------------------------------------------------------------ Emacs
if command -v emacs >/dev/null 2>&1; then
  mkdir -p "$tmp/emacs"
  GOV_SYNTAX=$syntax GOV_GOVC=$govc GOV_TMP=$tmp/emacs \
    timeout $limit emacs -batch -Q -L editors/emacs -l tests/editors/emacs/gov-mode-tests.el \
    -f gov-test-run-batch </dev/null >"$tmp/emacs/out" 2>"$tmp/emacs/log"
  suite emacs "$tmp/emacs/out" "$tmp/emacs/log" $?
else
  echo "skip - emacs: every Emacs test: emacs is not installed"
fi

exit $status
