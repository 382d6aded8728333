package get

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/manifest"
)

// target is one request of a get: a collection (no names) or named objects of one resource.
type target struct {
	res       discovery.Resource
	namespace string   // "" for a cluster-scoped resource or all namespaces
	names     []string // nil: the collection
	typed     string   // what the user typed for the resource, for errors
}

// targets turns the arguments and -f files into requests with kubectl's resource-builder rules, in order.
// single reports that exactly one object was named, which is then printed as itself rather than in a List.
func (o *Options) targets(ctx context.Context) ([]target, bool, error) {
	if len(o.Filenames) > 0 {
		return o.fileTargets(ctx)
	}
	args := o.args
	if len(args) == 0 {
		return nil, false, errors.New(`You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`)
	}
	d, err := o.discovery()
	if err != nil {
		return nil, false, err
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
	var out []target
	for _, typed := range splitTypes(args[0]) {
		rs, err := d.Expand(ctx, typed)
		if err != nil {
			return nil, false, err
		}
		if len(names) > 0 && len(rs) > 1 {
			return nil, false, errors.New("you must specify only one resource")
		}
		for _, r := range rs {
			t := target{res: r, typed: typed}
			if len(names) > 0 {
				if t.namespace, err = o.namespaceForName(r); err != nil {
					return nil, false, err
				}
				t.names = names
			} else if r.Namespaced && !o.AllNamespaces {
				t.namespace = o.namespace
			}
			out = append(out, t)
		}
	}
	return out, len(names) == 1, nil
}

// tupleTargets reads TYPE/NAME arguments.
func (o *Options) tupleTargets(ctx context.Context, d *discovery.Discovery, args []string) ([]target, bool, error) {
	if o.LabelSelector != "" || o.FieldSelector != "" {
		return nil, false, errors.New("selectors and the all flag cannot be used when passing resource/name arguments")
	}
	var out []target
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
		if n := len(out); n > 0 && sameResource(out[n-1].res, r) && out[n-1].namespace == ns {
			out[n-1].names = append(out[n-1].names, name)
			continue
		}
		out = append(out, target{res: r, namespace: ns, names: []string{name}, typed: typed})
	}
	return out, len(args) == 1, nil
}

// namespaceForName is where a named object is looked for.
func (o *Options) namespaceForName(r discovery.Resource) (string, error) {
	switch {
	case !r.Namespaced:
		return "", nil
	case o.AllNamespaces:
		return "", errors.New("a resource cannot be retrieved by name across all namespaces")
	}
	return o.namespace, nil
}

// fileTargets names the objects of -f manifests, each in its own namespace or the command's.
func (o *Options) fileTargets(ctx context.Context) ([]target, bool, error) {
	if len(o.args) > 0 {
		return nil, false, errors.New("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
	}
	objs, err := manifest.Read(o.Filenames, o.Recursive, o.streams.In)
	if err != nil {
		return nil, false, err
	}
	d, err := o.discovery()
	if err != nil {
		return nil, false, err
	}
	var out []target
	for _, obj := range objs {
		group, version, ok := strings.Cut(obj.APIVersion, "/")
		if !ok {
			group, version = "", obj.APIVersion
		}
		r, err := d.Resolve(ctx, obj.Kind+"."+version+"."+group)
		var nf *discovery.NotFoundError
		if errors.As(err, &nf) {
			return nil, false, fmt.Errorf("%s: no matches for kind %q in version %q", obj.Where(), obj.Kind, obj.APIVersion)
		}
		if err != nil {
			return nil, false, err
		}
		ns := ""
		if r.Namespaced {
			ns = o.namespace
			if obj.Namespace != "" {
				if o.explicitNamespace && obj.Namespace != o.namespace {
					return nil, false, fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", obj.Namespace, o.namespace, obj.Namespace)
				}
				ns = obj.Namespace
			}
		}
		if n := len(out); n > 0 && sameResource(out[n-1].res, r) && out[n-1].namespace == ns {
			out[n-1].names = append(out[n-1].names, obj.Name)
			continue
		}
		out = append(out, target{res: r, namespace: ns, names: []string{obj.Name}, typed: obj.Kind})
	}
	// kubectl's singleItemImplied: one file (not a directory, not stdin) holding one object.
	single := len(objs) == 1 && len(o.Filenames) == 1 && objs[0].Source == o.Filenames[0]
	return out, single, nil
}

func sameResource(a, b discovery.Resource) bool {
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
