// Package events is `kubex events`: a namespace's (or every namespace's) events, oldest first, or those
// of one object, then (with --watch) new ones as they come.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmd/describe"
	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/watch"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Options holds the flags of `kubex events`.
type Options struct {
	AllNamespaces bool
	Watch         bool
	NoHeaders     bool
	ForObject     string
	FilterTypes   []string
	ChunkSize     int64
	Print         cmdutil.PrintFlags

	namespace string
	forKind   string
	forAPI    string
	forName   string

	streams *iostreams.IOStreams
	newC    func() (*client.Client, error)
}

var eventsRes = discovery.Resource{Version: "v1", Name: "events", Kind: "Event", Namespaced: true}

// NewCmdEvents builds `kubex events`.
func NewCmdEvents(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{ChunkSize: 500, streams: streams, newC: f.Client}
	cmd := &cobra.Command{
		Use:                   "events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning]",
		DisableFlagsInUseLine: true,
		Short:                 "List events",
		Long: `Display events.

 Prints a table of the most important information about events. You can request events for a namespace, for all namespace, or filtered to only those pertaining to a specified resource.`,
		Example: `  # List recent events in the default namespace
  kubex events

  # List recent events in all namespaces
  kubex events --all-namespaces

  # List recent events for the specified pod, then wait for more events and list them as they arrive
  kubex events --for pod/web-pod-13je7 --watch

  # List recent events in YAML format
  kubex events -oyaml

  # List recent only events of type 'Warning' or 'Normal'
  kubex events --types=Warning,Normal`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd.Context(), f); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&o.Watch, "watch", "w", false, "After listing the requested events, watch for more events.")
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	fs.StringVar(&o.ForObject, "for", "", "Filter events to only those pertaining to the specified resource.")
	fs.StringSliceVar(&o.FilterTypes, "types", nil, "Output only events of given types.")
	fs.BoolVar(&o.NoHeaders, "no-headers", false, "When using the default output format, don't print headers.")
	fs.Int64Var(&o.ChunkSize, "chunk-size", 500, "Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.")
	o.Print.AddFlags(fs)
	return cmd
}

// Complete resolves the namespace and --for.
func (o *Options) Complete(ctx context.Context, f *cmdutil.Factory) error {
	ns, err := f.Namespace()
	if err != nil {
		return err
	}
	o.namespace = ns
	if o.ForObject != "" {
		typed, name, ok := strings.Cut(o.ForObject, "/")
		if !ok {
			return errors.New("--for must be in resource/name form")
		}
		if strings.Contains(name, "/") {
			return errors.New("arguments in resource/name form may not have more than one slash")
		}
		c, err := o.newC()
		if err != nil {
			return err
		}
		r, err := c.Discovery().Resolve(ctx, strings.ToLower(typed))
		if err != nil {
			return forError(typed, err)
		}
		o.forKind, o.forAPI, o.forName = r.Kind, apiVersion(r), name
	}
	if len(o.FilterTypes) > 0 {
		set := map[string]bool{}
		for _, t := range o.FilterTypes {
			set[t] = true
		}
		o.FilterTypes = o.FilterTypes[:0]
		for t := range set {
			o.FilterTypes = append(o.FilterTypes, t)
		}
		sort.Strings(o.FilterTypes)
	}
	// As kubectl: -o picks a printer; --template alone does not.
	if o.Print.Output != "" {
		return o.Print.Complete()
	}
	return nil
}

// Validate checks --types and -o.
func (o *Options) Validate() error {
	for _, t := range o.FilterTypes {
		if !strings.EqualFold(t, "Normal") && !strings.EqualFold(t, "Warning") {
			return errors.New("valid --types are Normal or Warning")
		}
	}
	return nil
}

// forError is kubectl's message for a --for type the server does not serve: printed as it is, without
// "error: ", and naming the group (everything after the first dot) when one was typed.
func forError(typed string, err error) error {
	var nf *discovery.NotFoundError
	if !errors.As(err, &nf) {
		return err
	}
	if typed == "" {
		return errors.New("a resource must be present, got: /, Resource=")
	}
	res, group, _ := strings.Cut(strings.ToLower(typed), ".")
	msg := fmt.Sprintf("the server doesn't have a resource type %q", res)
	if group != "" {
		msg += fmt.Sprintf(" in group %q", group)
	}
	return plainError(msg)
}

