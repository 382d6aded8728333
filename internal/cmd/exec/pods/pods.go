// Package pods finds the pod a streaming command (exec, attach, logs, port-forward, cp) works on: a pod
// by name, or one pod of a workload or service chosen through its selector as kubectl chooses it, and the
// container within it.
package pods

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/resource"
)

// Pod is the part of a core/v1 Pod these commands read.
type Pod struct {
	Metadata struct {
		Name              string            `json:"name"`
		Namespace         string            `json:"namespace"`
		Annotations       map[string]string `json:"annotations"`
		Labels            map[string]string `json:"labels"`
		CreationTimestamp time.Time         `json:"creationTimestamp"`
		DeletionTimestamp *time.Time        `json:"deletionTimestamp"`
	} `json:"metadata"`
	Spec struct {
		NodeName            string      `json:"nodeName"`
		Containers          []Container `json:"containers"`
		InitContainers      []Container `json:"initContainers"`
		EphemeralContainers []Container `json:"ephemeralContainers"`
	} `json:"spec"`
	Status struct {
		Phase      string `json:"phase"`
		Conditions []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"conditions"`
		ContainerStatuses []struct {
			RestartCount int `json:"restartCount"`
		} `json:"containerStatuses"`
	} `json:"status"`
}

// Container is a container's name and whether it was started with a terminal and stdin.
type Container struct {
	Name  string `json:"name"`
	Stdin bool   `json:"stdin"`
	TTY   bool   `json:"tty"`
}

// Ready reports the pod's Ready condition.
func (p *Pod) Ready() bool {
	for _, c := range p.Status.Conditions {
		if c.Type == "Ready" {
			return c.Status == "True"
		}
	}
	return false
}

// Path is the pod's API path; subresources are appended to it.
func (p *Pod) Path() string {
	return "/api/v1/namespaces/" + url.PathEscape(p.Metadata.Namespace) + "/pods/" + url.PathEscape(p.Metadata.Name)
}

// DefaultContainerAnnotation names the container commands use when none is given.
const DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container"

// Container is name's container, or with name "" the default one: the annotation's, else the first, with
// kubectl's note on warn when there were others to choose from (unless quiet).
func (p *Pod) Container(name string, quiet bool, warn io.Writer) (*Container, error) {
	if name != "" {
		if c := p.find(name); c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("container %s not found in pod %s", name, p.Metadata.Name)
	}
	if len(p.Spec.Containers) == 0 {
		return nil, fmt.Errorf("pod %s/%s does not have any containers", p.Metadata.Namespace, p.Metadata.Name)
	}
	if n := p.Metadata.Annotations[DefaultContainerAnnotation]; n != "" {
		if c := p.find(n); c != nil {
			return c, nil
		}
	}
	c := &p.Spec.Containers[0]
	if !quiet && warn != nil && (len(p.Spec.Containers) > 1 || len(p.Spec.InitContainers) > 0 || len(p.Spec.EphemeralContainers) > 0) {
		fmt.Fprintf(warn, "Defaulted container %q out of: %s\n", c.Name, p.AllContainerNames())
	}
	return c, nil
}

func (p *Pod) find(name string) *Container {
	for _, list := range [][]Container{p.Spec.Containers, p.Spec.InitContainers, p.Spec.EphemeralContainers} {
		for i := range list {
			if list[i].Name == name {
				return &list[i]
			}
		}
	}
	return nil
}

// AllContainerNames is kubectl's list: "a, b, e (ephem), i (init)".
func (p *Pod) AllContainerNames() string {
	var names []string
	for _, c := range p.Spec.Containers {
		names = append(names, c.Name)
	}
	for _, c := range p.Spec.EphemeralContainers {
		names = append(names, c.Name+" (ephem)")
	}
	for _, c := range p.Spec.InitContainers {
		names = append(names, c.Name+" (init)")
	}
	return strings.Join(names, ", ")
}

// Finder resolves POD and TYPE/NAME arguments in one namespace.
type Finder struct {
	Client    resource.Doer
	Discovery func() (*discovery.Discovery, error)
	Namespace string
	// Timeout is how long a selector may match no pod before giving up (--pod-running-timeout).
	Timeout time.Duration
}

// Target is what an argument named: one pod, or the selector of a workload or service.
type Target struct {
	Typed    string // "deployment/web" as typed, for messages
	Pod      *Pod   // set when the argument named a pod
	Selector string // label selector of the workload, when it did not
}

// Resolve reads arg: "NAME" or "pod/NAME" is a pod; "TYPE/NAME" for a deployment, replicaset,
// statefulset, daemonset, job, replicationcontroller or service is its selector.
func (f *Finder) Resolve(ctx context.Context, arg string) (*Target, error) {
	typed, name, hasType := strings.Cut(arg, "/")
	if !hasType {
		p, err := f.Get(ctx, arg)
		if err != nil {
			return nil, err
		}
		return &Target{Typed: "pod/" + arg, Pod: p}, nil
	}
	if typed == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("arguments in resource/name form must have a single resource and name")
	}
	d, err := f.Discovery()
	if err != nil {
		return nil, err
	}
	r, err := d.Resolve(ctx, typed)
	if err != nil {
		return nil, err
	}
	if r.Group == "" && r.Name == "pods" {
		p, err := f.Get(ctx, name)
		if err != nil {
			return nil, err
		}
		return &Target{Typed: arg, Pod: p}, nil
	}
	resp, err := resource.Get(ctx, f.Client, resource.Path(r, f.Namespace, name, ""), resource.AcceptJSON)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var obj struct {
		Kind string `json:"kind"`
		Spec struct {
			Selector json.RawMessage `json:"selector"`
		} `json:"spec"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&obj); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", arg, err)
	}
	sel, err := selectorString(obj.Kind, obj.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("cannot attach to %s: %w", arg, err)
	}
	return &Target{Typed: arg, Selector: sel}, nil
}

