// envoy-like: a tiny HTTP/1.0 server on 127.0.0.1 that meshdbg's demo and tests debug in
// place of Envoy. Like Envoy's workers, each worker thread (named wrk:worker_N) has its own
// SO_REUSEPORT listener on the port, owns the connections the kernel hands it, and calls
// handle_request() for each, so a breakpoint there stops the "request path" the way one in
// Envoy's HTTP connection manager would, and in non-stop mode stops only that worker's traffic.
//
//   envoy-like --port N [--workers W]   serve on 127.0.0.1:N with W workers (2) until SIGTERM
//
// The comments "// @line NAME" mark lines that tests and the demo break on; keep them unique.
#include <arpa/inet.h>
#include <pthread.h>
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
#include <vector>

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

// Says which worker answered, so a client can tell whose connection it had.
static void serve(int listener, int worker) {
  std::string name = "wrk:worker_" + std::to_string(worker);
  pthread_setname_np(pthread_self(), name.c_str());
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
                        std::to_string(response.body.size()) + "\r\nX-Worker: " + std::to_string(worker) +
                        "\r\n\r\n" + response.body;
      ssize_t ignored = write(conn, out.data(), out.size());
      (void)ignored;
    }
    close(conn);
  }
}

// One listener per worker on the same port: the kernel spreads new connections over them.
static int listen_on(int port) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  setsockopt(listener, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(listener, 64) != 0) {
    std::perror("envoy-like: listen");
    std::exit(1);
  }
  return listener;
}

}  // namespace envoy_like

int main(int argc, char** argv) {
  int port = 0;
  int workers = 2;
  for (int i = 1; i + 1 < argc; i++) {
    if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--workers") == 0) workers = std::atoi(argv[i + 1]);
  }
  if (workers < 1) {
    std::fprintf(stderr, "envoy-like: --workers must be at least 1\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  std::vector<int> listeners{envoy_like::listen_on(port)};
  sockaddr_in addr{};
  socklen_t len = sizeof(addr);
  getsockname(listeners[0], reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  while (static_cast<int>(listeners.size()) < workers) {
    listeners.push_back(envoy_like::listen_on(port));
  }
  std::printf("envoy-like listening on 127.0.0.1:%d with %d workers\n", port, workers);
  std::fflush(stdout);
  for (int w = 0; w < workers; w++) {
    std::thread(envoy_like::serve, listeners[w], w).detach();
  }
  for (;;) {
    ++envoy_like::heartbeats;  // @line heartbeat
    usleep(100 * 1000);
  }
}
