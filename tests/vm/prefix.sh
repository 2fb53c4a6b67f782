#!/bin/sh
# prefix.sh LABEL CMD...: run a suite and label its case names ("ok - LABEL: ..."),
# keeping its exit status (a crash must still count as a failure).
label=$1; shift
tmp=$(mktemp) || exit 2
"$@" > "$tmp" 2>&1
rc=$?
sed "s/^\(not \)\{0,1\}ok - /&$label: /" "$tmp"
rm -f "$tmp"
exit $rc
