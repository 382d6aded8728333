package fakeapi

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// do sends one request; header is "Accept" for GET and "Content-Type" otherwise.
func do(t *testing.T, s *Server, method, path, header, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodGet {
		req.Header.Set("Accept", header)
	} else if header != "" {
		req.Header.Set("Content-Type", header)
	}
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const pod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}`

func TestRequests(t *testing.T) {
	s := Start(t)
	s.Seed(pod, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"db","namespace":"other"}}`,
		`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1}}`)
	const pods = "/api/v1/namespaces/default/pods"
	tests := []struct {
		name, method, path, header, body string
		wantCode                         int
		want                             []string // substrings of the answer
	}{
		{"version", "GET", "/version", "", "", 200, []string{`"gitVersion"`}},
		{"aggregated", "GET", "/apis", aggregatedType, "", 200, []string{`"apidiscovery.k8s.io/v2"`, `"deployments"`}},
		{"legacy", "GET", "/api/v1", "application/json", "", 200, []string{`"APIResourceList"`, `"pods"`}},
		{"unknown path", "GET", "/apis/nope/v1/things", "", "", 404, []string{`"message":"the server could not find the requested resource"`}},
		{"get", "GET", pods + "/web", "", "", 200, []string{`"uid":"`, `"resourceVersion":"`, `"generation":1`, `"creationTimestamp":"`}},
		{"not found", "GET", pods + "/nope", "", "", 404, []string{`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404}`}},
		{"not found in a group", "GET", "/apis/apps/v1/namespaces/default/deployments/nope", "", "", 404, []string{`"message":"deployments.apps \"nope\" not found"`, `"details":{"name":"nope","group":"apps","kind":"deployments"}`}},
		{"already exists", "POST", pods, "application/json", pod, 409, []string{`"message":"pods \"web\" already exists","reason":"AlreadyExists"`}},
		{"no namespace", "POST", "/api/v1/namespaces/nope/pods", "application/json", pod, 404, []string{`namespaces \"nope\" not found`}},
		{"dry run", "POST", pods + "?dryRun=All", "application/json", strings.Replace(pod, `"web"`, `"dry"`, 1), 201, []string{`"name":"dry"`}},
		{"dry run stored nothing", "GET", pods + "/dry", "", "", 404, nil},
		{"list all namespaces", "GET", "/api/v1/pods", "", "", 200, []string{`"kind":"PodList"`, `"name":"db"`, `"name":"web"`}},
		{"label selector", "GET", pods + "?labelSelector=app%3Dweb", "", "", 200, []string{`"name":"web"`}},
		{"label selector no match", "GET", "/api/v1/pods?labelSelector=app%21%3Dweb", "", "", 200, []string{`"name":"db"`}},
		{"field selector", "GET", "/api/v1/pods?fieldSelector=metadata.namespace%3Dother", "", "", 200, []string{`"name":"db"`}},
		{"paging", "GET", "/api/v1/pods?limit=1", "", "", 200, []string{`"continue":"`, `"remainingItemCount":1`, `"name":"web"`}},
		{"table", "GET", pods + "?includeObject=None", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", "", 200,
			[]string{`{"kind":"Table","apiVersion":"meta.k8s.io/v1"`, `"rows":[{"cells":["web","`}},
		{"table with metadata", "GET", pods + "/web", "application/json;as=Table;v=v1;g=meta.k8s.io", "", 200, []string{`"object":{"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadata"`}},
		{"not acceptable", "GET", pods, "application/yaml", "", 406, []string{`"reason":"NotAcceptable"`}},
		{"stale update", "PUT", pods + "/web", "application/json", strings.Replace(pod, `{"name"`, `{"resourceVersion":"1","name"`, 1), 409,
			[]string{`Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again`}},
		{"merge patch", "PATCH", "/apis/apps/v1/namespaces/default/deployments/web", "application/merge-patch+json", `{"spec":{"replicas":3}}`, 200, []string{`"replicas":3`, `"generation":2`}},
		{"json patch", "PATCH", pods + "/web", "application/json-patch+json", `[{"op":"add","path":"/metadata/labels/tier","value":"front"},{"op":"replace","path":"/spec/containers/0/image","value":"httpd"}]`, 200,
			[]string{`"tier":"front"`, `"image":"httpd"`}},
		{"apply creates", "PATCH", pods + "/new?fieldManager=test", "application/apply-patch+yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: new\n", 201, []string{`"name":"new"`, `"namespace":"default"`}},
		{"patch missing", "PATCH", pods + "/nope", "application/merge-patch+json", `{}`, 404, []string{`pods \"nope\" not found`}},
		{"delete", "DELETE", pods + "/new", "", "", 200, []string{`"name":"new"`}},
		{"deleted", "GET", pods + "/new", "", "", 404, nil},
		{"delete dry run", "DELETE", pods + "/web", "application/json", `{"dryRun":["All"]}`, 200, []string{`"name":"web"`}},
		{"delete collection", "DELETE", "/api/v1/namespaces/other/pods", "", "", 200, []string{`"status":"Success"`}},
		{"collection deleted", "GET", "/api/v1/pods", "", "", 200, []string{`"name":"web"`}},
	}
	for _, tt := range tests {
		code, body := do(t, s, tt.method, tt.path, tt.header, tt.body)
		ok := code == tt.wantCode
		for _, w := range tt.want {
			ok = ok && strings.Contains(body, w)
		}
		if tt.name == "collection deleted" || tt.name == "label selector" {
			ok = ok && !strings.Contains(body, `"name":"db"`)
		}
		if !ok {
			t.Errorf("%s: %s %s: %d %s\nwant %d and %q", tt.name, tt.method, tt.path, code, body, tt.wantCode, tt.want)
		}
	}
}

