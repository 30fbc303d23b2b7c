#!/usr/bin/env bash
# Debugger-ready latency on the large benchmark binary: from debugger start until three
# breakpoints (set by function name) are resolved, whole process, for
#   lldb plain             lldb-19 -b: target create + breakpoint set
#   lldb index cache warm  the same after symbols.enable-lldb-index-cache true with its own
#                          cache dir, filled by a first run (what meshdbg's command file does)
#   lldb index cache cold  the same with an emptied cache dir (the first session's cost)
#   lldb .debug_names      plain lldb on a copy given an accelerator table by llvm-dwarfutil-19
#   lldb .debug_names + index cache, warm
#   gdb plain / gdb .gdb_index (gdb-add-index copy) / gdb index-cache warm
# Every variant must report the same breakpoint locations as its plain peer, else it fails.
#
#   bench/lldb-ready.sh [--size small|large] [--runs N] [--skip-gdb]
# The indexed copies are kept beside the binary and reused while newer than it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

size=large runs=5 gdb=true
while (($#)); do
  case $1 in
    --size) size=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --skip-gdb) gdb=false; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "lldb-ready: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
for tool in lldb-19 gdb gdb-add-index hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "lldb-ready: $tool not found (run ./setup.sh --deps)" >&2; exit 1; }
done

