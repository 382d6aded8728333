package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/resource"
)

// Resource is the handle for one resource type in one namespace, with the verbs of the API: get, list,
// create, replace, patch, delete, delete-collection, watch, and the subresources. Objects travel as JSON
// bytes; API[T] is the same verbs for a Go type. A cluster-scoped type ignores the namespace; "" lists a
// namespaced type across every namespace.
type Resource struct {
	c         *Client
	Type      discovery.Resource
	Namespace string
}

// ListHeader is what a List or Table says before its items: kind, apiVersion, resourceVersion and the
// continue token of its page, a Table's columns.
type ListHeader = resource.Header

// InNamespace is the same resource in another namespace.
func (r *Resource) InNamespace(ns string) *Resource { return r.c.Resource(r.Type, ns) }

// Client is the client the handle sends its requests through.
func (r *Resource) Client() *Client { return r.c }

// Request starts a request for the object name ("" for the collection) of this resource: for what the
// verbs do not cover.
func (r *Resource) Request(method, name string, subresource ...string) *Request {
	return r.c.Verb(method).Resource(r.Type).Namespace(r.Namespace).Name(name).Subresource(subresource...)
}

// Get reads one object (or its subresource) whole.
func (r *Resource) Get(ctx context.Context, name string, o GetOptions) ([]byte, error) {
	req := r.Request(http.MethodGet, name, o.Subresource).Accept(o.Accept)
	if o.IncludeObject != "" {
		req.Param("includeObject", o.IncludeObject)
	}
	if o.ResourceVersion != "" {
		req.Param("resourceVersion", o.ResourceVersion)
	}
	return req.Do(ctx)
}

// ListPages lists the collection page by page (o.Limit items a page, following continue tokens; 0 for
// the whole list in one answer) in the form accept asks for (AcceptJSON, AcceptTable, AcceptProtobuf),
// calling page for each page's header and item for each item, in the server's order. The next page is
// asked for while this one is read. Each page is decoded in the media type the server answered: when
// accept offers protobuf (AcceptProtobuf + ", " + AcceptJSON) and the server uses it, the header's
// ContentType is AcceptProtobuf and item is given each item's protobuf message (what a k8s.io/api type's
// Unmarshal takes), else JSON. item's bytes are reused after it returns. It returns the first page's
// header, whose resourceVersion is the list's.
func (r *Resource) ListPages(ctx context.Context, accept string, o ListOptions, page func(*ListHeader) error, item func(*ListHeader, []byte) error) (*ListHeader, error) {
	if accept == "" {
		accept = AcceptJSON
	}
	return resource.List(ctx, r.c.http, r.Request(http.MethodGet, "").URL(), accept, o, page, func(h *ListHeader, raw json.RawMessage) error {
		return item(h, raw)
	})
}

// List lists the collection as JSON objects, streamed page by page: memory for one page whatever the
// size of the list. A zero o.Limit pages by 500.
func (r *Resource) List(ctx context.Context, o ListOptions, item func([]byte) error) (resourceVersion string, err error) {
	if o.Limit == 0 {
		o.Limit = 500
	}
	h, err := r.ListPages(ctx, AcceptJSON, o, nil, func(_ *ListHeader, raw []byte) error { return item(raw) })
	if h != nil {
		resourceVersion = h.Metadata.ResourceVersion
	}
	return resourceVersion, err
}

// Items is List as an iterator of objects (each a copy, free to keep); the first error ends it.
func (r *Resource) Items(ctx context.Context, o ListOptions) iter.Seq2[json.RawMessage, error] {
	return func(yield func(json.RawMessage, error) bool) {
		stop := fmt.Errorf("stopped")
		_, err := r.List(ctx, o, func(raw []byte) error {
			if !yield(append(json.RawMessage(nil), raw...), nil) {
				return stop
			}
			return nil
		})
		if err != nil && err != stop {
			yield(nil, err)
		}
	}
}

// Create creates obj (JSON or YAML-free JSON bytes) and returns it as the server stored it.
func (r *Resource) Create(ctx context.Context, obj []byte, o WriteOptions) ([]byte, error) {
	return r.Request(http.MethodPost, "", o.Subresource).Params(o.query().Encode()).JSON(obj).Do(ctx)
}

