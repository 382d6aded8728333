package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"golang.org/x/net/proxy"

	"github.com/kubex-cli/kubex/pkg/config"
)

// The timeouts client-go's transport uses (apimachinery's SetTransportDefaults and http.DefaultTransport).
const (
	dialTimeout         = 30 * time.Second
	keepAlive           = 30 * time.Second
	tlsHandshakeTimeout = 10 * time.Second
	idleConnTimeout     = 90 * time.Second
	maxIdleConnsPerHost = 25
	// HTTP/2 health checks, so a silently dead connection is noticed instead of hanging a watch forever.
	h2ReadIdleTimeout = 30 * time.Second
	h2PingTimeout     = 15 * time.Second
	// certReloadInterval bounds how often client certificate files are re-read (client-go: once a second).
	certReloadInterval = time.Second
	// defaultResponseHeaderTimeout ends the wait for a server that took the request and never answers,
	// which kubectl (no such timeout) waits for forever. It is above the apiserver's own 60 s limit on
	// ordinary requests, so that a slow server's 504 Timeout status, which says more, arrives first.
	// Watches, logs -f and upgrades answer with headers at once and stream afterwards; the timer stops
	// at the headers, so they are not cut.
	defaultResponseHeaderTimeout = 75 * time.Second
)

// responseHeaderTimeout is the transport's wait for response headers. --request-timeout, when set, is the
// user's bound for the whole request (http.Client.Timeout) and alone governs, longer than ours or not.
func responseHeaderTimeout(requestTimeout time.Duration) time.Duration {
	if requestTimeout > 0 {
		return 0
	}
	return defaultResponseHeaderTimeout
}

// transport is the bottom of the chain: two http.Transports sharing TLS, proxy and dialer. Upgrade requests
// take the HTTP/1.1-only one because HTTP/2 has no Connection: Upgrade.
type transport struct {
	h2, h1 *http.Transport
	conns  *connTracker
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if isUpgrade(req) {
		return t.h1.RoundTrip(req)
	}
	return t.h2.RoundTrip(req)
}

// closeConnections drops every open connection, so the next request handshakes with the current certificate.
func (t *transport) closeConnections() {
	t.h2.CloseIdleConnections()
	t.h1.CloseIdleConnections()
	t.conns.closeAll()
}

// transportOptions is what newTransport needs beyond the kubeconfig.
type transportOptions struct {
	environ       []string      // for DISABLE_HTTP2
	headerTimeout time.Duration // see responseHeaderTimeout; 0 is none
	// sendClientCert says whether the kubeconfig's client certificate is the credential; pluginCert, when not
	// nil, supplies the credential plugin's certificate during handshakes.
	sendClientCert bool
	pluginCert     func() (*tls.Certificate, error)
}

