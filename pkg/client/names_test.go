package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/config"
)

// namesServer answers every request with body and records each request's path and query and Accept.
func namesServer(t *testing.T, body string) (*client.Client, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RequestURI(), r.Header.Get("Accept"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(&config.Resolved{Server: srv.URL}, client.WithCacheDir(""))
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

func TestResourceListNames(t *testing.T) {
	table := `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"},
		"columnDefinitions":[{"name":"Name","type":"string","format":"name"},{"name":"Status","type":"string"}],
		"rows":[{"cells":["default","Active"]},{"cells":["kube-system","Active"]}]}`
	c, seen := namesServer(t, table)
	names, err := c.Namespaces().ListNames(context.Background(), client.ListOptions{Limit: 500, LabelSelector: "a=b"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"default", "kube-system"}; !slices.Equal(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}
	got := seen()
	if want := "/api/v1/namespaces?includeObject=None&labelSelector=a%3Db&limit=500"; len(got) < 2 || got[0] != want {
		t.Errorf("request = %q, want %q", got, want)
	} else if got[1] != "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json" {
		t.Errorf("Accept = %q", got[1])
	}
}

func TestGetOptions(t *testing.T) {
	c, seen := namesServer(t, `{"kind":"Namespace","metadata":{"name":"web"}}`)
	ctx := context.Background()
	if _, err := c.Namespaces().Get(ctx, "web", client.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	pods := c.Resource(discovery.Resource{Version: "v1", Name: "pods", Kind: "Pod", Namespaced: true}, "dev")
	if _, err := pods.Get(ctx, "p1", client.GetOptions{Accept: client.AcceptTable, IncludeObject: "None"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "p1", client.GetOptions{Subresource: "status", ResourceVersion: "0"}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/api/v1/namespaces/web", client.AcceptJSON,
		"/api/v1/namespaces/dev/pods/p1?includeObject=None", client.AcceptTable,
		"/api/v1/namespaces/dev/pods/p1/status?resourceVersion=0", client.AcceptJSON,
	}
	if got := seen(); !slices.Equal(got, want) {
		t.Errorf("requests:\n got %q\nwant %q", got, want)
	}
}
