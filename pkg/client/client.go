// Package client is kubex's one HTTP client for the Kubernetes API: an ordered chain of small
// http.RoundTripper layers built from a resolved kubeconfig, plus discovery, watch and upgrades.
// It knows nothing of cobra or terminals.
package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/kubex-cli/kubex/pkg/config"
)

// Options are the parts of the client that do not come from kubeconfig.
type Options struct {
	UserAgent string    // default "kubex/VERSION (OS/ARCH)"
	Version   string    // VERSION in the default UserAgent
	Verbosity int       // -v: 6 request lines, 7 request headers, 8 response headers and truncated bodies, 9+ full bodies
	DebugOut  io.Writer // where -v output goes (stderr)

	// What an exec credential plugin in interactive mode may use.
	Stdin           io.Reader
	Stderr          io.Writer // the plugin's stderr; nil means os.Stderr
	StdinIsTerminal bool
	// StdinUnavailable is set when the command itself consumes stdin (for example -f -), so that a plugin
	// with interactiveMode Always fails clearly and IfAvailable runs without stdin, as in kubectl.
	StdinUnavailable        bool
	StdinUnavailableMessage string
}

// Client sends requests to one API server through the middleware chain.
type Client struct {
	server *url.URL
	http   *http.Client
}

// New builds the chain for r. Nothing is dialled and no credential plugin runs until the first request.
func New(r *config.Resolved, opts Options) (*Client, error) {
	server, err := serverURL(r)
	if err != nil {
		return nil, err
	}
	rt, err := chain(r, opts)
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

// NewRequest builds a request for an API path such as "/api/v1/namespaces?limit=500".
func (c *Client) NewRequest(ctx context.Context, method, pathAndQuery string, body io.Reader) (*http.Request, error) {
	u := *c.server
	p, q, _ := strings.Cut(pathAndQuery, "?")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	u.RawPath = ""
	u.RawQuery = q
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

// serverURL is the server as client-go's DefaultServerURL makes it: a bare host:port gets https when TLS
// is configured and http otherwise; a path is a prefix for every request.
func serverURL(r *config.Resolved) (*url.URL, error) {
	host := r.Server
	if host == "" {
		// What clientcmd falls back to when nothing names a server.
		host = "http://localhost:8080"
	}
	u, err := url.Parse(host)
	if err != nil || u.Scheme == "" || u.Host == "" {
		scheme := "http://"
		if hasCA(r) || hasCert(r) || r.InsecureSkipTLSVerify {
			scheme = "https://"
		}
		u, err = url.Parse(scheme + host)
		if err != nil {
			return nil, fmt.Errorf("invalid server %q: %w", r.Server, err)
		}
		if u.Path != "" && u.Path != "/" {
			return nil, fmt.Errorf("host must be a URL or a host:port pair: %q", host)
		}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid server %q: scheme must be http or https", r.Server)
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
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

// drain reads a little of a response we are about to drop and closes it, so the connection can be reused.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
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
