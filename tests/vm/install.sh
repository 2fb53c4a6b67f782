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
# The example includes "vm/gov.h"; an installed host writes <gov.h>.
sed 's|#include "vm/gov.h"|#include <gov.h>|' vm/examples/govhost.c > "$tmp/host.c"
"$B/tests/vm_mkgovb" support "$tmp/p.govb"
line='{"at":"2026-01-31T09:30:00Z","latency_ms":4000,"cost_usd":0.01}'
${CC:-cc} $SAN -D_POSIX_C_SOURCE=200809L "$tmp/host.c" $(pkg-config --cflags --libs gov) -o "$tmp/host_shared" 2>> "$tmp/log"
t $? "build a host with pkg-config (shared)"
echo "$line" | LD_LIBRARY_PATH="$tmp/root/usr/lib" "$tmp/host_shared" "$tmp/p.govb" 2>/dev/null | grep -q '"verdict":"warn"'
t $? "the shared-library host evaluates a record"
${CC:-cc} $SAN -D_POSIX_C_SOURCE=200809L "$tmp/host.c" $(pkg-config --static --cflags gov) \
  "$tmp/root/usr/lib/libgov.a" $(pkg-config --static --libs-only-l gov | sed 's/-lgov//') -o "$tmp/host_static" 2>> "$tmp/log"
t $? "build a host with pkg-config (static)"
echo "$line" | "$tmp/host_static" "$tmp/p.govb" 2>/dev/null | grep -q '"verdict":"warn"'
t $? "the static host evaluates a record"
[ $fail = 0 ] || sed 's/^/#   /' "$tmp/log" | head -20
exit $fail
