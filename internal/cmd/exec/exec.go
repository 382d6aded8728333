// Package exec is `kubex exec` and `kubex attach`: a command in (or the main process of) a container,
// its streams carried over a websocket with the Kubernetes channel protocol.
package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	kexec "github.com/kubex-cli/kubex/pkg/exec"
)

// DefaultPodRunningTimeout is kubectl's --pod-running-timeout for exec and attach.
const DefaultPodRunningTimeout = time.Minute

// StreamOptions are the flags exec and attach share and what Complete derives from them.
type StreamOptions struct {
	Stdin             bool
	TTY               bool
	Quiet             bool
	Container         string
	PodRunningTimeout time.Duration

	Target    string
	namespace string

	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (ns string, err error)
}

func newStreamOptions(f *cmdutil.Factory, streams *iostreams.IOStreams) StreamOptions {
	return StreamOptions{
		PodRunningTimeout: DefaultPodRunningTimeout,
		streams:           streams,
		client:            f.Client,
		resolved:          f.Namespace,
	}
}

func (o *StreamOptions) addFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVarP(&o.Stdin, "stdin", "i", false, "Pass stdin to the container")
	fs.BoolVarP(&o.TTY, "tty", "t", false, "Stdin is a TTY")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "Only print output from the remote session")
	fs.StringVarP(&o.Container, "container", "c", "", "Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen")
	fs.DurationVar(&o.PodRunningTimeout, "pod-running-timeout", DefaultPodRunningTimeout, "The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running")
}

func (o *StreamOptions) complete() error {
	ns, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace = ns
	return nil
}

// pod is the pod the target names, and the client's handle for the pods of its namespace.
func (o *StreamOptions) pod(ctx context.Context) (*client.Pod, *client.Resource, error) {
	c, err := o.client()
	if err != nil {
		return nil, nil, err
	}
	p, err := c.PodFor(ctx, o.namespace, o.Target, o.PodRunningTimeout)
	if err != nil {
		return nil, nil, err
	}
	return p, c.Pods(o.namespace), nil
}

// warn is where notes go: stderr, or nowhere with --quiet.
func (o *StreamOptions) warn() io.Writer {
	if o.Quiet {
		return nil
	}
	return o.streams.ErrOut
}

// setupTTY decides, as kubectl's SetupTTY, whether the session has a terminal: only with -i and -t and a
// terminal on stdin; otherwise it says why not (unless -q) and goes on without one.
func (o *StreamOptions) setupTTY() bool {
	if !o.Stdin {
		o.TTY = false
		return false
	}
	if !o.TTY {
		return false
	}
	f, ok := o.streams.In.(*os.File)
	if !ok || !kexec.IsTerminal(f) {
		o.TTY = false
		if !o.Quiet {
			fmt.Fprintln(o.streams.ErrOut, "Unable to use a TTY - input is not a terminal or the right kind of file")
		}
		return false
	}
	return true
}

// run starts the process with start and waits for it; with a raw terminal, the terminal is restored on
// every way out and firstSizes are sent before the terminal's own.
func (o *StreamOptions) run(ctx context.Context, raw bool, start kexec.StartFunc, firstSizes ...kexec.Size) error {
	if raw {
		return exitError(kexec.RunInTerminal(ctx, o.streams.In.(*os.File), start, firstSizes...))
	}
	p, err := start(ctx)
	if err != nil {
		return err
	}
	return exitError(p.Wait())
}

// options are the process's streams: stdin with -i, stderr apart unless the terminal is raw.
func (o *StreamOptions) options(container string, raw bool) kexec.Options {
	po := kexec.Options{Container: container, Stdout: o.streams.Out, TTY: raw}
	if o.Stdin {
		po.Stdin = o.streams.In
	}
	if !raw {
		po.Stderr = o.streams.ErrOut
	}
	return po
}

// exitError hands a remote exit code to the shell.
func exitError(err error) error {
	var ee *kexec.ExitError
	if errors.As(err, &ee) {
		return &cmdutil.ExitError{Code: ee.Code(), Err: err}
	}
	return err
}

// ExecOptions are `kubex exec`'s.
type ExecOptions struct {
	StreamOptions
	Command []string
}

