package cmd

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// The first signal cancels (the command then reports what it did); a second exits at once with
// 128+signal: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP.
func TestSignals(t *testing.T) {
	for _, tc := range []struct {
		sig  os.Signal
		code int
	}{{os.Interrupt, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			signals := make(chan os.Signal, 2)
			cancelled := make(chan struct{})
			exited := make(chan int, 1)
			received := watchSignals(signals, func() { close(cancelled) }, func(code int) { exited <- code })

			signals <- tc.sig
			select {
			case <-cancelled:
			case <-time.After(5 * time.Second):
				t.Fatal("the first signal did not cancel")
			}
			if got := received.Load(); got != tc.sig {
				t.Errorf("received %v", got)
			}
			select {
			case code := <-exited:
				t.Fatalf("the first signal exited (%d)", code)
			case <-time.After(50 * time.Millisecond):
			}

			signals <- tc.sig
			select {
			case code := <-exited:
				if code != tc.code {
					t.Errorf("exit code %d, want %d", code, tc.code)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the second signal did not exit")
			}
		})
	}
}
