#!/usr/bin/env bash
# Debugger-ready latency on a benchmark binary: from debugger start until three breakpoints
# (set by function name, or with --by-line at those functions' first lines by file and line, as
# VSCode sets them) are resolved, whole process, for
#   lldb plain               lldb-19 -b: target create + breakpoint set
#   meshdbg file, warm       lldb-19 -b -s with the lldb command file that `meshdbg attach
#                            --local --debugger lldb` wrote for this binary (index cache on),
#                            its final gdb-remote line replaced by the same breakpoint commands;
#                            cache filled by a first run
#   meshdbg file, cold       the same with its index cache emptied (the first session's cost)
#   lldb .debug_names        plain lldb on the copies `meshdbg symbols index --tool gdb|llvm`
#                            wrote (gdb-add-index -dwarf-5, llvm-dwarfutil)
#   meshdbg file on a copy, warm     attach given that copy as --symbols
#   gdb plain / gdb .gdb_index (gdb-add-index copy) / gdb index-cache warm
# Every variant must report the same breakpoint locations as its plain peer, else it fails.
# The command files come from a real attach: the binary runs with --serve, meshdbg attaches to
# it with --client none (no debugger connects, so it is never stopped), and XDG_CACHE_HOME
# points meshdbg's index cache into the bench's directory. The server runs until the end, since
# the file's `platform select --sysroot /proc/PID/root` names it.
#
#   bench/lldb-ready.sh [--size small|large|envoy] [--runs N] [--skip-gdb] [--by-line]
# The indexed copies are kept beside the binary and reused while newer than it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
meshdbg=$(dirname "$here")/bin/meshdbg

size=large runs=5 gdb=true by_line=false
while (($#)); do
  case $1 in
    --size) size=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --skip-gdb) gdb=false; shift ;;
    --by-line) by_line=true; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "lldb-ready: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
for tool in lldb-19 gdb gdb-add-index hyperfine jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "lldb-ready: $tool not found (run ./setup.sh --deps)" >&2; exit 1; }
done
if ! "$meshdbg" symbols index --help >/dev/null 2>&1; then
  echo "lldb-ready: '$meshdbg symbols index' does not run; build with mvn -B -q -o -DskipTests package" >&2
  exit 1
fi

