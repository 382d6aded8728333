// Package portforward is `kubex port-forward`: local listeners whose every accepted connection is carried
// to a pod's port over a websocket of its own, so that one connection's reset or error never touches the
// others; for TYPE/NAME, a new pod of the same selector takes over when the pod goes away.
package portforward

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Options are `kubex port-forward`'s flags and arguments.
type Options struct {
	Addresses         []string
	PodRunningTimeout time.Duration

	target    string
	ports     []portPair
	namespace string

	streams *iostreams.IOStreams
	client  func() (*client.Client, error)
	ns      func() (string, error)

	// checkInterval is how often the pod is checked for still being there.
	checkInterval time.Duration
}

type portPair struct {
	local  uint16 // 0: any free port
	remote uint16
}

// NewCmdPortForward builds `kubex port-forward`.
func NewCmdPortForward(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{
		PodRunningTimeout: time.Minute, checkInterval: time.Second,
		streams: streams, client: f.Client, ns: f.Namespace,
	}
	cmd := &cobra.Command{
		Use:                   "port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]",
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cmdutil.CompletePods(f),
		Short:                 "Forward one or more local ports to a pod",
		Long: `Forward one or more local ports to a pod.

Use resource type/name such as deployment/mydeployment to select a pod; when that pod goes away, another
ready pod of the same selector takes over. Each local connection has its own stream: an error or reset on
one never ends the others.`,
		Example: `  # Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in the pod
  kubex port-forward pod/mypod 5000 6000

  # Listen on port 8888 locally, forwarding to 5000 in the pod
  kubex port-forward pod/mypod 8888:5000

  # Listen on a random port locally, forwarding to 5000 in the pod
  kubex port-forward deployment/mydeployment :5000`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			cmd.Annotations = map[string]string{cmdutil.InterruptEndsCommand: "true"}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().StringSliceVar(&o.Addresses, "address", []string{"localhost"}, "Addresses to listen on (comma separated). Only accepts IP addresses or localhost as a value. When localhost is supplied, kubex will try to bind on both 127.0.0.1 and ::1 and will fail if neither of these addresses are available to bind.")
	cmd.Flags().DurationVar(&o.PodRunningTimeout, "pod-running-timeout", time.Minute, "The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running")
	return cmd
}

// Complete reads the target and the ports.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	if len(args) < 2 {
		return cmdutil.UsageErrorf(cmd, "TYPE/NAME and list of ports are required for port-forward")
	}
	o.target = args[0]
	for _, a := range args[1:] {
		p, err := parsePort(a)
		if err != nil {
			return err
		}
		o.ports = append(o.ports, p)
	}
	ns, err := o.ns()
	if err != nil {
		return err
	}
	o.namespace = ns
	return nil
}

func parsePort(s string) (portPair, error) {
	local, remote, hasLocal := strings.Cut(s, ":")
	if !hasLocal {
		local, remote = s, s
	}
	r, err := strconv.ParseUint(remote, 10, 16)
	if err != nil || r == 0 {
		return portPair{}, fmt.Errorf("error parsing remote port %q: invalid port", remote)
	}
	var l uint64
	if local != "" {
		if l, err = strconv.ParseUint(local, 10, 16); err != nil {
			return portPair{}, fmt.Errorf("error parsing local port %q: invalid port", local)
		}
	}
	return portPair{local: uint16(l), remote: uint16(r)}, nil
}

// current is the pod connections go to, replaced when it goes away.
type current struct {
	mu  sync.Mutex
	pod *client.Pod
}

func (c *current) get() *client.Pod  { c.mu.Lock(); defer c.mu.Unlock(); return c.pod }
func (c *current) set(p *client.Pod) { c.mu.Lock(); c.pod = p; c.mu.Unlock() }

