#!/usr/bin/env bash
# Guard overhead on a large memory read: a 64 MB anonymous mapping of a small C target (filled
# with all 256 byte values, so the protocol's escapes are exercised) read by the debugger
#   gdb:  `dump binary memory FILE START START+64MB`
#   lldb: `memory read --binary --force --outfile FILE START START+64MB`
# through the guard of one `meshdbg attach --local` agent (the debug server started on connect),
# straight to `gdbserver --once --attach 127.0.0.1:0` / `lldb-server gdbserver --attach` over
# TCP. (Not `target remote | gdbserver - ...`: gdb 13 reads a pipe so slowly, about 1 MB/s, that
# it would measure gdb, not the path.)
# Timed inside the debugger around the read only; the paths alternate run by run. Every dump must
# equal the target's memory (read from /proc/PID/mem), and the target must run after every run.
#
#   bench/guard-throughput.sh [--runs N] [--warm-up N] [--skip-lldb] [--skip-gdb] [--agent-java "JVM OPTIONS"]
# --warm-up reads through the guard before timing (default 3): the agent lives for a whole session,
# and its relay loop is JIT-compiled during the first reads. Each table is followed by the run-by-run
# ratio (each guard run against the direct run right after it), which the machine's drift moves less.
# With socat (and python3) installed, lldb also reads through socat, a plain C byte relay, for scale:
# what any extra loopback hop costs on this machine.
# --agent-java runs the agent (dev.meshdbg.agent.AgentMain from the meshdbg jar) directly with these
# JVM options instead of through `meshdbg attach`, to try the relay under another JIT set-up.
# Needs gcc, gdb, gdbserver, lldb-19, lldb-server-19 and a built meshdbg (mvn -B -q -o -DskipTests package).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
meshdbg=$root/bin/meshdbg
bench=guard-bench
# shellcheck source=lib.sh
source "$here/lib.sh"

runs=9 warmup=3 do_gdb=1 do_lldb=1 agent_java=''
while (($#)); do
  case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --warm-up) warmup=${2:?}; shift 2 ;;
    --skip-lldb) do_lldb=0; shift ;;
    --skip-gdb) do_gdb=0; shift ;;
    --agent-java) agent_java=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "guard-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
tools=(gcc)
((do_gdb)) && tools+=(gdb gdbserver)
((do_lldb)) && tools+=(lldb-19 lldb-server-19)
require "${tools[@]}"
with_socat=0
((do_lldb)) && command -v socat >/dev/null && command -v python3 >/dev/null && with_socat=1
require_meshdbg

work=$(mktemp -d)
target_pid='' agent_pid='' server_pid='' relay_pid=''
cleanup() {
  stop "$agent_pid"; stop "$relay_pid"; stop "$server_pid"; stop "$target_pid"
  rm -rf "$work"
}
trap cleanup EXIT

size=$((64 << 20))
cat >"$work/memhog.c" <<'C'
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
int main(void) {
  size_t n = 64UL << 20;
  unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 131 + (i >> 12));
  printf("%p\n", (void *)p);
  fflush(stdout);
  for (;;) pause();
}
C
gcc -O2 -g "$work/memhog.c" -o "$work/memhog"
"$work/memhog" >"$work/memhog.out" &
target_pid=$!
for _ in $(seq 100); do [[ -s $work/memhog.out ]] && break; sleep 0.05; done
start=$(cat "$work/memhog.out")
[[ -n $start ]] || { echo "guard-bench: the target did not start" >&2; exit 1; }
dd if="/proc/$target_pid/mem" bs=1M iflag=skip_bytes,count_bytes skip=$((start)) count=$size status=none >"$work/expected"

check_dump() { # WHEN
  cmp -s "$work/expected" "$work/dump" || { echo "guard-bench: FAIL: $1 read different bytes" >&2; exit 1; }
  rm -f "$work/dump"
}

# Starts COMMAND... with output on fd 4 and waits for a line with PATTERN ($last_line, $started_pid).
start_until_line() { # PATTERN COMMAND...
  local pattern=$1 line
  shift
  exec 4< <(exec "$@" 2>&1)
  started_pid=$!
  while IFS= read -r -u 4 line; do
    [[ $line == *"$pattern"* ]] && { last_line=$line; return 0; }
  done
  echo "guard-bench: '$*' ended before printing '$pattern'" >&2
  exit 1
}
drain() { cat <&4 >/dev/null & exec 4<&-; } # keep the started process from blocking on its output

