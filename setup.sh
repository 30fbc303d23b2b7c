#!/usr/bin/env bash
# Installs what meshdbg and its tests need (Debian/Ubuntu packages), then builds bin/meshdbg's jar.
#   ./setup.sh          install and build
#   ./setup.sh --deps   install only (the test command builds for itself)
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

# The debuggers and servers meshdbg drives, compilers for targets and DWARF fixtures, dwarf tools
# the tests cross-check against, containerd + runc + a registry for container and image tests,
# debuginfod (a real server for the debuginfod tests), hyperfine, jq, socat and python3 for the
# benchmarks in bench/, and for e2e/cluster/run.sh's single-node cluster the CNI plugins (bridge,
# host-local, loopback, portmap), iptables, openssl and curl (its Kubernetes and etcd are built
# with the machine's Go).
packages=(
  openjdk-17-jdk-headless maven
  g++ clang-14 lld-14 llvm-14 binutils
  gdb gdbserver lldb-19 llvm-19 debuginfod
  util-linux procps iproute2
  containerd runc docker-registry busybox-static apache2-utils
  hyperfine time jq socat python3
  containernetworking-plugins iptables openssl curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ${1:-} != --deps ]]; then
  mvn -B -q -DskipTests package
  echo "setup: built meshdbg-cli/target/meshdbg.jar; run bin/meshdbg --help" >&2
fi
