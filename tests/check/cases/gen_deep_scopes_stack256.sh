# 100,000 nested scope blocks under a 256 KiB stack.
sh "$(dirname "$0")/gen_deep_scopes.sh" "$1"
