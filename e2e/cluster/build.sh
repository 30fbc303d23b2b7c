#!/usr/bin/env bash
# Builds the test cluster's binaries once and caches them outside the repository:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/meshdbg-e2e/<hash of go/go.mod, go/go.sum, go/cmd/etcd, go version>/bin
# The Kubernetes commands and etcd compile in ONE `go build` so their shared packages compile once.
# The rig's own small programs (go/cmd/injector, go/cmd/pilot-agent) are rebuilt on every call;
# Go's build cache makes that a relink. Prints the bin directory on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mod="$here/go"
command -v go >/dev/null || { echo "build.sh: go is missing: install Go 1.26 or later" >&2; exit 2; }

k8s_version=$(awk '$1=="k8s.io/kubernetes"{print $2; exit}' "$mod/go.mod")
components=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)
key=$( { cat "$mod/go.mod" "$mod/go.sum" "$mod/cmd/etcd/main.go"; echo "${components[*]}"; go version; } | sha256sum | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/meshdbg-e2e/$key"
bin="$cache/bin"
export CGO_ENABLED=0

if [ ! -x "$bin/kubelet" ] || [ ! -x "$bin/etcd" ]; then
  echo "build.sh: building Kubernetes $k8s_version and etcd into $bin (cold: tens of minutes on 2 cores)" >&2
  tmp="$cache/bin.partial"
  rm -rf "$tmp"; mkdir -p "$tmp"
  v="k8s.io/component-base/version"
  major=${k8s_version#v}; minor=${major#*.}; major=${major%%.*}; minor=${minor%%.*}
  start=$(date +%s)
  (cd "$mod" && go build -trimpath -o "$tmp/" \
    -ldflags "-s -w -X $v.gitVersion=$k8s_version -X $v.gitMajor=$major -X $v.gitMinor=$minor -X $v.gitTreeState=clean" \
    "${components[@]/#/k8s.io/kubernetes/cmd/}" ./cmd/etcd)
  echo "build.sh: built in $(( $(date +%s) - start )) s" >&2
  rm -rf "$bin"; mv "$tmp" "$bin"
fi

# The rig's own programs: small, and changed more often than the pinned components.
(cd "$mod" && go build -trimpath -o "$bin/" ./cmd/injector ./cmd/pilot-agent)
echo "$bin"
