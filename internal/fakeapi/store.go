package fakeapi

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kubex-cli/kubex/internal/selector"
)

// object is a decoded object; numbers stay json.Number so that they come back as they were sent.
type object = map[string]any

type objKey struct{ group, resource, namespace, name string }

// event is one change, for watches: the object as it was stored (or deleted) at rv.
type event struct {
	rv  int64
	typ string // ADDED, MODIFIED, DELETED
	key objKey
	obj []byte
}

// store holds every object, the history of changes and the resourceVersion counter; Server.mu guards it.
// An object is stored once per group and resource, whatever version it was written in.
type store struct {
	rv      int64
	objects map[objKey][]byte
	events  []event
	changed chan struct{} // closed and replaced on every change
	nsRes   *resource
}

func (st *store) init(d *discoveryDocs) {
	st.rv = 100
	st.objects = map[objKey][]byte{}
	st.changed = make(chan struct{})
	st.nsRes = d.lookup("", "v1", "namespaces")
}

// record stores obj under key at the next resourceVersion (or deletes it) and wakes the watches.
func (st *store) record(typ string, key objKey, obj object) {
	st.rv++
	meta(obj)["resourceVersion"] = strconv.FormatInt(st.rv, 10)
	b := encode(obj)
	if typ == "DELETED" {
		delete(st.objects, key)
	} else {
		st.objects[key] = b
	}
	st.events = append(st.events, event{st.rv, typ, key, b})
	close(st.changed)
	st.changed = make(chan struct{})
}

func keyOf(r *resource, ns, name string) objKey {
	if !r.Namespaced {
		ns = ""
	}
	return objKey{r.Group, r.Name, ns, name}
}

// parsePath splits /api/v1/namespaces/ns/pods/name/status (or /apis/group/version/...) into its parts.
func (s *Server) parsePath(p string) (r *resource, ns, name, sub string, ok bool) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	var group, version string
	switch {
	case len(segs) >= 3 && segs[0] == "api":
		version, segs = segs[1], segs[2:]
	case len(segs) >= 4 && segs[0] == "apis":
		group, version, segs = segs[1], segs[2], segs[3:]
	default:
		return nil, "", "", "", false
	}
	if len(segs) >= 3 && segs[0] == "namespaces" {
		if nr := s.disc.lookup(group, version, segs[2]); nr != nil && nr.Namespaced {
			ns, segs = segs[1], segs[2:]
		}
	}
	if r = s.disc.lookup(group, version, segs[0]); r == nil || len(segs) > 3 {
		return nil, "", "", "", false
	}
	if len(segs) > 1 {
		name = segs[1]
	}
	if len(segs) > 2 {
		sub = segs[2]
	}
	return r, ns, name, sub, true
}

// serveResource serves every verb on the resources of the recorded discovery.
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request) {
	res, ns, name, sub, ok := s.parsePath(r.URL.Path)
	// Subresources other than status (a view of the whole object here) are not faked.
	if !ok || (sub != "" && sub != "status") || (res.Namespaced && ns == "" && name != "") {
		errNoPath.write(w)
		return
	}
	q := r.URL.Query()
	verb := verbOf(r.Method, name, q.Get("watch"))
	allowed := res.Verbs
	if sub != "" {
		allowed = res.Subresources[sub]
	}
	if !slices.Contains(allowed, verb) || (res.Namespaced && ns == "" && (verb == "create" || verb == "deletecollection")) {
		errMethod.write(w)
		return
	}
	f, err := negotiate(r.Header.Get("Accept"))
	if err != nil {
		errAccept.write(w)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	dryRun := q.Get("dryRun") == "All"
	code := http.StatusOK
	var obj object
	switch verb {
	case "list":
		err = s.list(w, res, ns, q, f)
	case "watch":
		err = s.watch(w, r, res, ns, q, f)
	case "get":
		obj, err = s.get(res, ns, name)
	case "create":
		code = http.StatusCreated
		obj, err = s.create(res, ns, body, dryRun)
	case "update":
		obj, err = s.update(res, ns, name, body, dryRun)
	case "patch":
		obj, code, err = s.patch(res, ns, name, r.Header.Get("Content-Type"), body, dryRun)
	case "delete", "deletecollection":
		var opts struct{ DryRun []string }
		_ = json.Unmarshal(body, &opts)
		dryRun = dryRun || slices.Contains(opts.DryRun, "All")
		if verb == "delete" {
			obj, err = s.delete(res, ns, name, dryRun)
			break
		}
		if err = s.deleteCollection(res, ns, q, dryRun); err == nil {
			writeJSON(w, http.StatusOK, "application/json", map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{}, "status": "Success"})
		}
	}
	if ae, ok := err.(*apiError); ok {
		ae.write(w)
		return
	}
	if obj != nil {
		writeJSON(w, code, f.contentType(), f.object(res, obj, q.Get("includeObject"), true))
	}
}

