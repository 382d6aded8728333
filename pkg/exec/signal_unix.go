//go:build unix

package exec

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

func notifyHangup(c chan<- os.Signal) { signal.Notify(c, syscall.SIGHUP) }
func notifyResize(c chan<- os.Signal) { signal.Notify(c, syscall.SIGWINCH) }

// dieOf ends the process with sig's default action.
func dieOf(sig os.Signal) {
	s, ok := sig.(syscall.Signal)
	if !ok {
		os.Exit(1)
	}
	signal.Reset(s)
	_ = syscall.Kill(os.Getpid(), s)
	time.Sleep(time.Second)
	os.Exit(128 + int(s))
}
