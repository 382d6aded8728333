package fakeapi

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// watch streams the changes of the collection after the request's resourceVersion, one JSON event a
// line, until the request ends or timeoutSeconds pass. Without a resourceVersion (or "0") it first sends
// the objects that exist as ADDED, as the API server does; with sendInitialEvents=true it then sends the
// BOOKMARK that ends them. Selectors are applied to each event's object, so an object leaving the
// selection by a change is not reported as DELETED as the API server would.
func (s *Server) watch(w http.ResponseWriter, r *http.Request, res *resource, ns string, q map[string][]string, f form) error {
	m, err := newMatcher(first(q["labelSelector"]), first(q["fieldSelector"]))
	if err != nil {
		return err
	}
	rvParam := first(q["resourceVersion"])
	from, err := strconv.ParseInt(rvParam, 10, 64)
	if rvParam != "" && err != nil {
		return errBadRequest("invalid resource version: %s", rvParam)
	}
	ctx := r.Context()
	if t, err := strconv.Atoi(first(q["timeoutSeconds"])); err == nil && t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(t)*time.Second)
		defer cancel()
	}

	s.mu.Lock()
	var initial []object
	if from == 0 {
		from = s.rv
		for _, k := range s.keys(res, ns) {
			if obj, err := decode(s.objects[k]); err == nil && m.matches(obj) {
				initial = append(initial, obj)
			}
		}
	}
	next := sort.Search(len(s.events), func(i int) bool { return s.events[i].rv > from })
	s.mu.Unlock()

	w.Header().Set("Content-Type", f.contentType())
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	columns := true
	send := func(typ string, obj object) bool {
		err := enc.Encode(struct {
			Type   string `json:"type"`
			Object any    `json:"object"`
		}{typ, f.object(res, obj, first(q["includeObject"]), columns)})
		columns = false
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		return err == nil
	}
	for _, obj := range initial {
		if !send("ADDED", obj) {
			return nil
		}
	}
	if first(q["sendInitialEvents"]) == "true" {
		bookmark := object{"kind": res.Kind, "apiVersion": res.GroupVersion(), "metadata": object{
			"resourceVersion": strconv.FormatInt(from, 10), "annotations": object{"k8s.io/initial-events-end": "true"}}}
		if !send("BOOKMARK", bookmark) {
			return nil
		}
	}
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	for {
		s.mu.Lock()
		events, changed := s.events[next:], s.changed
		next = len(s.events)
		s.mu.Unlock()
		for _, ev := range events {
			if ev.key.group != res.Group || ev.key.resource != res.Name || (ns != "" && ev.key.namespace != ns) {
				continue
			}
			obj, err := decode(ev.obj)
			if err == nil && m.matches(obj) && !send(ev.typ, obj) {
				return nil
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil
		}
	}
}
