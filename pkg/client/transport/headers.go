package transport

import (
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// urlAndHeaders completes what callers leave out: the server for relative URLs, and the headers every
// API request carries.
type urlAndHeaders struct {
	next      http.RoundTripper
	server    *url.URL
	userAgent string
	timeout   time.Duration // --request-timeout, also told to the server as ?timeout= as client-go does
}

// userAgent is "kubex/VERSION (OS/ARCH)", the shape of kubectl's own.
func userAgent(v string) string {
	if v == "" {
		v = "unknown"
	}
	return "kubex/" + v + " (" + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

func (u *urlAndHeaders) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if req.URL.Host == "" {
		abs := *u.server
		abs.Path = u.server.Path + ensureSlash(req.URL.Path)
		if req.URL.RawPath != "" {
			abs.RawPath = u.server.EscapedPath() + ensureSlash(req.URL.RawPath)
		}
		abs.RawQuery = req.URL.RawQuery
		req.URL = &abs
		req.Host = ""
	}
	if u.timeout > 0 && !req.URL.Query().Has("timeout") {
		q := "timeout=" + url.QueryEscape(u.timeout.String())
		if req.URL.RawQuery != "" {
			q = req.URL.RawQuery + "&" + q
		}
		req.URL.RawQuery = q
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", u.userAgent)
	}
	if len(req.Header.Values("Accept")) == 0 {
		req.Header.Set("Accept", "application/json")
	}
	if req.Body != nil && req.Body != http.NoBody && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return u.next.RoundTrip(req)
}

func ensureSlash(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	return "/" + p
}
