#!/bin/sh
# locale.sh BUILD: run the VM unit suite under a decimal-comma locale (de_DE.UTF-8), so
# number parsing and printing are shown not to depend on the locale: every golden
# decision and trace must still match. It uses the system's de_DE.UTF-8 (make test
# generates it: TEST_LOCALES in vm/vm.mk), else compiles one into a scratch directory
# with localedef, else says why it cannot run.
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
if locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\{0,1\}8'; then
  unset LOCPATH
elif localedef -i de_DE -f UTF-8 "$tmp/de_DE.UTF-8" > "$tmp/log" 2>&1; then
  LOCPATH=$tmp; export LOCPATH
else
  echo "skip - locale de_DE: the VM unit suite under de_DE.UTF-8: no such locale, and localedef cannot build one ($(head -n 1 "$tmp/log"); is the locales package installed?)"
  exit 0
fi
"$B/tests/vm_unit" --locale de_DE.UTF-8 > "$tmp/out" 2>&1
rc=$?
sed 's/^\(not \)\{0,1\}ok - /&locale de_DE: /' "$tmp/out"
exit $rc
