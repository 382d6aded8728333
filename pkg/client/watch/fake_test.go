package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// scriptSource is a Source that answers each List and Watch call with the next step of a script and checks
// that the call is the one the step expects. When the script is used up it ends the test's context, so
// that Run returns.
type scriptSource struct {
	t      *testing.T
	cancel context.CancelFunc

	mu    sync.Mutex
	steps []step
	calls []string
}

// step is one expected call and its answer.
type step struct {
	// A List call: items (objects made by obj) and the list's resourceVersion; with err, only the first
	// failAfter items are listed and err is returned.
	list      bool
	items     []string
	rv        string
	err       error
	failAfter int

	// A Watch call from resourceVersion rv (initial: a streaming list): err, or a body of frames followed
	// by end (nil: io.EOF; errBlock: blocks until the watch's context ends).
	initial bool
	frames  []string
	end     error
}

var errBlock = errors.New("block")

func listStep(rv string, items ...string) step { return step{list: true, rv: rv, items: items} }

func listFails(err error, after int, items ...string) step {
	return step{list: true, items: items, err: err, failAfter: after}
}

func watchStep(rv string, end error, frames ...string) step {
	return step{rv: rv, frames: frames, end: end}
}

func watchFails(rv string, err error) step { return step{rv: rv, err: err} }

func streamStep(end error, frames ...string) step {
	return step{initial: true, frames: frames, end: end}
}

func (s *scriptSource) next(call string) (step, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
	if len(s.steps) == 0 {
		s.cancel()
		return step{}, false
	}
	st := s.steps[0]
	s.steps = s.steps[1:]
	return st, true
}

func (s *scriptSource) List(ctx context.Context, each func(Item) error) (string, error) {
	st, ok := s.next("list")
	if !ok {
		return "", context.Canceled
	}
	if !st.list {
		s.t.Errorf("List called; the script expects a watch from %q", st.rv)
		return "", errors.New("unexpected list")
	}
	for i, o := range st.items {
		if st.err != nil && i >= st.failAfter {
			break
		}
		it, err := itemOf(json.RawMessage(o))
		if err != nil {
			s.t.Fatal(err)
		}
		if err := each(it); err != nil {
			return "", fmt.Errorf("listing: %w", err)
		}
	}
	if st.err != nil {
		return "", st.err
	}
	return st.rv, nil
}

func (s *scriptSource) Watch(ctx context.Context, rv string, initial bool) (io.ReadCloser, error) {
	call := "watch " + rv
	if initial {
		call = "stream"
	}
	st, ok := s.next(call)
	if !ok {
		return nil, context.Canceled
	}
	if st.list || st.rv != rv || st.initial != initial {
		s.t.Errorf("%s; the script expects %+v", call, st)
		return nil, errors.New("unexpected watch")
	}
	if initial && rv != "" {
		s.t.Errorf("streaming list from resourceVersion %q, want \"\"", rv)
	}
	if st.err != nil {
		return nil, st.err
	}
	return &scriptBody{src: s, ctx: ctx, r: strings.NewReader(strings.Join(st.frames, "\n")), end: st.end}, nil
}

func (s *scriptSource) Decode(ev Event) (Decoded, error) {
	if ev.Type == Bookmark {
		var o object
		if err := json.Unmarshal(ev.Object, &o); err != nil {
			return Decoded{}, err
		}
		return Decoded{
			ResourceVersion:  o.Metadata.ResourceVersion,
			InitialEventsEnd: o.Metadata.Annotations[InitialEventsEndAnnotation] == "true",
		}, nil
	}
	it, err := itemOf(ev.Object)
	if err != nil {
		return Decoded{}, err
	}
	return Decoded{Items: []Item{it}, ResourceVersion: it.Meta.ResourceVersion}, nil
}

// remaining is the part of the script not played.
func (s *scriptSource) remaining() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.steps)
}

// scriptBody is a watch body: the frames, then its end.
type scriptBody struct {
	src *scriptSource
	ctx context.Context
	r   io.Reader
	end error
}

func (b *scriptBody) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := b.r.Read(p)
	if n > 0 || err != io.EOF {
		return n, err
	}
	switch b.end {
	case nil:
		return 0, io.EOF
	case errBlock:
		if b.src.remaining() == 0 {
			b.src.cancel() // the script is played to the end
		}
		<-b.ctx.Done()
		return 0, b.ctx.Err()
	}
	return 0, b.end
}

