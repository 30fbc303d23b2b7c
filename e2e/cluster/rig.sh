# The single-node test cluster of e2e/cluster/run.sh: bring-up and teardown. Sourced, not run.
#
# Everything lives under $RIG (a temp dir) and listens on 127.0.0.1 only: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, the kubelet (this machine is the node; see NODE
# below), a private containerd (own root, state, socket, config), a docker-registry and the
# sidecar injector webhook. Pods get addresses from POD_CIDR on the rig's own bridge, with no
# default route and nothing masqueraded: they reach only the bridge's subnet. The teardown
# undoes every step by what it recorded (pids, mounts, netns, iptables chains, sysctls, cgroups).

# The kubelet refuses a loopback node IP, so the node's InternalIP is the bridge's address (on
# this machine), and the API server reaches the kubelet by the node's Hostname address: its name,
# localhost, which resolves to the loopback address the kubelet listens on.
NODE=localhost
BRIDGE=meshdbg-e2e0
# RFC 2544's benchmarking range: never routed anywhere, so nothing here can reach another host.
POD_CIDR=198.18.0.0/24
POD_GATEWAY=198.18.0.1
SERVICE_CIDR=198.18.1.0/24
CGROUP_ROOT=/meshdbg-e2e
KERNEL_TUNABLES=(vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys
  kernel/keys/root_maxbytes net/ipv4/ip_forward net/ipv4/conf/all/route_localnet)

RIG_PIDS=()      # "name pid" of every daemon, stopped in reverse order

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start NAME COMMAND...: a daemon in the background, its output in $RIG/logs/NAME.log.
start() {
  local name=$1; shift
  "$@" > "$RIG/logs/$name.log" 2>&1 &
  RIG_PIDS+=("$name $!")
}