// newTransport builds the transport.
func newTransport(r *config.Resolved, o transportOptions) (*transport, error) {
	tc, err := tlsConfig(r, o.sendClientCert, o.pluginCert)
	if err != nil {
		return nil, err
	}
	conns := &connTracker{conns: map[*trackedConn]struct{}{}}
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: keepAlive}
	dial := dialer.DialContext
	httpProxy, socks, err := proxyFor(r)
	if err != nil {
		return nil, err
	}
	if socks != nil {
		// net/http could speak SOCKS5 itself, but a dialer is also what upgraded connections need.
		d, err := proxy.FromURL(socks, dialer)
		if err != nil {
			return nil, fmt.Errorf("socks5 proxy %s: %w", socks.Redacted(), err)
		}
		cd, ok := d.(proxy.ContextDialer)
		if !ok {
			return nil, fmt.Errorf("socks5 proxy %s: dialer does not support contexts", socks.Redacted())
		}
		dial = cd.DialContext
	}

	base := func() *http.Transport {
		return &http.Transport{
			Proxy:               httpProxy,
			DialContext:         dial,
			TLSClientConfig:     tc.Clone(),
			TLSHandshakeTimeout: tlsHandshakeTimeout,
			// HTTP/2 applies it too, per stream; it starts once the request body is sent.
			ResponseHeaderTimeout: o.headerTimeout,
			IdleConnTimeout:       idleConnTimeout,
			MaxIdleConnsPerHost:   maxIdleConnsPerHost,
			// The compression layer asks for and decodes gzip; the transport must not do it a second time.
			DisableCompression: true,
		}
	}
	h2 := base()
	// Only API connections are cut when the client certificate rotates; an upgraded stream (an exec
	// session) keeps the certificate it was opened with.
	h2.DialContext = conns.wrap(dial)
	if lookupEnv(o.environ, "DISABLE_HTTP2") == "" {
		// A custom TLS config and dialer switch HTTP/2 off unless asked for explicitly.
		h2.ForceAttemptHTTP2 = true
		h2.HTTP2 = &http.HTTP2Config{SendPingTimeout: h2ReadIdleTimeout, PingTimeout: h2PingTimeout}
	}
	h1 := base()
	h1.Protocols = new(http.Protocols)
	h1.Protocols.SetHTTP1(true)
	h1.TLSClientConfig.NextProtos = []string{"http/1.1"}
	return &transport{h2: h2, h1: h1, conns: conns}, nil
}

// proxyFor picks the proxy: the cluster's proxy-url for every request (http and https proxies go to
// net/http, a socks5 one is returned to become the dialer), else HTTPS_PROXY/HTTP_PROXY/NO_PROXY by
// http.ProxyFromEnvironment (loopback is never proxied; NO_PROXY may hold CIDRs). Those variables stay
// net/http's business, not Options.Environ's: its rules live in x/net/http/httpproxy, which needs x/text.
func proxyFor(r *config.Resolved) (httpProxy func(*http.Request) (*url.URL, error), socks *url.URL, err error) {
	if r.ProxyURL == "" {
		return http.ProxyFromEnvironment, nil, nil
	}
	u, err := url.Parse(r.ProxyURL)
	if err != nil {
		// Neither the string nor err, which quotes it: either may hold the proxy's password.
		return nil, nil, fmt.Errorf("could not parse: %v", config.RedactURL(r.ProxyURL))
	}
	switch u.Scheme {
	case "http", "https":
		return http.ProxyURL(u), nil, nil
	case "socks5":
		return nil, u, nil
	}
	return nil, nil, fmt.Errorf("unsupported scheme %q, must be http, https, or socks5", u.Scheme)
}

// tlsConfig is the client TLS configuration, following client-go's TLSConfigFor.
func tlsConfig(r *config.Resolved, sendClientCert bool, pluginCert func() (*tls.Certificate, error)) (*tls.Config, error) {
	if hasCA(r) && r.InsecureSkipTLSVerify {
		return nil, errors.New("specifying a root certificates file with the insecure flag is not allowed")
	}
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: r.InsecureSkipTLSVerify,
		ServerName:         r.TLSServerName,
	}
	if hasCA(r) {
		src := pemSource{data: r.CertificateAuthorityData, file: r.CertificateAuthority, kind: "certificate-authority"}
		ca, err := src.read()
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, fmt.Errorf("%s: unable to load root certificates: %w", src, caParseError(ca))
		}
		tc.RootCAs = pool
	}

	var load func() (*tls.Certificate, error)
	if sendClientCert {
		certSrc := pemSource{data: r.ClientCertificateData, file: r.ClientCertificate, kind: "client-certificate"}
		keySrc := pemSource{data: r.ClientKeyData, file: r.ClientKey, kind: "client-key"}
		if len(r.ClientCertificateData) == 0 && len(r.ClientKeyData) == 0 {
			// Files only: re-read them (rate-limited) so rotated certificates are picked up.
			l := &certFiles{cert: r.ClientCertificate, key: r.ClientKey, now: time.Now}
			if _, err := l.get(); err != nil {
				return nil, err
			}
			load = l.get
		} else {
			certPEM, err := certSrc.read()
			if err != nil {
				return nil, err
			}
			keyPEM, err := keySrc.read()
			if err != nil {
				return nil, err
			}
			cert, err := tls.X509KeyPair(certPEM, keyPEM)
			if err != nil {
				// tls's message says "certificate input" or "key input", not where the input came from.
				return nil, fmt.Errorf("%s, %s: %w", certSrc, keySrc, err)
			}
			load = func() (*tls.Certificate, error) { return &cert, nil }
		}
	} else if pluginCert != nil {
		load = pluginCert
	}
	if load != nil {
		tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			c, err := load()
			if err != nil {
				return nil, err
			}
			if c == nil {
				// No certificate (a token-only plugin): send none rather than fail the handshake.
				return &tls.Certificate{}, nil
			}
			return c, nil
		}
	}
	return tc, nil
}

