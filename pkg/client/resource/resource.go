// Package resource turns resources found by discovery into API requests: the paths of collections and
// objects, list queries, and lists read page by page as a stream, so that a list of any size flows through
// with memory for one item.
package resource

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// Accept headers. Table is what kubectl's human-readable output asks for: the server's Table in either
// version, or plain JSON from a server (or an aggregated API) that has no tables.
const (
	AcceptJSON  = "application/json"
	AcceptTable = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)

// Path is the API path of r's collection (name "") or of one object, in namespace ns. ns is ignored for a
// cluster-scoped resource; "" lists a namespaced resource across all namespaces. subresource ("status",
// "scale") needs a name.
func Path(r discovery.Resource, ns, name, subresource string) string {
	var b strings.Builder
	if r.Group == "" {
		b.WriteString("/api/")
	} else {
		b.WriteString("/apis/")
		b.WriteString(r.Group)
		b.WriteByte('/')
	}
	b.WriteString(r.Version)
	if r.Namespaced && ns != "" {
		b.WriteString("/namespaces/")
		b.WriteString(url.PathEscape(ns))
	}
	b.WriteByte('/')
	b.WriteString(r.Name)
	if name != "" {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(name))
		if subresource != "" {
			b.WriteByte('/')
			b.WriteString(subresource)
		}
	}
	return b.String()
}

// ListOptions are the query parameters of a list or watch.
type ListOptions struct {
	LabelSelector string
	FieldSelector string
	Limit         int64  // page size; 0 means the whole list at once
	Continue      string // the previous page's continue token
	// IncludeObject is what a Table row carries: "" (the server's default, metadata), "None" or "Object".
	IncludeObject string

	// Watch parameters.
	Watch               bool
	ResourceVersion     string
	AllowBookmarks      bool
	SendInitialEvents   bool
	TimeoutSeconds      int64
	ResourceVersionType string // resourceVersionMatch
}

// Encode is the query string, parameters in a fixed order.
func (o ListOptions) Encode() string {
	var q []string
	add := func(k, v string) { q = append(q, k+"="+url.QueryEscape(v)) }
	if o.AllowBookmarks {
		add("allowWatchBookmarks", "true")
	}
	if o.Continue != "" {
		add("continue", o.Continue)
	}
	if o.FieldSelector != "" {
		add("fieldSelector", o.FieldSelector)
	}
	if o.IncludeObject != "" {
		add("includeObject", o.IncludeObject)
	}
	if o.LabelSelector != "" {
		add("labelSelector", o.LabelSelector)
	}
	if o.Limit > 0 {
		add("limit", strconv.FormatInt(o.Limit, 10))
	}
	if o.ResourceVersion != "" || o.SendInitialEvents {
		add("resourceVersion", o.ResourceVersion)
	}
	if o.ResourceVersionType != "" {
		add("resourceVersionMatch", o.ResourceVersionType)
	}
	if o.SendInitialEvents {
		add("sendInitialEvents", "true")
	}
	if o.TimeoutSeconds > 0 {
		add("timeoutSeconds", strconv.FormatInt(o.TimeoutSeconds, 10))
	}
	if o.Watch {
		add("watch", "true")
	}
	return strings.Join(q, "&")
}

// WithQuery appends o's query to path.
func WithQuery(path string, o ListOptions) string {
	if q := o.Encode(); q != "" {
		return path + "?" + q
	}
	return path
}
