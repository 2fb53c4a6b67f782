#!/bin/sh
# tests/cli/complete.sh: the bash, zsh and fish completions (`govc completion SHELL`,
# generated from the option tables the commands parse with). Each shell completes the
# same command lines for real: bash calls _govc with COMP_WORDS split as readline
# splits them, zsh types the line into an interactive shell in a pseudo-terminal and
# presses TAB (tests/cli/zcomplete.zsh), fish runs `complete -C`. Then:
#   - the three shells offer the same commands, options and values;
#   - govc accepts every option and every value they offer (nothing drifts);
#   - option values complete as their kind says (files, choices, nothing), and after
#     "--" only files are offered.
GOVC=${GOVC:-build/govc}
case $GOVC in /*) ;; *) GOVC=$(pwd)/$GOVC ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; fails=$((fails + 1)); [ -s "$tmp/why" ] && sed 's/^/# /' "$tmp/why" | head -30; : >"$tmp/why"; }
for sh in bash zsh fish; do
  command -v $sh >/dev/null || { echo "not ok - $sh is not installed (compiler/compiler.mk DEB_PKGS)"; exit 1; }
done

mkdir -p "$tmp/fp" "$tmp/cwd"
"$GOVC" completion bash >"$tmp/govc.bash" && "$GOVC" completion zsh >"$tmp/fp/_govc" &&
  "$GOVC" completion fish >"$tmp/govc.fish" || { echo "not ok - govc completion"; exit 1; }
expect_rc() { # NAME RC CMD...
  n=$1 want=$2; shift 2
  "$@" >/dev/null 2>"$tmp/why"; rc=$?
  [ "$rc" = "$want" ] && { : >"$tmp/why"; ok "$n"; } || { echo "exit $rc" >>"$tmp/why"; notok "$n"; }
}
expect_rc "govc completion: unknown shell" 2 "$GOVC" completion tcsh
expect_rc "govc completion: no shell" 2 "$GOVC" completion
expect_rc "bash script parses" 0 bash -n "$tmp/govc.bash"
expect_rc "zsh script parses" 0 zsh -n "$tmp/fp/_govc"
expect_rc "fish script parses" 0 fish -n "$tmp/govc.fish"

# The command lines to complete, run from a directory with known files: the fixed ones,
# then `govc CMD --opt=` for every long option bash offers (the values each takes).
cd "$tmp/cwd" || exit 2
touch pol.gov records.jsonl ./-dash.gov
cmds=$("$GOVC" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z]*\) .*/\1/p')
{
  echo 'govc '
  echo 'govc -'
  for c in $cmds; do echo "govc $c -"; echo "govc $c --"; done
  echo 'govc run -p '
  echo 'govc build -o '
  echo 'govc test --run '
  echo 'govc completion '
  echo 'govc check -- -'
  echo 'govc check --format=j'
} >"$tmp/lines"

