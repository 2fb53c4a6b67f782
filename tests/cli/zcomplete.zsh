# zcomplete.zsh FPATH_DIR LINES OUT: type each line of LINES into an interactive zsh
# (in a pseudo-terminal, with compinit loading _govc from FPATH_DIR), press TAB, and
# write to OUT "== LINE" followed by every match the completion system offered, one per
# line. compadd is wrapped to record the matches (compadd -O) before adding them, and
# TAB is bound to a widget that completes, then writes "<end>", so the next line is
# typed only once this one's completion is over (typeahead would cut a completion short).
zmodload zsh/zpty || { print -u2 "no zsh/zpty"; exit 2; }
fp=$1 lines=$2 out=$3
: >$out
zpty z zsh -f -i
zpty -w z "PS1='' PS2='' RPS1=''"
zpty -w z "fpath=(${(q)fp} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-prompt ''; LISTMAX=100000; __out=${(q)out}"
zpty -w z 'compadd() { local -a __m; builtin compadd -O __m "$@"; print -rl -- $__m >>$__out; builtin compadd "$@"; }'
zpty -w z '__tab() { zle complete-word; print -r -- "<end>" >>$__out; }; zle -N __tab; bindkey "^I" __tab'
wait_for() { # the shell printed MARKER (sent split, so that the echo does not match)
  zpty -w z "print -r -- ${1[1]}''${1[2,-1]}"
  local line
  while zpty -r z line; do [[ $line == *$1* ]] && return 0; done
  return 1
}
wait_for READY0 || exit 2
n=0
while IFS= read -r l; do
  n=$((n + 1))
  print -r -- "== $l" >>$out
  zpty -w -n z "$l"$'\t'
  # until the widget has written <end>, then clear the line
  for (( t = 0; t < 600; t++ )); do
    [[ $(tail -n 1 $out) == '<end>' ]] && break
    sleep 0.05
  done
  [[ $(tail -n 1 $out) == '<end>' ]] || { print -u2 "zsh: no completion for '$l'"; exit 2; }
  sed -i '$d' $out
  zpty -w -n z $'\C-e\C-u'
  wait_for DONE$n || exit 2
done <$lines
zpty -w z exit
zpty -d z
