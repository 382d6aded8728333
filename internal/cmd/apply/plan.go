package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/manifest"
	"github.com/kubex-cli/kubex/internal/selector"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/wait"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// item is one object to apply and, once applied, its outcome.
type item struct {
	obj       manifest.Object
	res       discovery.Resource
	crdScoped *crdType // set while the resource is known only from a CRD of the same input
	ns        string
	result    []byte // the object the server returned
	err       error
	done      chan struct{}
}

// crdType is a custom resource type defined by a CustomResourceDefinition of the input.
type crdType struct {
	namespaced bool
	versions   []string
}

// plan is the whole apply, checked.
type plan struct {
	o     *Options
	c     *client.Client
	d     *discovery.Discovery
	items []*item
}

// plan reads and checks all input before anything is sent: every document parsed, every object's type
// served by the server or defined by a CRD of the input, namespaces decided.
func (o *Options) plan(ctx context.Context) (*plan, error) {
	objs, err := o.Files.Read(o.streams.In)
	if err != nil {
		return nil, err
	}
	sel, err := selector.Parse(o.Selector.Labels)
	if err != nil {
		return nil, err
	}
	objs = slices.DeleteFunc(objs, func(obj manifest.Object) bool { return !sel.Matches(obj.Labels) })
	if len(objs) == 0 {
		return nil, errors.New("no objects passed to apply")
	}
	c, err := o.client()
	if err != nil {
		return nil, err
	}
	d, err := o.discovery()
	if err != nil {
		return nil, err
	}
	crds := crdTypes(objs)
	scope := cmdutil.Selection{Namespace: o.namespace, Explicit: o.explicit}
	p := &plan{o: o, c: c, d: d}
	for _, obj := range objs {
		it := &item{obj: obj, done: make(chan struct{})}
		if it.res, err = cmdutil.ResolveKind(ctx, d, obj); err != nil {
			group, version, _ := strings.Cut(obj.APIVersion, "/")
			t := crds[group+"/"+obj.Kind]
			if t == nil || !slices.Contains(t.versions, version) {
				return nil, err
			}
			// Served once its CRD, earlier in this apply, is established.
			it.crdScoped = t
			it.res = discovery.Resource{Group: group, Version: version, Kind: obj.Kind, Namespaced: t.namespaced}
		}
		if it.ns, err = scope.ObjectNamespace(it.res, obj.Namespace); err != nil {
			return nil, fmt.Errorf("%s: %w", obj.Where(), err)
		}
		if name := it.obj.Name; strings.Contains(name, "/") {
			return nil, fmt.Errorf("%s: invalid name %q", obj.Where(), name)
		}
		p.items = append(p.items, it)
	}
	return p, nil
}

// crdTypes lists the custom resource types the input's CustomResourceDefinitions define, by "group/Kind".
func crdTypes(objs []manifest.Object) map[string]*crdType {
	out := map[string]*crdType{}
	for _, obj := range objs {
		if !isCRD(obj) {
			continue
		}
		var crd struct {
			Spec struct {
				Group string `json:"group"`
				Scope string `json:"scope"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Name   string `json:"name"`
					Served bool   `json:"served"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if json.Unmarshal(obj.JSON, &crd) != nil {
			continue // the server will say what is wrong with it
		}
		t := &crdType{namespaced: crd.Spec.Scope != "Cluster"}
		for _, v := range crd.Spec.Versions {
			if v.Served {
				t.versions = append(t.versions, v.Name)
			}
		}
		out[crd.Spec.Group+"/"+crd.Spec.Names.Kind] = t
	}
	return out
}

func isCRD(obj manifest.Object) bool {
	return obj.Kind == "CustomResourceDefinition" && strings.HasPrefix(obj.APIVersion, "apiextensions.k8s.io/")
}

func isNamespace(obj manifest.Object) bool { return obj.Kind == "Namespace" && obj.APIVersion == "v1" }

// run applies the items: Namespaces and CRDs first, the CRDs waited for, then the rest, at most
// Concurrency at a time; results are printed in input order as soon as they are known.
func (p *plan) run(ctx context.Context) error {
	printed := make(chan error, 1)
	go func() { printed <- p.print() }()

	var first, rest []*item
	for _, it := range p.items {
		if isNamespace(it.obj) || isCRD(it.obj) {
			first = append(first, it)
		} else {
			rest = append(rest, it)
		}
	}
	p.applyAll(ctx, first)
	if err := p.awaitCRDs(ctx, first); err != nil {
		for _, it := range rest {
			if it.crdScoped != nil {
				it.err = &objectError{what: it.ref().String(), where: it.obj.Where(), err: err}
			}
		}
	}
	p.applyAll(ctx, rest)
	if err := <-printed; err != nil || !p.o.Wait || p.o.dryRun != cmdutil.DryRunNone {
		return err
	}
	return p.awaitReady(ctx)
}

// applyAll applies items concurrently and returns when all are done.
func (p *plan) applyAll(ctx context.Context, items []*item) {
	sem := make(chan struct{}, p.o.Concurrency)
	var wg sync.WaitGroup
	for _, it := range items {
		if it.err != nil {
			close(it.done)
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			p.apply(ctx, it)
		})
	}
	wg.Wait()
}

// apply sends one object.
func (p *plan) apply(ctx context.Context, it *item) {
	defer close(it.done)
	body, err := withNamespace(it.obj.JSON, it.ns, it.res.Namespaced)
	if err == nil {
		it.result, err = p.c.Resource(it.res, it.ns).ApplyOverClientSide(ctx, it.obj.Name, body,
			client.PatchOptions{FieldManager: p.o.FieldManager.FieldManager, Force: p.o.ForceConflicts, DryRun: p.o.dryRun.Server(), FieldValidation: p.o.Validation})
	}
	if err != nil {
		it.err = &objectError{what: it.ref().String(), where: it.obj.Where(), err: err}
	}
}

// withNamespace sets metadata.namespace for a namespaced object, and drops it from a cluster-scoped one
// (kubectl ignores it there), as the object is sent.
func withNamespace(obj []byte, ns string, namespaced bool) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(obj, &m); err != nil {
		return nil, err
	}
	meta, _ := m["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		m["metadata"] = meta
	}
	if cur, _ := meta["namespace"].(string); namespaced && cur == ns || !namespaced && meta["namespace"] == nil {
		return obj, nil
	}
	if namespaced {
		meta["namespace"] = ns
	} else {
		delete(meta, "namespace")
	}
	return json.Marshal(m)
}

