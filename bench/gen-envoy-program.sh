#!/usr/bin/env bash
# Writes the sources and Makefile of the DIE-heavy benchmark program (make-big-binary.sh
# --size envoy) into a workspace directory. Like an Envoy debug build, its debug bytes are
# mostly .debug_info: every unit includes a large API (many small types with short names,
# their DWARF repeated in each unit while the names are merged once in .debug_str) and
# defines many small functions with locals and unit-local types.
#   bench/gen-envoy-program.sh WORKSPACE UNITS FUNCS_PER_UNIT
# make-big-binary.sh keys the envoy cache on a hash of this file: change it and it rebuilds.
set -euo pipefail
ws=${1:?workspace}
units=${2:?units}
funcs=${3:?functions per unit}
api_headers=8 api_types=150 # types per API header; every unit includes all headers

unit_path() { # as bazel passes it, relative to the workspace (same layout as gen-big-program.sh)
  local n=$1
  if ((n % 40 == 7)); then echo "external/com_github_fake_lib/src/unit$n.cc"
  elif ((n % 40 == 19)); then echo "external/com_google_absl/absl/bench/unit$n.cc"
  elif ((n % 50 == 33)); then echo "bazel-out/k8-dbg/bin/gen/unit$n.pb.cc"
  else echo "source/units/unit$n.cc"
  fi
}

api_header() { # K: api/hK.h, a namespace of small records, enums and method declarations
  local k=$1 i
  echo "#pragma once"
  echo "#include \"source/common/base.h\""
  echo "namespace api$k {"
  for ((i = 0; i < api_types; i++)); do
    local prev=$(( i > 0 ? i - 1 : 0 ))
    cat <<T
enum class E$i : int { a, b, c, d, e, f };
struct T$i {
  int a = $i; long b = 0; double c = 0; bool d = false; E$i e = E$i::a;
  std::string s; std::vector<int> v; base::Id id; T$prev* p = nullptr;
  int f(int x) const; void g(const T$i& o); base::Status h(base::Ctx& ctx, long n);
  static T$i make(int a, long b);
};
T
  done
  echo "}  // namespace api$k"
}

generate() {
  echo "make-big-binary: generating $units units ($funcs functions each) in $ws" >&2
  rm -rf "$ws"
  mkdir -p "$ws/source/common/api" "$ws/source/units" "$ws/source/server"
  cat >"$ws/source/common/base.h" <<'HDR'
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace base {
struct Id { uint64_t hi = 0, lo = 0; };
struct Status { int code = 0; std::string msg; bool ok() const { return code == 0; } };
struct Ctx { Id id; std::map<std::string, std::string> tags; std::shared_ptr<Ctx> parent; };
}  // namespace base
namespace bench {
int handle_request(int request);
}  // namespace bench
HDR
  local k all=""
  for ((k = 0; k < api_headers; k++)); do
    api_header "$k" >"$ws/source/common/api/h$k.h"
    all+="#include \"source/common/api/h$k.h\""$'\n'
  done
  printf '#pragma once\n%s' "$all" >"$ws/source/common/api.h"

  local n f path decls="" table=""
  for ((n = 0; n < units; n++)); do
    path=$(unit_path "$n")
    mkdir -p "$ws/$(dirname "$path")"
    {
      echo "// Generated unit $n."
      echo "#include \"source/common/api.h\""
      echo "namespace unit$n {"
      for ((f = 0; f < funcs; f++)); do
        local t=$(( (n + f) % api_types )) h=$(( (n + f) % api_headers ))
        cat <<F
struct R$f { int a; long b; api$h::T$t t; base::Status st; };
static int f$f(int x, base::Ctx& ctx) {
  R$f r{};
  int acc = x + $f;
  for (int i = 0; i < 3; i++) {
    long y = i * acc;
    if (y % 2 == 0) { int z = int(y) + r.a; acc += z; } else { double w = double(y); acc -= int(w); }
  }
  r.b = acc + long(ctx.tags.size());
  r.t.a = acc;
  return int(r.b) + r.t.a;
}
F
      done
      echo "int process(int request) {"
      echo "  base::Ctx ctx;"
      echo "  ctx.tags[\"unit\"] = \"$n\";"
      echo "  int sum = 0;"
      for ((f = 0; f < funcs; f++)); do echo "  sum += f$f(request, ctx);"; done
      echo "  return sum;"
      echo "}"
      echo "}  // namespace unit$n"
    } >"$ws/$path"
    decls+="namespace unit$n { int process(int request); }"$'\n'
    table+="    &unit$n::process,"$'\n'
  done
  cat >"$ws/source/server/main.cc" <<MAIN
// Generated entry point: routes fake requests to the units.
#include <pthread.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "source/common/api.h"

$decls
namespace bench {
using ProcessFn = int (*)(int);
static const ProcessFn kUnits[] = {
$table};
constexpr int kUnitCount = int(sizeof(kUnits) / sizeof(kUnits[0]));

class Router {
 public:
  int route(int request) { return kUnits[request % kUnitCount](request); }
};

int handle_request(int request) {
  Router router;
  return router.route(request);
}
}  // namespace bench

namespace bench {
// A worker loop, named like Envoy's (wrk:worker_N), for benchmarks that need many threads.
void worker(int id) {
  char name[16];
  std::snprintf(name, sizeof(name), "wrk:worker_%d", id);
  pthread_setname_np(pthread_self(), name);
  for (int i = id;; i++) {
    handle_request(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
}  // namespace bench

// bigserver [--serve [THREADS]]: THREADS extra workers run beside the main loop.
int main(int argc, char** argv) {
  bool serve = argc > 1 && std::strcmp(argv[1], "--serve") == 0;
  int threads = serve && argc > 2 ? std::atoi(argv[2]) : 0;
  long total = 0;
  for (int i = 0; i < bench::kUnitCount; i++) total += bench::handle_request(i);
  std::printf("bigserver: %d units ok (%ld)\n", bench::kUnitCount, total);
  std::fflush(stdout);
  for (int t = 0; t < threads; t++) std::thread(bench::worker, t).detach();
  for (int i = 0; serve; i++) {
    total += bench::handle_request(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}
MAIN
  # Same compile and link lines as gen-big-program.sh (bazel-like relative paths, prefix map).
  {
    echo "SRCS := source/server/main.cc \\"
    for ((n = 0; n < units; n++)); do echo "  $(unit_path "$n") \\"; done
    echo ""
    cat <<'MK'
OBJS := $(patsubst %.cc,obj/%.o,$(SRCS))
CXXFLAGS := -std=c++17 -g -O0 -fno-eliminate-unused-debug-types -iquote . \
  -fdebug-prefix-map=$(CURDIR)=/proc/self/cwd -no-canonical-prefixes
HDRS := $(wildcard source/common/*.h source/common/api/*.h)
BIN := bazel-out/k8-dbg/bin/bigserver

$(BIN): $(OBJS)
	@mkdir -p $(dir $@)
	clang++-14 -fuse-ld=lld -Wl,--build-id=sha1 -o $@ $(OBJS) -lpthread

obj/%.o: %.cc $(HDRS)
	@mkdir -p $(dir $@)
	@echo "compile $<"
	@clang++-14 $(CXXFLAGS) -c $< -o $@
MK
  } >"$ws/Makefile"
}

generate
