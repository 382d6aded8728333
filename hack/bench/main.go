// Command bench runs kubex and the reference kubectl side by side on one local cluster and prints, for
// each row, the median wall time and peak RSS of both and their ratios. `make bench` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// row is one command measured with both tools. Later features add their rows here.
type row struct {
	name  string
	args  []string
	rtt   time.Duration                                           // if set, the server is reached through a proxy adding this round-trip time
	setup func(ctx context.Context, c *testcluster.Cluster) error // runs once before the row
}

// wanRTT is a round-trip time typical of a cloud cluster seen from a laptop.
const wanRTT = 20 * time.Millisecond

func benchRows() []row {
	return []row{
		{name: "version --client", args: []string{"version", "--client"}},
		{name: "api-resources (warm cache)", args: []string{"api-resources"}},
		{name: "version (20 ms RTT)", args: []string{"version"}, rtt: wanRTT},
		{name: "api-resources (warm cache, 20 ms RTT)", args: []string{"api-resources"}, rtt: wanRTT},
	}
}

// sample is one run of one command.
type sample struct {
	wall   time.Duration
	maxRSS int64 // bytes
}

func main() {
	kubex := flag.String("kubex", "bin/kubex", "the kubex binary to measure")
	runs := flag.Int("runs", 15, "measured runs of each command (after one warm-up run)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *kubex, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubex string, runs int) error {
	kubex, err := filepath.Abs(kubex)
	if err != nil {
		return err
	}
	c, err := testcluster.Start(ctx, testcluster.Options{Log: os.Stderr})
	if err != nil {
		return err
	}
	defer c.Stop()

	tmp, err := os.MkdirTemp("", "kubex-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	tools := []struct{ name, path string }{{"kubex", kubex}, {"kubectl", c.Kubectl}}
	kubeconfigs := map[time.Duration]string{0: c.AdminKubeconfig}

	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "COMMAND\tKUBEX TIME\tKUBECTL TIME\tTIME RATIO\tKUBEX RSS\tKUBECTL RSS\tRSS RATIO\n")
	for _, r := range benchRows() {
		if r.setup != nil {
			if err := r.setup(ctx, c); err != nil {
				return fmt.Errorf("%s: setup: %w", r.name, err)
			}
		}
		var medians [2]sample
		fmt.Fprintf(os.Stderr, "bench: %s\n", r.name)
		kubeconfig, ok := kubeconfigs[r.rtt]
		if !ok {
			if kubeconfig, err = delayedKubeconfig(c, r.rtt, tmp); err != nil {
				return err
			}
			kubeconfigs[r.rtt] = kubeconfig
		}
		samples := make([][]sample, len(tools))
		// Alternate the tools run by run so that drift on the machine hits both alike.
		for i := -1; i < runs; i++ {
			for t, tool := range tools {
				env := append(os.Environ(), "KUBECONFIG="+kubeconfig,
					"KUBECACHEDIR="+filepath.Join(tmp, tool.name+"-cache"), "HOME="+filepath.Join(tmp, tool.name+"-home"))
				s, err := measure(ctx, tool.path, r.args, env)
				if err != nil {
					return fmt.Errorf("%s: %s: %w", r.name, tool.name, err)
				}
				if i >= 0 { // the first run warms caches and is not counted
					samples[t] = append(samples[t], s)
				}
			}
		}
		for t := range tools {
			medians[t] = median(samples[t])
		}
		kx, kc := medians[0], medians[1]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2fx\t%s\t%s\t%.2fx\n", r.name,
			kx.wall.Round(100*time.Microsecond), kc.wall.Round(100*time.Microsecond), float64(kx.wall)/float64(kc.wall),
			mib(kx.maxRSS), mib(kc.maxRSS), float64(kx.maxRSS)/float64(kc.maxRSS))
	}
	return tw.Flush()
}

// delayedKubeconfig writes a kubeconfig that reaches the cluster through a delayProxy adding rtt. The
// proxy lives until the process ends.
func delayedKubeconfig(c *testcluster.Cluster, rtt time.Duration, dir string) (string, error) {
	u, err := url.Parse(c.Server)
	if err != nil {
		return "", err
	}
	p, err := startDelayProxy(u.Host, rtt/2)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("kubeconfig-rtt-%s", rtt))
	return path, c.WriteKubeconfig(path, testcluster.KubeconfigOptions{
		Server: "https://" + p.Addr(), ClientCert: c.AdminCert, ClientKey: c.AdminKey,
	})
}

func measure(ctx context.Context, bin string, args, env []string) (sample, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdout = io.Discard
	stderr := &limitedBuffer{max: 4096}
	cmd.Stderr = stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("%w: %s", err, stderr.b)
	}
	wall := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss * 1024 // Linux reports KiB
	}
	return sample{wall: wall, maxRSS: rss}, nil
}

// median takes the medians of wall time and of RSS separately.
func median(s []sample) sample {
	walls := make([]time.Duration, len(s))
	rss := make([]int64, len(s))
	for i, x := range s {
		walls[i], rss[i] = x.wall, x.maxRSS
	}
	slices.Sort(walls)
	slices.Sort(rss)
	return sample{wall: walls[len(s)/2], maxRSS: rss[len(s)/2]}
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// limitedBuffer keeps the first max bytes of a failing command's stderr for the error message.
type limitedBuffer struct {
	b   []byte
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
