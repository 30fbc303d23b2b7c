// envoy-like: a tiny HTTP/1.0 server on 127.0.0.1 that meshdbg's demo and tests debug in
// place of Envoy. A worker thread accepts connections and calls handle_request() for each, so a
// breakpoint there stops the "request path" the way one in Envoy's HTTP connection manager would.
//
//   envoy-like --port N     serve on 127.0.0.1:N until SIGTERM
//
// The comments "// @line NAME" mark lines that tests and the demo break on; keep them unique.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>

#include "source/common/request.h"

namespace envoy_like {

static std::atomic<long> requests_served{0};
static std::atomic<long> heartbeats{0};

Response handle_request(const Request& request) {
  long request_number = ++requests_served;  // @line handler
  Response response;
  response.body = request.method + " " + request.path + " #" + std::to_string(request_number) + "\n";
  if (request.path == "/healthz") {
    response.body = "ok\n";
  }
  return response;
}

static Request parse(const std::string& raw) {
  Request request;
  std::istringstream in(raw);
  in >> request.method >> request.path;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && line != "\r" && !line.empty()) {
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      request.headers[line.substr(0, colon)] = line.substr(colon + 1);
    }
  }
  return request;
}

static void serve(int listener) {
  for (;;) {
    int conn = accept(listener, nullptr, nullptr);
    if (conn < 0) {
      continue;
    }
    char buf[4096];
    ssize_t n = read(conn, buf, sizeof(buf) - 1);
    if (n > 0) {
      buf[n] = '\0';
      Response response = handle_request(parse(buf));
      std::string out = "HTTP/1.0 " + std::to_string(response.status) + " OK\r\nContent-Length: " +
                        std::to_string(response.body.size()) + "\r\n\r\n" + response.body;
      ssize_t ignored = write(conn, out.data(), out.size());
      (void)ignored;
    }
    close(conn);
  }
}

}  // namespace envoy_like

int main(int argc, char** argv) {
  int port = 0;
  for (int i = 1; i + 1 < argc; i++) {
    if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
  }
  signal(SIGPIPE, SIG_IGN);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(listener, 64) != 0) {
    std::perror("envoy-like: listen");
    return 1;
  }
  socklen_t len = sizeof(addr);
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("envoy-like listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  std::thread worker(envoy_like::serve, listener);
  worker.detach();
  for (;;) {
    ++envoy_like::heartbeats;  // @line heartbeat
    usleep(100 * 1000);
  }
}
