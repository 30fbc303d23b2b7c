#!/usr/bin/env bash
# The agent's peak memory in a debugging session on a big binary, beside the debug server's.
# The agent lives in Envoy's pod and cgroup, so its peak RSS is what Envoy's memory limit must
# also hold. The session: `meshdbg attach --local --pid N --symbols BIN` (the agent checks the
# symbols against the running binary: build-id, else a hash of all its code), then gdb through the
# guard sets breakpoints by name, continues until one is hit, reads a backtrace and 4 MiB of
# memory, and detaches. The agent's and gdbserver's VmHWM (peak RSS) are read from /proc at the
# end; the agent runs with the bounds of AgentMain.MEMORY_OPTIONS (-Xmx96m ...), as in an image.
#
#   bench/agent-memory.sh [--size envoy|large|small]
# Needs gdb, gdbserver, a built meshdbg (mvn -B -q -o -DskipTests package) and the benchmark binary
# (bench/make-big-binary.sh --size SIZE builds it once and caches it).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
meshdbg=$root/bin/meshdbg
bench=agent-memory
# shellcheck source=lib.sh
source "$here/lib.sh"

size=envoy
while (($#)); do
  case $1 in
    --size) size=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
require gdb gdbserver
require_meshdbg
bin=$("$here/make-big-binary.sh" --size "$size")

work=$(mktemp -d)
target_pid='' cli_pid=''
cleanup() {
  stop "$cli_pid"; stop "$target_pid"
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" --serve 4 >/dev/null &
target_pid=$!
sleep 1
"$meshdbg" attach --local --pid "$target_pid" --symbols "$bin" --client none -o json >"$work/events" 2>"$work/err" &
cli_pid=$!
for _ in $(seq 600); do grep -q '"event":"ready"' "$work/events" && break; sleep 0.1; done
grep -q '"event":"ready"' "$work/events" || { echo "$bench: no ready event: $(cat "$work/err")" >&2; exit 1; }
port=$(grep '"event":"ready"' "$work/events" | sed 's/.*"port":\([0-9]*\).*/\1/')
agent_pid=$(pgrep -P "$cli_pid" -f dev.meshdbg.agent.AgentMain | head -1)
[[ -n $agent_pid ]] || agent_pid=$(pgrep -f "dev.meshdbg.agent.AgentMain.*--pid $target_pid" | head -1)

# gdbserver is the agent's child only while a client is connected: sample its peak meanwhile.
(
  peak=0
  while kill -0 "$agent_pid" 2>/dev/null; do
    for s in $(pgrep -P "$agent_pid" gdbserver); do
      v=$(awk '/^VmHWM:/ {print $2}' "/proc/$s/status" 2>/dev/null || echo 0)
      ((v > peak)) && peak=$v && echo "$peak" >"$work/server-peak"
    done
    sleep 0.2
  done
) &
sampler=$!

start=$(date +%s.%N)
timeout 600 gdb -nx -batch -ex "set pagination off" -ex "file $bin" -ex "target remote 127.0.0.1:$port" \
  -ex "break bench::handle_request" -ex "break unit42::process" -ex "continue" -ex "bt 5" \
  -ex 'dump binary memory '"$work"'/mem.bin $sp-4194304 $sp' -ex "delete" -ex "detach" >"$work/gdb.out" 2>&1 ||
  { echo "$bench: gdb failed: $(tail -5 "$work/gdb.out")" >&2; exit 1; }
end=$(date +%s.%N)
grep -q "Breakpoint 1, \|Breakpoint 2, " "$work/gdb.out" || { echo "$bench: no breakpoint hit: $(tail -5 "$work/gdb.out")" >&2; exit 1; }
check_target "the session"
agent_peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$agent_pid/status")
kill "$sampler" 2>/dev/null || true
server_peak=$(cat "$work/server-peak" 2>/dev/null || echo 0)
target_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$target_pid/status")

printf 'binary: %s (%d MB)\n' "$bin" $(($(stat -c %s "$bin") / 1048576))
printf 'session (gdb through the guard, breakpoint hit, 4 MiB read): %.1f s\n' "$(awk "BEGIN {print $end - $start}")"
printf 'agent peak RSS: %d MB   gdbserver peak RSS: %d MB   target RSS: %d MB\n' \
  $((agent_peak / 1024)) $((server_peak / 1024)) $((target_rss / 1024))
