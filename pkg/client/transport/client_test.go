package transport

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestDrainAndClose: a drained small body leaves the HTTP/1.1 connection reusable; a big one is cut off
// after drainLimit bytes; nil is fine.
func TestDrainAndClose(t *testing.T) {
	DrainAndClose(nil)
	DrainAndClose(&http.Response{})

	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := 100
		if r.URL.Path == "/big" {
			n = 4 * drainLimit
		}
		io.WriteString(w, strings.Repeat("x", n))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	for _, tc := range []struct {
		path      string
		wantConns int32 // after two requests
	}{
		{"/small", 1},
		{"/big", 2},
	} {
		conns.Store(0)
		c := &http.Client{Transport: &http.Transport{}}
		for range 2 {
			resp, err := c.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			body := &countingBody{ReadCloser: resp.Body}
			resp.Body = body
			DrainAndClose(resp)
			if !body.closed || body.n > drainLimit {
				t.Errorf("%s: closed %v after reading %d bytes", tc.path, body.closed, body.n)
			}
		}
		if got := conns.Load(); got != tc.wantConns {
			t.Errorf("%s: %d connections, want %d", tc.path, got, tc.wantConns)
		}
	}
}

type countingBody struct {
	io.ReadCloser
	n      int
	closed bool
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += n
	return n, err
}

func (b *countingBody) Close() error { b.closed = true; return b.ReadCloser.Close() }
