// A stand-in for Envoy's request headers: enough structure for a debugger to show.
#pragma once

#include <map>
#include <string>

namespace envoy_like {

struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;
};

struct Response {
  int status = 200;
  std::string body;
};

}  // namespace envoy_like