func (b *scriptBody) Close() error { return nil }

type object struct {
	Metadata struct {
		Namespace       string            `json:"namespace"`
		Name            string            `json:"name"`
		UID             string            `json:"uid"`
		ResourceVersion string            `json:"resourceVersion"`
		Annotations     map[string]string `json:"annotations"`
	} `json:"metadata"`
}

func itemOf(raw json.RawMessage) (Item, error) {
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return Item{}, err
	}
	m := o.Metadata
	return Item{Meta: Meta{Namespace: m.Namespace, Name: m.Name, UID: m.UID, ResourceVersion: m.ResourceVersion}, Raw: raw}, nil
}

// obj is an object "name" in namespace ns; its uid is "name-uid" unless given as "name:uid".
func obj(name, rv string) string {
	uid := name + "-uid"
	if n, u, ok := strings.Cut(name, ":"); ok {
		name, uid = n, u
	}
	return fmt.Sprintf(`{"metadata":{"namespace":"ns","name":%q,"uid":%q,"resourceVersion":%q}}`, name, uid, rv)
}

func frame(t EventType, object string) string {
	return fmt.Sprintf(`{"type":%q,"object":%s}`, t, object)
}

func added(name, rv string) string    { return frame(Added, obj(name, rv)) }
func modified(name, rv string) string { return frame(Modified, obj(name, rv)) }
func deleted(name, rv string) string  { return frame(Deleted, obj(name, rv)) }

func bookmark(rv string) string {
	return frame(Bookmark, fmt.Sprintf(`{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":%q}}`, rv))
}

func endBookmark(rv string) string {
	return frame(Bookmark, fmt.Sprintf(`{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":%q,"annotations":{%q:"true"}}}`, rv, InitialEventsEndAnnotation))
}

// errorEvent is an ERROR event as the apiserver sends it.
func errorEvent(code int, reason, message string) string {
	return frame(Error, fmt.Sprintf(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":%q,"reason":%q,"code":%d}`, message, reason, code))
}

func statusError(code int, reason, message string) *transport.StatusError {
	return &transport.StatusError{Code: code, Reason: reason, Message: message, Status: "Failure"}
}

// describe is a Change as the tests expect it: "ADDED a a-uid 5 initial".
func describe(c Change) string {
	s := fmt.Sprintf("%s %s %s %s", c.Type, c.Item.Meta.Name, c.Item.Meta.UID, c.Item.Meta.ResourceVersion)
	if c.Item.Meta.Namespace != "ns" {
		s += " namespace=" + c.Item.Meta.Namespace
	}
	if c.Initial {
		s += " initial"
	}
	// The item handed on is the one the server sent (for a deletion found by a relist: the last known).
	if want := obj(c.Item.Meta.Name+":"+c.Item.Meta.UID, c.Item.Meta.ResourceVersion); string(c.Item.Raw) != want {
		s += " raw=" + string(c.Item.Raw)
	}
	return s
}

// result is what one Run did.
type result struct {
	changes []string
	retries []string // "attempt: error"
	sleeps  []time.Duration
	calls   []string
	err     error
}

// runScript runs Run against the script with a fake sleep and a backoff of attempt seconds.
func runScript(t *testing.T, opts Options, steps ...step) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	src := &scriptSource{t: t, cancel: cancel, steps: steps}
	var res result
	var mu sync.Mutex
	opts.Backoff = func(n int) time.Duration { return time.Duration(n) * time.Second }
	opts.Sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		res.sleeps = append(res.sleeps, d)
		return ctx.Err()
	}
	opts.Retrying = func(err error, attempt int) {
		mu.Lock()
		defer mu.Unlock()
		res.retries = append(res.retries, fmt.Sprintf("%d: %v", attempt, err))
	}
	res.err = Run(ctx, src, opts, func(c Change) error {
		res.changes = append(res.changes, describe(c))
		return nil
	})
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatal("Run did not finish the script in 20s")
	}
	if res.err == nil && src.remaining() > 0 {
		t.Errorf("Run returned with %d steps of the script left; calls: %q", src.remaining(), src.calls)
	}
	res.calls = src.calls
	return res
}
