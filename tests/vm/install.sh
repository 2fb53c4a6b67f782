#!/bin/sh
# install.sh BUILD [SANFLAGS]: `make install-vm` into a scratch DESTDIR, then build the
# example host against the installed header and library through pkg-config (shared and
# static) and run it on a sample policy.
B=${1:-build}
SAN=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
t() { if [ "$1" = 0 ]; then echo "ok - install: $2"; else echo "not ok - install: $2"; fail=1; fi; }

make -s --no-print-directory install-vm BUILD="$B" DESTDIR="$tmp/root" PREFIX=/usr > "$tmp/log" 2>&1
t $? "make install-vm DESTDIR PREFIX"
for f in include/gov.h lib/libgov.a lib/libgov.so lib/libgov.so.0 lib/pkgconfig/gov.pc; do
  [ -e "$tmp/root/usr/$f" ]; t $? "installs $f"
done
grep -q '^prefix=/usr$' "$tmp/root/usr/lib/pkgconfig/gov.pc"; t $? "gov.pc carries PREFIX"

export PKG_CONFIG_SYSROOT_DIR="$tmp/root" PKG_CONFIG_LIBDIR="$tmp/root/usr/lib/pkgconfig"
# Both examples, as they are in the tree (they include <gov.h>), against the installed
# header and library only: shared, then static.
"$B/tests/vm_mkgovb" support "$tmp/p.govb"
"$B/govc" build -o "$tmp/safety.govb" policies/content_safety >/dev/null 2>>"$tmp/log"
line='{"at":"2026-01-31T09:30:00Z","latency_ms":4000,"cost_usd":0.01}'
for ex in govhost pii_host; do
  ${CC:-cc} $SAN -std=c17 -D_POSIX_C_SOURCE=200809L vm/examples/$ex.c $(pkg-config --cflags --libs gov) \
    -o "$tmp/${ex}_shared" 2>> "$tmp/log"
  t $? "build vm/examples/$ex.c with pkg-config --cflags --libs gov (shared)"
  ${CC:-cc} $SAN -std=c17 -D_POSIX_C_SOURCE=200809L vm/examples/$ex.c $(pkg-config --static --cflags gov) \
    "$tmp/root/usr/lib/libgov.a" $(pkg-config --static --libs-only-l gov | sed 's/-lgov//') -o "$tmp/${ex}_static" 2>> "$tmp/log"
  t $? "build vm/examples/$ex.c with pkg-config --static (static)"
done
for how in shared static; do
  echo "$line" | LD_LIBRARY_PATH="$tmp/root/usr/lib" "$tmp/govhost_$how" "$tmp/p.govb" 2>/dev/null | grep -q '"verdict":"warn"'
  t $? "the $how govhost evaluates a record"
  head -n 3 policies/content_safety/records.jsonl | LD_LIBRARY_PATH="$tmp/root/usr/lib" "$tmp/pii_host_$how" "$tmp/safety.govb" \
    >"$tmp/pii_$how.out" 2>>"$tmp/log"
  [ "$(grep -c '"status":"ok"' "$tmp/pii_$how.out")" -ge 1 ]
  t $? "the $how pii_host evaluates records with its host functions"
done
LD_LIBRARY_PATH="$tmp/root/usr/lib" ldd "$tmp/govhost_shared" | grep -q "$tmp/root/usr/lib/libgov.so.0"
t $? "the shared host links the installed libgov.so.0"
ldd "$tmp/govhost_static" | grep -q libgov
t $([ $? = 0 ] && echo 1 || echo 0) "the static host needs no libgov.so"
[ $fail = 0 ] || sed 's/^/#   /' "$tmp/log" | head -20
exit $fail
