#!/usr/bin/env bash
# Image build benchmark: build and push the debug image for BINARY to a local docker-registry,
#   1. with the full binary, 2. with --strip-debug, 3. the full build again with nothing changed,
#   4. --strip-debug into the repository of 1 (meshdbg's own layers already there: only Envoy is new),
# and print the bytes uploaded and the time of each.
#   bench/image.sh BINARY            (DEBUGGER=gdb|lldb|both, default both)
# Needs docker-registry and busybox-static (./setup.sh --deps) and a built meshdbg (./setup.sh).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
meshdbg=$here/../bin/meshdbg
binary=$(readlink -f "${1:?usage: bench/image.sh BINARY}")
debugger=${DEBUGGER:-both}
[[ -f $binary ]] || { echo "image.sh: $binary: no such file" >&2; exit 2; }
command -v docker-registry >/dev/null || { echo "image.sh: docker-registry is not installed" >&2; exit 2; }

work=$(mktemp -d)
registry_pid=
cleanup() {
  [[ -n $registry_pid ]] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A free loopback port.
while :; do
  port=$((20000 + RANDOM % 20000))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do
  "$meshdbg" doctor registry "127.0.0.1:$port" >/dev/null 2>&1 && break
  sleep 0.2
done

# A minimal base, as 'docker save' would write it: a static busybox as /bin/sh.
mkdir -p "$work/rootfs/bin" "$work/base"
cp "$(readlink -f "$(command -v busybox)")" "$work/rootfs/bin/sh"
tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$work/rootfs" -cf "$work/base/layer.tar" bin
diff_id=sha256:$(sha256sum "$work/base/layer.tar" | cut -d' ' -f1)
cat >"$work/base/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
echo '[{"Config":"config.json","RepoTags":["bench/base:1"],"Layers":["layer.tar"]}]' >"$work/base/manifest.json"
tar -C "$work/base" -cf "$work/base.tar" manifest.json config.json layer.tar

field() { sed -n "s/^ *\"$1\" : \\([^,]*\\),\\{0,1\\}$/\\1/p" "$2" | tr -d '"'; }

run() { # name, cache, repo, extra args...
  local name=$1 cache=$2 repo=$3
  shift 3
  local start end
  start=$(date +%s.%N)
  "$meshdbg" image build --from-tar "$work/base.tar" --envoy "$binary" --debugger "$debugger" \
    --to "127.0.0.1:$port/$repo" --insecure --cache "$cache" -o json "$@" >"$work/$name.json"
  end=$(date +%s.%N)
  printf '%-22s %14s %10s %10s %12s\n' "$name" "$(field bytesUploaded "$work/$name.json")" \
    "$(field blobsUploaded "$work/$name.json")" "$(field blobsAlreadyThere "$work/$name.json")" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b-a}')"
}

echo "binary: $binary ($(stat -c %s "$binary") bytes), debugger: $debugger, registry 127.0.0.1:$port"
printf '%-22s %14s %10s %10s %12s\n' build bytes_uploaded uploaded skipped wall_seconds
run full "$work/cache-full" bench/full:1
run strip-debug "$work/cache-strip" bench/stripped:1 --strip-debug
run unchanged-rebuild "$work/cache-full" bench/full:1
# Steady state: the meshdbg layers are already in the repository, only Envoy's layer differs.
run strip-debug-same-repo "$work/cache-strip" bench/full:stripped --strip-debug
