# The images of e2e/cluster/run.sh, made here and pushed to the rig's registry: nothing is
# pulled from outside. Sourced by rig.sh, not run.
#   pause:3.10          the sandbox image: images/pause.c, static
#   main-app:1          the app container: a static busybox serving /www on :8080 (the seed's fortio stand-in)
#   proxyv2:$STOCK_TAG  the stock sidecar: the pilot-agent stand-in as entrypoint, envoy-like (the
#                       demo's Envoy stand-in, built the bazel way, static, with debug info) as Envoy
#   proxyv2:debug       `meshdbg image build --from-tar` of the stock image with the same Envoy
#   meshdbg-agent:e2e   `meshdbg image agent`: meshdbg's agent alone, for a stock sidecar

STOCK_TAG=1.17.2
DEMO_WORKSPACE_SOURCES=meshdbg-demo/src/main/resources/dev/meshdbg/demo/workspace

# image_tar REF ROOTFS USER ENTRYPOINT...: a one-layer docker-save tar of ROOTFS at $RIG/images/NAME.tar.
image_tar() {
  local ref=$1 rootfs=$2 user=$3; shift 3
  local name=${ref##*/}; name=${name%%:*}
  local dir=$RIG/images/$name
  mkdir -p "$dir" "$rootfs"/{proc,dev,sys,tmp,etc}
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$rootfs" -cf "$dir/layer.tar" .
  local diff; diff=sha256:$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  local entrypoint; entrypoint=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
  jq -n --arg diff "$diff" --arg user "$user" --argjson entrypoint "$entrypoint" '{
      architecture: "amd64", os: "linux",
      config: {Entrypoint: $entrypoint, User: $user, WorkingDir: "/",
               Env: ["PATH=/usr/local/bin:/usr/bin:/bin"]},
      rootfs: {type: "layers", diff_ids: [$diff]},
      history: [{created_by: "e2e/cluster/images.sh"}]}' > "$dir/config.json"
  jq -n --arg ref "$ref" '[{Config: "config.json", RepoTags: [$ref], Layers: ["layer.tar"]}]' > "$dir/manifest.json"
  tar -C "$dir" -cf "$RIG/images/$name.tar" manifest.json config.json layer.tar
}

# push_tar REF: the tar into the rig's containerd (its own namespace, not the kubelet's) and on to the registry.
push_tar() {
  local ref=$1 name=${1##*/}; name=${name%%:*}
  local ctr=(ctr --address "$CONTAINERD_SOCK" -n meshdbg-e2e-build)
  "${ctr[@]}" images import --no-unpack "$RIG/images/$name.tar" >/dev/null
  "${ctr[@]}" images push --plain-http "$ref" >/dev/null
}

# Builds envoy-like as `meshdbg demo` does (bazel's relative paths and /proc/self/cwd prefix
# map), statically so the image needs no libraries. Sets ENVOY (with debug info) and HANDLER_LINE.
build_envoy_like() {
  ENVOY_WORKSPACE=$RIG/workspace
  mkdir -p "$ENVOY_WORKSPACE"
  cp -r "$REPO/$DEMO_WORKSPACE_SOURCES/source" "$ENVOY_WORKSPACE/"
  mkdir -p "$ENVOY_WORKSPACE/bazel-out/k8-dbg/bin"
  (cd "$ENVOY_WORKSPACE" && g++ -g -O0 -std=c++17 -fno-omit-frame-pointer -pthread -I. \
    "-fdebug-prefix-map=$ENVOY_WORKSPACE=/proc/self/cwd" source/server/envoy_like.cc \
    -o bazel-out/k8-dbg/bin/envoy -static)
  ENVOY=$ENVOY_WORKSPACE/bazel-out/k8-dbg/bin/envoy
  HANDLER_LINE=$(grep -n '// @line handler' "$ENVOY_WORKSPACE/source/server/envoy_like.cc" | cut -d: -f1)
}

rig_images() {
  local start; start=$(date +%s)
  local root=$RIG/rootfs
  gcc -static -O2 -o "$RIG/pause" "$HERE/images/pause.c"
  install -D -m 0755 "$RIG/pause" "$root/pause/pause"
  image_tar "$REGISTRY/pause:3.10" "$root/pause" 65535:65535 /pause

  install -D -m 0755 "$(readlink -f "$(command -v busybox)")" "$root/main-app/bin/busybox"
  mkdir -p "$root/main-app/www"
  echo "main-app of fortio-server" > "$root/main-app/www/index.html"
  image_tar "$REGISTRY/main-app:1" "$root/main-app" 65534:65534 /bin/busybox httpd -f -p 8080 -h /www

  build_envoy_like
  install -D -m 0755 "$BIN/pilot-agent" "$root/proxyv2/usr/local/bin/pilot-agent"
  install -D -m 0755 "$ENVOY" "$root/proxyv2/usr/local/bin/envoy"
  mkdir -p "$root/proxyv2/etc"
  echo "istio-proxy:x:1337:1337::/:/sbin/nologin" > "$root/proxyv2/etc/passwd"
  image_tar "$REGISTRY/proxyv2:$STOCK_TAG" "$root/proxyv2" 1337:1337 /usr/local/bin/pilot-agent

  local ref
  for ref in pause:3.10 main-app:1 "proxyv2:$STOCK_TAG"; do push_tar "$REGISTRY/$ref"; done
  DEBUG_IMAGE=$REGISTRY/proxyv2:debug
  "$MESHDBG" image build --from-tar "$RIG/images/proxyv2.tar" --envoy "$ENVOY" --debugger both \
    --to "$DEBUG_IMAGE" --insecure > "$RIG/logs/image-build.log" 2>&1 ||
    { cat "$RIG/logs/image-build.log" >&2; return 1; }
  # The agent-only image for a stock sidecar; a meshdbg without `image agent` leaves it unset
  # and the scenario that needs it fails with that message.
  AGENT_IMAGE=
  if "$MESHDBG" image agent --to "$REGISTRY/meshdbg-agent:e2e" --insecure > "$RIG/logs/image-agent.log" 2>&1; then
    AGENT_IMAGE=$REGISTRY/meshdbg-agent:e2e
  fi
  echo "rig: images built and pushed in $(( $(date +%s) - start ))s" >&2
}
