#!/bin/sh
# tests/editors/nvim_lsp.sh: headless Neovim's built-in LSP client runs `govc lsp` on
# copies of policies/support and tests/editors/errors/multi (tests/editors/nvim_lsp.lua):
# diagnostics as the buffer changes, the E050 quick fix, hover's values in force,
# definition into std/, and a multi-file policy without false errors.
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
if ! command -v nvim >/dev/null 2>&1; then
  echo "skip - Neovim LSP client: nvim is not installed"; exit 0
fi
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
cp -r policies/support "$work/support"
cp -r tests/editors/errors/multi "$work/multi"
GOVC=$GOVC OUT=$work/out WORK=$work timeout 120 nvim --headless -u NONE -i NONE -n \
  -c "luafile tests/editors/nvim_lsp.lua" >"$work/nvim.log" 2>&1
rc=$?
if [ ! -s "$work/out" ]; then
  echo "not ok - Neovim LSP client: no results (exit $rc)"
  sed 's/^/# /' "$work/nvim.log" | head -20
  exit 1
fi
cat "$work/out"
! grep -q '^not ok' "$work/out"
