//go:build unix && !linux

package testcluster

import "syscall"

// setPdeathsig: only Linux has a parent-death signal; elsewhere Stop is the only cleanup.
func setPdeathsig(*syscall.SysProcAttr) {}
