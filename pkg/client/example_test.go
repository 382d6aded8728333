package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubex-cli/kubex/pkg/client"
)

// The examples run against fakeCluster, an API server in this process (fake_test.go), through
// client.WithTransport; testdata/kubeconfig names it. A program leaves WithTransport out.

// fakeCluster is a fake API server holding a few pods, a ConfigMap and a Deployment.
func fakeCluster() *fakeAPI {
	f := newFakeAPI()
	f.addJSON("pods", `{"metadata":{"name":"web-1","namespace":"dev","labels":{"app":"web"}},"status":{"phase":"Running"}}`)
	f.addJSON("pods", `{"metadata":{"name":"web-2","namespace":"dev","labels":{"app":"web"}},"status":{"phase":"Pending"}}`)
	f.addJSON("pods", `{"metadata":{"name":"db-0","namespace":"dev","labels":{"app":"db"}},"status":{"phase":"Running"}}`)
	f.addJSON("pods", `{"metadata":{"name":"api-1","namespace":"staging"},"status":{"phase":"Running"}}`)
	f.addJSON("configmaps", `{"metadata":{"name":"settings","namespace":"dev"},"data":{"color":"blue"}}`)
	f.addJSON("deployments", `{"metadata":{"name":"web","namespace":"dev"},"spec":{"replicas":2}}`)
	return f
}

// newClient is how the examples below get their client.
func newClient() *client.Client {
	c, err := client.Load(client.WithKubeconfig("testdata/kubeconfig"), client.WithTransport(fakeCluster()))
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleLoad() {
	c, err := client.Load(
		client.WithKubeconfig("testdata/kubeconfig"), // instead of $KUBECONFIG or ~/.kube/config
		client.WithContext("staging"),                // instead of the current context
		client.WithUserAgent("example/1.0"),
		client.WithTransport(fakeCluster()), // only for this example: the fake API server
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("namespace:", c.Namespace())

	pods := client.NewAPI[corev1.Pod](c, c.Namespace())
	list, err := pods.List(context.Background(), client.ListOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range list {
		fmt.Println(p.Name, p.Status.Phase)
	}
	// Output:
	// namespace: staging
	// api-1 Running
}

func ExampleNewAPI() {
	c := newClient()
	ctx := context.Background()

	// The resource of corev1.Pod (v1 pods) is found from its Go package.
	pods := client.NewAPI[corev1.Pod](c, "dev")
	for pod, err := range pods.Each(ctx, client.ListOptions{LabelSelector: "app=web"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s/%s %s\n", pod.Namespace, pod.Name, pod.Status.Phase)
	}

	_, err := pods.Get(ctx, "web-3")
	fmt.Println(client.IsNotFound(err), err)
	// Output:
	// dev/web-1 Running
	// dev/web-2 Pending
	// true pods "web-3" not found
}

func ExampleAPI_Watch() {
	c := newClient()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	configMaps := client.NewAPI[corev1.ConfigMap](c, "dev")

	// Once the current state is out, changes: made here, they come back as events.
	changes := func() {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "extra"}, Data: map[string]string{"a": "1"}}
		if _, err := configMaps.Create(ctx, cm, client.WriteOptions{}); err != nil {
			log.Fatal(err)
		}
		if _, err := configMaps.Patch(ctx, "settings", client.Merge(map[string]any{"data": map[string]string{"color": "red"}}), client.PatchOptions{}); err != nil {
			log.Fatal(err)
		}
		if err := configMaps.Delete(ctx, "extra", client.DeleteOptions{}); err != nil {
			log.Fatal(err)
		}
	}
	events := 0
	o := client.WatchOptions{}
	o.Synced = func() { go changes() }
	err := configMaps.Watch(ctx, o, func(e client.Event[corev1.ConfigMap]) error {
		fmt.Println(e.Type, e.Object.Name, e.Object.Data["color"], e.Initial)
		if events++; events == 4 {
			cancel() // Watch returns nil when its context ends
		}
		return nil
	})
	fmt.Println("err:", err)
	// Output:
	// ADDED settings blue true
	// ADDED extra  false
	// MODIFIED settings red false
	// DELETED extra  false
	// err: <nil>
}

func ExampleApply() {
	c := newClient()
	ctx := context.Background()
	deployments := client.NewAPI[appsv1.Deployment](c, "dev")

	// The object as this program wants it: apiVersion, kind, name and the fields it owns, nothing else.
	replicas := int32(3)
	web := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec:       appsv1.DeploymentSpec{Replicas: &replicas},
	}
	d, err := deployments.Patch(ctx, "web", client.Apply(web), client.PatchOptions{FieldManager: "example", Force: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Name, *d.Spec.Replicas)
	// API.Apply is the same for a typed object that names itself.
	d, err = deployments.Apply(ctx, web, client.PatchOptions{FieldManager: "example"})
	fmt.Println(d.Name, *d.Spec.Replicas, err)
	// Output:
	// web 3
	// web 3 <nil>
}

func ExampleJSONOps() {
	c := newClient()
	deployments := client.NewAPI[appsv1.Deployment](c, "dev")
	p := client.JSONOps(
		client.PatchOp{Op: "replace", Path: "/spec/replicas", Value: 5},
		client.PatchOp{Op: "add", Path: "/metadata/labels", Value: map[string]string{"tier": "front"}},
	)
	fmt.Println(string(p.Data))
	d, err := deployments.Patch(context.Background(), "web", p, client.PatchOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*d.Spec.Replicas, d.Labels["tier"])
	// Output:
	// [{"op":"replace","path":"/spec/replicas","value":5},{"op":"add","path":"/metadata/labels","value":{"tier":"front"}}]
	// 5 front
}

func ExampleMerge() {
	c := newClient()
	scale := client.Merge(map[string]any{"spec": map[string]any{"replicas": 0}})
	d, err := client.NewAPI[appsv1.Deployment](c, "dev").Patch(context.Background(), "web", scale, client.PatchOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(scale.Type.ContentType(), *d.Spec.Replicas)
	// Output:
	// application/merge-patch+json 0
}

func ExampleConflictCauses() {
	// A fake API server that answers every apply with the conflict a real one sends when another field
	// manager owns a field.
	f := fakeCluster()
	f.handle = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Query().Get("force") == "true" {
			return false
		}
		status(w, http.StatusConflict, "Conflict", `Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.color`,
			map[string]any{"causes": []any{map[string]any{"reason": "FieldManagerConflict",
				"message": `conflict with "kubectl-edit" using v1`, "field": ".data.color"}}})
		return true
	}
	c, err := client.Load(client.WithKubeconfig("testdata/kubeconfig"), client.WithTransport(f))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	configMaps := client.NewAPI[corev1.ConfigMap](c, "dev")
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: "settings"},
		Data:       map[string]string{"color": "green"},
	}
	opts := client.PatchOptions{FieldManager: "example"}
	_, err = configMaps.Apply(ctx, cm, opts)
	if conflicts, ok := client.ConflictCauses(err); ok {
		for _, f := range conflicts {
			fmt.Printf("%s is owned by %s\n", f.Field, f.Manager)
		}
		opts.Force = true
		cm, err = configMaps.Apply(ctx, cm, opts)
	}
	fmt.Println(cm.Data["color"], err)
	// Output:
	// .data.color is owned by kubectl-edit
	// green <nil>
}

