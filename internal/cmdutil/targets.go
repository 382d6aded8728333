package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kubex-cli/kubex/internal/manifest"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// Selection is what a resource command's arguments and flags pick: TYPE[,TYPE] [NAME...], TYPE/NAME...,
// or the objects of -f manifests, in a namespace or all of them, narrowed by selectors.
type Selection struct {
	Args          []string
	Filenames     []string
	Recursive     bool
	Stdin         io.Reader // for -f -
	Namespace     string    // the command's namespace (-n or the context's)
	Explicit      bool      // -n was given
	AllNamespaces bool
	LabelSelector string
	FieldSelector string
	Subresource   string
}

// Target is one request of a resource command: a collection (no names) or named objects of one resource.
type Target struct {
	Res       discovery.Resource
	Namespace string   // "" for a cluster-scoped resource or all namespaces
	Names     []string // nil: the collection
	Typed     string   // what the user typed for the resource, for errors
}

// On is the target's resource handle in c (its namespace included): the library's verbs for its
// collection or its named objects, in one call.
func (t Target) On(c *client.Client) *client.Resource { return c.Resource(t.Res, t.Namespace) }

// Ref names the target's object name, as commands print it ("deployment.apps/web").
func (t Target) Ref(name string) client.Ref {
	return client.Ref{Type: t.Res, Namespace: t.Namespace, Name: name}
}

// ClientAndTargets builds the client and discovery a resource command needs and resolves sel with them:
// what delete, wait and patch do first.
func ClientAndTargets(ctx context.Context, sel Selection, newClient func() (*client.Client, error)) (*client.Client, []Target, error) {
	c, err := newClient()
	if err != nil {
		return nil, nil, err
	}
	targets, _, err := sel.Targets(ctx, c.Discovery())
	return c, targets, err
}

// Targets turns the arguments and -f files into requests with kubectl's resource-builder rules, in order.
// single reports that exactly one object was named, which a get then prints as itself rather than in a
// List.
func (o *Selection) Targets(ctx context.Context, d *discovery.Discovery) ([]Target, bool, error) {
	if len(o.Filenames) > 0 {
		return o.fileTargets(ctx, d)
	}
	args := o.Args
	if len(args) == 0 {
		//lint:ignore ST1005 kubectl's wording
		return nil, false, errors.New(`You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`)
	}
	// "a,b x y" means a/x a/y b/x b/y, as in kubectl.
	if types := splitTypes(args[0]); len(types) > 1 && len(args) > 1 {
		var tuples []string
		for _, t := range types {
			for _, n := range args[1:] {
				tuples = append(tuples, t+"/"+n)
			}
		}
		args = tuples
	}
	slashes := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashes++
		}
	}
	switch {
	case slashes > 0 && slashes < len(args):
		return nil, false, errors.New("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubex get resource/<resource_name>' instead of 'kubex get resource resource/<resource_name>'")
	case slashes > 0:
		return o.tupleTargets(ctx, d, args)
	}

	names := args[1:]
	if len(names) > 0 && (o.LabelSelector != "" || o.FieldSelector != "") {
		return nil, false, errors.New("name cannot be provided when a selector is specified")
	}
	if len(names) == 0 && o.Subresource != "" {
		return nil, false, errors.New("subresource cannot be used when bulk resources are specified")
	}
	var out []Target
	for _, typed := range splitTypes(args[0]) {
		rs, err := d.Expand(ctx, typed)
		if err != nil {
			return nil, false, err
		}
		if len(names) > 0 && len(rs) > 1 {
			return nil, false, errors.New("you must specify only one resource")
		}
		for _, r := range rs {
			t := Target{Res: r, Typed: typed}
			if len(names) > 0 {
				if t.Namespace, err = o.namespaceForName(r); err != nil {
					return nil, false, err
				}
				t.Names = names
			} else if r.Namespaced && !o.AllNamespaces {
				t.Namespace = o.Namespace
			}
			out = append(out, t)
		}
	}
	return out, len(names) == 1, nil
}

