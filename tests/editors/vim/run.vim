" tests/editors/vim/run.vim: the Vim suite of tests/editors/run.sh, also run by Neovim.
"
" Run from the top of the tree as
"   vim -Nu NONE -i NONE -es -S tests/editors/vim/run.vim
" with $GOV_OUT (where to write "ok - NAME" / "not ok - NAME" / "skip - NAME: reason"
" lines), $GOV_SYNTAX (the syntax-test files, VS Code's format, one per line), $GOV_POLICIES
" (real policies, one per line), $GOV_GOVC (a govc binary, or empty to skip the :make and
" layout tests), $GOV_FMT (govc fmt output files, one per line) and $GOV_TMP (a scratch
" folder). It loads editors/vim the way a user's 'runtimepath' would, so filetype
" detection, syntax, indent and ftplugin are the shipped files.

set nocompatible
" Policies are UTF-8, and govc counts columns in characters. Vim takes 'encoding' from the
" locale, latin1 under POSIX (a bare machine's): there every byte would be a character.
set encoding=utf-8
let s:out = []
let s:top = getcwd()
execute 'set runtimepath^=' . fnameescape(s:top . '/editors/vim')
filetype plugin indent on
syntax on
set nomore shortmess+=F

" ------------------------------------------------------------------ helpers

function! s:Report(name, errors) abort
  if empty(a:errors)
    call add(s:out, 'ok - ' . a:name)
  else
    call add(s:out, 'not ok - ' . a:name)
    call extend(s:out, map(a:errors[:29], '"# " . v:val'))
    if len(a:errors) > 30
      call add(s:out, '# ... and ' . (len(a:errors) - 30) . ' more')
    endif
  endif
endfunction

" Run a:Fn (which returns a list of problems) as one test case; an exception fails it.
function! s:Case(name, Fn) abort
  try
    let errors = a:Fn()
  catch
    let errors = ['exception: ' . v:exception . ' at ' . v:throwpoint]
  endtry
  call s:Report(a:name, errors)
endfunction

" scopes.tsv: TextMate scope -> Vim group.
function! s:ScopeTable() abort
  let table = {}
  for line in readfile(s:top . '/tests/editors/scopes.tsv')
    if line =~# '^\s*\%(#\|$\)'
      continue
    endif
    let f = split(line, '\t\+')
    let table[f[0]] = split(f[1], ',')
  endfor
  return table
endfunction
let s:scopes = s:ScopeTable()

" The assertions of a syntax-test file, parsed as vscode-tmgrammar-test parses them:
" a line starting '//' then '^' runs or '<~~--' is an assertion on the nearest source
" line above it; 'a b - c d' requires scopes a, b and forbids c, d. Returns a list of
" {lnum, src, from, to, req, excl, at} with 0-based columns [from, to).
function! s:Assertions(lines) abort
  let result = []
  let src = 0
  for i in range(1, len(a:lines) - 1)
    let l = a:lines[i]
    let rest = l[2:]
    if l[:1] !=# '//' || rest !~# '^\s*\%(\^\|<\~*-\+\)'
      let src = i
      continue
    endif
    let spec = substitute(rest, '^\s*\%(<\~*-\+\|\%(\^\+\s*\)\+\)', '', '')
    let parts = split(spec, '\%(^\|\s\+\)-\%(\s\+\|$\)', 1)
    if len(parts) > 2
      throw printf('line %d: more than one " - " in an assertion', i + 1)
    endif
    let req = split(parts[0])
    let excl = len(parts) > 1 ? split(parts[1]) : []
    if empty(req) && empty(excl)
      throw printf('line %d: an assertion with no scopes', i + 1)
    endif
    let ranges = []
    if rest =~# '^\s*<'
      let m = matchlist(rest, '^\s*<\(\~*\)\(-\+\)')
      call add(ranges, [len(m[1]), len(m[1]) + len(m[2])])
    else
      let start = 0
      while 1
        let p = matchstrpos(l, '\^\+', start)
        if p[1] < 0
          break
        endif
        call add(ranges, [p[1], p[2]])
        let start = p[2]
      endwhile
    endif
    for r in ranges
      call add(result, {'lnum': src + 1, 'src': a:lines[src], 'from': r[0], 'to': r[1],
            \ 'req': req, 'excl': excl, 'at': i + 1})
    endfor
  endfor
  return result