func verbOf(method, name, watch string) string {
	switch {
	case method == http.MethodGet && (watch == "true" || watch == "1"):
		return "watch"
	case method == http.MethodGet && name == "":
		return "list"
	case method == http.MethodGet:
		return "get"
	case method == http.MethodPost && name == "":
		return "create"
	case method == http.MethodPut:
		return "update"
	case method == http.MethodPatch:
		return "patch"
	case method == http.MethodDelete && name == "":
		return "deletecollection"
	case method == http.MethodDelete:
		return "delete"
	}
	return ""
}

func (s *Server) get(res *resource, ns, name string) (object, error) {
	s.mu.Lock()
	b, ok := s.objects[keyOf(res, ns, name)]
	s.mu.Unlock()
	if !ok {
		return nil, errNotFound(res, name)
	}
	return decode(b)
}

func (s *Server) create(res *resource, ns string, body []byte, dryRun bool) (object, error) {
	obj, err := decodeBody(body)
	if err != nil {
		return nil, err
	}
	if bodyNS, _ := meta(obj)["namespace"].(string); res.Namespaced && bodyNS != "" && bodyNS != ns {
		return nil, errBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createLocked(res, ns, obj, dryRun)
}

// createLocked stores the new object obj in ns, with what the API server sets; s.mu is held.
func (s *Server) createLocked(res *resource, ns string, obj object, dryRun bool) (object, error) {
	m := meta(obj)
	name, _ := m["name"].(string)
	if gen, _ := m["generateName"].(string); name == "" && gen != "" {
		name = gen + randomString(5)
	}
	if name == "" {
		return nil, errInvalid(res, "", "metadata.name: Required value: name or generateName is required")
	}
	if res.Namespaced {
		if _, ok := s.objects[keyOf(s.nsRes, "", ns)]; !ok {
			return nil, errNotFound(s.nsRes, ns)
		}
		m["namespace"] = ns
	} else {
		delete(m, "namespace")
	}
	key := keyOf(res, ns, name)
	if _, ok := s.objects[key]; ok {
		return nil, errAlreadyExists(res, name)
	}
	m["name"] = name
	m["uid"] = uid()
	m["creationTimestamp"] = time.Now().UTC().Format(time.RFC3339)
	m["generation"] = json.Number("1")
	delete(m, "resourceVersion")
	obj["apiVersion"], obj["kind"] = res.GroupVersion(), res.Kind
	if !dryRun {
		s.record("ADDED", key, obj)
	}
	return obj, nil
}

func (s *Server) update(res *resource, ns, name string, body []byte, dryRun bool) (object, error) {
	obj, err := decodeBody(body)
	if err != nil {
		return nil, err
	}
	if n, _ := meta(obj)["name"].(string); n != name {
		return nil, errBadRequest("the name of the object (%s) does not match the name on the URL (%s)", n, name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[keyOf(res, ns, name)]
	if !ok {
		return nil, errNotFound(res, name)
	}
	old, err := decode(b)
	if err != nil {
		return nil, err
	}
	if rv := meta(obj)["resourceVersion"]; rv != nil && rv != "" && rv != meta(old)["resourceVersion"] {
		return nil, errConflict(res, name)
	}
	return s.commit(res, ns, name, old, obj, dryRun), nil
}

// patch applies a merge or JSON patch. Strategic merge patches and server-side apply are approximated by a
// JSON merge patch: lists are replaced whole, and no managed fields or apply conflicts are kept. An apply
// patch of a missing object creates it, as the API server does.
func (s *Server) patch(res *resource, ns, name, contentType string, body []byte, dryRun bool) (object, int, error) {
	ct, _, _ := mime.ParseMediaType(contentType)
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[keyOf(res, ns, name)]
	if !ok && ct == "application/apply-patch+yaml" {
		obj, err := decodeBody(body)
		if err != nil {
			return nil, 0, err
		}
		if n, _ := meta(obj)["name"].(string); n != name {
			return nil, 0, errBadRequest("the name of the object (%s) does not match the name on the URL (%s)", n, name)
		}
		obj, err = s.createLocked(res, ns, obj, dryRun)
		return obj, http.StatusCreated, err
	}
	if !ok {
		return nil, 0, errNotFound(res, name)
	}
	old, err := decode(b)
	if err != nil {
		return nil, 0, err
	}
	cur, _ := decode(b)
	var patched any
	switch ct {
	case "application/json-patch+json":
		var ops []map[string]any
		if err := decodeJSON(body, &ops); err != nil {
			return nil, 0, errBadRequest("%v", err)
		}
		if patched, err = jsonPatch(cur, ops); err != nil {
			return nil, 0, errInvalid(res, name, err.Error())
		}
	case "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml":
		p, err := decodeBody(body)
		if err != nil {
			return nil, 0, err
		}
		patched = mergePatch(cur, p)
	default:
		return nil, 0, &apiError{http.StatusUnsupportedMediaType, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", nil}
	}
	obj, ok := patched.(object)
	if !ok {
		return nil, 0, errInvalid(res, name, "the patched object is not an object")
	}
	if rv := meta(obj)["resourceVersion"]; rv != nil && rv != meta(old)["resourceVersion"] {
		return nil, 0, errConflict(res, name)
	}
	return s.commit(res, ns, name, old, obj, dryRun), http.StatusOK, nil
}

// commit stores obj in place of old, keeping what clients cannot change and counting generations; an
// object being deleted whose last finalizer went is deleted. s.mu is held.
func (s *Server) commit(res *resource, ns, name string, old, obj object, dryRun bool) object {
	om, m := meta(old), meta(obj)
	for _, f := range []string{"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"} {
		if v, ok := om[f]; ok {
			m[f] = v
		} else {
			delete(m, f)
		}
	}
	m["name"], m["resourceVersion"] = name, om["resourceVersion"]
	if res.Namespaced {
		m["namespace"] = ns
	}
	obj["apiVersion"], obj["kind"] = res.GroupVersion(), res.Kind
	if g, err := strconv.ParseInt(fmt.Sprint(om["generation"]), 10, 64); err == nil && !bytes.Equal(spec(old), spec(obj)) {
		m["generation"] = json.Number(strconv.FormatInt(g+1, 10))
	}
	switch {
	case bytes.Equal(encode(obj), encode(old)):
		// As the API server: an update that changes nothing is not written and keeps its resourceVersion.
	case dryRun:
	case m["deletionTimestamp"] != nil && len(finalizers(obj)) == 0:
		s.remove(keyOf(res, ns, name), obj)
	default:
		s.record("MODIFIED", keyOf(res, ns, name), obj)
	}
	return obj
}

func (s *Server) delete(res *resource, ns, name string, dryRun bool) (object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleteLocked(res, keyOf(res, ns, name), dryRun)
}

// deleteLocked deletes the object at key, or marks it deleted while it has finalizers. s.mu is held.
func (s *Server) deleteLocked(res *resource, key objKey, dryRun bool) (object, error) {
	b, ok := s.objects[key]
	if !ok {
		return nil, errNotFound(res, key.name)
	}
	obj, err := decode(b)
	if err != nil {
		return nil, err
	}
	if len(finalizers(obj)) > 0 {
		if m := meta(obj); m["deletionTimestamp"] == nil {
			m["deletionTimestamp"] = time.Now().UTC().Format(time.RFC3339)
			m["deletionGracePeriodSeconds"] = json.Number("0")
			if !dryRun {
				s.record("MODIFIED", key, obj)
			}
		}
		return obj, nil
	}
	if !dryRun {
		s.remove(key, obj)
	}
	return obj, nil
}

// remove deletes the object at key; a namespace takes its contents along. s.mu is held.
func (s *Server) remove(key objKey, obj object) {
	s.record("DELETED", key, obj)
	if key.group != "" || key.resource != "namespaces" {
		return
	}
	var inside []objKey
	for k := range s.objects {
		if k.namespace == key.name {
			inside = append(inside, k)
		}
	}
	slices.SortFunc(inside, compareKeys)
	for _, k := range inside {
		if o, err := decode(s.objects[k]); err == nil {
			s.record("DELETED", k, o)
		}
	}
}

func (s *Server) deleteCollection(res *resource, ns string, q map[string][]string, dryRun bool) error {
	m, err := newMatcher(first(q["labelSelector"]), first(q["fieldSelector"]))
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys(res, ns) {
		if obj, err := decode(s.objects[k]); err == nil && m.matches(obj) {
			if _, err := s.deleteLocked(res, k, dryRun); err != nil {
				return err
			}
		}
	}
	return nil
}

// keys are the keys of res's objects in ns ("" for all), in the API server's order. s.mu is held.
func (s *Server) keys(res *resource, ns string) []objKey {
	var keys []objKey
	for k := range s.objects {
		if k.group == res.Group && k.resource == res.Name && (ns == "" || k.namespace == ns) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareKeys)
	return keys
}

func compareKeys(a, b objKey) int {
	if c := strings.Compare(a.namespace, b.namespace); c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
}

// listMeta is the metadata of a list page.
type listMeta struct {
	ResourceVersion    string `json:"resourceVersion"`
	Continue           string `json:"continue,omitempty"`
	RemainingItemCount *int64 `json:"remainingItemCount,omitempty"`
}

type continueToken struct {
	RV    int64  `json:"rv"`
	Start string `json:"start"` // namespace/name of the last item sent
}

// list writes one page of the collection. Pages after the first see the store as it is now, not as it
// was at the first page's resourceVersion.
func (s *Server) list(w http.ResponseWriter, res *resource, ns string, q map[string][]string, f form) error {
	m, err := newMatcher(first(q["labelSelector"]), first(q["fieldSelector"]))
	if err != nil {
		return err
	}
	limit, _ := strconv.ParseInt(first(q["limit"]), 10, 64)
	var tok continueToken
	if c := first(q["continue"]); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil || json.Unmarshal(b, &tok) != nil {
			return errBadRequest("continue key is not valid: %q", c)
		}
	}
	s.mu.Lock()
	lm := listMeta{ResourceVersion: strconv.FormatInt(s.rv, 10)}
	if tok.RV != 0 {
		lm.ResourceVersion = strconv.FormatInt(tok.RV, 10)
	}
	var items []object
	var last []string
	for _, k := range s.keys(res, ns) {
		if tok.Start != "" && k.namespace+"/"+k.name <= tok.Start {
			continue
		}
		if obj, err := decode(s.objects[k]); err == nil && m.matches(obj) {
			items = append(items, obj)
			last = append(last, k.namespace+"/"+k.name)
		}
	}
	s.mu.Unlock()
	if limit > 0 && int64(len(items)) > limit {
		rest := int64(len(items)) - limit
		rv, _ := strconv.ParseInt(lm.ResourceVersion, 10, 64)
		b, _ := json.Marshal(continueToken{rv, last[limit-1]})
		lm.Continue, lm.RemainingItemCount = base64.RawURLEncoding.EncodeToString(b), &rest
		items = items[:limit]
	}
	writeJSON(w, http.StatusOK, f.contentType(), f.list(res, items, lm, first(q["includeObject"])))
	return nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// matcher is a label selector (all of kubectl's syntax) and a field selector (=, ==, != on any field path,
// a superset of what the API server allows).
type matcher struct {
	labels selector.Selector
	fields []fieldReq
}

type fieldReq struct {
	path   []string
	value  string
	negate bool
}

func newMatcher(labels, fields string) (*matcher, error) {
	sel, err := selector.Parse(labels)
	if err != nil {
		return nil, errBadRequest("unable to parse requirement: %v", err)
	}
	m := &matcher{labels: sel}
	for _, part := range strings.Split(fields, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		fr := fieldReq{}
		k, v, ok := strings.Cut(part, "!=")
		if ok {
			fr.negate = true
		} else if k, v, ok = strings.Cut(part, "=="); !ok {
			if k, v, ok = strings.Cut(part, "="); !ok {
				return nil, errBadRequest("invalid selector: '%s'; can't understand '%s'", fields, part)
			}
		}
		fr.path, fr.value = strings.Split(strings.TrimSpace(k), "."), strings.TrimSpace(v)
		m.fields = append(m.fields, fr)
	}
	return m, nil
}

func (m *matcher) matches(obj object) bool {
	labels := map[string]string{}
	if ls, ok := meta(obj)["labels"].(map[string]any); ok {
		for k, v := range ls {
			labels[k], _ = v.(string)
		}
	}
	if !m.labels.Matches(labels) {
		return false
	}
	for _, fr := range m.fields {
		var v any = obj
		for _, p := range fr.path {
			mv, _ := v.(map[string]any)
			v = mv[p]
		}
		got := ""
		if v != nil {
			got = fmt.Sprint(v)
		}
		if (got == fr.value) == fr.negate {
			return false
		}
	}
	return true
}

// seed creates obj as Seed does.
func (s *Server) seed(b []byte) error {
	obj, err := decodeBody(b)
	if err != nil {
		return err
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	res := s.disc.byKind(apiVersion, kind)
	if res == nil {
		return fmt.Errorf("no resource of kind %s in %s in the recorded discovery", kind, apiVersion)
	}
	ns, _ := meta(obj)["namespace"].(string)
	if ns == "" {
		ns = "default"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.objects[keyOf(s.nsRes, "", ns)]; res.Namespaced && !ok {
		if _, err := s.createLocked(s.nsRes, "", object{"metadata": object{"name": ns}}, false); err != nil {
			return err
		}
	}
	_, err = s.createLocked(res, ns, obj, false)
	return err
}

func meta(obj object) object {
	m, ok := obj["metadata"].(object)
	if !ok {
		m = object{}
		obj["metadata"] = m
	}
	return m
}

func finalizers(obj object) []any {
	f, _ := meta(obj)["finalizers"].([]any)
	return f
}

// spec is obj without metadata and status: what a change of counts as a new generation.
func spec(obj object) []byte {
	c := make(object, len(obj))
	for k, v := range obj {
		if k != "metadata" && k != "status" {
			c[k] = v
		}
	}
	return encode(c)
}

func decode(b []byte) (object, error) {
	var obj object
	if err := decodeJSON(b, &obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// decodeBody reads an object sent as JSON or YAML.
func decodeBody(b []byte) (object, error) {
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, errBadRequest("the object provided is unrecognized: %v", err)
	}
	obj, err := decode(j)
	if err != nil || obj == nil {
		return nil, errBadRequest("the object provided is unrecognized: %v", err)
	}
	return obj, nil
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // decoded JSON always encodes
	}
	return b
}

func uid() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// randomString is a generateName suffix in the API server's alphabet.
func randomString(n int) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
