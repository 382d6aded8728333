package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

func sameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(quoted(got), "\n     "), strings.Join(quoted(want), "\n     "))
	}
}

func quoted(s []string) []string {
	out := []string{}
	for _, x := range s {
		out = append(out, fmt.Sprintf("%q", x))
	}
	return out
}

func sameSleeps(t *testing.T, got []time.Duration, want ...time.Duration) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("sleeps: got %v, want %v", got, want)
	}
}

func noError(t *testing.T, res result) {
	t.Helper()
	if res.err != nil {
		t.Fatalf("Run: %v (calls %q)", res.err, res.calls)
	}
}

func TestRunResumesFromLastResourceVersion(t *testing.T) {
	res := runScript(t, Options{},
		listStep("10", obj("a", "5"), obj("b", "6")),
		// Cut inside a frame: the event before the cut counts, the broken one is not emitted.
		watchStep("10", io.ErrUnexpectedEOF, added("c", "11"), modified("a", "12"), `{"type":"DELETED","object":{"metadata"`),
		// A reset connection after a bookmark: resume from the bookmark's resourceVersion.
		watchStep("12", syscall.ECONNRESET, bookmark("15")),
		// The server's own timeout (clean EOF after events): resume at once, no backoff.
		watchStep("15", nil, deleted("b", "16")),
		watchStep("16", errBlock, modified("c", "17")),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{
		"ADDED a a-uid 5 initial",
		"ADDED b b-uid 6 initial",
		"ADDED c c-uid 11",
		"MODIFIED a a-uid 12",
		"DELETED b b-uid 16",
		"MODIFIED c c-uid 17",
	})
	sameStrings(t, "calls", res.calls, []string{"list", "watch 10", "watch 12", "watch 15", "watch 16"})
	// Each failed watch had delivered events, so the backoff starts again at attempt 1.
	sameSleeps(t, res.sleeps, time.Second, time.Second)
	sameStrings(t, "retries", res.retries, []string{"1: unexpected EOF", "1: connection reset by peer"})
}

func TestRunRelistAfterGoneEmitsOnlyWhatWasMissed(t *testing.T) {
	gone := statusError(410, "Expired", "too old resource version: 10 (30)")
	res := runScript(t, Options{},
		listStep("10", obj("a", "5"), obj("b", "6"), obj("c", "7"), obj("e:e-old", "8"), obj("f", "9")),
		watchStep("10", io.ErrUnexpectedEOF, modified("f", "11")),
		watchFails("11", gone),
		// Missed while away: b modified, c deleted, d created, e deleted and created again, f deleted;
		// a unchanged.
		listStep("30", obj("a", "5"), obj("b", "25"), obj("d", "26"), obj("e:e-new", "27")),
		watchStep("30", errBlock, added("g", "31")),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{
		"ADDED a a-uid 5 initial",
		"ADDED b b-uid 6 initial",
		"ADDED c c-uid 7 initial",
		"ADDED e e-old 8 initial",
		"ADDED f f-uid 9 initial",
		"MODIFIED f f-uid 11",
		// The relist, in list order; what it did not find last, in key order, with the last known object.
		"MODIFIED b b-uid 25",
		"ADDED d d-uid 26",
		"DELETED e e-old 8",
		"ADDED e e-new 27",
		"DELETED c c-uid 7",
		"DELETED f f-uid 11",
		"ADDED g g-uid 31",
	})
	sameStrings(t, "calls", res.calls, []string{"list", "watch 10", "watch 11", "list", "watch 30"})
	// The relist is the answer to 410, but it follows another failure: the backoff goes on (a relist
	// right after events is immediate, see TestRunErrorEvent410InStream).
	sameSleeps(t, res.sleeps, 1*time.Second, 2*time.Second)
	sameStrings(t, "retries", res.retries, []string{"1: unexpected EOF", "2: too old resource version: 10 (30)"})
}

