package client

import (
	"net/url"
	"strconv"

	"github.com/kubex-cli/kubex/pkg/client/resource"
)

// ListOptions narrow and page a list or a watch: selectors, page size (Limit, 500 when 0 for streamed
// lists; -1 for the whole list in one answer), continue token, resourceVersion.
type ListOptions = resource.ListOptions

// DryRun asks the server to check and answer as if it acted, storing nothing (dryRun=All).
type DryRun bool

func (d DryRun) add(q url.Values) {
	if d {
		q.Set("dryRun", "All")
	}
}

// GetOptions are those of a read of one object.
type GetOptions struct {
	Subresource string // "status", "scale", ...; "" for the object
	Accept      string // AcceptJSON when ""; AcceptTable for the server's printed row
	// ResourceVersion "0" lets the server answer from its cache.
	ResourceVersion string
	// IncludeObject is what the row of a Table answer carries: "" (the server's default, metadata),
	// "None" or "Object".
	IncludeObject string
}

// WriteOptions are the query parameters of a create or a replace.
type WriteOptions struct {
	FieldManager string
	DryRun       DryRun
	// FieldValidation is what the server does with unknown or duplicate fields: "Strict" (kubectl's
	// default, an error), "Warn" or "Ignore"; "" leaves it to the server.
	FieldValidation string
	Subresource     string // replace only: "status", "scale"
}

func (o WriteOptions) query() url.Values {
	q := url.Values{}
	if o.FieldManager != "" {
		q.Set("fieldManager", o.FieldManager)
	}
	o.DryRun.add(q)
	if o.FieldValidation != "" {
		q.Set("fieldValidation", o.FieldValidation)
	}
	return q
}

// PatchOptions are the query parameters of a patch.
type PatchOptions struct {
	FieldManager    string // required for PatchApply
	Force           bool   // take fields other managers own (server-side apply only)
	DryRun          DryRun
	FieldValidation string // as in WriteOptions
	Subresource     string // "status", "scale"
}

func (o PatchOptions) query() url.Values {
	q := WriteOptions{FieldManager: o.FieldManager, DryRun: o.DryRun, FieldValidation: o.FieldValidation}.query()
	if o.Force {
		q.Set("force", "true")
	}
	return q
}

// Propagation is how a delete treats the object's dependents.
type Propagation string

const (
	// Background deletes the object at once and its dependents after (kubectl's default).
	Background Propagation = "Background"
	// Foreground deletes the dependents first; the object stays, with a deletionTimestamp, until they are gone.
	Foreground Propagation = "Foreground"
	// Orphan deletes the object and leaves its dependents.
	Orphan Propagation = "Orphan"
)

// DeleteOptions are the body of a delete (or an eviction).
type DeleteOptions struct {
	Propagation Propagation // "" leaves it to the server
	// GracePeriodSeconds overrides the object's grace period; nil keeps it, 0 deletes at once.
	GracePeriodSeconds *int64
	// Preconditions: delete only the object with this uid or resourceVersion.
	UID             string
	ResourceVersion string
	DryRun          DryRun
}

func (o DeleteOptions) body() map[string]any {
	b := map[string]any{"kind": "DeleteOptions", "apiVersion": "v1"}
	if o.Propagation != "" {
		b["propagationPolicy"] = string(o.Propagation)
	}
	if o.GracePeriodSeconds != nil {
		b["gracePeriodSeconds"] = *o.GracePeriodSeconds
	}
	if o.UID != "" || o.ResourceVersion != "" {
		pre := map[string]string{}
		if o.UID != "" {
			pre["uid"] = o.UID
		}
		if o.ResourceVersion != "" {
			pre["resourceVersion"] = o.ResourceVersion
		}
		b["preconditions"] = pre
	}
	if o.DryRun {
		b["dryRun"] = []string{"All"}
	}
	return b
}

// LogOptions are those of a container's log.
type LogOptions struct {
	Container    string
	Follow       bool
	Previous     bool // the previous, terminated instance of the container
	Timestamps   bool
	SinceSeconds int64  // 0: from the start
	SinceTime    string // RFC 3339; instead of SinceSeconds
	TailLines    *int64 // nil: all
	LimitBytes   int64  // 0: no limit
	// InsecureSkipTLSVerifyBackend lets the API server read the log from a kubelet whose certificate it
	// cannot verify.
	InsecureSkipTLSVerifyBackend bool
}

func (o LogOptions) query() url.Values {
	q := url.Values{}
	set := func(k string, on bool) {
		if on {
			q.Set(k, "true")
		}
	}
	if o.Container != "" {
		q.Set("container", o.Container)
	}
	set("follow", o.Follow)
	set("previous", o.Previous)
	set("timestamps", o.Timestamps)
	if o.SinceSeconds > 0 {
		q.Set("sinceSeconds", strconv.FormatInt(o.SinceSeconds, 10))
	}
	if o.SinceTime != "" {
		q.Set("sinceTime", o.SinceTime)
	}
	if o.TailLines != nil {
		q.Set("tailLines", strconv.FormatInt(*o.TailLines, 10))
	}
	if o.LimitBytes > 0 {
		q.Set("limitBytes", strconv.FormatInt(o.LimitBytes, 10))
	}
	set("insecureSkipTLSVerifyBackend", o.InsecureSkipTLSVerifyBackend)
	return q
}
