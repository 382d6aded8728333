package get

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/resource"
	"github.com/kubex-cli/kubex/pkg/client/watch"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// NewCmdWatch builds `kubex watch`: `kubex get --watch` under a name of its own.
func NewCmdWatch(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newOptions(f, streams)
	o.Watch = true
	cmd := &cobra.Command{
		Use:   "watch TYPE[.VERSION][.GROUP] [NAME | -l label] [flags]",
		Short: "Print a resource's objects, then every change to them, for ever",
		Long: `Print a resource's objects, then every change to them as it happens, until interrupted.

The watch resumes from the last change seen when the connection drops or the API server restarts, and
after the server has forgotten that point (410 Gone) it lists again and prints only what changed in
between: no change is lost, none is printed twice. -o json prints one compact JSON document per line.`,
		Example: `  kubex watch pods
  kubex watch pods -A -o json | jq -c 'select(.status.phase != "Running")'
  kubex watch deployments.apps web --output-watch-events`,
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     completeTypes(f),
		Annotations:           map[string]string{cmdutil.InterruptEndsCommand: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.addOutputFlags(cmd)
	o.addSelectionFlags(cmd)
	cmd.Flags().BoolVar(&o.WatchOnly, "watch-only", false, "Print only changes, not the objects that exist when the watch starts.")
	cmd.Flags().BoolVar(&o.OutputWatchEvents, "output-watch-events", false, "Print the event type of each change (ADDED, MODIFIED, DELETED): a leading EVENT column, or {\"type\":...,\"object\":...} documents.")
	return cmd
}

// runWatch prints the target's objects (unless --watch-only), then each change, until ctx ends or
// --request-timeout passes.
func (o *Options) runWatch(ctx context.Context, c *client.Client, targets []cmdutil.Target) error {
	if len(targets) != 1 || len(targets[0].Names) > 1 {
		return errors.New("watch is only supported on individual resources and resource collections - more than 1 resource was found")
	}
	t := targets[0]
	if !t.Res.HasVerb("watch") {
		return fmt.Errorf("%s does not support watch", t.Res.GroupResource())
	}
	if r, err := o.resolved(); err == nil && r.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.RequestTimeout)
		defer cancel()
	}

	out := &watchPrinter{o: o, target: t}
	if err := out.init(); err != nil {
		return err
	}
	src := &watchSource{res: t.On(c), o: o, t: t, out: out}
	err := watch.Run(ctx, src, watch.Options{
		WatchOnly:     o.WatchOnly,
		StreamingList: o.streamingList,
		Synced:        func() { _ = out.flush() },
		Retrying: func(err error, attempt int) {
			if o.streams.IsStderrTTY() {
				fmt.Fprintf(o.streams.ErrOut, "watch interrupted (%v); resuming (attempt %d)\n", err, attempt)
			}
		},
	}, out.change)
	if ferr := out.flush(); err == nil {
		err = ferr
	}
	return err
}

// watchSource is the target as the watch engine sees it: list and watch requests, and how to read their
// bodies (Table rows for human output, whole objects otherwise).
type watchSource struct {
	res    *client.Resource
	o      *Options
	t      cmdutil.Target
	out    *watchPrinter
	rows   printers.RowDecoder
	listed bool
}

func (s *watchSource) human() bool { return s.o.format.human() }

func (s *watchSource) accept() string {
	if s.human() {
		return s.o.accept()
	}
	return client.AcceptJSON
}

func (s *watchSource) options() client.ListOptions {
	opts := client.ListOptions{LabelSelector: s.o.LabelSelector, FieldSelector: s.o.FieldSelector}
	if len(s.t.Names) == 1 {
		// One object is watched as the collection of the objects with its name, as kubectl does.
		opts.FieldSelector = "metadata.name=" + s.t.Names[0]
	}
	return opts
}

func (s *watchSource) List(ctx context.Context, each func(watch.Item) error) (string, error) {
	opts := s.options()
	opts.Limit = s.o.ChunkSize
	n := 0
	h, err := s.res.ListPages(ctx, s.accept(), opts,
		func(h *client.ListHeader) error { return s.out.columns(h) },
		func(h *client.ListHeader, raw []byte) error {
			it, err := s.item(h.IsTable(), raw)
			if err != nil {
				return err
			}
			n++
			return each(it)
		})
	if err != nil {
		return "", err
	}
	if !s.listed && n == 0 && len(s.t.Names) == 1 && !s.o.IgnoreNotFound {
		// kubectl gets a named object before watching it: a missing one is NotFound.
		return "", &client.StatusError{Code: http.StatusNotFound, Reason: "NotFound", Status: "Failure",
			Message: fmt.Sprintf("%s %q not found", s.t.Res.GroupResource(), s.t.Names[0])}
	}
	s.listed = true
	return h.Metadata.ResourceVersion, nil
}

