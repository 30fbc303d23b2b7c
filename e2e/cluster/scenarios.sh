# The scenarios of e2e/cluster/run.sh, one function each, run in a subshell with set -e by
# lib.sh's `scenario`. Sourced, not run. They use the rig's variables (RIG, REGISTRY, ENVOY,
# HANDLER_LINE, DEBUG_IMAGE, AGENT_IMAGE, STOCK_TAG) and kubectl as the rig's admin.

ALL_SCENARIOS=(
  cluster-debug-path
  sidecar-set-image-reset
  stock-sidecar-agent-image
  stacks-stock-sidecar
  attach-ephemeral-gdb
  attach-ephemeral-lldb
  attach-node-gdb
  attach-node-lldb
  ending-client-killed
  ending-meshdbg-killed
  ending-ctrl-c
  rbac-role-attaches
  rbac-no-portforward-refused
  pod-security-baseline
)
NS=mark
POD=fortio-server-0

# --- the workload ---------------------------------------------------------------------------

# deploy_fortio NS PROXY_IMAGE [LABEL...]: the seed's namespace and StatefulSet, with its
# sidecar.istio.io/* annotations (the proxy image in the rig's registry), injected by the rig's
# webhook; waits until the pod is Ready.
deploy_fortio() {
  local ns=$1 image=$2; shift 2
  kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  kubectl label namespace "$ns" istio-injection=enabled "$@" --overwrite >/dev/null
  for _ in $(seq 1 60); do kubectl get serviceaccount default -n "$ns" >/dev/null 2>&1 && break; sleep 1; done
  kubectl apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: fortio-server
  labels: {app: fortio-server}
spec:
  serviceName: fortio-server
  replicas: 1
  selector:
    matchLabels: {app: fortio-server}
  template:
    metadata:
      annotations:
        sidecar.istio.io/proxyImage: $image
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/proxyMemoryLimit: "4Gi"
        sidecar.istio.io/proxyMemory: "512Mi"
      labels:
        app.kubernetes.io/name: fortio-server
        app: fortio-server
    spec:
      restartPolicy: Always
      terminationGracePeriodSeconds: 5
      containers:
      - name: main-app
        image: $REGISTRY/main-app:1
        imagePullPolicy: IfNotPresent
        ports:
        - {containerPort: 8080, protocol: TCP, name: http}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
      - name: istio-proxy
        image: auto
        imagePullPolicy: IfNotPresent
YAML
  wait_pod_ready "$ns" "$POD" 180
}

wait_pod_ready() {
  local ns=$1 pod=$2 seconds=${3:-60}
  for _ in $(seq 1 "$seconds"); do
    kubectl get pod -n "$ns" "$pod" >/dev/null 2>&1 && break
    sleep 1
  done
  kubectl wait -n "$ns" "pod/$pod" --for=condition=Ready --timeout="${seconds}s" >/dev/null
}

# on_image NS IMAGE: the StatefulSet's sidecar runs IMAGE (set with meshdbg when it does not).
on_image() {
  local ns=$1 image=$2
  if [[ $(sidecar_images "$ns" app=fortio-server) != "$image" ]]; then
    "$MESHDBG" sidecar set-image sts/fortio-server -n "$ns" --image "$image" --memory 512Mi --memory-limit 4Gi --wait >/dev/null
  fi
  wait_pod_ready "$ns" "$POD" 120
  [[ $(sidecar_images "$ns" app=fortio-server) == "$image" ]] || fail "the sidecar does not run $image"
}

# --- requests to Envoy ----------------------------------------------------------------------

# Background processes of a scenario, by pid in $WORK/pids (also from command substitutions).
track() { echo "$1" >> "$WORK/pids"; }
# Runs as the scenario's EXIT trap, under its set -e: a pid already gone must not fail it.
scenario_cleanup() {
  local pid
  for pid in $(cat "$WORK/pids" 2>/dev/null || true); do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in $(cat "$WORK/pids" 2>/dev/null || true); do kill -KILL "$pid" 2>/dev/null || true; done
}

# envoy_forward NS POD: a kubectl port-forward to Envoy's port (127.0.0.1:15000 in the pod:
# the stand-in listens on loopback, as Envoy's admin does); prints the local port.
envoy_forward() {
  local ns=$1 pod=$2 out=$WORK/forward.$RANDOM
  kubectl port-forward -n "$ns" "pod/$pod" --address 127.0.0.1 :15000 > "$out" 2>&1 &
  track $!
  for _ in $(seq 1 30); do
    local port; port=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) .*/\1/p' "$out" | head -1)
    [[ -n $port ]] && { echo "$port"; return 0; }
    sleep 0.5
  done
  cat "$out" >&2
  fail "kubectl port-forward to $ns/$pod did not start"
}