func TestRunErrorEvent410InStream(t *testing.T) {
	res := runScript(t, Options{},
		listStep("10", obj("a", "5")),
		watchStep("10", nil, added("x", "11"), errorEvent(410, "Expired", "too old resource version: 11 (40)")),
		listStep("40", obj("a", "5"), obj("x", "11"), obj("y", "39")),
		watchStep("40", errBlock),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{
		"ADDED a a-uid 5 initial",
		"ADDED x x-uid 11",
		"ADDED y y-uid 39",
	})
	sameSleeps(t, res.sleeps)
	sameStrings(t, "retries", res.retries, []string{"1: too old resource version: 11 (40)"})

	// Reason Gone (servers before 1.18) and a bare 410 count too.
	for _, ev := range []string{errorEvent(410, "Gone", "gone"), errorEvent(0, "Expired", "expired"), errorEvent(410, "", "410")} {
		res := runScript(t, Options{},
			listStep("10"),
			watchStep("10", nil, ev),
			listStep("40", obj("y", "39")),
		)
		noError(t, res)
		sameStrings(t, "changes", res.changes, []string{"ADDED y y-uid 39"})
	}
}

func TestRunRetriesServerFailuresWithBackoff(t *testing.T) {
	unavailable := statusError(503, "ServiceUnavailable", "the server is currently unable to handle the request")
	throttled := statusError(429, "TooManyRequests", "too many requests")
	throttled.Details = &transport.StatusDetails{RetryAfterSeconds: 7}
	refused := &transport.ConnectionError{Server: "127.0.0.1:6443", Cause: transport.CauseRefused, Err: syscall.ECONNREFUSED}
	res := runScript(t, Options{},
		listStep("10", obj("a", "5")),
		watchFails("10", unavailable),
		watchFails("10", refused),
		watchFails("10", throttled),
		watchStep("10", nil, errorEvent(500, "InternalError", "etcd leader changed")),
		watchStep("10", nil),                  // closed without any event: a failure too
		watchFails("10", io.ErrUnexpectedEOF), // the response cut before its headers
		watchStep("10", io.ErrUnexpectedEOF, modified("a", "11")),
		watchStep("11", errBlock),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{"ADDED a a-uid 5 initial", "MODIFIED a a-uid 11"})
	// attempt seconds, except that Retry-After wins when longer; the count restarts after the event.
	sameSleeps(t, res.sleeps, 1*time.Second, 2*time.Second, 7*time.Second, 4*time.Second, 5*time.Second, 6*time.Second, 1*time.Second)
	sameStrings(t, "retries", res.retries, []string{
		"1: the server is currently unable to handle the request",
		"2: connection refused",
		"3: too many requests",
		"4: etcd leader changed",
		"5: " + errClosedEarly.Error(),
		"6: unexpected EOF",
		"1: unexpected EOF",
	})
}

