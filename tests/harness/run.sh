#!/bin/sh
# tests/harness/run.sh: the test runner's accounting and the dependency mechanism.
#
# tests/run.sh: passes, failures and skips are counted apart, a TAP "# SKIP" is a skip,
# a suite that reports nothing or crashes is a failure, and a skip fails the run where
# nothing has a reason to be skipped (as root on Debian), naming the case. The make
# stamps: a changed package list is checked again. tests/install-deps.sh: what an
# installed package provides counts, and a user who is not root is told the command.
# tests/npm-deps.sh: npm ci runs when the lock file changed, and only then.
# Run from the top of the tree.
set -u
top=$(pwd)
tmp=$(mktemp -d) || exit 2
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
# The runner, the scripts and the make files, copied where another user can read them
# (a checkout in /root is not readable by nobody).
mkdir -p "$tmp/tree"
find . -name '*.mk' ! -path './build*' ! -path '*/node_modules/*' |
  tar -cf - Makefile tests/run.sh tests/install-deps.sh tests/npm-deps.sh -T - | tar -xf - -C "$tmp/tree"
chmod -R a+rX "$tmp/tree"
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; shift; for l in "$@"; do echo "# $l"; done; fail=1; }
# expect NAME WANT_STATUS FILE PATTERN...: the run's status and each line pattern in FILE.
expect() {
  n=$1 want=$2 f=$3; shift 3
  got=$(cat "$f.rc")
  if [ "$got" != "$want" ]; then no "$n" "exit status $got, want $want"; sed 's/^/#   /' "$f"; return; fi
  for p in "$@"; do
    if ! grep -qxF -e "$p" "$f"; then no "$n" "no line: $p"; sed 's/^/#   /' "$f"; return; fi
  done
  ok "$n"
}
runner() { # runner OUT SUITE...: tests/run.sh with GOV_SKIP_FAILS as the caller sets it
  out=$1; shift
  sh "$top/tests/run.sh" "$@" > "$out" 2>&1; echo $? > "$out.rc"
}
# as_user COMMAND...: run as an unprivileged user (nobody), or as we are if not root.
as_user() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi
}

# ------------------------------------------------------------------ tests/run.sh
GOV_SKIP_FAILS=0 runner "$tmp/a" "echo 'ok - one'; echo 'skip - two: no such tool'" \
  "echo 'ok - three'; echo 'not ok - four'; echo '# why four failed'"
expect "run.sh: passes, failures and skips are counted apart" 1 "$tmp/a" \
  "2 passed, 1 failed, 1 skipped" "skip - two: no such tool" "# why four failed"

GOV_SKIP_FAILS=0 runner "$tmp/b" "echo 'ok - one # SKIP no locale'; echo 'ok - two'"
expect "run.sh: a TAP skip directive counts as a skip, not a pass" 0 "$tmp/b" "1 passed, 0 failed, 1 skipped"

GOV_SKIP_FAILS=0 runner "$tmp/c" "true" "echo 'ok - one'"
expect "run.sh: a suite that reports no case is a failure" 1 "$tmp/c" \
  "# the suite reported no test case" "1 passed, 1 failed, 0 skipped"

GOV_SKIP_FAILS=0 runner "$tmp/d" "echo 'ok - one'; kill -SEGV \$\$"
expect "run.sh: a suite that dies after a pass is a failure" 1 "$tmp/d" "1 passed, 1 failed, 0 skipped"

GOV_SKIP_FAILS=0 runner "$tmp/e" "echo 'ok - one'; echo 'skip - two: no such tool'"
expect "run.sh: a skip passes the run where skips are allowed" 0 "$tmp/e" "1 passed, 0 failed, 1 skipped"

GOV_SKIP_FAILS=1 runner "$tmp/f" "echo 'ok - one'" "echo 'skip - two: no such tool'"
expect "run.sh: a skip fails the run where nothing may skip, and is named" 1 "$tmp/f" \
  "#   echo 'skip - two: no such tool': skip - two: no such tool" "1 passed, 1 failed, 1 skipped"

# The start order: longest first by the costs file (its keys write the build directory
# BUILD), unlisted suites last, ties as given; the report keeps the order given.
sa="echo a >> $tmp/started; echo 'ok - a'"
sb="echo b >> $tmp/started; echo 'ok - b' # build-san/x"
sc="echo c >> $tmp/started; echo 'ok - c' # build"
sd="echo d >> $tmp/started; echo 'ok - d'"
printf '# a comment\n3\t%s\n7\t%s\n3\t%s\n' "echo b >> $tmp/started; echo 'ok - b' # BUILD/x" \
  "echo c >> $tmp/started; echo 'ok - c' # BUILD" "$sd" > "$tmp/costs"
GOV_TEST_JOBS=1 GOV_TEST_COSTS="$tmp/costs" GOV_SKIP_FAILS=0 runner "$tmp/s" "$sa" "$sb" "$sc" "$sd"
if [ "$(tr -d '\n' < "$tmp/started")" = cbda ] && [ "$(cat "$tmp/s.rc")" = 0 ] &&
   [ "$(sed -n 's/^echo \([a-d]\) >> .* passed .*/\1/p' "$tmp/s" | tr -d '\n')" = abcd ] &&
   grep -qx '4 passed, 0 failed, 0 skipped' "$tmp/s"; then
  ok "run.sh: suites start longest first by tests/suite-costs and are reported as given"
else
  no "run.sh: suites start longest first by tests/suite-costs and are reported as given" \
    "started: $(tr -d '\n' < "$tmp/started")" "$(cat "$tmp/s")"