endfunction

" The Vim groups a scope maps to; [] for scopes every editor shares (source.gov,
" punctuation.*). An unknown scope is an error: the assertion would check nothing.
function! s:Groups(scope) abort
  if has_key(s:scopes, a:scope)
    return s:scopes[a:scope]
  elseif a:scope ==# 'source.gov' || a:scope =~# '^punctuation\.'
    return []
  endif
  throw 'scope ' . a:scope . ' is not in tests/editors/scopes.tsv'
endfunction

function! s:CheckSyntaxFile(path) abort
  let errors = []
  execute 'silent edit! ' . fnameescape(a:path)
  if &filetype !=# 'gov'
    return ['filetype is "' . &filetype . '", not gov']
  endif
  let name = fnamemodify(a:path, ':t')
  let n = 0
  for a in s:Assertions(getline(1, '$'))
    " The innermost (last) required scope that has a group decides.
    let want = []
    for s in a.req
      let g = s:Groups(s)
      if !empty(g)
        let want = g
      endif
    endfor
    let forbid = []
    for s in a.excl
      call extend(forbid, s:Groups(s))
    endfor
    let text = strpart(a.src, a.from, a.to - a.from)
    for col in range(a.from, a.to - 1)
      let n += 1
      if col >= strlen(a.src)
        call add(errors, printf('%s:%d: assertion past the end of line %d', name, a.at, a.lnum))
        break
      endif
      let got = synIDattr(synID(a.lnum, col + 1, 1), 'name')
      if !empty(want) && index(want, got) < 0
        call add(errors, printf('%s:%d: "%s" at column %d: want %s, got %s', name, a.lnum,
              \ text, col + 1, join(want, ' or '), got ==# '' ? '(none)' : got))
        break
      endif
      if index(forbid, got) >= 0
        call add(errors, printf('%s:%d: "%s" at column %d: must not be %s', name, a.lnum,
              \ text, col + 1, got))
        break
      endif
    endfor
  endfor
  if n == 0
    call add(errors, name . ': no assertions')
  endif
  silent bwipeout!
  return errors
endfunction

" ------------------------------------------------------------------ test cases

function! s:TestFtplugin() abort
  let errors = []
  execute 'silent edit! ' . fnameescape(s:top . '/tests/editors/indent/good.gov')
  if &filetype !=# 'gov'
    call add(errors, 'filetype is "' . &filetype . '" for a .gov file')
  endif
  if get(b:, 'current_syntax', '') !=# 'gov'
    call add(errors, 'syntax/gov.vim not loaded')
  endif
  if &l:indentexpr !~# '^GovIndent('
    call add(errors, 'indentexpr is "' . &l:indentexpr . '"')
  endif
  if &l:commentstring !=# '// %s'
    call add(errors, 'commentstring is "' . &l:commentstring . '"')
  endif
  if &l:makeprg !=# 'govc check %:S'
    call add(errors, 'makeprg is "' . &l:makeprg . '"')
  endif
  if &l:errorformat !~# '%trror'
    call add(errors, 'errorformat is "' . &l:errorformat . '"')
  endif
  silent bwipeout!
  return errors
endfunction

" Re-indent a:input with gg=G and compare it with a:expected line by line.
function! s:Reindent(input, expected) abort
  let errors = []
  execute 'silent edit! ' . fnameescape(a:input)
  silent normal! gg=G
  let got = getline(1, '$')
  let want = readfile(a:expected)
  for i in range(max([len(got), len(want)]))
    let g = get(got, i, '<missing>')
    let w = get(want, i, '<missing>')
    if g !=# w
      call add(errors, printf('line %d: got  "%s"', i + 1, g))
      call add(errors, printf('line %d: want "%s"', i + 1, w))
    endif
  endfor
  silent bwipeout!
  return errors
endfunction

" Typing a policy line by line (Enter after each) indents every new line, and '}',
" 'then', 'else' and a window's clauses reindent their line as they are typed.
function! s:TestTyping() abort
  enew!
  setfiletype gov
  execute "normal! irule r {\<CR>when run.a and\<CR>run.b\<CR>notify x,\<CR>y\<CR>}\<CR>"
        \ . "max lim = if run.a > 1\<CR>then 2\<CR>else 3\<CR>"
        \ . "window w = count()\<CR>over 1h\<CR>per agent\<Esc>"
  let want = ['rule r {', '  when run.a and', '       run.b', '  notify x,', '         y', '}',
        \ 'max lim = if run.a > 1', '          then 2', '          else 3',
        \ 'window w = count()', '    over 1h', '    per agent']
  let got = getline(1, '$')
  silent bwipeout!
  return got ==# want ? [] : ['got:'] + got + ['want:'] + want
endfunction

" Each file of $GOV_FMT is govc fmt output: with the indentation of every line outside
" block comments removed, gg=G must give the file back.
function! s:TestFmtLayout() abort
  let errors = []
  let files = split($GOV_FMT, "\n")
  if empty(files)
    return ['no files in $GOV_FMT']
  endif
  for path in files
    execute 'silent edit! ' . fnameescape(path)
    let want = getline(1, '$')
    for lnum in range(1, line('$'))
      if synIDattr(synID(lnum, max([1, indent(lnum) + 1]), 0), 'name') !=# 'govBlockComment'
        call setline(lnum, substitute(getline(lnum), '^\s\+', '', ''))
      endif
    endfor
    silent normal! gg=G
    let got = getline(1, '$')
    for i in range(max([len(got), len(want)]))
      if get(got, i, '<missing>') !=# get(want, i, '<missing>')
        call add(errors, printf('%s:%d: got  "%s"', fnamemodify(path, ':t'), i + 1, get(got, i, '<missing>')))
        call add(errors, printf('%s:%d: want "%s"', fnamemodify(path, ':t'), i + 1, get(want, i, '<missing>')))
      endif
    endfor
    silent bwipeout!
  endfor
  return errors
endfunction

" The diagnostic sample of spec/language.md §6 plus a warning and a position-less
" error, read with :cexpr through the ftplugin's errorformat.
function! s:TestErrorformat() abort
  let errors = []
  let file = $GOV_TMP . '/efm.gov'
  call writefile(['policy p', 'é = "ünïcode"; rule r { when x }'], file)
  execute 'silent edit! ' . fnameescape(file)
  let lines = [
        \ file . ':2:21: error[E050]: ''latency_budget'' = 5s loosens 2s',
        \ '    2 | é = "ünïcode"; rule r { when x }',
        \ '      |                     ^~~~',
        \ file . ':1:1: note: project "support" sets it here',
        \ file . ':1:8: warning[W001]: unused limit',
        \ '    1 | policy p',
        \ '      |        ^',
        \ 'govc: error[E001]: cannot read policies/missing.gov',
        \ ]
  " :cfile reads with the buffer's own 'errorformat', as :make does (:cexpr would not).
  call writefile(lines, $GOV_TMP . '/efm.out')
  execute 'cfile ' . fnameescape($GOV_TMP . '/efm.out')
  let qf = getqflist()
  let want = [
        \ [1, 2, 24, 'e', '[E050]: ''latency_budget'' = 5s loosens 2s'],
        \ [1, 1, 1, 'n', 'project "support" sets it here'],
        \ [1, 1, 8, 'w', '[W001]: unused limit'],
        \ [0, 0, 0, 'e', '[E001]: cannot read policies/missing.gov'],
        \ ]
  if len(qf) != len(want)
    call add(errors, printf('%d quickfix entries, want %d: %s', len(qf), len(want), string(qf)))
    silent bwipeout!
    return errors
  endif
  for i in range(len(want))
    let [onfile, lnum, col, type, text] = want[i]
    let e = qf[i]
    let got = [e.bufnr > 0 ? 1 : 0, e.lnum, e.col, e.type, e.text]
    if got != want[i]
      call add(errors, printf('entry %d: got %s, want %s', i + 1, string(got), string(want[i])))
    endif
  endfor
  silent bwipeout!
  return errors
endfunction

" :make with the real govc on a file with a type error on line 3.
function! s:TestMake() abort
  let errors = []
  let dir = $GOV_TMP . '/bin'
  call mkdir(dir, 'p')
  call writefile(['#!/bin/sh', 'exec ' . shellescape($GOV_GOVC) . ' "$@"'], dir . '/govc')
  call setfperm(dir . '/govc', 'rwxr-xr-x')
  let $PATH = dir . ':' . $PATH
  execute 'silent edit! ' . fnameescape(s:top . '/tests/editors/errors/type-error.gov')
  silent make!
  let qf = filter(getqflist(), 'v:val.valid')
  " type-error.expect: LINE COLUMN TYPE of the first diagnostic, the column counted in
  " characters; Vim's columns are bytes.
  let [lnum, ccol, type] = split(readfile(s:top . '/tests/editors/errors/type-error.expect')[0])
  let col = byteidx(getline(lnum), ccol - 1) + 1
  if empty(qf)
    call add(errors, 'no valid quickfix entries; govc said: ' . string(getqflist()))
  else
    let e = qf[0]
    if bufname(e.bufnr) !~# 'type-error\.gov$'
      call add(errors, 'entry names "' . bufname(e.bufnr) . '"')
    endif
    if [e.lnum, e.col, e.type] != [str2nr(lnum), col, type]
      call add(errors, printf('first entry at %d:%d type %s, want %s:%s type %s (%s)',
            \ e.lnum, e.col, e.type, lnum, col, type, e.text))
    endif
  endif
  silent bwipeout!
  return errors
endfunction

" The policies of policies/ and stdlib/ ($GOV_POLICIES) are valid, so no character of
" theirs may be highlighted as an error.
function! s:TestRealPolicies() abort
  let errors = []
  let files = split($GOV_POLICIES, "\n")
  if empty(files)
    return ['no policies in $GOV_POLICIES']
  endif
  for path in files
    execute 'silent edit! ' . fnameescape(path)
    for lnum in range(1, line('$'))
      let text = getline(lnum)
      for col in range(1, strlen(text))
        let g = synIDattr(synIDtrans(synID(lnum, col, 1)), 'name')
        if g ==# 'Error'
          call add(errors, printf('%s:%d:%d: %s is %s', path, lnum, col,
                \ string(matchstr(text[col - 1 :], '^\S*')), synIDattr(synID(lnum, col, 1), 'name')))
          break
        endif
      endfor
    endfor
    silent bwipeout!
  endfor
  return errors
endfunction

" ------------------------------------------------------------------ run

call s:Case('ftdetect and ftplugin: filetype, syntax, indentexpr, commentstring, makeprg',
      \ function('s:TestFtplugin'))
for s:path in split($GOV_SYNTAX, "\n")
  call s:Case('highlighting: ' . fnamemodify(s:path, ':t'), function('s:CheckSyntaxFile', [s:path]))
endfor
call s:Case('indent: gg=G on bad.gov gives good.gov', function('s:Reindent',
      \ [s:top . '/tests/editors/indent/bad.gov', s:top . '/tests/editors/indent/good.gov']))
call s:Case('indent: gg=G leaves good.gov as it is', function('s:Reindent',
      \ [s:top . '/tests/editors/indent/good.gov', s:top . '/tests/editors/indent/good.gov']))
call s:Case('indent: typing indents each new line and reindents }, then, else and over',
      \ function('s:TestTyping'))
call s:Case('errorformat: govc diagnostics, notes and warnings, character columns',
      \ function('s:TestErrorformat'))
call s:Case('real policies: nothing in policies/ or stdlib/ is highlighted as an error',
      \ function('s:TestRealPolicies'))
if $GOV_GOVC !=# ''
  call s:Case('indent: flattened govc fmt output re-indents to govc fmt''s layout',
        \ function('s:TestFmtLayout'))
  call s:Case(':make runs govc check and fills the quickfix list', function('s:TestMake'))
else
  call add(s:out, 'skip - indent: flattened govc fmt output re-indents to govc fmt''s layout: needs build/govc (run make first)')
  call add(s:out, 'skip - :make runs govc check and fills the quickfix list: needs build/govc (run make first)')
endif

call writefile(s:out, $GOV_OUT)
qall!
