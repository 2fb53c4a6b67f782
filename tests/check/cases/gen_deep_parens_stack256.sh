# The same 100,000 parentheses under a 256 KiB stack.
sh "$(dirname "$0")/gen_deep_parens.sh" "$1"
