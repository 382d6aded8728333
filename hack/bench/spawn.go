package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// Peak RSS is read from the rusage of a command the bench waits for. On Linux a child's peak includes the
// peak of the memory it was started from: Go starts commands with vfork, sharing the parent's memory until
// exec, so every command would count the bench process's own RSS (16 MiB after seeding thousands of pods)
// as its floor. The bench therefore starts each measured command through a fresh, small copy of itself,
// the spawner, which runs the command and reports its wall time and peak RSS on file descriptor 3.
const spawnSubcommand = "__spawn"

func isSpawnInvocation() bool { return len(os.Args) > 2 && os.Args[1] == spawnSubcommand }

// runSpawn runs os.Args[2:] with this process's standard streams, passes SIGTERM and SIGINT on, and
// writes "WALL_NS MAXRSS_KIB" to fd 3; it exits with the command's exit code.
func runSpawn() {
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench spawn:", err)
		os.Exit(1)
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "bench spawn:", err)
		os.Exit(1)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	report := os.NewFile(3, "report")
	fmt.Fprintf(report, "%d %d\n", wall.Nanoseconds(), rss)
	report.Close()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		os.Exit(128 + int(ws.Signal()))
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
