//go:build !unix

package cmd

import "syscall"

// dieOf does nothing where a process can't re-raise a signal; Main then exits with 128+sig.
func dieOf(syscall.Signal) {}
