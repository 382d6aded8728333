package get

import (
	"context"
	"encoding/json"
	"errors"
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
	if o.Watch || o.WatchOnly {
		return nil, fmt.Errorf("watching several contexts at once is not supported yet: run one watch per context")
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

// runContexts runs the get in every context at once, each through its own kubeconfig resolution, client
// and discovery, then prints one table with a leading CONTEXT column, or one List whose items carry
// the kubex.io/context annotation. A context that fails is reported without hiding the others.
func (o *Options) runContexts(ctx context.Context) error {
	results := make([]contextResult, len(o.contexts))
	var wg sync.WaitGroup
	for i, name := range o.contexts {
		wg.Go(func() { results[i].err = o.runContext(ctx, name, &results[i]) })
	}
	wg.Wait()

	var errs []error
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, fmt.Errorf("context %q: %s", o.contexts[i], message(r.err)))
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

// runContext is the whole get in one context, its output collected.
func (o *Options) runContext(ctx context.Context, name string, into *contextResult) error {
	f := o.factory.ForContext(name)
	r, err := f.Resolved()
	if err != nil {
		return err
	}
	one := *o
	one.contexts, one.contextName = nil, name
	one.factory, one.client, one.discovery, one.resolved = f, f.Client, f.Discovery, f.Resolved
	one.namespace, one.explicitNamespace = r.Namespace, r.NamespaceExplicit && !o.AllNamespaces
	quiet := *o.streams
	quiet.Out, quiet.ErrOut = io.Discard, io.Discard
	one.streams = &quiet
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

// message is an error's user-facing line.
func message(err error) string {
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		return um.UserMessage()
	}
	return err.Error()
}
