// Command bench runs kubex, the reference kubectl and, where a row defines one, a "raw" client
// (the least work any client must do: the same requests, bodies thrown away) side by side on one
// local cluster, and prints for each row the median wall time and peak RSS of each, with ratios.
// `make bench` runs it.
//
//	go run ./hack/bench [-kubex bin/kubex] [-runs N] [-only REGEXP]
//
// A second table compares the kubex library with client-go (JSON and protobuf) in programs of a few
// lines (hack/bench/library, hack/bench/clientgo): its rows are named "library ...".
//
// A command that fails shows the error in its cells; the other rows still run, and the exit
// status is then 1.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// row is one command measured with each tool. Later features add their rows here.
type row struct {
	name        string
	args        []string // kubex's arguments, and kubectl's unless kubectlArgs is set
	kubectlArgs []string
	rtt         time.Duration // if set, the server is reached through a proxy adding this round-trip time
	seed        []string      // namespaces of seedSizes that must hold their pods first
	raw         *rawRequest   // the raw client's requests; nil: no raw column
	// watch: the command does not end by itself; a run lasts until it has printed a header
	// and one line per pod, and is then ended with SIGTERM.
	watch bool
	big   bool // a slow row: fewer runs by default
	// stdinBytes, if set, is the size of a file (made once) fed to every run on stdin.
	stdinBytes int64
	// forward: the command is a port-forward; a run is one connection reading forwardBytes (measureForward).
	forward bool
	// runs, if set, is the number of measured runs when -runs does not say.
	runs int
	// perRun, if set, prepares each run (run -1 is the warm-up) and returns arguments to add.
	perRun func(ctx context.Context, c *testcluster.Cluster, tool string, run int) ([]string, error)
	// kubectlScript, if set, is what kubectl's column runs instead: sh -c SCRIPT sh KUBECTL ARGS..., where
	// ARGS are perRun's (for work kubectl needs several runs for).
	kubectlScript string
}

// wanRTT is a round-trip time typical of a cloud cluster seen from a laptop.
const wanRTT = 20 * time.Millisecond

var allNamespaces = []string{"bench-1", "bench-2", "bench-3", "small"}

func benchRows() []row {
	podsJSON := &rawRequest{path: "/api/v1/pods?limit=500", accept: acceptJSON}
	rows := []row{
		{name: "version --client", args: []string{"version", "--client"}},
		{name: "api-resources (warm cache)", args: []string{"api-resources"}},
		{name: "version (20 ms RTT)", args: []string{"version"}, rtt: wanRTT,
			raw: &rawRequest{path: "/version", accept: acceptJSON}},
		{name: "api-resources (warm cache, 20 ms RTT)", args: []string{"api-resources"}, rtt: wanRTT},
		// Seeded in steps: this row sees bench-1 alone.
		{name: "get pods -A -o json (1000 pods)", args: []string{"get", "pods", "-A", "-o", "json"},
			seed: []string{"bench-1"}, raw: podsJSON, big: true},
		{name: "get pods -n small (25 pods, warm cache)", args: []string{"get", "pods", "-n", "small"},
			seed: allNamespaces, raw: &rawRequest{path: "/api/v1/namespaces/small/pods?limit=500", accept: acceptTable}},
		{name: "get pods -A (3025 pods)", args: []string{"get", "pods", "-A"},
			seed: allNamespaces, raw: &rawRequest{path: "/api/v1/pods?limit=500", accept: acceptTable}, big: true},
		{name: "get pods -A -o json (3025 pods)", args: []string{"get", "pods", "-A", "-o", "json"},
			seed: allNamespaces, raw: podsJSON, big: true},
		{name: "watch pods -A (until 3025 rows)", args: []string{"watch", "pods", "-A"}, kubectlArgs: []string{"get", "pods", "-A", "-w"},
			seed: allNamespaces, raw: &rawRequest{path: "/api/v1/pods?limit=500", accept: acceptTable, watch: true}, watch: true, big: true},
		{name: "watch pods -A --streaming-list (until 3025 rows)", args: []string{"watch", "pods", "-A", "--streaming-list"}, kubectlArgs: []string{"get", "pods", "-A", "-w"},
			seed: allNamespaces, watch: true, big: true},
		// What a Tab costs: types from the warm discovery cache, names of 25 pods (kubectl fetches whole objects).
		{name: "__complete get \"\" (warm types)", args: []string{"__complete", "get", ""}},
		{name: "__complete get pods \"\" -n small (warm names, 25 pods)", args: []string{"__complete", "-n", "small", "get", "pods", ""},
			seed: allNamespaces, raw: &rawRequest{path: "/api/v1/namespaces/small/pods?includeObject=None&limit=500", accept: acceptTable}},
	}
	rows = append(rows, streamRows()...)
	rows = append(rows, applyRows()...)
	return append(rows, contextRows()...)
}

