# Shared by e2e/kind.sh and e2e/cluster/run.sh: results, waiting for meshdbg's ready event,
# requests sent until the debugger is done, and the checks both make on a pod.
# Needs: jq, curl. Callers set WORK (a temp dir) and MESHDBG.

E2E_PASSED=0
E2E_FAILED=0
E2E_RESULTS=()

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# scenario NAME FUNCTION: runs FUNCTION in a subshell (a failing command or `fail` ends only
# this scenario), counts it, and prints one result line with its time.
scenario() {
  local name=$1 fn=$2 start rc
  start=$(date +%s)
  printf '\n=== %s\n' "$name"
  # Not part of an && or || list: there bash would ignore set -e inside the subshell.
  ( set -euo pipefail; "$fn" )
  rc=$?
  local took=$(( $(date +%s) - start ))
  if ((rc == 0)); then
    E2E_PASSED=$((E2E_PASSED + 1)); E2E_RESULTS+=("PASS $name (${took}s)")
    printf -- '--- PASS %s (%ss)\n' "$name" "$took"
  else
    E2E_FAILED=$((E2E_FAILED + 1)); E2E_RESULTS+=("FAIL $name (${took}s)")
    printf -- '--- FAIL %s (%ss)\n' "$name" "$took"
  fi
}

# summary: every result, then the closing line alone; returns non-zero when any failed.
summary() {
  printf '\n'
  local r
  for r in "${E2E_RESULTS[@]}"; do printf '%s\n' "$r"; done
  printf '%d passed, %d failed\n' "$E2E_PASSED" "$E2E_FAILED"
  ((E2E_FAILED == 0))
}

require_tools() {
  local tool missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  ((${#missing[@]} == 0)) || { printf 'e2e: MISSING TOOLS: %s (./setup.sh --deps installs them)\n' "${missing[*]}" >&2; return 1; }
}

# wait_ready EVENTS PID [SECONDS]: waits for meshdbg's own ready event in EVENTS (-o json) and
# prints its local port; fails when meshdbg ends first.
wait_ready() {
  local events=$1 pid=$2 seconds=${3:-180} port
  for _ in $(seq 1 "$seconds"); do
    # The last line may be half written: jq's complaint about it is not a failure here.
    port=$(jq -r 'select(.event=="ready" and .source==null) | .port' "$events" 2>/dev/null | head -1 || true)
    [[ -n "$port" ]] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "meshdbg ended before its ready event" >&2; return 1; }
    sleep 1
  done
  echo "no ready event from meshdbg in ${seconds}s" >&2
  return 1
}

# requests_while PID COMMAND...: runs COMMAND every half second while PID lives (at most 600
# times), so a breakpoint is hit whenever the debugger gets there, however long symbols load.
requests_while() {
  local pid=$1; shift
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || return 0
    "$@" >/dev/null 2>&1 || true
    sleep 0.5
  done
}

# sidecar_images NS SELECTOR [CONTAINER]: the images the sidecar runs in the matching pods,
# whether it is a regular container or a native sidecar (an init container with restartPolicy Always).
sidecar_images() {
  local ns=$1 selector=$2 name=${3:-istio-proxy}
  kubectl get pods -n "$ns" -l "$selector" -o json | jq -r --arg n "$name" '
    .items[].spec | ((.containers // []) + [(.initContainers // [])[] | select(.restartPolicy == "Always")])
    | .[] | select(.name == $n) | .image'
}

# sidecar_restarts NS SELECTOR [CONTAINER]: restart counts of the sidecar, regular or native.
sidecar_restarts() {
  local ns=$1 selector=$2 name=${3:-istio-proxy}
  kubectl get pods -n "$ns" -l "$selector" -o json | jq -r --arg n "$name" '
    .items[].status | ((.containerStatuses // []) + (.initContainerStatuses // []))
    | .[] | select(.name == $n) | .restartCount'
}

# no_session_left NS: no pod in NS still carries meshdbg's session annotation.
no_session_left() {
  [[ -z $(kubectl get pods -n "$1" -o json | jq -r '.items[].metadata.annotations["meshdbg.dev/session"] // empty') ]]
}