// awaitCRDs waits until every CRD applied is Established, then finds the types the input's custom
// resources need in discovery. With --dry-run=server nothing was created, so they cannot be checked.
func (p *plan) awaitCRDs(ctx context.Context, applied []*item) error {
	needed := false
	for _, it := range p.items {
		needed = needed || it.crdScoped != nil
	}
	if !needed {
		return nil
	}
	if p.o.dryRun == cmdutil.DryRunServer {
		return errors.New("its CustomResourceDefinition is in the same input: with --dry-run=server it is not created, so this object cannot be checked")
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, it := range applied {
		if !isCRD(it.obj) || it.err != nil {
			continue
		}
		err := wait.One(ctx, p.c, client.Ref{Type: crdResource, Name: it.obj.Name}, wait.HasCondition("Established", "True"))
		if err != nil {
			return fmt.Errorf("waiting for customresourcedefinition %q to be established: %w", it.obj.Name, err)
		}
	}
	for {
		missing := 0
		p.d.Invalidate()
		for _, it := range p.items {
			if it.crdScoped == nil {
				continue
			}
			r, err := cmdutil.ResolveKind(ctx, p.d, it.obj)
			if err != nil {
				missing++
				continue
			}
			it.res, it.crdScoped = r, nil
		}
		if missing == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("its type is not served yet: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

var crdResource = discovery.Resource{Group: "apiextensions.k8s.io", Version: "v1", Name: "customresourcedefinitions", Kind: "CustomResourceDefinition"}

// ref names the object of an item.
func (it *item) ref() client.Ref {
	return client.Ref{Type: it.res, Namespace: it.ns, Name: it.obj.Name}
}

// print writes the outcome of every item in input order, each as soon as it and those before it are
// done, then the errors; progress goes to a terminal's stderr for big inputs.
func (p *plan) print() error {
	objects, err := p.o.Print.ToPrinter(p.o.streams.Out, printers.ObjectOptions{Single: len(p.items) == 1})
	if err != nil {
		return err
	}
	out := &cmdutil.ResultPrinter{Out: p.o.streams.Out, Name: p.o.Print.Format().Name == "name", DryRun: p.o.dryRun}
	progress := p.o.streams.IsStderrTTY() && len(p.items) >= progressMin
	var errs []error
	printedAny := false
	for i, it := range p.items {
		<-it.done
		if progress {
			fmt.Fprintf(p.o.streams.ErrOut, "\r\x1b[Kapplying %d/%d", i+1, len(p.items))
		}
		if it.err != nil {
			errs = append(errs, it.err)
			continue
		}
		var err error
		if objects != nil {
			err = objects.PrintObject(printers.Object{Raw: it.result})
		} else {
			err = out.Print(it.ref(), "serverside-applied")
		}
		if err != nil {
			errs = append(errs, err)
		}
		printedAny = true
	}
	if progress {
		fmt.Fprint(p.o.streams.ErrOut, "\r\x1b[K")
	}
	if objects != nil && printedAny {
		if err := objects.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return cmdutil.Aggregate(errs)
}

// progressMin is how many objects make progress worth showing.
const progressMin = 20
