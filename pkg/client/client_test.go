package client_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

var (
	podsType = discovery.Resource{Version: "v1", Name: "pods", Kind: "Pod", Namespaced: true}
	cmType   = discovery.Resource{Version: "v1", Name: "configmaps", Kind: "ConfigMap", Namespaced: true}
	deplType = discovery.Resource{Group: "apps", Version: "v1", Name: "deployments", Kind: "Deployment", Namespaced: true}
	crType   = discovery.Resource{Group: "rbac.authorization.k8s.io", Version: "v1", Name: "clusterroles", Kind: "ClusterRole"}
)

// newTestClient is a client of the fake through testdata/kubeconfig (context dev, token dev-token).
func newTestClient(t *testing.T, opts ...client.Option) (*client.Client, *fakeAPI) {
	t.Helper()
	f := fakeCluster()
	c, err := client.Load(append([]client.Option{client.WithKubeconfig("testdata/kubeconfig"), client.WithTransport(f),
		client.WithCacheDir(t.TempDir())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

func TestLoad(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      []client.Option
		namespace string
		auth      string
	}{
		{"current context", nil, "dev", "Bearer dev-token"},
		{"WithContext", []client.Option{client.WithContext("staging")}, "staging", "Bearer ops-token"},
		{"WithNamespace", []client.Option{client.WithNamespace("other")}, "other", "Bearer dev-token"},
		{"both", []client.Option{client.WithContext("staging"), client.WithNamespace("other")}, "other", "Bearer ops-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, f := newTestClient(t, tc.opts...)
			if c.Namespace() != tc.namespace {
				t.Errorf("Namespace() = %q, want %q", c.Namespace(), tc.namespace)
			}
			if _, err := c.Verb(http.MethodGet).AbsPath("/version").Do(t.Context()); err == nil {
				t.Fatal("want an error: the fake serves no /version")
			}
			if got := f.last(); got.Authorization != tc.auth || got.Path != "/version" {
				t.Errorf("request %+v, want Authorization %q", got, tc.auth)
			}
		})
	}
	t.Run("missing context", func(t *testing.T) {
		_, err := client.Load(client.WithKubeconfig("testdata/kubeconfig"), client.WithContext("nope"))
		if err == nil || !strings.Contains(err.Error(), "nope") {
			t.Errorf("err = %v, want one naming the context", err)
		}
	})
}

func TestWithUserAgentAndMiddleware(t *testing.T) {
	var order []string
	layer := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
				order = append(order, fmt.Sprintf("%s %s %s ua=%s", name, r.URL, r.Header.Get("Authorization"), r.Header.Get("User-Agent")))
				return next.RoundTrip(r)
			})
		}
	}
	c, f := newTestClient(t, client.WithUserAgent("tool/1.2"), client.WithMiddleware(layer("outer"), layer("inner")))
	if _, err := c.Resource(podsType, "dev").Get(t.Context(), "web-1", client.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"outer https://cluster.example:6443/api/v1/namespaces/dev/pods/web-1 Bearer dev-token ua=tool/1.2",
		"inner https://cluster.example:6443/api/v1/namespaces/dev/pods/web-1 Bearer dev-token ua=tool/1.2",
	}
	if strings.Join(order, "\n") != strings.Join(want, "\n") {
		t.Errorf("the layers saw\n%s\nwant\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	if ua := f.last().UserAgent; ua != "tool/1.2" {
		t.Errorf("User-Agent %q", ua)
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRequestURL(t *testing.T) {
	c, _ := newTestClient(t)
	for _, tc := range []struct {
		name string
		req  *client.Request
		want string
	}{
		{"collection", c.Verb("GET").Resource(podsType).Namespace("dev"), "/api/v1/namespaces/dev/pods"},
		{"every namespace", c.Verb("GET").Resource(podsType), "/api/v1/pods"},
		{"group", c.Verb("GET").Resource(deplType).Namespace("dev").Name("web"), "/apis/apps/v1/namespaces/dev/deployments/web"},
		{"cluster-scoped ignores the namespace", c.Verb("GET").Resource(crType).Namespace("dev").Name("admin"), "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin"},
		{"subresource", c.Verb("GET").Resource(deplType).Namespace("dev").Name("web").Subresource("scale"), "/apis/apps/v1/namespaces/dev/deployments/web/scale"},
		{"empty subresource parts", c.Verb("GET").Resource(podsType).Namespace("dev").Name("p").Subresource("", "log"), "/api/v1/namespaces/dev/pods/p/log"},
		{"escaped name", c.Verb("GET").Resource(cmType).Namespace("d e").Name("a b/c?"), "/api/v1/namespaces/d%20e/configmaps/a%20b%2Fc%3F"},
		{"params", c.Verb("GET").Resource(podsType).Namespace("dev").Param("labelSelector", "app in (a,b)").Param("limit", "5"),
			"/api/v1/namespaces/dev/pods?labelSelector=app+in+%28a%2Cb%29&limit=5"},
		{"repeated param", c.Verb("GET").Resource(podsType).Param("x", "1").Param("x", "2"), "/api/v1/pods?x=1&x=2"},
		{"encoded params first", c.Verb("GET").Resource(podsType).Params("limit=500&labelSelector=app%3Dweb").Param("watch", "true"),
			"/api/v1/pods?limit=500&labelSelector=app%3Dweb&watch=true"},
		{"abs path taken as escaped", c.Verb("GET").AbsPath("/api/v1/namespaces/default/pods/a%20b"), "/api/v1/namespaces/default/pods/a%20b"},
		{"abs path with a query", c.Verb("GET").AbsPath("/api/v1/pods?limit=1").Param("watch", "1"), "/api/v1/pods?limit=1&watch=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.req.URL(); got != tc.want {
				t.Errorf("URL() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRequestSends(t *testing.T) {
	c, f := newTestClient(t)
	ctx := t.Context()
	_, _ = c.Verb(http.MethodPost).AbsPath("/api/v1/namespaces/dev/configmaps").JSON(map[string]any{"metadata": map[string]string{"name": "x"}}).Accept(client.AcceptTable).Do(ctx)
	if got := f.last(); got.Method != "POST" || got.ContentType != "application/json" || got.Body != `{"metadata":{"name":"x"}}` || got.Accept != client.AcceptTable {
		t.Errorf("JSON: %+v", got)
	}
	_, _ = c.Verb(http.MethodPut).AbsPath("/api/v1/namespaces/dev/configmaps/x").Body("application/yaml", []byte("a: b")).Do(ctx)
	if got := f.last(); got.ContentType != "application/yaml" || got.Body != "a: b" || got.Accept != "application/json" {
		t.Errorf("Body: %+v", got)
	}
	_, err := c.Verb(http.MethodPost).AbsPath("/x").JSON(func() {}).Do(ctx)
	if err == nil || !strings.Contains(err.Error(), "encoding the request body") {
		t.Errorf("an unencodable body: %v", err)
	}
}

func TestResourceVerbs(t *testing.T) {
	ctx := context.Background()
	grace := int64(0)
	tail := int64(10)
	for _, tc := range []struct {
		name string
		call func(r *client.Resource) error
		want recorded // Path, Query, Method, ContentType, Body (when not "")
	}{
		{"get", func(r *client.Resource) error {
			_, err := r.Get(ctx, "web-1", client.GetOptions{ResourceVersion: "0"})
			return err
		}, recorded{Method: "GET", Path: "/api/v1/namespaces/dev/pods/web-1", Query: "resourceVersion=0", Accept: "application/json"}},
		{"get status as a table", func(r *client.Resource) error {
			_, err := r.Get(ctx, "web-1", client.GetOptions{Subresource: "status", Accept: client.AcceptTable})
			return err
		}, recorded{Method: "GET", Path: "/api/v1/namespaces/dev/pods/web-1/status", Accept: client.AcceptTable}},
		{"list", func(r *client.Resource) error {
			_, err := r.List(ctx, client.ListOptions{LabelSelector: "app=web", FieldSelector: "status.phase=Running"}, func([]byte) error { return nil })
			return err
		}, recorded{Method: "GET", Path: "/api/v1/namespaces/dev/pods", Query: "fieldSelector=status.phase%3DRunning&labelSelector=app%3Dweb&limit=500"}},
		{"create", func(r *client.Resource) error {
			_, err := r.Create(ctx, []byte(`{"metadata":{"name":"n"}}`), client.WriteOptions{FieldManager: "m", DryRun: true, FieldValidation: "Strict"})
			return err
		}, recorded{Method: "POST", Path: "/api/v1/namespaces/dev/pods", Query: "dryRun=All&fieldManager=m&fieldValidation=Strict",
			ContentType: "application/json", Body: `{"metadata":{"name":"n"}}`}},
		{"replace status", func(r *client.Resource) error {
			_, err := r.Replace(ctx, "web-1", []byte(`{"metadata":{"name":"web-1"}}`), client.WriteOptions{Subresource: "status"})
			return err
		}, recorded{Method: "PUT", Path: "/api/v1/namespaces/dev/pods/web-1/status", ContentType: "application/json", Body: `{"metadata":{"name":"web-1"}}`}},
		{"apply patch", func(r *client.Resource) error {
			_, err := r.Patch(ctx, "web-1", client.Apply(map[string]any{"apiVersion": "v1", "kind": "Pod"}), client.PatchOptions{FieldManager: "m", Force: true})
			return err
		}, recorded{Method: "PATCH", Path: "/api/v1/namespaces/dev/pods/web-1", Query: "fieldManager=m&force=true",
			ContentType: "application/apply-patch+yaml", Body: `{"apiVersion":"v1","kind":"Pod"}`}},
		{"merge patch", func(r *client.Resource) error {
			_, err := r.Patch(ctx, "web-1", client.Merge(map[string]any{"a": nil}), client.PatchOptions{})
			return err
		}, recorded{Method: "PATCH", Path: "/api/v1/namespaces/dev/pods/web-1", ContentType: "application/merge-patch+json", Body: `{"a":null}`}},
		{"strategic patch", func(r *client.Resource) error {
			_, err := r.Patch(ctx, "web-1", client.Strategic(json.RawMessage(`{"b":1}`)), client.PatchOptions{DryRun: true})
			return err
		}, recorded{Method: "PATCH", Path: "/api/v1/namespaces/dev/pods/web-1", Query: "dryRun=All", ContentType: "application/strategic-merge-patch+json", Body: `{"b":1}`}},
		{"json patch", func(r *client.Resource) error {
			_, err := r.Patch(ctx, "web-1", client.JSONOps(client.PatchOp{Op: "remove", Path: "/metadata/labels"}), client.PatchOptions{})
			return err
		}, recorded{Method: "PATCH", Path: "/api/v1/namespaces/dev/pods/web-1", ContentType: "application/json-patch+json", Body: `[{"op":"remove","path":"/metadata/labels"}]`}},
		{"delete", func(r *client.Resource) error {
			_, err := r.Delete(ctx, "web-1", client.DeleteOptions{Propagation: client.Foreground, GracePeriodSeconds: &grace})
			return err
		}, recorded{Method: "DELETE", Path: "/api/v1/namespaces/dev/pods/web-1", ContentType: "application/json",
			Body: `{"apiVersion":"v1","gracePeriodSeconds":0,"kind":"DeleteOptions","propagationPolicy":"Foreground"}`}},
		{"delete collection", func(r *client.Resource) error {
			return r.DeleteCollection(ctx, client.ListOptions{LabelSelector: "app=web"}, client.DeleteOptions{DryRun: true})
		}, recorded{Method: "DELETE", Path: "/api/v1/namespaces/dev/pods", Query: "labelSelector=app%3Dweb", ContentType: "application/json",
			Body: `{"apiVersion":"v1","dryRun":["All"],"kind":"DeleteOptions"}`}},
		{"evict", func(r *client.Resource) error {
			return r.Evict(ctx, "web-1", client.DeleteOptions{})
		}, recorded{Method: "POST", Path: "/api/v1/namespaces/dev/pods/web-1/eviction", ContentType: "application/json",
			Body: `{"apiVersion":"policy/v1","deleteOptions":{"apiVersion":"v1","kind":"DeleteOptions"},"kind":"Eviction","metadata":{"name":"web-1","namespace":"dev"}}`}},
		{"logs", func(r *client.Resource) error {
			rc, err := r.Logs(ctx, "web-1", client.LogOptions{Container: "c", Follow: true, Timestamps: true, SinceSeconds: 60, TailLines: &tail, LimitBytes: 100})
			if err == nil {
				b, _ := io.ReadAll(rc)
				rc.Close()
				if string(b) != "log of web-1\n" {
					return fmt.Errorf("log %q", b)
				}
			}
			return err
		}, recorded{Method: "GET", Path: "/api/v1/namespaces/dev/pods/web-1/log", Accept: "*/*",
			Query: "container=c&follow=true&limitBytes=100&sinceSeconds=60&tailLines=10&timestamps=true"}},
		{"open watch", func(r *client.Resource) error {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			rc, err := r.OpenWatch(ctx, client.AcceptJSON, client.ListOptions{LabelSelector: "a=b", Limit: 5}, "7", false)
			if err == nil {
				rc.Close()
			}
			return err
		}, recorded{Method: "GET", Path: "/api/v1/namespaces/dev/pods", Query: "allowWatchBookmarks=true&labelSelector=a%3Db&resourceVersion=7&watch=true"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, f := newTestClient(t)
			if err := tc.call(c.Resource(podsType, "dev")); err != nil {
				t.Fatal(err)
			}
			got := f.last()
			if tc.want.Accept == "" {
				got.Accept = ""
			}
			got.UserAgent, got.Authorization = "", ""
			if tc.want.Body == "" && tc.want.ContentType == "" {
				got.Body = ""
			}
			if got != tc.want {
				t.Errorf("sent  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestScale(t *testing.T) {
	c, f := newTestClient(t)
	r := c.Resource(deplType, "dev")
	s, err := r.GetScale(t.Context(), "web")
	if err != nil || s.Spec.Replicas != 2 || s.Kind != "Scale" {
		t.Fatalf("GetScale: %+v, %v", s, err)
	}
	if _, err := r.Scale(t.Context(), "web", 4, client.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); got.Method != "PATCH" || got.Path != "/apis/apps/v1/namespaces/dev/deployments/web/scale" ||
		got.ContentType != "application/merge-patch+json" || got.Body != `{"spec":{"replicas":4}}` {
		t.Errorf("Scale sent %+v", got)
	}
}

func TestDeleteOptionsBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    client.DeleteOptions
		want string
	}{
		{"zero", client.DeleteOptions{}, `{"apiVersion":"v1","kind":"DeleteOptions"}`},
		{"orphan", client.DeleteOptions{Propagation: client.Orphan}, `{"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Orphan"}`},
		{"preconditions", client.DeleteOptions{UID: "u", ResourceVersion: "5"},
			`{"apiVersion":"v1","kind":"DeleteOptions","preconditions":{"resourceVersion":"5","uid":"u"}}`},
		{"uid only", client.DeleteOptions{UID: "u"}, `{"apiVersion":"v1","kind":"DeleteOptions","preconditions":{"uid":"u"}}`},
		{"grace and dry run", client.DeleteOptions{GracePeriodSeconds: ptr(int64(30)), DryRun: true, Propagation: client.Background},
			`{"apiVersion":"v1","dryRun":["All"],"gracePeriodSeconds":30,"kind":"DeleteOptions","propagationPolicy":"Background"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, f := newTestClient(t)
			if _, err := c.Resource(podsType, "dev").Delete(t.Context(), "web-1", tc.o); err != nil {
				t.Fatal(err)
			}
			if got := f.last().Body; got != tc.want {
				t.Errorf("body %s\nwant %s", got, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestPatchConstructors(t *testing.T) {
	for _, tc := range []struct {
		p        client.Patch
		typ      client.PatchType
		ct, data string
	}{
		{client.Apply(map[string]string{"kind": "Pod"}), client.PatchApply, "application/apply-patch+yaml", `{"kind":"Pod"}`},
		{client.Merge([]byte(`{"a":1}`)), client.PatchMerge, "application/merge-patch+json", `{"a":1}`},
		{client.Strategic(map[string]int{"b": 2}), client.PatchStrategic, "application/strategic-merge-patch+json", `{"b":2}`},
		{client.JSONOps(client.PatchOp{Op: "move", From: "/a", Path: "/b"}, client.PatchOp{Op: "add", Path: "/c", Value: 0}),
			client.PatchJSON, "application/json-patch+json", `[{"op":"move","path":"/b","from":"/a"},{"op":"add","path":"/c","value":0}]`},
	} {
		if tc.p.Type != tc.typ || tc.p.Type.ContentType() != tc.ct || string(tc.p.Data) != tc.data {
			t.Errorf("%s: %s %s %s, want %s %s", tc.typ, tc.p.Type, tc.p.Type.ContentType(), tc.p.Data, tc.ct, tc.data)
		}
	}

	c, _ := newTestClient(t)
	_, err := c.Resource(podsType, "dev").Patch(t.Context(), "web-1", client.Merge(func() {}), client.PatchOptions{})
	if err == nil || !strings.Contains(err.Error(), "encoding the merge patch") {
		t.Errorf("an unencodable patch: %v", err)
	}
	_, err = c.Resource(podsType, "dev").Patch(t.Context(), "web-1", client.Patch{Type: "nope"}, client.PatchOptions{})
	if err == nil || !strings.Contains(err.Error(), `not "nope"`) {
		t.Errorf("an unknown patch type: %v", err)
	}
}

func TestNewPatch(t *testing.T) {
	for _, tc := range []struct {
		typ     client.PatchType
		in      string
		want    string // the JSON, or the error's start
		wantErr bool
	}{
		{client.PatchMerge, `{"spec": {"replicas": 3}}`, `{"spec":{"replicas":3}}`, false},
		{client.PatchStrategic, "spec:\n  replicas: 3\n", `{"spec":{"replicas":3}}`, false},
		{client.PatchApply, "apiVersion: v1\nkind: ConfigMap\n", `{"apiVersion":"v1","kind":"ConfigMap"}`, false},
		{client.PatchJSON, `[{"op": "remove", "path": "/a"}]`, `[{"op":"remove","path":"/a"}]`, false},
		{client.PatchJSON, `{"op": "remove"}`, "a JSON patch must be an array", true},
		{client.PatchJSON, `[{"op": "remove"}]`, `operation 0 of the JSON patch has no "op" or no "path"`, true},
		{client.PatchMerge, `[1, 2]`, "a merge patch must be an object", true},
		{client.PatchMerge, ``, "a merge patch must be an object", true},
		{client.PatchMerge, "{a: [", "unable to parse", true},
		{"xml", `{}`, `patch type must be one of [json merge strategic apply], not "xml"`, true},
	} {
		p, err := client.NewPatch(tc.typ, []byte(tc.in))
		switch {
		case tc.wantErr && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("NewPatch(%s, %q): err %v, want %q", tc.typ, tc.in, err, tc.want)
		case !tc.wantErr && (err != nil || string(p.Data) != tc.want || p.Type != tc.typ):
			t.Errorf("NewPatch(%s, %q) = %s %s, %v; want %s", tc.typ, tc.in, p.Type, p.Data, err, tc.want)
		}
	}
}

func TestConflictCauses(t *testing.T) {
	conflict := &client.StatusError{Code: 409, Reason: "Conflict", Details: &client.StatusDetails{Causes: []client.StatusCause{
		{Type: "FieldManagerConflict", Field: ".data.a", Message: `conflict with "kubectl-client-side-apply" using v1`},
		{Type: "FieldManagerConflict", Field: ".status.x", Message: `conflict with "ctrl \"q\"" with subresource "status" using v1`},
		{Type: "FieldValueInvalid", Field: ".spec"},
		{Type: "FieldManagerConflict", Field: ".data.b", Message: "something else"},
	}}}
	got, ok := client.ConflictCauses(fmt.Errorf("applying: %w", conflict))
	want := []client.FieldConflict{
		{Field: ".data.a", Manager: "kubectl-client-side-apply", Message: `conflict with "kubectl-client-side-apply" using v1`},
		{Field: ".status.x", Manager: `ctrl "q"`, Message: `conflict with "ctrl \"q\"" with subresource "status" using v1`},
		{Field: ".data.b", Message: "something else"},
	}
	if !ok || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ConflictCauses = %q, %v\nwant %q", got, ok, want)
	}
	for _, err := range []error{nil, errors.New("x"), &client.StatusError{Code: 409}, &client.StatusError{Code: 422, Details: conflict.Details}} {
		if _, ok := client.ConflictCauses(err); ok {
			t.Errorf("ConflictCauses(%#v) is ok", err)
		}
	}
}

// Wrapped is a type of the caller's that names its kind, with a pointer receiver.
type Wrapped struct {
	Metadata client.Meta `json:"metadata"`
}

func (*Wrapped) APIVersionKind() (string, string) { return "apps/v1", "Deployment" }

// Unknown is a type nothing tells the kind of.
type Unknown struct {
	APIVersion string      `json:"apiVersion,omitempty"`
	Kind       string      `json:"kind,omitempty"`
	Metadata   client.Meta `json:"metadata"`
}

func TestAPIFindsItsResource(t *testing.T) {
	list := func(t *testing.T, c *client.Client, f *fakeAPI, list func() error, wantPath string) {
		t.Helper()
		if err := list(); err != nil {
			t.Fatal(err)
		}
		if got := f.last().Path; got != wantPath {
			t.Errorf("listed %s, want %s", got, wantPath)
		}
	}
	c, f := newTestClient(t)
	ctx := t.Context()
	lo := client.ListOptions{}
	t.Run("core/v1 Pod", func(t *testing.T) {
		list(t, c, f, func() error { _, err := client.NewAPI[corev1.Pod](c, "dev").List(ctx, lo); return err }, "/api/v1/namespaces/dev/pods")
	})
	t.Run("apps/v1 Deployment", func(t *testing.T) {
		list(t, c, f, func() error { _, err := client.NewAPI[appsv1.Deployment](c, "dev").List(ctx, lo); return err }, "/apis/apps/v1/namespaces/dev/deployments")
	})
	t.Run("rbac/v1 Role is rbac.authorization.k8s.io", func(t *testing.T) {
		list(t, c, f, func() error { _, err := client.NewAPI[rbacv1.Role](c, "dev").List(ctx, lo); return err }, "/apis/rbac.authorization.k8s.io/v1/namespaces/dev/roles")
	})
	t.Run("cluster-scoped ignores the namespace", func(t *testing.T) {
		list(t, c, f, func() error { _, err := client.NewAPI[rbacv1.ClusterRole](c, "dev").List(ctx, lo); return err }, "/apis/rbac.authorization.k8s.io/v1/clusterroles")
	})
	t.Run("every namespace", func(t *testing.T) {
		list(t, c, f, func() error { _, err := client.NewAPI[corev1.Pod](c, "").List(ctx, lo); return err }, "/api/v1/pods")
	})
	t.Run("Kinded with a value receiver", func(t *testing.T) {
		list(t, c, f, func() error { _, err := client.NewAPI[CronTab](c, "dev").List(ctx, lo); return err }, "/apis/stable.example.com/v1/namespaces/dev/crontabs")
	})
	t.Run("Kinded with a pointer receiver", func(t *testing.T) {
		list(t, c, f, func() error { _, err := client.NewAPI[Wrapped](c, "dev").List(ctx, lo); return err }, "/apis/apps/v1/namespaces/dev/deployments")
	})
	t.Run("ForKind", func(t *testing.T) {
		list(t, c, f, func() error {
			_, err := client.NewAPI[Unknown](c, "dev", client.ForKind("v1", "ConfigMap")).List(ctx, lo)
			return err
		}, "/api/v1/namespaces/dev/configmaps")
	})
	t.Run("ForResource needs no discovery", func(t *testing.T) {
		c, err := client.Load(client.WithKubeconfig("testdata/kubeconfig"), client.WithCacheDir(""),
			client.WithTransport(roundTripperFunc(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path != "/api/v1/namespaces/dev/configmaps" {
					return nil, fmt.Errorf("unexpected request %s", r.URL)
				}
				return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(strings.NewReader(`{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"x"}}]}`))}, nil
			})))
		if err != nil {
			t.Fatal(err)
		}
		got, err := client.NewAPI[corev1.ConfigMap](c, "dev", client.ForResource(cmType)).List(ctx, lo)
		if err != nil || len(got) != 1 || got[0].Name != "x" {
			t.Errorf("List = %v, %v", got, err)
		}
	})
	t.Run("the object's apiVersion and kind", func(t *testing.T) {
		objs := client.NewAPI[Unknown](c, "dev")
		if _, err := objs.Create(ctx, &Unknown{APIVersion: "apps/v1", Kind: "Deployment", Metadata: client.Meta{Name: "new"}}, client.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := f.last(); got.Method != "POST" || got.Path != "/apis/apps/v1/namespaces/dev/deployments" {
			t.Errorf("created with %s %s", got.Method, got.Path)
		}
		// Found once, the resource serves every later verb.
		if _, err := objs.Get(ctx, "new"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the object's namespace when the API has none", func(t *testing.T) {
		objs := client.NewAPI[client.Object](c, "")
		obj := client.Object{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "n", "namespace": "staging"}}
		if _, err := objs.Create(ctx, &obj, client.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := f.last().Path; got != "/api/v1/namespaces/staging/configmaps" {
			t.Errorf("created at %s", got)
		}
	})
	t.Run("nothing tells", func(t *testing.T) {
		_, err := client.NewAPI[Unknown](c, "dev").Get(ctx, "x")
		if err == nil || !strings.Contains(err.Error(), "cannot tell which resource serves Go type client_test.Unknown") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a kind the server does not serve", func(t *testing.T) {
		_, err := client.NewAPI[corev1.Service](c, "dev").Get(ctx, "x")
		if err == nil || err.Error() != `no matches for kind "Service" in version "v1"` {
			t.Errorf("err = %v", err)
		}
	})
}

// pagedCluster holds n ConfigMaps in dev.
func pagedClient(t *testing.T, n int) (*client.Client, *fakeAPI) {
	c, f := newTestClient(t)
	for i := range n {
		f.addJSON("configmaps", fmt.Sprintf(`{"metadata":{"name":"cm-%02d","namespace":"dev"}}`, i))
	}
	return c, f
}

func listQueries(f *fakeAPI, path string) []string {
	var qs []string
	for _, r := range f.reqs() {
		if r.Method == "GET" && r.Path == path {
			qs = append(qs, r.Query)
		}
	}
	return qs
}

func TestListPaging(t *testing.T) {
	const path = "/api/v1/namespaces/dev/configmaps"
	t.Run("API.List follows continue tokens", func(t *testing.T) {
		c, f := pagedClient(t, 5)
		got, err := client.NewAPI[corev1.ConfigMap](c, "dev").List(t.Context(), client.ListOptions{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, cm := range got {
			names = append(names, cm.Name)
		}
		if strings.Join(names, " ") != "cm-00 cm-01 cm-02 cm-03 cm-04 settings" {
			t.Errorf("items %v", names)
		}
		if qs := listQueries(f, path); strings.Join(qs, " ") != "limit=2 continue=2&limit=2 continue=4&limit=2" {
			t.Errorf("queries %q", qs)
		}
	})
	t.Run("metadata after the items", func(t *testing.T) {
		// A server (or proxy) that sends the list's metadata last: the continue token still counts.
		c, f := pagedClient(t, 0)
		f.handle = func(w http.ResponseWriter, r *http.Request) bool {
			cont := r.URL.Query().Get("continue")
			next := map[string]string{"": `,"continue":"p2"`, "p2": `,"continue":"p3"`}[cont]
			fmt.Fprintf(w, `{"kind":"ConfigMapList","apiVersion":"v1","items":[{"metadata":{"name":"from-%s"}}],"metadata":{"resourceVersion":"9"%s}}`, cont, next)
			return true
		}
		got, err := client.NewAPI[corev1.ConfigMap](c, "dev").List(t.Context(), client.ListOptions{Limit: 1})
		var names []string
		for _, cm := range got {
			names = append(names, cm.Name)
		}
		if err != nil || strings.Join(names, " ") != "from- from-p2 from-p3" {
			t.Errorf("items %v, %v", names, err)
		}
	})
	t.Run("Resource.Items", func(t *testing.T) {
		c, f := pagedClient(t, 3)
		var names []string
		for raw, err := range c.Resource(cmType, "dev").Items(t.Context(), client.ListOptions{Limit: 3}) {
			if err != nil {
				t.Fatal(err)
			}
			var o client.Object
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Fatal(err)
			}
			names = append(names, o.Name())
		}
		if strings.Join(names, " ") != "cm-00 cm-01 cm-02 settings" {
			t.Errorf("items %v", names)
		}
		if qs := listQueries(f, path); len(qs) != 2 {
			t.Errorf("queries %q", qs)
		}
	})
	t.Run("Resource.List pages by 500", func(t *testing.T) {
		c, f := pagedClient(t, 1)
		n := 0
		rv, err := c.Resource(cmType, "dev").List(t.Context(), client.ListOptions{}, func([]byte) error { n++; return nil })
		if err != nil || n != 2 || rv == "" {
			t.Errorf("List: %d items, resourceVersion %q, %v", n, rv, err)
		}
		if qs := listQueries(f, path); strings.Join(qs, " ") != "limit=500" {
			t.Errorf("queries %q", qs)
		}
	})
	t.Run("Each stops early", func(t *testing.T) {
		c, f := pagedClient(t, 9)
		var names []string
		for cm, err := range client.NewAPI[corev1.ConfigMap](c, "dev").Each(t.Context(), client.ListOptions{Limit: 2}) {
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, cm.Name)
			if len(names) == 3 {
				break
			}
		}
		if strings.Join(names, " ") != "cm-00 cm-01 cm-02" {
			t.Errorf("items %v", names)
		}
		// A page is decoded while the next travels, and that one's header asks for the one after: at most
		// two pages beyond the one it stopped in (the second of five) are asked for, never the rest.
		if qs := listQueries(f, path); len(qs) > 4 {
			t.Errorf("%d list requests after stopping in the second page: %q", len(qs), qs)
		}
	})
	t.Run("Each yields the error once", func(t *testing.T) {
		c, f := pagedClient(t, 0)
		f.handle = func(w http.ResponseWriter, r *http.Request) bool {
			status(w, http.StatusForbidden, "Forbidden", `configmaps is forbidden: User "dev" cannot list resource "configmaps"`, nil)
			return true
		}
		var errs []error
		for cm, err := range client.NewAPI[corev1.ConfigMap](c, "dev").Each(t.Context(), client.ListOptions{}) {
			if cm != nil {
				t.Errorf("an item %v", cm)
			}
			errs = append(errs, err)
		}
		if len(errs) != 1 || !client.IsForbidden(errs[0]) {
			t.Errorf("errors %v", errs)
		}
	})
}

func TestErrors(t *testing.T) {
	c, f := newTestClient(t)
	ctx := t.Context()
	cms := client.NewAPI[corev1.ConfigMap](c, "dev")

	_, err := cms.Get(ctx, "missing")
	var se *client.StatusError
	if !errors.As(err, &se) || se.Code != 404 || !client.IsNotFound(err) || err.Error() != `configmaps "missing" not found` {
		t.Errorf("Get of a missing object: %#v", err)
	}
	_, err = cms.Create(ctx, &corev1.ConfigMap{TypeMeta: typeMeta("v1", "ConfigMap"), ObjectMeta: objectMeta("settings")}, client.WriteOptions{})
	if !client.IsAlreadyExists(err) {
		t.Errorf("Create of an existing object: %v", err)
	}
	cur, err := cms.Get(ctx, "settings")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Replace(ctx, cur, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err = cms.Replace(ctx, cur, client.WriteOptions{}); !client.IsConflict(err) { // cur's resourceVersion is stale now
		t.Errorf("Replace with a stale resourceVersion: %v", err)
	}
	f.handle = func(w http.ResponseWriter, r *http.Request) bool {
		status(w, http.StatusGone, "Expired", "too old resource version: 1 (5)", nil)
		return true
	}
	if _, err := cms.List(ctx, client.ListOptions{}); !client.IsGone(err) {
		t.Errorf("410: %v", err)
	}
	f.handle = func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "boom")
		return true
	}
	_, err = cms.Get(ctx, "settings")
	if !errors.As(err, &se) || se.Code != 500 {
		t.Errorf("a 500 without a Status: %#v", err)
	}
	f.handle = nil
	bad := client.NewAPI[corev1.Pod](c, "dev")
	f.addJSON("pods", `{"metadata":{"name":"odd","namespace":"dev"},"spec":{"containers":"not a list"}}`)
	if _, err := bad.Get(ctx, "odd"); err == nil || !strings.Contains(err.Error(), "decoding v1.Pod") {
		t.Errorf("an undecodable object: %v", err)
	}
}

func TestAPIVerbs(t *testing.T) {
	c, f := newTestClient(t)
	ctx := t.Context()
	deps := client.NewAPI[appsv1.Deployment](c, "dev")

	d, err := deps.Get(ctx, "web")
	if err != nil || *d.Spec.Replicas != 2 {
		t.Fatalf("Get: %v %v", d, err)
	}
	d.Spec.Replicas = ptr(int32(6))
	if d, err = deps.Replace(ctx, d, client.WriteOptions{FieldManager: "m"}); err != nil || *d.Spec.Replicas != 6 {
		t.Fatalf("Replace: %v", err)
	}
	if got := f.last(); got.Method != "PUT" || got.Path != "/apis/apps/v1/namespaces/dev/deployments/web" || got.Query != "fieldManager=m" {
		t.Errorf("Replace sent %+v", got)
	}
	if _, err := deps.ReplaceStatus(ctx, d, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); got.Method != "PUT" || got.Path != "/apis/apps/v1/namespaces/dev/deployments/web/status" {
		t.Errorf("ReplaceStatus sent %+v", got)
	}
	if _, err := deps.PatchStatus(ctx, "web", client.Merge(map[string]any{"status": map[string]int{"replicas": 6}}), client.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); got.Method != "PATCH" || got.Path != "/apis/apps/v1/namespaces/dev/deployments/web/status" {
		t.Errorf("PatchStatus sent %+v", got)
	}
	if _, err := deps.GetStatus(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); got.Path != "/apis/apps/v1/namespaces/dev/deployments/web/status" {
		t.Errorf("GetStatus sent %+v", got)
	}
	if err := deps.DeleteCollection(ctx, client.ListOptions{LabelSelector: "x=y"}, client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); got.Method != "DELETE" || got.Path != "/apis/apps/v1/namespaces/dev/deployments" || got.Query != "labelSelector=x%3Dy" {
		t.Errorf("DeleteCollection sent %+v", got)
	}
	if _, err := deps.Create(ctx, nil, client.WriteOptions{}); err == nil {
		t.Error("Create(nil) did not fail")
	}
}

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

func objectMeta(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name} }

// TestMiddlewareAboveCompression: the caller's layers see requests and answers as the caller does, the
// body decoded, as the chain's order says.
func TestMiddlewareAboveCompression(t *testing.T) {
	var seen []string
	mw := func(next http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body = io.NopCloser(bytes.NewReader(b))
				seen = append(seen, fmt.Sprintf("accept-encoding=%q content-encoding=%q body=%s",
					r.Header.Get("Accept-Encoding"), resp.Header.Get("Content-Encoding"), b))
			}
			return resp, err
		})
	}
	gzipping := roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(`{"major":"1"}`))
		zw.Close()
		h := http.Header{"Content-Type": {"application/json"}}
		body := io.Reader(strings.NewReader(`{"major":"1"}`))
		if r.Header.Get("Accept-Encoding") == "gzip" {
			h.Set("Content-Encoding", "gzip")
			body = &b
		}
		return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(body)}, nil
	})
	c, err := client.Load(client.WithKubeconfig("testdata/kubeconfig"), client.WithTransport(gzipping), client.WithMiddleware(mw))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Verb(http.MethodGet).AbsPath("/version").Do(t.Context())
	if err != nil || string(b) != `{"major":"1"}` {
		t.Fatalf("Do = %s, %v", b, err)
	}
	if want := `accept-encoding="" content-encoding="" body={"major":"1"}`; len(seen) != 1 || seen[0] != want {
		t.Errorf("the middleware saw %q, want %q", seen, want)
	}
}
