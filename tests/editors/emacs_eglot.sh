#!/bin/sh
# tests/editors/emacs_eglot.sh: Emacs with eglot (Debian's elpa-eglot) runs `govc lsp` for
# gov-mode on a copy of policies/support (tests/editors/emacs_eglot.el): E050 in Flymake
# as the buffer changes and gone when undone, hover's values in force, definition, and
# a clean shutdown.
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
if ! command -v emacs >/dev/null 2>&1; then
  echo "skip - Emacs eglot: emacs is not installed"; exit 0
fi
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
cp -r policies/support "$work/support"
GOVC=$GOVC WORK=$work timeout 120 emacs -batch -Q -L editors/emacs -l tests/editors/emacs_eglot.el \
  </dev/null >"$work/out" 2>"$work/log"
rc=$?
cat "$work/out"
if [ $rc != 0 ] && ! grep -q '^not ok' "$work/out"; then
  echo "not ok - Emacs eglot: emacs exited $rc"
  tail -20 "$work/log" | sed 's/^/# /'
fi
[ $rc = 0 ]