func TestRunFatalErrors(t *testing.T) {
	forbidden := statusError(403, "Forbidden", `pods is forbidden: User "bob" cannot watch resource "pods" in API group "" in the namespace "ns"`)
	notFound := statusError(404, "NotFound", "the server could not find the requested resource")
	refused := &transport.ConnectionError{Server: "127.0.0.1:6443", Cause: transport.CauseRefused, Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name    string
		opts    Options
		steps   []step
		want    error  // errors.Is
		message string // the error's text, when want is nil
		changes []string
		sleeps  []time.Duration
	}{
		{
			name:  "forbidden watch",
			steps: []step{listStep("10", obj("a", "5")), watchFails("10", forbidden)},
			want:  forbidden, changes: []string{"ADDED a a-uid 5 initial"},
		},
		{
			name:  "forbidden on reconnect",
			steps: []step{listStep("10"), watchStep("10", io.ErrUnexpectedEOF, added("a", "11")), watchFails("11", forbidden)},
			want:  forbidden, changes: []string{"ADDED a a-uid 11"}, sleeps: []time.Duration{time.Second},
		},
		{
			name:  "namespace gone on relist",
			steps: []step{listStep("10"), watchFails("10", statusError(410, "Expired", "too old")), listFails(notFound, 0)},
			want:  notFound,
		},
		{
			name:  "first list cannot connect",
			steps: []step{listFails(refused, 0)},
			want:  refused,
		},
		{
			name:    "first list 503",
			steps:   []step{listFails(statusError(503, "ServiceUnavailable", "unavailable"), 0)},
			message: "unavailable",
		},
		{
			name:    "unauthorized",
			steps:   []step{listFails(statusError(401, "Unauthorized", "Unauthorized"), 0)},
			message: "Unauthorized",
		},
		{
			name:    "bad request error event",
			steps:   []step{listStep("10"), watchStep("10", nil, errorEvent(400, "BadRequest", "unable to decode an event from the watch stream"))},
			message: "unable to decode an event from the watch stream",
		},
		{
			name:    "error event without status",
			steps:   []step{listStep("10"), watchStep("10", nil, `{"type":"ERROR","object":{"message":"what"}}`)},
			message: `watch ERROR event without a Status: {"message":"what"}`,
		},
		{
			name:    "malformed frame",
			steps:   []step{listStep("10"), watchStep("10", nil, added("a", "11"), `{"type":"ADDED","object":{"a":nul}}`)},
			message: fmt.Sprintf("malformed watch event at byte %d: invalid character '}' in literal null", len(added("a", "11"))+1+len(`{"type":"ADDED","object":{"a":nul`)),
			changes: []string{"ADDED a a-uid 11"},
		},
		{
			name:    "decode error",
			steps:   []step{listStep("10"), watchStep("10", nil, frame(Added, `{"metadata":"nope"}`))},
			message: "decoding ADDED watch event: json: cannot unmarshal string into Go struct field object.metadata of type struct",
		},
		{
			name:    "unknown event type",
			steps:   []step{listStep("10"), watchStep("10", nil, frame("SYNC", `{}`))},
			message: `watch event of unknown type "SYNC"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runScript(t, tc.opts, tc.steps...)
			if res.err == nil {
				t.Fatal("Run returned nil")
			}
			if tc.want != nil && res.err != tc.want {
				t.Errorf("got %#v, want %#v itself", res.err, tc.want)
			}
			if tc.message != "" && !strings.HasPrefix(res.err.Error(), tc.message) {
				t.Errorf("got  %q\nwant %q", res.err, tc.message)
			}
			sameStrings(t, "changes", res.changes, tc.changes)
			sameSleeps(t, res.sleeps, tc.sleeps...)
		})
	}
}

func TestRunKeepsStatusErrorForKubectlWording(t *testing.T) {
	res := runScript(t, Options{},
		listStep("10"),
		watchStep("10", nil, errorEvent(422, "Invalid", `field selector "spec.bogus": field label not supported`)),
	)
	var se *transport.StatusError
	if !errors.As(res.err, &se) || se.Code != 422 || se.Reason != "Invalid" {
		t.Fatalf("got %#v, want the ERROR event's Status as a *transport.StatusError", res.err)
	}
	if got, want := se.UserMessage(), `Error from server (Invalid): field selector "spec.bogus": field label not supported`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRunDuplicateSuppression(t *testing.T) {
	res := runScript(t, Options{},
		listStep("10", obj("a", "5"), obj("b", "6")),
		watchStep("10", errBlock,
			added("a", "5"),          // what the list said: a duplicate
			modified("a", "5"),       // same
			modified("a", "11"),      // news
			modified("a", "11"),      // a duplicate again
			deleted("z", "12"),       // never known: already gone
			deleted("b:other", "13"), // another object's deletion
			deleted("a", "14"),
			deleted("a", "14"), // gone already
			added("a:new", "15"),
			modified("b", "16"),
		),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{
		"ADDED a a-uid 5 initial",
		"ADDED b b-uid 6 initial",
		"MODIFIED a a-uid 11",
		"DELETED a a-uid 14",
		"ADDED a new 15",
		"MODIFIED b b-uid 16",
	})
}

func TestRunWatchOnly(t *testing.T) {
	res := runScript(t, Options{WatchOnly: true},
		listStep("10", obj("a", "5"), obj("b", "6")),
		watchStep("10", errBlock, added("a", "5"), modified("a", "11"), deleted("b", "12")),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{"MODIFIED a a-uid 11", "DELETED b b-uid 12"})
}

func TestRunInitialListRetriedPartWay(t *testing.T) {
	// Once the list has answered, a list cut part-way is retried, and what was emitted is not emitted again.
	res := runScript(t, Options{},
		listFails(io.ErrUnexpectedEOF, 2, obj("a", "5"), obj("b", "6"), obj("c", "7")),
		listStep("10", obj("a", "5"), obj("b", "9"), obj("c", "7")),
		watchStep("10", errBlock),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{
		"ADDED a a-uid 5 initial",
		"ADDED b b-uid 6 initial",
		"MODIFIED b b-uid 9 initial",
		"ADDED c c-uid 7 initial",
	})
	sameSleeps(t, res.sleeps, time.Second)

	// An expired continue token (410) on the first list is retried too.
	res = runScript(t, Options{},
		listFails(statusError(410, "Expired", "The provided continue parameter is too old"), 1, obj("a", "5"), obj("b", "6")),
		listStep("10", obj("a", "5"), obj("b", "6")),
		watchStep("10", errBlock),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{"ADDED a a-uid 5 initial", "ADDED b b-uid 6 initial"})
}

func TestRunStreamingList(t *testing.T) {
	res := runScript(t, Options{StreamingList: true},
		streamStep(nil, added("a", "5"), added("b", "6"), endBookmark("10"), modified("a", "11"), bookmark("12")),
		watchStep("12", errBlock, deleted("b", "13")),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{
		"ADDED a a-uid 5 initial",
		"ADDED b b-uid 6 initial",
		"MODIFIED a a-uid 11",
		"DELETED b b-uid 13",
	})
	sameStrings(t, "calls", res.calls, []string{"stream", "watch 12"})
	sameSleeps(t, res.sleeps)

	res = runScript(t, Options{StreamingList: true, WatchOnly: true},
		streamStep(errBlock, added("a", "5"), added("b", "6"), endBookmark("10"), modified("a", "11")),
	)
	noError(t, res)
	sameStrings(t, "watch-only changes", res.changes, []string{"MODIFIED a a-uid 11"})
}

func TestRunStreamingListFallsBackToList(t *testing.T) {
	for _, refusal := range []error{
		statusError(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"),
		statusError(400, "BadRequest", "bad request"),
		statusError(500, "InternalError", "boom"),
	} {
		res := runScript(t, Options{StreamingList: true},
			step{initial: true, err: refusal},
			listStep("10", obj("a", "5")),
			watchStep("10", errBlock, modified("a", "11")),
		)
		noError(t, res)
		sameStrings(t, "changes", res.changes, []string{"ADDED a a-uid 5 initial", "MODIFIED a a-uid 11"})
		sameSleeps(t, res.sleeps)
		sameStrings(t, "retries", res.retries, []string{"1: " + refusal.Error()})
	}

	// 403 is no refusal of the streaming list but of the user.
	forbidden := statusError(403, "Forbidden", "forbidden")
	res := runScript(t, Options{StreamingList: true}, step{initial: true, err: forbidden})
	if res.err != forbidden {
		t.Errorf("got %v, want the 403", res.err)
	}
}

func TestRunStreamingListDropBeforeEndBookmark(t *testing.T) {
	res := runScript(t, Options{StreamingList: true},
		streamStep(syscall.ECONNRESET, added("a", "5"), added("b", "6"), added("d", "4")),
		// Start over: a again is not news, b changed meanwhile, c is new, d went away.
		streamStep(nil, added("a", "5"), added("b", "7"), added("c", "8"), endBookmark("10"), added("e", "11")),
		watchStep("11", errBlock),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{
		"ADDED a a-uid 5 initial",
		"ADDED b b-uid 6 initial",
		"ADDED d d-uid 4 initial",
		"MODIFIED b b-uid 7 initial",
		"ADDED c c-uid 8 initial",
		"DELETED d d-uid 4 initial",
		"ADDED e e-uid 11",
	})
	sameStrings(t, "calls", res.calls, []string{"stream", "stream", "watch 11"})
	sameSleeps(t, res.sleeps, time.Second)

	// A streaming list that keeps dropping is given up for a List.
	res = runScript(t, Options{StreamingList: true},
		streamStep(io.ErrUnexpectedEOF, added("a", "5")),
		streamStep(io.ErrUnexpectedEOF, added("a", "5")),
		streamStep(io.ErrUnexpectedEOF, added("a", "5")),
		listStep("10", obj("a", "5"), obj("b", "6")),
		watchStep("10", errBlock),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{"ADDED a a-uid 5 initial", "ADDED b b-uid 6 initial"})
	sameStrings(t, "calls", res.calls, []string{"stream", "stream", "stream", "list", "watch 10"})
}

func TestRunStreamingListWithoutEndBookmark(t *testing.T) {
	// A server that ignores sendInitialEvents sends the objects and then nothing: after the silence, List.
	res := runScript(t, Options{StreamingList: true, InitialEventsTimeout: 50 * time.Millisecond},
		streamStep(errBlock, added("a", "5")),
		listStep("10", obj("a", "5"), obj("b", "6")),
		watchStep("10", errBlock, modified("b", "11")),
	)
	noError(t, res)
	sameStrings(t, "changes", res.changes, []string{"ADDED a a-uid 5 initial", "ADDED b b-uid 6 initial", "MODIFIED b b-uid 11"})
	sameStrings(t, "retries", res.retries, []string{"1: " + errNoInitialEventsEnd.Error()})
	sameSleeps(t, res.sleeps)
}

func TestRunEmitError(t *testing.T) {
	boom := errors.New("write /dev/stdout: broken pipe")
	for name, steps := range map[string][]step{
		"from list":  {listStep("10", obj("a", "5"))},
		"from watch": {listStep("10"), watchStep("10", errBlock, added("a", "5"))},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			src := &scriptSource{t: t, cancel: cancel, steps: steps}
			err := Run(ctx, src, Options{}, func(Change) error { return boom })
			if err != boom {
				t.Fatalf("got %v, want emit's error itself", err)
			}
		})
	}
}

func TestRunEndsQuicklyWithContext(t *testing.T) {
	for name, steps := range map[string][]step{
		// Blocked reading a watch that sends nothing.
		"blocked read": {listStep("10", obj("a", "5")), watchStep("10", errBlock)},
		// Waiting out a long backoff.
		"backoff": {listStep("10", obj("a", "5")), watchFails("10", statusError(503, "ServiceUnavailable", "down"))},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			src := &scriptSource{t: t, cancel: cancel, steps: steps}
			opts := Options{Backoff: func(int) time.Duration { return time.Hour }}
			emitted := make(chan struct{})
			done := make(chan error)
			go func() {
				done <- Run(ctx, src, opts, func(Change) error { close(emitted); return nil })
			}()
			<-emitted
			time.Sleep(20 * time.Millisecond) // let Run reach the read or the sleep
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run: %v, want nil", err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("Run still running 2s after its context ended")
			}
		})
	}
}

func TestDefaultBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 250 * time.Millisecond, 2: 500 * time.Millisecond, 3: time.Second, 6: 8 * time.Second, 7: 10 * time.Second, 1000: 10 * time.Second} {
		for range 20 {
			if got := DefaultBackoff(attempt); got > want || got < want*3/4 {
				t.Fatalf("DefaultBackoff(%d) = %v, want %v less up to a quarter", attempt, got, want)
			}
		}
	}
}

func TestRunStreamingListSlowEmitIsNoSilence(t *testing.T) {
	// A paused pager blocks emit for longer than InitialEventsTimeout: that is no silent server.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	src := &scriptSource{t: t, cancel: cancel, steps: []step{
		streamStep(errBlock, added("a", "5"), added("b", "6"), endBookmark("10")),
	}}
	var got []string
	err := Run(ctx, src, Options{StreamingList: true, InitialEventsTimeout: 30 * time.Millisecond}, func(c Change) error {
		time.Sleep(100 * time.Millisecond)
		got = append(got, describe(c))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "changes", got, []string{"ADDED a a-uid 5 initial", "ADDED b b-uid 6 initial"})
	sameStrings(t, "calls", src.calls, []string{"stream"})
}
