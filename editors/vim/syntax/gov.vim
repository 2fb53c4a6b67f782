" Vim syntax file for gov policies (.gov).
"
" The token classes and their groups match the VS Code grammar and gov-mode.el (the table
" is in editors/README.md): tests/editors checks all three against the same syntax-test
" files and against the keywords of lang/lexer.re and the names of lang/names.def.
"
" Vim gives a :syn keyword priority over any match that starts at the same column, so
" words that are keywords in one place and something else in another (min/max as
" aggregates, tenant/agent/at as field names, severity/verdict as types) are handled by
" matches that either exclude the other use or start one column earlier.

if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword a-z,A-Z,48-57,_
" Block comments span lines; policies are short, so always parse from the top.
syn sync fromstart

" ------------------------------------------------------------------ keywords
syn keyword govKeyword import from scope on when for clear after severity verdict notify
syn keyword govKeyword escalate over last runs per where capacity lateness of baseline
syn keyword govKeyword current bins min_samples sla timeout repeat extern given
syn keyword govKeyword expect fired not and or if then else
syn keyword govKeyword approve reject ack tick by mock waive until group_by group_wait repeat_interval silence every inhibit
" Keywords followed by the name they declare.
syn keyword govKeyword policy module record channel rule window drift gate escalation fn
      \ allowlist denylist
      \ nextgroup=govDefName skipwhite
