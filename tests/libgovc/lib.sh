#!/bin/sh
# lib.sh BUILD [SANFLAGS]: libgovc.so exports gov_compiler_* alone; `make install` puts
# libgovc, <gov_compiler.h> and govc.pc beside libgov; a host built through pkg-config
# (shared and static) compiles a policy at run time and evaluates records with it.
B=${1:-build}
SAN=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
t() { if [ "$1" = 0 ]; then echo "ok - libgovc: $2"; else echo "not ok - libgovc: $2"; fail=1; fi; }

bad=$(nm -D --defined-only "$B/libgovc.so" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^gov_compiler_/ { print $3 }')
[ -z "$bad" ]; t $? "libgovc.so exports only gov_compiler_ symbols"
[ -n "$bad" ] && echo "$bad" | sed 's/^/#   /'
nm -D --undefined-only "$B/libgovc.so" | grep -q ' gov_program_load$'; t $? "libgovc.so takes the verifier from libgov.so"
readelf -d "$B/libgovc.so" | grep -q 'NEEDED.*libgov\.so\.0'; t $? "libgovc.so needs libgov.so.0"

make -s --no-print-directory install BUILD="$B" DESTDIR="$tmp/root" PREFIX=/usr > "$tmp/log" 2>&1
t $? "make install DESTDIR PREFIX"
for f in include/gov_compiler.h include/gov.h lib/libgovc.a lib/libgovc.so lib/libgovc.so.0 lib/pkgconfig/govc.pc; do
  [ -e "$tmp/root/usr/$f" ]; t $? "installs $f"
done
grep -q '#include <gov.h>' "$tmp/root/usr/include/gov_compiler.h"; t $? "the installed header includes <gov.h>"

export PKG_CONFIG_SYSROOT_DIR="$tmp/root" PKG_CONFIG_LIBDIR="$tmp/root/usr/lib/pkgconfig"
sed 's|#include "compiler/gov_compiler.h"|#include <gov_compiler.h>|' compiler/examples/compile_host.c > "$tmp/host.c"
line='{"tenant":"acme","project":"billing","agent":"triage-bot","at":"2026-11-25T09:00:00Z","run_id":"r-1","latency_ms":4000,"cost_usd":0.01}'
${CC:-cc} $SAN -std=c17 -Wall -Werror -D_POSIX_C_SOURCE=200809L "$tmp/host.c" $(pkg-config --cflags --libs govc) -o "$tmp/host_shared" 2>> "$tmp/log"
t $? "build a host with pkg-config govc (shared)"
echo "$line" | LD_LIBRARY_PATH="$tmp/root/usr/lib" "$tmp/host_shared" policies/support/support.gov 2>>"$tmp/log" | grep -q '"verdict":"warn"'
t $? "the shared host compiles policies/support and decides a record"
${CC:-cc} $SAN -std=c17 -D_POSIX_C_SOURCE=200809L "$tmp/host.c" $(pkg-config --static --cflags govc) \
  "$tmp/root/usr/lib/libgovc.a" "$tmp/root/usr/lib/libgov.a" \
  $(pkg-config --static --libs-only-l govc | sed 's/-lgovc//; s/-lgov//') -o "$tmp/host_static" 2>> "$tmp/log"
t $? "build a host with pkg-config govc (static)"
echo "$line" | "$tmp/host_static" policies/support/support.gov 2>>"$tmp/log" | grep -q '"verdict":"warn"'
t $? "the static host compiles and decides"
printf 'policy p\nrule r { when nope }\n' > "$tmp/bad.gov"
"$tmp/host_static" "$tmp/bad.gov" < /dev/null > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q "bad.gov:2:15: error\[E" "$tmp/err"; t $? "the host prints diagnostics for a bad policy"
[ $fail = 0 ] || sed 's/^/#   /' "$tmp/log" | head -20
exit $fail
