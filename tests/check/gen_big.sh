#!/bin/sh
# gen_big.sh [N] > big.gov: a generated policy of N rules (default 10,000) for timing
# `govc check`: 50 limits, 20 windows, 5 channels, scope blocks at every level that
# override the limits (tightening), and rules that read fields, limits and windows.
#   sh tests/check/gen_big.sh > /tmp/big.gov
#   hyperfine --warmup 3 --runs 20 'build/govc check /tmp/big.gov'
n=${1:-10000}
awk -v n="$n" 'BEGIN {
  print "policy big\n"
  print "record run {\n  latency: duration from \"latency_ms\" in ms\n  cost: money\n  tokens: int\n  accuracy: ratio\n  error: bool\n  action: string\n}\n"
  for (c = 0; c < 5; c++) printf "channel ch_%d = slack \"#alerts-%d\"\n", c, c
  print ""
  for (l = 0; l < 50; l++) {
    if (l % 3 == 0) printf "max lim_%d = %ds\n", l, 10 + l
    else if (l % 3 == 1) printf "max cost_%d = $%d.50\n", l, 1 + l
    else printf "min acc_%d = %d%%\n", l, 50 + l % 40
  }
  print ""
  for (w = 0; w < 20; w++)
    printf "window w_%d = %s over %s per agent\n", w, (w % 2 ? "rate(run.error)" : "p95(run.latency)"), (w % 2 ? "last 200 runs" : "1h")
  print ""
  for (t = 0; t < 20; t++) {
    printf "scope tenant \"t%d\" {\n", t
    for (l = 0; l < 50; l += 3) printf "  lim_%d = %ds\n", l, 9 + l
    for (p = 0; p < 5; p++) {
      printf "  scope project \"p%d\" {\n", p
      for (l = 0; l < 50; l += 3) printf "    lim_%d = %ds\n", l, 8 + l
      printf "    scope agent \"t%d/p%d/bot\" {\n      lim_%d = %ds\n    }\n  }\n", t, p, (p * 3) % 48, 5
    }
    print "}"
  }
  print ""
  for (r = 0; r < n; r++) {
    l = r % 50; k = r % 5
    if (l % 3 == 0) cond = sprintf("run.latency > lim_%d", l)
    else if (l % 3 == 1) cond = sprintf("run.cost > cost_%d and run.tokens > %d", l, r % 1000)
    else cond = sprintf("run.accuracy < acc_%d or run.error", l)
    if (r % 7 == 0) cond = cond sprintf(" and w_%d > %s", r % 20, (r % 20) % 2 ? "5%" : "2s")
    if (r % 11 == 0) cond = cond sprintf(" and run.action in [\"refund\", \"delete\", \"a%d\"]", r)
    printf "rule r%d { when %s severity %s notify ch_%d }\n", r, cond, (r % 3 == 0 ? "critical" : (r % 3 == 1 ? "warning" : "info")), k
  }
}'