func TestDiscoveryETag(t *testing.T) {
	s := Start(t)
	req, _ := http.NewRequest("GET", s.URL+"/api", nil)
	req.Header.Set("Accept", aggregatedType)
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != aggregatedType || resp.Header.Get("ETag") == "" {
		t.Fatalf("headers %v", resp.Header)
	}
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, err = s.ts.Client().Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %v %v", resp.StatusCode, err)
	}
}

func TestPaging(t *testing.T) {
	s := Start(t)
	for _, n := range []string{"a", "b", "c"} {
		s.Seed(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"` + n + `"}}`)
	}
	var names []string
	cont := ""
	for range 5 {
		_, body := do(t, s, "GET", "/api/v1/namespaces/default/configmaps?limit=2&continue="+cont, "", "")
		var l struct {
			Metadata struct{ Continue string }
			Items    []struct{ Metadata struct{ Name string } }
		}
		if err := json.Unmarshal([]byte(body), &l); err != nil {
			t.Fatal(err)
		}
		for _, it := range l.Items {
			names = append(names, it.Metadata.Name)
		}
		if cont = l.Metadata.Continue; cont == "" {
			break
		}
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Errorf("pages: %v", names)
	}
}

func TestWatch(t *testing.T) {
	s := Start(t)
	s.Seed(pod)
	_, body := do(t, s, "GET", "/api/v1/namespaces/default/pods", "", "")
	var l struct {
		Metadata struct{ ResourceVersion string }
	}
	json.Unmarshal([]byte(body), &l)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dweb&resourceVersion="+l.Metadata.ResourceVersion, nil)
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	do(t, s, "PATCH", "/api/v1/namespaces/default/pods/web", "application/merge-patch+json", `{"metadata":{"labels":{"x":"y"}}}`)
	do(t, s, "POST", "/api/v1/namespaces/default/pods", "application/json", strings.Replace(pod, `"web"`, `"other"`, 1))
	do(t, s, "DELETE", "/api/v1/namespaces/default/pods/web", "", "")
	sc := bufio.NewScanner(resp.Body)
	var got []string
	for len(got) < 2 && sc.Scan() {
		var ev struct {
			Type   string
			Object struct {
				Metadata struct{ Name, ResourceVersion string }
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Type+" "+ev.Object.Metadata.Name)
	}
	if strings.Join(got, ",") != "MODIFIED web,DELETED web" {
		t.Errorf("events %v", got)
	}
}

func TestFinalizers(t *testing.T) {
	s := Start(t)
	s.Seed(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"f","finalizers":["x/y"]}}`)
	const path = "/api/v1/namespaces/default/configmaps/f"
	if code, body := do(t, s, "DELETE", path, "", ""); code != 200 || !strings.Contains(body, `"deletionTimestamp"`) {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, _ := do(t, s, "GET", path, "", ""); code != 200 {
		t.Fatalf("gone before its finalizer: %d", code)
	}
	do(t, s, "PATCH", path, "application/merge-patch+json", `{"metadata":{"finalizers":null}}`)
	if code, _ := do(t, s, "GET", path, "", ""); code != 404 {
		t.Fatalf("still there without finalizers: %d", code)
	}
}

func TestHandleAndRequests(t *testing.T) {
	s := Start(t)
	s.Handle("GET", "/api/v1/namespaces/default/pods", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	if code, _ := do(t, s, "GET", "/api/v1/namespaces/default/pods?limit=1", "", ""); code != 429 {
		t.Errorf("override: %d", code)
	}
	if code, _ := do(t, s, "GET", "/api/v1/namespaces", "", ""); code != 200 {
		t.Errorf("not overridden: %d", code)
	}
	got := s.Requests()
	if len(got) != 2 || got[0].String() != "GET /api/v1/namespaces/default/pods?limit=1" || got[1].String() != "GET /api/v1/namespaces" {
		t.Errorf("requests %v", got)
	}
}
