#!/usr/bin/env bash
# Attach latency, side by side in one run, on envoy-like (the demo's server, built here with g++):
#   (a) `meshdbg attach --local --pid N --client none -o json` from start until its "ready" event
#       (JVMs included), then SIGINT and wait for it to exit;
#   (b) `gdbserver --attach 127.0.0.1:0 PID` alone until it prints "Listening on port", then kill it;
#   (c) a gdb client's `target remote` until the first stop is reported (timed inside gdb), with
#       the same gdb commands: through the guard of one meshdbg agent (which starts gdbserver and
#       attaches only when the client connects), straight to `gdbserver --attach` started through
#       a pipe by `target remote | gdbserver ...` (also attaches on connect: the fair peer), and
#       straight to a gdbserver that attached and listens already (the lower bound).
# (a) and (b) alternate, as do the three of (c), so the machine's load hits them alike.
# After every run the target must be alive and not stopped; at the end it must still serve.
#
#   bench/attach.sh [--runs N] [--skip-client]
# Needs g++, gdb, gdbserver and a built meshdbg (mvn -B -q -o -DskipTests package).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
meshdbg=$root/bin/meshdbg
bench=attach-bench
# shellcheck source=lib.sh
source "$here/lib.sh"

runs=10 client=1
while (($#)); do
  case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --skip-client) client=0; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "attach-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
require g++ gdb gdbserver
require_meshdbg

work=$(mktemp -d)
target_pid='' agent_pid='' server_pid=''
cleanup() {
  stop "$agent_pid"; stop "$server_pid"; stop "$target_pid"
  rm -rf "$work"
}
trap cleanup EXIT

# The target: envoy-like, compiled as the demo compiles it.
cp -r "$root/meshdbg-demo/src/main/resources/dev/meshdbg/demo/workspace" "$work/ws"
mkdir -p "$work/ws/bazel-out/k8-dbg/bin"
target=$work/ws/bazel-out/k8-dbg/bin/envoy-like
(cd "$work/ws" && g++ -g -O0 -std=c++17 -fno-omit-frame-pointer -pthread -I. \
  "-fdebug-prefix-map=$work/ws=/proc/self/cwd" source/server/envoy_like.cc -o "$target")
"$target" --port 0 >"$work/target.log" 2>&1 &
target_pid=$!
for _ in $(seq 100); do grep -q listening "$work/target.log" && break; sleep 0.05; done
target_port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$work/target.log")
[[ -n $target_port ]] || { echo "attach-bench: envoy-like did not start" >&2; exit 1; }

serve_check() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$target_port"
  printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3
  reply=$(cat <&3)
  exec 3<&-
  [[ $reply == *ok* ]] || { echo "attach-bench: FAIL: target does not serve after the runs" >&2; exit 1; }
}

now() { echo "${EPOCHREALTIME/./}"; } # microseconds, no fork
# Runs COMMAND... with stdout+stderr into a pipe, returns (in $elapsed_us) the time until a
# line contains PATTERN, leaves the command running as $started_pid with its output on fd 4.
time_until_line() { # PATTERN COMMAND...
  local pattern=$1 line t0
  shift
  t0=$(now)
  exec 4< <(exec "$@" 2>&1)
  started_pid=$!
  while IFS= read -r -u 4 line; do
    if [[ $line == *"$pattern"* ]]; then
      elapsed_us=$(($(now) - t0))
      last_line=$line
      return 0
    fi
  done
  echo "attach-bench: '$*' ended before printing '$pattern'" >&2
  exit 1
}
finish() { # SIGNAL: signal $started_pid, drain its output, wait for it
  kill "-$1" "$started_pid" 2>/dev/null || true
  cat <&4 >/dev/null
  exec 4<&-
  wait "$started_pid" 2>/dev/null || true
}

meshdbg_run() {
  time_until_line '"event":"ready"' "$meshdbg" attach --local --pid "$target_pid" --client none -o json \
    --out "$work/out"
  finish INT
}
gdbserver_run() {
  time_until_line 'Listening on port' gdbserver --attach 127.0.0.1:0 "$target_pid"
  finish TERM
}

median() { sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
minmax() { sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.1f-%.1f", lo / 1e3, hi / 1e3}'; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us / 1e3}'; }

echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $runs runs after 1 warm-up."
echo "Target: envoy-like (pid $target_pid); $(gdbserver --version | head -1); $(java -version 2>&1 | head -1)."

# Warm-up: the launcher writes its class-data archive on the first run after a build.
meshdbg_run; check_target "meshdbg warm-up"
gdbserver_run; check_target "gdbserver warm-up"
: >"$work/a" ; : >"$work/b"
for i in $(seq "$runs"); do
  meshdbg_run; echo "$elapsed_us" >>"$work/a"; check_target "meshdbg run $i"
  gdbserver_run; echo "$elapsed_us" >>"$work/b"; check_target "gdbserver run $i"
done
a=$(median <"$work/a") b=$(median <"$work/b")
load_ab=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "Attach until ready (load average $load_ab after):"
echo
echo "| what | median ms | min-max ms | vs gdbserver alone |"
echo "| --- | ---: | ---: | ---: |"
echo "| meshdbg attach --local --pid N --client none -o json, until \"ready\" | $(ms "$a") | $(minmax <"$work/a") | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1fx", a / b}') |"
echo "| gdbserver --attach 127.0.0.1:0 PID, until \"Listening on port\" | $(ms "$b") | $(minmax <"$work/b") | 1.0x |"

if ((client)); then
  # One agent serves every guarded run: a client may reconnect as often as it likes.
  time_until_line '"event":"ready"' "$meshdbg" attach --local --pid "$target_pid" --client none -o json \
    --out "$work/out"
  agent_pid=$started_pid
  guard_port=$(sed 's/.*"port":\([0-9]*\).*/\1/' <<<"$last_line")
  # Keep reading the agent's events so it never blocks on a full pipe.
  cat <&4 >"$work/agent.events" &
  exec 4<&-
  gdb_connect() { # TARGET-REMOTE-ARGUMENT: prints microseconds from `target remote` to the first stop
    gdb -nx -batch -ex 'set pagination off' -ex 'set confirm off' -ex "file $target" \
      -ex "set sysroot /proc/$target_pid/root" \
      -ex "python import time; t0 = time.perf_counter(); gdb.execute('target remote $1'); print('BENCH_US %d' % ((time.perf_counter() - t0) * 1e6))" \
      -ex detach 2>&1 | tee -a "$work/gdb.log" | sed -n 's/^BENCH_US //p'
  }
  : >"$work/cg" ; : >"$work/cp" ; : >"$work/cl"
  gdb_connect "127.0.0.1:$guard_port" >/dev/null; check_target "guard warm-up"
  for i in $(seq "$runs"); do
    gdb_connect "127.0.0.1:$guard_port" >>"$work/cg"; check_target "gdb through the guard, run $i"
    gdb_connect "| exec gdbserver --once --attach - $target_pid" >>"$work/cp"; check_target "gdb | gdbserver, run $i"
    time_until_line 'Listening on port' gdbserver --once --attach 127.0.0.1:0 "$target_pid"
    server_pid=$started_pid
    port=$(sed 's/.*Listening on port \([0-9]*\).*/\1/' <<<"$last_line")
    cat <&4 >/dev/null &
    exec 4<&-
    gdb_connect "127.0.0.1:$port" >>"$work/cl"
    wait "$server_pid" 2>/dev/null || true
    server_pid=''
    check_target "gdb to a listening gdbserver, run $i"
  done
  for f in cg cp cl; do
    [[ $(wc -l <"$work/$f") == "$runs" ]] ||
      { echo "attach-bench: FAIL: a gdb run did not connect; see its log:" >&2; tail -20 "$work/gdb.log" >&2; exit 1; }
  done
  kill -INT "$agent_pid"
  wait "$agent_pid" 2>/dev/null || true
  agent_pid=''
  check_target "the agent's exit"
  cg=$(median <"$work/cg") cp=$(median <"$work/cp") cl=$(median <"$work/cl")
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
  echo
  echo "gdb: \`target remote\` until the first stop (load average $(cut -d' ' -f1-3 /proc/loadavg) after):"
  echo
  echo "| path | median ms | min-max ms | guard time / this time |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| through meshdbg's guard (gdbserver started and attached on connect) | $(ms "$cg") | $(minmax <"$work/cg") | 1.00x |"
  echo "| target remote \| gdbserver --once --attach - PID (attached on connect) | $(ms "$cp") | $(minmax <"$work/cp") | $(ratio "$cg" "$cp") |"
  echo "| to a gdbserver already attached and listening | $(ms "$cl") | $(minmax <"$work/cl") | $(ratio "$cg" "$cl") |"
fi
serve_check
echo
echo "Target alive, not stopped after every run, and still serving."
