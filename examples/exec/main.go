// Command exec runs a command in a pod's container, streams its stdout and stderr, and exits with the
// remote command's exit code.
//
//	go run ./examples/exec -n NS POD -- CMD [ARG...]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/exec"
)

func main() {
	namespace := flag.String("n", "", "namespace (default: the kubeconfig context's)")
	container := flag.String("c", "", "container (default: the pod's only one)")
	flag.Parse()
	pod, command := podAndCommand(flag.Args())
	c, err := client.Load(client.WithNamespace(*namespace))
	check(err)

	// Ctrl-C ends the session.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := c.Pods(c.Namespace()).Exec(ctx, pod, exec.Options{
		Command: command, Container: *container, Stdout: os.Stdout, Stderr: os.Stderr})
	check(err)
	err = p.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.Code()) // the remote command's exit code
	}
	check(err)
}

// podAndCommand reads POD -- CMD [ARG...] (the "--" is optional).
func podAndCommand(args []string) (string, []string) {
	if len(args) > 1 && args[1] == "--" {
		args = append(args[:1], args[2:]...)
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: exec [-n NS] [-c CONTAINER] POD -- CMD [ARG...]")
		os.Exit(2)
	}
	return args[0], args[1:]
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
