#!/usr/bin/env bash
# Generates and compiles a large C++ program whose debug info resembles a bazel-built Envoy:
# hundreds of translation units full of std containers and template instantiations, compiled
# at -g -O0 with bazel's relative source paths and /proc/self/cwd as compilation directory,
# some units under external/ and bazel-out/. Built once and cached outside the repository.
#
#   bench/make-big-binary.sh [--size small|large|envoy]    prints the binary's path on stdout
#
# small and large come from gen-big-program.sh: most of their debug bytes are .debug_str (long
# mangled names of unit-local template instantiations). envoy comes from gen-envoy-program.sh:
# 2200 units of many small types and functions with short names, so .debug_info dominates as
# in a real Envoy debug build (over 1 GB; about 10 minutes to build on two cores).
#
# Cache: ${MESHDBG_BENCH_CACHE:-$HOME/.cache/meshdbg-bench}/<size>-<hash of the generator>/
# The binary runs: without arguments it calls every unit once and exits 0; with --serve [N] it
# keeps handling fake requests until killed (N more threads, wrk:worker_0.., do the same; envoy
# size only). Functions to break on: bench::handle_request,
# bench::Router::route, unit42::process, unit7::process (under external/).
set -euo pipefail

size=large
while (($#)); do
  case $1 in
    --size) size=${2:?--size needs small, large or envoy}; shift 2 ;;
    --size=*) size=${1#--size=}; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-big-binary: unknown argument '$1' (use --size small|large|envoy)" >&2; exit 2 ;;
  esac
done
# units: translation units; per_unit: for gen-big-program.sh, template instantiation sets per
# unit (each is a handful of std containers over a unit-local record type, about 0.25 MB of
# DWARF); for gen-envoy-program.sh, small functions per unit (each with a unit-local type).
generator=gen-big-program.sh
case $size in
  small) units=60;  per_unit=4 ;;
  large) units=420; per_unit=10 ;;
  envoy) units=2200; per_unit=60; generator=gen-envoy-program.sh ;;
  *) echo "make-big-binary: --size must be small, large or envoy, not '$size'" >&2; exit 2 ;;
esac

for tool in clang++-14 ld.lld-14 make flock sha256sum; do
  command -v "$tool" >/dev/null || { echo "make-big-binary: $tool not found (run ./setup.sh --deps)" >&2; exit 1; }
done

cache_root=${MESHDBG_BENCH_CACHE:-$HOME/.cache/meshdbg-bench}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
key=$( { cat "$here/$generator"; clang++-14 --version | head -1; echo "$units $per_unit"; } | sha256sum | cut -c1-12)
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
  "$here/$generator" "$ws" "$units" "$per_unit"
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
