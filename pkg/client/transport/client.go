// Package transport is the HTTP layer under kubex's client: an ordered chain of small http.RoundTripper
// layers built from a resolved kubeconfig (see chain.go), the API error types, and kubectl's wording for
// them. The verbs people use live one level up, in package client; discovery, watch and upgrades beside
// this package build on it. It knows nothing of cobra or terminals.
package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/kubex-cli/kubex/pkg/config"
)

// Options are the parts of the client that do not come from kubeconfig.
type Options struct {
	Version   string    // VERSION in the User-Agent "kubex/VERSION (OS/ARCH)"
	Verbosity int       // -v: 6 request lines, 7 request headers, 8 response headers and truncated bodies, 9+ full bodies
	DebugOut  io.Writer // where -v output goes (stderr)

	// Environ is the environment the client works in, "KEY=value" as os.Environ returns it: the
	// credential plugin's base environment, and DISABLE_HTTP2. nil means the process's, which New reads once so that
	// nothing below it touches the process environment. (HTTPS_PROXY and friends are read by net/http.)
	Environ []string

	// What an credential plugin in interactive mode may use.
	Stdin           io.Reader
	Stderr          io.Writer // the plugin's stderr; nil means the process's, resolved by New
	StdinIsTerminal bool
	// StdinUnavailable is set when the command itself consumes stdin (for example -f -), so that a plugin
	// with interactiveMode Always fails clearly and IfAvailable runs without stdin, as in kubectl.
	StdinUnavailable        bool
	StdinUnavailableMessage string

	// Warn is told each distinct warning the server sends for the user (Warning headers with code 299,
	// e.g. a deprecated API); nil ignores them.
	Warn func(string)

	// UserAgent replaces "kubex/VERSION (OS/ARCH)" when set.
	UserAgent string
	// Middleware are extra layers, outermost first, placed just above compression: they see each request
	// as it goes on the wire (URL, credentials and headers set, body uncompressed) and each response as it
	// arrives: the place to record, add headers or fail on purpose.
	Middleware []func(http.RoundTripper) http.RoundTripper
	// Base replaces the bottom of the chain (TLS, HTTP/2, proxies, dialling): a mock server in a test, or a
	// transport of the caller's. Client certificates and TLS settings from kubeconfig are then the base's job.
	Base http.RoundTripper
}

// withProcessDefaults fills what the caller left nil from the process. It is the only place pkg/client
// reads process state, so every layer below works on what it was handed (and tests need no t.Setenv).
func withProcessDefaults(opts Options) Options {
	if opts.Environ == nil {
		opts.Environ = os.Environ()
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	return opts
}

// lookupEnv is the value of key in environ, the last one winning as in os/exec; "" when absent.
func lookupEnv(environ []string, key string) string {
	v := ""
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// Client sends requests to one API server through the middleware chain.
type Client struct {
	server *url.URL
	http   *http.Client
}

// New builds the chain for r. Nothing is dialled and no credential plugin runs until the first request.
func New(r *config.Resolved, opts Options) (*Client, error) {
	server, err := parseServer(r.Server)
	if err != nil {
		return nil, err
	}
	rt, err := chain(r, server, withProcessDefaults(opts))
	if err != nil {
		return nil, err
	}
	// http.Client.Timeout is what kubectl sets from --request-timeout; it also bounds reading the body.
	return &Client{server: server, http: &http.Client{Transport: rt, Timeout: r.RequestTimeout}}, nil
}

// Server is the API server's base URL, path prefix included.
func (c *Client) Server() *url.URL { u := *c.server; return &u }

// HTTP is the plain http.Client whose Transport is the chain. Request URLs may hold only a path and query:
// the URL layer fills in scheme, host and the server's path prefix. Requests carrying "Connection: Upgrade"
// go over HTTP/1.1 (HTTP/2 cannot upgrade) and their 101 response body is left unwrapped, so it is the
// io.ReadWriteCloser of net/http.
func (c *Client) HTTP() *http.Client { return c.http }

// NewRequest builds a request for an API path such as "/api/v1/namespaces?limit=500". The path is taken
// as already escaped, as kubectl's get --raw takes it: "/pods/a%20b" asks for the pod "a b".
func (c *Client) NewRequest(ctx context.Context, method, pathAndQuery string, body io.Reader) (*http.Request, error) {
	if !strings.HasPrefix(pathAndQuery, "/") {
		pathAndQuery = "/" + pathAndQuery
	}
	// Parsed rather than assigned to Path, which would escape its '%' a second time (a%2520b).
	p, err := url.ParseRequestURI(pathAndQuery)
	if err != nil {
		return nil, fmt.Errorf("invalid API path: %w", err)
	}
	u := *c.server
	u.Path = c.server.Path + p.Path
	// RawPath keeps the caller's spelling where it differs from the default escaping (a%2Fb).
	u.RawPath = c.server.EscapedPath() + p.EscapedPath()
	u.RawQuery = p.RawQuery
	return http.NewRequestWithContext(ctx, method, u.String(), body)
}

// Do sends req through the chain. The response is returned whatever its status; see ErrorFromResponse.
// A failure to get any response is a *ConnectionError, which knows kubectl's wording for it.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, asConnectionError(c.server.Host, err)
	}
	return resp, nil
}