envoy_get() { curl -sf --max-time 3 "http://127.0.0.1:$1$2"; }

# serves_for PORT SECONDS: every request for SECONDS through the forward is answered by Envoy's
# handler (a leftover breakpoint would stop or kill it).
serves_for() {
  local port=$1 seconds=$2 n=0 end=$(( $(date +%s) + $2 ))
  while (( $(date +%s) < end )); do
    envoy_get "$port" "/after-$n" | grep -q "GET /after-$n #" || fail "Envoy did not answer request $n within ${seconds}s of serving"
    n=$((n + 1)); sleep 0.2
  done
  echo "Envoy answered $n requests in ${seconds}s"
}

# envoy_serves_again PORT: Envoy answers within 20 s, then for 3 s more.
envoy_serves_again() {
  local port=$1
  for _ in $(seq 1 40); do envoy_get "$port" /healthz >/dev/null && break; sleep 0.5; done
  serves_for "$port" 3
}

ephemeral_count() { kubectl get pod -n "$1" "$2" -o json | jq '.spec.ephemeralContainers // [] | length'; }

# healthy_after NS FORWARD RESTARTS_BEFORE: the pod is Ready, Envoy serves, the sidecar did not restart.
healthy_after() {
  local ns=$1 port=$2 restarts=$3
  envoy_serves_again "$port"
  wait_pod_ready "$ns" "$POD" 60
  [[ $(sidecar_restarts "$ns" app=fortio-server) == "$restarts" ]] || fail "istio-proxy restarted ($restarts before, $(sidecar_restarts "$ns" app=fortio-server) now)"
  no_session_left "$ns" || fail "the session annotation is still on the pod"
  echo "pod Ready, Envoy serves, istio-proxy not restarted, no session annotation"
}

# --- attach with a client driven by a script ------------------------------------------------

# The breakpoint's condition: only the test's requests (/e2e-...) stop Envoy, not the
# readiness checks pilot-agent sends to /healthz nor the later /after-N requests.
OURS="request.path._M_dataplus._M_p[1] == 'e'"

# attach_breakpoint NS DEBUGGER MODE [ATTACH_OPTION...]: `meshdbg attach --client DEBUGGER`
# with the debugger's commands on stdin: a breakpoint in Envoy's request handler, hit by
# requests sent through a port-forward until the debugger exits; a variable read; detach.
attach_breakpoint() {
  local ns=$1 debugger=$2 mode=$3; shift 3
  local fwd restarts path=/e2e-$debugger-$mode
  fwd=$(envoy_forward "$ns" "$POD")
  restarts=$(sidecar_restarts "$ns" app=fortio-server)
  if [[ $debugger == gdb ]]; then
    printf '%s\n' "break envoy_like.cc:$HANDLER_LINE if $OURS" continue "print request.path._M_dataplus._M_p" detach quit > "$WORK/client.in"
  else
    # lldb reads piped commands asynchronously: make `continue` wait for the stop. Then select the
    # thread at the breakpoint, as a person does with `thread select`: in node mode lldb-server
    # runs in the host's PID namespace and reports the threads it stopped itself as stopped by
    # SIGSTOP (docs/kube.md), so lldb may select another one.
    printf '%s\n' "script lldb.debugger.SetAsync(False)" "breakpoint set --file envoy_like.cc --line $HANDLER_LINE --condition \"$OURS\"" \
      "process continue" \
      "script [lldb.process.SetSelectedThread(t) for t in lldb.process if t.GetStopReason() == lldb.eStopReasonBreakpoint]" \
      "frame variable request.path" "process detach" quit > "$WORK/client.in"
  fi
  timeout 300 "$MESHDBG" attach -n "$ns" "$POD" --mode "$mode" --debugger "$debugger" --client "$debugger" \
    --symbols "$ENVOY" --source-root "$ENVOY_WORKSPACE" --out "$WORK/out" --max-pause 60s "$@" \
    < "$WORK/client.in" > "$WORK/attach.out" 2> "$WORK/attach.err" &
  local pid=$!
  requests_while "$pid" envoy_get "$fwd" "$path" &
  track $!
  local rc=0; wait "$pid" || rc=$?
  sed 's/^/  | /' "$WORK/attach.out"; sed 's/^/  ! /' "$WORK/attach.err"
  ((rc == 0)) || fail "meshdbg attach --mode $mode --client $debugger exited $rc"
  if [[ $debugger == gdb ]]; then
    grep -q "Breakpoint 1, envoy_like::handle_request" "$WORK/attach.out" || fail "gdb did not stop in handle_request"
    grep -q "\$1 = .*\"$path\"" "$WORK/attach.out" || fail "gdb did not read request.path"
    grep -qE "Detaching from|detached\]" "$WORK/attach.out" || fail "gdb did not detach"
  else
    grep -q "stop reason = breakpoint 1" "$WORK/attach.out" || fail "lldb did not stop at the breakpoint"
    grep -q "\"$path\"" "$WORK/attach.out" || fail "lldb did not read request.path"
    grep -qE "Process [0-9]+ detached" "$WORK/attach.out" || fail "lldb did not detach"
  fi
  echo "breakpoint hit by a request for $path, request.path read, detached"
  healthy_after "$ns" "$fwd" "$restarts"
}