// Replace replaces the object name with obj (a PUT; obj's metadata.resourceVersion, when set, makes it
// fail with a Conflict if the object changed since).
func (r *Resource) Replace(ctx context.Context, name string, obj []byte, o WriteOptions) ([]byte, error) {
	return r.Request(http.MethodPut, name, o.Subresource).Params(o.query().Encode()).JSON(obj).Do(ctx)
}

// Patch changes the object name with p and returns it as the server stored it (or would have, with
// DryRun).
func (r *Resource) Patch(ctx context.Context, name string, p Patch, o PatchOptions) ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	if p.Type.ContentType() == "" {
		return nil, fmt.Errorf("patch type must be one of [json merge strategic apply], not %q", p.Type)
	}
	return r.Request(http.MethodPatch, name, o.Subresource).Params(o.query().Encode()).
		Body(p.Type.ContentType(), p.Data).Do(ctx)
}

// Delete deletes the object name. It returns the server's answer: the object (with a deletionTimestamp
// while finalizers or dependents hold it) or, for some types, a Status.
func (r *Resource) Delete(ctx context.Context, name string, o DeleteOptions) ([]byte, error) {
	return r.Request(http.MethodDelete, name).JSON(o.body()).Do(ctx)
}

// DeleteCollection deletes every object the selectors of lo match, in one request.
func (r *Resource) DeleteCollection(ctx context.Context, lo ListOptions, o DeleteOptions) error {
	_, err := r.Request(http.MethodDelete, "").Params(lo.Encode()).JSON(o.body()).Do(ctx)
	return err
}

// GetScale reads the scale subresource: spec.replicas, status.replicas and the selector.
func (r *Resource) GetScale(ctx context.Context, name string) (*Scale, error) {
	var s Scale
	return &s, r.Request(http.MethodGet, name, "scale").Into(ctx, &s)
}

// Scale sets the object's replicas through its scale subresource. With a non-nil resourceVersion
// precondition, it fails with a Conflict if the scale changed since.
func (r *Resource) Scale(ctx context.Context, name string, replicas int32, o PatchOptions) (*Scale, error) {
	o.Subresource = "scale"
	b, err := r.Patch(ctx, name, Merge(map[string]any{"spec": map[string]any{"replicas": replicas}}), o)
	if err != nil {
		return nil, err
	}
	var s Scale
	return &s, json.Unmarshal(b, &s)
}

// Scale is the autoscaling/v1 Scale subresource.
type Scale struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Metadata   Meta   `json:"metadata"`
	Spec       struct {
		Replicas int32 `json:"replicas"`
	} `json:"spec"`
	Status struct {
		Replicas int32  `json:"replicas"`
		Selector string `json:"selector,omitempty"`
	} `json:"status"`
}

// Evict asks for the pod name to be evicted, as drain does: refused with 429 while a disruption budget
// forbids it.
func (r *Resource) Evict(ctx context.Context, name string, o DeleteOptions) error {
	body := map[string]any{
		"apiVersion": "policy/v1", "kind": "Eviction",
		"metadata":      map[string]string{"name": name, "namespace": r.Namespace},
		"deleteOptions": o.body(),
	}
	_, err := r.Request(http.MethodPost, name, "eviction").JSON(body).Do(ctx)
	return err
}

// Logs streams a container's log of the pod name; with Follow it goes on until the container ends or ctx
// does. The caller closes it.
func (r *Resource) Logs(ctx context.Context, name string, o LogOptions) (io.ReadCloser, error) {
	resp, err := r.Request(http.MethodGet, name, "log").Params(o.query().Encode()).Accept("*/*").Stream(ctx)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Meta is the part of metadata every object has.
type Meta struct {
	Name              string            `json:"name,omitempty"`
	GenerateName      string            `json:"generateName,omitempty"`
	Namespace         string            `json:"namespace,omitempty"`
	UID               string            `json:"uid,omitempty"`
	ResourceVersion   string            `json:"resourceVersion,omitempty"`
	Generation        int64             `json:"generation,omitempty"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty"`
	DeletionTimestamp string            `json:"deletionTimestamp,omitempty"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
}
