package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// The streaming rows work on one seeded pod: kwok runs exec commands on this machine, and forwards
// the pod's port 8080 to a TCP server of the bench at Cluster.PortForwardAddr.
const (
	streamNamespace = "stream"
	streamPod       = "web-00000" // podJSON's first name
	execBytes       = 200_000_000
	uploadBytes     = 100_000_000
	forwardBytes    = 100_000_000
)

func streamRows() []row {
	seed := []string{streamNamespace}
	return []row{
		{name: "exec head -c 200000000 /dev/zero > /dev/null", seed: seed, big: true,
			args: []string{"exec", "-n", streamNamespace, streamPod, "--", "head", "-c", fmt.Sprint(execBytes), "/dev/zero"}},
		// kwok never ends the command's stdin: head -c ends it once all has arrived. Its output goes to
		// /dev/null in the pod, so that the row measures the upload alone.
		{name: "exec -i: 100 MB stdin upload", seed: seed, big: true, stdinBytes: uploadBytes,
			args: []string{"exec", "-i", "-n", streamNamespace, streamPod, "--", "sh", "-c", fmt.Sprintf("head -c %d > /dev/null", uploadBytes)}},
		{name: "port-forward: 100 MB through one connection", seed: seed, big: true, forward: true,
			args: []string{"port-forward", "-n", streamNamespace, "pod/" + streamPod, ":" + fmt.Sprint(testcluster.PortForwardPodPort)}},
	}
}

// stdinFile is a file of n bytes in dir, made once per size.
func stdinFile(dir string, n int64) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("stdin-%d", n))
	if fi, err := os.Stat(path); err == nil && fi.Size() == n {
		return path, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if _, err := io.CopyN(f, zeros{}, n); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

var payloadOnce sync.Once

// servePayload listens at addr (where kwok sends the pod's forwarded port) and writes n bytes to every
// connection, then closes it.
func servePayload(addr string, n int64) error {
	var err error
	payloadOnce.Do(func() {
		var l net.Listener
		if l, err = net.Listen("tcp", addr); err != nil {
			return
		}
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					_, _ = io.CopyN(c, zeros{}, n)
				}()
			}
		}()
	})
	return err
}

var forwarding = regexp.MustCompile(`^Forwarding from (127\.0\.0\.1:\d+) -> `)

// measureForward starts a port-forward (through the spawner, for its peak RSS), waits for its first
// "Forwarding from" line, then times one connection reading want bytes; the
// command is then ended with SIGTERM.
func measureForward(ctx context.Context, bin string, args, env []string, want int64) (sample, error) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	cmd, err := spawn(ctx, bin, args, env)
	if err != nil {
		return sample{}, err
	}
	defer cmd.close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return sample{}, err
	}
	if err := cmd.start(); err != nil {
		return sample{}, err
	}
	stop := func() error {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		if err != nil && !terminated(err) {
			return fmt.Errorf("after SIGTERM: %w: %s", err, cmd.stderr.b)
		}
		return nil
	}
	addr, err := forwardAddr(stdout)
	if err != nil {
		_ = stop()
		return sample{}, fmt.Errorf("%w: %s", errors.Join(err, ctx.Err()), cmd.stderr.b)
	}
	go io.Copy(io.Discard, stdout) // "Handling connection for 8080" and the like

	start := time.Now()
	n, err := readN(ctx, addr, want)
	wall := time.Since(start)
	if serr := stop(); err == nil {
		err = serr
	}
	if err == nil && n != want {
		err = fmt.Errorf("read %d bytes, want %d: %s", n, want, cmd.stderr.b)
	}
	if err != nil {
		return sample{}, err
	}
	_, rss, err := cmd.result()
	if err != nil {
		return sample{}, err
	}
	return sample{wall: wall, maxRSS: rss}, nil
}

// forwardAddr is the local address of the first "Forwarding from" line.
func forwardAddr(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if m := forwarding.FindStringSubmatch(sc.Text()); m != nil {
			return m[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New("port-forward ended before it was forwarding")
}

// readN connects to addr and reads n bytes. Not to the end: the server closes its side after n bytes,
// but through kwok neither kubectl's nor kubex's local connection sees that end.
func readN(ctx context.Context, addr string, n int64) (int64, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	return io.CopyBuffer(io.Discard, io.LimitReader(c, n), make([]byte, 256<<10))
}
