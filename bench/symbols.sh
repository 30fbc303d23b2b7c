#!/usr/bin/env bash
# `meshdbg symbols inspect -o json` against `llvm-dwarfdump --debug-info --recurse-depth=0`
# (its closest peer: it too lists every unit's root DIE, but reads every DIE to get there) on
# the small and the large benchmark binaries, side by side in one run. Whole processes, JVM
# start included: wall time by hyperfine (median of N runs after warm-ups), peak RSS by
# /usr/bin/time -f %M (highest of 3 runs). Targets: meshdbg >= 10x faster, peak RSS < 300 MB.
#
#   bench/symbols.sh [--runs N] [--sizes "small large envoy"]
# Exit status 1 when meshdbg is missing or reports a different unit count than llvm-dwarfdump.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

runs=10 sizes="small large envoy"
while (($#)); do
  case $1 in
    --runs) runs=${2:?}; shift 2 ;;
    --sizes) sizes=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "symbols-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
for tool in llvm-dwarfdump-14 hyperfine jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "symbols-bench: $tool not found (apt-get install it)" >&2; exit 1; }
done
meshdbg=$root/bin/meshdbg
if ! "$meshdbg" symbols inspect --help >/dev/null 2>&1; then
  echo "symbols-bench: '$meshdbg symbols inspect' does not run; build with mvn -B -q -o -DskipTests package" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mesh_cmd() { echo "$meshdbg symbols inspect -o json $1"; }
dump_cmd() { echo "llvm-dwarfdump-14 --debug-info --recurse-depth=0 $1"; }

peak_rss_mb() { # COMMAND...: highest peak RSS of 3 runs, in MB
  local i max=0 kb
  for i in 1 2 3; do
    /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1
    kb=$(tail -1 "$work/rss")
    ((kb > max)) && max=$kb
  done
  echo $((max / 1024))
}
stat_of() { awk -F, -v col="$2" 'NR == 2 { printf "%.3f", $col }' "$1"; } # CSV COLUMN

# What each binary is made of: the sections a DIE walker pays for (.debug_info) against the rest.
section_mb() { # BIN SECTION: its size in MB (0 when absent)
  local hex
  hex=$(readelf -S -W "$1" | sed -n 's/^ *\[ *[0-9]*\] *//p' | awk -v n="$2" '$1 == n { print $5; exit }')
  echo $(( 16#${hex:-0} / 1048576 ))
}
composition=()
rows=() status=0
for size in $sizes; do
  bin=$("$here/make-big-binary.sh" --size "$size")
  mb=$(($(stat -c %s "$bin") / 1048576))
  # Both must agree on the number of units, or the comparison means nothing.
  dump_units=$($(dump_cmd "$bin") | grep -cE "DW_TAG_(compile|skeleton|partial|type)_unit")
  mesh_units=$($(mesh_cmd "$bin") | jq '.debugInfo.units.total')
  if [[ $mesh_units != "$dump_units" ]]; then
    echo "symbols-bench: FAIL on $size: meshdbg reports $mesh_units units, llvm-dwarfdump $dump_units" >&2
    status=1
  fi
  composition+=("| $size | $mb | $dump_units | $(section_mb "$bin" .debug_info) | $(section_mb "$bin" .debug_str) | $(section_mb "$bin" .debug_str_offsets) | $(section_mb "$bin" .debug_line) | $(section_mb "$bin" .debug_abbrev) | $(section_mb "$bin" .text) |")
  echo "symbols-bench: $size ($mb MB, $dump_units units): timing $runs runs each" >&2
  hyperfine --style basic --warmup 2 --runs "$runs" --export-csv "$work/$size.csv" \
    -n meshdbg "$(mesh_cmd "$bin")" -n llvm-dwarfdump "$(dump_cmd "$bin")" \
    --output=pipe >&2
  mesh_t=$(awk -F, '$1 == "meshdbg" { print $4 }' "$work/$size.csv")
  dump_t=$(awk -F, '$1 == "llvm-dwarfdump" { print $4 }' "$work/$size.csv")
  # Wall range and mean CPU (user + system): on a loaded machine CPU time is the steadier figure.
  mesh_range=$(awk -F, '$1 == "meshdbg" { printf "%.2f-%.2f; CPU %.2f", $7, $8, $5 + $6 }' "$work/$size.csv")
  dump_range=$(awk -F, '$1 == "llvm-dwarfdump" { printf "%.2f-%.2f; CPU %.2f", $7, $8, $5 + $6 }' "$work/$size.csv")
  mesh_rss=$(peak_rss_mb $(mesh_cmd "$bin"))
  dump_rss=$(peak_rss_mb $(dump_cmd "$bin"))
  rows+=("$(awk -v s="$size" -v mb="$mb" -v u="$dump_units" -v mt="$mesh_t" -v dt="$dump_t" \
    -v mr="$mesh_range" -v dr="$dump_range" -v mm="$mesh_rss" -v dm="$dump_rss" 'BEGIN {
    printf "| %s | %d | %d | %.2f (%s) | %.2f (%s) | **%.1fx** | %d | %d | %.2fx |", \
      s, mb, u, mt, mr, dt, dr, dt / mt, mm, dm, dm / mm }')")
done

# What any meshdbg command costs before it reads a byte: the JVM start floor.
hyperfine --style basic --warmup 2 --runs "$runs" --export-csv "$work/floor.csv" -n floor \
  "$meshdbg --version" --output=pipe >&2
floor=$(awk -F, 'NR == 2 { printf "%.2f s wall (median), %.2f s CPU", $4, $5 + $6 }' "$work/floor.csv")

echo "| binary | file MB | units | .debug_info MB | .debug_str MB | .debug_str_offsets MB | .debug_line MB | .debug_abbrev MB | .text MB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${composition[@]}"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GB, load average $(cut -d' ' -f1-3 /proc/loadavg); $runs runs after 2 warm-ups."
echo
echo "| binary | size MB | units | meshdbg s median (min-max; mean CPU s) | llvm-dwarfdump s median (min-max; mean CPU s) | time ratio (dwarfdump / meshdbg) | meshdbg peak RSS MB | llvm-dwarfdump peak RSS MB | RSS ratio (dwarfdump / meshdbg) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
echo "JVM start floor (\`meshdbg --version\`): $floor."
exit $status
