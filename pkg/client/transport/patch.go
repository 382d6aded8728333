package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"sigs.k8s.io/yaml"
)

// PatchType is one of the API server's patch formats; each knows its content type.
type PatchType string

const (
	// ApplyPatch is server-side apply: the object as the caller wants it, YAML or JSON.
	ApplyPatch PatchType = "apply"
	// MergePatch is RFC 7386 JSON merge patch.
	MergePatch PatchType = "merge"
	// JSONPatch is RFC 6902: an array of operations.
	JSONPatch PatchType = "json"
	// StrategicMergePatch is Kubernetes' merge patch that merges lists by key (built-in types only).
	StrategicMergePatch PatchType = "strategic"
)

// ContentType is what the request says its body is.
func (t PatchType) ContentType() string {
	switch t {
	case ApplyPatch:
		return "application/apply-patch+yaml"
	case MergePatch:
		return "application/merge-patch+json"
	case JSONPatch:
		return "application/json-patch+json"
	case StrategicMergePatch:
		return "application/strategic-merge-patch+json"
	}
	return ""
}

// Patch is one change to one object: its format and its body.
type Patch struct {
	Type PatchType
	Data []byte
}

// PatchOptions are the query parameters of a PATCH.
type PatchOptions struct {
	FieldManager string
	Force        bool // take fields other managers own (server-side apply only)
	DryRun       bool // dryRun=All: the server checks and answers, and stores nothing
	// FieldValidation is what the server does with unknown or duplicate fields: "Strict" (kubectl's
	// default, an error), "Warn" or "Ignore"; "" leaves it to the server.
	FieldValidation string
}

// NewPatch checks data for t before anything is sent: a merge or strategic patch must be a JSON (or YAML)
// object, a JSON patch an array of operations each with an "op" and a "path", an apply patch an object.
// YAML is converted to JSON, as kubectl accepts it.
func NewPatch(t PatchType, data []byte) (Patch, error) {
	if t.ContentType() == "" {
		return Patch{}, fmt.Errorf("--type must be one of [json merge strategic apply], not %q", t)
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return Patch{}, fmt.Errorf("unable to parse %q: %w", data, err)
	}
	j = bytes.TrimSpace(j)
	if t == JSONPatch {
		var ops []map[string]json.RawMessage
		if err := json.Unmarshal(j, &ops); err != nil {
			return Patch{}, fmt.Errorf("a JSON patch must be an array of operations such as [{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 3}]: %w", err)
		}
		for i, op := range ops {
			if op["op"] == nil || op["path"] == nil {
				return Patch{}, fmt.Errorf("operation %d of the JSON patch has no \"op\" or no \"path\"", i)
			}
		}
		return Patch{Type: t, Data: j}, nil
	}
	var obj map[string]json.RawMessage
	if len(j) == 0 || j[0] != '{' || json.Unmarshal(j, &obj) != nil {
		return Patch{}, fmt.Errorf("a %s patch must be an object, such as {\"spec\": {\"replicas\": 3}}", t)
	}
	return Patch{Type: t, Data: j}, nil
}

// Patch sends p to the object at path and returns the object as the server stored it (or would have,
// with DryRun). API errors are *StatusError.
func (c *Client) Patch(ctx context.Context, path string, p Patch, o PatchOptions) ([]byte, error) {
	q := url.Values{}
	if o.FieldManager != "" {
		q.Set("fieldManager", o.FieldManager)
	}
	if o.Force {
		q.Set("force", "true")
	}
	if o.DryRun {
		q.Set("dryRun", "All")
	}
	if o.FieldValidation != "" {
		q.Set("fieldValidation", o.FieldValidation)
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	req, err := c.NewRequest(ctx, http.MethodPatch, path, bytes.NewReader(p.Data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", p.Type.ContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if err := ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, MaxObjectBytes))
}

// MaxObjectBytes bounds an object read whole: far above etcd's 1.5 MiB limit on one object.
const MaxObjectBytes = 64 << 20

// ConflictCauses are the fields of a 409 server-side apply conflict: each field path with the manager
// that owns it, from the Status causes (reason FieldManagerConflict).
func ConflictCauses(err error) (fields []FieldConflict, ok bool) {
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusConflict || se.Details == nil {
		return nil, false
	}
	for _, c := range se.Details.Causes {
		if c.Type == "FieldManagerConflict" {
			fields = append(fields, FieldConflict{Field: c.Field, Message: c.Message})
		}
	}
	return fields, len(fields) > 0
}

// FieldConflict is one field another manager owns: Field is its path (".spec.replicas"), Message the
// server's words, which name the manager (`conflict with "kubectl" using apps/v1`).
type FieldConflict struct {
	Field   string
	Message string
}
