package testcluster

import "syscall"

// setPdeathsig makes the child die with the process that started it (e.g. a test binary
// killed by a timeout), where no cleanup code gets to run.
func setPdeathsig(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
