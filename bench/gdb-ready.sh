#!/usr/bin/env bash
# gdb ready on a benchmark binary: from gdb's start until three breakpoints are resolved, whole
# `gdb -nx -batch` process, side by side in one run, by qualified name (bench::handle_request,
# unit42::process, unit7::process) and by file and line (where plain gdb puts those three, as
# VSCode's cpptools sets them), for
#   gdb plain                 `file BIN`, `break ...`: what a person types without meshdbg
#   meshdbg file, warm        the gdb command file `meshdbg attach --local --debugger gdb` wrote
#                             for this binary, its final `target remote` line replaced by the same
#                             breakpoint commands; gdb's index cache filled by a first run
#   meshdbg file, cold        the same with the index cache emptied before every run
#   gdb plain on the copy     plain gdb on the copy `meshdbg symbols index` wrote (.debug_names)
#   meshdbg file on the copy  attach given that copy as --symbols
# Every variant must list the same breakpoint locations (addresses included) as plain gdb by
# name, in both ways, else the script fails. The command files come from a real attach: the
# binary runs with --serve, meshdbg attaches with --client none (no debugger connects, so it is
# never stopped) and XDG_CACHE_HOME points meshdbg's caches into the bench's directory.
#
#   bench/gdb-ready.sh [--size small|large|envoy | --binary FILE] [--runs N] [--skip-copy]
# --binary takes a program from bench/gen-envoy-program.sh or gen-big-program.sh built by hand
# (e.g. with fewer units), laid out as make-big-binary.sh lays it out (DIR/ws/bazel-out/...).
# The indexed copy is kept beside the binary's workspace (gdb-ready/) and reused while newer than it.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
meshdbg=$(dirname "$here")/bin/meshdbg
bench=gdb-ready
# shellcheck source=lib.sh
source "$here/lib.sh"

size=envoy runs=5 copy=true bin=
while (($#)); do
  case $1 in
    --size) size=${2:?}; shift 2 ;;
    --binary) bin=$(readlink -f "${2:?}"); shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --skip-copy) copy=false; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
require gdb gdbserver hyperfine jq /usr/bin/time
require_meshdbg

