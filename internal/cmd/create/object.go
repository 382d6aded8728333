package create

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// lastApplied is the annotation kubectl's --save-config writes and client-side apply reads.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// meta is the part of ObjectMeta the generators set, in the order of k8s.io/apimachinery's ObjectMeta, so
// that a generated object marshals to the JSON kubectl prints for its typed object.
type meta struct {
	Name        string            `json:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	OwnerRefs   []ownerRef        `json:"ownerReferences,omitempty"`
}

type ownerRef struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	UID        string `json:"uid"`
	Controller *bool  `json:"controller,omitempty"`
}

// base is TypeMeta and ObjectMeta, inlined first in every generated object as in k8s.io/api's types.
type base struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
	Metadata   meta   `json:"metadata"`
}

func (b *base) object() *base { return b }

// generated is an object a generator built.
type generated interface{ object() *base }

func newBase(apiVersion, kind, name, namespace string) base {
	return base{Kind: kind, APIVersion: apiVersion, Metadata: meta{Name: name, Namespace: namespace}}
}

// encode is the object as kubectl's JSON encoder writes it into the last-applied annotation: compact,
// HTML-escaped, with a newline.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// annotateTyped sets the last-applied annotation on a generated object as kubectl's
// CreateOrUpdateAnnotation does: always with --save-config, else only to refresh one already there.
func annotateTyped(obj generated, save bool) error {
	m := &obj.object().Metadata
	if _, had := m.Annotations[lastApplied]; !save && !had {
		return nil
	}
	delete(m.Annotations, lastApplied)
	b, err := encode(obj)
	if err != nil {
		return err
	}
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[lastApplied] = string(b)
	return nil
}

// annotateUnstructured is annotateTyped for an object read from a manifest: kubectl's unstructured
// object, whose annotations become {} (and so appear in the annotation) when it had none.
func annotateUnstructured(obj map[string]any, save bool) error {
	md, _ := obj["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		obj["metadata"] = md
	}
	annots, _ := md["annotations"].(map[string]any)
	if _, had := annots[lastApplied]; !save && !had {
		return nil
	}
	if annots == nil {
		annots = map[string]any{}
	}
	delete(annots, lastApplied)
	md["annotations"] = annots
	b, err := encode(obj)
	if err != nil {
		return err
	}
	annots[lastApplied] = string(b)
	return nil
}

// decodeObject reads JSON as kubectl's unstructured form, numbers kept as written.
func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// nameFromArgs is kubectl's NameFromCommandArgs: exactly one NAME before any "--".
func nameFromArgs(argsLenAtDash int, args []string) (string, error) {
	n := argsLenAtDash
	if n == -1 {
		n = len(args)
	}
	if n != 1 {
		return "", fmt.Errorf("exactly one NAME is required, got %d", n)
	}
	return args[0], nil
}

// validation is kubectl's --validate read as the server's fieldValidation (GetValidationDirective).
func validation(v string) (string, error) {
	if b, err := strconv.ParseBool(v); err == nil {
		if b {
			return "Strict", nil
		}
		return "Ignore", nil
	}
	switch v {
	case "strict":
		return "Strict", nil
	case "warn":
		return "Warn", nil
	case "ignore":
		return "Ignore", nil
	}
	return "Strict", fmt.Errorf(`invalid - validate option %q; must be one of: strict (or true), warn, ignore (or false)`, v)
}
