" Vim filetype plugin for gov policies (.gov): comments, indentation style, and :make
" through `govc check` (see compiler/gov.vim).

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1
let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=//\ %s
setlocal comments=s1:/*,mb:*,ex:*/,://
setlocal formatoptions-=t formatoptions+=croql
setlocal suffixesadd=.gov
let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< suffixesadd<'
      \ . ' makeprg< errorformat<'
" The house style indents by two spaces; g:gov_recommended_style = 0 keeps yours.
if get(g:, 'gov_recommended_style', 1)
  setlocal expandtab shiftwidth=2 softtabstop=2
  let b:undo_ftplugin .= ' expandtab< shiftwidth< softtabstop<'
endif

compiler gov

" govc reports columns in characters and Vim reads them as bytes: after :make (or
" :cfile and friends) convert the column of every entry in a .gov file, so the cursor
" lands on the right character in lines with non-ASCII text.
if !exists('*s:CharColumns')
  function! s:CharColumns() abort
    let info = getqflist({'items': 1, 'context': 1})
    if type(info.context) == v:t_dict && get(info.context, 'gov_columns', 0)
      return
    endif
    let changed = 0
    let items = info.items
    for it in items
      if !it.valid || it.bufnr <= 0 || it.col <= 1 || it.vcol
            \ || fnamemodify(bufname(it.bufnr), ':e') !=# 'gov'
        continue
      endif
      let text = bufloaded(it.bufnr) ? get(getbufline(it.bufnr, it.lnum), 0, '')
            \ : get(readfile(bufname(it.bufnr), '', it.lnum), it.lnum - 1, '')
      let byte = byteidx(text, it.col - 1)
      if byte >= 0 && byte + 1 != it.col
        let it.col = byte + 1
        let changed = 1
      endif
    endfor
    if changed
      call setqflist([], 'r', {'items': items, 'context': {'gov_columns': 1}})
    endif
  endfunction
endif
augroup gov_quickfix
  autocmd!
  autocmd QuickFixCmdPost make,cfile,cgetfile,caddfile,cbuffer,cgetbuffer,caddbuffer,cexpr,cgetexpr,caddexpr
        \ call s:CharColumns()
augroup END

let &cpo = s:cpo_save
unlet s:cpo_save
