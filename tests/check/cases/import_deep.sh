# A chain of 300 modules, each importing the next: the loader's recursion is bounded.
# The generator writes the policy file; the modules go beside it.
d=$(dirname "$1")
printf 'policy p\n\nimport "m1.gov"\n' >"$1"
i=1
while [ $i -le 300 ]; do
  printf 'module m%d\nimport "m%d.gov"\n' $i $((i + 1)) >"$d/m$i.gov"
  i=$((i + 1))
done
printf 'module m301\n' >"$d/m301.gov"
