# tests/vm/harness.sh: the head of a tests/vm suite written in sh (rcache.sh, guards.sh, compact.sh),
# sourced after SUITE=NAME with the build directory as $1: B, a temporary directory $tmp
# removed at exit, and ok/nok printing the lines tests/run.sh counts (nok counts $fails).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $SUITE: $1"; }
nok() { echo "not ok - $SUITE: $1"; fails=$((fails + 1)); }
