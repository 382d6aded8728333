//go:build !unix

package exec

import "os"

func notifyHangup(chan<- os.Signal) {}
func notifyResize(chan<- os.Signal) {}
func dieOf(os.Signal)               { os.Exit(1) }
