// Package e2e runs kubex and the reference kubectl against a real control plane (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok) started once for the whole
// package by TestMain; see harness_test.go for helpers. Tests run in parallel but for the few that
// restart the API server, which run first, alone.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// h is the shared harness. TestMain sets it once before any test runs; tests only read it.
var h *harness

type harness struct {
	cluster  *testcluster.Cluster
	kubex    string // built kubex binary
	kubexErr error  // why kubex did not build; runKubex fails with it
	home     string // HOME of the commands tests run: keeps caches out of the real one
}

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	tmp, err := testcluster.TempDir("kubex-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	// Ctrl-C or SIGTERM: abort a Start in progress (it cleans up after itself), or stop a
	// running cluster and exit; otherwise the signal would kill us with the cluster up.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var started *testcluster.Cluster
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		fmt.Fprintf(os.Stderr, "e2e: %v: stopping the test cluster\n", s)
		cancel()
		mu.Lock()
		defer mu.Unlock()
		if started != nil {
			_ = started.Stop()
			_ = os.RemoveAll(tmp)
			os.Exit(1)
		}
	}()

	// kubex builds while the cluster starts.
	hv := &harness{kubex: filepath.Join(tmp, "kubex"), home: filepath.Join(tmp, "home")}
	var wg sync.WaitGroup
	wg.Go(func() {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", hv.kubex, "./cmd/kubex")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			hv.kubexErr = fmt.Errorf("go build ./cmd/kubex: %w\n%s", err, out)
		}
	})
	c, err := testcluster.Start(ctx, testcluster.Options{Log: os.Stderr})
	wg.Wait()
	if err != nil {
		// Fail, never skip: e2e tests that silently don't run are worse than none.
		fmt.Fprintln(os.Stderr, "e2e: cannot start the test cluster:", err)
		return 1
	}
	mu.Lock()
	started = c
	mu.Unlock()
	defer c.Stop()
	if ctx.Err() != nil { // a signal came just as Start returned
		return 1
	}
	if hv.kubexErr != nil {
		fmt.Fprintln(os.Stderr, "e2e: kubex did not build; tests that run it will fail:", hv.kubexErr)
	}
	if err := os.MkdirAll(hv.home, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	hv.cluster = c
	h = hv
	return m.Run()
}
