# tests/govd/start.sh: sourced by govd's shell suites (outfiles.sh, stateaside.sh). Needs
# GOVD and tmp set. start ARGS... starts govd on a loopback port with policies/support (or
# the policy START_POLICY names) in the background and returns once it listens (port set) or 1 when it exits first (rc set);
# its stderr is in $tmp/err. stop ends it (its exit status in stopped).
start() {
  : >"$tmp/err"
  "$GOVD" --listen 127.0.0.1:0 -p "${START_POLICY:-policies/support}" --workers 2 --partitions 2 "$@" 2>"$tmp/err" >/dev/null &
  pid=$!
  port=
  i=0
  while [ $i -lt 200 ]; do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/err" | head -1)
    [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; rc=$?; pid=; return 1; }
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
stop() { kill -TERM "$pid" 2>/dev/null; wait "$pid"; stopped=$?; pid=; }  # stopped: its exit status