# wait_for WHAT SECONDS COMMAND...: retries COMMAND each second.
wait_for() {
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 "$seconds"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "rig: $what did not come up in ${seconds}s; last log lines:" >&2
  local log; for log in "$RIG"/logs/*.log; do echo "--- $log" >&2; tail -5 "$log" >&2; done
  return 1
}

rig_preflight() {
  local problems=()
  [[ $(id -u) == 0 ]] || problems+=("must run as root (containerd, the kubelet, the bridge)")
  local tool
  for tool in containerd containerd-shim-runc-v2 runc ctr docker-registry openssl gcc g++ go jq curl ip iptables-save python3 gdb lldb-19 busybox; do
    command -v "$tool" >/dev/null || problems+=("$tool is missing")
  done
  local plugin
  for plugin in bridge host-local loopback portmap; do
    [[ -x /usr/lib/cni/$plugin ]] || problems+=("CNI plugin /usr/lib/cni/$plugin is missing (Debian's containernetworking-plugins)")
  done
  [[ -e /sys/fs/cgroup ]] || problems+=("no /sys/fs/cgroup")
  ip link show "$BRIDGE" >/dev/null 2>&1 && problems+=("a bridge $BRIDGE already exists (another run of this rig?)")
  if ((${#problems[@]})); then
    printf 'e2e/cluster: CANNOT RUN:\n' >&2
    printf '  - %s\n' "${problems[@]}" >&2
    return 1
  fi
}

# --- certificates ---------------------------------------------------------------------------

# cert NAME CN O USAGE [SAN]: an EC key and a certificate signed by the rig's CA.
cert() {
  local name=$1 cn=$2 o=$3 usage=$4 san=${5:-}
  local subj="/CN=$cn"; [[ -n $o ]] && subj="/O=$o/CN=$cn"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [[ -n $san ]] && echo "subjectAltName=$san"
  } > "$PKI/$name.ext"
  openssl req -new -key "$PKI/$name.key" -subj "$subj" 2>/dev/null |
    openssl x509 -req -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 2 \
      -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
}

# kubeconfig NAME CERT: a kubeconfig for the rig's API server with a client certificate.
kubeconfig() {
  cat > "$RIG/$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: meshdbg-e2e
  cluster: {server: "https://127.0.0.1:$API_PORT", certificate-authority: "$PKI/ca.crt"}
users:
- name: $1
  user: {client-certificate: "$PKI/$2.crt", client-key: "$PKI/$2.key"}
contexts:
- name: meshdbg-e2e
  context: {cluster: meshdbg-e2e, user: $1}
current-context: meshdbg-e2e
YAML
}

rig_pki() {
  PKI=$RIG/pki
  mkdir -p "$PKI"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=meshdbg-e2e-ca" -days 2 -out "$PKI/ca.crt" 2>/dev/null
  local server="serverAuth" client="clientAuth"
  cert apiserver kube-apiserver "" $server \
    "IP:127.0.0.1,IP:${SERVICE_CIDR%.0/24}.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc"
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters $client
  cert admin admin system:masters $client
  cert controller-manager system:kube-controller-manager "" $client
  cert scheduler system:kube-scheduler "" $client
  cert kubelet "system:node:$NODE" system:nodes $client
  cert kubelet-serving "system:node:$NODE" system:nodes $server "IP:127.0.0.1,DNS:$NODE"
  cert injector injector "" $server "IP:127.0.0.1"
  # The RBAC scenario's users: a group bound to the documented Role, and one without port-forward.
  cert alice alice meshdbg-debuggers $client
  cert bob bob meshdbg-no-forward $client
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key" 2>/dev/null
  openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  local user
  for user in admin controller-manager scheduler kubelet alice bob; do kubeconfig "$user" "$user"; done
}

# --- the control plane ----------------------------------------------------------------------

rig_control_plane() {
  ETCD_PORT=$(free_port); ETCD_PEER_PORT=$(free_port); API_PORT=$(free_port)
  rig_pki
  start etcd "$BIN/etcd" --name meshdbg-e2e --data-dir "$RIG/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "meshdbg-e2e=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" \
    --quota-backend-bytes 1073741824
  wait_for etcd 60 curl -sf "http://127.0.0.1:$ETCD_PORT/health"

  # Flags as Kubernetes' hack/local-up-cluster.sh sets them, trimmed to one loopback node.
  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --endpoint-reconciler-type none \
    --authorization-mode Node,RBAC --anonymous-auth=false \
    --client-ca-file "$PKI/ca.crt" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types Hostname \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --enable-admission-plugins NodeRestriction \
    --allow-privileged=true --profiling=false -v 1
  wait_for kube-apiserver 120 curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz"

  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$RIG/controller-manager.kubeconfig" --bind-address 127.0.0.1 --secure-port 0 \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials --leader-elect=false --allocate-node-cidrs=false \
    --profiling=false -v 1
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$RIG/scheduler.kubeconfig" --bind-address 127.0.0.1 --secure-port 0 \
    --leader-elect=false --profiling=false -v 1
}

# --- registry, runtime, network, kubelet ----------------------------------------------------

rig_registry() {
  REG_PORT=$(free_port)
  REGISTRY=127.0.0.1:$REG_PORT
  cat > "$RIG/registry.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: "$RIG/registry"}, delete: {enabled: true}}
http: {addr: "127.0.0.1:$REG_PORT"}
YAML
  start docker-registry docker-registry serve "$RIG/registry.yml"
  wait_for docker-registry 30 curl -sf "http://$REGISTRY/v2/"
}

rig_network() {
  # The bridge is the rig's: made here, deleted by the teardown. The bridge plugin finds it.
  ip link add "$BRIDGE" type bridge
  ip addr add "$POD_GATEWAY/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  mkdir -p "$RIG/cni/net.d" "$RIG/cni/ipam"
  # isGateway gives the bridge the gateway address (the node reaches pods), isDefaultGateway
  # false and no routes keep pods on the bridge's subnet; ipMasq false: nothing is masqueraded.
  cat > "$RIG/cni/net.d/10-meshdbg-e2e.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "meshdbg-e2e",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "isDefaultGateway": false,
     "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$RIG/cni/ipam",
              "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$POD_GATEWAY"}]], "routes": []}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
}

rig_containerd() {
  local c=$RIG/containerd
  mkdir -p "$c"
  CONTAINERD_SOCK=$c/containerd.sock
  # What the kubelet's containerd needs to pull from the rig's registry: meshdbg's own advice.
  "$MESHDBG" doctor registry "$REGISTRY" -o json > "$RIG/doctor-registry.json"
  cat > "$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$c/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$REGISTRY/pause:3.10"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_cdi = false
  # Sandboxes ask for oom_score_adj -998; a machine that refuses lowering it (as this kind of
  # VM does, even to root) needs the scores clamped at containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = $([[ $CGROUP_DRIVER == systemd ]] && echo true || echo false)
        Root = "$c/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RIG/cni/net.d"
$(jq -r .containerd.configToml "$RIG/doctor-registry.json")
TOML
  start containerd containerd --config "$c/config.toml"
  wait_for containerd 30 ctr --address "$CONTAINERD_SOCK" version
}

rig_kubelet() {
  KUBELET_PORT=$(free_port)
  local k=$RIG/kubelet
  mkdir -p "$k/root" "$k/pods-logs"
  local d
  if [[ $CGROUPS == v2 ]]; then
    mkdir -p "/sys/fs/cgroup$CGROUP_ROOT"
  else
    for d in /sys/fs/cgroup/*/; do [[ -e $d/cgroup.controllers ]] || mkdir -p "$d${CGROUP_ROOT#/}"; done
  fi
  cat > "$k/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 0
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
imageServiceEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: $CGROUP_DRIVER
cgroupRoot: $CGROUP_ROOT
failCgroupV1: false
failSwapOn: false
podLogsDir: $k/pods-logs
resolvConf: ""
serializeImagePulls: false
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
rotateCertificates: false
serverTLSBootstrap: false
YAML
  start kubelet "$BIN/kubelet" --config "$k/config.yaml" --kubeconfig "$RIG/kubelet.kubeconfig" \
    --root-dir "$k/root" --node-ip "$POD_GATEWAY" --hostname-override "$NODE" -v 1
  wait_for "node $NODE" 180 bash -c "kubectl get node $NODE -o json | jq -e '.status.conditions[] | select(.type==\"Ready\" and .status==\"True\")'"
}

