package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/config"
)

var podsResource = discovery.Resource{Version: "v1", Name: "pods", Kind: "Pod", Namespaced: true}

func testPods(n int) []corev1.Pod {
	pods := make([]corev1.Pod, n)
	for i := range pods {
		pods[i] = corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "web-" + string(rune('a'+i)), Namespace: "default",
				Labels: map[string]string{"app": "web"}, ResourceVersion: "7"},
			Spec: corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "web", Image: "nginx",
				Ports: []corev1.ContainerPort{{ContainerPort: 8080}}}}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning},
		}
	}
	return pods
}

// protobufList is a PodList as the API server sends it in protobuf: the magic, then a runtime.Unknown
// holding the list's own message.
func protobufList(t *testing.T, l *corev1.PodList) []byte {
	t.Helper()
	raw, err := l.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	u := runtime.Unknown{TypeMeta: runtime.TypeMeta{APIVersion: "v1", Kind: "PodList"}, Raw: raw}
	b, err := u.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte("k8s\x00"), b...)
}

// podServer serves pods two a page, each page as protobuf when the request offers it and asProtobuf says
// so for that page, else as JSON. It records the Accept headers it was sent.
func podServer(t *testing.T, pods []corev1.Pod, asProtobuf func(page int) bool) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var accepts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/pods" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		accepts = append(accepts, r.Header.Get("Accept"))
		mu.Unlock()
		page := 0
		if c := r.URL.Query().Get("continue"); c != "" {
			page = int(c[0] - '0')
		}
		l := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "42"}}
		end := min(len(pods), 2*page+2)
		l.Items = pods[2*page : end]
		if end < len(pods) {
			l.Continue = string(rune('0' + page + 1))
		}
		if asProtobuf(page) && strings.Contains(r.Header.Get("Accept"), client.AcceptProtobuf) {
			w.Header().Set("Content-Type", client.AcceptProtobuf)
			_, _ = w.Write(protobufList(t, l))
			return
		}
		l.Kind, l.APIVersion = "PodList", "v1"
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(l)
	}))
	t.Cleanup(srv.Close)
	return srv, &accepts
}

func TestAPIListProtobuf(t *testing.T) {
	pods := testPods(5)
	for _, tc := range []struct {
		name       string
		asProtobuf func(page int) bool
	}{
		{"protobuf", func(int) bool { return true }},
		{"json only", func(int) bool { return false }},
		{"mixed pages", func(page int) bool { return page%2 == 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, accepts := podServer(t, pods, tc.asProtobuf)
			c, err := client.New(&config.Resolved{Server: srv.URL}, client.WithCacheDir(t.TempDir()))
			if err != nil {
				t.Fatal(err)
			}
			api := client.NewAPI[corev1.Pod](c, "", client.ForResource(podsResource))
			got, err := api.List(context.Background(), client.ListOptions{Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(pods) {
				t.Fatalf("got %d pods, want %d", len(got), len(pods))
			}
			for i := range pods {
				g, w := got[i], pods[i]
				if g.Name != w.Name || g.Namespace != w.Namespace || g.Labels["app"] != "web" ||
					g.Spec.Containers[0].Ports[0].ContainerPort != 8080 || g.Status.Phase != corev1.PodRunning {
					t.Errorf("pod %d: got %+v, want %+v", i, g, w)
				}
			}
			if len(*accepts) != 3 {
				t.Fatalf("%d requests, want 3", len(*accepts))
			}
			for _, a := range *accepts {
				if !strings.HasPrefix(a, client.AcceptProtobuf+",") || !strings.Contains(a, "application/json") {
					t.Errorf("Accept %q: want protobuf first, JSON as the fallback", a)
				}
			}
		})
	}
}

// A type without its own protobuf decoding asks for JSON alone.
func TestAPIListJSONForPlainTypes(t *testing.T) {
	type pod struct {
		Metadata client.Meta `json:"metadata"`
	}
	srv, accepts := podServer(t, testPods(3), func(int) bool { return true })
	c, err := client.New(&config.Resolved{Server: srv.URL}, client.WithCacheDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for p, err := range client.NewAPI[pod](c, "", client.ForResource(podsResource)).Each(context.Background(), client.ListOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Metadata.Name)
	}
	if strings.Join(names, ",") != "web-a,web-b,web-c" {
		t.Errorf("names %v", names)
	}
	for _, a := range *accepts {
		if a != client.AcceptJSON {
			t.Errorf("Accept %q, want %q", a, client.AcceptJSON)
		}
	}
}
