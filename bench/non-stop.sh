#!/usr/bin/env bash
# Serving while one Envoy worker is stopped at a breakpoint: gdb in all-stop mode against gdb in
# non-stop mode (`meshdbg attach --local --non-stop`), side by side in one run, on envoy-like with
# its worker threads (wrk:worker_N, one SO_REUSEPORT listener each, as Envoy's workers).
# For each mode, alternating:
#   meshdbg attach --local --pid N --symbols BIN [--non-stop] -o json, until "ready";
#   gdb -batch -x <meshdbg's gdb command file> -ex 'tbreak envoy_like.cc:<handler>'
#       -ex 'continue' (all-stop) or 'continue -a' (non-stop) -ex 'shell sleep HOLD+2' -ex detach
#   and a load (bench/non-stop-load.py) that triggers the breakpoint, then for HOLD seconds sends
#   requests on new connections from 4 loops, abandoning one after TIMEOUT (held by a stopped
#   worker). The same load without any debugger first, for scale.
# Reports per mode: requests completed during the stop, abandoned ones, latency median/p99, and
# which worker answered. After each mode the target must run and every worker must answer.
#
#   bench/non-stop.sh [--rounds N] [--hold SECONDS] [--workers W] [--timeout SECONDS]
# Needs g++, gdb, gdbserver, python3, jq and a built meshdbg (mvn -B -q -o -DskipTests package).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
meshdbg=$root/bin/meshdbg
bench=non-stop-bench
# shellcheck source=lib.sh
source "$here/lib.sh"

rounds=1 hold=10 workers=2 timeout=0.2
while (($#)); do
  case $1 in
    --rounds) rounds=${2:?}; shift 2 ;;
    --hold) hold=${2:?}; shift 2 ;;
    --workers) workers=${2:?}; shift 2 ;;
    --timeout) timeout=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "non-stop-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
require g++ gdb gdbserver python3 jq
require_meshdbg

work=$(mktemp -d)
target_pid='' agent_pid='' gdb_pid=''
cleanup() {
  local status=$?
  stop "$gdb_pid"; stop "$agent_pid"; stop "$target_pid"
  if ((status)); then echo "$bench: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The target: envoy-like, compiled as the demo compiles it.
cp -r "$root/meshdbg-demo/src/main/resources/dev/meshdbg/demo/workspace" "$work/ws"
mkdir -p "$work/ws/bazel-out/k8-dbg/bin"
target=$work/ws/bazel-out/k8-dbg/bin/envoy-like
(cd "$work/ws" && g++ -g -O0 -std=c++17 -fno-omit-frame-pointer -pthread -I. \
  "-fdebug-prefix-map=$work/ws=/proc/self/cwd" source/server/envoy_like.cc -o "$target")
"$target" --port 0 --workers "$workers" >"$work/target.log" 2>&1 &
target_pid=$!
for _ in $(seq 100); do grep -q listening "$work/target.log" && break; sleep 0.05; done
target_port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$work/target.log")
[[ -n $target_port ]] || { echo "$bench: envoy-like did not start" >&2; exit 1; }
line=$(grep -n '@line handler' "$work/ws/source/server/envoy_like.cc" | cut -d: -f1)

# every_worker_serves: exit 1 unless each worker answers a request within 10 s.
every_worker_serves() {
  python3 - "$target_port" "$workers" <<'PY'
import socket, sys, time, re
port, workers = int(sys.argv[1]), int(sys.argv[2])
seen, end = set(), time.monotonic() + 10
while len(seen) < workers and time.monotonic() < end:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.settimeout(1)
            s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
            data = b""
            while (chunk := s.recv(4096)):
                data += chunk
        seen.add(re.search(rb"X-Worker: (\d+)", data).group(1))
    except OSError:
        pass
sys.exit(0 if len(seen) == workers else 1)
PY
}

run_mode() {
  local mode=$1 flag='' cont=continue cfg
  if [[ $mode == non-stop ]]; then flag=--non-stop cont='continue -a'; fi
  "$meshdbg" attach --local --pid "$target_pid" --symbols "$target" $flag --out "$work/out-$mode" \
    --client none -o json >"$work/attach-$mode.json" 2>"$work/attach-$mode.err" &
  agent_pid=$!
  for _ in $(seq 1200); do grep -q '"event":"ready"' "$work/attach-$mode.json" && break; sleep 0.1; done
  cfg=$(jq -r 'select(.event=="ready") | .configs.gdb' "$work/attach-$mode.json")
  [[ -f $cfg ]] || { echo "$bench: meshdbg attach was not ready:" >&2; cat "$work/attach-$mode."* >&2; exit 1; }
  gdb -batch -nx -x "$cfg" -ex "tbreak envoy_like.cc:$line" -ex "$cont" -ex "shell sleep $((hold + 2))" \
    -ex detach >"$work/gdb-$mode.log" 2>&1 &
  gdb_pid=$!
  python3 "$here/non-stop-load.py" --port "$target_port" --gdb-log "$work/gdb-$mode.log" --seconds "$hold" \
    --timeout "$timeout" --mode "$mode" >>"$work/results.jsonl"
  wait "$gdb_pid" || { echo "$bench: gdb failed:" >&2; cat "$work/gdb-$mode.log" >&2; exit 1; }
  gdb_pid=''
  grep -q 'detached\]' "$work/gdb-$mode.log" || { echo "$bench: gdb did not detach:" >&2; cat "$work/gdb-$mode.log" >&2; exit 1; }
  stop "$agent_pid" # SIGTERM (a background job ignores SIGINT): the agent detaches and exits
  wait "$agent_pid" || true
  agent_pid=''
  check_target "$mode"
  every_worker_serves || { echo "$bench: FAIL after $mode: not every worker serves" >&2; exit 1; }
}

for round in $(seq "$rounds"); do
  # No debugger: the load starts at once ("" is in any log).
  python3 "$here/non-stop-load.py" --port "$target_port" --gdb-log /dev/null --hit '' --seconds "$hold" \
    --timeout "$timeout" --mode no-debugger >>"$work/results.jsonl"
  run_mode all-stop
  run_mode non-stop
done

echo "envoy-like with $workers workers; one worker held at a breakpoint for ${hold} s; 4 client loops, new connection per request, ${timeout} s timeout"
printf '%-11s %-13s %10s %10s %10s %10s  %s\n' mode held completed abandoned median_ms p99_ms by_worker
jq -r '[.mode, (.held // "-"), .completed, .abandoned, (.medianMs // "-"), (.p99Ms // "-"), (.byWorker | tostring)] | @tsv' \
  "$work/results.jsonl" | while IFS=$'\t' read -r m h c a med p99 by; do
  printf '%-11s %-13s %10s %10s %10s %10s  %s\n' "$m" "$h" "$c" "$a" "$med" "$p99" "$by"
done
echo "target alive, running and served by every worker after each mode"
