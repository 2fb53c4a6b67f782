#!/bin/sh
# install-deps.sh [--locales "LOCALE..."] PKG...: make sure the Debian packages PKG and
# the locales LOCALE (such as de_DE.UTF-8) are installed.
#
# A package counts as installed when dpkg says so or when an installed package provides
# it (nodesource's nodejs provides npm). When something is missing: as root it runs
# apt-get update and apt-get install, then checks again, so a name apt does not know
# fails here and not later in a test; as another user it prints the exact command to run
# and exits 1. Locales are generated with localedef and enabled in /etc/locale.gen, so a
# later locale-gen keeps them. Off Debian (no dpkg) it says what it could not check and
# exits 0: the build then fails, or a test skips, where the missing piece is used.
set -u
locales=""
if [ "${1:-}" = --locales ]; then locales=$2; shift 2; fi
apt_opts="-o DPkg::Lock::Timeout=900 -o Dpkg::Use-Pty=0"

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "gov: not a Debian system; make sure these are installed: $* $locales" >&2
  exit 0
fi

# missing_pkgs PKG...: the names neither installed nor provided by an installed package.
missing_pkgs() {
  dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Provides}\n' 2>/dev/null | awk -v want="$*" '
    $1 == "ii" {
      have[$2] = 1
      for (i = 3; i <= NF; i++) { p = $i; sub(/[,:].*/, "", p); have[p] = 1 }
    }
    END { n = split(want, w, " "); for (i = 1; i <= n; i++) if (!(w[i] in have)) printf " %s", w[i] }'
}
# missing_locales LOCALE...: the ones `locale -a` does not list (it spells UTF-8 utf8).
missing_locales() {
  have=$(locale -a 2>/dev/null | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
  for l in "$@"; do
    want=$(echo "$l" | tr 'A-Z' 'a-z' | sed 's/utf-8/utf8/')
    echo "$have" | grep -qx "$want" || printf ' %s' "$l"
  done
}

missing=$(missing_pkgs "$@")
# shellcheck disable=SC2086 # one argument per locale
missing_loc=$(missing_locales $locales)
[ -z "$missing$missing_loc" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "gov: missing:$missing$missing_loc" >&2
  if [ -n "$missing" ]; then
    echo "gov: install them with: sudo apt-get install --no-install-recommends$missing" >&2
  fi
  for l in $missing_loc; do
    echo "gov: generate $l with: sudo localedef -i ${l%%.*} -f ${l#*.} $l" >&2
  done
  exit 1
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
if [ -n "$missing" ]; then
  echo "gov: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086 # one argument per option and package
  if ! { apt-get $apt_opts update -q && apt-get $apt_opts install -y -q --no-install-recommends $missing; } \
      > "$tmp/log" 2>&1; then
    tail -n 30 "$tmp/log" | sed 's/^/gov: apt: /' >&2
    echo "gov: apt-get install$missing failed" >&2
    exit 1
  fi
  still=$(missing_pkgs "$@")
  if [ -n "$still" ]; then
    echo "gov: apt-get installed nothing under the names$still: name the package itself, not a virtual one" >&2
    exit 1
  fi
fi

for l in $missing_loc; do
  echo "gov: generating locale $l" >&2
  if [ -f /etc/locale.gen ] && ! grep -q "^$l " /etc/locale.gen; then
    echo "$l ${l#*.}" >> /etc/locale.gen
  fi
  if ! localedef -i "${l%%.*}" -f "${l#*.}" "$l" > "$tmp/log" 2>&1; then
    sed 's/^/gov: localedef: /' "$tmp/log" >&2
    echo "gov: cannot generate locale $l (is the locales package in the list?)" >&2
    exit 1
  fi
done
exit 0
