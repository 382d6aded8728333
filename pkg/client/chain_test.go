package client

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
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

func TestServerURL(t *testing.T) {
	tests := []struct {
		r       config.Resolved
		want    string
		wantErr string
	}{
		{r: config.Resolved{Server: "https://10.0.0.1:6443"}, want: "https://10.0.0.1:6443"},
		{r: config.Resolved{Server: "https://h/prefix/"}, want: "https://h/prefix"},
		{r: config.Resolved{Server: "10.0.0.1:6443"}, want: "http://10.0.0.1:6443"},
		{r: config.Resolved{Server: "10.0.0.1:6443", CertificateAuthorityData: []byte("x")}, want: "https://10.0.0.1:6443"},
		{r: config.Resolved{Server: "10.0.0.1:6443", InsecureSkipTLSVerify: true}, want: "https://10.0.0.1:6443"},
		{r: config.Resolved{}, want: "http://localhost:8080"},
		{r: config.Resolved{Server: "h:1/path"}, wantErr: `host must be a URL or a host:port pair: "h:1/path"`},
		{r: config.Resolved{Server: "ftp://h"}, wantErr: "scheme must be http or https"},
	}
	for _, tc := range tests {
		u, err := serverURL(&tc.r)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("serverURL(%q) err = %v, want %q", tc.r.Server, err, tc.wantErr)
			}
			continue
		}
		if err != nil || u.String() != tc.want {
			t.Errorf("serverURL(%q) = %v, %v; want %s", tc.r.Server, u, err, tc.want)
		}
	}
}

func TestNewRequest(t *testing.T) {
	c := newClient(t, &config.Resolved{Server: "https://h:6443/prefix", InsecureSkipTLSVerify: true}, Options{})
	req, err := c.NewRequest(t.Context(), http.MethodGet, "/api/v1/pods?labelSelector=app%3Dweb&limit=5", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.URL.String(); got != "https://h:6443/prefix/api/v1/pods?labelSelector=app%3Dweb&limit=5" {
		t.Errorf("URL = %s", got)
	}
}