bin=$("$here/make-big-binary.sh" --size "$size")
entry=${bin%/ws/*}
work=$entry/lldb-ready
rm -rf "$work"/{results,lldb-cache-*,gdb-cache}
mkdir -p "$work"/{names,gdbindex,results}
name=$(basename "$bin")
breakpoints=(bench::handle_request unit42::process unit7::process)

# Command files: the cached variant starts with what meshdbg's lldb command file will contain.
lldb_script() { # BIN [CACHE_DIR]
  if [[ -n ${2:-} ]]; then
    echo "settings set symbols.enable-lldb-index-cache true"
    echo "settings set symbols.lldb-index-cache-path $2"
  fi
  echo "target create $1"
  for b in "${breakpoints[@]}"; do echo "breakpoint set -n $b"; done
  echo "breakpoint list"
}
gdb_script() { # BIN [CACHE_DIR]
  if [[ -n ${2:-} ]]; then
    echo "set index-cache directory $2"
    echo "set index-cache enabled on"
  fi
  echo "file $1"
  for b in "${breakpoints[@]}"; do echo "break $b"; done
  echo "info breakpoints"
}
lldb_script "$bin" >"$work/lldb-plain.lldb"
lldb_script "$bin" "$work/lldb-cache-warm" >"$work/lldb-warm.lldb"
lldb_script "$bin" "$work/lldb-cache-cold" >"$work/lldb-cold.lldb"
lldb_script "$work/names/$name" >"$work/lldb-names.lldb"
lldb_script "$work/names/$name" "$work/lldb-cache-names" >"$work/lldb-names-warm.lldb"
gdb_script "$bin" >"$work/gdb-plain.gdb"
gdb_script "$bin" "$work/gdb-cache" >"$work/gdb-warm.gdb"
gdb_script "$work/gdbindex/$name" >"$work/gdb-index.gdb"
fresh() { [[ -f $1 && $1 -nt $bin && -f $2 ]]; } # COPY TIMEFILE: made from this binary already

echo "lldb-ready: adding accelerator tables to copies of $bin" >&2
have_names=false
# llvm-dwarfutil holds the whole DWARF in memory: about 10x the file size was seen.
avail_mb=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
need_mb=$(($(stat -c %s "$bin") / 1048576 * 10))
if fresh "$work/names/$name" "$work/dwarfutil.time"; then
  have_names=true
elif ! command -v llvm-dwarfutil-19 >/dev/null; then
  echo "lldb-ready: llvm-dwarfutil-19 missing (apt-get install llvm-19): skipping .debug_names" >&2
elif ((avail_mb < need_mb)); then
  echo "lldb-ready: only $avail_mb MB available, llvm-dwarfutil needs ~$need_mb MB: skipping .debug_names" >&2
else
  # No garbage collection or ODR deduplication: keep the DWARF as it is, only add .debug_names.
  /usr/bin/time -f "%e %M" -o "$work/dwarfutil.time" nice -n 10 llvm-dwarfutil-19 \
    --no-garbage-collection --no-odr --build-accelerator=DWARF "$bin" "$work/names/$name"
  have_names=true
fi
if $gdb && ! fresh "$work/gdbindex/$name" "$work/gdb-add-index.time"; then
  cp "$bin" "$work/gdbindex/$name"
  /usr/bin/time -f "%e %M" -o "$work/gdb-add-index.time" nice -n 10 gdb-add-index "$work/gdbindex/$name"
fi

lldb_cmd() { echo "lldb-19 --no-lldbinit --batch --source $1"; }
gdb_cmd() { echo "gdb -nx -batch -x $1"; }

# Breakpoint locations as each debugger lists them, with the copy's directory made equal.
locations() { # OUTPUT_FILE
  sed -n '/^Current breakpoints:/,$p; /^Num  *Type/,$p' "$1" |
    sed -e "s#$work/names/#BIN_DIR/#g; s#$work/gdbindex/#BIN_DIR/#g; s#$(dirname "$bin")/#BIN_DIR/#g"
}
check_same() { # LABEL PEER_OUTPUT OUTPUT
  if ! diff <(locations "$2") <(locations "$3") >"$work/results/$1.diff"; then
    echo "lldb-ready: FAIL: $1 resolves different breakpoint locations than its peer:" >&2
    cat "$work/results/$1.diff" >&2
    exit 1
  fi
}

echo "lldb-ready: correctness runs (and peak RSS)" >&2
once() { # LABEL COMMAND...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/results/$label.time" "$@" >"$work/results/$label.out" 2>&1
}
once lldb-plain $(lldb_cmd "$work/lldb-plain.lldb")
once lldb-fill $(lldb_cmd "$work/lldb-warm.lldb")   # fills the warm cache
once lldb-warm $(lldb_cmd "$work/lldb-warm.lldb")
if $gdb; then
  once gdb-plain $(gdb_cmd "$work/gdb-plain.gdb")
  once gdb-fill $(gdb_cmd "$work/gdb-warm.gdb")
  once gdb-warm $(gdb_cmd "$work/gdb-warm.gdb")
  once gdb-index $(gdb_cmd "$work/gdb-index.gdb")
fi
if $have_names; then
  once lldb-names $(lldb_cmd "$work/lldb-names.lldb")
  once lldb-names-fill $(lldb_cmd "$work/lldb-names-warm.lldb")
  once lldb-names-warm $(lldb_cmd "$work/lldb-names-warm.lldb")
fi

n=$(grep -c "locations = [1-9]" "$work/results/lldb-plain.out" || true)
if ((n != ${#breakpoints[@]})); then
  echo "lldb-ready: FAIL: plain lldb resolved $n of ${#breakpoints[@]} breakpoints:" >&2
  cat "$work/results/lldb-plain.out" >&2
  exit 1
fi
[[ -n $(ls -A "$work/lldb-cache-warm") ]] || { echo "lldb-ready: FAIL: lldb wrote no index cache" >&2; exit 1; }
check_same lldb-warm "$work/results/lldb-plain.out" "$work/results/lldb-warm.out"
check_same lldb-fill "$work/results/lldb-plain.out" "$work/results/lldb-fill.out"
if $have_names; then
  check_same lldb-names "$work/results/lldb-plain.out" "$work/results/lldb-names.out"
  check_same lldb-names-warm "$work/results/lldb-plain.out" "$work/results/lldb-names-warm.out"
fi
if $gdb; then
  check_same gdb-warm "$work/results/gdb-plain.out" "$work/results/gdb-warm.out"
  check_same gdb-index "$work/results/gdb-plain.out" "$work/results/gdb-index.out"
  n=$(locations "$work/results/gdb-plain.out" | grep -c "^[0-9].*breakpoint.* in " || true)
  if ((n != ${#breakpoints[@]})); then
    echo "lldb-ready: FAIL: plain gdb listed $n of ${#breakpoints[@]} breakpoints" >&2
    cat "$work/results/gdb-plain.out" >&2
    exit 1
  fi
fi

echo "lldb-ready: timing, $runs runs each after a warm-up" >&2
timeit() { # LABEL PREPARE COMMAND: median, min and max seconds into results/LABEL.csv
  local prep=()
  [[ -n $2 ]] && prep=(--prepare "$2")
  hyperfine --style basic --runs "$runs" --warmup 1 "${prep[@]}" \
    --export-csv "$work/results/$1.csv" -n "$1" "$3" >&2
}
timeit lldb-plain "" "$(lldb_cmd "$work/lldb-plain.lldb")"
timeit lldb-warm "" "$(lldb_cmd "$work/lldb-warm.lldb")"
timeit lldb-cold "rm -rf $work/lldb-cache-cold" "$(lldb_cmd "$work/lldb-cold.lldb")"
if $have_names; then
  timeit lldb-names "" "$(lldb_cmd "$work/lldb-names.lldb")"
  timeit lldb-names-warm "" "$(lldb_cmd "$work/lldb-names-warm.lldb")"
fi
if $gdb; then
  timeit gdb-plain "" "$(gdb_cmd "$work/gdb-plain.gdb")"
  timeit gdb-warm "" "$(gdb_cmd "$work/gdb-warm.gdb")"
  timeit gdb-index "" "$(gdb_cmd "$work/gdb-index.gdb")"
fi

median() { awk -F, 'NR == 2 { print $4 }' "$work/results/$1.csv"; }
row() { # LABEL DESCRIPTION PEER
  local m peer rss
  m=$(median "$1")
  peer=$(median "$3")
  rss=$(awk '{ printf "%.0f", $2 / 1024 }' "$work/results/${4:-$1}.time" 2>/dev/null || echo "-")
  awk -F, -v d="$2" -v p="$peer" -v rss="$rss" -v self="$1" -v peerl="$3" 'NR == 2 {
    ratio = (self == peerl) ? "1.00 (peer)" : sprintf("%.2fx faster", p / $4)
    printf "| %s | %.2f | %.2f | %.2f | %.2f | %s | %s |\n", d, $4, $7, $8, $5 + $6, rss, ratio }' "$work/results/$1.csv"
}
size_mb() { stat -c %s "$1" | awk '{ printf "%.0f", $1 / 1048576 }'; }

echo "Binary: $bin ($(size_mb "$bin") MB); breakpoints: ${breakpoints[*]}; $runs runs after 1 warm-up."
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GB, load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| variant | median s | min s | max s | mean CPU s | peak RSS MB | vs peer (median) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
row lldb-plain "lldb-19 plain" lldb-plain
row lldb-warm "lldb-19 + index cache, warm" lldb-plain
row lldb-cold "lldb-19 + index cache, cold (fills it)" lldb-plain lldb-fill
if $have_names; then
  row lldb-names "lldb-19 on copy with .debug_names (llvm-dwarfutil-19)" lldb-plain
  row lldb-names-warm "lldb-19 on copy with .debug_names + index cache, warm" lldb-plain
fi
if $gdb; then
  row gdb-plain "gdb 13 plain" gdb-plain
  row gdb-warm "gdb 13 + index-cache, warm" gdb-plain
  row gdb-index "gdb 13 on copy with .gdb_index (gdb-add-index)" gdb-plain
fi
echo
echo "Locations: every variant listed the same breakpoint locations as its plain peer."
$have_names && echo "llvm-dwarfutil-19 --build-accelerator=DWARF: $(awk '{ printf "%.1f s, peak RSS %.0f MB", $1, $2 / 1024 }' "$work/dwarfutil.time"), file $(size_mb "$bin") -> $(size_mb "$work/names/$name") MB."
$gdb && echo "gdb-add-index: $(awk '{ printf "%.1f s, peak RSS %.0f MB", $1, $2 / 1024 }' "$work/gdb-add-index.time"), file $(size_mb "$bin") -> $(size_mb "$work/gdbindex/$name") MB."
echo "lldb index cache: $(du -sm "$work/lldb-cache-warm" | cut -f1) MB."
$gdb && echo "gdb index-cache: $(du -sm "$work/gdb-cache" | cut -f1) MB."
true