// tupleTargets reads TYPE/NAME arguments.
func (o *Selection) tupleTargets(ctx context.Context, d *discovery.Discovery, args []string) ([]Target, bool, error) {
	if o.LabelSelector != "" || o.FieldSelector != "" {
		return nil, false, errors.New("selectors and the all flag cannot be used when passing resource/name arguments")
	}
	var out []Target
	for _, a := range args {
		typed, name, _ := strings.Cut(a, "/")
		if strings.Contains(name, "/") {
			return nil, false, errors.New("arguments in resource/name form may not have more than one slash")
		}
		if typed == "" || name == "" || len(splitTypes(typed)) != 1 {
			return nil, false, errors.New("arguments in resource/name form must have a single resource and name")
		}
		r, err := d.Resolve(ctx, typed)
		if err != nil {
			return nil, false, err
		}
		ns, err := o.namespaceForName(r)
		if err != nil {
			return nil, false, err
		}
		// Consecutive names of one resource share a target, so they print as one table.
		if n := len(out); n > 0 && SameResource(out[n-1].Res, r) && out[n-1].Namespace == ns {
			out[n-1].Names = append(out[n-1].Names, name)
			continue
		}
		out = append(out, Target{Res: r, Namespace: ns, Names: []string{name}, Typed: typed})
	}
	return out, len(args) == 1, nil
}

// namespaceForName is where a named object is looked for.
func (o *Selection) namespaceForName(r discovery.Resource) (string, error) {
	switch {
	case !r.Namespaced:
		return "", nil
	case o.AllNamespaces:
		return "", errors.New("a resource cannot be retrieved by name across all namespaces")
	}
	return o.Namespace, nil
}

// fileTargets names the objects of -f manifests, each in its own namespace or the command's.
func (o *Selection) fileTargets(ctx context.Context, d *discovery.Discovery) ([]Target, bool, error) {
	if len(o.Args) > 0 {
		return nil, false, errors.New("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
	}
	objs, err := manifest.Read(o.Filenames, o.Recursive, o.Stdin)
	if err != nil {
		return nil, false, err
	}
	var out []Target
	for _, obj := range objs {
		r, err := ResolveKind(ctx, d, obj)
		if err != nil {
			return nil, false, err
		}
		ns, err := o.ObjectNamespace(r, obj.Namespace)
		if err != nil {
			return nil, false, err
		}
		if n := len(out); n > 0 && SameResource(out[n-1].Res, r) && out[n-1].Namespace == ns {
			out[n-1].Names = append(out[n-1].Names, obj.Name)
			continue
		}
		out = append(out, Target{Res: r, Namespace: ns, Names: []string{obj.Name}, Typed: obj.Kind})
	}
	// kubectl's singleItemImplied: one file (not a directory, not stdin) holding one object.
	single := len(objs) == 1 && len(o.Filenames) == 1 && objs[0].Source == o.Filenames[0]
	return out, single, nil
}

// ObjectNamespace is where a manifest object of resource r with namespace ns (maybe "") goes: the
// command's namespace unless the object names its own, which must then agree with an explicit -n; none
// for a cluster-scoped resource.
func (o *Selection) ObjectNamespace(r discovery.Resource, ns string) (string, error) {
	switch {
	case !r.Namespaced:
		return "", nil
	case ns == "":
		return o.Namespace, nil
	case o.Explicit && ns != o.Namespace:
		//lint:ignore ST1005 kubectl's wording, full stop included
		return "", fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", ns, o.Namespace, ns)
	}
	return ns, nil
}

// ResolveKind finds the resource of a manifest object by its apiVersion and kind.
func ResolveKind(ctx context.Context, d *discovery.Discovery, obj manifest.Object) (discovery.Resource, error) {
	group, version, ok := strings.Cut(obj.APIVersion, "/")
	if !ok {
		group, version = "", obj.APIVersion
	}
	r, err := d.Resolve(ctx, obj.Kind+"."+version+"."+group)
	var nf *discovery.NotFoundError
	if errors.As(err, &nf) {
		return r, fmt.Errorf("%s: no matches for kind %q in version %q", obj.Where(), obj.Kind, obj.APIVersion)
	}
	return r, err
}

// SameResource reports whether a and b are the same resource in the same group version.
func SameResource(a, b discovery.Resource) bool {
	return a.GroupVersion() == b.GroupVersion() && a.Name == b.Name
}

// splitTypes splits "pods,svc" at commas, dropping empty parts as kubectl does.
func splitTypes(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
