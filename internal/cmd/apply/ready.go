package apply

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/wait"
)

// readyConditions is the condition that says an object of a kind is ready, for kinds whose objects get
// their conditions only after they are created.
var readyConditions = map[string]string{
	"apps/Deployment": "Available",
	"v1/Pod":          "Ready",
	"apiextensions.k8s.io/CustomResourceDefinition": "Established",
	"apiregistration.k8s.io/APIService":             "Available",
	"batch/Job":                                     "Complete",
	"policy/PodDisruptionBudget":                    "DisruptionAllowed",
}

// readyCondition is the condition --wait waits for on it: its kind's, or the Ready, Available or
// Established condition its status already lists; "" for an object with no such condition.
func readyCondition(it *item) string {
	group := it.res.Group
	if group == "" {
		group = "v1"
	}
	if c, ok := readyConditions[group+"/"+it.res.Kind]; ok {
		return c
	}
	var obj struct {
		Status struct {
			Conditions []struct{ Type string }
		}
	}
	_ = json.Unmarshal(it.result, &obj)
	for _, want := range []string{"Ready", "Available", "Established"} {
		for _, c := range obj.Status.Conditions {
			if c.Type == want {
				return want
			}
		}
	}
	return ""
}

// awaitReady waits, up to --timeout, until every applied object with a readiness condition reports it,
// printing "kind/name condition met" for each in input order.
func (p *plan) awaitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	byCondition := map[string][]client.Ref{}
	var order []string
	for _, it := range p.items {
		c := readyCondition(it)
		if it.err != nil || c == "" {
			continue
		}
		if byCondition[c] == nil {
			order = append(order, c)
		}
		byCondition[c] = append(byCondition[c], it.ref())
	}
	start := time.Now()
	for _, c := range order {
		err := wait.For(ctx, p.c, byCondition[c], wait.HasCondition(c, "True"), func(ref client.Ref) {
			fmt.Fprintf(p.o.streams.Out, "%s condition met\n", ref)
		})
		if err != nil {
			return fmt.Errorf("after %v: %w", time.Since(start).Round(time.Second), err)
		}
	}
	return nil
}
