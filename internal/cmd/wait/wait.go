// Package wait is `kubex wait`: wait for objects to be deleted, to report a condition or to hold a value
// at a JSONPath, on the watch engine (a list, then one watch, never polling). delete --wait uses it too.
package wait

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/util/jsonpath"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/client/watch"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Options holds the flags of `kubex wait`.
type Options struct {
	For           string
	Timeout       time.Duration
	Filenames     []string
	Recursive     bool
	LabelSelector string
	FieldSelector string
	All           bool
	AllNamespaces bool

	args      []string
	namespace string
	explicit  bool
	cond      Condition

	streams   *iostreams.IOStreams
	client    func() (*client.Client, error)
	discovery func() (*discovery.Discovery, error)
	resolved  func() (*config.Resolved, error)
}

// NewCmdWait builds `kubex wait`.
func NewCmdWait(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{Timeout: 30 * time.Second, streams: streams, client: f.Client, discovery: f.Discovery, resolved: f.Resolved}
	cmd := &cobra.Command{
		Use:   "wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
		Short: "Wait for a specific condition on one or many resources",
		Long: `Wait for a specific condition on one or many resources: their deletion, a status condition
(condition=NAME, or condition=NAME=VALUE), or a value at a JSONPath (jsonpath='{.status.phase}'=Running).
Each object is watched, not polled: kubex returns as soon as the server reports the change.`,
		Example: `  kubex wait --for=condition=Ready pod/busybox1
  kubex wait --for=jsonpath='{.status.phase}'=Running pod -l app=web
  kubex wait --for=delete pod/busybox1 --timeout=60s`,
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.For, "for", "", "The condition to wait on: [delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]]. The default condition-value is true.  Condition values are compared after Unicode simple case folding, which is a more general form of case-insensitivity.")
	fs.DurationVar(&o.Timeout, "timeout", o.Timeout, "The length of time to wait before giving up.  Zero means check once and don't wait, negative means wait for a week.")
	fs.StringSliceVarP(&o.Filenames, "filename", "f", nil, "identifying the resource.")
	fs.BoolVarP(&o.Recursive, "recursive", "R", false, "Process the directory used in -f, --filename recursively.")
	fs.StringVarP(&o.LabelSelector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
	fs.StringVar(&o.FieldSelector, "field-selector", "", "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
	fs.BoolVar(&o.All, "all", false, "Select all resources in the namespace of the specified resource types")
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	return cmd
}

// Complete reads the condition and the namespace.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	var err error
	if o.cond, err = ParseCondition(o.For); err != nil {
		return err
	}
	if o.Timeout < 0 {
		o.Timeout = 168 * time.Hour
	}
	r, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicit = r.Namespace, r.NamespaceExplicit
	return nil
}

// Run waits for every selected object, printing "kind/name condition met" for each, in order.
func (o *Options) Run(ctx context.Context) error {
	sel := cmdutil.Selection{Args: o.args, Filenames: o.Filenames, Recursive: o.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicit, AllNamespaces: o.AllNamespaces,
		LabelSelector: o.LabelSelector, FieldSelector: o.FieldSelector}
	c, targets, err := cmdutil.ClientAndTargets(ctx, sel, o.client)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, max(o.Timeout, time.Millisecond))
	defer cancel()
	var objs []Object
	for _, t := range targets {
		if t.Names == nil {
			if !o.All && o.LabelSelector == "" && o.FieldSelector == "" {
				return errors.New("resource(s) were provided, but no name was specified")
			}
			found, err := List(ctx, c, t, o.LabelSelector, o.FieldSelector)
			if err != nil {
				return err
			}
			objs = append(objs, found...)
			continue
		}
		for _, n := range t.Names {
			objs = append(objs, Object{Res: t.Res, Namespace: t.Namespace, Name: n})
		}
	}
	if len(objs) == 0 {
		if o.cond.Delete {
			return nil
		}
		return errors.New("no matching resources found")
	}
	return For(ctx, c, objs, o.cond, func(obj Object) {
		fmt.Fprintf(o.streams.Out, "%s condition met\n", obj.Describe())
	})
}

// Object is one object to wait for; UID, if set, is the one whose deletion counts (another object of the
// same name created since is not it).
type Object struct {
	Res       discovery.Resource
	Namespace string
	Name      string
	UID       string
}

// Describe is "kind/name" as kubectl prints it: "pod/x", "deployment.apps/web".
func (obj Object) Describe() string {
	k := strings.ToLower(obj.Res.Kind)
	if obj.Res.Group != "" {
		k += "." + obj.Res.Group
	}
	return k + "/" + obj.Name
}

// Condition is what --for asks.
type Condition struct {
	Delete bool
	// A status condition: Type and Status compared case-insensitively, as kubectl does.
	Type, Status string
	// A JSONPath and the value it must print; with AnyValue any value will do.
	Path     *jsonpath.JSONPath
	Value    string
	AnyValue bool
}

// ParseCondition reads --for as kubectl does.
func ParseCondition(s string) (Condition, error) {
	switch {
	case s == "":
		return Condition{}, errors.New("--for must be set")
	case strings.EqualFold(s, "delete"):
		return Condition{Delete: true}, nil
	case strings.HasPrefix(s, "condition="):
		name, value, ok := strings.Cut(strings.TrimPrefix(s, "condition="), "=")
		if !ok {
			value = "true"
		}
		return Condition{Type: name, Status: value}, nil
	case strings.HasPrefix(s, "jsonpath="):
		expr, value, hasValue := cutJSONPath(strings.TrimPrefix(s, "jsonpath="))
		if expr == "" {
			return Condition{}, errors.New("jsonpath expression cannot be empty")
		}
		relaxed, err := printers.RelaxedJSONPath(expr)
		if err != nil {
			return Condition{}, err
		}
		p := jsonpath.New("wait").AllowMissingKeys(true)
		if err := p.Parse(relaxed); err != nil {
			return Condition{}, err
		}
		return Condition{Path: p, Value: value, AnyValue: !hasValue}, nil
	}
	return Condition{}, fmt.Errorf("unrecognized condition: %q", s)
}