// parseServer checks the server pkg/config resolved and drops what must not reach requests: user info,
// query, fragment and a trailing slash. Defaulting and the scheme of a bare host:port are config.Resolve's
// job alone (kubectl's rules live there), so anything without http(s):// and a host is an error here.
func parseServer(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		// Not err itself: url.Parse quotes the whole string, password included.
		return nil, fmt.Errorf("invalid server %q: want a URL such as https://host:6443", config.RedactURL(raw))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid server %q: scheme must be http or https", config.RedactURL(raw))
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment, u.User = "", false, "", "", nil
	// "https://h//" and "https://h/a//" mean what kubectl makes of them: no prefix, and "/a".
	u.Path, u.RawPath = cleanPrefix(u.Path), cleanPrefix(u.RawPath)
	return u, nil
}

// cleanPrefix removes doubled and trailing slashes from a server's path prefix; "/" means none.
func cleanPrefix(p string) string {
	if p == "" {
		return ""
	}
	if p = path.Clean(p); p == "/" || p == "." {
		return ""
	}
	return p
}

func hasCA(r *config.Resolved) bool {
	return len(r.CertificateAuthorityData) > 0 || r.CertificateAuthority != ""
}

func hasCert(r *config.Resolved) bool {
	return len(r.ClientCertificateData) > 0 || r.ClientCertificate != ""
}

func hasKey(r *config.Resolved) bool {
	return len(r.ClientKeyData) > 0 || r.ClientKey != ""
}

// replayable reports whether req can be sent again: it has no body, or net/http can make a fresh one.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// rewind returns a copy of req with a fresh body, for sending it once more.
func rewind(req *http.Request) (*http.Request, error) {
	r2 := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return r2, nil
	}
	if req.GetBody == nil {
		return nil, errors.New("request body cannot be replayed")
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r2.Body = body
	return r2, nil
}

// MaxObjectBytes bounds an object read whole: far above etcd's 1.5 MiB limit on one object.
const MaxObjectBytes = 64 << 20

// TooLargeError is a body, or one item of it, over the size a reader allows: what a hostile or broken
// server that never ends its answer gets, instead of all the memory there is.
type TooLargeError struct {
	What  string // "the server's /version", "an item of the list"
	Limit int64  // bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s", e.What, byteSize(e.Limit))
}

// byteSize is n in MiB or KiB when it is a whole number of them.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadAllLimited reads r to its end, but no more than limit bytes: past that it is a *TooLargeError
// naming what, never a silently cut body. A read error is "reading WHAT: ERR".
func ReadAllLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{What: what, Limit: limit}
	}
	return b, nil
}

// drainLimit is how much of an unwanted body DrainAndClose reads. Past that, closing costs less than
// reading: HTTP/2 resets just the stream, HTTP/1.1 gives up one connection.
const drainLimit = 4 << 10

// DrainAndClose reads a little of a response about to be dropped and closes it, so that its connection can
// carry the next request. resp may be nil.
func DrainAndClose(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	_ = resp.Body.Close()
}

// isUpgrade reports whether req asks to switch protocols (SPDY or WebSocket for exec, attach, port-forward).
func isUpgrade(req *http.Request) bool {
	for _, v := range req.Header.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}