# --- scenarios ------------------------------------------------------------------------------

scenario_setup() {
  WORK=$(mktemp -d "$RIG/scenario.XXXXXX")
  trap scenario_cleanup EXIT
  if ! kubectl get sts fortio-server -n "$NS" >/dev/null 2>&1; then
    deploy_fortio "$NS" "$REGISTRY/proxyv2:$STOCK_TAG"
  fi
}

# The rig's own check, without meshdbg: what meshdbg's ephemeral mode relies on works on this
# cluster. A gdbserver from the debug image in an ephemeral container that targets istio-proxy
# and has only SYS_PTRACE (kubectl debug --profile=general) attaches to Envoy (uid 1337) in the
# shared PID namespace; gdb reaches it through a port-forward, stops Envoy at the handler on a
# request, reads it and detaches; Envoy serves on. A meshdbg failure with this passing is meshdbg's.
scenario_cluster_debug_path() {
  scenario_setup
  local name=probe-$RANDOM fwd restarts
  restarts=$(sidecar_restarts "$NS" app=fortio-server)
  kubectl debug -n "$NS" "$POD" --target istio-proxy --image "$DEBUG_IMAGE" --profile=general --container "$name" -- \
    /opt/meshdbg/bin/sh -c 'for p in /proc/[0-9]*; do read c < $p/comm; [ "$c" = envoy ] && exec /opt/meshdbg/bin/gdbserver --once --attach 127.0.0.1:2345 ${p#/proc/}; done; echo no envoy; exit 1' >/dev/null
  for _ in $(seq 1 60); do kubectl logs -n "$NS" "$POD" -c "$name" 2>/dev/null | grep -q "Listening on port" && break; sleep 1; done
  kubectl logs -n "$NS" "$POD" -c "$name" | sed 's/^/  gdbserver: /'
  kubectl port-forward -n "$NS" "pod/$POD" --address 127.0.0.1 :2345 > "$WORK/gdbserver-forward" 2>&1 &
  track $!
  local port
  for _ in $(seq 1 30); do
    port=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) .*/\1/p' "$WORK/gdbserver-forward" | head -1)
    [[ -n $port ]] && break; sleep 0.5
  done
  fwd=$(envoy_forward "$NS" "$POD")
  timeout 120 gdb -nx -batch "$ENVOY" -ex "target remote 127.0.0.1:$port" -ex "break envoy_like.cc:$HANDLER_LINE if $OURS" \
    -ex continue -ex "print request.path._M_dataplus._M_p" -ex detach > "$WORK/gdb.out" 2>&1 &
  local gdb_pid=$!
  requests_while "$gdb_pid" envoy_get "$fwd" /e2e-probe
  wait "$gdb_pid" || true
  grep -E "hit Breakpoint|\\\$1 = |detached" "$WORK/gdb.out" | sed 's/^/  | /'
  grep -q '\$1 = .*"/e2e-probe"' "$WORK/gdb.out" || { cat "$WORK/gdb.out"; fail "gdb through the cluster did not stop Envoy at the handler"; }
  grep -q "detached\]" "$WORK/gdb.out" || fail "gdb did not detach"
  healthy_after "$NS" "$fwd" "$restarts"
}

