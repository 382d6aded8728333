package describe

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/kubex-cli/kubex/pkg/client"
)

// describePodTemplate prints a controller's pod template.
func describePodTemplate(w *writer, t obj) {
	w.write(l0, "Pod Template:\n")
	if t == nil {
		w.write(l1, "<unset>")
		return
	}
	labelsMultiline(w, "  Labels", t.strMap("metadata", "labels"))
	if a := t.strMap("metadata", "annotations"); len(a) > 0 {
		annotationsMultiline(w, "  Annotations", a)
	}
	spec := t.m("spec")
	if s := spec.str("serviceAccountName"); s != "" {
		w.write(l1, "Service Account:\t%s\n", s)
	}
	if ic := spec.list("initContainers"); len(ic) > 0 {
		describeContainers(w, "Init Containers", ic, nil, nil, "  ")
	}
	describeContainers(w, "Containers", spec.list("containers"), nil, nil, "  ")
	describeVolumes(w, spec.list("volumes"), "  ")
	describeTopologySpread(w, spec.list("topologySpreadConstraints"), "  ")
	if s := spec.str("priorityClassName"); s != "" {
		w.write(l1, "Priority Class Name:\t%s\n", s)
	}
	labelsMultiline(w, "  Node-Selectors", spec.strMap("nodeSelector"))
	tolerationsMultiline(w, "", "  Tolerations", "\t", spec.list("tolerations"))
}

// podStatusForController counts the pods selector matches that uid controls, by phase.
func (e *env) podStatusForController(ns, selector, uid string) (running, waiting, succeeded, failed int, err error) {
	pods, err := e.list(podsRes, ns, client.ListOptions{LabelSelector: selector})
	if err != nil {
		return
	}
	for _, p := range pods {
		if controllerUID(p) != uid {
			continue
		}
		switch p.str("status", "phase") {
		case "Running":
			running++
		case "Pending":
			waiting++
		case "Succeeded":
			succeeded++
		case "Failed":
			failed++
		}
	}
	return
}

func describeConditionsTable(w *writer, conds []obj) {
	if len(conds) > 0 {
		w.write(l0, "Conditions:\n  Type\tStatus\tReason\n")
		w.write(l1, "----\t------\t------\n")
		for _, c := range conds {
			w.write(l1, "%v \t%v\t%v\n", c.str("type"), c.str("status"), c.str("reason"))
		}
	}
}

