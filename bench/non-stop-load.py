#!/usr/bin/env python3
"""Load for bench/non-stop.sh: once gdb reports its breakpoint hit, sends requests on new
connections to envoy-like for SECONDS, from CONCURRENCY loops; a request not answered within
TIMEOUT (held by a stopped worker) is abandoned. Prints one JSON line: how many completed during
the stop, how many were abandoned, their latency, and which worker answered each."""
import argparse
import json
import re
import socket
import threading
import time


def request(port, path, timeout):
    """One HTTP/1.0 request on a new connection; returns the worker that answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(b"GET " + path.encode() + b" HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    m = re.search(rb"\r\nX-Worker: (\d+)\r\n", data)
    if not m:
        raise OSError("no X-Worker header: %r" % data[:200])
    return int(m.group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--gdb-log", required=True)
    p.add_argument("--hit", default="Temporary breakpoint 1, ")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--timeout", type=float, default=1.0)
    p.add_argument("--mode", required=True)
    a = p.parse_args()

    def log():
        with open(a.gdb_log, errors="replace") as f:
            return f.read()

    hit = threading.Event()

    def trigger():
        # Until the breakpoint is armed requests pass; one of them stops there.
        while not hit.is_set():
            try:
                request(a.port, "/trigger", 60)
            except OSError:
                pass
            time.sleep(0.05)

    threading.Thread(target=trigger, daemon=True).start()
    deadline = time.monotonic() + 120
    while a.hit not in log():
        if time.monotonic() > deadline:
            raise SystemExit("non-stop-load: no breakpoint hit in the gdb log after 120 s:\n" + log())
        time.sleep(0.02)
    hit.set()
    held = re.search(r'Thread \d+ "([^"]+)" hit ' + re.escape(a.hit), log())

    end = time.monotonic() + a.seconds
    lock = threading.Lock()
    latencies, workers, abandoned = [], {}, [0]

    def loop():
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            start = time.monotonic()
            try:
                w = request(a.port, "/bench", min(a.timeout, left))
            except OSError:
                with lock:
                    abandoned[0] += 1
                continue
            done = time.monotonic()
            if done <= end:
                with lock:
                    latencies.append((done - start) * 1000)
                    workers[w] = workers.get(w, 0) + 1

    threads = [threading.Thread(target=loop) for _ in range(a.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    latencies.sort()

    def pct(q):
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 3)

    print(json.dumps({
        "mode": a.mode,
        "held": held.group(1) if held else None,
        "seconds": a.seconds,
        "completed": len(latencies),
        "abandoned": abandoned[0],
        "medianMs": pct(0.5),
        "p99Ms": pct(0.99),
        "byWorker": {"wrk:worker_%d" % k: v for k, v in sorted(workers.items())},
    }))


if __name__ == "__main__":
    main()
