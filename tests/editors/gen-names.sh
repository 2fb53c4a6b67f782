#!/bin/sh
# gen-names.sh OUTDIR: write syntax-test files (VS Code's format, read by all three editor
# suites) that put every reserved keyword of lang/lexer.re and every contextual name of
# lang/names.def in a place where it must be highlighted, so an editor grammar that
# misses a word fails and the failure shows the word.
#
#   lexer-keywords.gov      each keyword alone on a line: keyword.control.gov, or the constant
#                     class its token says (T_BOOL, T_SEV, T_VERD and T_DENY)
#   names-types.gov         TYPE(...)          after ':'
#   names-units.gov         UNIT(...)          after 'in' on a record field
#   names-channels.gov      CHANNEL_KIND(...)  after 'channel NAME ='
#   names-aggregates.gov    AGG(...)           called in a window
#   names-statistics.gov    STAT(...)          after 'test' in a drift
#   names-functions.gov     FUNC(...)          called in a rule (only when names.def has FUNC lines)
#
# Keywords are the lines of lexer.re of the form  "word"  { ... KW(T_TOKEN); }
set -eu
out=$1
lexer=lang/lexer.re
names=lang/names.def
mkdir -p "$out"
for f in "$lexer" "$names"; do
  [ -r "$f" ] || { echo "gen-names.sh: cannot read $f" >&2; exit 1; }
done

# header FILE DESCRIPTION
header() {
  printf '// SYNTAX TEST "source.gov" "%s"\npolicy generated\n' "$2" >"$out/$1"
}
# line FILE PREFIX WORD SUFFIX SCOPE: PREFIX WORD SUFFIX, then carets under WORD.
line() {
  awk -v p="$2" -v w="$3" -v s="$4" -v sc="$5" 'BEGIN {
    print p w s
    c = "//"; for (i = 2; i < length(p); i++) c = c " "
    for (i = 0; i < length(w); i++) c = c "^"
    print c " " sc
  }' >>"$out/$1"
}

n=0
header lexer-keywords.gov "every keyword of lang/lexer.re"
sed -n 's/^[[:space:]]*"\([a-z_0-9][a-z_0-9]*\)"[[:space:]]*{.*KW(\(T_[A-Z_0-9]*\)).*/\1 \2/p' "$lexer" >"$out/keywords.txt"
while read -r word tok; do
  case $tok in
    T_BOOL) scope=constant.language.boolean.gov ;;
    T_SEV) scope=constant.language.severity.gov ;;
    T_VERD | T_DENY) scope=constant.language.verdict.gov ;;
    *) scope=keyword.control.gov ;;
  esac
  line lexer-keywords.gov "  " "$word" "" "$scope"
  n=$((n + 1))
done <"$out/keywords.txt"
[ "$n" -gt 0 ] || { echo "gen-names.sh: no keyword rules found in $lexer" >&2; exit 1; }

# names KIND: the first (quoted) argument of every KIND(...) line of names.def
names() {
  sed -n "s/^[[:space:]]*$1([[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$names"
}

header names-types.gov "every TYPE of lang/names.def, after ':'"
for w in $(names TYPE); do line names-types.gov "  x: " "$w" "" storage.type.gov; done
header names-units.gov "every UNIT of lang/names.def, after 'in'"
for w in $(names UNIT); do line names-units.gov "  x: int from \"x\" in " "$w" "" support.constant.unit.gov; done
header names-channels.gov "every CHANNEL_KIND of lang/names.def"
for w in $(names CHANNEL_KIND); do line names-channels.gov "channel c = " "$w" ' "x"' support.constant.channel.gov; done
header names-aggregates.gov "every AGG of lang/names.def, called in a window"
for w in $(names AGG); do line names-aggregates.gov "window w = " "$w" "(run.x) over 1h" support.function.gov; done
header names-statistics.gov "every STAT of lang/names.def, after 'test'"
for w in $(names STAT); do line names-statistics.gov "  test " "$w" " > 0.2" support.constant.statistic.gov; done
if [ -n "$(names FUNC)" ]; then
  header names-functions.gov "every FUNC of lang/names.def, called in a rule"
  for w in $(names FUNC); do line names-functions.gov "  when " "$w" "(run.x) > 0" support.function.gov; done
fi
for f in types units channels aggregates statistics; do
  [ "$(grep -c '^//' "$out/names-$f.gov")" -gt 1 ] || { echo "gen-names.sh: no names for names-$f.gov in $names" >&2; exit 1; }
done
rm -f "$out/keywords.txt"
