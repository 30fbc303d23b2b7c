#!/usr/bin/env bash
# Image build benchmark: build and push the debug image for BINARY to a local docker-registry,
#   1. with the full binary, 2. with --strip-debug, 3. the full build again with nothing changed,
#   4. --strip-debug into the repository of 1 (meshdbg's own layers already there: only Envoy is new),
# and print the bytes uploaded and the time of each, then the ratios the targets are about:
# stripped upload at least 5x smaller than full, unchanged rebuild no layer and under 10% of the
# first build's time. Each of 1 and 2 starts with an empty cache (a first build: jlink included).
#   bench/image.sh BINARY            (DEBUGGER=gdb|lldb|both, default both)
# Needs docker-registry, busybox-static and jq (./setup.sh --deps) and a built meshdbg (./setup.sh).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
meshdbg=$here/../bin/meshdbg
binary=$(readlink -f "${1:?usage: bench/image.sh BINARY}")
debugger=${DEBUGGER:-both}
[[ -f $binary ]] || { echo "image.sh: $binary: no such file" >&2; exit 2; }
for tool in docker-registry busybox jq; do
  command -v "$tool" >/dev/null || { echo "image.sh: $tool is not installed" >&2; exit 2; }
done

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

field() { jq -r ".$1" "$2"; } # NAME JSON-FILE
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

run() { # name, cache, repo, extra args...
  local name=$1 cache=$2 repo=$3
  shift 3
  local start end
  start=$(date +%s.%N)
  nice "$meshdbg" image build --from-tar "$work/base.tar" --envoy "$binary" --debugger "$debugger" \
    --to "127.0.0.1:$port/$repo" --insecure --cache "$cache" -o json "$@" >"$work/$name.json"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}' >"$work/$name.seconds"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(mb "$(field envoyBytes "$work/$name.json")")" \
    "$(field bytesUploaded "$work/$name.json")" "$(mb "$(field bytesUploaded "$work/$name.json")")" \
    "$(field blobsUploaded "$work/$name.json")" "$(field blobsAlreadyThere "$work/$name.json")" \
    "$(cat "$work/$name.seconds")"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "Binary: $binary ($(mb "$(stat -c %s "$binary")") MB), debugger: $debugger, registry 127.0.0.1:$port (docker-registry, plain HTTP)."
echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start."
echo
echo "| build | Envoy in image MB | bytes uploaded | MB uploaded | blobs uploaded | blobs already there | wall s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
run full "$work/cache-full" bench/full:1
run strip-debug "$work/cache-strip" bench/stripped:1 --strip-debug
run unchanged-rebuild "$work/cache-full" bench/full:1
# Steady state: the meshdbg layers are already in the repository, only Envoy's layer differs.
run strip-debug-same-repo "$work/cache-strip" bench/full:stripped --strip-debug
full=$(field bytesUploaded "$work/full.json") stripped=$(field bytesUploaded "$work/strip-debug.json")
rebuild_layers=$(field blobsUploaded "$work/unchanged-rebuild.json")
echo
echo "Load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
echo "Upload, full / --strip-debug (each to an empty repository): $(ratio "$full" "$stripped")x smaller (target >= 5x)."
# Layer sizes as pushed (compressed), from the registry's manifests: the base's layer, then meshdbg's.
layer_sizes() { # REPO:TAG
  curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://127.0.0.1:$port/v2/${1%%:*}/manifests/${1##*:}" | jq -r '.layers[] | "\(.size) \(.digest)"'
}
mapfile -t names < <(echo base; jq -r '.layers[]' "$work/full.json")
mapfile -t full_sizes < <(layer_sizes bench/full:1)
mapfile -t strip_sizes < <(layer_sizes bench/stripped:1)
echo
echo "| layer (compressed, as pushed) | full MB | --strip-debug MB | same blob in both |"
echo "| --- | ---: | ---: | --- |"
for i in "${!names[@]}"; do
  echo "| ${names[$i]} | $(mb "${full_sizes[$i]% *}") | $(mb "${strip_sizes[$i]% *}") |" \
    "$([[ ${full_sizes[$i]#* } == "${strip_sizes[$i]#* }" ]] && echo yes || echo no) |"
done
echo
echo "Envoy's layer, full / --strip-debug: $(ratio "${full_sizes[1]% *}" "${strip_sizes[1]% *}")x smaller."
echo "Unchanged rebuild: $rebuild_layers blobs uploaded ($(field bytesUploaded "$work/unchanged-rebuild.json") bytes), time $(awk \
  -v a="$(cat "$work/unchanged-rebuild.seconds")" -v b="$(cat "$work/full.seconds")" 'BEGIN {printf "%.1f%%", 100 * a / b}') of the first build's (target: no layer, < 10%)."
