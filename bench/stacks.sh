#!/usr/bin/env bash
# How long the target stays stopped for a backtrace of every thread, side by side in one run, on
# the Envoy-shaped benchmark binary (bench/make-big-binary.sh) started with --serve 16 (16 named
# worker threads wrk:worker_K plus main):
#   (a) `meshdbg stacks --local --pid N --symbols BINARY -o json`;
#   (b) `gdb -p N -batch -ex "thread apply all bt"`, pstack's way, which keeps the process
#       stopped while gdb reads the binary's symbols.
# The pause is measured from outside, alike for both: a sampler reads the target's state in
# /proc/N/stat about every 0.5 ms and reports the longest stretch in state t (traced stop).
# meshdbg's own figure (pauseMs: from starting the debug server to its detach reply) is shown too.
# (a) and (b) alternate; after every run the target must be alive and running.
#
#   bench/stacks.sh [--size small|large|envoy] [--runs N] [--gdb-runs N]
# Needs gdb, gdbserver, llvm-19 (llvm-symbolizer), python3 and a built meshdbg.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
meshdbg=$root/bin/meshdbg
bench=stacks-bench
# shellcheck source=lib.sh
source "$here/lib.sh"

size=envoy runs=5 gdb_runs=''
while (($#)); do
  case $1 in
    --size) size=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --gdb-runs) gdb_runs=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
gdb_runs=${gdb_runs:-$runs}
require gdb gdbserver python3 jq
require_meshdbg

binary=$("$here/make-big-binary.sh" --size "$size")
work=$(mktemp -d)
target_pid='' sampler_pid=''
cleanup() {
  stop "$sampler_pid"; stop "$target_pid"
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/sampler.py" <<'PY'
import signal, sys, time
path = "/proc/%s/stat" % sys.argv[1]
done = False
def finish(*_):
    global done
    done = True
signal.signal(signal.SIGTERM, finish)
stopped_at = None
longest = 0.0
print("ready", flush=True)
while not done:
    now = time.monotonic()
    try:
        with open(path) as f:
            s = f.read()
    except OSError:
        break
    state = s[s.rindex(")") + 2]
    if state in "tT":
        stopped_at = stopped_at or now
    elif stopped_at is not None:
        longest = max(longest, now - stopped_at)
        stopped_at = None
    time.sleep(0.0005)
print("%.1f" % (longest * 1000), flush=True)
PY

"$binary" --serve 16 >"$work/target.out" 2>&1 &
target_pid=$!
sleep 1
threads=$(ls "/proc/$target_pid/task" | wc -l)
echo "$bench: $binary ($(du -h "$binary" | cut -f1)), pid $target_pid, $threads threads"
check_target "start"

# sample CMD...: runs CMD with the sampler watching; prints "LONGEST_STOP_MS WALL_MS".
sample() {
  python3 "$work/sampler.py" "$target_pid" >"$work/sampler.out" &
  sampler_pid=$!
  until [[ -s $work/sampler.out ]]; do sleep 0.01; done
  local t0 t1
  t0=$(date +%s%N)
  "$@" >"$work/cmd.out" 2>"$work/cmd.err" || { echo "$bench: FAIL: $* exited $?: $(head -3 "$work/cmd.err")" >&2; exit 1; }
  t1=$(date +%s%N)
  sleep 0.05
  kill "$sampler_pid"; wait "$sampler_pid" || true
  sampler_pid=''
  echo "$(tail -1 "$work/sampler.out") $(( (t1 - t0) / 1000000 ))"
}

printf '%-4s %-16s %-16s %-12s %-16s %-12s\n' run meshdbg-stop-ms meshdbg-pauseMs meshdbg-wall gdb-stop-ms gdb-wall
for i in $(seq "$runs"); do
  read -r m_stop m_wall < <(sample "$meshdbg" stacks --local --pid "$target_pid" --symbols "$binary" -o json)
  m_reported=$(jq '.pods[0].pauseMs' "$work/cmd.out")
  m_threads=$(jq '.pods[0].threads | length' "$work/cmd.out")
  [[ $m_threads == "$threads" ]] || { echo "$bench: FAIL: meshdbg saw $m_threads threads, not $threads" >&2; exit 1; }
  check_target "meshdbg run $i"
  g_stop=- g_wall=-
  if ((i <= gdb_runs)); then
    read -r g_stop g_wall < <(sample gdb -p "$target_pid" -batch -ex "thread apply all bt")
    [[ $(grep -c '^Thread ' "$work/cmd.out") == "$threads" ]] ||
      { echo "$bench: FAIL: gdb printed $(grep -c '^Thread ' "$work/cmd.out") threads, not $threads" >&2; exit 1; }
    check_target "gdb run $i"
  fi
  printf '%-4s %-16s %-16s %-12s %-16s %-12s\n' "$i" "$m_stop" "$m_reported" "$m_wall" "$g_stop" "$g_wall"
  echo "$m_stop" >>"$work/m_stop"; echo "$m_reported" >>"$work/m_reported"
  [[ $g_stop == - ]] || echo "$g_stop" >>"$work/g_stop"
done
median() { sort -g "$1" | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
m=$(median "$work/m_stop") g=$(median "$work/g_stop")
echo "$bench: median stop: meshdbg $m ms (its own pauseMs $(median "$work/m_reported")), gdb $g ms;" \
  "gdb/meshdbg $(awk -v g="$g" -v m="$m" 'BEGIN {printf "%.0f", (m > 0 ? g / m : 0)}')x"
kill -0 "$target_pid" || { echo "$bench: FAIL: the target died" >&2; exit 1; }
echo "$bench: the target runs after every capture"
