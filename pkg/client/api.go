package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/watch"
)

// API is the verbs of Resource for objects of the Go type T: any struct that marshals to a Kubernetes
// object's JSON, such as the types of k8s.io/api or a struct of the caller's for a custom resource, or
// Object for types known only at run time. It is kube-rs's Api made generic.
//
// The resource T is served by is found on first use, through discovery: from ForResource or ForKind when
// given; else from T's method APIVersionKind() (apiVersion, kind string) when it has one; else, for the
// types of k8s.io/api (and of apiextensions and kube-aggregator), from T's package and name
// (k8s.io/api/apps/v1.Deployment is apps/v1, Deployment); else from the apiVersion and kind of the first
// object a verb is given.
type API[T any] struct {
	c         *Client
	namespace string
	kind      kindSource

	mu  sync.Mutex
	res *Resource
}

// APIOption tells NewAPI what it cannot find out from T.
type APIOption func(*kindSource)

type kindSource struct {
	typ              *discovery.Resource
	apiVersion, kind string
}

// ForResource serves T from this resource, with no discovery at all.
func ForResource(t discovery.Resource) APIOption { return func(k *kindSource) { k.typ = &t } }

// ForKind serves T from the resource of kind in apiVersion ("stable.example.com/v1", "CronTab").
func ForKind(apiVersion, kind string) APIOption {
	return func(k *kindSource) { k.apiVersion, k.kind = apiVersion, kind }
}

// Kinded is a type that names its own apiVersion and kind, for NewAPI to find its resource.
type Kinded interface {
	APIVersionKind() (apiVersion, kind string)
}

// NewAPI is the handle for T's objects in namespace ("" for every namespace, when listing; a
// cluster-scoped type ignores it).
func NewAPI[T any](c *Client, namespace string, opts ...APIOption) *API[T] {
	a := &API[T]{c: c, namespace: namespace}
	for _, o := range opts {
		o(&a.kind)
	}
	if a.kind.typ == nil && a.kind.kind == "" {
		a.kind.apiVersion, a.kind.kind = kindOfType[T]()
	}
	return a
}

// NewDynamic is the handle for objects of type t as Object values.
func NewDynamic(c *Client, namespace string, t discovery.Resource) *API[Object] {
	return NewAPI[Object](c, namespace, ForResource(t))
}

// kindOfType is what T says of its apiVersion and kind, or its package tells for the types of k8s.io/api.
func kindOfType[T any]() (apiVersion, kind string) {
	var zero T
	if k, ok := any(&zero).(Kinded); ok {
		return k.APIVersionKind()
	}
	if k, ok := any(zero).(Kinded); ok {
		return k.APIVersionKind()
	}
	t := reflect.TypeFor[T]()
	group, version, ok := groupOfPackage(t.PkgPath())
	if !ok {
		return "", ""
	}
	if group == "" {
		return version, t.Name()
	}
	return group + "/" + version, t.Name()
}

// groupOfPackage maps the Go packages of the built-in API types to their group and version: the
// package's directory names the group ("apps", "rbac" for rbac.authorization.k8s.io), its last element
// the version.
func groupOfPackage(pkg string) (group, version string, ok bool) {
	for _, prefix := range []string{"k8s.io/api/", "k8s.io/apiextensions-apiserver/pkg/apis/", "k8s.io/kube-aggregator/pkg/apis/"} {
		rest, found := strings.CutPrefix(pkg, prefix)
		if !found {
			continue
		}
		dir, version, found := strings.Cut(rest, "/")
		if !found || strings.Contains(version, "/") {
			return "", "", false
		}
		switch dir {
		case "core":
			return "", version, true
		case "apps", "batch", "autoscaling", "policy", "extensions":
			return dir, version, true
		case "apiserverinternal":
			return "internal.apiserver.k8s.io", version, true
		case "flowcontrol":
			return "flowcontrol.apiserver.k8s.io", version, true
		case "rbac":
			return "rbac.authorization.k8s.io", version, true
		}
		return dir + ".k8s.io", version, true
	}
	return "", "", false
}

// Resource is the handle T is served by, found through discovery on first use. hint, when not nil, is
// an object whose apiVersion and kind serve when nothing else tells.
func (a *API[T]) resource(ctx context.Context, hint []byte) (*Resource, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.res != nil {
		return a.res, nil
	}
	k := a.kind
	if k.typ != nil {
		a.res = a.c.Resource(*k.typ, a.namespace)
		return a.res, nil
	}
	if k.kind == "" && hint != nil {
		var tm struct{ APIVersion, Kind string }
		_ = json.Unmarshal(hint, &tm)
		k.apiVersion, k.kind = tm.APIVersion, tm.Kind
	}
	if k.kind == "" || k.apiVersion == "" {
		return nil, fmt.Errorf("client: cannot tell which resource serves Go type %s: give NewAPI ForKind or ForResource, or the object its apiVersion and kind", reflect.TypeFor[T]())
	}
	r, err := a.c.ResourceForKind(ctx, k.apiVersion, k.kind, a.namespace)
	if err != nil {
		return nil, err
	}
	a.res = r
	return r, nil
}