# The injector's webhook: TLS on 127.0.0.1, registered by URL for namespaces labelled istio-injection=enabled.
rig_injector() {
  INJECTOR_PORT=$(free_port)
  start injector "$BIN/injector" --listen "127.0.0.1:$INJECTOR_PORT" --cert "$PKI/injector.crt" --key "$PKI/injector.key" \
    --hub "$REGISTRY" --image proxyv2 --tag "$STOCK_TAG"
  wait_for injector 30 curl -sf --cacert "$PKI/ca.crt" "https://127.0.0.1:$INJECTOR_PORT/healthz"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: meshdbg-e2e-sidecar-injector}
webhooks:
- name: sidecar-injector.meshdbg-e2e.test
  clientConfig:
    url: https://127.0.0.1:$INJECTOR_PORT/inject
    caBundle: $(base64 -w0 < "$PKI/ca.crt")
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
  namespaceSelector: {matchLabels: {istio-injection: enabled}}
  sideEffects: None
  admissionReviewVersions: [v1]
  failurePolicy: Fail
YAML
}

# --- up and down ----------------------------------------------------------------------------

rig_record_host_state() {
  mkdir -p "$RIG/host"
  ls /var/run/netns 2>/dev/null | sort > "$RIG/host/netns.before" || true
  iptables-save 2>/dev/null | awk '/^:/{print substr($1,2)}' | sort -u > "$RIG/host/chains.before" || true
  local t; for t in "${KERNEL_TUNABLES[@]}"; do
    [[ -r /proc/sys/$t ]] && echo "$t $(cat "/proc/sys/$t")"
  done > "$RIG/host/sysctls.before"
}

rig_up() {
  if [[ $(stat -fc %T /sys/fs/cgroup) != cgroup2fs ]]; then CGROUPS=v1; else CGROUPS=v2; fi
  if [[ $(ps -p 1 -o comm=) == systemd ]]; then CGROUP_DRIVER=systemd; else CGROUP_DRIVER=cgroupfs; fi
  # The systemd driver would put pods in systemd slices the teardown cannot see; cgroupfs keeps
  # them under $CGROUP_ROOT on every machine.
  CGROUP_DRIVER=cgroupfs
  mkdir -p "$RIG/logs"
  rig_record_host_state
  rig_control_plane
  export KUBECONFIG=$RIG/admin.kubeconfig
  rig_registry
  rig_network
  rig_containerd
  rig_images
  rig_kubelet
  rig_injector
}

