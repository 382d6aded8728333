package get

import (
	"context"
	"strings"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// printObjects prints whole objects (-o json, yaml, name, jsonpath, go-template, custom-columns): one
// object as itself when exactly one was named, else every object of every target in one List, streamed
// item by item.
func (o *Options) printObjects(ctx context.Context, c *client.Client, targets []cmdutil.Target, single bool) error {
	var err error
	var p printers.ObjectPrinter = collector(o.objectsTo)
	if o.objectsTo == nil {
		if p, err = o.objectPrinter(o.streams.Out, printers.ObjectOptions{Single: single}); err != nil {
			return err
		}
	}
	var sorter *objectSorter
	if o.SortBy != "" && !single {
		if sorter, err = newObjectSorter(o.SortBy); err != nil {
			return err
		}
	}
	printed := 0
	emit := func(obj printers.Object) error {
		printed++
		if sorter != nil {
			return sorter.add(obj)
		}
		return p.PrintObject(obj)
	}

	var errs []error
	for _, t := range targets {
		res := t.On(c)
		if t.Names == nil {
			opts := client.ListOptions{LabelSelector: o.LabelSelector, FieldSelector: o.FieldSelector}
			if sorter == nil {
				opts.Limit = o.ChunkSize
			}
			_, err := res.ListPages(ctx, client.AcceptJSON, opts, nil,
				func(h *client.ListHeader, raw []byte) error {
					return emit(printers.Object{Raw: raw, APIVersion: h.APIVersion, Kind: strings.TrimSuffix(h.Kind, "List")})
				})
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		for _, name := range t.Names {
			body, err := o.getNamed(ctx, res, name, client.GetOptions{Accept: client.AcceptJSON})
			if err == nil {
				err = emit(printers.Object{Raw: body})
			}
			switch {
			case err == nil, o.IgnoreNotFound && client.IsNotFound(err):
			case single:
				return err // kubectl prints nothing else when the one named object fails
			default:
				errs = append(errs, err)
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if printed == 0 && o.IgnoreNotFound {
		return cmdutil.Aggregate(errs) // not even an empty List, as kubectl
	}
	if sorter != nil {
		if err := sorter.printTo(p); err != nil {
			return err
		}
	}
	if err := p.Close(); err != nil {
		return err
	}
	return cmdutil.Aggregate(errs)
}

// objectSorter holds objects (as their bytes) and their sort keys until all have come, for -o formats.
type objectSorter struct {
	keys    *sortKeys
	objs    []printers.Object
	keyList []any
	has     []bool
}

func newObjectSorter(expr string) (*objectSorter, error) {
	k, err := newSortKeys(expr)
	if err != nil {
		return nil, err
	}
	return &objectSorter{keys: k}, nil
}

func (s *objectSorter) add(obj printers.Object) error {
	key, has, err := s.keys.key(obj.Raw)
	if err != nil {
		return err
	}
	obj.Raw = append([]byte(nil), obj.Raw...) // the list decoder reuses its buffer
	s.objs, s.keyList, s.has = append(s.objs, obj), append(s.keyList, key), append(s.has, has)
	return nil
}

func (s *objectSorter) printTo(p printers.ObjectPrinter) error {
	order := make([]int, len(s.objs))
	for i := range order {
		order[i] = i
	}
	if len(s.objs) > 1 {
		var err error
		if order, err = sortOrder(s.keys.field, s.keyList, s.has); err != nil {
			return err
		}
	}
	for _, i := range order {
		if err := p.PrintObject(s.objs[i]); err != nil {
			return err
		}
	}
	return nil
}

// collector hands objects to a function instead of printing them: one context of several.
type collector func(printers.Object) error

func (c collector) PrintObject(obj printers.Object) error { return c(obj) }
func (c collector) Close() error                          { return nil }
