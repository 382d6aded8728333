package watch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// sampleStream has every event type, objects whose strings hold braces, brackets, quotes and escapes, and
// every kind of whitespace between frames (or none).
var sampleStream = `{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"1"},"spec":{"x":"}{]["}}}` + "\n" +
	`{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"2"},"s":"quote \" and \\ and \u00e9 \\\""}}` +
	`{"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"3"},"list":[1,[2,{"b":[]}],"]"]}}` + " \r\n\t " +
	`{ "type" : "BOOKMARK" , "object" : { "kind":"Pod","metadata":{"resourceVersion":"4","annotations":{"k8s.io/initial-events-end":"true"}} } }` + "\n\n" +
	`{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}` + "\n"

var sampleEvents = []Event{
	{Added, json.RawMessage(`{"kind":"Pod","metadata":{"name":"a","resourceVersion":"1"},"spec":{"x":"}{]["}}`)},
	{Modified, json.RawMessage(`{"metadata":{"name":"a","resourceVersion":"2"},"s":"quote \" and \\ and \u00e9 \\\""}`)},
	{Deleted, json.RawMessage(`{"metadata":{"name":"a","resourceVersion":"3"},"list":[1,[2,{"b":[]}],"]"]}`)},
	{Bookmark, json.RawMessage(`{ "kind":"Pod","metadata":{"resourceVersion":"4","annotations":{"k8s.io/initial-events-end":"true"}} }`)},
	{Error, json.RawMessage(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}`)},
}

// decodeAll returns the events of r and the error that ended them (nil for io.EOF).
func decodeAll(r io.Reader) ([]Event, error) {
	d := NewDecoder(r)
	var out []Event
	for {
		ev, err := d.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ev)
	}
}

func sameEvents(t *testing.T, got, want []Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d: %q", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Type != want[i].Type || !bytes.Equal(got[i].Object, want[i].Object) {
			t.Fatalf("event %d:\n got %s %s\nwant %s %s", i, got[i].Type, got[i].Object, want[i].Type, want[i].Object)
		}
	}
}

func TestDecoderSample(t *testing.T) {
	got, err := decodeAll(strings.NewReader(sampleStream))
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, got, sampleEvents)
}

func TestDecoderOneByteAtATime(t *testing.T) {
	got, err := decodeAll(iotest.OneByteReader(strings.NewReader(sampleStream)))
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, got, sampleEvents)

	// Readers that return data together with io.EOF, and that return half of what was asked.
	got, err = decodeAll(iotest.DataErrReader(iotest.HalfReader(strings.NewReader(sampleStream))))
	if err != nil {
		t.Fatal(err)
	}
	sameEvents(t, got, sampleEvents)
}

func TestDecoderEveryTwoWaySplit(t *testing.T) {
	for i := 0; i <= len(sampleStream); i++ {
		r := io.MultiReader(strings.NewReader(sampleStream[:i]), strings.NewReader(sampleStream[i:]))
		got, err := decodeAll(r)
		if err != nil {
			t.Fatalf("split at %d: %v", i, err)
		}
		sameEvents(t, got, sampleEvents)
	}
}

func TestDecoderEveryTruncation(t *testing.T) {
	// Cut anywhere, the stream yields the events before the cut and then io.EOF (cut between events) or
	// io.ErrUnexpectedEOF (cut inside one), never a wrong event.
	frameEnds := map[int]bool{0: true}
	jd := json.NewDecoder(strings.NewReader(sampleStream))
	for {
		var v json.RawMessage
		if jd.Decode(&v) != nil {
			break
		}
		frameEnds[int(jd.InputOffset())] = true
	}
	for i := 0; i < len(sampleStream); i++ {
		got, err := decodeAll(strings.NewReader(sampleStream[:i]))
		if len(got) > len(sampleEvents) {
			t.Fatalf("cut at %d: %d events", i, len(got))
		}
		sameEvents(t, got, sampleEvents[:len(got)])
		between := frameEnds[len(strings.TrimRight(sampleStream[:i], " \r\n\t"))]
		switch {
		case between && err != nil:
			t.Fatalf("cut at %d (between events): %v", i, err)
		case !between && err != io.ErrUnexpectedEOF:
			t.Fatalf("cut at %d (inside an event): got %v, want io.ErrUnexpectedEOF", i, err)
		}
	}
}

func TestDecoderReturnsEventWithoutWaitingForMore(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	d := NewDecoder(pr)
	got := make(chan Event)
	go func() {
		for {
			ev, err := d.Next()
			if err != nil {
				close(got)
				return
			}
			got <- ev
		}
	}()
	for i, frame := range []string{`{"type":"ADDED","object":{"n":1}}`, "\n" + `{"type":"BOOKMARK","object":{"n":2}}`} {
		if _, err := io.WriteString(pw, frame); err != nil {
			t.Fatal(err)
		}
		select {
		case ev := <-got:
			if want := fmt.Sprintf(`{"n":%d}`, i+1); string(ev.Object) != want {
				t.Fatalf("got %s, want %s", ev.Object, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("frame %d complete, but Next is still waiting for more input", i)
		}
	}
}

func TestDecoderLargeObject(t *testing.T) {
	// 10 MB of data in one string (with escapes scattered through it) and a large array.
	var big strings.Builder
	for big.Len() < 10<<20 {
		big.WriteString(`abcdefghij\"{}[]\\klmnopqrstuvwxyz0123456789`)
	}
	obj := `{"metadata":{"name":"big"},"data":"` + big.String() + `","list":[` + strings.Repeat(`{"a":[1,2,3]},`, 1000) + `0]}`
	stream := `{"type":"ADDED","object":` + obj + "}\n" + `{"type":"DELETED","object":{"metadata":{"name":"small"}}}` + "\n"

	for name, r := range map[string]io.Reader{
		"whole":      strings.NewReader(stream),
		"small-read": iotest.HalfReader(&chunkReader{s: stream, n: 1000}),
	} {
		t.Run(name, func(t *testing.T) {
			d := NewDecoder(r)
			ev, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type != Added || string(ev.Object) != obj {
				t.Fatalf("got %s of %d bytes, want ADDED of %d", ev.Type, len(ev.Object), len(obj))
			}
			ev, err = d.Next()
			if err != nil || ev.Type != Deleted || string(ev.Object) != `{"metadata":{"name":"small"}}` {
				t.Fatalf("second event: %s %s %v", ev.Type, ev.Object, err)
			}
			// The large buffer is not kept for the small events that follow.
			if _, err := d.Next(); err != io.EOF {
				t.Fatalf("got %v, want io.EOF", err)
			}
			if cap(d.buf) > maxRetainedBuffer {
				t.Errorf("decoder keeps a %d-byte buffer after the large event", cap(d.buf))
			}
		})
	}
}