func describeReplicaSet(e *env, rs obj) (string, error) {
	running, waiting, succeeded, failed, podErr := e.podStatusForController(rs.namespace(), selectorString(rs.m("spec", "selector")), rs.uid())
	events := e.events(rs)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", rs.name())
		w.write(l0, "Namespace:\t%s\n", rs.namespace())
		w.write(l0, "Selector:\t%s\n", formatLabelSelector(rs.m("spec", "selector")))
		labelsMultiline(w, "Labels", rs.labels())
		annotationsMultiline(w, "Annotations", rs.annotations())
		if c := controller(rs); c != "" {
			w.write(l0, "Controlled By:\t%s\n", c)
		}
		w.write(l0, "Replicas:\t%d current / %d desired\n", rs.num("status", "replicas"), rs.num("spec", "replicas"))
		w.write(l0, "Pods Status:\t")
		if podErr != nil {
			w.write(l0, "error in fetching pods: %s\n", podErr)
		} else {
			w.write(l0, "%d Running / %d Waiting / %d Succeeded / %d Failed\n", running, waiting, succeeded, failed)
		}
		describePodTemplate(w, rs.m("spec", "template"))
		describeConditionsTable(w, rs.list("status", "conditions"))
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func describeReplicationController(e *env, rc obj) (string, error) {
	sel := rc.strMap("spec", "selector")
	running, waiting, succeeded, failed, err := e.podStatusForController(rc.namespace(), selectorString(obj{"matchLabels": toAny(sel)}), rc.uid())
	if err != nil {
		return "", err
	}
	events := e.events(rc)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", rc.name())
		w.write(l0, "Namespace:\t%s\n", rc.namespace())
		w.write(l0, "Selector:\t%s\n", formatLabels(sel))
		labelsMultiline(w, "Labels", rc.labels())
		annotationsMultiline(w, "Annotations", rc.annotations())
		w.write(l0, "Replicas:\t%d current / %d desired\n", rc.num("status", "replicas"), rc.num("spec", "replicas"))
		w.write(l0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n", running, waiting, succeeded, failed)
		describePodTemplate(w, rc.m("spec", "template"))
		describeConditionsTable(w, rc.list("status", "conditions"))
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func describeDeployment(e *env, d obj) (string, error) {
	events := e.events(d)
	oldRSs, newRS := e.deploymentReplicaSets(d)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", d.name())
		w.write(l0, "Namespace:\t%s\n", d.namespace())
		w.write(l0, "CreationTimestamp:\t%s\n", rfc1123z(d.str("metadata", "creationTimestamp")))
		labelsMultiline(w, "Labels", d.labels())
		annotationsMultiline(w, "Annotations", d.annotations())
		w.write(l0, "Selector:\t%s\n", selectorString(d.m("spec", "selector")))
		w.write(l0, "Replicas:\t%d desired | %d updated | %d total | %d available | %d unavailable\n", d.num("spec", "replicas"),
			d.num("status", "updatedReplicas"), d.num("status", "replicas"), d.num("status", "availableReplicas"), d.num("status", "unavailableReplicas"))
		w.write(l0, "StrategyType:\t%s\n", d.str("spec", "strategy", "type"))
		w.write(l0, "MinReadySeconds:\t%d\n", d.num("spec", "minReadySeconds"))
		if ru := d.m("spec", "strategy", "rollingUpdate"); ru != nil {
			w.write(l0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", ru.str("maxUnavailable"), ru.str("maxSurge"))
		}
		describePodTemplate(w, d.m("spec", "template"))
		describeConditionsTable(w, d.list("status", "conditions"))
		var newRSs []obj
		if newRS != nil {
			newRSs = []obj{newRS}
		}
		if len(oldRSs) > 0 || len(newRSs) > 0 {
			w.write(l0, "OldReplicaSets:\t%s\n", replicaSetsByLabels(oldRSs))
			w.write(l0, "NewReplicaSet:\t%s\n", replicaSetsByLabels(newRSs))
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func replicaSetsByLabels(rss []obj) string {
	var s []string
	for _, rs := range rss {
		s = append(s, fmt.Sprintf("%s (%d/%d replicas created)", rs.name(), rs.num("status", "replicas"), rs.num("spec", "replicas")))
	}
	if len(s) == 0 {
		return "<none>"
	}
	return strings.Join(s, ", ")
}

// deploymentReplicaSets finds the deployment's replica sets as the deployment controller does: those it
// controls; the new one is the oldest whose template equals the deployment's (pod-template-hash aside).
func (e *env) deploymentReplicaSets(d obj) (old []obj, newRS obj) {
	rss, err := e.list(rsRes, d.namespace(), client.ListOptions{LabelSelector: selectorString(d.m("spec", "selector"))})
	if err != nil {
		return nil, nil
	}
	var owned []obj
	for _, rs := range rss {
		if controllerUID(rs) == d.uid() {
			owned = append(owned, rs)
		}
	}
	byAge := append([]obj(nil), owned...)
	sort.SliceStable(byAge, func(i, j int) bool {
		a, b := byAge[i].str("metadata", "creationTimestamp"), byAge[j].str("metadata", "creationTimestamp")
		if a == b {
			return byAge[i].name() < byAge[j].name()
		}
		return a < b
	})
	tmpl := normalizedTemplate(d.m("spec", "template"))
	for _, rs := range byAge {
		if reflect.DeepEqual(normalizedTemplate(rs.m("spec", "template")), tmpl) {
			newRS = rs
			break
		}
	}
	for _, rs := range owned {
		if newRS == nil || rs.uid() != newRS.uid() {
			old = append(old, rs)
		}
	}
	return old, newRS
}

// normalizedTemplate is a pod template without its pod-template-hash label, as plain JSON values.
func normalizedTemplate(t obj) any {
	b, _ := json.Marshal(t)
	var v map[string]any
	json.Unmarshal(b, &v)
	if md, ok := v["metadata"].(map[string]any); ok {
		if l, ok := md["labels"].(map[string]any); ok {
			delete(l, "pod-template-hash")
			if len(l) == 0 {
				delete(md, "labels")
			}
		}
		if len(md) == 0 {
			delete(v, "metadata")
		}
	}
	return v
}

func describeStatefulSet(e *env, ss obj) (string, error) {
	sel := selectorString(ss.m("spec", "selector"))
	running, waiting, succeeded, failed, err := e.podStatusForController(ss.namespace(), sel, ss.uid())
	if err != nil {
		return "", err
	}
	events := e.events(ss)
	return tabbed(func(w *writer) error {
		spec := ss.m("spec")
		w.write(l0, "Name:\t%s\n", ss.name())
		w.write(l0, "Namespace:\t%s\n", ss.namespace())
		w.write(l0, "CreationTimestamp:\t%s\n", rfc1123z(ss.str("metadata", "creationTimestamp")))
		w.write(l0, "Selector:\t%s\n", sel)
		labelsMultiline(w, "Labels", ss.labels())
		annotationsMultiline(w, "Annotations", ss.annotations())
		w.write(l0, "Replicas:\t%d desired | %d total\n", spec.num("replicas"), ss.num("status", "replicas"))
		w.write(l0, "Update Strategy:\t%s\n", spec.str("updateStrategy", "type"))
		if ru := spec.m("updateStrategy", "rollingUpdate"); ru != nil && ru.has("partition") {
			w.write(l1, "Partition:\t%d\n", ru.num("partition"))
			if ru.has("maxUnavailable") {
				w.write(l1, "MaxUnavailable:\t%s\n", ru.str("maxUnavailable"))
			}
		}
		w.write(l0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n", running, waiting, succeeded, failed)
		describePodTemplate(w, spec.m("template"))
		describeVolumeClaimTemplates(w, spec.list("volumeClaimTemplates"))
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func describeVolumeClaimTemplates(w *writer, templates []obj) {
	if len(templates) == 0 {
		w.write(l0, "Volume Claims:\t<none>\n")
		return
	}
	w.write(l0, "Volume Claims:\n")
	for _, pvc := range templates {
		w.write(l1, "Name:\t%s\n", pvc.name())
		w.write(l1, "StorageClass:\t%s\n", claimClass(pvc))
		labelsMultilineIndent(w, "  ", "Labels", "\t", pvc.labels(), nil)
		labelsMultilineIndent(w, "  ", "Annotations", "\t", pvc.annotations(), nil)
		if c := pvc.str("spec", "resources", "requests", "storage"); c != "" {
			w.write(l1, "Capacity:\t%s\n", canonical(c))
		} else {
			w.write(l1, "Capacity:\t%s\n", "<default>")
		}
		w.write(l1, "Access Modes:\t%s\n", "["+strings.Join(pvc.strs("spec", "accessModes"), " ")+"]")
	}
}

func describeDaemonSet(e *env, ds obj) (string, error) {
	sel := selectorString(ds.m("spec", "selector"))
	running, waiting, succeeded, failed, err := e.podStatusForController(ds.namespace(), sel, ds.uid())
	if err != nil {
		return "", err
	}
	events := e.events(ds)
	return tabbed(func(w *writer) error {
		status := ds.m("status")
		w.write(l0, "Name:\t%s\n", ds.name())
		w.write(l0, "Namespace:\t%s\n", ds.namespace())
		w.write(l0, "Selector:\t%s\n", sel)
		w.write(l0, "Node-Selector:\t%s\n", formatLabels(ds.strMap("spec", "template", "spec", "nodeSelector")))
		labelsMultiline(w, "Labels", ds.labels())
		annotationsMultiline(w, "Annotations", ds.annotations())
		w.write(l0, "Desired Number of Nodes Scheduled: %d\n", status.num("desiredNumberScheduled"))
		w.write(l0, "Current Number of Nodes Scheduled: %d\n", status.num("currentNumberScheduled"))
		w.write(l0, "Number of Nodes Scheduled with Up-to-date Pods: %d\n", status.num("updatedNumberScheduled"))
		w.write(l0, "Number of Nodes Scheduled with Available Pods: %d\n", status.num("numberAvailable"))
		w.write(l0, "Number of Nodes Misscheduled: %d\n", status.num("numberMisscheduled"))
		w.write(l0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n", running, waiting, succeeded, failed)
		describePodTemplate(w, ds.m("spec", "template"))
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

// claimClass is a claim's storage class: the beta annotation first, then spec.storageClassName.
func claimClass(pvc obj) string {
	if c, ok := pvc.annotations()["volume.beta.kubernetes.io/storage-class"]; ok {
		return c
	}
	return pvc.str("spec", "storageClassName")
}
