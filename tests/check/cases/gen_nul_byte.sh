# A NUL byte in the middle of a line.
printf 'policy p\nmax a = 1\000 + 2\n' >"$1"
