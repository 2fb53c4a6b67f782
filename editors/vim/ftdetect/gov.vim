" ftdetect/gov.vim: files ending in .gov are gov policies.
autocmd BufNewFile,BufRead *.gov setfiletype gov
