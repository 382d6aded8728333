package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

// httpSource is a Source for the pods of one namespace, through a real *transport.Client: what the lead's
// get command does, minus Tables.
type httpSource struct {
	c    *transport.Client
	path string
	page int
}

func (s *httpSource) List(ctx context.Context, each func(Item) error) (string, error) {
	cont := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(s.page)}}
		if cont != "" {
			q.Set("continue", cont)
		}
		req, err := s.c.NewRequest(ctx, http.MethodGet, s.path+"?"+q.Encode(), nil)
		if err != nil {
			return "", err
		}
		resp, err := s.c.Do(req)
		if err != nil {
			return "", err
		}
		if err := transport.ErrorFromResponse(resp); err != nil {
			return "", err
		}
		var list struct {
			Metadata struct {
				ResourceVersion string `json:"resourceVersion"`
				Continue        string `json:"continue"`
			} `json:"metadata"`
			Items []json.RawMessage `json:"items"`
		}
		err = json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if err != nil {
			return "", err
		}
		for _, raw := range list.Items {
			it, err := itemOf(raw)
			if err != nil {
				return "", err
			}
			if err := each(it); err != nil {
				return "", err
			}
		}
		if cont = list.Metadata.Continue; cont == "" {
			return list.Metadata.ResourceVersion, nil
		}
	}
}

