//go:build !unix

package testcluster

import (
	"errors"
	"syscall"
)

// The test cluster runs only on Unix; these keep the module building elsewhere.

func sysProcAttr(bool) *syscall.SysProcAttr { return nil }

func killGroup(int) error { return errors.ErrUnsupported }

// Unknown, so assume alive: TempDir then deletes nothing.
func pidAlive(int, string) bool { return true }