scenario_sidecar_set_image_reset() {
  scenario_setup
  # From the template as deployed: an earlier scenario's set-image is undone first (a no-op
  # when there was none).
  "$MESHDBG" sidecar reset sts/fortio-server -n "$NS" --wait >/dev/null
  on_image "$NS" "$REGISTRY/proxyv2:$STOCK_TAG"
  kubectl get sts fortio-server -n "$NS" -o json | jq -e '.spec.template.metadata.annotations["meshdbg.dev/sidecar-previous"] == null' >/dev/null ||
    fail "the template still carries meshdbg.dev/sidecar-previous after reset"
  local before after
  before=$(kubectl get sts fortio-server -n "$NS" -o json | jq -S .spec.template)
  "$MESHDBG" sidecar set-image sts/fortio-server -n "$NS" --image "$DEBUG_IMAGE" --memory 512Mi --memory-limit 4Gi --wait
  wait_pod_ready "$NS" "$POD" 60
  [[ $(sidecar_images "$NS" app=fortio-server) == "$DEBUG_IMAGE" ]] || fail "the pod does not run $DEBUG_IMAGE"
  kubectl get pod -n "$NS" "$POD" -o json | jq -e '.spec.containers[] | select(.name=="istio-proxy")
    | .resources.requests.memory == "512Mi" and .resources.limits.memory == "4Gi"' >/dev/null ||
    fail "the injected sidecar does not have 512Mi/4Gi"
  echo "rolled onto $DEBUG_IMAGE through the StatefulSet controller; sidecar memory 512Mi/4Gi"
  "$MESHDBG" sidecar reset sts/fortio-server -n "$NS" --wait
  wait_pod_ready "$NS" "$POD" 60
  after=$(kubectl get sts fortio-server -n "$NS" -o json | jq -S .spec.template)
  [[ $before == "$after" ]] || { diff <(echo "$before") <(echo "$after") || true; fail "reset did not restore the template exactly"; }
  [[ $(sidecar_images "$NS" app=fortio-server) == "$REGISTRY/proxyv2:$STOCK_TAG" ]] || fail "the pod is not back on the stock image"
  echo "reset: template identical to before set-image, pod back on proxyv2:$STOCK_TAG"
}

scenario_stock_sidecar_agent_image() {
  scenario_setup
  [[ -n $AGENT_IMAGE ]] || fail "no agent-only image: \`meshdbg image agent --to REF --insecure\` failed: $(tail -1 "$RIG/logs/image-agent.log")"
  on_image "$NS" "$REGISTRY/proxyv2:$STOCK_TAG"
  attach_breakpoint "$NS" gdb ephemeral --image "$AGENT_IMAGE"
}

# meshdbg stacks on the stock sidecar, with the agent-only image: every Envoy thread's stack by
# name in one short stop; the pod stays Ready and serves, and the sidecar is not restarted.
scenario_stacks_stock_sidecar() {
  scenario_setup
  [[ -n $AGENT_IMAGE ]] || fail "no agent-only image"
  on_image "$NS" "$REGISTRY/proxyv2:$STOCK_TAG"
  local fwd restarts
  fwd=$(envoy_forward "$NS" "$POD")
  restarts=$(sidecar_restarts "$NS" app=fortio-server)
  timeout 300 "$MESHDBG" stacks -n "$NS" "$POD" --image "$AGENT_IMAGE" --symbols "$ENVOY" -o json \
    > "$WORK/stacks.json" 2> "$WORK/stacks.err" || { sed 's/^/  ! /' "$WORK/stacks.err"; fail "meshdbg stacks failed"; }
  python3 - "$WORK/stacks.json" <<'PY' || fail "the stacks lack Envoy's threads or its functions"
import json, sys
doc = json.load(open(sys.argv[1]))
pods = doc["pods"] if isinstance(doc, dict) and "pods" in doc else doc
pod = pods[0]
names = [t["name"] for t in pod["threads"]]
functions = [l.get("function") or "" for t in pod["threads"] for f in t["frames"] for l in f.get("locations") or []]
print(f"  {len(names)} threads ({', '.join(sorted(set(names)))}), stopped at most {pod['pauseMs']} ms")
assert any(n.startswith("wrk:worker_") for n in names), names
# Symbolized by file and function through the symbols: the workers' thread entry, main's start.
assert any("execute_native_thread_routine" in f or "std::thread" in f for f in functions), functions[:20]
assert any("__libc_start_call_main" in f or f == "main" for f in functions), functions[:20]
PY
  healthy_after "$NS" "$fwd" "$restarts"
}

