#!/bin/sh
# tests/lsp/node/run.sh GOVC: harness.js (govc lsp driven by vscode-languageserver-protocol
# from npm), once `npm ci` has installed it (make test does, through NPM_DIRS).
GOVC=${1:-build/govc}
dir=$(dirname "$0")
if [ ! -d "$dir/node_modules/vscode-languageserver-protocol" ]; then
  echo "skip - lsp node harness: $dir has no node_modules (npm ci there)"; exit 0
fi
exec timeout 120 node "$dir/harness.js" "$GOVC"