// cutJSONPath splits "{.a.b}=value" at the "=" after the expression's closing brace.
func cutJSONPath(s string) (expr, value string, hasValue bool) {
	if i := strings.LastIndex(s, "}"); i >= 0 {
		if rest := s[i+1:]; strings.HasPrefix(rest, "=") {
			return s[:i+1], rest[1:], true
		}
		return s, "", false
	}
	return strings.Cut(s, "=")
}

// met reports whether the object raw (nil: it is gone) satisfies c.
func (c Condition) met(raw []byte, deleted bool) (bool, error) {
	if c.Delete || deleted {
		return c.Delete && deleted, nil
	}
	var d printers.Decoder
	v, err := d.Unstructured(raw)
	if err != nil {
		return false, err
	}
	obj, _ := v.(map[string]any)
	if c.Path != nil {
		res, err := c.Path.FindResults(obj)
		if err != nil || len(res) == 0 || len(res[0]) != 1 {
			return false, nil
		}
		got := fmt.Sprint(res[0][0].Interface())
		if c.AnyValue {
			return got != "", nil
		}
		return got == c.Value, nil
	}
	status, _ := obj["status"].(map[string]any)
	conds, _ := status["conditions"].([]any)
	meta, _ := obj["metadata"].(map[string]any)
	gen, _ := meta["generation"].(int64)
	for _, x := range conds {
		cond, _ := x.(map[string]any)
		t, _ := cond["type"].(string)
		s, _ := cond["status"].(string)
		if !strings.EqualFold(t, c.Type) {
			continue
		}
		// A condition observed for an older generation says nothing about this one.
		if og, ok := cond["observedGeneration"].(int64); ok && og < gen {
			return false, nil
		}
		if og, ok := status["observedGeneration"].(int64); ok && og < gen {
			return false, nil
		}
		return strings.EqualFold(s, c.Status), nil
	}
	return false, nil
}

// errMet ends a watch whose condition is met.
var errMet = errors.New("condition met")

// For waits, in parallel, until every object meets c, calling done for each in the order given as soon as
// it and those before it have. The first failure or the end of ctx (the timeout) is the error.
func For(ctx context.Context, c *client.Client, objs []Object, cond Condition, done func(Object)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan error, len(objs))
	var wg sync.WaitGroup
	for i, obj := range objs {
		results[i] = make(chan error, 1)
		wg.Go(func() { results[i] <- waitOne(ctx, c, obj, cond) })
	}
	defer wg.Wait()
	for i, obj := range objs {
		if err := <-results[i]; err != nil {
			return err
		}
		done(obj)
	}
	return nil
}

// waitOne watches one object until it meets cond.
func waitOne(ctx context.Context, c *client.Client, obj Object, cond Condition) error {
	src := newObjectSource(c, obj)
	met := false
	err := watch.Run(ctx, src, watch.Options{}, func(ch watch.Change) error {
		if obj.UID != "" && ch.Item.Meta.UID != obj.UID {
			if cond.Delete && ch.Type != watch.Deleted {
				met = true // a new object of that name: the one deleted is gone
				return errMet
			}
			return nil
		}
		ok, err := cond.met(ch.Item.Raw, ch.Type == watch.Deleted)
		if err != nil {
			return err
		}
		if ok {
			met = true
			return errMet
		}
		return nil
	})
	switch {
	case met:
		return nil
	case errors.Is(err, errGone) && cond.Delete:
		return nil // gone before the watch began, or while it was away
	case errors.Is(err, errGone):
		return &transport.StatusError{Code: 404, Reason: "NotFound", Status: "Failure",
			Message: fmt.Sprintf("%s %q not found", obj.Res.GroupResource(), obj.Name)}
	case err == nil && ctx.Err() != nil:
		return fmt.Errorf("timed out waiting for the condition on %s/%s", obj.Res.Name, obj.Name)
	}
	return err
}

// objectSource is one object as the watch engine sees it: the library's source for the collection of the
// objects with its name, except that an empty list ends the wait.
type objectSource struct {
	watch.Source
}

func newObjectSource(c *client.Client, obj Object) *objectSource {
	r := c.Resource(obj.Res, obj.Namespace)
	return &objectSource{r.Source(client.ListOptions{FieldSelector: "metadata.name=" + obj.Name})}
}

func (s *objectSource) List(ctx context.Context, each func(watch.Item) error) (string, error) {
	n := 0
	rv, err := s.Source.List(ctx, func(it watch.Item) error {
		n++
		return each(it)
	})
	if err == nil && n == 0 {
		return "", errGone // nothing to watch for
	}
	return rv, err
}

// errGone stops the engine when the object does not exist.
var errGone = errors.New("not found")

// List names the objects of a collection target that match the selectors.
func List(ctx context.Context, c *client.Client, t cmdutil.Target, labels, fields string) ([]Object, error) {
	var out []Object
	_, err := c.Resource(t.Res, t.Namespace).List(ctx, client.ListOptions{LabelSelector: labels, FieldSelector: fields},
		func(raw []byte) error {
			var obj struct{ Metadata client.Meta }
			err := json.Unmarshal(raw, &obj)
			out = append(out, Object{Res: t.Res, Namespace: obj.Metadata.Namespace, Name: obj.Metadata.Name})
			return err
		})
	return out, err
}
