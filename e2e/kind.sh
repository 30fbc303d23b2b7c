#!/usr/bin/env bash
# meshdbg end to end on a real cluster: kind + Istio + a meshed app.
#   debug image (meshdbg image build) -> sidecar set-image -> attach (ephemeral, then node mode)
#   -> a breakpoint in Envoy's HTTP connection manager, hit by real traffic -> detach -> the app
#   still serves -> sidecar reset -> cleanup.
#
# Needs: docker, kind, kubectl, istioctl (matching ISTIO_VERSION), gdb, jq, and a local Envoy with
# debug info that is the same build as istio/proxyv2:$ISTIO_VERSION's Envoy (same build-id).
#
#   ENVOY=/path/to/envoy-debug e2e/kind.sh
#
# Environment: ISTIO_VERSION (1.24.2), CLUSTER (meshdbg-e2e), REG_PORT (5001),
# MESHDBG (bin/meshdbg of this checkout), KEEP=1 keeps the cluster and registry afterwards.
set -euo pipefail

: "${ENVOY:?set ENVOY to a local Envoy debug binary matching istio/proxyv2:\$ISTIO_VERSION}"
ISTIO_VERSION=${ISTIO_VERSION:-1.24.2}
CLUSTER=${CLUSTER:-meshdbg-e2e}
REG_NAME=${CLUSTER}-registry
REG_PORT=${REG_PORT:-5001}
HERE=$(cd "$(dirname "$0")" && pwd)
MESHDBG=${MESHDBG:-$HERE/../bin/meshdbg}
NS=demo
IMAGE=localhost:${REG_PORT}/proxyv2:${ISTIO_VERSION}-meshdbg
WORK=$(mktemp -d)
ATTACH_PID=
source "$HERE/lib.sh"

finish() {
  local code=$?
  [[ -n "$ATTACH_PID" ]] && kill -TERM "$ATTACH_PID" 2>/dev/null && wait "$ATTACH_PID" 2>/dev/null || true
  if [[ "${KEEP:-0}" != 1 ]]; then
    kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
    docker rm -f "$REG_NAME" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  [[ $code == 0 ]] && echo "PASS" || echo "FAILED (exit $code)"
}
trap finish EXIT

require_tools docker kind kubectl istioctl gdb jq curl || exit 1
[[ -x "$MESHDBG" ]] || fail "meshdbg launcher $MESHDBG not found (build with: mvn -B package)"

step "local registry on 127.0.0.1:$REG_PORT"
docker inspect "$REG_NAME" >/dev/null 2>&1 ||
  docker run -d --restart=always -p "127.0.0.1:${REG_PORT}:5000" --name "$REG_NAME" registry:2 >/dev/null

step "kind cluster $CLUSTER (nodes pull localhost:$REG_PORT from the registry container)"
if ! kind get clusters | grep -qx "$CLUSTER"; then
  cat > "$WORK/kind.yaml" <<YAML
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
containerdConfigPatches:
- |-
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d"
YAML
  kind create cluster --name "$CLUSTER" --config "$WORK/kind.yaml" --wait 120s
fi
for node in $(kind get nodes --name "$CLUSTER"); do
  docker exec "$node" mkdir -p "/etc/containerd/certs.d/localhost:${REG_PORT}"
  printf '[host."http://%s:5000"]\n' "$REG_NAME" |
    docker exec -i "$node" tee "/etc/containerd/certs.d/localhost:${REG_PORT}/hosts.toml" >/dev/null
done
docker network connect kind "$REG_NAME" 2>/dev/null || true
kubectl config use-context "kind-$CLUSTER" >/dev/null