// sample is one run of one command.
type sample struct {
	wall   time.Duration
	maxRSS int64 // bytes
}

func main() {
	if isSpawnInvocation() {
		runSpawn()
		return
	}
	if isRawInvocation() {
		runRaw()
		return
	}
	kubex := flag.String("kubex", "bin/kubex", "the kubex binary to measure")
	runs := flag.Int("runs", 0, "measured runs of each command after one warm-up run (default 15, 5 for the big rows, 7 for the library rows)")
	only := flag.String("only", "", "run only the rows whose name matches this regular expression")
	flag.Parse()
	filter, err := regexp.Compile(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: -only:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *kubex, *runs, filter); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// tool is one column: a binary and how it is invoked for a row.
type tool struct {
	name string
	bin  string
	args func(r row, server string) []string // nil: the tool has nothing to run for this row
	// exits: the tool ends by itself even in a watch row (the raw client stops once the
	// watch is open), so its lines are not counted.
	exits bool
}

func run(ctx context.Context, kubex string, runs int, filter *regexp.Regexp) error {
	kubex, err := filepath.Abs(kubex)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var rows []row
	for _, r := range benchRows() {
		if filter.MatchString(r.name) {
			rows = append(rows, r)
		}
	}
	libRows := matchingLibraryRows(filter)
	if len(rows) == 0 && len(libRows) == 0 {
		return fmt.Errorf("no row matches -only %q", filter)
	}
	c, err := testcluster.Start(ctx, testcluster.Options{Log: os.Stderr})
	if err != nil {
		return err
	}
	defer c.Stop()
	seed, err := newSeeder(c)
	if err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "kubex-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	tools := []tool{
		{"kubex", kubex, func(r row, _ string) []string { return r.args }, false},
		{"kubectl", c.Kubectl, func(r row, _ string) []string {
			if r.kubectlArgs != nil {
				return r.kubectlArgs
			}
			return r.args
		}, false},
		{"raw", self, func(r row, server string) []string {
			if r.raw == nil {
				return nil
			}
			return r.raw.args(server, c.CAFile, c.AdminCert, c.AdminKey)
		}, true},
	}
	type endpoint struct{ kubeconfig, server string }
	endpoints := map[time.Duration]endpoint{0: {c.AdminKubeconfig, c.Server}}

	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	if len(rows) > 0 {
		fmt.Fprintf(tw, "COMMAND\tKUBEX\tKUBECTL\tRAW\tKUBEX/KUBECTL\tKUBEX/RAW\tKUBEX RSS\tKUBECTL RSS\tRAW RSS\tRSS KUBEX/KUBECTL\n")
	}
	var failures []error
	for _, r := range rows {
		if err := seed.ensure(ctx, r.seed...); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		fmt.Fprintf(os.Stderr, "bench: %s\n", r.name)
		ep, ok := endpoints[r.rtt]
		if !ok {
			if ep.kubeconfig, ep.server, err = delayedKubeconfig(c, r.rtt, tmp); err != nil {
				return err
			}
			endpoints[r.rtt] = ep
		}
		n := runs
		if n <= 0 {
			n = 15
			if r.big {
				n = 5
			}
			if r.runs > 0 {
				n = r.runs
			}
		}
		stdin := ""
		if r.stdinBytes > 0 {
			if stdin, err = stdinFile(tmp, r.stdinBytes); err != nil {
				return err
			}
		}
		if r.forward {
			if err := servePayload(c.PortForwardAddr, forwardBytes); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
		}
		lines := 0
		if r.watch {
			lines = seed.pods() + 1 // a header and one row per pod
		}
		samples := make([][]sample, len(tools))
		errs := make([]error, len(tools))
		// Alternate the tools run by run so that drift on the machine hits all alike.
		for i := -1; i < n; i++ {
			for t, tl := range tools {
				args := tl.args(r, ep.server)
				if args == nil || errs[t] != nil {
					continue
				}
				if r.perRun != nil {
					extra, err := r.perRun(ctx, c, tl.name, i)
					if err != nil {
						return fmt.Errorf("%s: %w", r.name, err)
					}
					args = append(slices.Clone(args), extra...)
				}
				bin := tl.bin
				if tl.name == "kubectl" && r.kubectlScript != "" {
					bin, args = "/bin/sh", append([]string{"-c", r.kubectlScript, "sh", tl.bin}, args[len(r.args):]...)
				}
				env := append(os.Environ(), "KUBECONFIG="+ep.kubeconfig,
					"KUBECACHEDIR="+filepath.Join(tmp, tl.name+"-cache"), "HOME="+filepath.Join(tmp, tl.name+"-home"))
				want := lines
				if tl.exits {
					want = 0
				}
				var s sample
				if r.forward {
					s, err = measureForward(ctx, bin, args, env, forwardBytes)
				} else {
					s, err = measure(ctx, bin, args, env, want, stdin)
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err != nil {
					// One failure marks the tool's cells for the row: no point running it again.
					errs[t] = err
					failures = append(failures, fmt.Errorf("%s: %s: %w", r.name, tl.name, err))
					continue
				}
				if i >= 0 { // the first run warms caches and is not counted
					samples[t] = append(samples[t], s)
				}
			}
		}
		cells := make([]cell, len(tools))
		for t, tl := range tools {
			switch {
			case errs[t] != nil:
				cells[t] = cell{err: errs[t]}
			case tl.args(r, ep.server) == nil:
				cells[t] = cell{absent: true}
			default:
				cells[t] = cell{s: median(samples[t])}
			}
		}
		kx, kc, raw := cells[0], cells[1], cells[2]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name,
			kx.wall(), kc.wall(), raw.wall(), ratio(kx, kc, wallOf), ratio(kx, raw, wallOf),
			kx.rss(), kc.rss(), raw.rss(), ratio(kx, kc, rssOf))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(libRows) > 0 {
		fails, err := runLibrary(ctx, libRows, c.AdminKubeconfig, tmp, runs, seed)
		failures = append(failures, fails...)
		if err != nil {
			return err
		}
	}
	if filter.MatchString("binary size") {
		line, err := binarySize(ctx, c.Kubectl, tmp)
		if err != nil {
			failures = append(failures, fmt.Errorf("binary size: %w", err))
		} else {
			fmt.Println(line)
		}
	}
	if len(failures) > 0 {
		for _, err := range failures {
			fmt.Fprintln(os.Stderr, "bench: failed:", err)
		}
		return fmt.Errorf("%d command(s) failed", len(failures))
	}
	return nil
}

// cell is one tool's result for a row.
type cell struct {
	s      sample
	err    error
	absent bool
}

func (c cell) wall() string {
	switch {
	case c.err != nil:
		return errorCell(c.err)
	case c.absent:
		return "-"
	}
	return fmtDuration(c.s.wall)
}

func (c cell) rss() string {
	switch {
	case c.err != nil:
		return "error"
	case c.absent:
		return "-"
	}
	return mib(c.s.maxRSS)
}

func wallOf(s sample) float64 { return float64(s.wall) }
func rssOf(s sample) float64  { return float64(s.maxRSS) }

func ratio(a, b cell, f func(sample) float64) string {
	if a.err != nil || b.err != nil || a.absent || b.absent || f(b.s) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", f(a.s)/f(b.s))
}

// errorCell is the start of an error's first line, without tabs (they would break the table).
func errorCell(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	msg = exitStatus.ReplaceAllString(msg, "")
	msg = strings.ReplaceAll(msg, "\t", " ")
	if len(msg) > 40 {
		msg = msg[:37] + "..."
	}
	return "ERROR: " + msg
}

var exitStatus = regexp.MustCompile(`^exit status \d+: |error: `)

func fmtDuration(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// delayedKubeconfig writes a kubeconfig that reaches the cluster through a delayProxy adding rtt,
// and returns it with the proxy's URL. The proxy lives until the process ends.
func delayedKubeconfig(c *testcluster.Cluster, rtt time.Duration, dir string) (string, string, error) {
	u, err := url.Parse(c.Server)
	if err != nil {
		return "", "", err
	}
	p, err := startDelayProxy(u.Host, rtt/2)
	if err != nil {
		return "", "", err
	}
	server := "https://" + p.Addr()
	path := filepath.Join(dir, fmt.Sprintf("kubeconfig-rtt-%s", rtt))
	return path, server, c.WriteKubeconfig(path, testcluster.KubeconfigOptions{
		Server: server, ClientCert: c.AdminCert, ClientKey: c.AdminKey,
	})
}

// runTimeout bounds one run, so that a hanging command fails its row instead of the bench.
const runTimeout = 2 * time.Minute

// measure runs bin once, with the file stdin (if not "") on its standard input. With lines > 0 the
// command is a watch: its time is until it has printed that many lines; it is then sent SIGTERM, and
// its peak RSS is taken once it has exited.
func measure(ctx context.Context, bin string, args, env []string, lines int, stdin string) (sample, error) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	cmd, err := spawn(ctx, bin, args, env)
	if err != nil {
		return sample{}, err
	}
	defer cmd.close()
	if stdin != "" {
		f, err := os.Open(stdin)
		if err != nil {
			return sample{}, err
		}
		defer f.Close()
		cmd.Stdin = f // the spawner passes its stdin on
	}
	var stdout io.ReadCloser
	if lines > 0 {
		if stdout, err = cmd.StdoutPipe(); err != nil {
			return sample{}, err
		}
	} else {
		cmd.Stdout = io.Discard
	}
	start := time.Now()
	if err := cmd.start(); err != nil {
		return sample{}, err
	}
	wall := time.Duration(0)
	if lines > 0 {
		seen, err := countLines(stdout, lines)
		wall = time.Since(start)
		if err != nil || seen < lines {
			_ = cmd.Process.Kill()
			waitErr := cmd.Wait() // the command's own exit status if it ended early
			return sample{}, fmt.Errorf("%w: printed %d of %d lines: %s", errors.Join(ctx.Err(), waitErr, err), seen, lines, cmd.stderr.b)
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		go io.Copy(io.Discard, stdout) // whatever it prints while exiting
		if err := cmd.Wait(); err != nil && !terminated(err) {
			return sample{}, fmt.Errorf("after SIGTERM: %w: %s", err, cmd.stderr.b)
		}
	} else if err := cmd.Wait(); err != nil {
		return sample{}, fmt.Errorf("%w: %s", errors.Join(err, ctx.Err()), cmd.stderr.b)
	}
	spawnWall, rss, err := cmd.result()
	if err != nil {
		return sample{}, err
	}
	if lines == 0 {
		wall = spawnWall // without the spawner's own start
	}
	return sample{wall: wall, maxRSS: rss}, nil
}

// countLines reads r until it has seen want newlines or r ends.
func countLines(r io.Reader, want int) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	n := 0
	for n < want {
		b, err := br.ReadSlice('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			n++
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return n, err
		}
	}
	return n, nil
}

// terminated reports whether a command sent SIGTERM ended by it, or exited with a status of
// its own in answer (a tool may catch the signal).
func terminated(err error) bool {
	var exitErr *exec.ExitError
	return errors.As(err, &exitErr)
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