// pemSource is PEM given inline (kind + "-data" in kubeconfig) or as a file (kind), named in errors so that
// a bad one can be found among several kubeconfig files.
type pemSource struct {
	data []byte
	file string
	kind string // "certificate-authority", "client-certificate", "client-key"
}

func (p pemSource) String() string {
	if len(p.data) > 0 {
		return p.kind + "-data"
	}
	return fmt.Sprintf("%s %q", p.kind, p.file)
}

func (p pemSource) read() ([]byte, error) {
	if len(p.data) > 0 {
		return p.data, nil
	}
	if p.file == "" {
		return nil, nil
	}
	b, err := os.ReadFile(p.file)
	if err != nil {
		// The *PathError already names the file.
		return nil, fmt.Errorf("%s: %w", p.kind, err)
	}
	return b, nil
}

// caParseError says why no certificate could be added to the pool.
func caParseError(b []byte) error {
	for len(b) > 0 {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return errors.New("unable to parse bytes as PEM block")
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("failed to parse certificate: %w", err)
		}
	}
	return errors.New("no valid certificate authority data seen")
}

// certFiles loads a client certificate and key from files, at most once per certReloadInterval. A failed
// re-read keeps the last good pair, as fileToken keeps its token: rotation rewrites the two files one after
// the other, and a half-written pair must not fail handshakes that the previous pair still passes.
type certFiles struct {
	cert, key string
	now       func() time.Time

	mu     sync.Mutex
	loaded *tls.Certificate // the last good pair; nil until one loaded
	err    error            // why the first load failed, while loaded is nil
	at     time.Time
}

func (c *certFiles) get() (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.now(); c.at.IsZero() || now.Sub(c.at) > certReloadInterval {
		c.at = now
		cert, err := tls.LoadX509KeyPair(c.cert, c.key)
		switch {
		case err == nil:
			c.loaded, c.err = &cert, nil
		case c.loaded == nil:
			c.err = fmt.Errorf("client-certificate %q, client-key %q: %w", c.cert, c.key, err)
		}
	}
	if c.loaded == nil {
		return nil, c.err
	}
	return c.loaded, nil
}

// connTracker remembers open connections so that all of them can be closed when the client certificate
// rotates; an idle-only close would leave a busy HTTP/2 connection on the old certificate indefinitely.
type connTracker struct {
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
}

type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func (t *connTracker) wrap(dial dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: c, t: t}
		t.mu.Lock()
		t.conns[tc] = struct{}{}
		t.mu.Unlock()
		return tc, nil
	}
}

func (t *connTracker) closeAll() {
	t.mu.Lock()
	conns := make([]*trackedConn, 0, len(t.conns))
	for c := range t.conns {
		conns = append(conns, c)
	}
	t.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

type trackedConn struct {
	net.Conn
	t    *connTracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.t.mu.Lock()
		delete(c.t.conns, c)
		c.t.mu.Unlock()
	})
	return c.Conn.Close()
}
