package client_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kubex-cli/kubex/pkg/client"
)

// TestMain keeps the discovery cache of the tests and examples out of ~/.kube/cache.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kubex-client-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("KUBECACHEDIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fakeAPI is a small in-memory API server for the tests and examples of this package: discovery of the
// resources below, and get, list (paged), create, replace, patch, delete and watch of any of them. It
// records every request; handle, when set, answers first (return true when it did).
type fakeAPI struct {
	mu       sync.Mutex
	rv       int
	objects  map[string]map[string]any // by key: group/resource/namespace/name
	log      []fakeEvent
	changed  chan struct{} // closed and replaced on every change
	requests []recorded
	handle   func(w http.ResponseWriter, r *http.Request) bool
}

type fakeEvent struct {
	rv     int
	typ    string
	key    string
	object map[string]any
}

// recorded is one request as the fake received it, at the bottom of the client's chain.
type recorded struct {
	Method, Path, Query, ContentType, Accept, UserAgent, Authorization, Body string
}

type fakeResource struct {
	group, version, name, kind string
	namespaced                 bool
	subresources               []string
	shortNames                 []string
}

var fakeResources = []fakeResource{
	{"", "v1", "pods", "Pod", true, []string{"status", "log", "eviction"}, []string{"po"}},
	{"", "v1", "configmaps", "ConfigMap", true, nil, []string{"cm"}},
	{"apps", "v1", "deployments", "Deployment", true, []string{"status", "scale"}, []string{"deploy"}},
	{"rbac.authorization.k8s.io", "v1", "roles", "Role", true, nil, nil},
	{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, nil, nil},
	{"stable.example.com", "v1", "crontabs", "CronTab", true, []string{"status"}, []string{"ct"}},
}

func (r fakeResource) apiVersion() string {
	if r.group == "" {
		return r.version
	}
	return r.group + "/" + r.version
}

func newFakeAPI() *fakeAPI {
	return &fakeAPI{rv: 100, objects: map[string]map[string]any{}, changed: make(chan struct{})}
}

// RoundTrip serves the request in process, streaming the answer: the client's WithTransport.
func (f *fakeAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	pr, pw := io.Pipe()
	w := &pipeWriter{header: http.Header{}, pw: pw, ready: make(chan struct{})}
	go func() {
		defer pw.Close()
		f.ServeHTTP(w, req)
		w.WriteHeader(http.StatusOK)
	}()
	select {
	case <-w.ready:
	case <-req.Context().Done():
		pr.Close()
		return nil, req.Context().Err()
	}
	return &http.Response{StatusCode: w.code, Status: http.StatusText(w.code), Header: w.header, Body: pr,
		ContentLength: -1, Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

type pipeWriter struct {
	header http.Header
	pw     *io.PipeWriter
	code   int
	once   sync.Once
	ready  chan struct{}
}

func (w *pipeWriter) Header() http.Header { return w.header }
func (w *pipeWriter) WriteHeader(code int) {
	w.once.Do(func() { w.code = code; close(w.ready) })
}
func (w *pipeWriter) Write(b []byte) (int, error) { w.WriteHeader(http.StatusOK); return w.pw.Write(b) }
func (w *pipeWriter) Flush()                      {}

// add stores obj as if created, without a request.
func (f *fakeAPI) add(resource string, obj map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range fakeResources {
		if r.name == resource {
			f.store(r, "ADDED", obj)
			return
		}
	}
	panic("fake: no resource " + resource)
}

// addJSON is add of a JSON object.
func (f *fakeAPI) addJSON(resource, obj string) {
	var m map[string]any
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		panic(err)
	}
	f.add(resource, m)
}

// reqs are the requests so far, discovery left out.
func (f *fakeAPI) reqs() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeAPI) last() recorded {
	r := f.reqs()
	if len(r) == 0 {
		return recorded{}
	}
	return r[len(r)-1]
}

func key(r fakeResource, ns, name string) string {
	return r.group + "/" + r.name + "/" + ns + "/" + name
}

