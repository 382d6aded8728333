package discovery

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	ctV2      = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
	ctV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
	testdata  = "../../../testdata/apiresources/discovery"
)

// fakeServer serves discovery documents by path, answers If-None-Match with 304 for documents that
// have ETags (as the apiserver does for aggregated discovery), and records every request.
type fakeServer struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	docs     map[string]fakeDoc
	requests []string // "GET /apis 304"
}

type fakeDoc struct {
	contentType string
	body        []byte
	status      int  // 0 means 200
	etag        bool // send an ETag and honour If-None-Match
}

func newFakeServer(t *testing.T, docs map[string]fakeDoc) *fakeServer {
	f := &fakeServer{t: t, docs: docs}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	doc, ok := f.docs[r.URL.Path]
	f.mu.Unlock()
	status := http.StatusOK
	switch {
	case !ok:
		status = http.StatusNotFound
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}`)
	case doc.status != 0:
		status = doc.status
		w.WriteHeader(status)
		w.Write(doc.body)
	default:
		if doc.etag {
			etag := fmt.Sprintf(`"%X"`, sha256.Sum256(doc.body))
			w.Header().Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag {
				status = http.StatusNotModified
				w.WriteHeader(status)
				break
			}
		}
		w.Header().Set("Content-Type", doc.contentType)
		w.Write(doc.body)
	}
	f.mu.Lock()
	f.requests = append(f.requests, fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, status))
	f.mu.Unlock()
}

// take returns the requests seen since the last call, sorted (the two endpoints are fetched at once).
func (f *fakeServer) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	sort.Strings(r)
	return r
}

func (f *fakeServer) set(path string, doc fakeDoc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[path] = doc
}

func (f *fakeServer) doer() Doer {
	u, _ := url.Parse(f.srv.URL)
	return testDoer{u: u, c: f.srv.Client()}
}

// testDoer is the minimal Doer *client.Client is, over a plain http.Client.
type testDoer struct {
	u *url.URL
	c *http.Client
}

func (d testDoer) Server() *url.URL { return d.u }

func (d testDoer) NewRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, method, d.u.String()+path, body)
}

func (d testDoer) Do(req *http.Request) (*http.Response, error) { return d.c.Do(req) }

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// aggregatedDocs is the recorded cluster's aggregated discovery.
func aggregatedDocs(t *testing.T) map[string]fakeDoc {
	return map[string]fakeDoc{
		"/api":  {contentType: ctV2, body: readTestdata(t, "aggregated-api.json"), etag: true},
		"/apis": {contentType: ctV2, body: readTestdata(t, "aggregated-apis.json"), etag: true},
	}
}

// legacyDocs is the same cluster's legacy discovery, with no ETags.
func legacyDocs(t *testing.T) map[string]fakeDoc {
	var recorded map[string]json.RawMessage
	if err := json.Unmarshal(readTestdata(t, "legacy.json"), &recorded); err != nil {
		t.Fatal(err)
	}
	docs := map[string]fakeDoc{}
	for path, raw := range recorded {
		var failed struct {
			Status int    `json:"status"`
			Body   string `json:"body"`
		}
		if json.Unmarshal(raw, &failed) == nil && failed.Status != 0 {
			docs[path] = fakeDoc{status: failed.Status, body: []byte(failed.Body)}
			continue
		}
		docs[path] = fakeDoc{contentType: "application/json", body: raw}
	}
	return docs
}

// withGroup returns an aggregated /apis document with one more group, as a new CRD adds.
func withGroup(t *testing.T, apis []byte, group string) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(apis, &doc); err != nil {
		t.Fatal(err)
	}
	var g any
	if err := json.Unmarshal([]byte(group), &g); err != nil {
		t.Fatal(err)
	}
	doc["items"] = append(doc["items"].([]any), g)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const gadgetGroup = `{"metadata":{"name":"gadgets.example.io"},"versions":[{"version":"v1","freshness":"Current",
 "resources":[{"resource":"gadgets","responseKind":{"group":"","version":"","kind":"Gadget"},"scope":"Namespaced",
 "singularResource":"gadget","verbs":["get","list"],"shortNames":["gd"]}]}]}`

func find(rs []Resource, gv, name string) (Resource, bool) {
	for _, r := range rs {
		if r.GroupVersion().String() == gv && r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

func TestAggregated(t *testing.T) {
	srv := newFakeServer(t, aggregatedDocs(t))
	d := New(srv.doer(), t.TempDir())
	ctx := context.Background()

	groups, err := d.Groups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.take(); !reflect.DeepEqual(got, []string{"GET /api 200", "GET /apis 200"}) {
		t.Errorf("requests = %v", got)
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	if names[0] != "" || names[1] != "apiregistration.k8s.io" || names[len(names)-1] != "metrics.k8s.io" {
		t.Errorf("group order = %v", names)
	}
	want := map[string]Group{
		"autoscaling":    {Name: "autoscaling", Versions: []string{"v2", "v1"}, PreferredVersion: "v2"},
		"example.com":    {Name: "example.com", Versions: []string{"v1", "v1beta1"}, PreferredVersion: "v1"},
		"metrics.k8s.io": {Name: "metrics.k8s.io"}, // only a stale version
	}
	for _, g := range groups {
		if w, ok := want[g.Name]; ok && !reflect.DeepEqual(g, w) {
			t.Errorf("group %q = %+v, want %+v", g.Name, g, w)
		}
	}

	rs, err := d.Resources(ctx)
	var gde *GroupDiscoveryError
	if !errors.As(err, &gde) || len(gde.Failed) != 1 {
		t.Fatalf("Resources error = %v, want the stale metrics.k8s.io/v1beta1", err)
	}
	if want := "unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if gde.WithoutStale() != nil {
		t.Errorf("WithoutStale = %v, want nil", gde.WithoutStale())
	}
	if got := srv.take(); len(got) != 0 {
		t.Errorf("Resources after Groups sent %v, want nothing (already loaded)", got)
	}
	deploy, ok := find(rs, "apps/v1", "deployments")
	wantDeploy := Resource{
		Group: "apps", Version: "v1", Name: "deployments", SingularName: "deployment", Kind: "Deployment", Namespaced: true,
		Verbs:      []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"},
		ShortNames: []string{"deploy"}, Categories: []string{"all"},
		Subresources: []Subresource{
			{Name: "scale", Kind: "Scale", Verbs: []string{"get", "patch", "update"}},
			{Name: "status", Kind: "Deployment", Verbs: []string{"get", "patch", "update"}},
		},
	}
	if !ok || !reflect.DeepEqual(deploy, wantDeploy) {
		t.Errorf("deployments = %+v\nwant %+v", deploy, wantDeploy)
	}
	if ns, _ := find(rs, "v1", "namespaces"); ns.Namespaced || ns.Kind != "Namespace" {
		t.Errorf("namespaces = %+v", ns)
	}
	if _, ok := find(rs, "example.com/v1beta1", "widgets"); !ok {
		t.Error("non-preferred version example.com/v1beta1 not listed")
	}
	for _, r := range rs {
		if strings.Contains(r.Name, "/") {
			t.Errorf("subresource %s listed as a resource", r.Name)
		}
	}
}

func TestPreferredResources(t *testing.T) {
	srv := newFakeServer(t, aggregatedDocs(t))
	d := New(srv.doer(), "")
	rs, err := d.PreferredResources(context.Background())
	if err == nil {
		t.Error("want the stale group version reported")
	}
	count := map[string]int{}
	for _, r := range rs {
		count[r.GroupResource()]++
		if count[r.GroupResource()] > 1 {
			t.Errorf("%s listed twice", r.GroupResource())
		}
	}
	for gr, gv := range map[string]string{
		"horizontalpodautoscalers.autoscaling": "autoscaling/v2", // preferred version wins
		"widgets.example.com":                  "example.com/v1",
		"gizmos.example.com":                   "example.com/v1",
		"pods":                                 "v1",
	} {
		name, _, _ := strings.Cut(gr, ".")
		if _, ok := find(rs, gv, name); !ok {
			t.Errorf("%s not preferred in %s", gr, gv)
		}
	}
}

// A resource served only by a non-preferred version is still listed, in that version; a resource in
// several versions is listed in the preferred one even when another version comes first.
func TestPreferredResourcesVersionChoice(t *testing.T) {
	legacy := map[string]fakeDoc{
		"/api":  {contentType: "application/json", body: []byte(`{"versions":[]}`)},
		"/apis": {contentType: "application/json", body: []byte(`{"groups":[{"name":"g","versions":[{"groupVersion":"g/v1beta1","version":"v1beta1"},{"groupVersion":"g/v1","version":"v1"}],"preferredVersion":{"groupVersion":"g/v1","version":"v1"}}]}`)},
		"/apis/g/v1beta1": {contentType: "application/json", body: []byte(`{"groupVersion":"g/v1beta1","resources":[
			{"name":"both","singularName":"both","namespaced":true,"kind":"Both","verbs":["get"]},
			{"name":"old","singularName":"old","namespaced":true,"kind":"Old","verbs":["get"]}]}`)},
		"/apis/g/v1": {contentType: "application/json", body: []byte(`{"groupVersion":"g/v1","resources":[
			{"name":"both","singularName":"both","namespaced":true,"kind":"Both","verbs":["get"]}]}`)},
	}
	srv := newFakeServer(t, legacy)
	rs, err := New(srv.doer(), "").PreferredResources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.GroupVersion().String()+" "+r.Name)
	}
	if want := []string{"g/v1beta1 old", "g/v1 both"}; !reflect.DeepEqual(got, want) {
		t.Errorf("preferred = %v, want %v", got, want)
	}
}

func TestLegacyFallback(t *testing.T) {
	srv := newFakeServer(t, legacyDocs(t))
	dir := t.TempDir()
	d := New(srv.doer(), dir)
	ctx := context.Background()
	legacy, err := d.Resources(ctx)
	var gde *GroupDiscoveryError
	if !errors.As(err, &gde) || len(gde.Failed) != 1 || gde.WithoutStale() == nil {
		t.Fatalf("error = %v, want metrics.k8s.io/v1beta1 failed (not stale)", err)
	}
	if _, ok := gde.Failed[GroupVersion{"metrics.k8s.io", "v1beta1"}]; !ok {
		t.Errorf("failed = %v", gde.Failed)
	}
	got := srv.take()
	if len(got) != 2+25+1 || got[0] != "GET /api 200" {
		t.Errorf("requests = %d %v, want /api, /apis, and each of 26 group versions", len(got), got)
	}

	// The same server's aggregated discovery says the same thing.
	agg, _ := New(newFakeServer(t, aggregatedDocs(t)).doer(), "").Resources(ctx)
	key := func(rs []Resource) []Resource {
		rs = append([]Resource(nil), rs...)
		sort.SliceStable(rs, func(i, j int) bool {
			return rs[i].GroupVersion().String()+" "+rs[i].Name < rs[j].GroupVersion().String()+" "+rs[j].Name
		})
		return rs
	}
	a, l := key(agg), key(legacy)
	if len(a) != len(l) {
		t.Fatalf("aggregated has %d resources, legacy %d", len(a), len(l))
	}
	for i := range a {
		// Subresources may be listed in another order; kinds of subresources such as pods/log differ
		// between the formats, so compare only their names.
		sa, sl := a[i].Subresources, l[i].Subresources
		a[i].Subresources, l[i].Subresources = nil, nil
		if !reflect.DeepEqual(a[i], l[i]) {
			t.Errorf("aggregated %+v\nlegacy %+v", a[i], l[i])
		}
		if names(sa) != names(sl) {
			t.Errorf("%s subresources: aggregated %s, legacy %s", a[i].Name, names(sa), names(sl))
		}
	}

	// Warm: the group lists are fetched again (no ETags), the group version lists come from the cache.
	d2 := New(srv.doer(), dir)
	if _, err := d2.Resources(ctx); err == nil {
		t.Error("want the failed group version reported again")
	}
	if got := srv.take(); !reflect.DeepEqual(got, []string{"GET /api 200", "GET /apis 200", "GET /apis/metrics.k8s.io/v1beta1 503"}) {
		t.Errorf("warm requests = %v", got)
	}
	// Invalidate refetches every group version, as kubectl's api-resources always does.
	d2.Invalidate()
	d2.Resources(ctx)
	if got := srv.take(); len(got) != 28 {
		t.Errorf("after Invalidate %d requests, want 28: %v", len(got), got)
	}
}

func names(s []Subresource) string {
	var n []string
	for _, x := range s {
		n = append(n, x.Name)
	}
	sort.Strings(n)
	return strings.Join(n, ",")
}

func TestETagRevalidation(t *testing.T) {
	srv := newFakeServer(t, aggregatedDocs(t))
	dir := t.TempDir()
	ctx := context.Background()

	cold := New(srv.doer(), dir)
	want, _ := cold.Resources(ctx)
	if got := srv.take(); !reflect.DeepEqual(got, []string{"GET /api 200", "GET /apis 200"}) {
		t.Errorf("cold requests = %v", got)
	}

	// A second kubex process: one conditional request per endpoint, both answered 304.
	warm := New(srv.doer(), dir)
	got, _ := warm.Resources(ctx)
	if reqs := srv.take(); !reflect.DeepEqual(reqs, []string{"GET /api 304", "GET /apis 304"}) {
		t.Errorf("warm requests = %v", reqs)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("warm resources differ from cold ones")
	}
	// Within the process nothing more is asked.
	warm.Resolve(ctx, "pods")
	warm.Groups(ctx)
	if reqs := srv.take(); len(reqs) != 0 {
		t.Errorf("loaded discovery sent %v", reqs)
	}

	// The server changes /apis: only that endpoint is downloaded again, and the change is seen.
	srv.set("/apis", fakeDoc{contentType: ctV2, body: withGroup(t, readTestdata(t, "aggregated-apis.json"), gadgetGroup), etag: true})
	changed := New(srv.doer(), dir)
	if r, err := changed.Resolve(ctx, "gd"); err != nil || r.Group != "gadgets.example.io" {
		t.Errorf("Resolve(gd) = %+v, %v", r, err)
	}
	if reqs := srv.take(); !reflect.DeepEqual(reqs, []string{"GET /api 304", "GET /apis 200"}) {
		t.Errorf("requests after a change = %v", reqs)
	}
	// And the next process revalidates the new version.
	New(srv.doer(), dir).Resources(ctx)
	if reqs := srv.take(); !reflect.DeepEqual(reqs, []string{"GET /api 304", "GET /apis 304"}) {
		t.Errorf("requests after the change was cached = %v", reqs)
	}
}

func TestPreferCache(t *testing.T) {
	srv := newFakeServer(t, aggregatedDocs(t))
	dir := t.TempDir()
	ctx := context.Background()
	New(srv.doer(), dir).Resources(ctx)
	srv.take()

	now := time.Now()
	d := New(srv.doer(), dir, WithClock(func() time.Time { return now }))
	d.PreferCache()
	if _, err := d.Resolve(ctx, "deploy"); err != nil {
		t.Fatal(err)
	}
	if reqs := srv.take(); len(reqs) != 0 {
		t.Errorf("PreferCache with a fresh cache sent %v", reqs)
	}

	// Past the TTL the cache is revalidated.
	late := New(srv.doer(), dir, WithClock(func() time.Time { return now.Add(7 * time.Hour) }))
	late.PreferCache()
	late.Groups(ctx)
	if reqs := srv.take(); !reflect.DeepEqual(reqs, []string{"GET /api 304", "GET /apis 304"}) {
		t.Errorf("PreferCache with an old cache sent %v", reqs)
	}
}

func TestCorruptCache(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":     "\x00\x01not json",
		"truncated":   `{"format":1,"server":"`,
		"format":      `{"format":999,"server":"SERVER","api":{"groups":[]},"apis":{"groups":[]}}`,
		"other":       `{"format":1,"server":"https://elsewhere:6443","api":{"etag":"\"x\"","groups":[]},"apis":{"etag":"\"y\"","groups":[]}}`,
		"wrong types": `{"format":1,"server":"SERVER","api":{"groups":"nope"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := newFakeServer(t, aggregatedDocs(t))
			d := New(srv.doer(), t.TempDir())
			file := filepath.Join(d.CacheDir(), cacheFileName)
			os.MkdirAll(d.CacheDir(), 0o755)
			os.WriteFile(file, []byte(strings.ReplaceAll(content, "SERVER", srv.srv.URL)), 0o644)

			if _, err := d.Resolve(context.Background(), "po"); err != nil {
				t.Fatal(err)
			}
			if reqs := srv.take(); !reflect.DeepEqual(reqs, []string{"GET /api 200", "GET /apis 200"}) {
				t.Errorf("requests = %v, want two full downloads", reqs)
			}
			if cf := readCache(d.CacheDir(), srv.srv.URL); cf == nil || cf.APIs == nil || cf.APIs.ETag == "" {
				t.Error("the corrupt cache was not replaced by a good one")
			}
		})
	}
}

// The cache lives in kubectl's per-server directory next to kubectl's own files, which it leaves alone,
// and is written atomically.
func TestCacheFiles(t *testing.T) {
	srv := newFakeServer(t, aggregatedDocs(t))
	root := t.TempDir()
	d := New(srv.doer(), root)
	u, _ := url.Parse(srv.srv.URL)
	wantDir := filepath.Join(root, "discovery", strings.ReplaceAll(u.Host, ":", "_"))
	if d.CacheDir() != wantDir {
		t.Errorf("CacheDir = %s, want %s", d.CacheDir(), wantDir)
	}
	kubectlFile := filepath.Join(wantDir, "servergroups.json")
	os.MkdirAll(wantDir, 0o755)
	os.WriteFile(kubectlFile, []byte("kubectl's"), 0o644)

	d.Resources(context.Background())
	entries, _ := os.ReadDir(wantDir)
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	if want := []string{cacheFileName, "servergroups.json"}; !reflect.DeepEqual(files, want) {
		t.Errorf("files = %v, want %v (no temporary files left)", files, want)
	}
	if b, _ := os.ReadFile(kubectlFile); string(b) != "kubectl's" {
		t.Error("kubectl's file was changed")
	}
}

func TestServerCacheDir(t *testing.T) {
	for server, want := range map[string]string{
		"https://127.0.0.1:6443":        "127.0.0.1_6443",
		"http://localhost:8080":         "localhost_8080",
		"https://example.com/prefix/x/": "example.com/prefix/x",
		"https://[::1]:6443":            "___1__6443",
		"https://a-b.example.com":       "a_b.example.com",
	} {
		if got := serverCacheDir("/c", server); got != filepath.Join("/c/discovery", want) {
			t.Errorf("serverCacheDir(%q) = %s, want /c/discovery/%s", server, got, want)
		}
	}
}

// A resource created after discovery was loaded (a CRD created a moment ago) is found: the miss makes
// one refetch that bypasses the cache.
func TestRefetchOnMiss(t *testing.T) {
	srv := newFakeServer(t, aggregatedDocs(t))
	dir := t.TempDir()
	ctx := context.Background()
	d := New(srv.doer(), dir)
	if _, err := d.Resolve(ctx, "pods"); err != nil {
		t.Fatal(err)
	}
	srv.take()

	srv.set("/apis", fakeDoc{contentType: ctV2, body: withGroup(t, readTestdata(t, "aggregated-apis.json"), gadgetGroup), etag: true})
	r, err := d.Resolve(ctx, "gadgets")
	if err != nil || r.GroupVersion().String() != "gadgets.example.io/v1" {
		t.Fatalf("Resolve(gadgets) = %+v, %v", r, err)
	}
	if reqs := srv.take(); !reflect.DeepEqual(reqs, []string{"GET /api 200", "GET /apis 200"}) {
		t.Errorf("refetch requests = %v, want two unconditional downloads", reqs)
	}

	// Refetching happens once per process: further misses cost nothing.
	for _, typed := range []string{"nosuch", "nosuch2"} {
		_, err = d.Resolve(ctx, typed)
		if want := fmt.Sprintf("the server doesn't have a resource type %q", typed); err == nil || err.Error() != want {
			t.Errorf("Resolve(%s) error = %v, want %s", typed, err, want)
		}
	}
	if reqs := srv.take(); len(reqs) != 0 {
		t.Errorf("further misses sent %v", reqs)
	}

	// Even a cache trusted without asking (PreferCache) is refetched on a miss.
	srv.set("/apis", fakeDoc{contentType: ctV2, body: readTestdata(t, "aggregated-apis.json"), etag: true})
	New(srv.doer(), dir).Resources(ctx)
	srv.set("/apis", fakeDoc{contentType: ctV2, body: withGroup(t, readTestdata(t, "aggregated-apis.json"), gadgetGroup), etag: true})
	srv.take()
	cached := New(srv.doer(), dir)
	cached.PreferCache()
	if _, err := cached.Resolve(ctx, "gd"); err != nil {
		t.Errorf("Resolve(gd) with PreferCache: %v", err)
	}
	if reqs := srv.take(); !reflect.DeepEqual(reqs, []string{"GET /api 200", "GET /apis 200"}) {
		t.Errorf("requests = %v", reqs)
	}
}

func TestContentTypes(t *testing.T) {
	for _, ct := range []string{
		ctV2,
		ctV2Beta1,
		"application/json; as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io;charset=utf-8",
	} {
		if !isAggregated(ct) {
			t.Errorf("isAggregated(%q) = false", ct)
		}
	}
	for _, ct := range []string{"application/json", "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList", "text/plain", ";;"} {
		if isAggregated(ct) {
			t.Errorf("isAggregated(%q) = true", ct)
		}
	}

	// A v2beta1 answer is parsed like v2.
	docs := aggregatedDocs(t)
	for p, d := range docs {
		d.contentType = ctV2Beta1
		docs[p] = d
	}
	if _, err := New(newFakeServer(t, docs).doer(), "").Resolve(context.Background(), "deploy"); err != nil {
		t.Error(err)
	}
}

func TestRequests(t *testing.T) {
	var mu sync.Mutex
	headers := map[string]http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		headers[r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api":
			w.WriteHeader(http.StatusNotFound) // tolerated: no core group
		case "/apis":
			fmt.Fprint(w, `{"groups":[{"name":"g","versions":[{"groupVersion":"g/v1","version":"v1"}],"preferredVersion":{"version":"v1"}}]}`)
		default:
			fmt.Fprint(w, `{"resources":[{"name":"things","singularName":"thing","namespaced":true,"kind":"Thing","verbs":["get"]}]}`)
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	rs, err := New(testDoer{u, srv.Client()}, "").Resources(context.Background())
	if err != nil || len(rs) != 1 || rs[0].Name != "things" {
		t.Fatalf("Resources = %+v, %v", rs, err)
	}
	const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
	if got := headers["/apis"].Get("Accept"); got != accept {
		t.Errorf("Accept = %q", got)
	}
	if got := headers["/apis/g/v1"].Get("Accept"); got != "application/json" {
		t.Errorf("group version Accept = %q", got)
	}
}

func TestServerErrors(t *testing.T) {
	docs := aggregatedDocs(t)
	docs["/apis"] = fakeDoc{status: http.StatusUnauthorized, body: []byte(`Unauthorized`)}
	d := New(newFakeServer(t, docs).doer(), "")
	if _, err := d.Groups(context.Background()); err == nil {
		t.Error("want an error for 401 on /apis")
	}
	if _, err := d.Resolve(context.Background(), "pods"); err == nil || strings.Contains(err.Error(), "doesn't have") {
		t.Errorf("Resolve error = %v, want the server's error, not a miss", err)
	}

	docs = aggregatedDocs(t)
	docs["/apis"] = fakeDoc{contentType: ctV2, body: []byte(`{"items": [`)}
	if _, err := New(newFakeServer(t, docs).doer(), "").Resources(context.Background()); err == nil || !strings.Contains(err.Error(), "/apis") {
		t.Errorf("error = %v, want a decoding error naming /apis", err)
	}
}
