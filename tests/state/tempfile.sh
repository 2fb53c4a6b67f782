#!/bin/sh
# tests/state/tempfile.sh: govc run --state FILE saves through a temporary file it creates
# exclusively (issue 18.2): whatever already sits at FILE.tmp (a symbolic link, a
# directory) is neither followed nor removed, FILE ends up a regular file of mode 0600,
# and nothing is left behind.
GOVC=${GOVC:-build/govc}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - state temp: $1"; }
notok() { echo "not ok - state temp: $1"; fails=$((fails + 1)); [ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head; }
# policies/support/records.jsonl has malformed lines on purpose (exit 1); the valid ones.
rec=$tmp/records.jsonl
grep '"at"' policies/support/records.jsonl | head -n 4 >"$rec"
"$GOVC" build -o "$tmp/p.govb" policies/support >/dev/null 2>&1 || { echo "not ok - state temp: build"; exit 1; }
"$GOVC" run -p "$tmp/p.govb" --state "$tmp/ref" $rec >/dev/null 2>&1 || { echo "not ok - state temp: reference run"; exit 1; }

# A symbolic link at FILE.tmp to a file that must not change.
d=$tmp/link; mkdir "$d"
echo "precious" >"$tmp/victim"
ln -s "$tmp/victim" "$d/st.tmp"
"$GOVC" run -p "$tmp/p.govb" --state "$d/st" $rec >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && ok "run with a link at FILE.tmp" || notok "run with a link at FILE.tmp"
[ "$(cat "$tmp/victim")" = precious ] && ok "the link's target is untouched" || notok "the link's target is untouched"
[ -L "$d/st.tmp" ] && ok "the link is not removed" || notok "the link is not removed"
[ -f "$d/st" ] && [ ! -L "$d/st" ] && cmp -s "$d/st" "$tmp/ref" && ok "FILE is the state, a regular file" ||
  notok "FILE is the state, a regular file"

# An empty directory at FILE.tmp stays.
d=$tmp/dir; mkdir -p "$d/st.tmp"
"$GOVC" run -p "$tmp/p.govb" --state "$d/st" $rec >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 0 ] && [ -d "$d/st.tmp" ] && cmp -s "$d/st" "$tmp/ref" && ok "a directory at FILE.tmp is kept" ||
  notok "a directory at FILE.tmp is kept"

# Mode 0600 whatever the umask; an existing FILE of another mode gets 0600 too.
d=$tmp/mode; mkdir "$d"
(umask 000 && "$GOVC" run -p "$tmp/p.govb" --state "$d/st" $rec >/dev/null 2>"$tmp/err")
m=$(stat -c %a "$d/st")
[ "$m" = 600 ] && ok "FILE has mode 0600 (umask 000)" || { echo "mode $m" >"$tmp/err"; notok "FILE has mode 0600 (umask 000)"; }
chmod 644 "$d/st"
"$GOVC" run -p "$tmp/p.govb" --state "$d/st" $rec >/dev/null 2>"$tmp/err"
m=$(stat -c %a "$d/st")
[ "$m" = 600 ] && ok "a saved FILE has mode 0600 again" || { echo "mode $m" >"$tmp/err"; notok "a saved FILE has mode 0600 again"; }

# Nothing but FILE is left, after a run that saves every line too.
d=$tmp/clean; mkdir "$d"
"$GOVC" run -p "$tmp/p.govb" --state "$d/st" --state-every 1 $rec >/dev/null 2>"$tmp/err"
[ "$(ls -A "$d")" = st ] && ok "no temporary file is left" || { ls -la "$d" >"$tmp/err"; notok "no temporary file is left"; }

# A directory that does not exist: a clear message, exit 2, nothing created.
"$GOVC" run -p "$tmp/p.govb" --state "$tmp/nodir/st" $rec >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && [ ! -e "$tmp/nodir" ] && grep -q "govc run: cannot create a temporary file beside state" "$tmp/err" &&
  ok "an unwritable place: exit 2 and why" || notok "an unwritable place: exit 2 and why"
exit $((fails > 0))