scenario_attach_ephemeral_gdb() { scenario_setup; on_image "$NS" "$DEBUG_IMAGE"; attach_breakpoint "$NS" gdb ephemeral; }
scenario_attach_ephemeral_lldb() { scenario_setup; on_image "$NS" "$DEBUG_IMAGE"; attach_breakpoint "$NS" lldb ephemeral; }
scenario_attach_node_gdb() { scenario_setup; on_image "$NS" "$DEBUG_IMAGE"; attach_breakpoint "$NS" gdb node; }
scenario_attach_node_lldb() { scenario_setup; on_image "$NS" "$DEBUG_IMAGE"; attach_breakpoint "$NS" lldb node; }

# --- endings --------------------------------------------------------------------------------

# start_session: meshdbg attach --client none in the background (SIGINT at its default, as in a
# terminal), gdb connected to its forward and stopped at the breakpoint by a request. Sets
# MESHDBG_PID, GDB_PID, FWD, RESTARTS.
start_session() {
  FWD=$(envoy_forward "$NS" "$POD")
  RESTARTS=$(sidecar_restarts "$NS" app=fortio-server)
  python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
    "$MESHDBG" attach -n "$NS" "$POD" --symbols "$ENVOY" --client none --max-pause 60s -o json \
    > "$WORK/events.jsonl" 2> "$WORK/attach.err" &
  MESHDBG_PID=$!
  track "$MESHDBG_PID"
  local port; port=$(wait_ready "$WORK/events.jsonl" "$MESHDBG_PID") || { cat "$WORK/attach.err"; fail "no session"; }
  timeout 300 gdb -nx -batch "$ENVOY" -ex "target remote 127.0.0.1:$port" -ex "break envoy_like.cc:$HANDLER_LINE if $OURS" \
    -ex continue -ex "print request.path._M_dataplus._M_p" -ex "shell sleep 600" > "$WORK/gdb.out" 2>&1 &
  GDB_PID=$!
  track "$GDB_PID"
  for _ in $(seq 1 240); do
    grep -q '\$1 = ' "$WORK/gdb.out" && break
    kill -0 "$GDB_PID" 2>/dev/null || break
    # gdb goes on to the next command after a failed one: stop waiting once it has no process.
    grep -qE 'Remote connection closed|The program is not being run' "$WORK/gdb.out" && break
    envoy_get "$FWD" /ending >/dev/null 2>&1 &
    sleep 0.5
  done
  grep -q '\$1 = ' "$WORK/gdb.out" || { cat "$WORK/gdb.out"; fail "gdb did not stop at the breakpoint"; }
  echo "gdb stopped Envoy at handle_request"
}

# after_ending: Envoy serves for 3 s more, the pod is Ready, and cleanup leaves nothing.
after_ending() {
  envoy_serves_again "$FWD"
  wait_pod_ready "$NS" "$POD" 60
  [[ $(sidecar_restarts "$NS" app=fortio-server) == "$RESTARTS" ]] || fail "istio-proxy restarted"
  "$MESHDBG" cleanup -n "$NS" | sed 's/^/  cleanup: /'
  no_session_left "$NS" || fail "cleanup left the session annotation"
  [[ -z $(kubectl get pods -n meshdbg-system -l app.kubernetes.io/managed-by=meshdbg -o name 2>/dev/null) ]] || fail "a node agent pod is left"
  echo "Envoy serves, pod Ready, nothing left after cleanup"
}

scenario_ending_client_killed() {
  scenario_setup; on_image "$NS" "$DEBUG_IMAGE"
  start_session
  kill -KILL "$GDB_PID"
  echo "gdb SIGKILLed at the breakpoint"
  after_ending
  kill -TERM "$MESHDBG_PID"; wait "$MESHDBG_PID" || true
}

scenario_ending_meshdbg_killed() {
  scenario_setup; on_image "$NS" "$DEBUG_IMAGE"
  start_session
  kill -KILL "$MESHDBG_PID"
  echo "meshdbg SIGKILLed while gdb holds Envoy at the breakpoint (the forward drops)"
  after_ending
  kill -KILL "$GDB_PID" 2>/dev/null || true
}

scenario_ending_ctrl_c() {
  scenario_setup; on_image "$NS" "$DEBUG_IMAGE"
  start_session
  kill -INT "$MESHDBG_PID"
  local rc=0; wait "$MESHDBG_PID" || rc=$?
  echo "meshdbg got SIGINT while gdb holds Envoy at the breakpoint; exit $rc"
  ((rc == 0)) || { cat "$WORK/attach.err"; fail "meshdbg exited $rc on Ctrl-C"; }
  jq -e 'select(.event=="done" and .source==null)' "$WORK/events.jsonl" >/dev/null || fail "no done event"
  after_ending
  kill -KILL "$GDB_PID" 2>/dev/null || true
}

