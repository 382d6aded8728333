package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetry(t *testing.T) {
	tests := []struct {
		name         string
		method       string
		body         func() io.Reader
		answers      []string // per attempt: "429:0" is status 429 with Retry-After 0; "200", "reset"
		wantAttempts int
		wantStatus   int
		wantErr      bool
	}{
		{name: "429 then 200", answers: []string{"429:0", "200"}, wantAttempts: 2, wantStatus: 200},
		{name: "503 then 200", answers: []string{"503:0", "503:0", "200"}, wantAttempts: 3, wantStatus: 200},
		{name: "500 with Retry-After", answers: []string{"500:0", "200"}, wantAttempts: 2, wantStatus: 200},
		{name: "503 without Retry-After is final", answers: []string{"503", "200"}, wantAttempts: 1, wantStatus: 503},
		{name: "409 with Retry-After is final", answers: []string{"409:0", "200"}, wantAttempts: 1, wantStatus: 409},
		{name: "bounded", answers: []string{"429:0"}, wantAttempts: 1 + maxRetries, wantStatus: 429},
		{name: "POST with replayable body", method: http.MethodPost,
			body:    func() io.Reader { return strings.NewReader(`{"a":1}`) },
			answers: []string{"429:0", "201"}, wantAttempts: 2, wantStatus: 201},
		{name: "POST with one-shot body goes once", method: http.MethodPost,
			body:    func() io.Reader { return io.MultiReader(strings.NewReader(`{"a":1}`)) },
			answers: []string{"429:0", "201"}, wantAttempts: 1, wantStatus: 429},
		{name: "GET after connection reset", answers: []string{"reset", "200"}, wantAttempts: 2, wantStatus: 200},
		// 5xx with Retry-After: the server may have acted, so only idempotent methods go again.
		{name: "PUT 503 then 200", method: http.MethodPut, body: func() io.Reader { return strings.NewReader(`{}`) },
			answers: []string{"503:0", "200"}, wantAttempts: 2, wantStatus: 200},
		{name: "DELETE 500 then 200", method: http.MethodDelete, answers: []string{"500:0", "200"}, wantAttempts: 2, wantStatus: 200},
		{name: "HEAD 503 then 200", method: http.MethodHead, answers: []string{"503:0", "200"}, wantAttempts: 2, wantStatus: 200},
		{name: "OPTIONS 503 then 200", method: http.MethodOptions, answers: []string{"503:0", "200"}, wantAttempts: 2, wantStatus: 200},
		{name: "POST 503 with Retry-After is final", method: http.MethodPost,
			body:    func() io.Reader { return strings.NewReader(`{"a":1}`) },
			answers: []string{"503:0", "201"}, wantAttempts: 1, wantStatus: 503},
		{name: "PATCH 500 with Retry-After is final", method: http.MethodPatch,
			body:    func() io.Reader { return strings.NewReader(`{"a":1}`) },
			answers: []string{"500:0", "200"}, wantAttempts: 1, wantStatus: 500},
		// 429: the server did not act, so any verb goes again.
		{name: "PATCH 429 then 200", method: http.MethodPatch,
			body:    func() io.Reader { return strings.NewReader(`{"a":1}`) },
			answers: []string{"429:0", "200"}, wantAttempts: 2, wantStatus: 200},
		{name: "POST after connection reset is not retried", method: http.MethodPost,
			body:    func() io.Reader { return strings.NewReader(`{}`) },
			answers: []string{"reset", "200"}, wantAttempts: 1, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var attempts atomic.Int32
			var mu sync.Mutex
			var bodies []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(attempts.Add(1))
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, string(b))
				mu.Unlock()
				a := tc.answers[min(n, len(tc.answers))-1]
				if a == "reset" {
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
					return
				}
				code, after, ok := strings.Cut(a, ":")
				if ok {
					w.Header().Set("Retry-After", after)
				}
				w.WriteHeader(map[string]int{"200": 200, "201": 201, "409": 409, "429": 429, "500": 500, "503": 503}[code])
			}))
			defer srv.Close()
			rt := &retry{next: srv.Client().Transport, maxRetries: maxRetries, resetWait: 0}
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			var body io.Reader
			if tc.body != nil {
				body = tc.body()
			}
			req, _ := http.NewRequest(method, srv.URL, body)
			resp, err := rt.RoundTrip(req)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.wantStatus {
					t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
				}
			}
			if got := int(attempts.Load()); got != tc.wantAttempts {
				t.Errorf("%d attempts, want %d", got, tc.wantAttempts)
			}
			if tc.body != nil {
				mu.Lock()
				defer mu.Unlock()
				for i, b := range bodies {
					if b != bodies[0] {
						t.Errorf("attempt %d sent body %q, first sent %q", i+1, b, bodies[0])
					}
				}
			}
		})
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	rt := &retry{next: srv.Client().Transport, maxRetries: maxRetries}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := rt.RoundTrip(req)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: the Retry-After wait ignored the context", d)
	}
	if n := attempts.Load(); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestRetryAfterHeader(t *testing.T) {
	for _, tc := range []struct {
		code   int
		header string
		want   int
		ok     bool
	}{
		{429, "1", 1, true},
		{503, "0", 0, true},
		{504, " 2 ", 2, true},
		{429, "", 0, false},
		{429, "Wed, 21 Oct 2015 07:28:00 GMT", 0, false}, // only whole seconds, as client-go
		{404, "1", 0, false},
		{429, "-1", 0, false},
	} {
		resp := &http.Response{StatusCode: tc.code, Header: http.Header{}}
		if tc.header != "" {
			resp.Header.Set("Retry-After", tc.header)
		}
		if got, ok := retryAfter(resp); got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%d, %q) = %d, %v; want %d, %v", tc.code, tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

func TestIdempotent(t *testing.T) {
	for m, want := range map[string]bool{
		http.MethodGet: true, http.MethodHead: true, http.MethodOptions: true, http.MethodPut: true, http.MethodDelete: true,
		http.MethodPost: false, http.MethodPatch: false, http.MethodConnect: false, "": false,
	} {
		if got := idempotent(m); got != want {
			t.Errorf("idempotent(%q) = %v, want %v", m, got, want)
		}
	}
}
