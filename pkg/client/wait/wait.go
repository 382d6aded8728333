// Package wait waits for objects to be deleted, to report a status condition or to hold a value at a
// JSONPath, on the watch engine: a list, then one resuming watch per object, never polling.
//
//	cond, _ := wait.Parse("condition=Available")
//	err := wait.For(ctx, c, []client.Ref{{Type: deployments, Namespace: "web", Name: "api"}}, cond,
//		func(r client.Ref) { fmt.Println(r, "condition met") })
package wait

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"k8s.io/client-go/util/jsonpath"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/client/watch"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Condition is what an object must reach. The zero Condition is never met; build one with Deleted,
// HasCondition, JSONPath or Parse.
type Condition struct {
	delete bool
	// A status condition: type and status compared case-insensitively, as kubectl does.
	condType, status string
	// A JSONPath and the value it must print; with anyValue any non-empty value will do.
	path     *jsonpath.JSONPath
	value    string
	anyValue bool
	// A test of the caller's own (behind a pointer, so that conditions stay comparable).
	fn *func(raw []byte) (bool, error)
}

// Deleted is met once the object is gone (a Ref with a UID: once that object is gone, even if another of
// the same name was made since). The other conditions look at whatever object has the Ref's name.
func Deleted() Condition { return Condition{delete: true} }

// HasCondition is met once the object's status lists the condition condType with the status status
// ("True", "False", ...), both compared case-insensitively, observed for the object's current generation.
func HasCondition(condType, status string) Condition {
	return Condition{condType: condType, status: status}
}

// JSONPath is met once expr (kubectl's relaxed form: "{.status.phase}" or ".status.phase") finds exactly
// one value in the object that prints as value, or, with anyValue, as anything but "".
func JSONPath(expr, value string, anyValue bool) (Condition, error) {
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
	return Condition{path: p, value: value, anyValue: anyValue}, nil
}

// Func is met once met says so of the object (its JSON): a condition the others do not express, such as
// scale's "the replicas the spec asks for are there".
func Func(met func(raw []byte) (bool, error)) Condition { return Condition{fn: &met} }

// Parse reads a condition as kubectl wait's --for does: "delete", "condition=NAME[=VALUE]" (VALUE
// defaults to "true") or "jsonpath=EXPR[=VALUE]".
func Parse(s string) (Condition, error) {
	switch {
	case strings.EqualFold(s, "delete"):
		return Deleted(), nil
	case strings.HasPrefix(s, "condition="):
		name, value, ok := strings.Cut(strings.TrimPrefix(s, "condition="), "=")
		if !ok {
			value = "true"
		}
		return HasCondition(name, value), nil
	case strings.HasPrefix(s, "jsonpath="):
		expr, value, hasValue := cutJSONPath(strings.TrimPrefix(s, "jsonpath="))
		return JSONPath(expr, value, !hasValue)
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

// IsDelete reports whether c is Deleted: met by an object that is not there.
func (c Condition) IsDelete() bool { return c.delete }

// Met reports whether the object raw (its JSON) meets c. An object that exists never meets Deleted.
func (c Condition) Met(raw []byte) (bool, error) {
	if c.delete {
		return false, nil
	}
	if c.fn != nil {
		return (*c.fn)(raw)
	}
	var d printers.Decoder
	v, err := d.Unstructured(raw)
	if err != nil {
		return false, err
	}
	obj, _ := v.(map[string]any)
	if c.path != nil {
		res, err := c.path.FindResults(obj)
		if err != nil || len(res) == 0 || len(res[0]) != 1 {
			return false, nil
		}
		got := fmt.Sprint(res[0][0].Interface())
		if c.anyValue {
			return got != "", nil
		}
		return got == c.value, nil
	}
	if c.condType == "" {
		return false, nil
	}
	status, _ := obj["status"].(map[string]any)
	conds, _ := status["conditions"].([]any)
	meta, _ := obj["metadata"].(map[string]any)
	gen, _ := meta["generation"].(int64)
	for _, x := range conds {
		cond, _ := x.(map[string]any)
		t, _ := cond["type"].(string)
		s, _ := cond["status"].(string)
		if !strings.EqualFold(t, c.condType) {
			continue
		}
		// A condition observed for an older generation says nothing about this one.
		if og, ok := cond["observedGeneration"].(int64); ok && og < gen {
			return false, nil
		}
		if og, ok := status["observedGeneration"].(int64); ok && og < gen {
			return false, nil
		}
		return strings.EqualFold(s, c.status), nil
	}
	return false, nil
}

// errMet ends a watch whose condition is met.
var errMet = errors.New("condition met")

// For waits, in parallel, until every object meets cond, calling done (if not nil) for each in the order
// given as soon as it and those before it have. The first failure is the error: an object that does not
// exist (a 404 StatusError, except for Deleted), or the end of ctx, worded as kubectl's timeout.
func For(ctx context.Context, c *client.Client, refs []client.Ref, cond Condition, done func(client.Ref)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan error, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		results[i] = make(chan error, 1)
		wg.Go(func() { results[i] <- One(ctx, c, ref, cond) })
	}
	defer wg.Wait()
	for i, ref := range refs {
		if err := <-results[i]; err != nil {
			return err
		}
		if done != nil {
			done(ref)
		}
	}
	return nil
}

// One watches one object until it meets cond; see For.
func One(ctx context.Context, c *client.Client, ref client.Ref, cond Condition) error {
	src := newObjectSource(c, ref)
	met := false
	err := watch.Run(ctx, src, watch.Options{}, func(ch watch.Change) error {
		if cond.delete && ref.UID != "" && ch.Item.Meta.UID != ref.UID {
			if ch.Type != watch.Deleted {
				met = true // a new object of that name: the one deleted is gone
				return errMet
			}
			return nil
		}
		ok := cond.delete && ch.Type == watch.Deleted
		if !cond.delete && ch.Type != watch.Deleted {
			var err error
			if ok, err = cond.Met(ch.Item.Raw); err != nil {
				return err
			}
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
	case errors.Is(err, errGone) && cond.delete:
		return nil // gone before the watch began, or while it was away
	case errors.Is(err, errGone):
		return &transport.StatusError{Code: 404, Reason: "NotFound", Status: "Failure",
			Message: fmt.Sprintf("%s %q not found", ref.Type.GroupResource(), ref.Name)}
	case err == nil && ctx.Err() != nil:
		return fmt.Errorf("timed out waiting for the condition on %s/%s", ref.Type.Name, ref.Name)
	}
	return err
}

// objectSource is one object as the watch engine sees it: the library's source for the collection of the
// objects with its name, except that an empty list ends the wait.
type objectSource struct {
	watch.Source
}

func newObjectSource(c *client.Client, ref client.Ref) *objectSource {
	r := c.Resource(ref.Type, ref.Namespace)
	return &objectSource{r.Source(client.ListOptions{FieldSelector: "metadata.name=" + ref.Name})}
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
