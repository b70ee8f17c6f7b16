#!/usr/bin/env bash
# Throughput and latency of the engines, side by side, for one bench. --bench publish (the default):
# memory, embedded syncing each commit (the default) and embedded with --sync-interval 100ms, each
# with 1 and 64 publishers. --bench jobs: memory and embedded, each with 1 submitter and 1 worker
# and with 8 and 8. Every run gets a fresh server (fresh data directory, free port on 127.0.0.1,
# the same JVM flags); rounds interleave the configurations so that a slow minute of the machine
# hits all of them alike. Prints a markdown table of the medians across rounds; bench/README.md.
#
# Before each run it waits (up to --settle seconds) for the machine to be nearly idle, since server
# and generator share it with whatever else runs there.
#
#   bench/engines.sh [--bench publish|jobs] [--rounds 3] [--warmup 5] [--duration 10]
#                    [--clients "1 64" | "1x1 8x8"] [--settle 60] [--out DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
server_jar="$root/server/target/switchboard.jar"
bench_jar="$here/target/switchboard-bench.jar"

bench=publish
rounds=3
warmup=5
duration=10
# publish: publisher counts; jobs: SUBMITTERSxWORKERS; the bench's default when empty
client_counts=""
settle=60
out=""
# The same flags for every server; the generator has its own, fixed too.
server_java_opts=(-Xms1g -Xmx1g -XX:+ExitOnOutOfMemoryError)
bench_java_opts=(-Xms256m -Xmx256m)

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --clients | --publishers) client_counts="$2"; shift 2 ;;
    --settle) settle="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) usage ;;
  esac
done

# name and serve flags of each engine configuration, in table order
case "$bench" in
  publish)
    configs=(
      "memory|--engine memory"
      "embedded|--engine embedded"
      "embedded, sync 100ms|--engine embedded --sync-interval 100ms"
    )
    client_counts="${client_counts:-1 64}"
    ;;
  jobs)
    configs=(
      "memory|--engine memory"
      "embedded|--engine embedded"
    )
    client_counts="${client_counts:-1x1 8x8}"
    ;;
  *) usage ;;
esac
out="${out:-$here/target/engines/$bench-$(date +%Y%m%d-%H%M%S)}"

# The generator's own flags and the tag of one run's files, for $clients of the bench.
bench_args() {
  case "$bench" in
    publish) echo "publish --publishers $1" ;;
    jobs) echo "jobs --submitters ${1%x*} --workers ${1#*x}" ;;
  esac
}
clients_tag() {
  case "$bench" in
    publish) echo "p$1" ;;
    jobs) echo "s${1%x*}w${1#*x}" ;;
  esac
}
clients_label() {
  case "$bench" in
    publish) echo "$1 publisher(s)" ;;
    jobs) echo "${1%x*} submitter(s), ${1#*x} worker(s)" ;;
  esac
}

needs_build() {
  if [ ! -f "$server_jar" ] || [ ! -f "$bench_jar" ]; then
    return 0
  fi
  local newer
  newer="$(find "$root" \( -name target -o -name .git -o -name data \) -prune -o \
    \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -type f \
    \( -newer "$server_jar" -o -newer "$bench_jar" \) -print -quit)"
  [ -n "$newer" ]
}

if needs_build; then
  echo "engines.sh: building the server and the bench jar..." >&2
  "$root/mvnw" -q -B -f "$root/pom.xml" -pl server,bench -am -DskipTests package >&2
fi

mkdir -p "$out/json" "$out/logs"
server_pid=""
data_dir=""

stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  if [ -n "$data_dir" ]; then
    rm -rf "$data_dir"
    data_dir=""
  fi
}
trap stop_server EXIT

# Starts a server with the given serve flags on a free port; sets server_pid and port.
start_server() {
  local log="$1"
  shift
  data_dir="$(mktemp -d "$out/data.XXXXXX")"
  java "${server_java_opts[@]}" -jar "$server_jar" serve --host 127.0.0.1 --port 0 \
    --data-dir "$data_dir" "$@" 2>"$log" &
  server_pid=$!
  port=""
  for _ in $(seq 300); do
    port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log")"
    if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "engines.sh: the server did not become ready; its log, $log:" >&2
  cat "$log" >&2
  exit 1
}

# CPU accounting, so that a run disturbed by other work on the machine shows: jiffies the whole
# machine was busy (user nice system irq softirq steal), a process's own (utime stime) and this
# shell's reaped children's (cutime cstime), which is the generator once it has exited.
machine_cpu() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
process_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
children_cpu() { awk '{print $16 + $17}' "/proc/$$/stat"; }

# Waits until the machine keeps less than a fifth of a core busy for 2 s, or $settle seconds pass.
wait_for_idle_machine() {
  local deadline=$((SECONDS + settle)) before busy
  while true; do
    before="$(machine_cpu)"
    sleep 2
    busy=$(( $(machine_cpu) - before ))
    if [ "$busy" -lt "$(( $(getconf CLK_TCK) * 2 / 5 ))" ]; then
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "engines.sh: other work keeps the machine busy; running anyway (see the CPU column)" >&2
      return 0
    fi
  done
}

runs=$(( rounds * ${#configs[@]} * $(wc -w <<<"$client_counts") ))
echo "engines.sh: $runs $bench runs of ${warmup}s + ${duration}s into $out"
echo "engines.sh: load average before the start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores shared by server and generator"
run=0
for round in $(seq "$rounds"); do
  for config in "${configs[@]}"; do
    name="${config%%|*}"
    read -r -a flags <<<"${config#*|}"
    slug="$(tr -c 'a-z0-9\n' '-' <<<"$name")"
    for clients in $client_counts; do
      run=$((run + 1))
      tag="$slug-$(clients_tag "$clients")-r$round"
      read -r -a args <<<"$(bench_args "$clients")"
      wait_for_idle_machine
      start_server "$out/logs/$tag.server.log" "${flags[@]}"
      echo "engines.sh: [$run/$runs] round $round, $name, $(clients_label "$clients"), port $port"
      machine0="$(machine_cpu)" server0="$(process_cpu "$server_pid")" children0="$(children_cpu)"
      started="$(date +%s.%N)"
      status=0
      java "${bench_java_opts[@]}" -jar "$bench_jar" "${args[@]}" --url "http://127.0.0.1:$port" \
        --warmup "$warmup" --duration "$duration" --json "$out/json/$tag.json" | tail -n +2 || status=$?
      seconds="$(awk -v from="$started" -v to="$(date +%s.%N)" 'BEGIN {print to - from}')"
      machine1="$(machine_cpu)" server1="$(process_cpu "$server_pid")" children1="$(children_cpu)"
      stop_server
      [ "$status" -eq 0 ] || echo "engines.sh: the generator exited with status $status (see its report)" >&2
      if [ ! -f "$out/json/$tag.json" ]; then
        echo "engines.sh: the generator wrote no report for $tag" >&2
        exit 1
      fi
      python3 "$here/engines_report.py" label "$out/json/$tag.json" "$name" "$round" "$seconds" \
        "$((server1 - server0))" "$((children1 - children0))" "$((machine1 - machine0))"
    done
  done
done

python3 "$here/engines_report.py" summary "$out/json" "${configs[@]%%|*}" | tee "$out/summary.md"