// plainError is an error printed as it is, as kubectl prints the ones it words itself.
type plainError string

func (e plainError) Error() string       { return string(e) }
func (e plainError) UserMessage() string { return string(e) }

func (o *Options) wanted(t string) bool {
	if len(o.FilterTypes) == 0 {
		return true
	}
	return slices.ContainsFunc(o.FilterTypes, func(f string) bool { return strings.EqualFold(f, t) })
}

func (o *Options) listOptions() client.ListOptions {
	lo := client.ListOptions{Limit: 500}
	if o.forName != "" {
		lo.FieldSelector = "involvedObject.kind=" + o.forKind + ",involvedObject.apiVersion=" + o.forAPI + ",involvedObject.name=" + o.forName
	}
	return lo
}

// Run lists (or watches) the events.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.newC()
	if err != nil {
		return err
	}
	ns := o.namespace
	if o.AllNamespaces {
		ns = ""
	}
	res := c.Resource(eventsRes, ns)
	if o.Watch {
		return o.runWatch(ctx, res)
	}
	var evs []describe.Event
	_, err = res.List(ctx, o.listOptions(), func(raw []byte) error {
		e, err := describe.DecodeEvent(raw)
		if err != nil {
			return err
		}
		if o.wanted(e.Type) {
			evs = append(evs, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		if o.AllNamespaces {
			fmt.Fprintln(o.streams.ErrOut, "No events found.")
		} else {
			fmt.Fprintf(o.streams.ErrOut, "No events found in %s namespace.\n", o.namespace)
		}
		return nil
	}
	sort.Sort(byEventTime(evs))
	if o.Print.Output != "" {
		return o.printList(evs)
	}
	tw := printers.NewTabWriter(o.streams.Out)
	o.header(tw)
	for _, e := range evs {
		o.row(tw, e)
	}
	return tw.Flush()
}

// printList prints the events as one typed EventList, as kubectl's -o does. kubectl ignores what its
// printer fails at here: -o name prints nothing for a list, a failing template prints what it printed.
func (o *Options) printList(evs []describe.Event) error {
	list := typedEventList{Kind: "EventList", APIVersion: "v1", Items: make([]typedEvent, 0, len(evs))}
	for _, e := range evs {
		t, err := toTyped(e.Raw)
		if err != nil {
			return err
		}
		list.Items = append(list.Items, t)
	}
	switch o.Print.Format().Name {
	case "json", "yaml":
		if !o.Print.ShowManagedFields {
			for i := range list.Items {
				list.Items[i].Metadata.ManagedFields = nil
			}
		}
		return o.printTyped(list, "EventList", nil)
	case "name":
		return nil
	}
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	p, err := o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true})
	if err != nil {
		return err
	}
	if p.PrintObject(printers.Object{Raw: raw, APIVersion: "v1", Kind: "EventList"}) == nil {
		_ = p.Close()
	}
	return nil
}

// printTyped prints v as kubectl prints a typed object with -o json or yaml: JSON in its field order,
// YAML sorted (through yaml, one printer for a watch's documents).
func (o *Options) printTyped(v any, kind string, yaml printers.ObjectPrinter) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	if o.Print.Format().Name == "json" {
		_, err = fmt.Fprintf(o.streams.Out, "%s\n", b)
		return err
	}
	if yaml != nil {
		return yaml.PrintObject(printers.Object{Raw: b, APIVersion: "v1", Kind: kind})
	}
	p := printers.NewYAML(o.streams.Out, printers.ObjectOptions{Single: true})
	if err := p.PrintObject(printers.Object{Raw: b, APIVersion: "v1", Kind: kind}); err != nil {
		return err
	}
	return p.Close()
}

