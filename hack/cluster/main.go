// Command cluster starts and stops a detached test cluster for manual use and the demo:
//
//	go run ./hack/cluster up [--dir .cache/cluster]    # prints: export KUBECONFIG=...
//	go run ./hack/cluster down [--dir .cache/cluster]
//
// so that `eval "$(go run ./hack/cluster up)"` points kubectl and kubex at it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 || (args[0] != "up" && args[0] != "down") {
		return errors.New("usage: cluster up|down [--dir DIR]")
	}
	fl := flag.NewFlagSet("cluster "+args[0], flag.ContinueOnError)
	dir := fl.String("dir", filepath.Join(".cache", "cluster"), "state directory")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if args[0] == "up" {
		return up(abs)
	}
	return down(abs)
}

func up(dir string) error {
	if old, err := testcluster.Load(dir); err == nil {
		if old.Running() {
			fmt.Fprintf(os.Stderr, "cluster already running in %s (server %s)\n", dir, old.Server)
			fmt.Printf("export KUBECONFIG=%s\n", old.AdminKubeconfig)
			return nil
		}
		// Left over from a crash or a reboot: kill whatever survived before starting afresh.
		_ = old.Stop()
	}
	// Ctrl-C while starting stops what was started; once up, the cluster is detached.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := testcluster.Start(ctx, testcluster.Options{Dir: dir, Detach: true, Log: os.Stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "server:  %s\nkubectl: %s\ntokens:  admin %s, no rights %s\nnode:    %s\nstop:    go run ./hack/cluster down --dir %s\n",
		c.Server, c.Kubectl, c.AdminToken, c.NoRightsToken, c.NodeName, dir)
	fmt.Printf("export KUBECONFIG=%s\n", c.AdminKubeconfig)
	return nil
}

func down(dir string) error {
	c, err := testcluster.Load(dir)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(os.Stderr, "no cluster in %s\n", dir)
		return nil
	}
	if err != nil {
		return err
	}
	if err := c.Stop(); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "cluster in %s stopped\n", dir)
	return nil
}
