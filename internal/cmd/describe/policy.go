package describe

import (
	"fmt"

	"github.com/kubex-cli/kubex/pkg/client"
)

func describePodDisruptionBudget(e *env, pdb obj) (string, error) {
	events := e.events(pdb)
	return tabbed(func(w *writer) error {
		spec, status := pdb.m("spec"), pdb.m("status")
		w.write(l0, "Name:\t%s\n", pdb.name())
		w.write(l0, "Namespace:\t%s\n", pdb.namespace())
		if spec.has("minAvailable") {
			w.write(l0, "Min available:\t%s\n", spec.str("minAvailable"))
		} else if spec.has("maxUnavailable") {
			w.write(l0, "Max unavailable:\t%s\n", spec.str("maxUnavailable"))
		}
		if spec.has("selector") {
			w.write(l0, "Selector:\t%s\n", formatLabelSelector(spec.m("selector")))
		} else {
			w.write(l0, "Selector:\t<unset>\n")
		}
		w.write(l0, "Status:\n")
		w.write(l2, "Allowed disruptions:\t%d\n", status.num("disruptionsAllowed"))
		w.write(l2, "Current:\t%d\n", status.num("currentHealthy"))
		w.write(l2, "Desired:\t%d\n", status.num("desiredHealthy"))
		w.write(l2, "Total:\t%d\n", status.num("expectedPods"))
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func describePriorityClass(e *env, pc obj) (string, error) {
	events := e.events(pc)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", pc.name())
		w.write(l0, "Value:\t%v\n", pc.num("value"))
		w.write(l0, "GlobalDefault:\t%v\n", pc.boolean("globalDefault"))
		w.write(l0, "PreemptionPolicy:\t%s\n", pc.str("preemptionPolicy"))
		w.write(l0, "Description:\t%s\n", pc.str("description"))
		w.write(l0, "Annotations:\t%s\n", formatLabels(pc.annotations()))
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

// qty is a quantity at path in canonical form, "<nil>" when missing as a nil *Quantity prints.
func qty(o obj, path ...string) string {
	if !o.has(path...) {
		return "<nil>"
	}
	return canonical(o.str(path...))
}

// describeHPA describes a HorizontalPodAutoscaler as autoscaling/v2, which kubectl reads whatever
// version was asked for.
func describeHPA(e *env, hpa obj) (string, error) {
	if e.res.Version != "v2" {
		t := e.res
		t.Version = "v2"
		raw, err := e.c.Resource(t, hpa.namespace()).Get(e.ctx, hpa.name(), client.GetOptions{})
		if err == nil {
			if v2, err := decodeObj(raw); err == nil {
				hpa = v2
			}
		}
	}
	events := e.events(hpa)
	return tabbed(func(w *writer) error {
		spec, status := hpa.m("spec"), hpa.m("status")
		current := status.list("currentMetrics")
		cur := func(i int, kind string) obj {
			if i < len(current) {
				return current[i].m(kind)
			}
			return nil
		}
		w.write(l0, "Name:\t%s\n", hpa.name())
		w.write(l0, "Namespace:\t%s\n", hpa.namespace())
		labelsMultiline(w, "Labels", hpa.labels())
		annotationsMultiline(w, "Annotations", hpa.annotations())
		w.write(l0, "CreationTimestamp:\t%s\n", rfc1123z(hpa.str("metadata", "creationTimestamp")))
		w.write(l0, "Reference:\t%s/%s\n", spec.str("scaleTargetRef", "kind"), spec.str("scaleTargetRef", "name"))
		w.write(l0, "Metrics:\t( current / target )\n")
		for i, m := range spec.list("metrics") {
			switch m.str("type") {
			case "External":
				x, c := m.m("external"), cur(i, "external")
				if x.has("target", "averageValue") {
					now := "<unknown>"
					if c != nil && c.has("current", "averageValue") {
						now = qty(c, "current", "averageValue")
					}
					w.write(l1, "%q (target average value):\t%s / %s\n", x.str("metric", "name"), now, qty(x, "target", "averageValue"))
				} else {
					now := "<unknown>"
					if c != nil {
						now = qty(c, "current", "value")
					}
					w.write(l1, "%q (target value):\t%s / %s\n", x.str("metric", "name"), now, qty(x, "target", "value"))
				}
			case "Pods":
				x, c := m.m("pods"), cur(i, "pods")
				now := "<unknown>"
				if c != nil {
					now = qty(c, "current", "averageValue")
				}
				w.write(l1, "%q on pods:\t%s / %s\n", x.str("metric", "name"), now, qty(x, "target", "averageValue"))
			case "Object":
				x, c := m.m("object"), cur(i, "object")
				w.write(l1, "\"%s\" on %s/%s ", x.str("metric", "name"), x.str("describedObject", "kind"), x.str("describedObject", "name"))
				now := "<unknown>"
				if x.str("target", "type") == "AverageValue" {
					if c != nil {
						now = qty(c, "current", "averageValue")
					}
					w.write(l0, "(target average value):\t%s / %s\n", now, qty(x, "target", "averageValue"))
				} else {
					if c != nil {
						now = qty(c, "current", "value")
					}
					w.write(l0, "(target value):\t%s / %s\n", now, qty(x, "target", "value"))
				}
			case "Resource", "ContainerResource":
				field := "resource"
				if m.str("type") == "ContainerResource" {
					field = "containerResource"
				}
				x, c := m.m(field), cur(i, field)
				if field == "resource" {
					w.write(l1, "resource %s on pods", x.str("name"))
				} else {
					w.write(l1, "resource %s of container \"%s\" on pods", x.str("name"), x.str("container"))
				}
				if x.has("target", "averageValue") {
					now := "<unknown>"
					if c != nil {
						now = qty(c, "current", "averageValue")
					}
					w.write(l0, ":\t%s / %s\n", now, qty(x, "target", "averageValue"))
				} else {
					now := "<unknown>"
					if c != nil && c.has("current", "averageUtilization") {
						now = fmt.Sprintf("%d%% (%s)", c.num("current", "averageUtilization"), qty(c, "current", "averageValue"))
					}
					target := "<auto>"
					if x.has("target", "averageUtilization") {
						target = fmt.Sprintf("%d%%", x.num("target", "averageUtilization"))
					}
					w.write(l1, "(as a percentage of request):\t%s / %s\n", now, target)
				}
			default:
				w.write(l1, "<unknown metric type %q>\n", m.str("type"))
			}
		}
		min := "<unset>"
		if spec.has("minReplicas") {
			min = fmt.Sprintf("%d", spec.num("minReplicas"))
		}
		w.write(l0, "Min replicas:\t%s\n", min)
		w.write(l0, "Max replicas:\t%d\n", spec.num("maxReplicas"))
		if b := spec.m("behavior"); b != nil {
			w.write(l0, "Behavior:\n")
			scalingRules(w, "Scale Up", b.m("scaleUp"))
			scalingRules(w, "Scale Down", b.m("scaleDown"))
		}
		w.write(l0, "%s pods:\t", spec.str("scaleTargetRef", "kind"))
		w.write(l0, "%d current / %d desired\n", status.num("currentReplicas"), status.num("desiredReplicas"))
		if conds := status.list("conditions"); len(conds) > 0 {
			w.write(l0, "Conditions:\n")
			w.write(l1, "Type\tStatus\tReason\tMessage\n")
			w.write(l1, "----\t------\t------\t-------\n")
			for _, c := range conds {
				w.write(l1, "%v\t%v\t%v\t%v\n", c.str("type"), c.str("status"), c.str("reason"), c.str("message"))
			}
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func scalingRules(w *writer, direction string, r obj) {
	if r == nil {
		return
	}
	w.write(l1, "%s:\n", direction)
	if r.has("stabilizationWindowSeconds") {
		w.write(l2, "Stabilization Window: %d seconds\n", r.num("stabilizationWindowSeconds"))
	}
	if policies := r.list("policies"); len(policies) > 0 {
		sel := "Max"
		if r.has("selectPolicy") {
			sel = r.str("selectPolicy")
		}
		w.write(l2, "Select Policy: %s\n", sel)
		w.write(l2, "Policies:\n")
		for _, p := range policies {
			w.write(l3, "- Type: %s\tValue: %d\tPeriod: %d seconds\n", p.str("type"), p.num("value"), p.num("periodSeconds"))
		}
	}
}
