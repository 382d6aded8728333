package client

import (
	"strings"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// Object is an object of a type known only at run time, as its JSON decodes into a map: what API[Object]
// (NewDynamic) reads and writes.
type Object map[string]any

// APIVersion is the object's apiVersion.
func (o Object) APIVersion() string { s, _ := o["apiVersion"].(string); return s }

// Kind is the object's kind.
func (o Object) Kind() string { s, _ := o["kind"].(string); return s }

// Metadata is the object's metadata map (nil when it has none).
func (o Object) Metadata() map[string]any { m, _ := o["metadata"].(map[string]any); return m }

// Name is metadata.name.
func (o Object) Name() string { s, _ := o.Metadata()["name"].(string); return s }

// Namespace is metadata.namespace.
func (o Object) Namespace() string { s, _ := o.Metadata()["namespace"].(string); return s }

// Labels are metadata.labels.
func (o Object) Labels() map[string]string { return stringMap(o.Metadata()["labels"]) }

// Annotations are metadata.annotations.
func (o Object) Annotations() map[string]string { return stringMap(o.Metadata()["annotations"]) }

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// Ref names one object of a resource: what commands print and wait for.
type Ref struct {
	Type      discovery.Resource
	Namespace string // "" for a cluster-scoped object
	Name      string
	UID       string // when known: the object that is meant, not another one of the same name made since
}

// KindGroup is the lower-cased kind qualified by its group, as kubectl prints it: "pod",
// "deployment.apps".
func (r Ref) KindGroup() string { return KindGroup(r.Type) }

// String is "kind.group/name" as kubectl prints it: "pod/x", "deployment.apps/web".
func (r Ref) String() string { return r.KindGroup() + "/" + r.Name }

// KindGroup is t's lower-cased kind qualified by its group ("deployment.apps"; "pod" in the core group):
// the one place an object's type is named for people.
func KindGroup(t discovery.Resource) string {
	k := strings.ToLower(t.Kind)
	if t.Group != "" {
		k += "." + t.Group
	}
	return k
}
