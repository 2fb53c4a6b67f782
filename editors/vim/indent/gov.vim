" Vim indent file for gov policies (.gov). It lays lines out as `govc fmt` does
" (spec/language.md §8), and gov-mode.el indents the same way:
"
"  - a line inside a block comment that began on an earlier line keeps its indentation;
"  - a line starting with a closing bracket lines up with the line that opened it;
"  - inside a bracket that has text after it on its line, lines line up with that text
"    (packed lists: given fields, in [...], extern fn parameters, parenthesized operands);
"  - a line starting with 'then' or 'else' lines up with its 'if';
"  - a line after one that ends with an operator or a comma continues the clause and
"    lines up after the clause's keyword:
"        when run.a and          notify first, second,
"             run.b                     third
"    or, for approvers, after a quorum or a group's name and '=':
"        approvers 2 of "a",     approvers board = "a", "b",
"                       "b"                        "c"
"  - a window's 'over', 'per', 'where', 'capacity' and 'lateness' lines are indented
"    two levels under 'window';
"  - otherwise a line is one 'shiftwidth' deeper than the line with the innermost open
"    bracket, or at column 0 outside brackets.
" Brackets, operators and words in strings and comments do not count.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GovIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O,0=then,0=else,0=over,0=per,0=where,0=capacity,0=lateness
setlocal nolisp nosmartindent nocindent autoindent
let b:undo_indent = 'setlocal indentexpr< indentkeys< lisp< smartindent< cindent< autoindent<'

if exists('*GovIndent')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

let s:skip = 'synIDattr(synID(line("."), col("."), 0), "name") =~# '
      \ . '"^gov\\%(LineComment\\|BlockComment\\|CommentStart\\|String\\|Escape\\|BadEscape\\)$"'

" The syntax group of the first non-blank character of line lnum ('' if blank).
function! s:FirstGroup(lnum) abort
  let first = match(getline(a:lnum), '\S')
  return first < 0 ? '' : synIDattr(synID(a:lnum, first + 1, 0), 'name')
endfunction

" The nearest line above lnum with code on it (not blank, not only a comment).
function! s:PrevCode(lnum) abort
  let l = prevnonblank(a:lnum - 1)
  while l > 0 && s:FirstGroup(l) =~# '^gov\%(LineComment\|BlockComment\|CommentStart\)$'
    let l = prevnonblank(l - 1)
  endwhile
  return l
endfunction

" Line lnum without its strings and comments.
function! s:Code(lnum) abort
  let s = substitute(getline(a:lnum), '"\%([^"\\]\|\\.\)*"', '""', 'g')
  let s = substitute(s, '/\*.\{-}\*/', ' ', 'g')
  return substitute(s, '\%(//\|/\*\).*$', '', '')
endfunction

function! s:EndsWithOperator(lnum) abort
  return s:Code(a:lnum) =~# '\%(\<and\|\<or\|\<not\|[-+*/=<>,]\)\s*$'
endfunction

" The column of the nearest 'if' before (lnum, 1) that is not in a string or comment,
" searching back no further than line stop; -1 if none.
function! s:IfColumn(lnum, stop) abort
  let save = getcurpos()
  call cursor(a:lnum, 1)
  let [l, c] = searchpos('\<if\>', 'bW', a:stop, 0, s:skip)
  call setpos('.', save)
  return l > 0 ? strdisplaywidth(strpart(getline(l), 0, c - 1)) : -1
endfunction

function! GovIndent(lnum) abort
  let line = getline(a:lnum)
  if s:FirstGroup(a:lnum) ==# 'govBlockComment'
    return -1
  endif
  " The innermost bracket still open at the start of the line.
  let save = getcurpos()
  call cursor(a:lnum, 1)
  let [olnum, ocol] = searchpairpos('[{[(]', '', '[}\])]', 'bW', s:skip)
  call setpos('.', save)

  if line =~# '^\s*[}\])]'
    return olnum > 0 ? indent(olnum) : 0
  endif

  if olnum > 0
    let after = strpart(getline(olnum), ocol)
    let m = match(after, '\S')
    if m >= 0 && after[m : m + 1] !=# '//' && after[m : m + 1] !=# '/*'
      return strdisplaywidth(strpart(getline(olnum), 0, ocol + m))
    endif
  endif

  let prev = s:PrevCode(a:lnum)
  if line =~# '^\s*\%(then\|else\)\>' && prev > olnum
    let col = s:IfColumn(a:lnum, max([olnum, 1]))
    if col >= 0
      return col
    endif
  endif

  if prev > olnum && s:EndsWithOperator(prev)
    let start = prev
    let p = s:PrevCode(start)
    while p > olnum && s:EndsWithOperator(p)
      let start = p
      let p = s:PrevCode(start)
    endwhile
    let col = match(getline(start), '^\s*approvers\s\+\%(\d\+\s\+of\|\h\w*\s*=\)\s\+\zs\S')
    if col < 0
      let col = match(getline(start), '^\s*\h\w*\s\+\zs\S')
    endif
    if col >= 0
      return strdisplaywidth(strpart(getline(start), 0, col))
    endif
  endif

  if line =~# '^\s*\%(over\|per\|where\|capacity\|lateness\)\>' && prev > olnum
    let start = prev
    while getline(start) =~# '^\s*\%(over\|per\|where\|capacity\|lateness\)\>'
      let p = s:PrevCode(start)
      if p <= olnum
        break
      endif
      let start = p
    endwhile
    if getline(start) =~# '^\s*window\>'
      return indent(start) + 2 * shiftwidth()
    endif
  endif

  return olnum > 0 ? indent(olnum) + shiftwidth() : 0
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
