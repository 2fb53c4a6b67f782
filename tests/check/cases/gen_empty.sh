# An empty file: the header is missing.
: >"$1"
