#!/bin/sh
# editors/install-deps.sh: install what the editor tests (tests/editors/run.sh) need, if
# it is missing. Debian packages, as root: vim, neovim, emacs-nox, nodejs and npm, zip
# and unzip. Then vscode-tmgrammar-test and its dependencies into editors/vscode/
# node_modules, with `npm ci` from the committed package-lock.json. Safe to run again:
# it does nothing when everything is there.
set -eu
cd "$(dirname "$0")"

have() { command -v "$1" >/dev/null 2>&1; }
missing=""
have vim || missing="$missing vim"
have nvim || missing="$missing neovim"
have emacs || missing="$missing emacs-nox"
have node || missing="$missing nodejs"
have npm || missing="$missing npm"
have zip || missing="$missing zip"
have unzip || missing="$missing unzip"

if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "editors: missing:$missing" >&2
    echo "editors: install them with: sudo apt-get install$missing" >&2
    exit 1
  fi
  echo "editors: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086 # one argument per package
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm records what it installed in node_modules/.package-lock.json: reinstall when the
# committed lock file is newer or the tester is missing.
mods=vscode/node_modules
if [ ! -x "$mods/.bin/vscode-tmgrammar-test" ] || [ vscode/package-lock.json -nt "$mods/.package-lock.json" ]; then
  echo "editors: npm ci in editors/vscode" >&2
  (cd vscode && npm ci --no-audit --no-fund --loglevel=error)
fi