// store sets the object's server-side fields, keeps it and logs the change. f.mu is held.
func (f *fakeAPI) store(r fakeResource, typ string, obj map[string]any) map[string]any {
	f.rv++
	md, _ := obj["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		obj["metadata"] = md
	}
	md["resourceVersion"] = strconv.Itoa(f.rv)
	if typ == "ADDED" {
		md["uid"] = fmt.Sprintf("uid-%d", f.rv)
		md["creationTimestamp"] = "2026-01-01T00:00:00Z"
	}
	obj["apiVersion"], obj["kind"] = r.apiVersion(), r.kind
	ns, _ := md["namespace"].(string)
	name, _ := md["name"].(string)
	k := key(r, ns, name)
	if typ == "DELETED" {
		delete(f.objects, k)
	} else {
		f.objects[k] = obj
	}
	f.log = append(f.log, fakeEvent{rv: f.rv, typ: typ, key: k, object: obj})
	close(f.changed)
	f.changed = make(chan struct{})
	return obj
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	switch req.URL.Path {
	case "/api", "/apis":
		f.discovery(w, req.URL.Path == "/api")
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, recorded{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery,
		ContentType: req.Header.Get("Content-Type"), Accept: req.Header.Get("Accept"),
		UserAgent: req.Header.Get("User-Agent"), Authorization: req.Header.Get("Authorization"), Body: string(body)})
	handle := f.handle
	f.mu.Unlock()
	if handle != nil && handle(w, req) {
		return
	}
	r, ns, name, sub, ok := parsePath(req.URL.Path)
	if !ok {
		status(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource", nil)
		return
	}
	q := req.URL.Query()
	if req.Method == http.MethodGet && name == "" && q.Get("watch") == "true" {
		f.watch(w, req, r, ns)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	k := key(r, ns, name)
	notFound := func() {
		status(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", qualified(r), name),
			map[string]any{"name": name, "group": r.group, "kind": r.name})
	}
	var obj map[string]any
	_ = json.Unmarshal(body, &obj)
	dryRun := q.Get("dryRun") == "All"
	switch {
	case req.Method == http.MethodGet && name == "":
		f.list(w, r, ns, q)
	case req.Method == http.MethodGet && sub == "log":
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "log of %s\n", name)
	case req.Method == http.MethodGet && sub == "scale":
		cur := f.objects[k]
		if cur == nil {
			notFound()
			return
		}
		spec, _ := cur["spec"].(map[string]any)
		writeJSON(w, http.StatusOK, map[string]any{"apiVersion": "autoscaling/v1", "kind": "Scale",
			"metadata": map[string]any{"name": name, "namespace": ns}, "spec": map[string]any{"replicas": spec["replicas"]}})
	case req.Method == http.MethodGet:
		if f.objects[k] == nil {
			notFound()
			return
		}
		writeJSON(w, http.StatusOK, f.objects[k])
	case req.Method == http.MethodPost && sub == "eviction":
		if f.objects[k] == nil {
			notFound()
			return
		}
		f.store(r, "DELETED", f.objects[k])
		status(w, http.StatusCreated, "", "", nil)
	case req.Method == http.MethodPost:
		md, _ := obj["metadata"].(map[string]any)
		if md == nil {
			status(w, http.StatusBadRequest, "BadRequest", "no metadata", nil)
			return
		}
		if r.namespaced {
			md["namespace"] = ns
		}
		name, _ = md["name"].(string)
		if f.objects[key(r, ns, name)] != nil {
			status(w, http.StatusConflict, "AlreadyExists", fmt.Sprintf("%s %q already exists", qualified(r), name),
				map[string]any{"name": name, "group": r.group, "kind": r.name})
			return
		}
		if dryRun {
			writeJSON(w, http.StatusCreated, obj)
			return
		}
		writeJSON(w, http.StatusCreated, f.store(r, "ADDED", obj))
	case req.Method == http.MethodPut:
		cur := f.objects[k]
		if cur == nil {
			notFound()
			return
		}
		md, _ := obj["metadata"].(map[string]any)
		if md == nil {
			status(w, http.StatusBadRequest, "BadRequest", "no metadata", nil)
			return
		}
		if rv, _ := md["resourceVersion"].(string); rv != "" && rv != cur["metadata"].(map[string]any)["resourceVersion"] {
			status(w, http.StatusConflict, "Conflict", fmt.Sprintf("Operation cannot be fulfilled on %s %q: the object has been modified; please apply your changes to the latest version and try again", qualified(r), name), nil)
			return
		}
		md["namespace"], md["uid"], md["creationTimestamp"] = ns, cur["metadata"].(map[string]any)["uid"], "2026-01-01T00:00:00Z"
		writeJSON(w, http.StatusOK, f.store(r, "MODIFIED", obj))
	case req.Method == http.MethodPatch:
		f.patch(w, r, k, ns, name, req.Header.Get("Content-Type"), body)
	case req.Method == http.MethodDelete && name == "":
		for _, k := range slices.Sorted(mapKeys(f.objects)) {
			if strings.HasPrefix(k, key(r, ns, "")) {
				f.store(r, "DELETED", f.objects[k])
			}
		}
		status(w, http.StatusOK, "", "", nil)
	case req.Method == http.MethodDelete:
		if f.objects[k] == nil {
			notFound()
			return
		}
		writeJSON(w, http.StatusOK, f.store(r, "DELETED", f.objects[k]))
	default:
		status(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource", nil)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func qualified(r fakeResource) string {
	if r.group == "" {
		return r.name
	}
	return r.name + "." + r.group
}

// parsePath reads /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]] and its /apis/GROUP/VERSION form.
func parsePath(p string) (r fakeResource, ns, name, sub string, ok bool) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	var group, version string
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		version, parts = parts[1], parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		group, version, parts = parts[1], parts[2], parts[3:]
	default:
		return r, "", "", "", false
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		ns, parts = parts[1], parts[2:]
	}
	for _, fr := range fakeResources {
		if fr.group == group && fr.version == version && fr.name == parts[0] {
			r, ok = fr, true
		}
	}
	if len(parts) > 1 {
		name, _ = url.PathUnescape(parts[1])
	}
	if len(parts) > 2 {
		sub = parts[2]
	}
	return r, ns, name, sub, ok
}

func (f *fakeAPI) list(w http.ResponseWriter, r fakeResource, ns string, q url.Values) {
	var items []any
	for _, k := range slices.Sorted(mapKeys(f.objects)) {
		if !strings.HasPrefix(k, r.group+"/"+r.name+"/") || (ns != "" && !strings.HasPrefix(k, key(r, ns, ""))) {
			continue
		}
		if !matches(f.objects[k], q.Get("labelSelector")) {
			continue
		}
		items = append(items, f.objects[k])
	}
	start, _ := strconv.Atoi(q.Get("continue"))
	items = items[min(start, len(items)):]
	md := map[string]any{"resourceVersion": strconv.Itoa(f.rv)}
	if limit, _ := strconv.Atoi(q.Get("limit")); limit > 0 && len(items) > limit {
		items = items[:limit]
		md["continue"] = strconv.Itoa(start + limit)
	}
	if items == nil {
		items = []any{}
	}
	// In the API server's order: metadata before items.
	writeJSON(w, http.StatusOK, struct {
		APIVersion string         `json:"apiVersion"`
		Kind       string         `json:"kind"`
		Metadata   map[string]any `json:"metadata"`
		Items      []any          `json:"items"`
	}{r.apiVersion(), r.kind + "List", md, items})
}

// matches supports selectors of the form k=v[,k=v].
func matches(obj map[string]any, selector string) bool {
	labels, _ := obj["metadata"].(map[string]any)["labels"].(map[string]any)
	for _, term := range strings.Split(selector, ",") {
		if k, v, ok := strings.Cut(term, "="); ok && labels[k] != v {
			return false
		}
	}
	return true
}

func (f *fakeAPI) watch(w http.ResponseWriter, req *http.Request, r fakeResource, ns string) {
	from, _ := strconv.Atoi(req.URL.Query().Get("resourceVersion"))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	prefix := r.group + "/" + r.name + "/"
	if ns != "" {
		prefix = key(r, ns, "")
	}
	for {
		f.mu.Lock()
		var out []fakeEvent
		for _, e := range f.log {
			if e.rv > from && strings.HasPrefix(e.key, prefix) {
				out = append(out, e)
			}
		}
		changed := f.changed
		var lines []byte
		for _, e := range out {
			b, _ := json.Marshal(map[string]any{"type": e.typ, "object": e.object})
			lines = append(append(lines, b...), '\n')
			from = e.rv
		}
		f.mu.Unlock()
		if _, err := w.Write(lines); err != nil {
			return
		}
		select {
		case <-changed:
		case <-req.Context().Done():
			return
		}
	}
}

func (f *fakeAPI) patch(w http.ResponseWriter, r fakeResource, k, ns, name, contentType string, body []byte) {
	cur := f.objects[k]
	if cur == nil && contentType != "application/apply-patch+yaml" {
		status(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", qualified(r), name), nil)
		return
	}
	next := deepCopy(cur)
	switch contentType {
	case "application/json-patch+json":
		var ops []client.PatchOp
		if err := json.Unmarshal(body, &ops); err != nil {
			status(w, http.StatusBadRequest, "BadRequest", err.Error(), nil)
			return
		}
		for _, op := range ops {
			if err := applyOp(next, op); err != nil {
				status(w, http.StatusUnprocessableEntity, "Invalid", err.Error(), nil)
				return
			}
		}
	default: // merge, strategic (merged as a merge patch here) and apply (no field ownership here)
		var p map[string]any
		if err := json.Unmarshal(body, &p); err != nil {
			status(w, http.StatusBadRequest, "BadRequest", err.Error(), nil)
			return
		}
		if next == nil {
			next = map[string]any{"metadata": map[string]any{"name": name}}
			if r.namespaced {
				next["metadata"].(map[string]any)["namespace"] = ns
			}
		}
		next = mergePatch(next, p).(map[string]any)
	}
	typ := "MODIFIED"
	if cur == nil {
		typ = "ADDED"
	}
	writeJSON(w, http.StatusOK, f.store(r, typ, next))
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// mergePatch is RFC 7386.
func mergePatch(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
		} else {
			d[k] = mergePatch(d[k], v)
		}
	}
	return d
}

// applyOp applies add, replace and remove at a path of object keys.
func applyOp(obj map[string]any, op client.PatchOp) error {
	parts := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
	m := obj
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			if op.Op != "add" {
				return fmt.Errorf("path %s not found", op.Path)
			}
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	last := parts[len(parts)-1]
	switch op.Op {
	case "add", "replace":
		m[last] = op.Value
	case "remove":
		delete(m, last)
	default:
		return fmt.Errorf("op %s is not supported", op.Op)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// status answers with a metav1 Status.
func status(w http.ResponseWriter, code int, reason, message string, details map[string]any) {
	s := map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{}, "code": code}
	if code >= 300 {
		s["status"], s["reason"], s["message"] = "Failure", reason, message
	} else {
		s["status"] = "Success"
	}
	if details != nil {
		s["details"] = details
	}
	writeJSON(w, code, s)
}

// discovery answers /api and /apis with aggregated discovery documents of fakeResources.
func (f *fakeAPI) discovery(w http.ResponseWriter, core bool) {
	type group struct {
		name     string
		versions map[string][]any
	}
	var groups []*group
	for _, r := range fakeResources {
		if (r.group == "") != core {
			continue
		}
		i := slices.IndexFunc(groups, func(g *group) bool { return g.name == r.group })
		if i < 0 {
			groups = append(groups, &group{name: r.group, versions: map[string][]any{}})
			i = len(groups) - 1
		}
		scope := "Cluster"
		if r.namespaced {
			scope = "Namespaced"
		}
		var subs []any
		for _, s := range r.subresources {
			subs = append(subs, map[string]any{"subresource": s, "verbs": []string{"get", "patch", "update"}})
		}
		groups[i].versions[r.version] = append(groups[i].versions[r.version], map[string]any{
			"resource": r.name, "scope": scope, "singularResource": strings.ToLower(r.kind),
			"responseKind": map[string]any{"group": r.group, "version": r.version, "kind": r.kind},
			"verbs":        []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"},
			"subresources": subs, "shortNames": r.shortNames,
		})
	}
	var items []any
	for _, g := range groups {
		var versions []any
		for v, rs := range g.versions {
			versions = append(versions, map[string]any{"version": v, "resources": rs, "freshness": "Current"})
		}
		items = append(items, map[string]any{"metadata": map[string]any{"name": g.name}, "versions": versions})
	}
	w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "items": items})
}
