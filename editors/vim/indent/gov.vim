" Vim indent file for gov policies (.gov).
"
" A line is indented one 'shiftwidth' deeper than the line holding the innermost bracket
" ({, [ or () still open at its start; a line that starts with the closing bracket lines
" up with that line instead. Brackets inside strings and comments do not count. Lines
" inside a block comment keep the indentation they have. gov-mode.el indents the same way.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GovIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O
setlocal nolisp nosmartindent nocindent autoindent
let b:undo_indent = 'setlocal indentexpr< indentkeys< lisp< smartindent< cindent< autoindent<'

if exists('*GovIndent')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

function! GovIndent(lnum) abort
  let line = getline(a:lnum)
  let first = match(line, '\S')
  " Inside a block comment that began on an earlier line: leave the line alone.
  if first >= 0 && synIDattr(synID(a:lnum, first + 1, 0), 'name') ==# 'govBlockComment'
    return -1
  endif
  let save = getcurpos()
  call cursor(a:lnum, 1)
  " The innermost bracket still open at the start of the line.
  let skip = 'synIDattr(synID(line("."), col("."), 0), "name") =~# "^gov\\%(LineComment\\|BlockComment\\|CommentStart\\|String\\|Escape\\|BadEscape\\)$"'
  let [olnum, ocol] = searchpairpos('[{[(]', '', '[}\])]', 'bW', skip)
  call setpos('.', save)
  if olnum <= 0
    return 0
  endif
  let base = indent(olnum)
  if line =~# '^\s*[}\])]'
    return base
  endif
  return base + shiftwidth()
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
