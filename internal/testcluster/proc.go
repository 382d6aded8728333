package testcluster

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"time"
)

// proc is one server process of the cluster.
type proc struct {
	name string
	path string // binary, to recognise the process after a Load (pids get reused)
	pid  int
	// done is closed when the process exits; nil for a process started by another
	// process (after Load), which is polled instead.
	done chan struct{}
}

// startProc starts a tool in its own process group with its output in <name>.log. A process
// started again under the same name (a restart) takes the old one's place in c.procs, and its
// output is appended to the same log.
func (c *Cluster) startProc(name string, detach bool, env []string, args ...string) error {
	bin := c.Tools[name]
	c.mu.Lock()
	i := slices.IndexFunc(c.procs, func(p *proc) bool { return p.name == name })
	c.mu.Unlock()
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if i >= 0 {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	logf, err := os.OpenFile(c.path(name+".log"), flags, 0o644)
	if err != nil {
		return err
	}
	// The cluster outlives Start's context, so no CommandContext.
	cmd := exec.Command(bin, args...)
	cmd.Dir = c.Dir
	cmd.Stdout, cmd.Stderr = logf, logf // a file, not a pipe: output survives a detached parent
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = sysProcAttr(detach)
	err = cmd.Start()
	logf.Close()
	if err != nil {
		return fmt.Errorf("starting %s: %w", name, err)
	}
	p := &proc{name: name, path: bin, pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped { // Stop ran meanwhile (e.g. during a StartAPIServer)
		_ = p.kill()
		return fmt.Errorf("starting %s: the cluster was stopped", name)
	}
	if i >= 0 {
		c.procs[i] = p
	} else {
		c.procs = append(c.procs, p)
	}
	return nil
}

// exitedProc returns a process that has already exited, if any.
func (c *Cluster) exitedProc() *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		if !p.alive() {
			return p
		}
	}
	return nil
}

func (p *proc) alive() bool {
	if p.done != nil {
		select {
		case <-p.done:
			return false
		default:
			return true
		}
	}
	return pidAlive(p.pid, p.path)
}

// kill kills the process's whole group, so that commands kwok runs for exec die too.
func (p *proc) kill() error {
	// A Loaded pid is checked first: after a reboot it may belong to something else.
	if p.done == nil && !p.alive() {
		return nil
	}
	if err := killGroup(p.pid); err != nil {
		return fmt.Errorf("killing %s (pid %d): %w", p.name, p.pid, err)
	}
	return nil
}

func (p *proc) wait(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for p.alive() {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s (pid %d) still running %v after being killed", p.name, p.pid, timeout)
		}
		if p.done != nil {
			select {
			case <-p.done:
			case <-time.After(time.Until(deadline)):
			}
			continue
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		// Held open until all are chosen so that the n ports differ.
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
