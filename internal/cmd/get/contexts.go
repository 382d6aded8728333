package get

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// ContextAnnotation says, on each object of a multi-context -o json|yaml List, which context it came from.
const ContextAnnotation = "kubex.io/context"

// selectedContexts is the contexts --context a,b,c or --all-contexts name; nil for one context.
func (o *Options) selectedContexts() ([]string, error) {
	named := o.factory.Overrides.Context
	if !o.AllContexts && !strings.Contains(named, ",") {
		return nil, nil
	}
	stack, err := o.factory.KubeconfigStack()
	if err != nil {
		return nil, err
	}
	known := stack.Merged().Names(config.KindContext)
	if o.AllContexts {
		if named != "" {
			return nil, fmt.Errorf("--all-contexts and --context cannot be used together")
		}
		if len(known) == 0 {
			return nil, fmt.Errorf("no contexts are defined in the kubeconfig")
		}
		return known, nil
	}
	var out []string
	for _, n := range strings.Split(named, ",") {
		if n = strings.TrimSpace(n); n == "" || slices.Contains(out, n) {
			continue
		}
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("context %q does not exist; the kubeconfig has: %s", n, strings.Join(known, ", "))
		}
		out = append(out, n)
	}
	return out, nil
}

// contextResult is what one context's get produced.
type contextResult struct {
	rows    rowCollector
	objects []printers.Object
	err     error
}

// runContexts runs a get or a watch in every context at once.
func (o *Options) runContexts(ctx context.Context) error {
	if o.Watch || o.WatchOnly {
		return o.watchContexts(ctx)
	}
	return o.getContexts(ctx)
}

// getContexts runs the get in every context at once, each through its own kubeconfig resolution, client
// and discovery, then prints one table with a leading CONTEXT column, or one List whose items carry
// the kubex.io/context annotation. A context that fails is reported without hiding the others.
func (o *Options) getContexts(ctx context.Context) error {
	results := make([]contextResult, len(o.contexts))
	var wg sync.WaitGroup
	for i, name := range o.contexts {
		wg.Go(func() { results[i].err = o.runContext(ctx, name, &results[i]) })
	}
	wg.Wait()

	var errs []error
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, fmt.Errorf("context %q: %s", o.contexts[i], cmdutil.Message(r.err)))
		}
	}
	var err error
	if o.format.human() {
		var any bool
		any, err = printContextRows(o.streams.Out, results, o.NoHeaders)
		if !any && len(errs) == 0 && !o.IgnoreNotFound {
			fmt.Fprintln(o.streams.ErrOut, "No resources found")
		}
	} else {
		err = o.printContextObjects(results)
	}
	if err != nil {
		errs = append(errs, err)
	}
	return cmdutil.Aggregate(errs)
}

// forContext is o for the run in one context of several: its own factory, client, discovery and
// namespace, output to out.
func (o *Options) forContext(name string, out io.Writer) (*Options, error) {
	f := o.factory.ForContext(name)
	r, err := f.Resolved()
	if err != nil {
		return nil, err
	}
	one := *o
	one.contexts, one.contextName = nil, name
	one.factory, one.client, one.resolved = f, f.Client, f.Resolved
	one.namespace, one.explicitNamespace = r.Namespace, r.NamespaceExplicit && !o.AllNamespaces
	streams := *o.streams
	streams.Out, streams.ErrOut = out, io.Discard
	one.streams = &streams
	return &one, nil
}

// runContext is the whole get in one context, its output collected.
func (o *Options) runContext(ctx context.Context, name string, into *contextResult) error {
	one, err := o.forContext(name, io.Discard)
	if err != nil {
		return err
	}
	if o.format.human() {
		one.rows = &into.rows
	} else {
		one.objectsTo = func(obj printers.Object) error {
			withContext, err := annotate(obj, name)
			into.objects = append(into.objects, withContext)
			return err
		}
	}
	return one.Run(ctx)
}

// annotate copies obj with the kubex.io/context annotation set.
func annotate(obj printers.Object, name string) (printers.Object, error) {
	var m map[string]any
	if err := json.Unmarshal(obj.Raw, &m); err != nil {
		return obj, err
	}
	meta, _ := m["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		m["metadata"] = meta
	}
	ann, _ := meta["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
		meta["annotations"] = ann
	}
	ann[ContextAnnotation] = name
	raw, err := json.Marshal(m)
	obj.Raw = raw
	return obj, err
}

