package get

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/pkg/client/resource"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// settleRows is how many rows at least settle a table's column widths before rows are printed as they
// come: a list of up to this many rows, or of one page, is laid out exactly as kubectl lays it out;
// beyond, later rows are printed at once and a wider cell widens its column from then on.
const settleRows = 500

// settle is the rows that settle column widths: the first page, and at least settleRows; all of them
// when the list is not cut in pages.
func (o *Options) settle() int {
	if o.ChunkSize == 0 || o.SortBy != "" {
		return 0
	}
	return max(settleRows, int(o.ChunkSize))
}

// printHuman prints tables: one per resource type, a blank line between them, as kubectl does.
func (o *Options) printHuman(ctx context.Context, targets []cmdutil.Target) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	tracked := &trackingWriter{w: o.streams.Out}
	sep := &separatorWriter{w: tracked}
	cw := printers.NewColumnWriter(sep, o.settle())
	var rows printers.RowWriter = cw
	if o.rows != nil {
		rows = o.rows // one context of several: the caller merges the tables
	}
	withKind := o.ShowKind || distinctResources(targets) > 1
	allNamespaced := !o.AllNamespaces

	var errs []error
	var tp *printers.TablePrinter
	for i, t := range targets {
		allNamespaced = allNamespaced && t.Res.Namespaced
		if i == 0 || !cmdutil.SameResource(targets[i-1].Res, t.Res) {
			if err := cw.Flush(); err != nil {
				return err
			}
			cw.Reset()
			if i > 0 && !o.NoHeaders && tracked.written > 0 {
				sep.ready = true
			}
			tp = printers.NewTablePrinter(rows, o.tableOptions(t, withKind))
		}
		errs = append(errs, o.printTableTarget(ctx, c, t, tp)...)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	if tracked.written == 0 && !o.IgnoreNotFound && len(errs) == 0 && o.rows == nil {
		if allNamespaced {
			fmt.Fprintf(o.streams.ErrOut, "No resources found in %s namespace.\n", o.namespace)
		} else {
			fmt.Fprintln(o.streams.ErrOut, "No resources found")
		}
	}
	return cmdutil.Aggregate(errs)
}

func (o *Options) tableOptions(t cmdutil.Target, withKind bool) printers.TableOptions {
	return printers.TableOptions{
		NoHeaders:     o.NoHeaders,
		Wide:          o.format.name == "wide",
		WithNamespace: o.AllNamespaces && t.Res.Namespaced,
		WithKind:      withKind,
		Kind:          kindName(t.Res),
		ShowLabels:    o.ShowLabels,
		ColumnLabels:  o.LabelColumns,
		Terminal:      o.streams.IsStdoutTTY(),
		Context:       o.contextName,
		Color:         o.streams.ColorEnabled(),
	}
}

// includeObject asks Table rows for no object when nothing printed needs one, which makes the answer a
// fraction of the size (metadata is most of a Table's bytes).
func (o *Options) includeObject(t cmdutil.Target) string {
	switch {
	case o.SortBy != "":
		return "Object"
	case (o.AllNamespaces && t.Res.Namespaced) || o.ShowLabels || len(o.LabelColumns) > 0:
		return "" // the server's default: metadata
	}
	return "None"
}

func (o *Options) accept() string {
	if o.ServerPrint {
		return resource.AcceptTable
	}
	return resource.AcceptJSON
}

// printTableTarget prints one target's rows and returns what failed.
func (o *Options) printTableTarget(ctx context.Context, c *transport.Client, t cmdutil.Target, tp *printers.TablePrinter) []error {
	var sorter *rowSorter
	if o.SortBy != "" {
		var err error
		if sorter, err = newRowSorter(o.SortBy); err != nil {
			return []error{err}
		}
	}
	print := func(isTable bool, raw json.RawMessage) error {
		if sorter != nil {
			return sorter.add(isTable, raw)
		}
		return printTableItem(tp, isTable, raw)
	}
	finish := func() error {
		if sorter == nil {
			return nil
		}
		return sorter.print(tp)
	}

	opts := resource.ListOptions{IncludeObject: o.includeObject(t)}
	if t.Names == nil {
		opts.LabelSelector, opts.FieldSelector = o.LabelSelector, o.FieldSelector
		if o.SortBy == "" {
			opts.Limit = o.ChunkSize
		}
		path := resource.Path(t.Res, t.Namespace, "", "")
		_, err := resource.List(ctx, c, path, o.accept(), opts,
			func(h *resource.Header) error {
				if h.IsTable() {
					return tp.SetColumns(h.ColumnDefinitions)
				}
				return nil
			},
			func(h *resource.Header, raw json.RawMessage) error { return print(h.IsTable(), raw) })
		if err == nil {
			err = finish()
		}
		if err != nil {
			return []error{err}
		}
		return nil
	}

	var errs []error
	for _, name := range t.Names {
		body, err := o.getNamed(ctx, c, t, name, opts, o.accept())
		if err != nil {
			if !(o.IgnoreNotFound && transport.IsNotFound(err)) {
				errs = append(errs, err)
			}
			continue
		}
		if !isTable(body) {
			err = print(false, body)
		} else {
			err = resource.DecodeList(bytes.NewReader(body), &resource.Header{}, func(h *resource.Header) error {
				return tp.SetColumns(h.ColumnDefinitions)
			}, func(raw json.RawMessage) error { return print(true, raw) })
		}
		if err == nil {
			err = finish()
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// printTableItem prints a Table row, or an object of a list that is not a Table (NAME and AGE).
func printTableItem(tp *printers.TablePrinter, isTable bool, raw json.RawMessage) error {
	if isTable {
		return tp.PrintRawRow(raw, "")
	}
	var obj struct {
		Metadata printers.RowMeta `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return fmt.Errorf("decoding an object: %w", err)
	}
	return tp.PrintObjectMeta(obj.Metadata)
}

// getNamed reads one named object of t. When it is not found, kubectl looks for its namespace and reports
// a missing namespace instead (not for "default", which always exists).
func (o *Options) getNamed(ctx context.Context, c *transport.Client, t cmdutil.Target, name string, opts resource.ListOptions, accept string) ([]byte, error) {
	body, err := resource.GetObject(ctx, c, resource.WithQuery(resource.Path(t.Res, t.Namespace, name, o.Subresource), opts), accept)
	if transport.IsNotFound(err) && t.Namespace != "" && t.Namespace != "default" {
		_, nsErr := resource.GetObject(ctx, c, "/api/v1/namespaces/"+url.PathEscape(t.Namespace), resource.AcceptJSON)
		if transport.IsNotFound(nsErr) {
			return nil, nsErr
		}
	}
	return body, err
}

func distinctResources(targets []cmdutil.Target) int {
	n := 0
	for i, t := range targets {
		seen := false
		for _, u := range targets[:i] {
			seen = seen || cmdutil.SameResource(u.Res, t.Res)
		}
		if !seen {
			n++
		}
	}
	return n
}

// trackingWriter counts what has been written, for kubectl's "No resources found" and blank lines.
type trackingWriter struct {
	w       io.Writer
	written int
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	t.written += len(p)
	return t.w.Write(p)
}

// separatorWriter puts a blank line before the next non-empty write once ready, between tables.
type separatorWriter struct {
	w     io.Writer
	ready bool
}

func (s *separatorWriter) Write(p []byte) (int, error) {
	if len(p) > 0 && s.ready {
		s.ready = false
		if _, err := s.w.Write([]byte("\n")); err != nil {
			return 0, err
		}
	}
	return s.w.Write(p)
}