// NewCmdExec builds `kubex exec`.
func NewCmdExec(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &ExecOptions{StreamOptions: newStreamOptions(f, streams)}
	cmd := &cobra.Command{
		Use:                   "exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]",
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cmdutil.CompletePods(f),
		Short:                 "Execute a command in a container",
		Long: `Execute a command in a container.

The remote command's exit code is kubex's. A connection lost before the command's exit status arrived is
an error (exit code 1), never success.`,
		Example: `  # Get output from running the 'date' command from pod mypod, using the first container by default
  kubex exec mypod -- date

  # Switch to raw terminal mode; sends stdin to 'bash' in ruby-container from pod mypod
  kubex exec mypod -c ruby-container -i -t -- bash -il

  # Get output from running 'date' in the first pod of the deployment mydeployment
  kubex exec deploy/mydeployment -- date

  # Upload a file through stdin
  kubex exec -i mypod -- sh -c 'cat > /tmp/file' < file`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.addFlags(cmd)
	_ = cmd.RegisterFlagCompletionFunc("container", cmdutil.CompleteContainers(f))
	return cmd
}

// Complete reads the pod and the command (after --).
func (o *ExecOptions) Complete(cmd *cobra.Command, args []string) error {
	dash := cmd.ArgsLenAtDash()
	if len(args) > 0 && dash != 0 {
		o.Target = args[0]
	}
	if dash > -1 {
		o.Command = args[dash:]
	} else if len(args) > 1 {
		return cmdutil.UsageErrorf(cmd, "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead")
	}
	if o.PodRunningTimeout <= 0 {
		return cmdutil.UsageErrorf(cmd, "--pod-running-timeout must be higher than zero")
	}
	return o.complete()
}

// Validate checks that a pod and a command were given.
func (o *ExecOptions) Validate() error {
	if o.Target == "" {
		return errors.New("pod, type/name or --filename must be specified")
	}
	if len(o.Command) == 0 {
		return errors.New("you must specify at least one command for the container")
	}
	return nil
}

// Run finds the pod and container and runs the command.
func (o *ExecOptions) Run(ctx context.Context) error {
	pod, pods, err := o.pod(ctx)
	if err != nil {
		return err
	}
	if pod.Completed() {
		return fmt.Errorf("cannot exec into a container in a completed pod; current phase is %s", pod.Status.Phase)
	}
	container := o.Container
	if container == "" {
		c, err := cmdutil.PodContainer(pod, "", o.warn())
		if err != nil {
			return err
		}
		container = c.Name
	}
	raw := o.setupTTY()
	po := o.options(container, raw)
	po.Command = o.Command
	return o.run(ctx, raw, func(ctx context.Context) (*kexec.Process, error) {
		return pods.Exec(ctx, pod.Metadata.Name, po)
	})
}

// AttachOptions are `kubex attach`'s.
type AttachOptions struct {
	StreamOptions
}

// NewCmdAttach builds `kubex attach`.
func NewCmdAttach(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &AttachOptions{StreamOptions: newStreamOptions(f, streams)}
	cmd := &cobra.Command{
		Use:                   "attach (POD | TYPE/NAME) -c CONTAINER",
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cmdutil.CompletePods(f),
		Short:                 "Attach to a running container",
		Long:                  "Attach to a process that is already running inside an existing container.",
		Example: `  # Get output from running pod mypod; use the 'kubectl.kubernetes.io/default-container' annotation
  # for selecting the container to be attached or the first container in the pod will be chosen
  kubex attach mypod

  # Switch to raw terminal mode; sends stdin to 'bash' in ruby-container from pod mypod
  # and sends stdout/stderr from 'bash' back to the client
  kubex attach mypod -c ruby-container -i -t

  # Get output from the first pod of a replica set named nginx
  kubex attach rs/nginx`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.addFlags(cmd)
	_ = cmd.RegisterFlagCompletionFunc("container", cmdutil.CompleteContainers(f))
	return cmd
}

// Complete reads the target.
func (o *AttachOptions) Complete(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 0:
		return cmdutil.UsageErrorf(cmd, "at least 1 argument is required for attach")
	case 1:
		o.Target = args[0]
	case 2:
		o.Target = args[0] + "/" + args[1]
	default:
		return cmdutil.UsageErrorf(cmd, "expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw %d: %v", len(args), args)
	}
	if o.PodRunningTimeout <= 0 {
		return cmdutil.UsageErrorf(cmd, "--pod-running-timeout must be higher than zero")
	}
	return o.complete()
}

// Run attaches to the container's main process.
func (o *AttachOptions) Run(ctx context.Context) error {
	pod, pods, err := o.pod(ctx)
	if err != nil {
		return err
	}
	if pod.Completed() {
		return fmt.Errorf("cannot attach a container in a completed pod; current phase is %s", pod.Status.Phase)
	}
	c, err := cmdutil.PodContainer(pod, o.Container, o.warn())
	if err != nil {
		return fmt.Errorf("cannot attach to the container: %v", err)
	}
	if o.TTY && !c.TTY {
		o.TTY = false
		if !o.Quiet {
			fmt.Fprintf(o.streams.ErrOut, "error: Unable to use a TTY - container %s did not allocate one\n", c.Name)
		}
	} else if !o.TTY && c.TTY {
		// A container started with a terminal has one stream; it must be attached as one.
		o.TTY = true
	}
	raw := o.setupTTY()
	var first []kexec.Size
	if raw {
		if sz, ok := kexec.SizeOf(o.streams.In.(*os.File)); ok {
			// One larger, then the real size, so that a program that is already drawing redraws.
			first = []kexec.Size{{Width: sz.Width + 1, Height: sz.Height + 1}}
		}
	}
	if !o.Quiet {
		fmt.Fprintln(o.streams.ErrOut, "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.")
		fmt.Fprintln(o.streams.ErrOut, "If you don't see a command prompt, try pressing enter.")
	}
	po := o.options(c.Name, raw)
	err = o.run(ctx, raw, func(ctx context.Context) (*kexec.Process, error) {
		return pods.Attach(ctx, pod.Metadata.Name, po)
	}, first...)
	if err == nil && raw && c.Stdin && !o.Quiet {
		fmt.Fprintf(o.streams.Out, "Session ended, resume using 'kubex attach %s -c %s -i -t' command when the pod is running\n", pod.Metadata.Name, c.Name)
	}
	return err
}
