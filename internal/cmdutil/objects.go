package cmdutil

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/kubex-cli/kubex/internal/manifest"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// Info is one object a command that changes objects in place (label, annotate, scale, set) acts on: its
// name and the object as the server has it now, or, for --local, as its file has it.
type Info struct {
	Ref    client.Ref
	Object client.Object // numbers decoded as json.Number, so that the object encodes back unchanged
}

// JSON is the object encoded again (keys sorted, as kubectl's unstructured objects encode).
func (i *Info) JSON() ([]byte, error) { return json.Marshal(i.Object) }

// DecodeObject decodes raw into an Object keeping numbers exact.
func DecodeObject(raw []byte) (client.Object, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var o client.Object
	if err := d.Decode(&o); err != nil {
		return nil, err
	}
	return o, nil
}

// VisitLatest calls visit with each object the targets name, read from the server, and, for a collection
// target, each object the selectors (or all) match, in the server's order: kubectl's builder with
// Latest() and ContinueOnError(). A name that cannot be read, or a visit that fails, is reported at the
// end with the others while the rest go on; a collection target without all or a selector is an error
// before anything is read.
func VisitLatest(ctx context.Context, c *client.Client, targets []Target, lo client.ListOptions, all bool, visit func(*Info) error) error {
	for _, t := range targets {
		if t.Names == nil && !all && lo.LabelSelector == "" && lo.FieldSelector == "" {
			return errors.New("resource(s) were provided, but no name was specified")
		}
	}
	var errs []error
	for _, t := range targets {
		r := c.Resource(t.Res, t.Namespace)
		if t.Names != nil {
			for _, name := range t.Names {
				raw, err := r.Get(ctx, name, client.GetOptions{})
				if err == nil {
					err = visitRaw(t.Res, raw, visit)
				}
				if err != nil {
					errs = append(errs, err)
				}
			}
			continue
		}
		for raw, err := range r.Items(ctx, lo) {
			if err == nil {
				err = visitRaw(t.Res, raw, visit)
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	return Aggregate(errs)
}

func visitRaw(res discovery.Resource, raw []byte, visit func(*Info) error) error {
	obj, err := DecodeObject(raw)
	if err != nil {
		return err
	}
	// Items of a typed list carry neither; kubectl's unstructured items have both.
	if obj.Kind() == "" {
		obj["kind"] = res.Kind
	}
	if obj.APIVersion() == "" {
		obj["apiVersion"] = res.GroupVersion().String()
	}
	return visit(&Info{Ref: client.Ref{Type: res, Namespace: obj.Namespace(), Name: obj.Name()}, Object: obj})
}

// VisitLocal calls visit with each object of the manifests, as the files have them, without a server:
// kubectl's --local. The type is named from the object's apiVersion and kind alone.
func VisitLocal(objs []manifest.Object, namespace string, visit func(*Info) error) error {
	var errs []error
	for _, m := range objs {
		obj, err := DecodeObject(m.JSON)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		group, version, ok := strings.Cut(m.APIVersion, "/")
		if !ok {
			group, version = "", m.APIVersion
		}
		ns := m.Namespace
		if ns == "" {
			ns = namespace
		}
		res := discovery.Resource{Group: group, Version: version, Kind: m.Kind}
		if err := visit(&Info{Ref: client.Ref{Type: res, Namespace: ns, Name: m.Name}, Object: obj}); err != nil {
			errs = append(errs, err)
		}
	}
	return Aggregate(errs)
}