fi

# Without GOV_SKIP_FAILS the runner decides: strict as root on Debian, else lenient.
unset GOV_SKIP_FAILS
if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then
  runner "$tmp/g" "echo 'skip - two: no such tool'"
  expect "run.sh: as root on Debian a skip fails make test" 1 "$tmp/g" "0 passed, 1 failed, 1 skipped"
  as_user sh "$tmp/tree/tests/run.sh" "echo 'skip - two: no such tool'" > "$tmp/h" 2>&1; echo $? > "$tmp/h.rc"
  expect "run.sh: as another user a skip is allowed" 0 "$tmp/h" "0 passed, 0 failed, 1 skipped"
else
  runner "$tmp/h" "echo 'skip - two: no such tool'"
  expect "run.sh: as another user or off Debian a skip is allowed" 0 "$tmp/h" "0 passed, 0 failed, 1 skipped"
  echo "skip - run.sh: as root on Debian a skip fails make test: needs root on Debian"
fi

# ------------------------------------------------------------------ install-deps.sh
if command -v dpkg-query >/dev/null 2>&1; then
  # dpkg is always installed; awk is a name that mawk (or gawk) provides.
  sh tests/install-deps.sh dpkg awk > "$tmp/i" 2>&1; echo $? > "$tmp/i.rc"
  if [ "$(cat "$tmp/i.rc")" = 0 ] && [ ! -s "$tmp/i" ]; then
    ok "install-deps.sh: installed and provided packages count as installed"
  else
    no "install-deps.sh: installed and provided packages count as installed" "exit $(cat "$tmp/i.rc")" "$(cat "$tmp/i")"
  fi
  as_user sh "$tmp/tree/tests/install-deps.sh" dpkg gov-no-such-package > "$tmp/j" 2>&1; echo $? > "$tmp/j.rc"
  expect "install-deps.sh: a user who is not root is told the command" 1 "$tmp/j" \
    "gov: missing: gov-no-such-package" \
    "gov: install them with: sudo apt-get install --no-install-recommends gov-no-such-package"

  # The stamp holds the list it checked: a longer list is checked again (and, here,
  # found wanting), an unchanged one is not.
  mkdir -p "$tmp/b1" && chmod 777 "$tmp/b1"
  m() { as_user env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$tmp/tree" BUILD="$tmp/b1" "$@"; }
  m check-deps DEB_PKGS=dpkg > "$tmp/k" 2>&1; echo $? > "$tmp/k.rc"
  m check-deps DEB_PKGS="dpkg gov-no-such-package" > "$tmp/l" 2>&1; echo $? > "$tmp/l.rc"
  if [ "$(cat "$tmp/k.rc")" = 0 ] && [ "$(cat "$tmp/b1/.deps-ok")" = dpkg ]; then
    expect "make: a changed DEB_PKGS is checked again" 2 "$tmp/l" \
      "gov: missing: gov-no-such-package"
  else
    no "make: a changed DEB_PKGS is checked again" "make check-deps DEB_PKGS=dpkg: exit $(cat "$tmp/k.rc")" "$(cat "$tmp/k")"
  fi
else
  echo "skip - install-deps.sh and the make stamps: not a Debian system (no dpkg-query)"
fi

# ------------------------------------------------------------------ npm-deps.sh
mkdir -p "$tmp/n/nolock" "$tmp/n/p"
echo '{"name":"t","version":"1.0.0","private":true}' > "$tmp/n/nolock/package.json"
sh tests/npm-deps.sh "$tmp/n/nolock" > "$tmp/o" 2>&1; echo $? > "$tmp/o.rc"
expect "npm-deps.sh: a folder without package-lock.json is refused" 1 "$tmp/o" \
  "gov: $tmp/n/nolock needs a package.json and a committed package-lock.json (npm install --package-lock-only)"
if command -v npm >/dev/null 2>&1; then
  # A package with no dependencies: npm ci needs no network. It empties node_modules, so
  # a marker file there tells whether it ran.
  lock() {
    echo "{\"name\":\"t\",\"version\":\"$1\",\"private\":true}" > "$tmp/n/p/package.json"
    echo "{\"name\":\"t\",\"version\":\"$1\",\"lockfileVersion\":3,\"requires\":true,\"packages\":{\"\":{\"name\":\"t\",\"version\":\"$1\"}}}" \
      > "$tmp/n/p/package-lock.json"
  }
  ran() { # ran NAME WANT(yes|no): run npm-deps.sh and say whether npm ci ran as wanted
    mkdir -p "$tmp/n/p/node_modules" && touch "$tmp/n/p/node_modules/marker"
    if ! sh tests/npm-deps.sh "$tmp/n/p" > "$tmp/p" 2>&1; then no "$1" "$(cat "$tmp/p")"; return; fi
    got=yes; [ -f "$tmp/n/p/node_modules/marker" ] && got=no
    if [ "$got" = "$2" ]; then ok "$1"; else no "$1" "npm ci ran: $got, want $2" "$(cat "$tmp/p")"; fi
  }
  lock 1.0.0
  ran "npm-deps.sh: npm ci runs where it never ran" yes
  ran "npm-deps.sh: nothing runs while the lock file is unchanged" no
  lock 1.0.1
  ran "npm-deps.sh: npm ci runs again when the lock file changed" yes
else
  echo "skip - npm-deps.sh: npm ci runs when the lock file changed, and only then: npm is not installed"
fi
exit $fail
