package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/stream"
	"github.com/kubex-cli/kubex/pkg/exec"
)

// PodsType is the core/v1 pods resource, known without discovery.
var PodsType = discovery.Resource{Version: "v1", Name: "pods", SingularName: "pod", Kind: "Pod", Namespaced: true, ShortNames: []string{"po"}}

// Pods is the handle for the pods of namespace: the verbs of Resource, with Exec, Attach, PortForward,
// Logs and the pod lookup (GetPod, ListPods).
func (c *Client) Pods(namespace string) *Resource { return c.Resource(PodsType, namespace) }

// Pod is the part of a core/v1 Pod that finding a pod and one of its containers reads.
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

// Completed reports a pod whose containers have all ended for good (Succeeded or Failed): nothing can
// be run or attached in it.
func (p *Pod) Completed() bool { return p.Status.Phase == "Succeeded" || p.Status.Phase == "Failed" }

// DefaultContainerAnnotation names the container commands use when none is given.
const DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container"

// Container is the container called name (regular, init or ephemeral), or with name "" the default
// one: the one DefaultContainerAnnotation names, else the first. amongOthers reports that the first was
// taken while there were others to choose from (kubectl says so: "Defaulted container ...").
func (p *Pod) Container(name string) (c *Container, amongOthers bool, err error) {
	if name != "" {
		if c := p.find(name); c != nil {
			return c, false, nil
		}
		return nil, false, fmt.Errorf("container %s not found in pod %s", name, p.Metadata.Name)
	}
	if len(p.Spec.Containers) == 0 {
		return nil, false, fmt.Errorf("pod %s/%s does not have any containers", p.Metadata.Namespace, p.Metadata.Name)
	}
	if n := p.Metadata.Annotations[DefaultContainerAnnotation]; n != "" {
		if c := p.find(n); c != nil {
			return c, false, nil
		}
	}
	others := len(p.Spec.Containers) > 1 || len(p.Spec.InitContainers) > 0 || len(p.Spec.EphemeralContainers) > 0
	return &p.Spec.Containers[0], others, nil
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

// GetPod reads the pod name (r is a pods handle: Client.Pods).
func (r *Resource) GetPod(ctx context.Context, name string) (*Pod, error) {
	b, err := r.Get(ctx, name, GetOptions{})
	if err != nil {
		return nil, err
	}
	var p Pod
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decoding pod %s: %w", name, err)
	}
	return &p, nil
}

