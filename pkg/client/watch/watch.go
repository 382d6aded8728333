// Package watch follows a collection of the Kubernetes API as kubectl get --watch does, but without ever
// losing or repeating a change: it lists (or streams the initial state with sendInitialEvents), watches from
// the list's resourceVersion, resumes from the last resourceVersion seen after a dropped connection, and
// after 410 Gone relists and reports exactly what changed in between.
//
// It knows the watch protocol (event framing, bookmarks, ERROR events, the initial-events-end annotation),
// not the request paths or body formats: those belong to the caller's Source, which is usually built on a
// *transport.Client.
package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// InitialEventsEndAnnotation marks the BOOKMARK that ends the initial events of a streaming list
// (metav1.InitialEventsAnnotationKey).
const InitialEventsEndAnnotation = "k8s.io/initial-events-end"

// Meta is what the engine must know of an object.
type Meta struct {
	Namespace, Name, UID, ResourceVersion string
}

// Item is one object of a list or an event, in whatever form the caller's Accept header asked for: a whole
// object, or one row of a server-side Table. The engine never looks inside Raw.
type Item struct {
	Meta Meta
	Raw  json.RawMessage
}

// Decoded is what the caller's Source made of one event's object.
type Decoded struct {
	Items            []Item // usually one; none for a bookmark; a Table event may carry several rows
	ResourceVersion  string // the resourceVersion the object carries (bookmarks; Table metadata)
	InitialEventsEnd bool   // a BOOKMARK annotated k8s.io/initial-events-end: "true" (streaming list done)
}

// Source is the collection being watched; the caller implements it, knowing the request paths, the Accept
// header and the body format (plain JSON objects or meta.k8s.io Tables).
type Source interface {
	// List lists the whole collection page by page (limit/continue), calling each for every item in order as
	// pages arrive, and returns the list's resourceVersion. An error from each must be returned (wrapped or
	// not) and end the list.
	List(ctx context.Context, each func(Item) error) (resourceVersion string, err error)
	// Watch opens a watch with allowWatchBookmarks=true from resourceVersion. With initialEvents,
	// resourceVersion is "" and the request carries sendInitialEvents=true&resourceVersionMatch=NotOlderThan.
	// A non-2xx answer is returned as the error (a *transport.StatusError from transport.ErrorFromResponse; a
	// failure to connect is a *transport.ConnectionError). Reads of the body must return once ctx ends, as
	// those of an http.Response.Body for a request made with ctx do: that is how Run stops a watch.
	Watch(ctx context.Context, resourceVersion string, initialEvents bool) (io.ReadCloser, error)
	// Decode turns an ADDED/MODIFIED/DELETED/BOOKMARK event's object into items. ERROR events are Run's.
	Decode(ev Event) (Decoded, error)
}

