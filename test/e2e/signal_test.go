package e2e

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestInterrupt: Ctrl-C during a request that never gets an answer ends kubex at once, silently, killed by
// SIGINT as kubectl is, so that a shell loop around it stops too.
func TestInterrupt(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts connections, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	cmd := exec.Command(h.kubex, "-s", "http://"+ln.Addr().String(), "get", "--raw", "/version")
	cmd.Env = append(os.Environ(), "HOME="+h.home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	conn, err := ln.Accept() // the request is on its way
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("kubex did not stop on SIGINT")
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGINT || stdout.Len()+stderr.Len() > 0 {
		t.Errorf("want killed by SIGINT with no output; got %v, stdout %q, stderr %q", cmd.ProcessState, stdout.String(), stderr.String())
	}
}
