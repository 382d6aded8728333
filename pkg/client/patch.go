package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// PatchType is one of the API server's patch formats; each knows its content type.
type PatchType string

const (
	// PatchApply is server-side apply: the object as the caller wants it, YAML or JSON.
	PatchApply PatchType = "apply"
	// PatchMerge is RFC 7386 JSON merge patch.
	PatchMerge PatchType = "merge"
	// PatchJSON is RFC 6902: an array of operations.
	PatchJSON PatchType = "json"
	// PatchStrategic is Kubernetes' merge patch that merges lists by key (built-in types only).
	PatchStrategic PatchType = "strategic"
)

// ContentType is what the request says its body is.
func (t PatchType) ContentType() string {
	switch t {
	case PatchApply:
		return "application/apply-patch+yaml"
	case PatchMerge:
		return "application/merge-patch+json"
	case PatchJSON:
		return "application/json-patch+json"
	case PatchStrategic:
		return "application/strategic-merge-patch+json"
	}
	return ""
}

// Patch is one change to one object: its format and its body. Build it from Go values with Apply, Merge,
// Strategic and JSONOps, or from bytes with NewPatch.
type Patch struct {
	Type PatchType
	Data []byte
	err  error // from marshalling a Go value; reported when the patch is sent
}

// Apply is a server-side apply of obj (any value that marshals to the object as the caller wants it,
// with apiVersion, kind and metadata.name). Send it with PatchOptions.FieldManager set, and Force to take
// fields other managers own.
func Apply(obj any) Patch { return patchOf(PatchApply, obj) }

// Merge is a JSON merge patch (RFC 7386) of v: fields set are set, fields null are removed.
func Merge(v any) Patch { return patchOf(PatchMerge, v) }

// Strategic is a strategic merge patch of v: lists of built-in types merge by their keys.
func Strategic(v any) Patch { return patchOf(PatchStrategic, v) }

// PatchOp is one RFC 6902 operation: Op is add, remove, replace, move, copy or test; Path and From are JSON
// pointers ("/spec/replicas").
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from,omitempty"`
	Value any    `json:"value,omitempty"`
}

// JSONOps is a JSON patch (RFC 6902) of ops, applied in order.
func JSONOps(ops ...PatchOp) Patch { return patchOf(PatchJSON, ops) }

func patchOf(t PatchType, v any) Patch {
	switch b := v.(type) {
	case []byte:
		return Patch{Type: t, Data: b}
	case json.RawMessage:
		return Patch{Type: t, Data: b}
	}
	b, err := json.Marshal(v)
	if err != nil {
		err = fmt.Errorf("encoding the %s patch: %w", t, err)
	}
	return Patch{Type: t, Data: b, err: err}
}

// NewPatch checks data for t before anything is sent: a merge or strategic patch must be a JSON (or YAML)
// object, a JSON patch an array of operations each with an "op" and a "path", an apply patch an object.
// YAML is converted to JSON, as kubectl accepts it.
func NewPatch(t PatchType, data []byte) (Patch, error) {
	if t.ContentType() == "" {
		return Patch{}, fmt.Errorf("patch type must be one of [json merge strategic apply], not %q", t)
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return Patch{}, fmt.Errorf("unable to parse %q: %w", data, err)
	}
	j = bytes.TrimSpace(j)
	if t == PatchJSON {
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

// ConflictCauses are the fields of a 409 server-side apply conflict: each field path with the manager
// that owns it, from the Status causes (reason FieldManagerConflict).
func ConflictCauses(err error) (fields []FieldConflict, ok bool) {
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusConflict || se.Details == nil {
		return nil, false
	}
	for _, c := range se.Details.Causes {
		if c.Type == "FieldManagerConflict" {
			fields = append(fields, FieldConflict{Field: c.Field, Manager: conflictManager(c.Message), Message: c.Message})
		}
	}
	return fields, len(fields) > 0
}

// FieldConflict is one field another manager owns: Field is its path (".spec.replicas"), Manager the
// field manager that owns it ("kubectl"), Message the server's words, which name the manager
// (`conflict with "kubectl" using apps/v1`).
type FieldConflict struct {
	Field   string
	Manager string // "" when the message does not name one
	Message string
}

// conflictManager reads the manager's name from a conflict cause's message, which the API server words
// `conflict with "NAME" using v1` or `conflict with "NAME" with subresource "status" using v1`.
func conflictManager(msg string) string {
	rest, ok := strings.CutPrefix(msg, "conflict with ")
	if !ok {
		return ""
	}
	q, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return ""
	}
	name, _ := strconv.Unquote(q)
	return name
}
