" Vim compiler file for govc: `:compiler gov` then `:make` checks the policy the current
" file belongs to (`govc check --policy-of FILE`: the file with the other files that
" declare its `policy NAME`, so names they declare are no errors) and fills the quickfix
" list from `govc check` diagnostics, which look like
"
"   policies/x.gov:14:3: error[E050]: message
"      14 |   source line
"         |   ^~~~
"   policies/x.gov:9:3: note: message
"
" The source and caret lines are dropped. govc counts columns in characters; Vim's are
" bytes, so ftplugin/gov.vim converts them after :make (see s:CharColumns there).
" The govc binary is g:gov_govc, else `govc` on $PATH.

if exists('current_compiler')
  finish
endif
let current_compiler = 'gov'

if exists(':CompilerSet') != 2
  command -nargs=* CompilerSet setlocal <args>
endif
let s:cpo_save = &cpo
set cpo&vim

execute 'CompilerSet makeprg=' . escape(get(g:, 'gov_govc', 'govc'), ' \|"') . '\ check\ --policy-of\ %:S'
CompilerSet errorformat=%f:%l:%c:\ %trror%m,
      \%f:%l:%c:\ %tarning%m,
      \%f:%l:%c:\ %tote:\ %m,
      \govc:\ %trror%m,
      \%-G%.%#

let &cpo = s:cpo_save
unlet s:cpo_save
