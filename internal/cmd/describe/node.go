package describe

import (
	"sort"
	"strings"

	"github.com/kubex-cli/kubex/internal/quantity"

	"github.com/kubex-cli/kubex/pkg/client"
)

func describeNode(e *env, node obj) (string, error) {
	canViewPods := true
	pods, err := e.list(podsRes, "", client.ListOptions{FieldSelector: "spec.nodeName=" + escapeField(node.name()) + ",status.phase!=Succeeded,status.phase!=Failed"})
	if err != nil {
		if !client.IsForbidden(err) {
			return "", err
		}
		canViewPods = false
	}
	var events []Event
	if e.showEvents {
		// The controllers name a node by its uid, the kubelet by its name.
		events = e.eventsFor(eventQuery{name: node.name(), kind: "Node", uid: node.uid(), withKind: true, withUID: node.uid() != ""})
		events = append(events, e.eventsFor(eventQuery{name: node.name(), kind: "Node", uid: node.name(), withKind: true, withUID: true})...)
	}
	leaseRaw, leaseErr := e.c.Resource(leasesRes, "kube-node-lease").Get(e.ctx, node.name(), client.GetOptions{})
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", node.name())
		if roles := nodeRoles(node.labels()); len(roles) > 0 {
			w.write(l0, "Roles:\t%s\n", strings.Join(roles, ","))
		} else {
			w.write(l0, "Roles:\t%s\n", "<none>")
		}
		labelsMultiline(w, "Labels", node.labels())
		annotationsMultiline(w, "Annotations", node.annotations())
		w.write(l0, "CreationTimestamp:\t%s\n", rfc1123z(node.str("metadata", "creationTimestamp")))
		taintsMultiline(w, "Taints", node.list("spec", "taints"))
		w.write(l0, "Unschedulable:\t%v\n", node.boolean("spec", "unschedulable"))
		if leaseErr != nil {
			w.write(l0, "Lease:\tFailed to get lease: %s\n", leaseErr)
		} else {
			lease, _ := decodeObj(leaseRaw)
			w.write(l0, "Lease:\n")
			orUnset := func(s string) string {
				if s == "" {
					return "<unset>"
				}
				return s
			}
			w.write(l1, "HolderIdentity:\t%s\n", orUnset(lease.str("spec", "holderIdentity")))
			at := lease.str("spec", "acquireTime")
			if at != "" {
				at = rfc1123z(at)
			}
			w.write(l1, "AcquireTime:\t%s\n", orUnset(at))
			rt := lease.str("spec", "renewTime")
			if rt != "" {
				rt = rfc1123z(rt)
			}
			w.write(l1, "RenewTime:\t%s\n", orUnset(rt))
		}
		status := node.m("status")
		if conds := status.list("conditions"); len(conds) > 0 {
			w.write(l0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
			w.write(l1, "----\t------\t-----------------\t------------------\t------\t-------\n")
			for _, c := range conds {
				w.write(l1, "%v \t%v \t%s \t%s \t%v \t%v\n", c.str("type"), c.str("status"), rfc1123z(c.str("lastHeartbeatTime")),
					rfc1123z(c.str("lastTransitionTime")), c.str("reason"), c.str("message"))
			}
		}
		w.write(l0, "Addresses:\n")
		for _, a := range status.list("addresses") {
			w.write(l1, "%s:\t%s\n", a.str("type"), a.str("address"))
		}
		if c := status.m("capacity"); len(c) > 0 {
			w.write(l0, "Capacity:\n")
			for _, k := range sortedKeys(c) {
				w.write(l0, "  %s:\t%s\n", k, c.str(k))
			}
		}
		if a := status.m("allocatable"); len(a) > 0 {
			w.write(l0, "Allocatable:\n")
			for _, k := range sortedKeys(a) {
				w.write(l0, "  %s:\t%s\n", k, a.str(k))
			}
		}
		info := status.m("nodeInfo")
		w.write(l0, "System Info:\n")
		for _, f := range []struct{ label, field string }{{"Machine ID", "machineID"}, {"System UUID", "systemUUID"}, {"Boot ID", "bootID"},
			{"Kernel Version", "kernelVersion"}, {"OS Image", "osImage"}, {"Operating System", "operatingSystem"},
			{"Architecture", "architecture"}, {"Container Runtime Version", "containerRuntimeVersion"},
			{"Kubelet Version", "kubeletVersion"}, {"Kube-Proxy Version", "kubeProxyVersion"}} {
			w.write(l0, "  %s:\t%s\n", f.label, info.str(f.field))
		}
		if s := node.str("spec", "podCIDR"); s != "" {
			w.write(l0, "PodCIDR:\t%s\n", s)
		}
		if s := node.strs("spec", "podCIDRs"); len(s) > 0 {
			w.write(l0, "PodCIDRs:\t%s\n", strings.Join(s, ","))
		}
		if s := node.str("spec", "providerID"); s != "" {
			w.write(l0, "ProviderID:\t%s\n", s)
		}
		if canViewPods {
			describeNodeResource(w, pods, node)
		} else {
			w.write(l0, "Pods:\tnot authorized\n")
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func nodeRoles(labels map[string]string) []string {
	set := map[string]bool{}
	for k, v := range labels {
		switch {
		case strings.HasPrefix(k, "node-role.kubernetes.io/"):
			if r := strings.TrimPrefix(k, "node-role.kubernetes.io/"); r != "" {
				set[r] = true
			}
		case k == "kubernetes.io/role" && v != "":
			set[v] = true
		}
	}
	return sortedKeys(set)
}

type resources map[string]quantity.Quantity

func (r resources) add(name string, q quantity.Quantity) { r[name] = r[name].Add(q) }

func resourcesOf(m obj) resources {
	out := resources{}
	for k := range m {
		if q, err := quantity.Parse(m.str(k)); err == nil {
			out[k] = q
		}
	}
	return out
}

// podRequestsAndLimits is what a pod asks for and is limited to, as kubectl's resourcehelper counts it:
// its containers' sum, at least its largest init container, sidecars added, plus overhead; pod-level
// resources when set.
func podRequestsAndLimits(pod obj) (reqs, limits resources) {
	spec := pod.m("spec")
	sum := func(field string) resources {
		total := resources{}
		for _, c := range spec.list("containers") {
			for k, q := range resourcesOf(c.m("resources", field)) {
				total.add(k, q)
			}
		}
		sidecars := resources{}
		for _, c := range spec.list("initContainers") {
			rs := resourcesOf(c.m("resources", field))
			if c.str("restartPolicy") == "Always" {
				for k, q := range rs {
					total.add(k, q)
					sidecars.add(k, q)
				}
				continue
			}
			for k, q := range rs {
				withSidecars := q
				if s, ok := sidecars[k]; ok {
					withSidecars = q.Add(s)
				}
				if cur, ok := total[k]; !ok || withSidecars.Cmp(cur) > 0 {
					total[k] = withSidecars
				}
			}
		}
		if pr := resourcesOf(spec.m("resources", field)); len(pr) > 0 {
			for k, q := range pr {
				total[k] = q
			}
		}
		for k, q := range resourcesOf(spec.m("overhead")) {
			if _, ok := total[k]; ok || field == "requests" {
				total.add(k, q)
			}
		}
		return total
	}
	return sum("requests"), sum("limits")
}

func pct(a quantity.Quantity, b quantity.Quantity, milli bool) int64 {
	scale := int64(1)
	if milli {
		scale = 1000
	}
	d := b.CeilInt(scale)
	if d == 0 {
		return 0
	}
	return int64(float64(a.CeilInt(scale)) / float64(d) * 100)
}

func describeNodeResource(w *writer, pods []obj, node obj) {
	w.write(l0, "Non-terminated Pods:\t(%d in total)\n", len(pods))
	w.write(l1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
	w.write(l1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
	alloc := resourcesOf(node.m("status", "capacity"))
	if a := node.m("status", "allocatable"); len(a) > 0 {
		alloc = resourcesOf(a)
	}
	totalReqs, totalLimits := resources{}, resources{}
	for _, p := range pods {
		req, lim := podRequestsAndLimits(p)
		for k, q := range req {
			totalReqs.add(k, q)
		}
		for k, q := range lim {
			totalLimits.add(k, q)
		}
		// Per pod, a zero allocatable gives NaN or Inf in kubectl; print what int64 makes of them.
		w.write(l1, "%s\t%s\t\t%s (%d%%)\t%s (%d%%)\t%s (%d%%)\t%s (%d%%)\t%s\n", p.namespace(), p.name(),
			req["cpu"].String(), fraction(req["cpu"], alloc["cpu"], true), lim["cpu"].String(), fraction(lim["cpu"], alloc["cpu"], true),
			req["memory"].String(), fraction(req["memory"], alloc["memory"], false), lim["memory"].String(), fraction(lim["memory"], alloc["memory"], false),
			since(p.str("metadata", "creationTimestamp")))
	}
	w.write(l0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
	w.write(l1, "Resource\tRequests\tLimits\n")
	w.write(l1, "--------\t--------\t------\n")
	for _, r := range []struct {
		name  string
		milli bool
	}{{"cpu", true}, {"memory", false}, {"ephemeral-storage", false}} {
		w.write(l1, "%s\t%s (%d%%)\t%s (%d%%)\n", r.name, totalReqs[r.name].String(), pct(totalReqs[r.name], alloc[r.name], r.milli),
			totalLimits[r.name].String(), pct(totalLimits[r.name], alloc[r.name], r.milli))
	}
	var huge, ext []string
	for k := range alloc {
		switch {
		case strings.HasPrefix(k, "hugepages-"):
			huge = append(huge, k)
		case !isStandardContainerResource(k) && k != "pods":
			ext = append(ext, k)
		}
	}
	sort.Strings(huge)
	sort.Strings(ext)
	for _, k := range huge {
		w.write(l1, "%s\t%s (%d%%)\t%s (%d%%)\n", k, totalReqs[k].String(), pct(totalReqs[k], alloc[k], false), totalLimits[k].String(), pct(totalLimits[k], alloc[k], false))
	}
	for _, k := range ext {
		w.write(l1, "%s\t%s\t%s\n", k, totalReqs[k].String(), totalLimits[k].String())
	}
}

// fraction is kubectl's per-pod percentage: a float division converted to int64 (a zero allocatable
// makes it the conversion of NaN or +Inf).
func fraction(a, b quantity.Quantity, milli bool) int64 {
	scale := int64(1)
	if milli {
		scale = 1000
	}
	return int64(float64(a.CeilInt(scale)) / float64(b.CeilInt(scale)) * 100)
}

func isStandardContainerResource(k string) bool {
	switch k {
	case "cpu", "memory", "ephemeral-storage", "storage":
		return true
	}
	return strings.HasPrefix(k, "hugepages-")
}
