// Package logs is `kubex logs`: a container's log streamed as it arrives; with a selector and -f, the logs
// of every matching pod at once, including pods that match later.
package logs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
)

const usageErr = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command"

// selectorTail is kubectl's --tail when a selector is used and --tail is not given.
const selectorTail = 10

// Options are `kubex logs`'s flags.
type Options struct {
	Container         string
	AllContainers     bool
	Follow            bool
	Since             time.Duration
	SinceTime         string
	Tail              int64
	Timestamps        bool
	Prefix            bool
	Previous          bool
	LimitBytes        int64
	Selector          string
	MaxLogRequests    int
	IgnoreErrors      bool
	PodRunningTimeout time.Duration

	target        string
	tailSpecified bool
	namespace     string

	streams *iostreams.IOStreams
	client  func() (*client.Client, error)
	ns      func() (string, error)

	// pollInterval is how often -f with a selector looks for new pods.
	pollInterval time.Duration
}

// NewCmdLogs builds `kubex logs`.
func NewCmdLogs(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{
		Tail: -1, MaxLogRequests: 5, PodRunningTimeout: 20 * time.Second, pollInterval: 2 * time.Second,
		streams: streams, client: f.Client, ns: f.Namespace,
	}
	cmd := &cobra.Command{
		Use:                   "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]",
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cmdutil.CompletePods(f),
		Short:                 "Print the logs for a container in a pod",
		Long: `Print the logs for a container in a pod or specified resource. If the pod has only one container,
the container name is optional.

With -f and a selector (-l), pods that come to match the selector later are followed too.`,
		Example: `  # Return snapshot logs from pod nginx with only one container
  kubex logs nginx

  # Return snapshot logs from pod nginx, prefixing each line with the source pod and container name
  kubex logs nginx --prefix

  # Return snapshot logs from all containers in pod nginx
  kubex logs nginx --all-containers=true

  # Begin streaming the logs from all containers in pods defined by label app=nginx
  kubex logs -f -l app=nginx --all-containers=true

  # Show logs from a kubelet with an expired serving certificate
  kubex logs --tail=20 deployment/nginx`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			if o.Follow {
				cmd.Annotations = map[string]string{cmdutil.InterruptEndsCommand: "true"}
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Container, "container", "c", "", "Print the logs of this container")
	_ = cmd.RegisterFlagCompletionFunc("container", cmdutil.CompleteContainers(f))
	fs.BoolVar(&o.AllContainers, "all-containers", false, "Get all containers' logs in the pod(s).")
	fs.BoolVarP(&o.Follow, "follow", "f", false, "Specify if the logs should be streamed.")
	fs.DurationVar(&o.Since, "since", 0, "Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one of since-time / since may be used.")
	fs.StringVar(&o.SinceTime, "since-time", "", "Only return logs after a specific date (RFC3339). Defaults to all logs. Only one of since-time / since may be used.")
	fs.Int64Var(&o.Tail, "tail", -1, "Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.")
	fs.BoolVar(&o.Timestamps, "timestamps", false, "Include timestamps on each line in the log output")
	fs.BoolVar(&o.Prefix, "prefix", false, "Prefix each log line with the log source (pod name and container name)")
	fs.BoolVarP(&o.Previous, "previous", "p", false, "If true, print the logs for the previous instance of the container in a pod if it exists.")
	fs.Int64Var(&o.LimitBytes, "limit-bytes", 0, "Maximum bytes of logs to return. Defaults to no limit.")
	fs.StringVarP(&o.Selector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.")
	fs.IntVar(&o.MaxLogRequests, "max-log-requests", 5, "Specify maximum number of concurrent logs to follow when using by a selector. Defaults to 5.")
	fs.BoolVar(&o.IgnoreErrors, "ignore-errors", false, "If watching / following pod logs, allow for any errors that occur to be non-fatal")
	fs.DurationVar(&o.PodRunningTimeout, "pod-running-timeout", 20*time.Second, "The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running")
	return cmd
}

// Complete reads the arguments.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	o.tailSpecified = cmd.Flag("tail").Changed
	switch len(args) {
	case 0:
		if o.Selector == "" {
			return cmdutil.UsageErrorf(cmd, "%s", usageErr)
		}
	case 1:
		o.target = args[0]
		if o.Selector != "" {
			return cmdutil.UsageErrorf(cmd, "only a selector (-l) or a POD name is allowed")
		}
	case 2:
		if cmd.Flag("container").Changed {
			return errors.New("only one of -c or an inline [CONTAINER] arg is allowed")
		}
		o.target, o.Container = args[0], args[1]
	default:
		return cmdutil.UsageErrorf(cmd, "%s", usageErr)
	}
	ns, err := o.ns()
	if err != nil {
		return err
	}
	o.namespace = ns
	return nil
}

// Validate rejects contradictory flags with kubectl's messages.
func (o *Options) Validate() error {
	switch {
	case o.Since != 0 && o.SinceTime != "":
		return errors.New("at most one of `sinceTime` or `sinceSeconds` may be specified")
	case o.AllContainers && o.Container != "":
		return fmt.Errorf("--all-containers=true should not be specified with container name %s", o.Container)
	case o.LimitBytes < 0:
		return errors.New("--limit-bytes must be greater than 0")
	case o.Since < 0:
		return errors.New("--since must be greater than 0")
	case o.Tail < -1:
		return errors.New("--tail must be greater than or equal to -1")
	}
	if o.SinceTime != "" {
		if _, err := time.Parse(time.RFC3339, o.SinceTime); err != nil {
			return fmt.Errorf("invalid --since-time %q: %w", o.SinceTime, err)
		}
	}
	return nil
}

// source is one log stream: a container of a pod.
type source struct {
	pod       *client.Pod
	container string
}

func (s source) key() string { return s.pod.Metadata.Name + "/" + s.container }

// Run prints the logs.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	pods := c.Pods(o.namespace)
	var list []*client.Pod
	bySelector := o.Selector != ""
	if bySelector {
		if list, err = pods.ListPods(ctx, o.Selector); err != nil {
			return err
		}
		if len(list) == 0 && !o.Follow {
			fmt.Fprintf(o.streams.ErrOut, "No resources found in %s namespace.\n", o.namespace)
			return nil
		}
	} else {
		t, err := c.ResolvePod(ctx, o.namespace, o.target)
		if err != nil {
			var se *client.StatusError
			if errors.As(err, &se) && se.Reason == "NotFound" {
				// kubectl's own wording, which hides the Status (so %v, not %w).
				return fmt.Errorf("error from server (NotFound): %v in namespace %q", se.Message, o.namespace)
			}
			return err
		}
		p, err := c.PickPod(ctx, t, o.PodRunningTimeout)
		if err != nil {
			return err
		}
		if t.Pod == nil {
			if all, err := pods.ListPods(ctx, t.Selector); err == nil && len(all) > 1 {
				fmt.Fprintf(o.streams.ErrOut, "Found %d pods, using pod/%s\n", len(all), p.Metadata.Name)
			}
		}
		list = []*client.Pod{p}
	}
	var sources []source
	for _, p := range list {
		s, err := o.sourcesOf(p, !bySelector)
		if err != nil {
			return err
		}
		sources = append(sources, s...)
	}
	prefix := o.Prefix || (bySelector && o.Follow)
	if o.Follow && (len(sources) > 1 || bySelector) {
		if len(sources) > o.MaxLogRequests {
			return fmt.Errorf("you are attempting to follow %d log streams, but maximum allowed concurrency is %d, use --max-log-requests to increase the limit", len(sources), o.MaxLogRequests)
		}
		return o.follow(ctx, pods, sources, prefix, bySelector)
	}
	for _, s := range sources {
		var w io.Writer = o.streams.Out
		if o.Prefix {
			w = &prefixWriter{prefix: []byte(prefixOf(s)), w: w, mu: &sync.Mutex{}}
		}
		if err := o.stream(ctx, pods, s, w); err != nil {
			if !o.IgnoreErrors {
				return err
			}
			fmt.Fprintf(o.streams.Out, "error: %v\n", err)
		}
	}
	return nil
}

