#!/usr/bin/env bash
# Generates and compiles a large C++ program whose debug info resembles a bazel-built Envoy:
# hundreds of translation units full of std containers and template instantiations, compiled
# at -g -O0 with bazel's relative source paths and /proc/self/cwd as compilation directory,
# some units under external/ and bazel-out/. Built once and cached outside the repository.
#
#   bench/make-big-binary.sh [--size small|large]    prints the binary's path on stdout
#
# Cache: ${MESHDBG_BENCH_CACHE:-$HOME/.cache/meshdbg-bench}/<size>-<hash of the generator>/
# The binary runs: without arguments it calls every unit once and exits 0; with --serve it
# keeps handling fake requests until killed. Functions to break on: bench::handle_request,
# bench::Router::route, unit42::process, unit7::process (under external/).
set -euo pipefail

size=large
while (($#)); do
  case $1 in
    --size) size=${2:?--size needs small or large}; shift 2 ;;
    --size=*) size=${1#--size=}; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-big-binary: unknown argument '$1' (use --size small|large)" >&2; exit 2 ;;
  esac
done
# units: translation units; per_unit: template instantiation sets per unit (each is a handful
# of std containers over a unit-local record type, about 0.25 MB of DWARF).
case $size in
  small) units=60;  per_unit=4 ;;
  large) units=420; per_unit=10 ;;
  *) echo "make-big-binary: --size must be small or large, not '$size'" >&2; exit 2 ;;
esac

for tool in clang++-14 ld.lld-14 make flock sha256sum; do
  command -v "$tool" >/dev/null || { echo "make-big-binary: $tool not found (run ./setup.sh --deps)" >&2; exit 1; }
done

cache_root=${MESHDBG_BENCH_CACHE:-$HOME/.cache/meshdbg-bench}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
key=$( { cat "$here/gen-big-program.sh"; clang++-14 --version | head -1; echo "$units $per_unit"; } | sha256sum | cut -c1-12)
dir=$cache_root/$size-$key
ws=$dir/ws
bin=$ws/bazel-out/k8-dbg/bin/bigserver
mkdir -p "$dir"

# One builder at a time per cache entry; a second caller waits and then reuses the result.
exec 9>"$dir/.lock"
flock 9
if [[ -f $dir/.done && -x $bin ]]; then
  echo "$bin"
  exit 0
fi

if [[ ! -f $dir/.generated ]]; then
  "$here/gen-big-program.sh" "$ws" "$units" "$per_unit"
  touch "$dir/.generated"
fi
echo "make-big-binary: compiling $size ($units units, -j2, niced); log in $dir/build.log" >&2
start=$(date +%s)
if ! nice -n 19 make -C "$ws" -j2 >"$dir/build.log" 2>&1; then
  tail -20 "$dir/build.log" >&2
  echo "make-big-binary: build failed, see $dir/build.log" >&2
  exit 1
fi
"$bin" >/dev/null || { echo "make-big-binary: $bin does not run" >&2; exit 1; }
echo "make-big-binary: built in $(($(date +%s) - start)) s: $(du -h "$bin" | cut -f1) $bin" >&2
touch "$dir/.done"
echo "$bin"