// Options tune Run. The zero value lists, then watches, with the default backoff.
type Options struct {
	// WatchOnly does not emit the initial state (kubectl --watch-only); it is still listed, to know what exists.
	WatchOnly bool
	// StreamingList gets the initial state from one watch with sendInitialEvents instead of List. Run falls
	// back to List when the server refuses it (400/422 from an older server or a disabled WatchList
	// feature), when the stream drops maxStreamAttempts times before the initial-events-end bookmark, and
	// when no event arrives for InitialEventsTimeout before that bookmark (a server that ignores
	// sendInitialEvents never sends it).
	StreamingList bool
	// InitialEventsTimeout is how long a streaming list may stay silent before its initial-events-end
	// bookmark; 0 means 10s.
	InitialEventsTimeout time.Duration
	// Backoff is the wait before reconnect attempt n (1, 2, ...); nil means DefaultBackoff. The count starts
	// again after a watch that delivered events.
	Backoff func(attempt int) time.Duration
	// Retrying, if set, is told about every failure Run recovers from, before its backoff: dropped
	// connections, 5xx, 429, 410 Gone (answered by a relist), a refused or incomplete streaming list
	// (answered by a List). attempt counts consecutive failures since the last delivered event.
	Retrying func(err error, attempt int)
	// Synced, if set, is called once, when the initial state has been emitted in full: a printer that holds
	// rows back to settle column widths prints them then.
	Synced func()
	// Sleep waits d or until ctx ends, returning ctx's error then; nil means a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Change is what the user sees: one row or object added, modified or deleted.
type Change struct {
	Type EventType
	Item Item
	// Initial marks the changes that make up the initial state: everything emitted before the first list
	// (or the streaming list's initial-events-end bookmark) is complete. Usually all ADDED; a list retried
	// after a failure part-way may add MODIFIED or DELETED ones for what changed in between.
	Initial bool
}

const (
	defaultInitialEventsTimeout = 10 * time.Second
	// maxStreamAttempts is how many streaming lists may drop before their end bookmark before Run lists.
	maxStreamAttempts = 3
)

// DefaultBackoff is 250ms doubling up to 10s, less up to a quarter at random so that clients restarted
// together do not come back together.
func DefaultBackoff(attempt int) time.Duration {
	const base, ceiling = 250 * time.Millisecond, 10 * time.Second
	d := ceiling
	if attempt < 7 {
		d = min(base<<max(attempt-1, 0), ceiling)
	}
	return d - rand.N(d/4+1)
}

func sleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Run gets the initial state, then watches until ctx ends, calling emit for each change, in order. The end
// of ctx is success (Ctrl-C, --request-timeout): Run returns nil. It returns an error only for a real
// failure: 401/403/404 and other 4xx answers (as the *transport.StatusError, for kubectl's wording), an ERROR
// event that is neither 410 Gone nor a server-side failure, a malformed stream (*FrameError), Decode's or
// emit's error (as it is), or the first request failing to connect. Run never writes anything itself.
//
// A watch has no end of its own, so a deadline such as --request-timeout belongs in ctx: an
// http.Client.Timeout only cuts one request, which Run takes for a dropped connection and resumes.
func Run(ctx context.Context, src Source, opts Options, emit func(Change) error) error {
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepTimer
	}
	if opts.InitialEventsTimeout <= 0 {
		opts.InitialEventsTimeout = defaultInitialEventsTimeout
	}
	r := &runner{src: src, opts: opts, emit: emit, state: map[key]entry{}}
	err := r.run(ctx)
	var ee *emitError
	if errors.As(err, &ee) {
		return ee.err
	}
	if ctx.Err() != nil {
		return nil
	}
	return err
}

type key struct{ namespace, name string }

// entry is what is known of one object: enough to recognise a duplicate, and to print its deletion when
// only a relist finds it gone.
type entry struct {
	meta Meta
	raw  json.RawMessage
	gen  uint64 // the sync (list or streaming list) that last saw it
}

type runner struct {
	src   Source
	opts  Options
	emit  func(Change) error
	state map[key]entry

	gen         uint64 // the current sync
	rv          string // where the next watch starts
	initialDone bool   // the initial state is complete
	established bool   // some request had a 2xx answer: failures from now on may be the server restarting
	fails       int    // consecutive failures since the last delivered event
}

type mode int

const (
	modeList   mode = iota // List (initially, after 410 Gone, or instead of a streaming list), then watch
	modeStream             // a streaming list, which then goes on as the watch
	modeWatch              // watch from r.rv
)

func (r *runner) run(ctx context.Context) error {
	m := modeList
	if r.opts.StreamingList {
		m = modeStream
	}
	streamFails := 0
	for ctx.Err() == nil {
		var err error
		delivered := false
		switch m {
		case modeList:
			if err = r.list(ctx); err == nil {
				m = modeWatch
				continue
			}
		case modeStream, modeWatch:
			delivered, err = r.watch(ctx, m == modeStream)
			if m == modeStream && r.initialDone {
				m = modeWatch
			}
		}
		if ctx.Err() != nil {
			return err // only an emit error counts now; Run sorts it out
		}
		if delivered {
			r.fails = 0
		}
		if errors.Is(err, io.EOF) && delivered && m == modeWatch {
			continue // the server's own watch timeout: go on from the last resourceVersion
		}

		next, wait, err := r.recover(err, m, &streamFails)
		if err != nil {
			return err
		}
		m = next
		if wait > 0 {
			if err := r.opts.Sleep(ctx, wait); err != nil {
				return nil
			}
		}
	}
	return nil
}