gdb_read() { # TARGET-REMOTE-ARGUMENT: microseconds of the dump
  gdb -nx -batch -ex 'set pagination off' -ex 'set confirm off' -ex "file $work/memhog" \
    -ex "set sysroot /proc/$target_pid/root" -ex "target remote $1" \
    -ex "python import time; t0 = time.perf_counter(); gdb.execute('dump binary memory $work/dump $start $start+$size'); print('BENCH_US %d' % ((time.perf_counter() - t0) * 1e6))" \
    -ex detach 2>&1 | tee -a "$work/debugger.log" | sed -n 's/^BENCH_US //p'
}
lldb_read() { # HOST:PORT: microseconds of the read
  lldb-19 -b -o "gdb-remote $1" -o 'script import time; t0 = time.perf_counter()' \
    -o "memory read --binary --force --outfile $work/dump $start $start+$size" \
    -o 'script print("BENCH_US %d" % ((time.perf_counter() - t0) * 1e6))' -o detach 2>&1 |
    tee -a "$work/debugger.log" | sed -n 's/^BENCH_US //p'
}
agent_start() { # DEBUGGER
  if [[ -n $agent_java ]]; then
    # shellcheck disable=SC2086 # the options are words
    start_until_line '"event":"ready"' java $agent_java -cp "${MESHDBG_JAR:-$root/meshdbg-cli/target/meshdbg.jar}" \
      dev.meshdbg.agent.AgentMain --pid "$target_pid" --debugger "$1" --port 0 --idle-timeout 30m
  else
    start_until_line '"event":"ready"' "$meshdbg" attach --local --pid "$target_pid" --debugger "$1" \
      --client none -o json --out "$work/out"
  fi
  agent_pid=$started_pid
  guard_port=$(sed 's/.*"port":\([0-9]*\).*/\1/' <<<"$last_line")
  drain
}
agent_stop() { # meshdbg detaches on SIGINT, the agent alone on SIGTERM
  kill "-$([[ -n $agent_java ]] && echo TERM || echo INT)" "$agent_pid"
  wait "$agent_pid" 2>/dev/null || true
  agent_pid=''
  check_target "the agent's exit"
}
measure() { # FILE WHEN COMMAND...: run, check, append the time
  local us
  us=$("${@:3}")
  [[ -n $us ]] || { echo "guard-bench: FAIL: $2 did not read; its log:" >&2; tail -20 "$work/debugger.log" >&2; exit 1; }
  check_dump "$2"
  check_target "$2"
  echo "$us" >>"$work/$1"
}

median() { sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
mbps() { awk -v us="$1" -v n="$size" 'BEGIN {printf "%.1f", n / 1048576 / (us / 1e6)}'; }
range() { sort -n | awk -v n="$size" 'NR == 1 {lo = $1} {hi = $1} END {printf "%.1f-%.1f", n / 1048576 / (hi / 1e6), n / 1048576 / (lo / 1e6)}'; }
row() { # LABEL FILE PEER-FILE
  local t p
  t=$(median <"$work/$2") p=$(median <"$work/$3")
  echo "| $1 | $(mbps "$t") | $(range <"$work/$2") | $(awk -v t="$t" 'BEGIN {printf "%.2f", t / 1e6}') | $(awk -v t="$t" -v p="$p" 'BEGIN {printf "%.0f%%", 100 * t / p}') |"
}

paired() { # RELAYED-FILE DIRECT-FILE [NAME]: throughput as % of the direct run next to it, run by run
  local ratios
  ratios=$(paste "$work/$1" "$work/$2" | awk '{printf "%.1f\n", 100 * $2 / $1}')
  echo
  echo "Run by run, ${3:-guard} as % of the direct run next to it: median $(median <<<"$ratios")%, range $(sort -n <<<"$ratios" | sed -n '1p;$p' | paste -sd- -)%."
}
lldb_server_start() { # sets $server_pid and $port: lldb-server writes its port, NUL-terminated, to --pipe
  lldb-server-19 gdbserver --attach "$target_pid" --pipe 3 127.0.0.1:0 3>"$work/lldb-port" >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do [[ -s $work/lldb-port ]] && break; sleep 0.05; done
  port=$(tr -d '\0' <"$work/lldb-port")
  rm -f "$work/lldb-port"
}
lldb_server_wait() { wait "$server_pid" 2>/dev/null || true; server_pid=''; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
until_listening() { # PORT: until a socket listens on 127.0.0.1:PORT (state 0A in /proc/net/tcp)
  local hex
  hex=$(printf '0100007F:%04X' "$1")
  for _ in $(seq 200); do grep -q " $hex 00000000:0000 0A " /proc/net/tcp && return 0; sleep 0.02; done
  echo "guard-bench: nothing listens on 127.0.0.1:$1" >&2
  exit 1
}

echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $runs runs after $warmup warm-up reads through the guard."
echo "Read: 64 MB at $start of the bench target (pid $target_pid)."
[[ -z $agent_java ]] || echo "Agent: java $agent_java -cp meshdbg.jar dev.meshdbg.agent.AgentMain (not through meshdbg attach)."
echo "Versions: $(gdb --version | head -1); $(gdbserver --version | head -1); $(lldb-19 --version | head -1); $(java -version 2>&1 | head -1)."

if ((do_gdb)); then
  agent_start gdb
  : >"$work/gg"; : >"$work/gd"
  for _ in $(seq "$warmup"); do gdb_read "127.0.0.1:$guard_port" >/dev/null; check_target "gdb warm-up"; done
  for i in $(seq "$runs"); do
    measure gg "gdb through the guard, run $i" gdb_read "127.0.0.1:$guard_port"
    start_until_line 'Listening on port' gdbserver --once --attach 127.0.0.1:0 "$target_pid"
    server_pid=$started_pid
    port=$(sed 's/.*Listening on port \([0-9]*\).*/\1/' <<<"$last_line")
    drain
    measure gd "gdb to gdbserver over TCP, run $i" gdb_read "127.0.0.1:$port"
    wait "$server_pid" 2>/dev/null || true
    server_pid=''
  done
  agent_stop
  echo
  echo "gdb \`dump binary memory\` of 64 MB (load average $(cut -d' ' -f1-3 /proc/loadavg) after):"
  echo
  echo "| path | median MB/s | min-max MB/s | median s | guard as % of this |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  row "through meshdbg's guard" gg gg
  row "straight to gdbserver --once --attach 127.0.0.1:0 (TCP)" gd gg
  paired gg gd
fi

if ((do_lldb)); then
  agent_start lldb
  : >"$work/lg"; : >"$work/ld"
  for _ in $(seq "$warmup"); do lldb_read "127.0.0.1:$guard_port" >/dev/null; check_target "lldb warm-up"; done
  : >"$work/ls"
  for i in $(seq "$runs"); do
    measure lg "lldb through the guard, run $i" lldb_read "127.0.0.1:$guard_port"
    lldb_server_start
    measure ld "lldb to lldb-server over TCP, run $i" lldb_read "127.0.0.1:$port"
    lldb_server_wait
    if ((with_socat)); then
      lldb_server_start
      relay_port=$(free_port)
      socat -b 262144 "TCP-LISTEN:$relay_port,bind=127.0.0.1,reuseaddr,nodelay" "TCP:127.0.0.1:$port,nodelay" &
      relay_pid=$!
      until_listening "$relay_port"
      measure ls "lldb through socat to lldb-server, run $i" lldb_read "127.0.0.1:$relay_port"
      wait "$relay_pid" 2>/dev/null || true
      relay_pid=''
      lldb_server_wait
    fi
  done
  agent_stop
  echo
  echo "lldb \`memory read --binary\` of 64 MB (load average $(cut -d' ' -f1-3 /proc/loadavg) after):"
  echo
  echo "| path | median MB/s | min-max MB/s | median s | guard as % of this |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  row "through meshdbg's guard" lg lg
  row "straight to lldb-server-19 gdbserver --attach (TCP)" ld lg
  ((with_socat)) && row "through socat (a plain byte relay, for scale) to lldb-server-19" ls lg
  paired lg ld
  ((with_socat)) && paired ls ld socat
fi
echo
echo "Every read equal to the target's memory; the target ran on after every run."