// Resource is the untyped handle under a, found through discovery on first use.
func (a *API[T]) Resource(ctx context.Context) (*Resource, error) { return a.resource(ctx, nil) }

func decode[T any](b []byte) (*T, error) {
	v := new(T)
	return v, decodeJSONInto(b, v)
}

// Get reads the object name.
func (a *API[T]) Get(ctx context.Context, name string) (*T, error) {
	return a.get(ctx, name, "")
}

// GetStatus reads the object name through its status subresource.
func (a *API[T]) GetStatus(ctx context.Context, name string) (*T, error) {
	return a.get(ctx, name, "status")
}

func (a *API[T]) get(ctx context.Context, name, sub string) (*T, error) {
	r, err := a.resource(ctx, nil)
	if err != nil {
		return nil, err
	}
	b, err := r.Get(ctx, name, GetOptions{Subresource: sub})
	if err != nil {
		return nil, err
	}
	return decode[T](b)
}

// Each lists the objects page by page (o.Limit a page, 500 when 0), decoding each as it comes: memory for
// a page whatever the size of the list. The first error ends it.
func (a *API[T]) Each(ctx context.Context, o ListOptions) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		stopped := false
		err := a.pages(ctx, o, func(_ *ListHeader, items []T) bool {
			for i := range items {
				if !yield(&items[i], nil) {
					stopped = true
					return false
				}
			}
			return true
		})
		if err != nil && !stopped {
			yield(nil, err)
		}
	}
}

// List lists every object into a slice, in the server's order.
func (a *API[T]) List(ctx context.Context, o ListOptions) ([]T, error) {
	var out []T
	err := a.pages(ctx, o, func(h *ListHeader, items []T) bool {
		if out == nil && h.Metadata.RemainingItemCount != nil { // the list's size, known from its first page
			out = make([]T, 0, len(items)+int(max(0, min(*h.Metadata.RemainingItemCount, 1<<20))))
		}
		out = append(out, items...)
		return true
	})
	return out, err
}

var errStop = errors.New("stopped")

// protobufMessage is a type with its own protobuf decoding, as every type of k8s.io/api has (gogo's
// generated Unmarshal).
type protobufMessage interface{ Unmarshal([]byte) error }

// listAccept is what a list of T asks for: protobuf first when *T decodes it (the API server offers
// it for built-in types, and it decodes several times faster than JSON), JSON otherwise and as the
// server's fallback (custom resources are JSON only).
func listAccept[T any]() string {
	if _, ok := any(new(T)).(protobufMessage); ok {
		return AcceptProtobuf + ", " + AcceptJSON
	}
	return AcceptJSON
}

// pages lists page by page, decoding each page's items on every core while the next page travels, and
// calls page with each page's header and items.
func (a *API[T]) pages(ctx context.Context, o ListOptions, page func(*ListHeader, []T) bool) error {
	r, err := a.resource(ctx, nil)
	if err != nil {
		return err
	}
	if o.Limit == 0 {
		o.Limit = 500
	}
	// The page's items, end to end in one buffer reused page after page: decoding copies what it keeps.
	var buf []byte
	var ends []int
	protobuf := false // the page at hand came as protobuf
	var current *ListHeader
	flush := func() error {
		raws := make([][]byte, len(ends))
		for i, start := 0, 0; i < len(ends); start, i = ends[i], i+1 {
			raws[i] = buf[start:ends[i]:ends[i]]
		}
		items, err := decodeAll[T](raws, protobuf)
		buf, ends = buf[:0], ends[:0]
		if err != nil {
			return err
		}
		if !page(current, items) {
			return errStop
		}
		return nil
	}
	_, err = r.ListPages(ctx, listAccept[T](), o, func(h *ListHeader) error {
		if current != nil {
			if err := flush(); err != nil {
				return err
			}
		}
		current = h
		protobuf = h.ContentType == AcceptProtobuf
		return nil
	}, func(_ *ListHeader, raw []byte) error {
		buf = append(buf, raw...)
		ends = append(ends, len(buf))
		return nil
	})
	if err == nil && len(ends) > 0 {
		err = flush()
	}
	if err == errStop {
		return nil
	}
	return err
}

// decodeProtobufInto decodes one item of a protobuf list into v with T's own Unmarshal.
func decodeProtobufInto[T any](b []byte, v *T) error {
	if err := any(v).(protobufMessage).Unmarshal(b); err != nil {
		return fmt.Errorf("decoding %s: %w", reflect.TypeFor[T](), err)
	}
	return nil
}

// decodeJSONInto decodes one JSON object into v.
func decodeJSONInto[T any](b []byte, v *T) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decoding %s: %w", reflect.TypeFor[T](), err)
	}
	return nil
}

