# The same 100,000 minus signs under a 256 KiB stack.
sh "$(dirname "$0")/gen_deep_neg.sh" "$1"