" 'in' may be followed by a record field's unit, 'test' (in drift) by a statistic.
syn keyword govKeyword in nextgroup=govUnitName skipwhite
syn keyword govKeyword test nextgroup=govStatistic skipwhite
" Scope levels and 'at' double as field names: not keywords after '.' or before ':'.
syn match govKeyword /\.\@<!\<\%(tenant\|project\|workflow\|agent\|at\)\>\%(\s*:\)\@!/
" 'version' before a string at the start of a line (after the policy line); a name elsewhere.
syn match govKeyword /^\s*\zsversion\ze\s\+"/
" 'max'/'min' declare a limit, unless called as an aggregate.
syn match govKeyword /\<\%(max\|min\)\>\%(\s*(\)\@!/ nextgroup=govDefName skipwhite
" 'approvers' lists a gate's approvers, or with 'NAME =' declares an approver group (a
" match, not a keyword, so that the second form, defined last, can win).
syn match govKeyword /\<approvers\>/
syn match govKeyword /\<approvers\>\ze\s\+\h\w*\s*=/ nextgroup=govDefName skipwhite
" 'requester' opens a gate's clause; elsewhere it is a name (a field may be called so).
syn match govKeyword /^\s*\zsrequester\>\ze\s\+\h/

syn match govDefName /\h\w*/ contained

syn keyword govBoolean true false
syn keyword govSeverity info warning critical
syn keyword govVerdict allow warn review pause block deny

" ------------------------------------------------------------------ contextual names
" Types after ':' (fields, parameters) and '->' (results); the match starts at the
" punctuation so that it wins over the keywords 'severity' and 'verdict'.
syn match govTypePosition /\%(:\|->\)\s*\<\%(int\|float\|ratio\|duration\|time\|money\|bool\|strings\|string\|id\|severity\|verdict\)\>/
      \ contains=govType
syn keyword govType contained int float ratio duration time money bool string strings id severity
      \ verdict
syn keyword govUnitName contained ms ns us s m h d usd cents micros fraction percent rfc3339
      \ unix_s unix_ms unix_ns
syn keyword govStatistic contained psi ks mean_shift
syn match govChannelKind /\%(=\s*\)\@<=\<\%(slack\|pagerduty\|email\|webhook\)\>\ze\s*"/
" Aggregates (AGG of lang/names.def) and built-in functions (FUNC), when called.
syn match govBuiltin /\<\%(count\|sum\|mean\|min\|max\|rate\|stddev\|ewma\|p50\|p90\|p95\|p99\|abs\|clamp\|round\|len\|starts_with\|ends_with\|contains\|iequals\|matches\|hour_of_day\|day_of_week\|is_business_hours\|any_in\|all_in\)\ze\s*(/
" A field after '.', like run.agent: plain text, never a keyword.
syn match govMember /\.\s*\h\w*/

" ------------------------------------------------------------------ literals
" At one column the match defined last wins, so the general patterns come first.
syn match govBadUnit /\<\d[0-9_]*\%(\.\d[0-9_]*\)\=\%([eE][-+]\=\d\+\)\=\a\w*/
syn match govNumber /\<\d[0-9_]*\>/
syn match govFloat /\<\d[0-9_]*\%(\.\d[0-9_]*\%([eE][-+]\=\d\+\)\=\|[eE][-+]\=\d\+\)\>/
syn match govDuration /\<\d[0-9_]*\%(\.\d[0-9_]*\)\=\%(ns\|us\|ms\|s\|m\|h\|d\|w\)\>/
syn match govPercent /\<\d[0-9_]*\%(\.\d[0-9_]*\)\=%/
syn match govMoney /\$\d[0-9_]*\%(\.\d[0-9_]*\)\=/
" A date without a time and zone, or a time without a zone: the lexer rejects it (E011).
syn match govBadTime /\<\d\{4}-\d\d-\d\d\%([Tt][0-9:.]*\)\=/
syn match govTime /\<\d\{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d\%(\.\d\+\)\=\%([Zz]\|[-+]\d\d:\d\d\)/

" A character that starts no token: '$' without an amount, '%' without a number, '!' not
" in '!=', and the others the lexer rejects (E006, E012). Strings and comments, defined
" below, take their own characters first.
syn match govBadChar /\$\d\@!\|%\|!=\@!\|[@#&|^~?'`\\]\|[^\x01-\x7f]/

" ------------------------------------------------------------------ strings, comments
syn match govBadEscape /\\\%(u{\x*}\=\|.\)/ contained
" \u{HEX}: 1 to 6 hex digits naming a Unicode scalar value other than 0 (no surrogate, at
" most 10FFFF), as the lexer accepts. Defined after govBadEscape, so it wins where both match.
syn match govEscape /\\\%(["\\ntr]\|u{\%(\x\{1,6}}\)\@=0*\%([1-9A-Fa-f]\x\{,2}\|[1-9A-CEFa-cef]\x\{3}\|[Dd][0-7]\x\{2}\|[1-9A-Fa-f]\x\{4}\|10\x\{4}\)}\)/ contained
" Strings never span lines: an unterminated one ends at the end of the line.
syn region govString start=/"/ skip=/\\\\\|\\"/ end=/"/ end=/$/ contains=govEscape,govBadEscape
" The opening /* has a group of its own, so that indent/gov.vim can tell a line that
" starts a comment from a line inside one.
syn region govBlockComment matchgroup=govCommentStart start=+/\*+ matchgroup=NONE end=+\*/+
syn match govLineComment +//.*$+

" ------------------------------------------------------------------ colours
hi def link govLineComment  Comment
hi def link govBlockComment Comment
hi def link govCommentStart Comment
hi def link govString      String
hi def link govEscape      SpecialChar
hi def link govBadEscape   Error
hi def link govKeyword     Keyword
hi def link govType        Type
hi def link govNumber      Number
hi def link govFloat       Float
hi def link govDuration    Number
hi def link govPercent     Number
hi def link govMoney       Number
hi def link govTime        Number
hi def link govBadUnit     Error
hi def link govBadTime     Error
hi def link govBadChar     Error
hi def link govBoolean     Boolean
hi def link govSeverity    Constant
hi def link govVerdict     Constant
hi def link govDefName     Function
hi def link govBuiltin     Function
hi def link govUnitName    Special
hi def link govChannelKind Special
hi def link govStatistic   Special

let b:current_syntax = 'gov'
let &cpo = s:cpo_save
unlet s:cpo_save
