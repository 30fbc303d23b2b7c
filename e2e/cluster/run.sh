#!/usr/bin/env bash
# meshdbg end to end on a real single-node Kubernetes built from source on this machine (see
# docs/e2e.md): etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the kubelet
# with a private containerd, a local registry and a sidecar injector webhook, all on 127.0.0.1.
# Runs the seed procedure's scenario (namespace mark, StatefulSet fortio-server) and its endings,
# tears everything down (also on failure or Ctrl-C), and ends with "N passed, M failed".
#
#   e2e/cluster/run.sh [SCENARIO...]     as root; no arguments: every scenario
#
# Environment: MESHDBG (bin/meshdbg of this checkout), KEEP=1 keeps $RIG (logs, state) afterwards.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
MESHDBG=${MESHDBG:-$REPO/bin/meshdbg}
source "$REPO/e2e/lib.sh"
source "$HERE/rig.sh"
source "$HERE/images.sh"
source "$HERE/scenarios.sh"

# The rig failed or the run was interrupted: tear down, count it as one failure, close.
finish() {
  local code=$?
  trap - EXIT INT TERM
  rig_down
  E2E_FAILED=$((E2E_FAILED + 1)); E2E_RESULTS+=("FAIL cluster (exit $code before the scenarios ended)")
  summary
  exit 1
}

if ! rig_preflight; then
  printf '0 passed, 1 failed\n'
  exit 1
fi
[[ -f $REPO/meshdbg-cli/target/meshdbg.jar ]] || { echo "e2e/cluster: build the jar first: mvn -B -q -DskipTests package" >&2; printf '0 passed, 1 failed\n'; exit 1; }

started=$(date +%s)
BIN=$("$HERE/build.sh" | tail -1) || { echo "e2e/cluster: building the cluster's binaries failed" >&2; printf '0 passed, 1 failed\n'; exit 1; }
export PATH=$BIN:$PATH
built=$(date +%s)

RIG=$(mktemp -d /tmp/meshdbg-e2e.XXXXXX)
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "e2e/cluster: state and logs in $RIG; binaries from $BIN (build/cache check: $((built - started))s)"

set -e
rig_up
set +e
echo "e2e/cluster: cluster up in $(( $(date +%s) - built ))s (Kubernetes $(kubectl version -o json | jq -r .serverVersion.gitVersion), node $NODE, pods on $BRIDGE $POD_CIDR)"

selected=("$@")
((${#selected[@]})) || selected=("${ALL_SCENARIOS[@]}")
for name in "${selected[@]}"; do
  scenario "$name" "scenario_${name//-/_}"
done
trap - EXIT INT TERM
rig_down
echo "e2e/cluster: total $(( $(date +%s) - started ))s"
summary