# The teardown: every step undone by what was recorded, whatever state the run reached.
rig_down() {
  set +e
  echo "rig: tearing down" >&2
  if [[ -n ${API_PORT:-} ]] && kubectl get --raw /readyz >/dev/null 2>&1; then
    # Let the kubelet stop the pods itself: that tears each sandbox's network down (CNI DEL).
    kubectl delete namespace mark mark-baseline meshdbg-system --ignore-not-found --wait=false >/dev/null 2>&1
    kubectl delete pods --all -A --grace-period=1 --wait=false >/dev/null 2>&1
    for _ in $(seq 1 60); do
      [[ -z $(kubectl get pods -A -o name 2>/dev/null) ]] && break
      sleep 1
    done
  fi
  local i name pid
  for ((i = ${#RIG_PIDS[@]} - 1; i >= 0; i--)); do
    read -r name pid <<< "${RIG_PIDS[$i]}"
    if [[ $name == containerd ]]; then rig_containerd_down; fi
    kill -TERM "$pid" 2>/dev/null && { timeout 20 tail --pid "$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null; }
  done
  # Shims outlive containerd; they are ours when their command line names our socket.
  for pid in $(pgrep -f -- "-address ${CONTAINERD_SOCK:-/nonexistent}" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  # Mounts under the rig's directory (pod volumes, overlay rootfs, shm), deepest first.
  awk -v r="$RIG/" 'index($2, r) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
  # Network namespaces the runtime made for pods and left behind.
  if [[ -f $RIG/host/netns.before ]]; then
    for name in $(ls /var/run/netns 2>/dev/null | sort | comm -13 "$RIG/host/netns.before" -); do
      [[ $name == cni-* ]] && ip netns delete "$name"
    done
  fi
  ip link del "$BRIDGE" 2>/dev/null
  # iptables chains the kubelet or portmap created during the run (KUBE-*, CNI-*).
  if [[ -f $RIG/host/chains.before ]]; then
    local table chain
    for table in filter nat mangle; do
      for chain in $(iptables-save -t "$table" 2>/dev/null | awk '/^:/{print substr($1,2)}' | sort -u | comm -13 "$RIG/host/chains.before" -); do
        [[ $chain == KUBE-* || $chain == CNI-* ]] || continue
        iptables-save -t "$table" | grep -E -- "-j $chain( |\$)" | sed 's/^-A/-D/' | while read -r rule; do
          eval "iptables -t $table $rule" 2>/dev/null
        done
        iptables -t "$table" -F "$chain" 2>/dev/null; iptables -t "$table" -X "$chain" 2>/dev/null
      done
    done
  fi
  if [[ -f $RIG/host/sysctls.before ]]; then
    local t v
    while read -r t v; do [[ $(cat "/proc/sys/$t") == "$v" ]] || echo "$v" > "/proc/sys/$t"; done < "$RIG/host/sysctls.before"
  fi
  # The kubelet's links to container logs point into the rig.
  for name in /var/log/containers/*; do
    [[ -L $name && $(readlink "$name") == "$RIG"/* ]] && rm -f "$name"
  done
  # Cgroups under the rig's root, deepest first (each is empty once its processes are gone).
  local d
  for d in /sys/fs/cgroup/*/"${CGROUP_ROOT#/}" "/sys/fs/cgroup$CGROUP_ROOT"; do
    [[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  if [[ ${KEEP:-0} == 1 ]]; then echo "rig: KEEP=1: logs and state stay in $RIG" >&2; else rm -rf "$RIG"; fi
}

# Containers the kubelet did not stop (an interrupted run): killed and removed through the
# rig's own containerd, before it stops.
rig_containerd_down() {
  local ctr=(ctr --address "$CONTAINERD_SOCK" -n k8s.io) id
  for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do
    "${ctr[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1
  done
  sleep 1
  for id in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete -f "$id" >/dev/null 2>&1; done
}
