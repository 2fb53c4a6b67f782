# A gate with 65 distinct approvers (one past the 64 a gate may have: E044), and one
# with exactly 64, through a group, which is fine.
{
  printf 'policy many\nrecord run { action: string }\n'
  printf 'approvers board ='
  i=1; while [ $i -le 64 ]; do printf ' "m%d@x.example"%s' $i "$([ $i -lt 64 ] && echo ,)"; i=$((i + 1)); done
  printf '\ngate at_limit {\n  when run.action == "a"\n  approvers 64 of board\n  sla 1h\n}\n'
  printf 'gate past_limit {\n  when run.action == "b"\n  approvers board, "one-more@x.example"\n  sla 1h\n}\n'
} >"$1"
