// pilot-agent stand-in: what Istio's pilot-agent does for these tests, and nothing more.
//
// It is PID 1 of the istio-proxy container and starts Envoy as a plain child with
// exec.Command, without Setpgid, as pilot-agent does: Envoy leads no process group and inherits
// the container's user (1337), its dropped capabilities and read-only root. Like pilot-agent it
// serves the sidecar's readiness on :15021/healthz/ready by asking Envoy's own health endpoint,
// forwards SIGTERM/SIGINT to Envoy, and exits with Envoy. It does not talk to istiod (no
// certificates, no xDS): the Envoy stand-in needs no configuration.
//
//	pilot-agent proxy sidecar [--envoy PATH] [--envoy-port N]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 3 || os.Args[1] != "proxy" || os.Args[2] != "sidecar" {
		fmt.Fprintln(os.Stderr, "usage: pilot-agent proxy sidecar [--envoy PATH] [--envoy-port N]")
		os.Exit(2)
	}
	flags := flag.NewFlagSet("proxy sidecar", flag.ExitOnError)
	envoyPath := flags.String("envoy", "/usr/local/bin/envoy", "the Envoy binary")
	envoyPort := flags.Int("envoy-port", 15000, "Envoy's port on 127.0.0.1 (its admin and health endpoint)")
	readyAddr := flags.String("status-addr", ":15021", "where the readiness endpoint listens")
	_ = flags.Parse(os.Args[3:])

	envoy := exec.Command(*envoyPath, "--port", fmt.Sprint(*envoyPort))
	envoy.Stdout, envoy.Stderr = os.Stdout, os.Stderr
	if err := envoy.Start(); err != nil {
		log.Fatalf("pilot-agent: cannot start envoy: %v", err)
	}
	log.Printf("pilot-agent: envoy started, pid %d, uid %d, ISTIO_META_ISTIO_PROXY_SHA=%s",
		envoy.Process.Pid, os.Getuid(), os.Getenv("ISTIO_META_ISTIO_PROXY_SHA"))

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		for s := range signals {
			_ = envoy.Process.Signal(s)
		}
	}()

	go serveReadiness(*readyAddr, fmt.Sprintf("http://127.0.0.1:%d/healthz", *envoyPort))

	err := envoy.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		log.Printf("pilot-agent: envoy exited: %v", err)
		if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			os.Exit(128 + int(status.Signal()))
		}
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		log.Fatalf("pilot-agent: %v", err)
	}
	log.Printf("pilot-agent: envoy exited")
}

// serveReadiness answers 200 while Envoy answers its health check within a second, else 503:
// a stopped Envoy (a breakpoint) makes the pod NotReady, as it does under Istio.
func serveReadiness(addr, envoyHealth string) {
	client := &http.Client{Timeout: time.Second}
	http.HandleFunc("/healthz/ready", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, envoyHealth, nil)
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, "envoy not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			http.Error(w, fmt.Sprintf("envoy answered %d", resp.StatusCode), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	log.Fatal(http.ListenAndServe(addr, nil))
}