// ListPods is every pod matching the label selector ("" for all), in the server's order (r is a pods
// handle: Client.Pods).
func (r *Resource) ListPods(ctx context.Context, selector string) ([]*Pod, error) {
	var out []*Pod
	_, err := r.List(ctx, ListOptions{LabelSelector: selector, Limit: -1}, func(raw []byte) error {
		p := new(Pod)
		if err := json.Unmarshal(raw, p); err != nil {
			return fmt.Errorf("decoding pods: %w", err)
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Exec runs o.Command in a container of the pod name (r is a pods handle: Client.Pods) and returns the
// running process; its Wait says how it ended. The session lasts as long as ctx.
//
//	p, err := c.Pods("default").Exec(ctx, "web-0", exec.Options{Command: []string{"date"}, Stdout: os.Stdout})
//	if err == nil {
//		err = p.Wait() // an *exec.ExitError carries a non-zero exit code
//	}
func (r *Resource) Exec(ctx context.Context, name string, o exec.Options) (*exec.Process, error) {
	req := r.Request(http.MethodGet, name, "exec")
	if o.Container != "" {
		req.Param("container", o.Container)
	}
	for _, a := range o.Command {
		req.Param("command", a)
	}
	return exec.Start(ctx, streamParams(req, o), o)
}

// Attach attaches to the main process of a container of the pod name (r is a pods handle: Client.Pods);
// o.Command is not used. With o.TTY the container must have been started with a terminal.
func (r *Resource) Attach(ctx context.Context, name string, o exec.Options) (*exec.Process, error) {
	req := r.Request(http.MethodGet, name, "attach")
	if o.Container != "" {
		req.Param("container", o.Container)
	}
	return exec.Start(ctx, streamParams(req, o), o)
}

// streamParams asks for the streams o has: stdin, stdout, stderr (not with a terminal, which has one
// stream) and tty.
func streamParams(req *Request, o exec.Options) *Request {
	on := func(key string, set bool) {
		if set {
			req.Param(key, "true")
		}
	}
	on("stdin", o.Stdin != nil)
	on("stdout", o.Stdout != nil)
	on("stderr", o.Stderr != nil && !o.TTY)
	on("tty", o.TTY)
	return req
}

// PortForward carries one local connection to port of the pod name (r is a pods handle: Client.Pods)
// over a websocket of its own, so that whatever happens to it touches no other connection. It returns
// when either side is done: nil when the data ended normally, a *stream.PortForwardError when the server
// reported an error for it (a refused remote port). local is closed.
func (r *Resource) PortForward(ctx context.Context, name string, port uint16, local io.ReadWriteCloser) error {
	conn, err := r.Request(http.MethodGet, name, "portforward").Param("ports", strconv.Itoa(int(port))).
		Dial(ctx, stream.PortForwardProtocol)
	if err != nil {
		local.Close()
		return err
	}
	return conn.Forward(ctx, port, local)
}

// PodTarget is what a POD or TYPE/NAME argument named: one pod, or the pods of a workload's or a
// service's selector.
type PodTarget struct {
	Typed     string // "deployment/web" as typed, "pod/NAME" for a bare name: for messages
	Namespace string
	Pod       *Pod   // set when the argument named a pod
	Selector  string // the label selector of the workload or service, when it did not
}

// ResolvePod reads arg as kubectl's exec, attach, logs and port-forward do: "NAME" or "pod/NAME" is a
// pod (read at once); "TYPE/NAME" of a deployment, replicaset, statefulset, daemonset, job,
// replicationcontroller or service stands for the pods of its selector. Types are resolved through
// discovery ("deploy", "deployments.apps", "svc").
func (c *Client) ResolvePod(ctx context.Context, namespace, arg string) (*PodTarget, error) {
	typed, name, hasType := strings.Cut(arg, "/")
	if !hasType {
		p, err := c.Pods(namespace).GetPod(ctx, arg)
		if err != nil {
			return nil, err
		}
		return &PodTarget{Typed: "pod/" + arg, Namespace: namespace, Pod: p}, nil
	}
	if typed == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("arguments in resource/name form must have a single resource and name")
	}
	r, err := c.ResourceFor(ctx, typed, namespace)
	if err != nil {
		return nil, err
	}
	if r.Type.Group == "" && r.Type.Name == "pods" {
		p, err := r.GetPod(ctx, name)
		if err != nil {
			return nil, err
		}
		return &PodTarget{Typed: arg, Namespace: namespace, Pod: p}, nil
	}
	b, err := r.Get(ctx, name, GetOptions{})
	if err != nil {
		return nil, err
	}
	var obj struct {
		Kind string `json:"kind"`
		Spec struct {
			Selector json.RawMessage `json:"selector"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", arg, err)
	}
	sel, err := selectorString(obj.Kind, obj.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("cannot attach to %s: %w", arg, err)
	}
	return &PodTarget{Typed: arg, Namespace: namespace, Selector: sel}, nil
}

// PickPod is the pod of t: t.Pod, or the most active pod matching t.Selector (SortPodsByActivity),
// asking again every half second for up to timeout while none matches. Pods being deleted are passed
// over.
func (c *Client) PickPod(ctx context.Context, t *PodTarget, timeout time.Duration) (*Pod, error) {
	if t.Pod != nil {
		return t.Pod, nil
	}
	deadline := time.Now().Add(timeout)
	for {
		list, err := c.Pods(t.Namespace).ListPods(ctx, t.Selector)
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
			SortPodsByActivity(live)
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

// PodFor is the pod arg names in namespace: ResolvePod, then PickPod waiting up to timeout for a pod of
// a workload to exist.
//
//	pod, err := c.PodFor(ctx, "default", "deploy/web", time.Minute)
func (c *Client) PodFor(ctx context.Context, namespace, arg string, timeout time.Duration) (*Pod, error) {
	t, err := c.ResolvePod(ctx, namespace, arg)
	if err != nil {
		return nil, err
	}
	return c.PickPod(ctx, t, timeout)
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

// SortPodsByActivity orders pods most active first, as kubectl picks a workload's pod: scheduled, then
// running, ready, fewer restarts, older.
func SortPodsByActivity(ps []*Pod) {
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