# --- RBAC -----------------------------------------------------------------------------------

# The Role meshdbg prints (`meshdbg rbac role`, the one docs/kube.md shows: a test keeps them
# equal) for group meshdbg-debuggers; the same without its pods/portforward rule for group
# meshdbg-no-forward.
rbac_roles() {
  "$MESHDBG" rbac role -n "$NS" > "$WORK/role.yaml"
  python3 - "$WORK/role.yaml" > "$WORK/no-forward.yaml" <<'PY'
import sys
role = open(sys.argv[1]).read().split("\n---\n")[0]
rules = role.split("\n- ")
kept = [r for r in rules if "pods/portforward" not in r]
print("\n- ".join(kept).replace("name: meshdbg-ephemeral,", "name: meshdbg-no-forward,"))
PY
  kubectl apply -f "$WORK/role.yaml" -f "$WORK/no-forward.yaml" >/dev/null
  kubectl apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: meshdbg-debuggers, namespace: $NS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: meshdbg-ephemeral}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: meshdbg-debuggers}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: meshdbg-debuggers-namespaces}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: meshdbg-ephemeral-namespaces}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: meshdbg-debuggers}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: meshdbg-no-forward, namespace: $NS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: meshdbg-no-forward}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: meshdbg-no-forward}]
YAML
}

scenario_rbac_role_attaches() {
  scenario_setup; on_image "$NS" "$DEBUG_IMAGE"
  rbac_roles
  kubectl auth can-i create pods --subresource portforward -n "$NS" --as alice --as-group meshdbg-debuggers >/dev/null ||
    fail "the Role does not grant pods/portforward"
  attach_breakpoint "$NS" gdb ephemeral --kubeconfig "$RIG/alice.kubeconfig"
  echo "alice (group meshdbg-debuggers, the Role of docs/kube.md only) attached"
}

scenario_rbac_no_portforward_refused() {
  scenario_setup; on_image "$NS" "$DEBUG_IMAGE"
  rbac_roles
  local before after rc=0
  before=$(ephemeral_count "$NS" "$POD")
  "$MESHDBG" attach -n "$NS" "$POD" --kubeconfig "$RIG/bob.kubeconfig" --client none \
    > "$WORK/attach.out" 2> "$WORK/attach.err" < /dev/null || rc=$?
  sed 's/^/  ! /' "$WORK/attach.err"
  after=$(ephemeral_count "$NS" "$POD")
  ((rc == 2)) || fail "expected exit 2 for a missing permission, got $rc"
  grep -q "pods/portforward" "$WORK/attach.err" || fail "the refusal does not name pods/portforward"
  [[ $before == "$after" ]] || fail "the pod got an ephemeral container ($before before, $after after)"
  no_session_left "$NS" || fail "the refused attach left a session annotation"
  echo "bob refused before any change (exit 2, no ephemeral container, no annotation)"
}

# --- Pod Security ---------------------------------------------------------------------------

scenario_pod_security_baseline() {
  WORK=$(mktemp -d "$RIG/scenario.XXXXXX"); trap scenario_cleanup EXIT
  local ns=mark-baseline
  kubectl get sts fortio-server -n "$ns" >/dev/null 2>&1 ||
    deploy_fortio "$ns" "$DEBUG_IMAGE" pod-security.kubernetes.io/enforce=baseline
  local before after rc=0
  before=$(ephemeral_count "$ns" "$POD")
  "$MESHDBG" attach -n "$ns" "$POD" --client none > "$WORK/attach.out" 2> "$WORK/attach.err" < /dev/null || rc=$?
  sed 's/^/  ! /' "$WORK/attach.err"
  after=$(ephemeral_count "$ns" "$POD")
  ((rc == 2)) || fail "expected exit 2 for the ephemeral mode under baseline, got $rc"
  grep -qi "baseline" "$WORK/attach.err" && grep -q -- "--mode node" "$WORK/attach.err" ||
    fail "the refusal does not name the level and --mode node"
  [[ $before == "$after" ]] || fail "the pod got an ephemeral container"
  echo "ephemeral mode refused under baseline; now --mode node"
  attach_breakpoint "$ns" gdb node
}
