package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// echoOnce starts the one TCP echo server kwok forwards pod port 8080 to (cluster().PortForwardAddr),
// shared by the tests of this file.
var echoOnce sync.Once

func startEcho(t *testing.T) {
	echoOnce.Do(func() {
		l, err := net.Listen("tcp", cluster().PortForwardAddr)
		if err != nil {
			t.Fatalf("echo server: %v", err)
		}
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
			}
		}()
	})
}

// startForward runs kubex port-forward ARGS... :8080 and returns the process and its local address.
func startForward(t *testing.T, args ...string) (*watchProcess, string) {
	t.Helper()
	startEcho(t)
	w := startWatch(t, nil, append(append([]string{"port-forward"}, args...), ":8080")...)
	line := w.next(t, 30*time.Second)
	m := regexp.MustCompile(`^Forwarding from (127\.0\.0\.1:\d+) -> 8080$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q; stderr %s", line, w.stderr)
	}
	return w, m[1]
}

// roundTrip sends n random bytes through addr and checks they come back.
func roundTrip(t *testing.T, addr string, n int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	data := make([]byte, n)
	_, _ = rand.Read(data)
	errc := make(chan error, 1)
	go func() { _, err := c.Write(data); errc <- err }()
	got := make([]byte, n)
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil {
		return err
	}
	if err := <-errc; err != nil {
		return err
	}
	if !bytes.Equal(got, data) {
		return fmt.Errorf("echo differs")
	}
	return nil
}

func TestPortForward(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newPod(t, ns, "p")
	w, addr := startForward(t, "-n", ns, "pod/p")

	// Several connections at once; one is reset in the middle; the others are not disturbed.
	reset, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reset.Write([]byte("half")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := range 5 {
		wg.Go(func() {
			if i == 2 {
				reset.(*net.TCPConn).SetLinger(0)
				reset.Close() // RST
			}
			errs <- roundTrip(t, addr, 1<<20)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if err := roundTrip(t, addr, 100); err != nil {
		t.Errorf("after the reset: %v", err)
	}
	if code := w.interrupt(t); code != 0 {
		t.Errorf("exit code %d after Ctrl-C; stderr %s", code, w.stderr)
	}
}

func TestPortForwardDeploymentMovesOn(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newDeployment(t, ns, "web", 1)
	w, addr := startForward(t, "-n", ns, "deploy/web")
	if err := roundTrip(t, addr, 1000); err != nil {
		t.Fatalf("%v; stderr %s", err, w.stderr)
	}
	kubectlOK(t, nil, "delete", "pods", "-n", ns, "-l", "app=web", "--wait=false")
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(w.stderr.String(), "forwarding to pod") {
		if time.Now().After(deadline) {
			t.Fatalf("no new pod; stderr %s", w.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := roundTrip(t, addr, 1000); err != nil {
		t.Fatalf("after the pod moved: %v; stderr %s", err, w.stderr)
	}
	if code := w.interrupt(t); code != 0 {
		t.Errorf("exit code %d; stderr %s", code, w.stderr)
	}
}