// Run listens and forwards until ctx ends or the pod is gone for good.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	pods := c.Pods(o.namespace)
	t, err := c.ResolvePod(ctx, o.namespace, o.target)
	if err != nil {
		return err
	}
	pod, err := c.PickPod(ctx, t, o.PodRunningTimeout)
	if err != nil {
		return err
	}
	if pod.Status.Phase != "Running" {
		return fmt.Errorf("unable to forward port because pod is not running. Current status=%s", pod.Status.Phase)
	}
	cur := &current{pod: pod}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for _, p := range o.ports {
		ls, err := o.listen(p)
		if err != nil {
			return err
		}
		listeners = append(listeners, ls...)
	}

	var wg sync.WaitGroup
	for _, l := range listeners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.serve(ctx, pods, l, cur)
		}()
	}
	fatal := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := o.watchPod(ctx, pods, t, cur); err != nil {
			fatal <- err
			cancel()
		}
	}()
	<-ctx.Done()
	for _, l := range listeners {
		l.Close()
	}
	wg.Wait()
	select {
	case err := <-fatal:
		return err
	default:
		return nil
	}
}

// listen opens the listeners of one port pair on every --address, printing kubectl's lines.
func (o *Options) listen(p portPair) ([]net.Listener, error) {
	var out []net.Listener
	local := p.local
	var errs []error
	for _, a := range o.Addresses {
		hosts := []string{a}
		if a == "localhost" {
			hosts = []string{"127.0.0.1", "::1"}
		} else if net.ParseIP(a) == nil {
			return nil, fmt.Errorf("%s is not a valid IP", a)
		}
		for _, host := range hosts {
			l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(int(local))))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if local == 0 {
				local = uint16(l.Addr().(*net.TCPAddr).Port)
			}
			fmt.Fprintf(o.streams.Out, "Forwarding from %s -> %d\n", l.Addr(), p.remote)
			out = append(out, &portListener{Listener: l, local: local, remote: p.remote})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("unable to listen on port %d: %w", p.local, errors.Join(errs...))
	}
	return out, nil
}

type portListener struct {
	net.Listener
	local, remote uint16
}

// serve accepts connections and forwards each over its own stream.
func (o *Options) serve(ctx context.Context, pods *client.Resource, l net.Listener, cur *current) {
	pl := l.(*portListener)
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		fmt.Fprintf(o.streams.Out, "Handling connection for %d\n", pl.local)
		go func() {
			if err := pods.PortForward(ctx, cur.get().Metadata.Name, pl.remote, conn); err != nil && ctx.Err() == nil {
				// This connection alone failed; the listener goes on.
				// The error may quote the server (its error stream): no control character reaches the terminal.
				fmt.Fprintf(o.streams.ErrOut, "error: %s\n", printers.SanitizeTerminal(err.Error()))
			}
		}()
	}
}

// watchPod checks that the pod is still there. When it is gone (or being deleted), a TYPE/NAME target
// moves to another ready pod of its selector; a pod named by itself ends the command.
func (o *Options) watchPod(ctx context.Context, pods *client.Resource, t *client.PodTarget, cur *current) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.checkInterval):
		}
		p := cur.get()
		got, err := pods.GetPod(ctx, p.Metadata.Name)
		gone := client.IsNotFound(err)
		if err == nil {
			gone = got.Metadata.DeletionTimestamp != nil || got.Completed()
		}
		if !gone {
			continue
		}
		if t.Selector == "" {
			return fmt.Errorf("lost connection to pod: pod %s is gone", p.Metadata.Name)
		}
		next := o.nextPod(ctx, pods, t, p.Metadata.Name)
		if next == nil {
			return ctx.Err()
		}
		cur.set(next)
		fmt.Fprintf(o.streams.ErrOut, "Pod %s is gone; forwarding to pod %s of %s from now on\n", p.Metadata.Name, next.Metadata.Name, t.Typed)
	}
}

// nextPod waits for a running, ready pod of t other than old.
func (o *Options) nextPod(ctx context.Context, pods *client.Resource, t *client.PodTarget, old string) *client.Pod {
	for {
		list, err := pods.ListPods(ctx, t.Selector)
		if err == nil {
			var live []*client.Pod
			for _, p := range list {
				if p.Metadata.Name != old && p.Metadata.DeletionTimestamp == nil && p.Status.Phase == "Running" && p.Ready() {
					live = append(live, p)
				}
			}
			if len(live) > 0 {
				client.SortPodsByActivity(live)
				return live[0]
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.checkInterval):
		}
	}
}
