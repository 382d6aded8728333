package transport

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/config"
)

// headerEcho answers with nothing and hands the request headers to the test.
func headerEcho(t *testing.T) (*httptest.Server, <-chan http.Header) {
	t.Helper()
	ch := make(chan http.Header, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ch <- r.Header.Clone()
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

func roundTrip(t *testing.T, rt http.RoundTripper, url string, header http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestAuthenticationLayers(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		r       config.Resolved
		header  http.Header // set by the caller
		want    string      // Authorization seen by the server
		wantErr string
	}{
		{name: "none", want: ""},
		{name: "bearer", r: config.Resolved{Token: "abc-123"}, want: "Bearer abc-123"},
		{name: "token file", r: config.Resolved{TokenFile: tokenFile}, want: "Bearer file-token"},
		{name: "token file wins over token", r: config.Resolved{Token: "static", TokenFile: tokenFile}, want: "Bearer file-token"},
		{name: "token with unreadable file falls back", r: config.Resolved{Token: "static", TokenFile: filepath.Join(dir, "missing")}, want: "Bearer static"},
		{name: "unreadable token file alone", r: config.Resolved{TokenFile: filepath.Join(dir, "missing")}, wantErr: "failed to read token file"},
		{name: "basic", r: config.Resolved{Username: "admin", Password: "s3cret"}, want: "Basic YWRtaW46czNjcmV0"},
		{name: "token and basic", r: config.Resolved{Token: "t", Username: "u", Password: "p"},
			wantErr: "username/password or bearer token may be set, but not both"},
		{name: "caller's Authorization wins", r: config.Resolved{Token: "abc"},
			header: http.Header{"Authorization": {"Bearer mine"}}, want: "Bearer mine"},
		{name: "cert without key", r: config.Resolved{UserName: "bob", ClientCertificate: "/c.pem"},
			wantErr: "client-key-data or client-key must be specified for bob"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, seen := headerEcho(t)
			a, err := newAuthentication(&tc.r, Options{}, true, &secretSet{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, a.wrap(http.DefaultTransport), srv.URL, tc.header)
			if got := (<-seen).Get("Authorization"); got != tc.want {
				t.Errorf("Authorization = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNoCredentialsOverPlainHTTP(t *testing.T) {
	srv, seen := headerEcho(t)
	c := newClient(t, &config.Resolved{Server: srv.URL, Token: "abc-123", Impersonate: "jane"}, Options{})
	get(t, c, "/api")
	h := <-seen
	if h.Get("Authorization") != "" {
		t.Errorf("a token went to an http:// server: %q", h.Get("Authorization"))
	}
	if h.Get("Impersonate-User") != "jane" {
		t.Errorf("impersonation is not a credential and should still apply, got %q", h.Get("Impersonate-User"))
	}
}

func TestTokenFileRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("one")
	now := time.Unix(1000, 0)
	f := &fileToken{path: path, period: time.Minute, now: func() time.Time { return now }, secrets: &secretSet{}}
	steps := []struct {
		advance time.Duration
		write   string
		remove  bool
		want    string
	}{
		{want: "one"},
		{advance: 10 * time.Second, write: "two", want: "one"}, // cached within the minute
		{advance: 51 * time.Second, want: "two"},               // re-read
		{advance: 2 * time.Minute, write: "  ", want: "two"},   // empty file: keep the last good token
		{advance: 2 * time.Minute, remove: true, want: "two"},  // vanished file: same
		{advance: 2 * time.Minute, write: "three\n", want: "three"},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if s.write != "" {
			write(s.write)
		}
		if s.remove {
			os.Remove(path)
		}
		got, err := f.token()
		if err != nil || got != s.want {
			t.Errorf("step %d: token() = %q, %v; want %q", i, got, err, s.want)
		}
	}
}

func TestImpersonation(t *testing.T) {
	tests := []struct {
		name    string
		r       config.Resolved
		header  http.Header
		want    http.Header
		wantErr string
	}{
		{name: "user", r: config.Resolved{Impersonate: "jane"},
			want: http.Header{"Impersonate-User": {"jane"}}},
		{name: "everything", r: config.Resolved{Impersonate: "jane", ImpersonateUID: "u-1",
			ImpersonateGroups:    []string{"devs", "ops"},
			ImpersonateUserExtra: map[string][]string{"scopes": {"view", "edit"}, "example.com/team": {"a"}}},
			want: http.Header{
				"Impersonate-User":                     {"jane"},
				"Impersonate-Uid":                      {"u-1"},
				"Impersonate-Group":                    {"devs", "ops"},
				"Impersonate-Extra-Scopes":             {"view", "edit"},
				"Impersonate-Extra-Example.com%2fteam": {"a"},
			}},
		{name: "caller's wins", r: config.Resolved{Impersonate: "jane", ImpersonateGroups: []string{"devs"}},
			header: http.Header{"Impersonate-User": {"joe"}},
			want:   http.Header{"Impersonate-User": {"joe"}}},
		{name: "groups without user", r: config.Resolved{UserName: "bob", ImpersonateGroups: []string{"devs"}},
			wantErr: "requesting uid, groups or user-extra for bob without impersonating a user"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, seen := headerEcho(t)
			rt, err := impersonate(&tc.r, http.DefaultTransport)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, rt, srv.URL, tc.header)
			h := <-seen
			got := http.Header{}
			for k, v := range h {
				if strings.HasPrefix(k, "Impersonate-") {
					got[k] = v
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("impersonation headers = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEscapeHeaderKey(t *testing.T) {
	for in, want := range map[string]string{
		"scopes":                "scopes",
		"example.com/scopes":    "example.com%2Fscopes",
		"100%":                  "100%25",
		"with space":            "with%20space",
		"authentication.k8s.io": "authentication.k8s.io",
	} {
		if got := escapeHeaderKey(in); got != want {
			t.Errorf("escapeHeaderKey(%q) = %q, want %q", in, got, want)
		}
	}
}
