package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/resource"
	"github.com/kubex-cli/kubex/pkg/client/stream"
	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// Accept headers for Request.Accept.
const (
	AcceptJSON     = resource.AcceptJSON
	AcceptTable    = resource.AcceptTable
	AcceptProtobuf = resource.ContentTypeProtobuf
)

// MaxObjectBytes bounds an answer read whole: far above etcd's 1.5 MiB limit on one object.
const MaxObjectBytes = transport.MaxObjectBytes

// Request is the one request builder under every verb: a path made of its parts (or given whole), query
// parameters, a body and an Accept header, finished by Do (the answer whole), Stream (the answer as it
// comes) or Dial (a websocket upgrade). A non-2xx answer is always a *StatusError in kubectl's words.
// The zero Accept is JSON.
type Request struct {
	c      *Client
	method string

	abs        string // AbsPath: the whole path, maybe with a query
	typ        *discovery.Resource
	namespace  string
	name       string
	subpath    []string
	query      url.Values
	rawQuery   string
	body       []byte
	bodyType   string
	accept     string
	err        error
	rawErrors  bool
	sizeLimits int64
}

// Verb starts a request with an HTTP method (http.MethodGet, ...).
func (c *Client) Verb(method string) *Request {
	return &Request{c: c, method: method, query: url.Values{}, sizeLimits: MaxObjectBytes}
}

// AbsPath sends the request to an API path taken as already escaped, query included, as kubectl's get
// --raw takes it ("/api/v1/namespaces/default/pods?limit=1").
func (r *Request) AbsPath(p string) *Request { r.abs = p; return r }

// Resource addresses t's collection, in Namespace's namespace when t is namespaced.
func (r *Request) Resource(t discovery.Resource) *Request { r.typ = &t; return r }

// Namespace is the namespace of the collection; "" means all namespaces.
func (r *Request) Namespace(ns string) *Request { r.namespace = ns; return r }

// Name addresses one object of the collection.
func (r *Request) Name(name string) *Request { r.name = name; return r }

// Subresource appends path parts after the object's name ("status", "scale", "log", "exec").
func (r *Request) Subresource(parts ...string) *Request {
	for _, p := range parts {
		if p != "" {
			r.subpath = append(r.subpath, p)
		}
	}
	return r
}

// Param adds a query parameter; a repeated key adds another value.
func (r *Request) Param(key, value string) *Request { r.query.Add(key, value); return r }

// Params adds already encoded query parameters ("limit=500&labelSelector=app%3Dweb").
func (r *Request) Params(encoded string) *Request {
	if encoded != "" {
		r.rawQuery = strings.TrimPrefix(r.rawQuery+"&"+encoded, "&")
	}
	return r
}

// Body sends data as contentType.
func (r *Request) Body(contentType string, data []byte) *Request {
	r.bodyType, r.body = contentType, data
	return r
}

// JSON sends v marshalled to JSON (bytes and json.RawMessage as they are).
func (r *Request) JSON(v any) *Request {
	switch b := v.(type) {
	case []byte:
		return r.Body("application/json", b)
	case json.RawMessage:
		return r.Body("application/json", b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		r.err = fmt.Errorf("encoding the request body: %w", err)
	}
	return r.Body("application/json", b)
}

// Accept sets the Accept header (AcceptJSON, AcceptTable, AcceptProtobuf or any other).
func (r *Request) Accept(accept string) *Request { r.accept = accept; return r }

// RawErrors keeps a non-2xx answer's error as the server worded it, not decoded into kubectl's wording
// for the resource (what get --raw prints).
func (r *Request) RawErrors() *Request { r.rawErrors = true; return r }

// URL is the request's path and query, relative to the server.
func (r *Request) URL() string {
	p := r.abs
	if p == "" {
		var t discovery.Resource
		if r.typ != nil {
			t = *r.typ
		}
		sub := strings.Join(r.subpath, "/")
		if r.name == "" && sub != "" {
			// A collection's subresource does not exist; the part names a path below the collection.
			p = resource.Path(t, r.namespace, "", "") + "/" + sub
		} else {
			p = resource.Path(t, r.namespace, r.name, sub)
		}
	}
	q := r.rawQuery
	if e := r.query.Encode(); e != "" {
		q = strings.TrimPrefix(q+"&"+e, "&")
	}
	if q == "" {
		return p
	}
	if strings.Contains(p, "?") {
		return p + "&" + q
	}
	return p + "?" + q
}

// send sends the request and returns the answer as it is, whatever its status.
func (r *Request) send(ctx context.Context) (*http.Response, error) {
	if r.err != nil {
		return nil, r.err
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := r.c.http.NewRequest(ctx, r.method, r.URL(), body)
	if err != nil {
		return nil, err
	}
	if r.body != nil {
		req.Header.Set("Content-Type", r.bodyType)
	}
	req.Header.Set("Accept", cmpOr(r.accept, AcceptJSON))
	return r.c.http.Do(req)
}

// Stream sends the request and returns the answer with its body unread, or the API error it carries.
// The caller closes the body.
func (r *Request) Stream(ctx context.Context) (*http.Response, error) {
	resp, err := r.send(ctx)
	if err != nil {
		return nil, err
	}
	if se := protobufStatus(resp); se != nil {
		return nil, se
	}
	if r.rawErrors {
		err = transport.ErrorFromRawResponse(resp)
	} else {
		err = transport.ErrorFromResponse(resp)
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// MaxBytes lowers (or raises) the size of an answer Do and Into read whole, MaxObjectBytes by default:
// past it they fail, so a server that never ends its answer cannot take all memory.
func (r *Request) MaxBytes(n int64) *Request {
	r.sizeLimits = n
	return r
}

// Do sends the request and reads the answer whole, up to MaxObjectBytes: past that it is an error, never a
// silently cut object.
func (r *Request) Do(ctx context.Context) ([]byte, error) {
	resp, err := r.Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, r.sizeLimits+1))
	if err != nil {
		return nil, fmt.Errorf("reading the server's answer: %w", err)
	}
	if int64(len(b)) > r.sizeLimits {
		return nil, fmt.Errorf("the server's answer to %s %s is larger than %d MiB", r.method, r.URL(), r.sizeLimits>>20)
	}
	return b, nil
}

// Into sends the request and decodes the JSON answer into v.
func (r *Request) Into(ctx context.Context, v any) error {
	b, err := r.Do(ctx)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decoding the server's answer to %s %s: %w", r.method, r.URL(), err)
	}
	return nil
}

// Dial upgrades the request to a websocket speaking the first of protocols the server accepts (exec,
// attach, port-forward), through the same chain as every other request.
func (r *Request) Dial(ctx context.Context, protocols ...string) (*stream.Conn, error) {
	if r.err != nil {
		return nil, r.err
	}
	return stream.Dial(ctx, r.c.http, r.URL(), protocols...)
}

// protobufStatus decodes the Status of an error answered in protobuf, as the server answers errors to a
// request that asked for protobuf. Anything else is left to the transport's JSON and text rules, with the
// body as it was.
func protobufStatus(resp *http.Response) *StatusError {
	if resp.StatusCode < 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), resource.ContentTypeProtobuf) || resp.Body == nil {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	se, err := resource.DecodeProtobufStatus(body)
	if err != nil || se.Status != "Failure" {
		return nil
	}
	if se.Code == 0 {
		se.Code = resp.StatusCode
	}
	return se
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