// item copies raw (the list decoder reuses it) and reads its metadata.
func (s *watchSource) item(isTable bool, raw json.RawMessage) (watch.Item, error) {
	raw = append(json.RawMessage(nil), raw...)
	var m printers.RowMeta
	if isTable {
		row, err := s.rows.Decode(raw)
		if err != nil {
			return watch.Item{}, err
		}
		m = row.Meta
	} else {
		var obj struct {
			Metadata printers.RowMeta `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return watch.Item{}, fmt.Errorf("decoding an object: %w", err)
		}
		m = obj.Metadata
	}
	return watch.Item{Meta: watch.Meta{Namespace: m.Namespace, Name: m.Name, UID: m.UID, ResourceVersion: m.ResourceVersion}, Raw: raw}, nil
}

func (s *watchSource) Watch(ctx context.Context, rv string, initialEvents bool) (io.ReadCloser, error) {
	return s.res.OpenWatch(ctx, s.accept(), s.options(), rv, initialEvents)
}

func (s *watchSource) Decode(ev watch.Event) (watch.Decoded, error) {
	type metadata struct {
		ResourceVersion string            `json:"resourceVersion"`
		Annotations     map[string]string `json:"annotations"`
	}
	var head struct {
		Kind     string   `json:"kind"`
		Metadata metadata `json:"metadata"`
		// A bookmark in Table form carries its annotations in its one row's object.
		Rows []struct {
			Object struct {
				Metadata metadata `json:"metadata"`
			} `json:"object"`
		} `json:"rows"`
	}
	if ev.Type == watch.Bookmark {
		if err := json.Unmarshal(ev.Object, &head); err != nil {
			return watch.Decoded{}, fmt.Errorf("decoding a watch bookmark: %w", err)
		}
		m := head.Metadata
		if len(head.Rows) > 0 {
			m = head.Rows[0].Object.Metadata
		}
		return watch.Decoded{ResourceVersion: head.Metadata.ResourceVersion,
			InitialEventsEnd: m.Annotations[watch.InitialEventsEndAnnotation] == "true"}, nil
	}
	var d watch.Decoded
	if !isTable(ev.Object) {
		it, err := s.item(false, ev.Object)
		d.Items = []watch.Item{it}
		return d, err
	}
	// A Table of the event's object: usually one row, column definitions only in the first event.
	h := &client.ListHeader{}
	err := resource.DecodeList(bytes.NewReader(ev.Object), h, s.out.columns, func(raw json.RawMessage) error {
		it, err := s.item(true, raw)
		d.Items = append(d.Items, it)
		return err
	})
	return d, err
}

// isTable reports whether obj is a meta.k8s.io Table. The API server puts kind first; anything else
// is decoded to be sure.
func isTable(obj []byte) bool {
	if bytes.HasPrefix(obj, []byte(`{"kind":"`)) {
		return bytes.HasPrefix(obj, []byte(`{"kind":"Table"`))
	}
	var head struct{ Kind string }
	return json.Unmarshal(obj, &head) == nil && head.Kind == "Table"
}

// watchPrinter prints the changes: table rows as they come (a header once), or objects one per line.
type watchPrinter struct {
	o       *Options
	target  cmdutil.Target
	cw      printers.RowWriter
	table   *printers.TablePrinter
	objects printers.ObjectPrinter
}

func (p *watchPrinter) init() error {
	if p.o.format.human() {
		p.cw = p.o.rows // one context of several: rows go to the shared table
		if p.cw == nil {
			p.cw = printers.NewColumnWriter(p.o.streams.Out, p.o.settle())
		}
		p.table = printers.NewTablePrinter(p.cw, p.o.tableOptions(p.target, p.o.ShowKind))
		p.table.SetEventColumn(p.o.OutputWatchEvents)
		return nil
	}
	var err error
	p.objects, err = p.o.objectPrinter(p.o.streams.Out, printers.ObjectOptions{Stream: true})
	return err
}

func (p *watchPrinter) columns(h *client.ListHeader) error {
	if p.table != nil && h.IsTable() {
		return p.table.SetColumns(h.ColumnDefinitions)
	}
	return nil
}

func (p *watchPrinter) change(ch watch.Change) error {
	if p.table != nil {
		if err := p.printRow(ch); err != nil {
			return err
		}
		if !ch.Initial {
			return p.cw.Flush()
		}
		return nil
	}
	if err := p.printObject(ch); err != nil {
		return err
	}
	if !ch.Initial {
		return p.flush()
	}
	return nil
}

func (p *watchPrinter) printObject(ch watch.Change) error {
	obj := printers.Object{Raw: ch.Item.Raw, APIVersion: p.target.Res.GroupVersion().String(), Kind: p.target.Res.Kind}
	if p.o.contextName != "" {
		var err error
		if obj, err = annotate(obj, p.o.contextName); err != nil {
			return err
		}
	}
	if !p.o.OutputWatchEvents {
		return p.objects.PrintObject(obj)
	}
	norm, err := printers.NormalizeJSON(nil, obj, p.o.ShowManagedFields)
	if err != nil {
		return err
	}
	// A metav1.WatchEvent, fields in its order: {"type":"ADDED","object":{...}}.
	ev := append([]byte(`{"type":"`+string(ch.Type)+`","object":`), norm...)
	ev = append(ev, '}')
	if p.o.format.name == "json" {
		_, err := p.o.streams.Out.Write(append(ev, '\n'))
		return err
	}
	return p.objects.PrintObject(printers.Object{Raw: ev})
}

func (p *watchPrinter) printRow(ch watch.Change) error {
	// A Table row, as the API server writes it, starts with its cells; anything else is an object from a
	// server without tables.
	if bytes.HasPrefix(ch.Item.Raw, []byte(`{"cells":`)) {
		return p.table.PrintRawRow(ch.Item.Raw, string(ch.Type))
	}
	return printTableItem(p.table, false, ch.Item.Raw)
}

// flush writes rows held back to settle column widths: after the initial state and after each change.
func (p *watchPrinter) flush() error {
	if p.cw != nil {
		return p.cw.Flush()
	}
	if f, ok := p.objects.(printers.Flusher); ok {
		return f.Flush()
	}
	return nil
}
