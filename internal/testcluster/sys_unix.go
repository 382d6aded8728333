//go:build unix

package testcluster

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
)

func sysProcAttr(detach bool) *syscall.SysProcAttr {
	if detach {
		// A new session: the terminal's Ctrl-C and hang-up don't reach the cluster.
		return &syscall.SysProcAttr{Setsid: true}
	}
	a := &syscall.SysProcAttr{Setpgid: true}
	setPdeathsig(a)
	return a
}

// killGroup SIGKILLs the process group led by pid: the data is throwaway, so there is
// nothing to shut down gracefully.
func killGroup(pid int) error {
	err := syscall.Kill(-pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// pidAlive reports whether pid is a live (non-zombie) process running bin. Where /proc
// is missing, it only checks that the pid exists.
func pidAlive(pid int, bin string) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist) || !procFS()
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	argv0, _, _ := bytes.Cut(cmdline, []byte{0})
	return bin == "" || string(argv0) == bin
}

func procFS() bool {
	_, err := os.Stat("/proc/self/stat")
	return err == nil
}