bin=$("$here/make-big-binary.sh" --size "$size")
entry=${bin%/ws/*}
work=$entry/lldb-ready
rm -rf "$work"/{results,lldb-cache-*,gdb-cache,xdg-*,attach-*}
mkdir -p "$work"/{names-gdb,names-llvm,gdbindex,results}
tools=(gdb llvm)
name=$(basename "$bin")
breakpoints=(bench::handle_request unit42::process unit7::process)
if $by_line; then
  # FILE:LINE where plain lldb puts each function's breakpoint (the line after its prologue).
  mapfile -t breakpoints < <(printf 'breakpoint set -n %s\n' "${breakpoints[@]}" |
    lldb-19 --no-lldbinit --batch -o "target create $bin" --source /dev/stdin 2>&1 |
    sed -n 's/^Breakpoint [0-9]*: where = .* at \([^:]*:[0-9]*\):[0-9]*, address.*/\1/p')
  ((${#breakpoints[@]} == 3)) || { echo "lldb-ready: FAIL: could not find the functions' lines" >&2; exit 1; }
fi

breakpoint_commands() {
  local b
  for b in "${breakpoints[@]}"; do
    if $by_line; then echo "breakpoint set -f ${b%:*} -l ${b##*:}"; else echo "breakpoint set -n $b"; fi
  done
  echo "breakpoint list"
}
lldb_script() { # BIN: what a person types without meshdbg
  echo "target create $1"
  breakpoint_commands
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
for t in "${tools[@]}"; do lldb_script "$work/names-$t/$name" >"$work/lldb-names-$t.lldb"; done
gdb_script "$bin" >"$work/gdb-plain.gdb"
gdb_script "$bin" "$work/gdb-cache" >"$work/gdb-warm.gdb"
gdb_script "$work/gdbindex/$name" >"$work/gdb-index.gdb"
fresh() { [[ -f $1 && $1 -nt $bin && -f $2 ]]; } # COPY TIMEFILE: made from this binary already

echo "lldb-ready: adding accelerator tables to copies of $bin" >&2
have=()
for t in "${tools[@]}"; do
  if fresh "$work/names-$t/$name" "$work/index-$t.json"; then
    have+=("$t")
  # meshdbg symbols index refuses, with its reason, when the tool, memory or disk is missing.
  elif nice -n 10 "$meshdbg" symbols index -o json --tool "$t" --force --out "$work/names-$t/$name" "$bin" \
      >"$work/index-$t.events"; then
    grep '"event":"indexed"' "$work/index-$t.events" >"$work/index-$t.json"
    have+=("$t")
  else
    echo "lldb-ready: skipping the .debug_names variants of --tool $t (meshdbg symbols index failed, reason above)" >&2
  fi
done
if $gdb && ! fresh "$work/gdbindex/$name" "$work/gdb-add-index.time"; then
  cp "$bin" "$work/gdbindex/$name"
  /usr/bin/time -f "%e %M" -o "$work/gdb-add-index.time" nice -n 10 gdb-add-index "$work/gdbindex/$name"
fi

# meshdbg's command file for SYMBOLS, from a real attach to the running server (see the header).
server_pid=""
attach_pid=""
stop_all() {
  [[ -n $attach_pid ]] && kill "$attach_pid" 2>/dev/null
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  true
}
trap stop_all EXIT
"$bin" --serve >/dev/null 2>&1 &
server_pid=$!
meshdbg_file() { # LABEL SYMBOLS OUT_FILE
  local dir=$work/attach-$1 config i
  mkdir -p "$dir"
  XDG_CACHE_HOME=$work/xdg-$1 "$meshdbg" attach --local --pid "$server_pid" --debugger lldb --symbols "$2" \
    --client none -o json --out "$dir" >"$dir/events.json" 2>"$dir/stderr" &
  attach_pid=$!
  for ((i = 0; i < 600; i++)); do
    grep -q '"event":"ready"' "$dir/events.json" 2>/dev/null && break
    kill -0 "$attach_pid" 2>/dev/null || break
    sleep 0.1
  done
  config=$(jq -r 'select(.event == "ready") | .configs.lldb' "$dir/events.json")
  kill -TERM "$attach_pid" 2>/dev/null; wait "$attach_pid" 2>/dev/null || true
  attach_pid=""
  if [[ -z $config || ! -f $config ]]; then
    echo "lldb-ready: FAIL: meshdbg attach wrote no lldb command file:" >&2
    cat "$dir/events.json" "$dir/stderr" >&2
    exit 1
  fi
  # The file must end with its one gdb-remote line: that line, and only it, becomes the breakpoints.
  if [[ $(grep -v '^#' "$config" | grep -c '^gdb-remote ') != 1 || $(grep -v '^#' "$config" | tail -1) != gdb-remote* ]]; then
    echo "lldb-ready: FAIL: $config does not end with one gdb-remote line" >&2
    exit 1
  fi
  { grep -v '^gdb-remote ' "$config"; breakpoint_commands; } >"$3"
}
echo "lldb-ready: writing meshdbg's lldb command files (meshdbg attach --local --pid $server_pid)" >&2
meshdbg_file warm "$bin" "$work/lldb-warm.lldb"
meshdbg_file cold "$bin" "$work/lldb-cold.lldb"
for t in "${have[@]}"; do meshdbg_file "names-$t" "$work/names-$t/$name" "$work/lldb-names-$t-warm.lldb"; done
grep -q "enable-lldb-index-cache true" "$work/lldb-warm.lldb" ||
  { echo "lldb-ready: FAIL: meshdbg's command file does not turn the index cache on" >&2; exit 1; }
cache_of() { echo "$work/xdg-$1/meshdbg/lldb-index-cache"; }

lldb_cmd() { echo "lldb-19 --no-lldbinit --batch --source $1"; }
gdb_cmd() { echo "gdb -nx -batch -x $1"; }

# Breakpoint locations as each debugger lists them, with the copy's directory made equal.
locations() { # OUTPUT_FILE
  sed -n '/^Current breakpoints:/,$p; /^Num  *Type/,$p' "$1" |
    sed -e "s#$work/names-gdb/#BIN_DIR/#g; s#$work/names-llvm/#BIN_DIR/#g; s#$work/gdbindex/#BIN_DIR/#g; s#$(dirname "$bin")/#BIN_DIR/#g"
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
for t in "${have[@]}"; do
  once "lldb-names-$t" $(lldb_cmd "$work/lldb-names-$t.lldb")
  once "lldb-names-$t-fill" $(lldb_cmd "$work/lldb-names-$t-warm.lldb")
  once "lldb-names-$t-warm" $(lldb_cmd "$work/lldb-names-$t-warm.lldb")
done

n=$(grep -c "locations = [1-9]" "$work/results/lldb-plain.out" || true)
if ((n != ${#breakpoints[@]})); then
  echo "lldb-ready: FAIL: plain lldb resolved $n of ${#breakpoints[@]} breakpoints:" >&2
  cat "$work/results/lldb-plain.out" >&2
  exit 1
fi
[[ -n $(ls -A "$(cache_of warm)" 2>/dev/null) ]] || { echo "lldb-ready: FAIL: lldb wrote no index cache" >&2; exit 1; }
check_same lldb-warm "$work/results/lldb-plain.out" "$work/results/lldb-warm.out"
check_same lldb-fill "$work/results/lldb-plain.out" "$work/results/lldb-fill.out"
for t in "${have[@]}"; do
  check_same "lldb-names-$t" "$work/results/lldb-plain.out" "$work/results/lldb-names-$t.out"
  check_same "lldb-names-$t-warm" "$work/results/lldb-plain.out" "$work/results/lldb-names-$t-warm.out"
done
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
timeit lldb-cold "rm -rf $(cache_of cold)" "$(lldb_cmd "$work/lldb-cold.lldb")"
for t in "${have[@]}"; do
  timeit "lldb-names-$t" "" "$(lldb_cmd "$work/lldb-names-$t.lldb")"
  timeit "lldb-names-$t-warm" "" "$(lldb_cmd "$work/lldb-names-$t-warm.lldb")"
done
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
row lldb-warm "lldb-19 + meshdbg's command file (index cache warm)" lldb-plain
row lldb-cold "lldb-19 + meshdbg's command file (index cache cold: fills it)" lldb-plain lldb-fill
for t in "${have[@]}"; do
  row "lldb-names-$t" "lldb-19 plain on the \`meshdbg symbols index --tool $t\` copy" lldb-plain
  row "lldb-names-$t-warm" "lldb-19 + meshdbg's command file on the \`--tool $t\` copy (index cache warm)" lldb-plain
done
if $gdb; then
  row gdb-plain "gdb 13 plain" gdb-plain
  row gdb-warm "gdb 13 + index-cache, warm" gdb-plain
  row gdb-index "gdb 13 on copy with .gdb_index (gdb-add-index)" gdb-plain
fi
echo
echo "Locations: every variant listed the same breakpoint locations as its plain peer."
echo "meshdbg's command files: \`meshdbg attach --local --pid PID --debugger lldb --symbols FILE --client none -o json\`, final gdb-remote line replaced by the breakpoint commands; lldb-19 --no-lldbinit --batch --source FILE."
for t in "${have[@]}"; do
  echo "meshdbg symbols index --tool $t: $(jq -r '"\(.seconds) s, the tool'"'"'s peak RSS \(.toolPeakRssBytes / 1048576 | floor) MB"' "$work/index-$t.json"), file $(size_mb "$bin") -> $(size_mb "$work/names-$t/$name") MB."
done
$gdb && echo "gdb-add-index: $(awk '{ printf "%.1f s, peak RSS %.0f MB", $1, $2 / 1024 }' "$work/gdb-add-index.time"), file $(size_mb "$bin") -> $(size_mb "$work/gdbindex/$name") MB."
echo "lldb index cache: $(du -sm "$(cache_of warm)" | cut -f1) MB."
$gdb && echo "gdb index-cache: $(du -sm "$work/gdb-cache" | cut -f1) MB."
true
