#!/bin/sh
# tests/editors/vscode_client.sh GOVC: the VS Code extension's client part
# (tests/editors/vscode/client.js says what it exercises and what it cannot: VS Code
# itself is not available from Debian or npm). Needs editors/vscode's npm packages
# (make test installs them through NPM_DIRS).
GOVC=${1:-build/govc}
if [ ! -d editors/vscode/node_modules/vscode-languageclient ] || [ ! -d editors/vscode/node_modules/typescript ]; then
  echo "skip - vscode client: editors/vscode has no node_modules (npm ci there)"; exit 0
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
timeout 120 node tests/editors/vscode/client.js "$GOVC" "$tmp"