step "Istio $ISTIO_VERSION and a meshed app in namespace $NS"
istioctl install --set profile=minimal --set tag="$ISTIO_VERSION" -y >/dev/null
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl label namespace "$NS" istio-injection=enabled --overwrite >/dev/null
kubectl apply -n "$NS" -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: httpbin}
spec:
  selector: {matchLabels: {app: httpbin}}
  template:
    metadata: {labels: {app: httpbin}}
    spec:
      containers:
      - name: httpbin
        image: docker.io/mccutchen/go-httpbin:v2.15.0
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: httpbin}
spec:
  selector: {app: httpbin}
  ports: [{name: http, port: 8000, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: curl}
spec:
  selector: {matchLabels: {app: curl}}
  template:
    metadata: {labels: {app: curl}}
    spec:
      containers:
      - name: curl
        image: docker.io/curlimages/curl:8.11.1
        command: ["sleep", "infinity"]
YAML
kubectl rollout status -n "$NS" deploy/httpbin --timeout=300s
kubectl rollout status -n "$NS" deploy/curl --timeout=300s

request() { kubectl exec -n "$NS" deploy/curl -c curl -- curl -s -o /dev/null -w '%{http_code}' --max-time 20 http://httpbin:8000/get; }
[[ $(request) == 200 ]] || fail "the app does not serve before the test"

step "debug image: meshdbg image build (stripped Envoy; the local file keeps the symbols)"
"$MESHDBG" image build --from "docker.io/istio/proxyv2:${ISTIO_VERSION}" --envoy "$ENVOY" --strip-debug \
  --debugger gdb --to "$IMAGE" --insecure

step "meshdbg sidecar set-image (with --dry-run first)"
"$MESHDBG" sidecar set-image deploy/httpbin -n "$NS" --image "$IMAGE" --memory 512Mi --memory-limit 4Gi --dry-run
"$MESHDBG" sidecar set-image deploy/httpbin -n "$NS" --image "$IMAGE" --memory 512Mi --memory-limit 4Gi --wait
# The sidecar is a container, or with native sidecars an init container with restartPolicy Always.
running=$(sidecar_images "$NS" app=httpbin | tr '\n' ' ')
[[ " $running " == *" $IMAGE "* ]] || fail "the sidecar does not run $IMAGE (runs: $running)"

# attach MODE: starts meshdbg attach in the background, waits for its ready event, sets PORT.
attach() {
  local mode=$1
  : > "$WORK/events.jsonl"
  "$MESHDBG" attach deploy/httpbin -n "$NS" --mode "$mode" --symbols "$ENVOY" --debugger gdb \
    --max-pause 60s --client none -o json > "$WORK/events.jsonl" 2> "$WORK/attach.err" &
  ATTACH_PID=$!
  PORT=$(wait_ready "$WORK/events.jsonl" "$ATTACH_PID" 180) ||
    { cat "$WORK/attach.err" >&2; fail "meshdbg attach --mode $mode gave no ready event"; }
}

detach() {
  kill -TERM "$ATTACH_PID"  # a background job of a script ignores SIGINT; TERM ends it the same orderly way
  wait "$ATTACH_PID" || true
  ATTACH_PID=
  jq -e 'select(.event=="done")' "$WORK/events.jsonl" >/dev/null || fail "meshdbg did not report the end of the session"
  no_session_left "$NS" || fail "the session annotation is still on a pod"
}

step "meshdbg attach (ephemeral mode): breakpoint in the HTTP connection manager, hit by a request"
attach ephemeral
# Requests go on until gdb exits: one sent at a fixed time can come before gdb has loaded
# Envoy's symbols and set the breakpoint.
timeout 600 gdb -nx -batch "$ENVOY" \
  -ex "target remote 127.0.0.1:$PORT" \
  -ex "break Envoy::Http::ConnectionManagerImpl::ActiveStream::decodeHeaders" \
  -ex "continue" -ex "bt 3" -ex "detach" > "$WORK/gdb.out" 2>&1 &
GDB_PID=$!
requests_while "$GDB_PID" request
wait "$GDB_PID" || true
grep -q "Breakpoint 1, .*decodeHeaders" "$WORK/gdb.out" || { cat "$WORK/gdb.out"; fail "the breakpoint was not hit"; }
grep -q "detached" "$WORK/gdb.out" || { cat "$WORK/gdb.out"; fail "gdb did not detach"; }
detach
[[ $(request) == 200 ]] || fail "the app does not serve after the ephemeral session"

step "meshdbg attach --mode node: registers, detach, node pod removed"
attach node
timeout 600 gdb -nx -batch "$ENVOY" -ex "target remote 127.0.0.1:$PORT" -ex "info registers rip" -ex "detach" > "$WORK/gdb.out" 2>&1 || true
grep -q "rip" "$WORK/gdb.out" || { cat "$WORK/gdb.out"; fail "no registers through node mode"; }
detach
for _ in $(seq 1 30); do
  [[ -z $(kubectl get pods -n meshdbg-system -l app.kubernetes.io/managed-by=meshdbg -o name) ]] && break
  sleep 2
done
[[ -z $(kubectl get pods -n meshdbg-system -l app.kubernetes.io/managed-by=meshdbg -o name) ]] || fail "node pod left behind"
[[ $(request) == 200 ]] || fail "the app does not serve after the node session"

restarts=$(sidecar_restarts "$NS" app=httpbin)
for r in $restarts; do [[ $r == 0 ]] || fail "istio-proxy restarted ($restarts)"; done

step "meshdbg sidecar reset, then cleanup"
"$MESHDBG" sidecar reset deploy/httpbin -n "$NS" --wait
[[ -z $(kubectl get deploy/httpbin -n "$NS" -o json | jq -r '.spec.template.metadata.annotations // {} | keys[] | select(startswith("sidecar.istio.io/proxyImage") or startswith("meshdbg.dev/"))') ]] ||
  fail "sidecar reset left annotations"
"$MESHDBG" cleanup -A
[[ $(request) == 200 ]] || fail "the app does not serve at the end"