// sourcesOf is the container (or, with --all-containers, every container: init, then regular, then
// ephemeral) of p to read.
func (o *Options) sourcesOf(p *client.Pod, note bool) ([]source, error) {
	if !o.AllContainers {
		var warn io.Writer
		if note {
			warn = o.streams.ErrOut
		}
		name := o.Container
		if name == "" {
			c, err := cmdutil.PodContainer(p, "", warn)
			if err != nil {
				return nil, err
			}
			name = c.Name
		} else if _, _, err := p.Container(name); err != nil {
			return nil, fmt.Errorf("container %s is not valid for pod %s", name, p.Metadata.Name)
		}
		return []source{{p, name}}, nil
	}
	var out []source
	for _, list := range [][]client.Container{p.Spec.InitContainers, p.Spec.Containers, p.Spec.EphemeralContainers} {
		for _, c := range list {
			out = append(out, source{p, c.Name})
		}
	}
	return out, nil
}

func prefixOf(s source) string { return fmt.Sprintf("[pod/%s/%s] ", s.pod.Metadata.Name, s.container) }

// logOptions are the log request's parameters.
func (o *Options) logOptions(container string) client.LogOptions {
	lo := client.LogOptions{Container: container, Follow: o.Follow, Previous: o.Previous, Timestamps: o.Timestamps, LimitBytes: o.LimitBytes}
	if o.Since > 0 {
		lo.SinceSeconds = int64((o.Since + time.Second - 1) / time.Second)
	}
	if o.SinceTime != "" {
		t, _ := time.Parse(time.RFC3339, o.SinceTime)
		lo.SinceTime = t.UTC().Format(time.RFC3339)
	}
	switch {
	case o.Selector != "" && o.Tail == -1 && !o.tailSpecified:
		tail := int64(selectorTail)
		lo.TailLines = &tail
	case o.Tail != -1:
		tail := o.Tail
		lo.TailLines = &tail
	}
	return lo
}

