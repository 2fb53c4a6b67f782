#!/bin/sh
# tests/diff/git_args.sh: git:REV:PATH reaches git as a revision and a path, never as an
# option or through a shell (issue 18.3). A repository is made here.
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - git side: $1"; }
notok() { echo "not ok - git side: $1"; fails=$((fails + 1)); sed 's/^/# /' "$tmp/err" 2>/dev/null | head -10; }
command -v git >/dev/null || { echo "not ok - git side: git is not installed (DEB_PKGS)"; exit 1; }

repo=$tmp/repo
mkdir -p "$repo/pol" "$repo/it's" "$repo/-dash"
cp "$here/tighten_only/new.gov" "$repo/pol/p.gov"
cp "$here/tighten_only/new.gov" "$repo/it's/p.gov"
cp "$here/tighten_only/new.gov" "$repo/-dash/p.gov"
(cd "$repo" && git init -q && git -c user.name=t -c user.email=t@t add -A . &&
  git -c user.name=t -c user.email=t@t commit -qm base && git tag 'we$ird' ) >/dev/null 2>&1 ||
  { echo "not ok - git side: make the repository"; exit 1; }
cd "$repo" || exit 2

# A revision that is an option: refused before git runs, and nothing written.
"$GOVC" diff 'git:--output=x.tar:pol' pol >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc = 2 ] && [ ! -e x.tar ] && grep -q "a revision cannot start with '-'" "$tmp/err"; then ok "--output=x.tar is refused"
else echo "exit $rc; x.tar $(ls x.tar 2>&1)" >>"$tmp/err"; notok "--output=x.tar is refused"; fi
rm -f x.tar
for r in -h --remote=/nonexistent --exec=touch; do
  "$GOVC" diff "git:$r:pol" pol >"$tmp/out" 2>"$tmp/err"; rc=$?
  [ $rc = 2 ] && grep -q "cannot start with '-'" "$tmp/err" && ok "revision '$r' is refused" || notok "revision '$r' is refused"
done

# No shell: metacharacters in the revision or the path are just characters.
for spec in 'git:$(touch pwned):pol' 'git:`touch pwned`:pol' "git:HEAD';touch pwned;':pol" 'git:HEAD:pol;touch pwned' \
            'git:HEAD:pol|touch pwned' 'git:HEAD:$(touch pwned)'; do
  "$GOVC" diff "$spec" pol >"$tmp/out" 2>"$tmp/err"; rc=$?
  [ ! -e pwned ] && [ $rc = 2 ] && grep -q "cannot read" "$tmp/err" && ok "no shell: $spec" ||
    { echo "exit $rc" >>"$tmp/err"; notok "no shell: $spec"; }
  rm -f pwned
done

# What git can name, govc reads: a quote in the path, a path starting with '-', a tag
# with a '$' in it; and the temporary folders are gone afterwards.
export TMPDIR="$tmp/t"; mkdir -p "$TMPDIR"
for spec in "git:HEAD:it's" "git:HEAD:-dash" 'git:we$ird:pol' "git:HEAD:pol"; do
  "$GOVC" diff --fail-on any --format json "$spec" pol >"$tmp/out" 2>"$tmp/err"; rc=$?
  [ $rc = 0 ] && grep -q '"changes":\[\]' "$tmp/out" && ok "reads $spec" ||
    { cat "$tmp/out" >>"$tmp/err"; echo "exit $rc" >>"$tmp/err"; notok "reads $spec"; }
done
[ -z "$(ls -A "$TMPDIR")" ] && ok "temporary folders removed" || { ls -la "$TMPDIR" >"$tmp/err"; notok "temporary folders removed"; }
"$GOVC" diff git:nosuchrev:pol pol >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && [ -z "$(ls -A "$TMPDIR")" ] && ok "a bad revision: exit 2, nothing left" || notok "a bad revision: exit 2, nothing left"
exit $((fails > 0))