// chunkReader returns s in reads of at most n bytes.
type chunkReader struct {
	s string
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[k:]
	return k, nil
}

func TestDecoderFrameErrors(t *testing.T) {
	first := `{"type":"ADDED","object":{}}` + "\n" // 29 bytes, decoded before the bad frame
	for _, tc := range []struct {
		name, stream string
		offset       int64
		reason       string
	}{
		{"bad literal", first + `{"type":"ADDED","object":{"a":tru}}`, 29 + 33, `invalid character '}' in literal true`},
		{"bad value", first + `{"type":"ADDED","object":{"a":x}}`, 29 + 30, `invalid character 'x' looking for beginning of value`},
		{"bare array", `[{"type":"ADDED"}]`, 0, `expected '{' to start a watch event, found '['`},
		{"garbage after event", first + "  oops", 31, `expected '{' to start a watch event, found 'o'`},
		{"html", "<html>", 0, `found '<'`},
		{"control byte", "\x00", 0, `found byte 0x00`},
		{"mismatched bracket", `{"type":"ADDED","object":{"a":1]}`, 31, `invalid character ']'`},
		{"no type", `{"object":{}}`, 0, `watch event has no "type"`},
		{"type number", `{"type":5,"object":{}}`, 8, `"type" is a number, want a string`},
		{"type empty", `{"type":"","object":{}}`, 8, `"type" is empty`},
		{"no object", first + `{"type":"MODIFIED"}`, 29, `MODIFIED event has no "object"`},
		{"null object", `{"type":"ADDED","object":null}`, 0, `ADDED event has no "object"`},
		{"string object", `{"type":"BOOKMARK","object":"x"}`, 28, `"object" of BOOKMARK event is a string, want a JSON object`},
		{"array object", `{"type":"DELETED","object":[{}]}`, 27, `"object" of DELETED event is an array, want a JSON object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeAll(strings.NewReader(tc.stream))
			var fe *FrameError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FrameError", err)
			}
			if fe.Offset != tc.offset || !strings.Contains(fe.Reason, tc.reason) {
				t.Errorf("got offset %d reason %q, want %d %q", fe.Offset, fe.Reason, tc.offset, tc.reason)
			}
			if fe.Excerpt == "" || !strings.Contains(tc.stream, fe.Excerpt) || len(fe.Excerpt) > excerptSize {
				t.Errorf("excerpt %q is not a short piece of the stream", fe.Excerpt)
			}
			if !strings.Contains(fe.Error(), fmt.Sprintf("at byte %d", tc.offset)) {
				t.Errorf("message %q does not name the offset", fe.Error())
			}
		})
	}
}

func TestDecoderFrameErrorMessage(t *testing.T) {
	_, err := decodeAll(strings.NewReader(`{"type":"ADDED","object":{"metadata":{"name":"a"},"spec":{"replicas":1x}}}`))
	want := `malformed watch event at byte 70: invalid character 'x' after object key:value pair (near "a\"},\"spec\":{\"replicas\":1x}}}")`
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}

func TestDecoderAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, stream string
		want         Event
	}{
		{"error without object", `{"type":"ERROR"}`, Event{Type: Error}},
		{"error with null object", `{"type":"ERROR","object":null}`, Event{Type: Error}},
		{"error with string object", `{"type":"ERROR","object":"boom"}`, Event{Error, json.RawMessage(`"boom"`)}},
		{"unknown type", `{"type":"SYNC","object":{}}`, Event{"SYNC", json.RawMessage(`{}`)}},
		{"escaped key and type", `{"typ\u0065":"ADD\u0045D","obj\u0065ct":{"a":1}}`, Event{Added, json.RawMessage(`{"a":1}`)}},
		{"other fields", `{"kind":"WatchEvent","type":"ADDED","extra":[{"object":1}],"object":{"a":1},"n":null}`, Event{Added, json.RawMessage(`{"a":1}`)}},
		{"last duplicate wins", `{"type":"ADDED","object":{"a":1},"type":"DELETED","object":{"a":2}}`, Event{Deleted, json.RawMessage(`{"a":2}`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeAll(strings.NewReader(tc.stream))
			if err != nil {
				t.Fatal(err)
			}
			sameEvents(t, got, []Event{tc.want})
		})
	}
}

func TestDecoderErrorsAreFinal(t *testing.T) {
	boom := errors.New("connection reset by peer")
	for name, tc := range map[string]struct {
		r    io.Reader
		want error
	}{
		"truncated":    {strings.NewReader(`{"type":"ADDED","object":{"a":"\`), io.ErrUnexpectedEOF},
		"reader error": {io.MultiReader(strings.NewReader(`{"type":"ADDED","object":{}}{"type"`), iotest.ErrReader(boom)), boom},
		"empty reads":  {emptyReader{}, io.ErrNoProgress},
	} {
		t.Run(name, func(t *testing.T) {
			d := NewDecoder(tc.r)
			var err error
			for range 10 {
				if _, err = d.Next(); err != nil {
					break
				}
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if _, again := d.Next(); !errors.Is(again, tc.want) {
				t.Fatalf("second call: got %v, want %v", again, tc.want)
			}
		})
	}
	// io.EOF between events is final too.
	d := NewDecoder(strings.NewReader("  \n"))
	for range 2 {
		if _, err := d.Next(); err != io.EOF {
			t.Fatalf("got %v, want io.EOF", err)
		}
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

// cycleReader repeats s forever.
type cycleReader struct {
	s   string
	off int
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], c.s[c.off:])
		n += k
		c.off = (c.off + k) % len(c.s)
	}
	return n, nil
}

func TestDecoderAllocatesOneEvent(t *testing.T) {
	frame := podEvent(1) + "\n"
	d := NewDecoder(&cycleReader{s: frame})
	if _, err := d.Next(); err != nil { // the first call allocates the buffer
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := d.Next(); err != nil {
			t.Fatal(err)
		}
	})
	// The object's own copy, which the caller keeps.
	if allocs > 1 && !raceEnabled {
		t.Errorf("Next allocates %.1f times per event, want 1", allocs)
	}
	if cap(d.buf) > 2*initialBuffer {
		t.Errorf("buffer grew to %d bytes for %d-byte events", cap(d.buf), len(frame))
	}
}

// podEvent is a MODIFIED event for a pod of about 3 KB, as a kube-apiserver sends it.
func podEvent(i int) string {
	return fmt.Sprintf(`{"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-7d4b9c8f5-%05d","generateName":"web-7d4b9c8f5-","namespace":"default","uid":"0b0c9a4e-5d7e-4c1a-9f2b-%012d","resourceVersion":"%d","creationTimestamp":"2025-01-02T03:04:05Z","labels":{"app":"web","pod-template-hash":"7d4b9c8f5"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-02T03:04:00Z"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d4b9c8f5","uid":"5f5e2a1c-0d3b-4c9e-8a7f-112233445566","controller":true,"blockOwnerDeletion":true}],"managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2025-01-02T03:04:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"5f5e2a1c-0d3b-4c9e-8a7f-112233445566\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}},{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2025-01-02T03:04:09Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{},"f:containerStatuses":{},"f:hostIP":{},"f:phase":{},"f:podIP":{},"f:startTime":{}}},"subresource":"status"}]},"spec":{"volumes":[{"name":"kube-api-access-abcde","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}}],"containers":[{"name":"web","image":"registry.example.com/web:1.2.3","ports":[{"containerPort":8080,"protocol":"TCP"}],"resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},"volumeMounts":[{"name":"kube-api-access-abcde","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"node-%d","securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-02T03:04:05Z"},{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-02T03:04:09Z"},{"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-02T03:04:09Z"},{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-02T03:04:05Z"}],"hostIP":"10.0.0.%d","podIP":"10.244.1.%d","podIPs":[{"ip":"10.244.1.%d"}],"startTime":"2025-01-02T03:04:05Z","containerStatuses":[{"name":"web","state":{"running":{"startedAt":"2025-01-02T03:04:08Z"}},"lastState":{},"ready":true,"restartCount":0,"image":"registry.example.com/web:1.2.3","imageID":"registry.example.com/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","containerID":"containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","started":true}],"qosClass":"Burstable"}}}`,
		i, i, 1000+i, i%10, i%250, i%250, i%250)
}

func BenchmarkDecoder3000Pods(b *testing.B) {
	var stream strings.Builder
	for i := range 3000 {
		stream.WriteString(podEvent(i))
		stream.WriteByte('\n')
	}
	s := stream.String()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(strings.NewReader(s))
		n := 0
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 3000 {
			b.Fatalf("%d events", n)
		}
	}
}

// BenchmarkJSONDecoder3000Pods is the same stream through encoding/json's Decoder, as client-go's framer
// reads it, for comparison.
func BenchmarkJSONDecoder3000Pods(b *testing.B) {
	var stream strings.Builder
	for i := range 3000 {
		stream.WriteString(podEvent(i))
		stream.WriteByte('\n')
	}
	s := stream.String()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		d := json.NewDecoder(strings.NewReader(s))
		for {
			var ev struct {
				Type   string          `json:"type"`
				Object json.RawMessage `json:"object"`
			}
			if err := d.Decode(&ev); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
