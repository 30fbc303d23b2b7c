# Shared by the bench scripts that start processes of their own: sourced, not run.
# Callers set $bench (their name, for messages) and $meshdbg (the launcher) first.

# require TOOL...: exit 1 naming the first tool that is not on PATH.
require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$bench: $tool not found" >&2; exit 1; }
  done
}

# require_meshdbg: exit 1 unless the launcher runs (the jar is built).
require_meshdbg() {
  "$meshdbg" --version >/dev/null 2>&1 ||
    { echo "$bench: $meshdbg does not run; build with mvn -B -q -o -DskipTests package" >&2; exit 1; }
}

# stop PID: SIGTERM, then SIGKILL after 5 s; nothing when the pid is empty or gone.
stop() {
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# check_target WHEN: exit 1 unless $target_pid is alive and not stopped (state S or R) within 2 s.
check_target() {
  local state i
  for i in $(seq 20); do
    state=$(awk '/^State:/ {print $2}' "/proc/$target_pid/status" 2>/dev/null || echo gone)
    [[ $state == [SR] ]] && return 0
    sleep 0.1
  done
  echo "$bench: FAIL after $1: target state '$state'" >&2
  exit 1
}
