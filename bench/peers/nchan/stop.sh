#!/usr/bin/env bash
# Stops the Nchan that start.sh started from DIR, by the master's pid in DIR/nginx.pid: a fast
# shutdown (TERM), up to 10 s for the master and its workers to exit, then KILL for whichever is
# left. Stopping one that no longer runs is not an error.
#
#   bench/peers/nchan/stop.sh [--dir DIR]     (default bench/target/nchan)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$(cd "$here/../.." && pwd)/target/nchan"
case "${1:-}" in
  --dir) dir="$2" ;;
  "") ;;
  *) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

pid_file="$dir/nginx.pid"
if [ ! -f "$pid_file" ]; then
  echo "stop.sh: no $pid_file; nothing to stop" >&2
  exit 0
fi
master="$(cat "$pid_file")"
[[ "$master" =~ ^[0-9]+$ ]] || { echo "stop.sh: $pid_file holds no pid" >&2; exit 1; }
# Only an nginx master is ours to stop: a stale pid file may name a process that reused the pid.
if ! tr '\0' ' ' <"/proc/$master/cmdline" 2>/dev/null | grep -q '^nginx: master process'; then
  echo "stop.sh: pid $master from $pid_file is not a running nginx master; nothing to stop" >&2
  rm -f "$pid_file"
  exit 0
fi
workers="$(pgrep -P "$master" || true)"

kill -TERM "$master" 2>/dev/null || true
for _ in $(seq 100); do
  alive=""
  for pid in $master $workers; do
    kill -0 "$pid" 2>/dev/null && alive="$alive $pid"
  done
  [ -z "$alive" ] && break
  sleep 0.1
done
if [ -n "$alive" ]; then
  echo "stop.sh: still running after 10 s:$alive; killing" >&2
  for pid in $alive; do kill -KILL "$pid" 2>/dev/null || true; done
fi
rm -f "$pid_file"
echo "stop.sh: stopped nginx master $master${workers:+ and worker(s) $(echo $workers)}" >&2
