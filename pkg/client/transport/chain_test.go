package transport

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/config"
)

// TestChain sends requests through everything New builds and checks what reached the server.
func TestChain(t *testing.T) {
	var mu sync.Mutex
	var seen []*http.Request
	attempts := 0
	payload := `{"kind":"PodList","items":[]}`
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		attempts++
		n := attempts
		seen = append(seen, r.Clone(r.Context()))
		mu.Unlock()
		if n == 1 { // the first attempt is throttled
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, payload)
		zw.Close()
	}))

	r := resolvedFor(srv)
	r.Server = srv.URL + "/k8s/clusters/c-1/" // a path prefix, with a trailing slash to ignore
	r.Token = "chain-token-0123"
	r.Impersonate = "jane"
	r.ImpersonateGroups = []string{"devs"}
	r.RequestTimeout = 30 * time.Second
	var debug bytes.Buffer
	c := newClient(t, r, Options{Version: "v9.9.9", Verbosity: 6, DebugOut: &debug})

	if got := c.Server().String(); got != srv.URL+"/k8s/clusters/c-1" {
		t.Errorf("Server() = %s", got)
	}
	c.Server().Path = "/changed"
	if c.Server().Path != "/k8s/clusters/c-1" {
		t.Error("Server() handed out the client's own URL")
	}

	// Client.HTTP() with a relative URL: the chain fills in the server.
	resp, err := c.HTTP().Get("/api/v1/namespaces/default/pods?limit=500")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != payload || resp.ProtoMajor != 2 {
		t.Fatalf("%s %s %q", resp.Proto, resp.Status, body)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Fatalf("server saw %d attempts, want 2 (one retry after 429)", len(seen))
	}
	for i, s := range seen {
		checks := map[string][2]string{
			"path":              {s.URL.Path, "/k8s/clusters/c-1/api/v1/namespaces/default/pods"},
			"query":             {s.URL.RawQuery, "limit=500&timeout=30s"},
			"Authorization":     {s.Header.Get("Authorization"), "Bearer chain-token-0123"},
			"Impersonate-User":  {s.Header.Get("Impersonate-User"), "jane"},
			"Impersonate-Group": {s.Header.Get("Impersonate-Group"), "devs"},
			"User-Agent":        {s.Header.Get("User-Agent"), "kubex/v9.9.9 (" + runtime.GOOS + "/" + runtime.GOARCH + ")"},
			"Accept":            {s.Header.Get("Accept"), "application/json"},
			"Accept-Encoding":   {s.Header.Get("Accept-Encoding"), "gzip"},
		}
		for name, c := range checks {
			if c[0] != c[1] {
				t.Errorf("attempt %d: %s = %q, want %q", i+1, name, c[0], c[1])
			}
		}
	}
	log := debug.String()
	if strings.Count(log, `"Response"`) != 2 || !strings.Contains(log, `status="429 Too Many Requests"`) ||
		!strings.Contains(log, `status="200 OK"`) {
		t.Errorf("-v6 should show both attempts:\n%s", log)
	}
	if strings.Contains(log, "chain-token-0123") {
		t.Errorf("token in debug output:\n%s", log)
	}
}

func TestParseServer(t *testing.T) {
	tests := []struct {
		server  string
		want    string
		wantErr string
	}{
		{server: "https://10.0.0.1:6443", want: "https://10.0.0.1:6443"},
		{server: "https://h/prefix/", want: "https://h/prefix"},
		{server: "https://h/a%2Fb/", want: "https://h/a%2Fb"},
		{server: "https://h//", want: "https://h"},
		{server: "https://h/a//b//", want: "https://h/a/b"},
		{server: "http://localhost:8080", want: "http://localhost:8080"},
		{server: "https://u:pw@h:6443/p?q=1#f", want: "https://h:6443/p"},
		// config.Resolve always yields a scheme; guessing one here as well would be a second set of rules.
		{server: "10.0.0.1:6443", wantErr: `invalid server "10.0.0.1:6443": want a URL such as https://host:6443`},
		{server: "", wantErr: `invalid server ""`},
		{server: "ftp://h", wantErr: `invalid server "ftp://h": scheme must be http or https`},
		{server: "https://u:secret@h:bad port", wantErr: `invalid server "https://xxxxx@h:bad port"`},
		{server: "u:secret@h:6443", wantErr: `invalid server "xxxxx@h:6443"`},
	}
	for _, tc := range tests {
		u, err := parseServer(tc.server)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "secret") {
				t.Errorf("parseServer(%q) err = %v, want %q", tc.server, err, tc.wantErr)
			}
			continue
		}
		if err != nil || u.String() != tc.want {
			t.Errorf("parseServer(%q) = %v, %v; want %s", tc.server, u, err, tc.want)
		}
	}
}

// TestNewRequest checks that the path is taken as already escaped, as kubectl's get --raw takes it.
func TestNewRequest(t *testing.T) {
	paths := make(chan [2]string, 1) // escaped path, decoded path
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths <- [2]string{r.URL.EscapedPath(), r.URL.Path}
	}))
	defer srv.Close()

	tests := []struct {
		name, prefix, in   string
		wantURL            string // with the server as %s
		wantSent, wantPath string // what the server sees
		wantErr            string
	}{
		{name: "query kept as given", prefix: "/prefix", in: "/api/v1/pods?labelSelector=app%3Dweb&limit=5",
			wantURL: "%s/prefix/api/v1/pods?labelSelector=app%3Dweb&limit=5", wantSent: "/prefix/api/v1/pods", wantPath: "/prefix/api/v1/pods"},
		{name: "escaped space not escaped again", in: "/api/v1/namespaces/default/pods/a%20b",
			wantURL: "%s/api/v1/namespaces/default/pods/a%20b", wantSent: "/api/v1/namespaces/default/pods/a%20b", wantPath: "/api/v1/namespaces/default/pods/a b"},
		{name: "escaped slash stays one segment", prefix: "/p", in: "/api/v1/namespaces/a%2Fb",
			wantURL: "%s/p/api/v1/namespaces/a%2Fb", wantSent: "/p/api/v1/namespaces/a%2Fb", wantPath: "/p/api/v1/namespaces/a/b"},
		{name: "escaped percent", in: "/api/v1/x/a%25b",
			wantURL: "%s/api/v1/x/a%25b", wantSent: "/api/v1/x/a%25b", wantPath: "/api/v1/x/a%b"},
		{name: "raw space is escaped once", in: "/api/v1/x/a b",
			wantURL: "%s/api/v1/x/a%20b", wantSent: "/api/v1/x/a%20b", wantPath: "/api/v1/x/a b"},
		{name: "leading slash added", in: "version",
			wantURL: "%s/version", wantSent: "/version", wantPath: "/version"},
		{name: "escaped server prefix", prefix: "/k8s%2Fc1", in: "/api",
			wantURL: "%s/k8s%2Fc1/api", wantSent: "/k8s%2Fc1/api", wantPath: "/k8s/c1/api"},
		{name: "bad escape", in: "/api/v1/x/a%zz", wantErr: `invalid API path`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, &config.Resolved{Server: srv.URL + tc.prefix}, Options{})
			req, err := c.NewRequest(t.Context(), http.MethodGet, tc.in, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := req.URL.String(), strings.Replace(tc.wantURL, "%s", srv.URL, 1); got != want {
				t.Errorf("URL = %s, want %s", got, want)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := <-paths; got != [2]string{tc.wantSent, tc.wantPath} {
				t.Errorf("server saw %q (decoded %q), want %q (%q)", got[0], got[1], tc.wantSent, tc.wantPath)
			}
		})
	}
}
