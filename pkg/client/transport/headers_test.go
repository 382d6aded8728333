package transport

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestURLAndHeaders(t *testing.T) {
	type seen struct {
		path, rawQuery, ua, accept, contentType string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- seen{r.URL.EscapedPath(), r.URL.RawQuery, r.UserAgent(), r.Header.Get("Accept"), r.Header.Get("Content-Type")}
	}))
	defer srv.Close()
	srvURL, _ := url.Parse(srv.URL)

	defaultUA := "kubex/v1.2.3 (" + runtime.GOOS + "/" + runtime.GOARCH + ")"
	tests := []struct {
		name    string
		prefix  string
		url     string // relative or absolute (%s is the server)
		method  string
		body    string
		header  http.Header
		timeout time.Duration
		want    seen
	}{
		{name: "relative path gets server", url: "/api/v1/pods?limit=500",
			want: seen{"/api/v1/pods", "limit=500", defaultUA, "application/json", ""}},
		{name: "path prefix", prefix: "/k8s/clusters/c-1", url: "/version",
			want: seen{"/k8s/clusters/c-1/version", "", defaultUA, "application/json", ""}},
		{name: "escaped path kept", url: "/api/v1/namespaces/a%2Fb",
			want: seen{"/api/v1/namespaces/a%2Fb", "", defaultUA, "application/json", ""}},
		{name: "absolute URL untouched", url: "%s/healthz",
			want: seen{"/healthz", "", defaultUA, "application/json", ""}},
		{name: "caller headers win", url: "/api",
			header: http.Header{"User-Agent": {"mine/1"}, "Accept": {"application/yaml"}},
			want:   seen{"/api", "", "mine/1", "application/yaml", ""}},
		{name: "body gets content type", url: "/api/v1/namespaces", method: http.MethodPost, body: "{}",
			want: seen{"/api/v1/namespaces", "", defaultUA, "application/json", "application/json"}},
		{name: "patch type kept", url: "/api/v1/namespaces/x", method: http.MethodPatch, body: "{}",
			header: http.Header{"Content-Type": {"application/merge-patch+json"}},
			want:   seen{"/api/v1/namespaces/x", "", defaultUA, "application/json", "application/merge-patch+json"}},
		{name: "request timeout as query", url: "/api/v1/pods?limit=5", timeout: 32 * time.Second,
			want: seen{"/api/v1/pods", "limit=5&timeout=32s", defaultUA, "application/json", ""}},
		{name: "caller timeout kept", url: "/api/v1/pods?timeout=5s", timeout: 32 * time.Second,
			want: seen{"/api/v1/pods", "timeout=5s", defaultUA, "application/json", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			server := *srvURL
			server.Path = tc.prefix
			rt := &urlAndHeaders{next: http.DefaultTransport, server: &server,
				userAgent: userAgent("v1.2.3"), timeout: tc.timeout}
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			u := strings.Replace(tc.url, "%s", srv.URL, 1)
			var body *strings.Reader
			req, err := http.NewRequest(method, u, nil)
			if tc.body != "" {
				body = strings.NewReader(tc.body)
				req, err = http.NewRequest(method, u, body)
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := (&http.Client{Transport: rt}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if g := <-got; g != tc.want {
				t.Errorf("server saw %+v\nwant         %+v", g, tc.want)
			}
			if req.Header.Get("Accept") != "" && tc.header == nil {
				t.Error("the layer modified the caller's request")
			}
		})
	}
}

func TestUserAgent(t *testing.T) {
	plat := " (" + runtime.GOOS + "/" + runtime.GOARCH + ")"
	for _, tc := range []struct {
		version string
		want    string
	}{
		{"v0.3.0", "kubex/v0.3.0" + plat},
		{"", "kubex/unknown" + plat},
	} {
		if got := userAgent(tc.version); got != tc.want {
			t.Errorf("userAgent(%q) = %q, want %q", tc.version, got, tc.want)
		}
	}
}
