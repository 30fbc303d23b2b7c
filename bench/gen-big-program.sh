#!/usr/bin/env bash
# Writes the sources and Makefile of the benchmark program into a workspace directory.
#   bench/gen-big-program.sh WORKSPACE UNITS PER_UNIT
# make-big-binary.sh keys its cache on a hash of this file: change it and binaries rebuild.
set -euo pipefail
ws=${1:?workspace}
units=${2:?units}
per_unit=${3:?per_unit}

unit_path() { # the source path of unit N, relative to the workspace (as bazel passes it)
  local n=$1
  if ((n % 40 == 7)); then echo "external/com_github_fake_lib/src/unit$n.cc"
  elif ((n % 40 == 19)); then echo "external/com_google_absl/absl/bench/unit$n.cc"
  elif ((n % 50 == 33)); then echo "bazel-out/k8-dbg/bin/gen/unit$n.pb.cc"
  else echo "source/units/unit$n.cc"
  fi
}

generate() {
  echo "make-big-binary: generating $units units in $ws" >&2
  rm -rf "$ws"
  mkdir -p "$ws/source/common" "$ws/source/units" "$ws/source/server"
  cat >"$ws/source/common/bench_types.h" <<'HDR'
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace bench {
// Shared types every unit instantiates: their DWARF is repeated in each unit, as in Envoy.
struct Header { std::string key; std::string value; };
using HeaderMap = std::vector<Header>;
struct Request { int64_t id = 0; HeaderMap headers; std::optional<std::string> body; };
using Callback = std::function<int(const Request&)>;
}  // namespace bench

// Expands to a unit-local record template and a function that exercises std containers on it.
#define BENCH_UNIT_BODY                                                                     \
  template <int I> struct Rec {                                                             \
    std::string name;                                                                       \
    int64_t id = I;                                                                         \
    std::vector<std::string> tags;                                                          \
    std::optional<double> score;                                                            \
    std::shared_ptr<bench::Request> request;                                                \
  };                                                                                        \
  template <int I> int touch() {                                                            \
    std::map<std::string, Rec<I>> by_name;                                                  \
    by_name["k"] = Rec<I>{};                                                                \
    std::unordered_map<int64_t, std::shared_ptr<Rec<I>>> by_id;                             \
    by_id.emplace(I, std::make_shared<Rec<I>>());                                           \
    std::vector<Rec<I>> all;                                                                \
    all.push_back(Rec<I>{});                                                                \
    all.emplace_back();                                                                     \
    std::function<int(const Rec<I>&)> score = [](const Rec<I>& r) { return int(r.id); };   \
    std::variant<Rec<I>, std::string, int64_t> any = Rec<I>{};                              \
    std::optional<Rec<I>> maybe;                                                            \
    maybe.emplace();                                                                        \
    int sum = score(all[0]) + int(by_name.size() + by_id.size());                           \
    for (auto& [k, r] : by_name) sum += int(k.size() + r.tags.size());                      \
    if (auto* p = std::get_if<Rec<I>>(&any)) sum += int(p->id);                             \
    return sum + (maybe ? 1 : 0);                                                           \
  }                                                                                         \
  template <int... Is> int touch_all(std::integer_sequence<int, Is...>) {                   \
    return (touch<Is>() + ...);                                                             \
  }
HDR
  local n path decls="" table=""
  for ((n = 0; n < units; n++)); do
    path=$(unit_path $n)
    mkdir -p "$ws/$(dirname "$path")"
    cat >"$ws/$path" <<UNIT
// Generated unit $n.
#include "source/common/bench_types.h"

namespace unit$n {
BENCH_UNIT_BODY

struct Stats$n {
  uint64_t requests = 0;
  uint64_t errors = 0;
  std::map<std::string, uint64_t> per_route;
};

int process(int request) {
  Stats$n stats;
  stats.requests += uint64_t(request);
  stats.per_route["/unit$n"] = stats.requests;
  bench::Request req;
  req.id = request;
  req.headers.push_back({"x-unit", "$n"});
  bench::Callback cb = [](const bench::Request& r) { return int(r.headers.size()); };
  return cb(req) + int(stats.per_route.size()) +
         touch_all(std::make_integer_sequence<int, $per_unit>{});
}
}  // namespace unit$n
UNIT
    decls+="namespace unit$n { int process(int request); }"$'\n'
    table+="    &unit$n::process,"$'\n'
  done
  cat >"$ws/source/server/main.cc" <<MAIN
// Generated entry point: routes fake requests to the units.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "source/common/bench_types.h"

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

int main(int argc, char** argv) {
  bool serve = argc > 1 && std::strcmp(argv[1], "--serve") == 0;
  long total = 0;
  for (int i = 0; i < bench::kUnitCount; i++) total += bench::handle_request(i);
  std::printf("bigserver: %d units ok (%ld)\n", bench::kUnitCount, total);
  std::fflush(stdout);
  for (int i = 0; serve; i++) {
    total += bench::handle_request(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}
MAIN
  # Make resumes an interrupted build; compile lines mirror bazel's (relative paths, prefix map).
  {
    echo "SRCS := source/server/main.cc \\"
    for ((n = 0; n < units; n++)); do echo "  $(unit_path $n) \\"; done
    echo ""
    cat <<'MK'
OBJS := $(patsubst %.cc,obj/%.o,$(SRCS))
CXXFLAGS := -std=c++17 -g -O0 -fno-eliminate-unused-debug-types -iquote . \
  -fdebug-prefix-map=$(CURDIR)=/proc/self/cwd -no-canonical-prefixes
BIN := bazel-out/k8-dbg/bin/bigserver

$(BIN): $(OBJS)
	@mkdir -p $(dir $@)
	clang++-14 -fuse-ld=lld -Wl,--build-id=sha1 -o $@ $(OBJS) -lpthread

obj/%.o: %.cc source/common/bench_types.h
	@mkdir -p $(dir $@)
	@echo "compile $<"
	@clang++-14 $(CXXFLAGS) -c $< -o $@
MK
  } >"$ws/Makefile"
}

generate
