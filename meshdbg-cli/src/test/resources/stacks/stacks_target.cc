// A multi-threaded target for the stacks tests: named worker threads blocked in poll() under a
// known call chain (worker_main -> run_loop -> handle_batch, inlined -> wait_for_work -> poll),
// one thread spinning on the CPU (spin_main -> spin_forever), and the main thread serving TCP on
// 127.0.0.1 (prints its port), so a test can tell it still serves after a capture.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace meshtest {

std::atomic<long> work_done{0};
int wake_pipe[2];

__attribute__((noinline)) int wait_for_work(int timeout_ms) {
  struct pollfd p = {wake_pipe[0], POLLIN, 0};
  int n = poll(&p, 1, timeout_ms);
  asm volatile("" ::: "memory");
  return n;
}

// Inlined into run_loop: the stack shows it only through the debug info's inlined frames.
inline __attribute__((always_inline)) void handle_batch(int worker) {
  if (wait_for_work(1000 + worker) > 0) {
    work_done.fetch_add(1);
  }
  work_done.fetch_add(0);
}

__attribute__((noinline)) void run_loop(int worker) {
  for (;;) {
    handle_batch(worker);
  }
}

__attribute__((noinline)) void spin_forever(volatile unsigned long* counter) {
  for (;;) {
    *counter = *counter + 1;
  }
}

void worker_main(int worker) {
  std::string name = "wrk:worker_" + std::to_string(worker);
  pthread_setname_np(pthread_self(), name.c_str());
  run_loop(worker);
}

void spin_main() {
  pthread_setname_np(pthread_self(), "spinner");
  static volatile unsigned long counter = 0;
  spin_forever(&counter);
}

}  // namespace meshtest

// stacks_target [WORKERS]: prints "port N" once listening, then serves "ok" to each connection.
int main(int argc, char** argv) {
  int workers = argc > 1 ? atoi(argv[1]) : 4;
  if (pipe(meshtest::wake_pipe) != 0) return 1;
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; i++) threads.emplace_back(meshtest::worker_main, i);
  threads.emplace_back(meshtest::spin_main);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 16) != 0) return 1;
  getsockname(fd, (struct sockaddr*)&addr, &len);
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  for (;;) {
    int c = accept(fd, nullptr, nullptr);
    if (c < 0) continue;
    ssize_t w = write(c, "ok\n", 3);
    (void)w;
    close(c);
  }
}
