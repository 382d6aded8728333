package transport

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// gzipServer compresses its answer whenever the client accepts gzip, and reports what it was asked.
func gzipServer(t *testing.T, payload string) (*httptest.Server, <-chan string) {
	t.Helper()
	asked := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			io.WriteString(w, payload)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, payload)
		zw.Close()
	}))
	t.Cleanup(srv.Close)
	return srv, asked
}

func TestCompression(t *testing.T) {
	payload := `{"kind":"PodList","items":[` + strings.Repeat(`{"metadata":{"name":"p"}},`, 200) + `{}]}`
	tests := []struct {
		name           string
		layer          bool // compression layer on (cluster without disable-compression)
		method         string
		header         http.Header
		wantAsked      string
		wantPlain      bool
		wantUncompress bool
	}{
		{name: "asks and decodes", layer: true, wantAsked: "gzip", wantPlain: true, wantUncompress: true},
		{name: "disabled", layer: false, wantAsked: "", wantPlain: true},
		{name: "caller's Accept-Encoding gets raw bytes", layer: true,
			header: http.Header{"Accept-Encoding": {"gzip"}}, wantAsked: "gzip", wantPlain: false},
		{name: "range request", layer: true, header: http.Header{"Range": {"bytes=0-10"}}, wantAsked: "", wantPlain: true},
		{name: "HEAD", layer: true, method: http.MethodHead, wantAsked: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, asked := gzipServer(t, payload)
			// The transport as newTransport builds it: net/http's own gzip handling off.
			var rt http.RoundTripper = &http.Transport{DisableCompression: true}
			if tc.layer {
				rt = &compression{next: rt}
			}
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			req, _ := http.NewRequest(method, srv.URL, nil)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if got := <-asked; got != tc.wantAsked {
				t.Errorf("server was asked Accept-Encoding %q, want %q", got, tc.wantAsked)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if method == http.MethodHead {
				return
			}
			if plain := string(body) == payload; plain != tc.wantPlain {
				t.Errorf("body is plain: %v, want %v", plain, tc.wantPlain)
			}
			if resp.Uncompressed != tc.wantUncompress {
				t.Errorf("Uncompressed = %v, want %v", resp.Uncompressed, tc.wantUncompress)
			}
			if tc.wantUncompress && (resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Content-Length") != "" || resp.ContentLength != -1) {
				t.Errorf("decoded response still describes the compressed body: %v, length %d", resp.Header, resp.ContentLength)
			}
		})
	}
}

func TestCompressionThroughChain(t *testing.T) {
	payload := `{"kind":"Status"}`
	for _, disable := range []bool{false, true} {
		srv, asked := gzipServer(t, payload)
		r := resolvedFor(srv)
		r.DisableCompression = disable
		c := newClient(t, r, Options{})
		_, body := get(t, c, "/api")
		want := "gzip"
		if disable {
			want = ""
		}
		if got := <-asked; got != want {
			t.Errorf("disable-compression=%v: server was asked %q, want %q", disable, got, want)
		}
		if body != payload {
			t.Errorf("disable-compression=%v: body %q", disable, body)
		}
	}
}