// decodeAll decodes raws (protobuf messages or JSON) in order, split over the machine's cores.
func decodeAll[T any](raws [][]byte, protobuf bool) ([]T, error) {
	dec := decodeJSONInto[T]
	if protobuf {
		dec = decodeProtobufInto[T]
	}
	out := make([]T, len(raws))
	workers := min(runtime.GOMAXPROCS(0), (len(raws)+63)/64)
	if workers <= 1 {
		for i, raw := range raws {
			if err := dec(raw, &out[i]); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(raws); i += workers {
				if err := dec(raws[i], &out[i]); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// marshal encodes obj and reads the name and namespace it carries.
func marshal[T any](obj *T) (b []byte, name, namespace string, err error) {
	if obj == nil {
		return nil, "", "", errors.New("client: nil object")
	}
	if b, err = json.Marshal(obj); err != nil {
		return nil, "", "", fmt.Errorf("encoding %s: %w", reflect.TypeFor[T](), err)
	}
	var m struct{ Metadata Meta }
	_ = json.Unmarshal(b, &m)
	return b, m.Metadata.Name, m.Metadata.Namespace, nil
}

// target is the handle for obj's namespace when a has none (an API for every namespace).
func (a *API[T]) target(ctx context.Context, b []byte, namespace string) (*Resource, error) {
	r, err := a.resource(ctx, b)
	if err != nil {
		return nil, err
	}
	if r.Namespace == "" && namespace != "" && r.Type.Namespaced {
		r = r.InNamespace(namespace)
	}
	return r, nil
}

// Create creates obj and returns it as the server stored it.
func (a *API[T]) Create(ctx context.Context, obj *T, o WriteOptions) (*T, error) {
	b, _, ns, err := marshal(obj)
	if err != nil {
		return nil, err
	}
	r, err := a.target(ctx, b, ns)
	if err != nil {
		return nil, err
	}
	out, err := r.Create(ctx, b, o)
	if err != nil {
		return nil, err
	}
	return decode[T](out)
}

// Replace replaces the object obj names with obj; a resourceVersion in obj makes it a compare-and-swap.
func (a *API[T]) Replace(ctx context.Context, obj *T, o WriteOptions) (*T, error) {
	b, name, ns, err := marshal(obj)
	if err != nil {
		return nil, err
	}
	r, err := a.target(ctx, b, ns)
	if err != nil {
		return nil, err
	}
	out, err := r.Replace(ctx, name, b, o)
	if err != nil {
		return nil, err
	}
	return decode[T](out)
}

// ReplaceStatus replaces obj's status through the status subresource.
func (a *API[T]) ReplaceStatus(ctx context.Context, obj *T, o WriteOptions) (*T, error) {
	o.Subresource = "status"
	return a.Replace(ctx, obj, o)
}

// Patch changes the object name with p.
func (a *API[T]) Patch(ctx context.Context, name string, p Patch, o PatchOptions) (*T, error) {
	r, err := a.resource(ctx, p.Data)
	if err != nil {
		return nil, err
	}
	out, err := r.Patch(ctx, name, p, o)
	if err != nil {
		return nil, err
	}
	return decode[T](out)
}

// PatchStatus changes the status of the object name with p, through the status subresource.
func (a *API[T]) PatchStatus(ctx context.Context, name string, p Patch, o PatchOptions) (*T, error) {
	o.Subresource = "status"
	return a.Patch(ctx, name, p, o)
}

// Apply is a server-side apply of obj (which names itself, with its apiVersion and kind set) with
// o.FieldManager; o.Force takes the fields other managers own.
func (a *API[T]) Apply(ctx context.Context, obj *T, o PatchOptions) (*T, error) {
	b, name, ns, err := marshal(obj)
	if err != nil {
		return nil, err
	}
	r, err := a.target(ctx, b, ns)
	if err != nil {
		return nil, err
	}
	out, err := r.Patch(ctx, name, Patch{Type: PatchApply, Data: b}, o)
	if err != nil {
		return nil, err
	}
	return decode[T](out)
}

// Delete deletes the object name.
func (a *API[T]) Delete(ctx context.Context, name string, o DeleteOptions) error {
	r, err := a.resource(ctx, nil)
	if err != nil {
		return err
	}
	_, err = r.Delete(ctx, name, o)
	return err
}

// DeleteCollection deletes every object lo's selectors match.
func (a *API[T]) DeleteCollection(ctx context.Context, lo ListOptions, o DeleteOptions) error {
	r, err := a.resource(ctx, nil)
	if err != nil {
		return err
	}
	return r.DeleteCollection(ctx, lo, o)
}

// Event is one change to an object of type T.
type Event[T any] struct {
	Type    watch.EventType // Added, Modified or Deleted
	Object  *T
	Initial bool // part of the initial state, before anything changed
}

// Watch calls emit for every change to the objects o selects: first the current state (unless
// o.WatchOnly), then every change, resuming across dropped connections, API server restarts and 410 Gone
// without losing or repeating one. It returns nil when ctx ends.
func (a *API[T]) Watch(ctx context.Context, o WatchOptions, emit func(Event[T]) error) error {
	r, err := a.resource(ctx, nil)
	if err != nil {
		return err
	}
	return r.Watch(ctx, o, func(ch watch.Change) error {
		v, err := decode[T](ch.Item.Raw)
		if err != nil {
			return err
		}
		return emit(Event[T]{Type: ch.Type, Object: v, Initial: ch.Initial})
	})
}
