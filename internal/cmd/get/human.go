package get

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/resource"
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
func (o *Options) printHuman(ctx context.Context, c *client.Client, targets []cmdutil.Target) error {
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
		Kind:          client.KindGroup(t.Res),
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
		return client.AcceptTable
	}
	return client.AcceptJSON
}

// printTableTarget prints one target's rows and returns what failed.
func (o *Options) printTableTarget(ctx context.Context, c *client.Client, t cmdutil.Target, tp *printers.TablePrinter) []error {
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

	res := t.On(c)
	if t.Names == nil {
		opts := client.ListOptions{IncludeObject: o.includeObject(t), LabelSelector: o.LabelSelector, FieldSelector: o.FieldSelector}
		if o.SortBy == "" {
			opts.Limit = o.ChunkSize
		}
		_, err := res.ListPages(ctx, o.accept(), opts,
			func(h *client.ListHeader) error {
				if h.IsTable() {
					return tp.SetColumns(h.ColumnDefinitions)
				}
				return nil
			},
			func(h *client.ListHeader, raw []byte) error { return print(h.IsTable(), raw) })
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
		body, err := o.getNamed(ctx, res, name, client.GetOptions{Accept: o.accept(), IncludeObject: o.includeObject(t)})
		if err != nil {
			if !(o.IgnoreNotFound && client.IsNotFound(err)) {
				errs = append(errs, err)
			}
			continue
		}
		if !isTable(body) {
			err = print(false, body)
		} else {
			err = resource.DecodeList(bytes.NewReader(body), &client.ListHeader{}, func(h *client.ListHeader) error {
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

// getNamed reads one named object of res (its --subresource, when given). When it is not found, kubectl
// looks for its namespace and reports a missing namespace instead (not for "default", which always
// exists).
func (o *Options) getNamed(ctx context.Context, res *client.Resource, name string, opts client.GetOptions) ([]byte, error) {
	opts.Subresource = o.Subresource
	body, err := res.Get(ctx, name, opts)
	if client.IsNotFound(err) && res.Namespace != "" && res.Namespace != "default" {
		_, nsErr := res.Client().Namespaces().Get(ctx, res.Namespace, client.GetOptions{})
		if client.IsNotFound(nsErr) {
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