// CronTab is a custom resource's Go type: it names its own apiVersion and kind (client.Kinded), so
// NewAPI finds its resource.
type CronTab struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Metadata   client.Meta `json:"metadata"`
	Spec       struct {
		Schedule string `json:"schedule"`
	} `json:"spec"`
}

func (CronTab) APIVersionKind() (apiVersion, kind string) { return "stable.example.com/v1", "CronTab" }

func ExampleKinded() {
	c := newClient()
	crontabs := client.NewAPI[CronTab](c, "dev")
	ct := &CronTab{APIVersion: "stable.example.com/v1", Kind: "CronTab", Metadata: client.Meta{Name: "nightly"}}
	ct.Spec.Schedule = "0 3 * * *"
	created, err := crontabs.Create(context.Background(), ct, client.WriteOptions{})
	if err != nil {
		log.Fatal(err)
	}
	r, _ := crontabs.Resource(context.Background())
	fmt.Println(client.Ref{Type: r.Type, Name: created.Metadata.Name}, created.Spec.Schedule)
	// Output:
	// crontab.stable.example.com/nightly 0 3 * * *
}

func ExampleNewDynamic() {
	c := newClient()
	ctx := context.Background()
	// A type known only at run time: found by what a user typed, read as a map.
	r, err := c.ResourceFor(ctx, "deploy", "dev")
	if err != nil {
		log.Fatal(err)
	}
	objs, err := client.NewDynamic(c, "dev", r.Type).List(ctx, client.ListOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range objs {
		fmt.Println(o.APIVersion(), o.Kind(), o.Namespace(), o.Name())
	}
	// Output:
	// apps/v1 Deployment dev web
}

func ExampleStatusError() {
	c := newClient()
	_, err := client.NewAPI[corev1.ConfigMap](c, "dev").Get(context.Background(), "missing")
	var se *client.StatusError
	if errors.As(err, &se) {
		fmt.Println(se.Code, se.Reason)
	}
	fmt.Println(err)
	// Output:
	// 404 NotFound
	// configmaps "missing" not found
}

func ExampleClient_Verb() {
	c := newClient()
	// The builder under every verb: here a list of pods with a label selector, as JSON.
	req := c.Verb(http.MethodGet).AbsPath("/api/v1/namespaces/dev/pods").Param("labelSelector", "app=db")
	var list struct {
		Items []corev1.Pod `json:"items"`
	}
	if err := req.Into(context.Background(), &list); err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.URL(), len(list.Items), list.Items[0].Name)
	// Output:
	// /api/v1/namespaces/dev/pods?labelSelector=app%3Ddb 1 db-0
}