func (s *httpSource) Watch(ctx context.Context, rv string, initial bool) (io.ReadCloser, error) {
	q := url.Values{"watch": {"1"}, "allowWatchBookmarks": {"true"}, "resourceVersion": {rv}}
	if initial {
		q.Set("sendInitialEvents", "true")
		q.Set("resourceVersionMatch", "NotOlderThan")
	}
	req, err := s.c.NewRequest(ctx, http.MethodGet, s.path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.c.Do(req)
	if err != nil {
		return nil, err
	}
	if err := transport.ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func (s *httpSource) Decode(ev Event) (Decoded, error) {
	return (&scriptSource{}).Decode(ev)
}

// fakeAPIServer keeps pods of namespace ns with a resourceVersion history, and serves list (paged) and
// watch (with bookmarks, sendInitialEvents and 410 for a compacted resourceVersion) as kube-apiserver does.
type fakeAPIServer struct {
	mu        sync.Mutex
	rv        int
	objects   map[string]string // name → object
	order     []string          // names, for list order
	history   []histEvent
	compacted int             // watches from before this get 410
	down      bool            // answer 503
	forbidden bool            // answer 403
	drop      chan struct{}   // closed to cut every open watch mid-event
	changed   chan struct{}   // closed when history grows
	watches   chan url.Values // each watch request, once it streams
	noEnd     bool            // streaming lists never send their end bookmark
}

type histEvent struct {
	rv    int
	frame string
}

func newFakeAPIServer() *fakeAPIServer {
	return &fakeAPIServer{objects: map[string]string{}, drop: make(chan struct{}), changed: make(chan struct{}),
		watches: make(chan url.Values, 100)}
}

// set creates or updates (or with del, deletes) a pod and returns the event's resourceVersion.
func (f *fakeAPIServer) set(name string, del bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rv++
	o := obj(name, strconv.Itoa(f.rv))
	t := Modified
	switch _, ok := f.objects[name]; {
	case del:
		t = Deleted
		delete(f.objects, name)
		for i, n := range f.order {
			if n == name {
				f.order = append(f.order[:i], f.order[i+1:]...)
				break
			}
		}
	case !ok:
		t = Added
		f.objects[name] = o
		f.order = append(f.order, name)
	default:
		f.objects[name] = o
	}
	f.history = append(f.history, histEvent{f.rv, frame(t, o)})
	close(f.changed)
	f.changed = make(chan struct{})
	return f.rv
}

func (f *fakeAPIServer) dropWatches() {
	f.mu.Lock()
	defer f.mu.Unlock()
	close(f.drop)
	f.drop = make(chan struct{})
}

func (f *fakeAPIServer) status(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":%q,"reason":%q,"code":%d}`, msg, reason, code)
}

func (f *fakeAPIServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	down, forbidden := f.down, f.forbidden
	f.mu.Unlock()
	switch {
	case down:
		f.status(w, 503, "ServiceUnavailable", "the server is currently unable to handle the request")
		return
	case forbidden:
		f.status(w, 403, "Forbidden", `pods is forbidden: User "bob" cannot watch resource "pods" in API group "" in the namespace "ns"`)
		return
	case q.Get("watch") == "1":
		f.serveWatch(w, r, q)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	start, _ := strconv.Atoi(q.Get("continue"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	end := min(start+limit, len(f.order))
	var items []json.RawMessage
	for _, n := range f.order[start:end] {
		items = append(items, json.RawMessage(f.objects[n]))
	}
	cont := ""
	if end < len(f.order) {
		cont = strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"kind": "PodList", "apiVersion": "v1", "items": items,
		"metadata": map[string]string{"resourceVersion": strconv.Itoa(f.rv), "continue": cont},
	})
}

func (f *fakeAPIServer) serveWatch(w http.ResponseWriter, r *http.Request, q url.Values) {
	f.mu.Lock()
	from, _ := strconv.Atoi(q.Get("resourceVersion"))
	var initial []string
	if q.Get("sendInitialEvents") == "true" {
		from = f.rv
		for _, n := range f.order {
			initial = append(initial, frame(Added, f.objects[n]))
		}
		if !f.noEnd {
			initial = append(initial, endBookmark(strconv.Itoa(f.rv)))
		}
	} else if from < f.compacted {
		f.mu.Unlock()
		f.status(w, 410, "Expired", fmt.Sprintf("too old resource version: %d (%d)", from, f.compacted))
		return
	}
	drop := f.drop
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	for _, fr := range initial {
		fmt.Fprintln(w, fr)
	}
	w.(http.Flusher).Flush()
	f.watches <- q
	for {
		f.mu.Lock()
		var send []string
		for _, h := range f.history {
			if h.rv > from {
				send = append(send, h.frame)
				from = h.rv
			}
		}
		changed := f.changed
		f.mu.Unlock()
		for _, fr := range send {
			fmt.Fprintln(w, fr)
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-drop:
			// Half an event, then the connection goes.
			io.WriteString(w, `{"type":"ADDED","object":{"metadata":{"name":"half`)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		case <-changed:
		}
	}
}

func newHTTPSource(t *testing.T, f *fakeAPIServer) *httpSource {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := transport.New(&config.Resolved{Server: srv.URL, Namespace: "ns"}, transport.Options{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return &httpSource{c: c, path: "/api/v1/namespaces/ns/pods", page: 2}
}

// runHTTP runs Run in the background; changes arrive on the returned channel, Run's result on done.
func runHTTP(t *testing.T, ctx context.Context, src Source, opts Options) (<-chan string, <-chan error) {
	changes := make(chan string, 100)
	done := make(chan error, 1)
	opts.Backoff = func(int) time.Duration { return 10 * time.Millisecond }
	go func() {
		done <- Run(ctx, src, opts, func(c Change) error {
			changes <- describe(c)
			return nil
		})
	}()
	return changes, done
}

func expectChanges(t *testing.T, changes <-chan string, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case got := <-changes:
			if got != w {
				t.Fatalf("got change %q, want %q", got, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no change in 10s, want %q", w)
		}
	}
	select {
	case got := <-changes:
		t.Fatalf("unexpected change %q", got)
	case <-time.After(50 * time.Millisecond):
	}
}

func waitWatch(t *testing.T, f *fakeAPIServer) url.Values {
	t.Helper()
	select {
	case q := <-f.watches:
		return q
	case <-time.After(10 * time.Second):
		t.Fatal("no watch request in 10s")
		return nil
	}
}

func TestRunOverHTTP(t *testing.T) {
	f := newFakeAPIServer()
	f.set("a", false)
	f.set("b", false)
	f.set("c", false) // three pods: two list pages
	src := newHTTPSource(t, f)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changes, done := runHTTP(t, ctx, src, Options{})

	expectChanges(t, changes, "ADDED a a-uid 1 initial", "ADDED b b-uid 2 initial", "ADDED c c-uid 3 initial")
	if q := waitWatch(t, f); q.Get("resourceVersion") != "3" || q.Get("allowWatchBookmarks") != "true" {
		t.Fatalf("watch %v, want from the list's resourceVersion 3", q)
	}
	f.set("a", false)
	expectChanges(t, changes, "MODIFIED a a-uid 4")

	// Cut mid-event: resume from 4 and see d once.
	f.dropWatches()
	if q := waitWatch(t, f); q.Get("resourceVersion") != "4" {
		t.Fatalf("resumed from %q, want 4", q.Get("resourceVersion"))
	}
	f.set("d", false)
	expectChanges(t, changes, "ADDED d d-uid 5")

	// Down while things change, and the history is compacted meanwhile: 410, relist, only the news.
	f.mu.Lock()
	f.down = true
	f.mu.Unlock()
	f.dropWatches()
	f.set("b", true)
	f.set("c", false)
	f.set("e", false)
	f.mu.Lock()
	f.compacted, f.down = f.rv, false
	f.mu.Unlock()
	expectChanges(t, changes, "MODIFIED c c-uid 7", "ADDED e e-uid 8", "DELETED b b-uid 2")
	if q := waitWatch(t, f); q.Get("resourceVersion") != "8" {
		t.Fatalf("watch after the relist from %q, want 8", q.Get("resourceVersion"))
	}

	// Permission taken away: the 403 ends Run, worded as kubectl words it.
	f.mu.Lock()
	f.forbidden = true
	f.mu.Unlock()
	f.dropWatches()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after 403")
	}
	var se *transport.StatusError
	if !errors.As(err, &se) || se.UserMessage() != `Error from server (Forbidden): pods is forbidden: User "bob" cannot watch resource "pods" in API group "" in the namespace "ns"` {
		t.Fatalf("got %v", err)
	}
}

func TestRunOverHTTPStreamingList(t *testing.T) {
	f := newFakeAPIServer()
	f.set("a", false)
	f.set("b", false)
	src := newHTTPSource(t, f)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changes, done := runHTTP(t, ctx, src, Options{StreamingList: true})
	expectChanges(t, changes, "ADDED a a-uid 1 initial", "ADDED b b-uid 2 initial")
	if q := waitWatch(t, f); q.Get("sendInitialEvents") != "true" || q.Get("resourceVersionMatch") != "NotOlderThan" || q.Get("resourceVersion") != "" {
		t.Fatalf("streaming list %v", q)
	}
	f.set("b", false)
	expectChanges(t, changes, "MODIFIED b b-uid 3")
	f.dropWatches()
	if q := waitWatch(t, f); q.Get("resourceVersion") != "3" || q.Has("sendInitialEvents") {
		t.Fatalf("resumed with %v, want a plain watch from 3", q)
	}

	// Ending the context ends Run at once, with nil, though it is blocked reading the watch.
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run still running 2s after its context ended")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %v to stop", d)
	}
}

func TestRunOverHTTPStreamingListWithoutEndBookmark(t *testing.T) {
	f := newFakeAPIServer()
	f.noEnd = true
	f.set("a", false)
	src := newHTTPSource(t, f)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	changes, _ := runHTTP(t, ctx, src, Options{StreamingList: true, InitialEventsTimeout: 100 * time.Millisecond})
	expectChanges(t, changes, "ADDED a a-uid 1 initial")
	waitWatch(t, f)
	if q := waitWatch(t, f); q.Get("resourceVersion") != "1" || q.Has("sendInitialEvents") {
		t.Fatalf("after the silent streaming list: %v, want List then a watch from 1", q)
	}
	f.set("b", false)
	expectChanges(t, changes, "ADDED b b-uid 2")
}
