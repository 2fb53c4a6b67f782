# Latin-1 text (a lone 0xE9) in a comment; the valid UTF-8 after it is shown as is.
printf 'policy p\n\n// caf\351 ol\303\251\n' >"$1"