// selectorString turns a workload's spec.selector (a LabelSelector, or a map for services and
// replication controllers) into the query form.
func selectorString(kind string, raw json.RawMessage) (string, error) {
	switch kind {
	case "Service", "ReplicationController":
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
			return "", fmt.Errorf("invalid selector")
		}
		return mapSelector(m), nil
	case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job":
	default:
		return "", fmt.Errorf("selector for %s not implemented", kind)
	}
	var ls struct {
		MatchLabels      map[string]string `json:"matchLabels"`
		MatchExpressions []struct {
			Key      string   `json:"key"`
			Operator string   `json:"operator"`
			Values   []string `json:"values"`
		} `json:"matchExpressions"`
	}
	if err := json.Unmarshal(raw, &ls); err != nil {
		return "", fmt.Errorf("invalid selector: %w", err)
	}
	parts := []string{}
	if s := mapSelector(ls.MatchLabels); s != "" {
		parts = append(parts, s)
	}
	for _, e := range ls.MatchExpressions {
		vals := append([]string(nil), e.Values...)
		sort.Strings(vals)
		switch e.Operator {
		case "In":
			parts = append(parts, fmt.Sprintf("%s in (%s)", e.Key, strings.Join(vals, ",")))
		case "NotIn":
			parts = append(parts, fmt.Sprintf("%s notin (%s)", e.Key, strings.Join(vals, ",")))
		case "Exists":
			parts = append(parts, e.Key)
		case "DoesNotExist":
			parts = append(parts, "!"+e.Key)
		default:
			return "", fmt.Errorf("%q is not a valid label selector operator", e.Operator)
		}
	}
	if len(parts) == 0 {
		return "", errors.New("the selector is empty")
	}
	return strings.Join(parts, ","), nil
}

func mapSelector(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}

// Get reads one pod of the namespace.
func (f *Finder) Get(ctx context.Context, name string) (*Pod, error) {
	path := "/api/v1/namespaces/" + url.PathEscape(f.Namespace) + "/pods/" + url.PathEscape(name)
	resp, err := resource.Get(ctx, f.Client, path, resource.AcceptJSON)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var p Pod
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return nil, fmt.Errorf("decoding pod %s: %w", name, err)
	}
	return &p, nil
}

// List is every pod of the namespace matching selector.
func (f *Finder) List(ctx context.Context, selector string) ([]*Pod, error) {
	path := resource.WithQuery("/api/v1/namespaces/"+url.PathEscape(f.Namespace)+"/pods", resource.ListOptions{LabelSelector: selector})
	resp, err := resource.Get(ctx, f.Client, path, resource.AcceptJSON)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var list struct {
		Items []*Pod `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, fmt.Errorf("decoding pods: %w", err)
	}
	return list.Items, nil
}

// Pick is the pod of t: t.Pod, or the most active pod matching t.Selector (kubectl's GetFirstPod order:
// scheduled, running, ready, fewer restarts, older), waiting up to f.Timeout for one to exist.
// Pods being deleted are passed over.
func (f *Finder) Pick(ctx context.Context, t *Target) (*Pod, error) {
	if t.Pod != nil {
		return t.Pod, nil
	}
	deadline := time.Now().Add(f.Timeout)
	for {
		list, err := f.List(ctx, t.Selector)
		if err != nil {
			return nil, err
		}
		var live []*Pod
		for _, p := range list {
			if p.Metadata.DeletionTimestamp == nil {
				live = append(live, p)
			}
		}
		if len(live) > 0 {
			SortActive(live)
			return live[0], nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("timed out waiting for a pod of %s (selector %s)", t.Typed, t.Selector)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// SortActive orders pods most active first.
func SortActive(ps []*Pod) {
	rank := map[string]int{"Running": 2, "Unknown": 1, "Pending": 0}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if (a.Spec.NodeName != "") != (b.Spec.NodeName != "") {
			return a.Spec.NodeName != ""
		}
		if rank[a.Status.Phase] != rank[b.Status.Phase] {
			return rank[a.Status.Phase] > rank[b.Status.Phase]
		}
		if a.Ready() != b.Ready() {
			return a.Ready()
		}
		if ra, rb := restarts(a), restarts(b); ra != rb {
			return ra < rb
		}
		return a.Metadata.CreationTimestamp.Before(b.Metadata.CreationTimestamp)
	})
}

func restarts(p *Pod) int {
	n := 0
	for _, s := range p.Status.ContainerStatuses {
		n = max(n, s.RestartCount)
	}
	return n
}