[[ -n $bin ]] || bin=$("$here/make-big-binary.sh" --size "$size")
[[ $bin == */ws/* && -x $bin ]] || { echo "$bench: $bin is not a benchmark binary under DIR/ws/" >&2; exit 2; }
entry=${bin%/ws/*}
work=$entry/gdb-ready
name=$(basename "$bin")
copy_bin=$work/names/$name
rm -rf "$work"/{results,xdg-*,attach-*}
mkdir -p "$work"/{names,results}
functions=(bench::handle_request unit42::process unit7::process)
gdb_version=$(gdb --version | head -1)

gdb_cmd() { echo "gdb -nx -batch -x $1"; }
breaks() { # name|line
  local b
  if [[ $1 == name ]]; then
    for b in "${functions[@]}"; do echo "break $b"; done
  else
    for b in "${lines[@]}"; do echo "break $b"; done
  fi
  echo "info breakpoints"
}

# FILE:LINE where plain gdb puts each function's breakpoint (after its prologue), as recorded
# in the debug info (bazel's relative paths).
printf 'file %s\n' "$bin" >"$work/plain-probe.gdb"
printf 'break %s\n' "${functions[@]}" >>"$work/plain-probe.gdb"
mapfile -t lines < <(gdb -nx -batch -x "$work/plain-probe.gdb" 2>&1 |
  sed -n 's/^Breakpoint [0-9]* at 0x[0-9a-f]*: file \(.*\), line \([0-9]*\)\.$/\1:\2/p')
((${#lines[@]} == 3)) || { echo "$bench: FAIL: plain gdb did not resolve the three functions" >&2; exit 1; }

if $copy; then
  if [[ -f $copy_bin && $copy_bin -nt $bin && -f $work/index.json ]]; then
    echo "$bench: reusing $copy_bin" >&2
  else
    echo "$bench: meshdbg symbols index --tool gdb $bin" >&2
    nice -n 10 "$meshdbg" symbols index -o json --tool gdb --force --out "$copy_bin" "$bin" >"$work/index.events"
    grep '"event":"indexed"' "$work/index.events" >"$work/index.json"
  fi
fi

# meshdbg's gdb command file for SYMBOLS, from a real attach to the running server.
server_pid='' attach_pid=''
cleanup() { stop "$attach_pid"; stop "$server_pid"; }
trap cleanup EXIT
"$bin" --serve >/dev/null 2>&1 &
server_pid=$!
meshdbg_file() { # LABEL SYMBOLS: writes $work/LABEL.head, the file without its target remote line
  local dir=$work/attach-$1 config i
  mkdir -p "$dir"
  XDG_CACHE_HOME=$work/xdg-$1 "$meshdbg" attach --local --pid "$server_pid" --debugger gdb --symbols "$2" \
    --client none -o json --out "$dir" >"$dir/events.json" 2>"$dir/stderr" &
  attach_pid=$!
  for ((i = 0; i < 600; i++)); do
    grep -q '"event":"ready"' "$dir/events.json" 2>/dev/null && break
    kill -0 "$attach_pid" 2>/dev/null || break
    sleep 0.1
  done
  config=$(jq -r 'select(.event == "ready") | .configs.gdb' "$dir/events.json")
  stop "$attach_pid"
  attach_pid=''
  if [[ -z $config || ! -f $config ]]; then
    echo "$bench: FAIL: meshdbg attach wrote no gdb command file:" >&2
    cat "$dir/events.json" "$dir/stderr" >&2
    exit 1
  fi
  # The file must end with its one target remote line: that line, and only it, becomes the breakpoints.
  if [[ $(grep -v '^#' "$config" | grep -c '^target remote ') != 1 || $(grep -v '^#' "$config" | tail -1) != "target remote "* ]]; then
    echo "$bench: FAIL: $config does not end with one target remote line" >&2
    exit 1
  fi
  grep -v '^target remote ' "$config" >"$work/$1.head"
}
echo "$bench: writing meshdbg's gdb command files (meshdbg attach --local --pid $server_pid --debugger gdb)" >&2
meshdbg_file warm "$bin"
meshdbg_file cold "$bin"
$copy && meshdbg_file copy "$copy_bin"
cache_of() { echo "$work/xdg-$1/meshdbg/gdb-index-cache"; }

variants=(plain warm cold)
$copy && variants+=(copy-plain copy)
script_of() { # VARIANT MODE: the command file of one variant
  local f=$work/$1-$2.gdb
  case $1 in
    plain) echo "file $bin" >"$f" ;;
    copy-plain) echo "file $copy_bin" >"$f" ;;
    *) cp "$work/$1.head" "$f" ;;
  esac
  breaks "$2" >>"$f"
  echo "$f"
}
describe() { # VARIANT
  case $1 in
    plain) echo "gdb plain" ;;
    warm) echo "gdb + meshdbg's command file (index cache warm)" ;;
    cold) echo "gdb + meshdbg's command file (index cache cold: fills it)" ;;
    copy-plain) echo "gdb plain on the \`meshdbg symbols index\` copy" ;;
    copy) echo "gdb + meshdbg's command file on the \`symbols index\` copy" ;;
  esac
}

# Breakpoint table as gdb lists it: number, type, address, function, file:line.
locations() { sed -n '/^Num  *Type/,$p' "$1" | grep -E '^[0-9]+ +breakpoint '; }

# One run per variant and way, with gdb's own per-command statistics on (CPU and wall seconds
# as gdb reports them, and how many units it expanded into full symbol tables): it is checked for
# the locations and gives where the time goes. gdb reports on every line after the first,
# comments too, so the profiled file keeps only commands.
profile() { # VARIANT MODE: runs it; prints "| variant | by | file ... | break ... |"
  local f=$work/$1-$2.gdb p=$work/results/$1-$2
  { echo "maint set per-command time on"; echo "maint set per-command symtab on"; grep -v '^#' "$f"; } >"$p.gdb"
  [[ $1 == cold ]] && rm -rf "$(cache_of cold)"
  /usr/bin/time -f "%e %M" -o "$p.time" $(gdb_cmd "$p.gdb") >"$p.out" 2>&1
  awk -v d="$(describe "$1")" -v by="$2" 'FNR == NR { cmd[++n] = $0; next }
    /^Command execution time:/ { k++; cpu[k + 1] = $4; wall[k + 1] = $6; next }
    /^#symtabs:/ { x = $6; gsub(/[()+,]/, "", x); cu[k + 1] = x }
    END {
      row = "| " d " | " by
      for (i = 1; i <= n; i++) if (cmd[i] ~ /^(file|break) /)
        row = row sprintf(" | %.2f / %.2f / %d", cpu[i], wall[i], cu[i])
      print row " |"
    }' "$p.gdb" "$p.out"
}
echo "$bench: checked and profiled runs (and peak RSS)" >&2
# The warm cache is filled first, so that every run of the warm variant reads it.
$(gdb_cmd "$(script_of warm name)") >"$work/results/fill.out" 2>&1
for mode in name line; do
  for v in "${variants[@]}"; do
    script_of "$v" "$mode" >/dev/null
    profile "$v" "$mode" >>"$work/results/profile.md"
  done
done
n=$(locations "$work/results/plain-name.out" | grep -c '^[0-9].*breakpoint .* 0x[0-9a-f]* in ' || true)
if ((n != ${#functions[@]})); then
  echo "$bench: FAIL: plain gdb listed $n of ${#functions[@]} breakpoints:" >&2
  cat "$work/results/plain-name.out" >&2
  exit 1
fi
for mode in name line; do
  for v in "${variants[@]}"; do
    if ! diff <(locations "$work/results/plain-name.out") <(locations "$work/results/$v-$mode.out") \
        >"$work/results/$v-$mode.diff"; then
      echo "$bench: FAIL: $v by $mode lists other breakpoint locations than plain gdb by name:" >&2
      cat "$work/results/$v-$mode.diff" >&2
      exit 1
    fi
  done
done
[[ -n $(ls -A "$(cache_of warm)" 2>/dev/null) ]] || { echo "$bench: FAIL: gdb wrote no index cache" >&2; exit 1; }

# No warm-up: the checked runs above have read the binary into the page cache and filled the
# warm index cache.
echo "$bench: timing, $runs runs each" >&2
for mode in name line; do
  for v in "${variants[@]}"; do
    prep=()
    [[ $v == cold ]] && prep=(--prepare "rm -rf $(cache_of cold)")
    hyperfine --style basic --runs "$runs" "${prep[@]}" \
      --export-csv "$work/results/$v-$mode.csv" -n "$v-$mode" "$(gdb_cmd "$work/$v-$mode.gdb")" >&2
  done
done

median() { awk -F, 'NR == 2 { print $4 }' "$work/results/$1.csv"; }
row() { # VARIANT MODE
  local rss
  rss=$(awk '{ printf "%.0f", $2 / 1024 }' "$work/results/$1-$2.time")
  awk -F, -v d="$(describe "$1")" -v p="$(median "plain-$2")" -v rss="$rss" -v self="$1" 'NR == 2 {
    ratio = (self == "plain") ? "1.00 (peer)" : sprintf("%.2fx faster", p / $4)
    printf "| %s | %.2f | %.2f | %.2f | %.2f | %s | %s |\n", d, $4, $7, $8, $5 + $6, rss, ratio }' "$work/results/$1-$2.csv"
}
size_mb() { stat -c %s "$1" | awk '{ printf "%.0f", $1 / 1048576 }'; }

echo "Binary: $bin ($(size_mb "$bin") MB); $gdb_version; $runs runs each, after one checked and profiled run."
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GB, load average $(cut -d' ' -f1-3 /proc/loadavg)."
for mode in name line; do
  echo
  if [[ $mode == name ]]; then echo "By name: ${functions[*]}"; else echo "By file and line: ${lines[*]}"; fi
  echo
  echo "| variant | median s | min s | max s | mean CPU s | peak RSS MB | vs plain gdb (median) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
  for v in "${variants[@]}"; do row "$v" "$mode"; done
done
echo
echo "Where the time goes, one run each with \`maint set per-command time on\` and \`maint set per-command symtab on\` (CPU s / wall s / units expanded into full symbol tables, per command):"
echo
echo "| variant | by | \`file\` | break 1 | break 2 | break 3 |"
echo "| --- | --- | --- | --- | --- | --- |"
cat "$work/results/profile.md"
echo
echo "Locations: every variant, by name and by line, listed the same breakpoints at the same addresses as plain gdb by name:"
echo
locations "$work/results/plain-name.out" | sed 's/^/    /'
echo
echo "meshdbg's command file (\`meshdbg attach --local --pid PID --debugger gdb --symbols FILE --client none -o json\`, final target remote line replaced by the breakpoint commands; \`gdb -nx -batch -x FILE\`):"
echo
grep -v '^#' "$work/warm.head" | sed "s#$work/#BENCH_DIR/#g; s#$(dirname "$bin")/#BIN_DIR/#g; s/^/    /"
if $copy; then
  echo
  echo "meshdbg symbols index --tool gdb: $(jq -r '"\(.seconds) s, the tool'"'"'s peak RSS \(.toolPeakRssBytes / 1048576 | floor) MB"' "$work/index.json"), file $(size_mb "$bin") -> $(size_mb "$copy_bin") MB."
fi
echo "gdb index cache: $(du -sm "$(cache_of warm)" | cut -f1) MB."
