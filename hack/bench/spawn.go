package main

import (
	"context"
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

// spawned is a measured command started through the spawner.
type spawned struct {
	*exec.Cmd
	stderr  *limitedBuffer // the first bytes of its stderr, for error messages
	report  *os.File
	reportW *os.File
}

// spawn prepares bin with args under the spawner; the caller sets Stdin and Stdout, then calls start.
func spawn(ctx context.Context, bin string, args, env []string) (*spawned, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	report, reportW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, append([]string{spawnSubcommand, bin}, args...)...)
	cmd.Env = env
	cmd.ExtraFiles = []*os.File{reportW}
	s := &spawned{Cmd: cmd, stderr: &limitedBuffer{max: 4096}, report: report, reportW: reportW}
	cmd.Stderr = s.stderr
	return s, nil
}

func (s *spawned) start() error {
	err := s.Start()
	s.reportW.Close() // the spawner holds its own copy
	return err
}

// result reads the spawner's report once the command has been waited for: the command's own wall time
// and peak RSS.
func (s *spawned) result() (time.Duration, int64, error) {
	var wall, rssKiB int64
	if _, err := fmt.Fscan(s.report, &wall, &rssKiB); err != nil {
		return 0, 0, fmt.Errorf("reading the spawner's report: %w: %s", err, s.stderr.b)
	}
	return time.Duration(wall), rssKiB * 1024, nil
}

// close releases the report pipe; call it when done with the command, however it went.
func (s *spawned) close() { s.report.Close(); s.reportW.Close() }
