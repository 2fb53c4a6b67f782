#!/bin/sh
# tests/vm/wfuse.sh BUILD: a rule `when w <op> x` on a window is one scan word (load.c
# build_xcode's X_W..) when it is the whole rule and the window's offset in the VM's
# window records fits its 16 bits; other windows, and the pair inside a longer rule, run
# as LOADW and a test. Both ways decide alike (tests/vm/wfuse.c).
B=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
{
    echo 'policy wfuse'
    echo 'import "std/agent_run"'
    i=0
    while [ $i -lt 600 ]; do echo "window w$i = count() over last 5 runs"; i=$((i + 1)); done
    # p first: its pair is patched (wfuse.c) into one that goes on and reads t
    echo 'rule p { when w0 >= 9 or w0 >= 4 severity info verdict warn }'
    for i in 0 1 545 546 547 548 599; do echo "rule r$i { when w$i >= 3 severity info verdict warn }"; done
} >"$tmp/wfuse.gov"
"$B/govc" build -o "$tmp/wfuse.govb" "$tmp/wfuse.gov" >/dev/null 2>&1 || { echo "not ok - wfuse: build"; exit 1; }
"$B/tests/vm_wfuse" "$tmp/wfuse.govb"