// printContextObjects prints every context's objects as one List (or, -o name, as CONTEXT/kind/name).
func (o *Options) printContextObjects(results []contextResult) error {
	if o.format.name == "name" {
		for i, r := range results {
			var b strings.Builder
			p := printers.NewName(&b, printers.ObjectOptions{Stream: true})
			for _, obj := range r.objects {
				if err := p.PrintObject(obj); err != nil {
					return err
				}
			}
			for _, line := range strings.SplitAfter(b.String(), "\n") {
				if o.streams.IsStdoutTTY() {
					line = printers.SanitizeTerminal(line) // names come from the servers
				}
				if line != "" {
					fmt.Fprintf(o.streams.Out, "%s/%s", o.contexts[i], line)
				}
			}
		}
		return nil
	}
	p, err := o.objectPrinter(o.streams.Out, printers.ObjectOptions{})
	if err != nil {
		return err
	}
	for _, r := range results {
		for _, obj := range r.objects {
			if err := p.PrintObject(obj); err != nil {
				return err
			}
		}
	}
	return p.Close()
}

// rowCollector keeps one context's table rows (its header rows start with "CONTEXT").
type rowCollector struct{ rows [][]string }

func (c *rowCollector) Row(cells []string) error {
	c.rows = append(c.rows, cells)
	return nil
}

func (c *rowCollector) Flush() error { return nil }

// printContextRows merges the contexts' tables: one header for rows of the same columns, a blank line
// and a new header where the columns change, widths over all rows of a table.
func printContextRows(w io.Writer, results []contextResult, noHeaders bool) (bool, error) {
	cw := printers.NewColumnWriter(w, 0)
	var last []string
	written := false
	for _, r := range results {
		for _, row := range r.rows.rows {
			if len(row) > 0 && row[0] == "CONTEXT" && !noHeaders {
				if slices.Equal(row, last) {
					continue
				}
				if last != nil {
					if err := cw.Flush(); err != nil {
						return written, err
					}
					cw.Reset()
					fmt.Fprintln(w)
				}
				last = row
			}
			written = true
			if err := cw.Row(row); err != nil {
				return written, err
			}
		}
	}
	return written, cw.Flush()
}

// watchContexts watches in every context at once: one table whose rows (with a leading CONTEXT
// column) or JSON lines (with the kubex.io/context annotation) come as each context's changes arrive.
// A context that fails is reported at once; the others go on until Ctrl-C.
func (o *Options) watchContexts(ctx context.Context) error {
	out := &lockedWriter{w: o.streams.Out}
	var rows *sharedRows
	if o.format.human() {
		rows = &sharedRows{cw: printers.NewColumnWriter(out, o.settle()), waiting: len(o.contexts)}
	}
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, name := range o.contexts {
		wg.Go(func() {
			mine := &contextRows{shared: rows}
			err := func() error {
				one, err := o.forContext(name, out)
				if err != nil {
					return err
				}
				if rows != nil {
					one.rows = mine
				}
				return one.Run(ctx)
			}()
			if rows != nil {
				mine.synced() // a context that failed holds nobody back
			}
			if err != nil {
				err = fmt.Errorf("context %q: %s", name, cmdutil.Message(err))
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				out.line(o.streams.ErrOut, "error: "+err.Error())
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return &cmdutil.ExitError{Code: 1} // each was printed as it happened
	}
	return nil
}

// sharedRows is one table fed by several contexts' watches: one header, and column widths settled over
// every context's initial rows (rows are held until each context has listed, or failed).
type sharedRows struct {
	mu      sync.Mutex
	cw      *printers.ColumnWriter
	header  []string
	waiting int // contexts whose initial rows have not all come
}

func (s *sharedRows) row(cells []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cells) > 0 && cells[0] == "CONTEXT" {
		if s.header != nil {
			return nil // printed once
		}
		s.header = cells
	}
	return s.cw.Row(cells)
}

func (s *sharedRows) flush(first bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if first {
		s.waiting--
	}
	if s.waiting > 0 {
		return nil
	}
	return s.cw.Flush()
}

// contextRows is one context's side of a sharedRows: its first Flush says its initial rows are in.
type contextRows struct {
	shared *sharedRows
	done   bool
}

func (c *contextRows) Row(cells []string) error { return c.shared.row(cells) }

func (c *contextRows) Flush() error {
	first := !c.done
	c.done = true
	return c.shared.flush(first)
}

func (c *contextRows) synced() {
	if !c.done {
		_ = c.Flush()
	}
}

// lockedWriter serialises the writes of several contexts' printers, each a whole line or object.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// line writes one line to w under the same lock, so it does not land inside another context's output.
func (l *lockedWriter) line(w io.Writer, s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(w, s)
}
