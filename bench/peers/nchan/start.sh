#!/usr/bin/env bash
# Starts Nchan (nginx with Debian's libnginx-mod-nchan; install.sh installs it) on 127.0.0.1 with
# the configuration of nginx.conf.template, in a prefix directory of its own: nginx.conf, the pid
# file nginx.pid, logs/error.log and temp paths all under DIR. Waits until it answers, then prints
# the port on standard output (and nothing else there). stop.sh DIR stops it.
#
#   bench/peers/nchan/start.sh [--dir DIR] [--port PORT] [--workers N] [--shared-memory SIZE] [--cpus LIST]
#
#   --dir DIR              the prefix directory (default bench/target/nchan); created if missing
#   --port PORT            the port on 127.0.0.1 (default: a free one)
#   --workers N            nginx worker processes (default 1)
#   --shared-memory SIZE   nchan_max_reserved_memory: all channels' messages (default 256M)
#   --cpus LIST            run nginx (master and workers) under taskset -c LIST (default: no pinning)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(cd "$here/../.." && pwd)"

dir="$bench/target/nchan"
port=""
workers=1
shared_memory=256M
cpus=""

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --shared-memory) shared_memory="$2"; shift 2 ;;
    --cpus) cpus="$2"; shift 2 ;;
    -h | --help) usage ;;
    *) echo "start.sh: unknown option $1" >&2; usage ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]?$ ]] || { echo "start.sh: --workers $workers is not a number in 1..99" >&2; exit 2; }
[[ "$shared_memory" =~ ^[0-9]+[kKmMgG]?$ ]] || { echo "start.sh: --shared-memory $shared_memory is not a size like 256M" >&2; exit 2; }
module=/usr/lib/nginx/modules/ngx_nchan_module.so
if ! command -v nginx >/dev/null || [ ! -f "$module" ]; then
  echo "start.sh: nginx or $module is missing; run bench/peers/nchan/install.sh first" >&2
  exit 1
fi

mkdir -p "$dir/logs" "$dir/tmp"
prefix="$(cd "$dir" && pwd)"
if [ -f "$prefix/nginx.pid" ] && kill -0 "$(cat "$prefix/nginx.pid")" 2>/dev/null; then
  echo "start.sh: an nginx already runs from $prefix (pid $(cat "$prefix/nginx.pid")); stop.sh $prefix first" >&2
  exit 1
fi
if [ -z "$port" ]; then
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || { echo "start.sh: --port $port is not a port" >&2; exit 2; }

nofile="$(ulimit -Hn)"
if [ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ]; then nofile=65536; fi
sed -e "s|@NOFILE@|$nofile|g" -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" \
  -e "s|@SHARED_MEMORY@|$shared_memory|g" "$here/nginx.conf.template" >"$prefix/nginx.conf"
: >"$prefix/logs/error.log"

launch=(nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log")
if [ -n "$cpus" ]; then
  launch=(taskset -c "$cpus" "${launch[@]}")
fi
# nginx daemonises: the master writes nginx.pid and this command returns once it is listening.
if ! "${launch[@]}" >"$prefix/logs/start.log" 2>&1; then
  echo "start.sh: nginx did not start:" >&2
  cat "$prefix/logs/start.log" "$prefix/logs/error.log" >&2
  exit 1
fi

for _ in $(seq 100); do
  if curl -sf -o /dev/null "http://127.0.0.1:$port/nchan_status"; then
    echo "start.sh: Nchan on http://127.0.0.1:$port, $workers worker(s), master pid $(cat "$prefix/nginx.pid"), prefix $prefix" >&2
    echo "$port"
    exit 0
  fi
  sleep 0.1
done
echo "start.sh: nginx did not answer on 127.0.0.1:$port within 10 s; its error log:" >&2
cat "$prefix/logs/error.log" >&2
"$here/stop.sh" --dir "$prefix" >&2 || true
exit 1
