#!/bin/sh
# tests/compiler/outfiles.sh: what govc writes to a path the user names (run --state,
# build -o, fmt -w) is never renamed over, truncated or removed unless it is a regular
# file or a symbolic link to one (compiler/outfile.c). A FIFO, a device, a directory or a
# link to one of them, or a link to nothing, is refused with exit 2 and left as it was;
# a link to a regular file stays a link and the file it leads to is written.
# The devices are made here, in a temporary folder (mknod, as root): a test never
# points at /dev itself. Without mknod the device cases use a FIFO instead.
GOVC=${GOVC:-build/govc}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - outfiles: $1"; }
notok() { echo "not ok - outfiles: $1"; fails=$((fails + 1)); [ -s "$tmp/err" ] && sed 's/^/#   /' "$tmp/err" | head -5; }
check() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi; }

rec=$tmp/records.jsonl
grep '"at"' policies/support/records.jsonl | head -n 4 >"$rec"
"$GOVC" build -o "$tmp/p.govb" policies/support >/dev/null 2>&1 || { echo "not ok - outfiles: build"; exit 1; }
# An unformatted source (its indentation doubled), so fmt -w has something to write.
sed 's/^  /    /' policies/support/support.gov >"$tmp/src.gov"
# A state saved after the first two records, to be carried on by the rest.
head -n 2 "$rec" | "$GOVC" run -p "$tmp/p.govb" --state "$tmp/state0" - >/dev/null 2>&1 ||
  { echo "not ok - outfiles: a first state"; exit 1; }

# A character device of our own (the null device's numbers), else a FIFO standing in.
devnode() {
  if mknod "$1" c 1 3 2>/dev/null && [ -c "$1" ]; then return 0; fi
  rm -f "$1"; mkfifo "$1"
}
# Whether $1 is still the node it was made as ($2: c or p).
same_node() { if [ "$2" = c ]; then [ -c "$1" ] && [ ! -L "$1" ]; else [ -p "$1" ] && [ ! -L "$1" ]; fi; }

# Each writer, as a command taking the path it writes ("timeout" guards the FIFO cases:
# opening a FIFO for writing with no reader would block for ever).
w_state() { timeout 20 "$GOVC" run -p "$tmp/p.govb" --state "$1" "$rec" >/dev/null 2>"$tmp/err"; }
w_build() { timeout 20 "$GOVC" build -o "$1" policies/support >/dev/null 2>"$tmp/err"; }
w_fmt() { timeout 20 "$GOVC" fmt -w "$1" >/dev/null 2>"$tmp/err"; }

for w in state build fmt; do
  d=$tmp/$w; mkdir "$d"
  case $w in state) what="state file" ;; build) what="-o" ;; fmt) what="fmt -w" ;; esac

  # A FIFO at the path.
  mkfifo "$d/fifo"
  w_$w "$d/fifo"; rc=$?
  [ $rc = 2 ] && same_node "$d/fifo" p && grep -q "is a FIFO" "$tmp/err"
  check $? "$w: a FIFO is refused (exit 2, said so) and left a FIFO (exit $rc)"

  # A device at the path, and a symbolic link to it.
  devnode "$d/dev"
  if [ -c "$d/dev" ]; then t=c; kind="character device"; else t=p; kind="FIFO"; fi
  w_$w "$d/dev"; rc=$?
  [ $rc = 2 ] && same_node "$d/dev" $t && grep -q "is a $kind" "$tmp/err"
  check $? "$w: a $kind is refused and left as it is (exit $rc)"
  ln -s "$d/dev" "$d/devlink"
  w_$w "$d/devlink"; rc=$?
  [ $rc = 2 ] && [ -L "$d/devlink" ] && same_node "$d/dev" $t && grep -q "symbolic link to a $kind" "$tmp/err"
  check $? "$w: a link to a $kind is refused; the link and the node stay (exit $rc)"

  # A directory (fmt -w walks one for .gov files: that is its own case), and a link to
  # nothing.
  if [ $w != fmt ]; then
    mkdir "$d/dir"
    w_$w "$d/dir"; rc=$?
    [ $rc = 2 ] && [ -d "$d/dir" ]
    check $? "$w: a directory is refused and kept (exit $rc)"
  fi
  ln -s "$d/nowhere" "$d/dangling"
  w_$w "$d/dangling"; rc=$?
  [ $rc = 2 ] && [ -L "$d/dangling" ] && [ ! -e "$d/nowhere" ] && grep -q "symbolic link to nothing" "$tmp/err"
  check $? "$w: a link to nothing is refused; nothing is created (exit $rc)"

  # A link to a regular file: the link stays, the file it leads to is replaced.
  mkdir "$d/real"
  case $w in fmt) cp "$tmp/src.gov" "$d/real/f" ;; state) cp "$tmp/state0" "$d/real/f" ;; *) echo old >"$d/real/f" ;; esac
  chmod 640 "$d/real/f"
  ln -s "real/f" "$d/link"
  w_$w "$d/link"; rc=$?
  case $w in
    state) good=$( [ -s "$d/real/f" ] && ! cmp -s "$d/real/f" "$tmp/state0" && echo y) ;;
    build) good=$( cmp -s "$d/real/f" "$tmp/p.govb" && echo y) ;;
    fmt) "$GOVC" fmt "$tmp/src.gov" >"$tmp/want" 2>/dev/null; good=$( cmp -s "$d/real/f" "$tmp/want" && echo y) ;;
  esac
  [ $rc = 0 ] && [ -L "$d/link" ] && [ "$good" = y ] && [ "$(ls -A "$d/real")" = f ]
  check $? "$w: a link to a regular file stays a link; its file is written, nothing left beside it (exit $rc)"
done

# Modes: run --state makes 0600; build -o keeps an existing file's mode and gives a new
# one 0666 less the umask; fmt -w keeps the file's mode.
d=$tmp/modes; mkdir "$d"
echo x >"$d/out.govb"; chmod 640 "$d/out.govb"
w_build "$d/out.govb"; m=$(stat -c %a "$d/out.govb")
[ "$m" = 640 ] && cmp -s "$d/out.govb" "$tmp/p.govb"
check $? "build -o keeps an existing file's mode ($m)"
(umask 027 && w_build "$d/new.govb"); m=$(stat -c %a "$d/new.govb")
[ "$m" = 640 ]
check $? "build -o makes a new file 0666 less the umask ($m under umask 027)"
cp "$tmp/src.gov" "$d/a.gov"; chmod 604 "$d/a.gov"
w_fmt "$d/a.gov"; m=$(stat -c %a "$d/a.gov")
[ "$m" = 604 ]
check $? "fmt -w keeps the file's mode ($m)"

# A failed write removes nothing of the user's: build -o into a folder that does not
# exist says why, exit 2, and creates nothing.
w_build "$tmp/nodir/out.govb"; rc=$?
[ $rc = 2 ] && [ ! -e "$tmp/nodir" ] && grep -q "govc build: cannot create a temporary file beside output" "$tmp/err"
check $? "build -o into a missing folder: exit 2, why, nothing created"
exit $((fails > 0))