// stream copies one log to w as it arrives.
func (o *Options) stream(ctx context.Context, pods *client.Resource, s source, w io.Writer) error {
	body, err := pods.Logs(ctx, s.pod.Metadata.Name, o.logOptions(s.container))
	if err != nil {
		return err
	}
	defer body.Close()
	buf := make([]byte, 32<<10)
	_, err = io.CopyBuffer(w, onlyReader{body}, buf)
	if pw, ok := w.(*prefixWriter); ok {
		err = errors.Join(err, pw.flush())
	}
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return err
}

type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// follow reads every source at once, whole lines at a time so that streams never mix within a line; with
// a selector it looks for new matching pods every pollInterval and follows them too.
func (o *Options) follow(ctx context.Context, pods *client.Resource, sources []source, prefix, bySelector bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex // one line at a time on stdout
	var wg sync.WaitGroup
	errc := make(chan error, 1)
	seen := map[string]bool{}
	start := func(s source) {
		seen[s.key()] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w io.Writer = &lockedWriter{w: o.streams.Out, mu: &mu}
			if prefix {
				w = &prefixWriter{prefix: []byte(prefixOf(s)), w: o.streams.Out, mu: &mu}
			}
			if err := o.stream(ctx, pods, s, w); err != nil {
				if o.IgnoreErrors {
					mu.Lock()
					fmt.Fprintf(o.streams.Out, "error: %v\n", err)
					mu.Unlock()
					return
				}
				select {
				case errc <- err:
				default:
				}
				cancel()
			}
		}()
	}
	for _, s := range sources {
		start(s)
	}
	if bySelector {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(o.pollInterval):
				}
				list, err := pods.ListPods(ctx, o.Selector)
				if err != nil {
					continue // a passing failure; the streams already open go on
				}
				sort.Slice(list, func(i, j int) bool { return list[i].Metadata.Name < list[j].Metadata.Name })
				for _, p := range list {
					if p.Spec.NodeName == "" || p.Status.Phase == "Pending" || p.Metadata.DeletionTimestamp != nil {
						continue
					}
					srcs, err := o.sourcesOf(p, false)
					if err != nil {
						continue
					}
					for _, s := range srcs {
						if !seen[s.key()] {
							start(s)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// prefixWriter puts prefix before every line; a line is written whole, under mu, once complete.
type prefixWriter struct {
	prefix  []byte
	w       io.Writer
	mu      *sync.Mutex
	partial []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	n := len(b)
	var out []byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.partial = append(p.partial, b...)
			break
		}
		out = append(out, p.prefix...)
		out = append(out, p.partial...)
		out = append(out, b[:i+1]...)
		p.partial = p.partial[:0]
		b = b[i+1:]
	}
	if len(out) == 0 {
		return n, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}

// flush writes a last line that had no newline.
func (p *prefixWriter) flush() error {
	if len(p.partial) == 0 {
		return nil
	}
	out := append(append([]byte{}, p.prefix...), p.partial...)
	p.partial = p.partial[:0]
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.w.Write(out)
	return err
}