// watchPrinter prints one event of a watch with -o: kubectl's printer called once per event.
func (o *Options) watchPrinter() (func(e describe.Event) error, error) {
	format := o.Print.Format().Name
	var p printers.ObjectPrinter
	switch format {
	case "json", "name":
	case "yaml":
		p = printers.NewYAML(o.streams.Out, printers.ObjectOptions{Stream: true})
	default:
		var err error
		if p, err = o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Stream: true}); err != nil {
			return nil, err
		}
	}
	return func(e describe.Event) error {
		if format == "name" {
			_, err := fmt.Fprintf(o.streams.Out, "event/%s\n", e.Metadata.Name)
			return err
		}
		t, err := toTyped(e.Raw)
		if err != nil {
			return err
		}
		if format == "json" || format == "yaml" {
			if !o.Print.ShowManagedFields {
				t.Metadata.ManagedFields = nil
			}
			return o.printTyped(t, "Event", p)
		}
		raw, err := json.Marshal(t)
		if err != nil {
			return err
		}
		_ = p.PrintObject(printers.Object{Raw: raw, APIVersion: "v1", Kind: "Event"})
		if f, ok := p.(printers.Flusher); ok {
			f.Flush()
		}
		return nil
	}, nil
}

func (o *Options) header(w io.Writer) {
	if o.NoHeaders || o.Print.Output != "" {
		return
	}
	if o.AllNamespaces {
		fmt.Fprint(w, "NAMESPACE\t")
	}
	fmt.Fprint(w, "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n")
}

func (o *Options) row(w io.Writer, e describe.Event) {
	if o.AllNamespaces {
		fmt.Fprintf(w, "%v\t", e.Metadata.Namespace)
	}
	esc := printers.EscapeTerminal
	fmt.Fprintf(w, "%s\t%s\t%s\t%s/%s\t%v\n", e.Interval(), esc(e.Type), esc(e.Reason), esc(e.InvolvedObject.Kind),
		esc(e.InvolvedObject.Name), esc(strings.TrimSpace(e.Message)))
}

// runWatch prints every event as it comes (those that exist first, in the server's order), until
// interrupted or the request timeout ends it.
func (o *Options) runWatch(ctx context.Context, res *client.Resource) error {
	tw := printers.NewTabWriter(o.streams.Out)
	headerDone := false
	var print func(describe.Event) error
	if o.Print.Output != "" {
		var err error
		if print, err = o.watchPrinter(); err != nil {
			return err
		}
	}
	// kubectl's one watch request ends with --request-timeout; the engine would resume it, so a timeout
	// ends the command instead.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wo := client.WatchOptions{ListOptions: o.listOptions()}
	wo.Retrying = func(err error, _ int) {
		if isTimeout(err) {
			cancel()
		}
	}
	err := res.Watch(ctx, wo, func(ch watch.Change) error {
		if ch.Type == watch.Deleted {
			return nil
		}
		e, err := describe.DecodeEvent(ch.Item.Raw)
		if err != nil {
			return err
		}
		if !o.wanted(e.Type) {
			return nil
		}
		if print != nil {
			return print(e)
		}
		if !headerDone {
			o.header(tw)
			headerDone = true
		}
		o.row(tw, e)
		return tw.Flush()
	})
	if err != nil && ctx.Err() == nil && !isTimeout(err) {
		return err
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) ||
		strings.Contains(err.Error(), "Client.Timeout")
}

func eventTime(e describe.Event) time.Time {
	if e.Series != nil {
		return parse(e.Series.LastObservedTime)
	}
	if t := parse(e.LastTimestamp); !t.IsZero() {
		return t
	}
	return parse(e.EventTime)
}

func parse(ts string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, ts)
	return t
}

func apiVersion(r discovery.Resource) string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// byEventTime is kubectl's order, sorted with sort.Sort as kubectl does so that ties come out the same.
type byEventTime []describe.Event

func (l byEventTime) Len() int           { return len(l) }
func (l byEventTime) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }
func (l byEventTime) Less(i, j int) bool { return eventTime(l[i]).Before(eventTime(l[j])) }