// recover decides what follows a failure in mode m: the next mode and the wait before it, or a final error.
func (r *runner) recover(err error, m mode, streamFails *int) (mode, time.Duration, error) {
	if errors.Is(err, io.EOF) {
		err = errClosedEarly
		if m == modeStream {
			err = errStreamEnded
		}
	}
	c := classify(err)
	if c == classFatal {
		return m, 0, err
	}
	if c == classConnection {
		if !r.established {
			// The first request failing to connect is reported, as kubectl get does; a server that answered
			// once is waited for.
			return m, 0, err
		}
		c = classTransient
	}

	next := m
	switch m {
	case modeList:
		switch {
		case c == classRefused, c == classTransient && !r.established:
			return m, 0, err
		}
	case modeWatch:
		switch c {
		case classRefused:
			return m, 0, err
		case classGone:
			next = modeList
		}
	case modeStream:
		*streamFails++
		if c != classTransient || !r.established || *streamFails >= maxStreamAttempts {
			next = modeList
		}
	}

	r.fails++
	if r.opts.Retrying != nil {
		r.opts.Retrying(err, r.fails)
	}
	// A relist, or a List instead of a streaming list, starts at once the first time: it answers the
	// failure rather than repeating the request that failed.
	if next != m && r.fails == 1 {
		return next, 0, nil
	}
	wait := r.opts.Backoff(r.fails)
	var se *transport.StatusError
	if errors.As(err, &se) && se.Details != nil && se.Details.RetryAfterSeconds > 0 {
		wait = max(wait, time.Duration(se.Details.RetryAfterSeconds)*time.Second)
	}
	return next, wait, nil
}

var (
	errClosedEarly        = errors.New("the server closed the watch before sending any event")
	errStreamEnded        = errors.New("the server ended the streaming list before its initial-events-end bookmark")
	errNoInitialEventsEnd = errors.New("the server sent no initial-events-end bookmark (it may not support streaming lists)")
)

// synced marks the initial state complete, telling Options.Synced the first time.
func (r *runner) synced() {
	if !r.initialDone && r.opts.Synced != nil {
		defer r.opts.Synced()
	}
	r.initialDone = true
}

// list lists the collection and reconciles it with what is known: the initial state, or a relist after
// 410 Gone that must report only what was missed.
func (r *runner) list(ctx context.Context) error {
	r.gen++
	rv, err := r.src.List(ctx, func(it Item) error {
		r.established = true
		return r.sync(it)
	})
	if err != nil {
		return err
	}
	r.established = true
	if err := r.sweep(); err != nil {
		return err
	}
	r.rv = rv
	r.synced()
	return nil
}

