#!/bin/sh
# install-deps.sh PKG...: install the Debian packages the build needs, if missing.
# Runs apt-get only when something is missing and we are root; otherwise explains.
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "gov: missing build dependencies:$missing" >&2
  echo "gov: install them with: sudo apt-get install$missing" >&2
  exit 1
fi
echo "gov: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
  echo "gov: apt-get install$missing failed" >&2; exit 1; }