# bash: COMP_WORDS as readline splits the line (blanks, and '=' as a word of its own).
cat >"$tmp/bashcomp" <<'B'
. "$1"
while IFS= read -r line; do
  l=${line//=/ = }
  read -ra COMP_WORDS <<<"$l"
  case $l in *' ') COMP_WORDS+=("") ;; esac
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=$line; COMP_POINT=${#line}
  COMPREPLY=()
  _govc 2>/dev/null
  echo "== $line"
  printf '%s\n' "${COMPREPLY[@]}"
done <"$2"
B
bash "$tmp/bashcomp" "$tmp/govc.bash" "$tmp/lines" >"$tmp/raw.bash"
for c in $cmds; do
  awk -v l="== govc $c --" '$0 == l { f = 1; next } /^== / { f = 0 } f' "$tmp/raw.bash" |
    sed -n "s/^\(--[a-z-]*\)=\$/govc $c \1=/p"
done >>"$tmp/lines"
bash "$tmp/bashcomp" "$tmp/govc.bash" "$tmp/lines" >"$tmp/raw.bash"
timeout 120 zsh -f "$here/zcomplete.zsh" "$tmp/fp" "$tmp/lines" "$tmp/raw.zsh" || echo "zsh harness failed" >"$tmp/why"
fish -c 'source $argv[1]; while read -l line; echo "== $line"; complete -C "$line" | string split -f1 \t; end' \
  "$tmp/govc.fish" <"$tmp/lines" >"$tmp/raw.fish"
n=$(grep -c 'govc [a-z]* --[a-z-]*=$' "$tmp/lines")
[ "$n" -ge 10 ] && ok "every long option's values are completed ($n)" || notok "every long option's values are completed ($n)"

# Normalised: trailing spaces and '=' dropped, -Werror as -W, the value part of
# --opt=value completions kept alone, sorted, duplicates and blanks gone.
# zsh offers "--opt" again on "--opt=" when the value has nothing to complete (a
# no-op); that is dropped too.
norm() { # SHELL LINE: the completions SHELL offered for LINE
  self=$(echo "$2" | sed -n 's/.* \(--[a-z-]*\)=$/\1/p')
  awk -v l="== $2" '$0 == l { f = 1; next } /^== / { f = 0 } f' "$tmp/raw.$1" |
    sed 's/ *$//; s/=$//; s/^-W.*/-W/; s/^--[a-z-]*=//' | sed '/^$/d' | grep -v -x -- "${self:-^}" | sort -u
}
while IFS= read -r line; do
  norm bash "$line" >"$tmp/c.bash"; norm zsh "$line" >"$tmp/c.zsh"; norm fish "$line" >"$tmp/c.fish"
  # Only file names complete for a file; fish adds directories' contents the same way.
  if cmp -s "$tmp/c.bash" "$tmp/c.zsh" && cmp -s "$tmp/c.bash" "$tmp/c.fish"; then
    ok "same completions in bash, zsh and fish: '$line'"
  else
    { echo "bash/zsh:"; diff "$tmp/c.bash" "$tmp/c.zsh"; echo "bash/fish:"; diff "$tmp/c.bash" "$tmp/c.fish"; } >"$tmp/why"
    notok "same completions in bash, zsh and fish: '$line'"
  fi
done <"$tmp/lines"

has() { grep -qx -- "$2" "$tmp/c.$1"; }
norm bash 'govc ' >"$tmp/c.bash"
miss=""; for c in $cmds; do has bash "$c" || miss="$miss $c"; done
[ -z "$miss" ] && ok "every command completes" || { echo "missing:$miss" >"$tmp/why"; notok "every command completes"; }
norm bash 'govc ' >"$tmp/c.bash"; norm bash 'govc -' >>"$tmp/c.bash"
has bash --help && has bash --version && ok "govc --help and --version complete" || notok "govc --help and --version complete"
norm bash 'govc run -p ' >"$tmp/c.bash"
has bash pol.gov && has bash records.jsonl && ok "a policy completes as a file" || notok "a policy completes as a file"
norm bash 'govc test --run ' >"$tmp/c.bash"
[ ! -s "$tmp/c.bash" ] && ok "a pattern completes to nothing" || notok "a pattern completes to nothing"
norm bash 'govc completion ' >"$tmp/c.bash"
[ "$(tr '\n' ' ' <"$tmp/c.bash")" = "bash fish zsh " ] && ok "completion completes shells" || notok "completion completes shells"
norm bash 'govc check -- -' >"$tmp/c.bash"
[ "$(cat "$tmp/c.bash")" = "-dash.gov" ] && ok "after -- only files" || { cat "$tmp/c.bash" >"$tmp/why"; notok "after -- only files"; }
norm bash 'govc check --format=j' >"$tmp/c.bash"
[ "$(cat "$tmp/c.bash")" = "json" ] && ok "--format=j completes json" || notok "--format=j completes json"

# Every option and value offered is one govc accepts: `govc CMD OPT [1] --help` exits 0
# (options are parsed, and their values checked, before --help ends the command); an
# option whose value completes to choices takes each of them and refuses another word.
for c in $cmds; do
  bad=""
  for o in $(norm bash "govc $c -" | grep -v -x -- -dash.gov); do
    [ "$o" = -W ] && o=-Werror
    case $o in --*) choices=$(norm bash "govc $c $o=") ;; *) choices="" ;; esac
    if [ -n "$choices" ] && echo "$choices" | grep -q -x pol.gov; then
      : # a file, completed as one
    elif [ -n "$choices" ]; then
      for v in $choices; do "$GOVC" $c "$o=$v" --help >/dev/null 2>&1 || bad="$bad $o=$v"; done
      "$GOVC" $c "$o=no-such-value" --help >/dev/null 2>&1 && bad="$bad $o=no-such-value(accepted)"
    else
      "$GOVC" $c $o --help >/dev/null 2>&1 || "$GOVC" $c $o 1 --help >/dev/null 2>&1 || bad="$bad $o"
    fi
  done
  [ -z "$bad" ] && ok "$c: govc accepts every option and value completed" ||
    { echo "refused:$bad" >"$tmp/why"; notok "$c: govc accepts every option and value completed"; }
done

# make install puts the three scripts where each shell looks for them.
B=$(dirname "$GOVC")
cd "$top" || exit 2
if make -s --no-print-directory install-govc BUILD="$B" DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/why" 2>&1; then
  for f in bash-completion/completions/govc:bash zsh/site-functions/_govc:zsh fish/vendor_completions.d/govc.fish:fish; do
    "$GOVC" completion "${f#*:}" | cmp -s - "$tmp/root/usr/share/${f%:*}" && ok "make install: ${f%:*}" ||
      notok "make install: ${f%:*}"
  done
else
  notok "make install-govc"
fi
exit $((fails > 0))
