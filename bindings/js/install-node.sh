#!/bin/sh
# install-node.sh: make sure node (>= 20) and npm are there for bindings/js. The machines
# this project runs on come with Node.js; a bare Debian gets Debian's nodejs and npm.
# Debian's npm package conflicts with a Node.js that bundles npm, so this asks apt only
# for what is missing, by command rather than by package name.
need=""
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
[ -n "$need" ] && { sh tests/install-deps.sh $need || exit 1; }
v=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
if [ "${v:-0}" -lt 20 ]; then
  echo "gov: bindings/js needs Node.js 20 or later (found $(node --version 2>&1))" >&2
  exit 1
fi