// watch follows one watch request until it ends. With streaming it is a streaming list whose ADDED
// events are synced until the initial-events-end bookmark, after which it goes on as a plain watch.
// delivered reports that at least one event other than ERROR arrived.
func (r *runner) watch(ctx context.Context, streaming bool) (delivered bool, err error) {
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	rv := r.rv
	if streaming {
		rv = ""
		r.gen++
	}
	body, err := r.src.Watch(wctx, rv, streaming)
	if err != nil {
		return false, err
	}
	defer body.Close()
	r.established = true

	var idle *time.Timer
	if streaming {
		idle = time.AfterFunc(r.opts.InitialEventsTimeout, func() { cancel(errNoInitialEventsEnd) })
		defer idle.Stop()
	}

	dec := NewDecoder(body)
	for {
		ev, err := dec.Next()
		if err != nil {
			if cause := context.Cause(wctx); cause == errNoInitialEventsEnd && ctx.Err() == nil && !r.initialDone {
				return delivered, cause
			}
			return delivered, err
		}
		syncing := streaming && !r.initialDone
		if syncing {
			// The silence that counts is the server's: not the time emit takes (a paused pager).
			idle.Stop()
		}

		switch ev.Type {
		case Added, Modified, Deleted, Bookmark:
		case Error:
			return delivered, errorEventStatus(ev)
		default:
			return delivered, fmt.Errorf("watch event of unknown type %q", ev.Type)
		}
		d, err := r.src.Decode(ev)
		if err != nil {
			return delivered, fmt.Errorf("decoding %s watch event: %w", ev.Type, err)
		}
		delivered = true

		for _, it := range d.Items {
			if ev.Type == Bookmark {
				break // a bookmark's object says where the watch is, not what changed
			}
			if syncing && ev.Type == Added {
				err = r.sync(it)
			} else {
				err = r.apply(ev.Type, it)
			}
			if err != nil {
				return delivered, err
			}
		}
		if v := d.ResourceVersion; v != "" {
			r.rv = v
		} else if n := len(d.Items); n > 0 && d.Items[n-1].Meta.ResourceVersion != "" {
			r.rv = d.Items[n-1].Meta.ResourceVersion
		}
		if syncing && ev.Type == Bookmark && d.InitialEventsEnd {
			if err := r.sweep(); err != nil {
				return delivered, err
			}
			r.synced()
		}
		if syncing && !r.initialDone {
			idle.Reset(r.opts.InitialEventsTimeout)
		}
	}
}

// sync reconciles one item of a list (or of a streaming list's initial events) with what is known.
func (r *runner) sync(it Item) error {
	k := key{it.Meta.Namespace, it.Meta.Name}
	old, known := r.state[k]
	r.state[k] = entry{meta: it.Meta, raw: it.Raw, gen: r.gen}
	switch {
	case !known:
		return r.send(Added, it)
	case old.meta.UID != it.Meta.UID:
		if err := r.send(Deleted, Item{Meta: old.meta, Raw: old.raw}); err != nil {
			return err
		}
		return r.send(Added, it)
	case old.meta.ResourceVersion != it.Meta.ResourceVersion:
		return r.send(Modified, it)
	}
	r.state[k] = entry{meta: old.meta, raw: old.raw, gen: r.gen} // unchanged: keep what was printed
	return nil
}

// sweep ends a complete sync: what it did not see is gone. Deletions come in key order.
func (r *runner) sweep() error {
	var gone []key
	for k, e := range r.state {
		if e.gen != r.gen {
			gone = append(gone, k)
		}
	}
	sort.Slice(gone, func(i, j int) bool {
		if gone[i].namespace != gone[j].namespace {
			return gone[i].namespace < gone[j].namespace
		}
		return gone[i].name < gone[j].name
	})
	for _, k := range gone {
		e := r.state[k]
		delete(r.state, k)
		if err := r.send(Deleted, Item{Meta: e.meta, Raw: e.raw}); err != nil {
			return err
		}
	}
	return nil
}

// apply records one watch event's item and emits it, unless it is one already known: the same uid and
// resourceVersion again, or the deletion of an object that is already gone.
func (r *runner) apply(t EventType, it Item) error {
	k := key{it.Meta.Namespace, it.Meta.Name}
	old, known := r.state[k]
	switch t {
	case Added, Modified:
		if known && old.meta.UID == it.Meta.UID && old.meta.ResourceVersion == it.Meta.ResourceVersion {
			return nil
		}
		r.state[k] = entry{meta: it.Meta, raw: it.Raw, gen: r.gen}
	case Deleted:
		if !known || old.meta.UID != "" && it.Meta.UID != "" && old.meta.UID != it.Meta.UID {
			return nil
		}
		delete(r.state, k)
	}
	return r.send(t, it)
}

// emitError carries emit's error through Source.List untouched.
type emitError struct{ err error }

func (e *emitError) Error() string { return e.err.Error() }
func (e *emitError) Unwrap() error { return e.err }

func (r *runner) send(t EventType, it Item) error {
	initial := !r.initialDone
	if initial && r.opts.WatchOnly {
		return nil
	}
	if err := r.emit(Change{Type: t, Item: it, Initial: initial}); err != nil {
		return &emitError{err}
	}
	return nil
}
