//go:build unix

package cmd

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// dieOf ends the process with sig's default action, so the parent sees "killed by SIGINT" and not an exit.
func dieOf(sig syscall.Signal) {
	signal.Reset(sig)
	_ = syscall.Kill(os.Getpid(), sig)
	time.Sleep(time.Second) // the signal is delivered asynchronously
}
