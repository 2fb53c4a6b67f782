#!/bin/sh
# locale.sh BUILD: run the VM unit suite under a decimal-comma locale (de_DE, compiled
# into a scratch directory with localedef), so number parsing and printing are shown not
# to depend on the locale: every golden decision and trace must still match.
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
if ! localedef -i de_DE -f UTF-8 "$tmp/de_DE.UTF-8" > "$tmp/log" 2>&1; then
  echo "ok - locale: de_DE.UTF-8 cannot be built here # SKIP"
  exit 0
fi
LOCPATH="$tmp" "$B/tests/vm_unit" --locale de_DE.UTF-8 > "$tmp/out" 2>&1
rc=$?
sed 's/^\(not \)\{0,1\}ok - /&locale de_DE: /' "$tmp/out"
exit $rc
