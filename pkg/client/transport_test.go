package client

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/internal/testproxy"
	"github.com/kubex-cli/kubex/pkg/config"
)

// whoServer answers with the client certificate's CommonName (or "<none>") and the protocol used.
func whoServer(t *testing.T) *httptest.Server {
	t.Helper()
	return tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := "<none>"
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		io.WriteString(w, cn+" "+r.Proto)
	}))
}

func TestTLS(t *testing.T) {
	srv := whoServer(t)
	ca := certPEM(srv.Certificate())
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caFile := write("ca.pem", ca)
	cert, key := selfSigned("alice")
	certFile, keyFile := write("alice.pem", cert), write("alice-key.pem", key)

	tests := []struct {
		name      string
		r         config.Resolved
		wantBody  string
		wantCause string
		wantNew   string
	}{
		{name: "CA data", r: config.Resolved{CertificateAuthorityData: ca}, wantBody: "<none> HTTP/2.0"},
		{name: "CA file", r: config.Resolved{CertificateAuthority: caFile}, wantBody: "<none> HTTP/2.0"},
		{name: "system roots do not know the server", r: config.Resolved{}, wantCause: CauseUnknownCA},
		{name: "insecure", r: config.Resolved{InsecureSkipTLSVerify: true}, wantBody: "<none> HTTP/2.0"},
		{name: "tls-server-name in the certificate", r: config.Resolved{CertificateAuthorityData: ca, TLSServerName: "example.com"},
			wantBody: "<none> HTTP/2.0"},
		{name: "tls-server-name not in the certificate", r: config.Resolved{CertificateAuthorityData: ca, TLSServerName: "other.test"},
			wantCause: CauseCertificate},
		{name: "client certificate data", r: config.Resolved{CertificateAuthorityData: ca, ClientCertificateData: cert, ClientKeyData: key},
			wantBody: "alice HTTP/2.0"},
		{name: "client certificate files", r: config.Resolved{CertificateAuthorityData: ca, ClientCertificate: certFile, ClientKey: keyFile},
			wantBody: "alice HTTP/2.0"},
		{name: "client certificate data with key file", r: config.Resolved{CertificateAuthorityData: ca, ClientCertificateData: cert, ClientKey: keyFile},
			wantBody: "alice HTTP/2.0"},
		{name: "CA and insecure", r: config.Resolved{CertificateAuthorityData: ca, InsecureSkipTLSVerify: true},
			wantNew: "specifying a root certificates file with the insecure flag is not allowed"},
		{name: "bad CA", r: config.Resolved{CertificateAuthorityData: []byte("not pem")},
			wantNew: "unable to load root certificates: unable to parse bytes as PEM block"},
		{name: "missing CA file", r: config.Resolved{CertificateAuthority: filepath.Join(dir, "nope.pem")},
			wantNew: "no such file"},
		{name: "mismatched key", r: config.Resolved{CertificateAuthorityData: ca, ClientCertificateData: cert, ClientKeyData: []byte("junk")},
			wantNew: "tls: failed to find any PEM data in key input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			r.Server = srv.URL
			c, err := New(&r, Options{})
			if tc.wantNew != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantNew) {
					t.Fatalf("New err = %v, want %q", err, tc.wantNew)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			req, _ := c.NewRequest(t.Context(), http.MethodGet, "/", nil)
			resp, err := c.Do(req)
			if tc.wantCause != "" {
				var ce *ConnectionError
				if !errors.As(err, &ce) || ce.Cause != tc.wantCause {
					t.Fatalf("err = %v (cause %q), want cause %q", err, causeOf(err), tc.wantCause)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != tc.wantBody {
				t.Errorf("server says %q, want %q", b, tc.wantBody)
			}
		})
	}
}

func causeOf(err error) string {
	var ce *ConnectionError
	if errors.As(err, &ce) {
		return ce.Cause
	}
	return ""
}

func TestClientCertificateFilesReloaded(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	writePair := func(cn string) {
		c, k := selfSigned(cn)
		os.WriteFile(certFile, c, 0o600)
		os.WriteFile(keyFile, k, 0o600)
	}
	writePair("first")
	now := time.Now()
	l := &certFiles{cert: certFile, key: keyFile, now: func() time.Time { return now }}
	cn := func() string {
		c, err := l.get()
		if err != nil {
			t.Fatal(err)
		}
		leaf, err := x509.ParseCertificate(c.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		return leaf.Subject.CommonName
	}
	if got := cn(); got != "first" {
		t.Fatalf("got %s", got)
	}
	writePair("second")
	if got := cn(); got != "first" {
		t.Errorf("re-read within %v: %s", certReloadInterval, got)
	}
	now = now.Add(2 * certReloadInterval)
	if got := cn(); got != "second" {
		t.Errorf("after %v still %s", 2*certReloadInterval, got)
	}
}

func TestHTTP2AndUpgrade(t *testing.T) {
	protos := make(chan string, 2)
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protos <- r.Proto
		if r.Header.Get("Upgrade") == "" {
			return
		}
		// Answer the upgrade and echo one line on the raw connection, as an exec stream would.
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test-stream\r\n\r\n")
		rw.Flush()
		line, _ := rw.ReadString('\n')
		rw.WriteString("echo " + line)
		rw.Flush()
	}))
	c := newClient(t, resolvedFor(srv), Options{Verbosity: 8, DebugOut: io.Discard})

	req, _ := c.NewRequest(t.Context(), http.MethodGet, "/api", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || <-protos != "HTTP/2.0" {
		t.Errorf("negotiated %s, want HTTP/2.0", resp.Proto)
	}

	req, _ = c.NewRequest(t.Context(), http.MethodGet, "/api/v1/namespaces/default/pods/p/exec", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "test-stream")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || <-protos != "HTTP/1.1" {
		t.Fatalf("upgrade: %s over %s", resp.Status, resp.Proto)
	}
	stream, ok := resp.Body.(io.ReadWriteCloser)
	if !ok {
		t.Fatalf("101 body is %T, not the raw stream", resp.Body)
	}
	defer stream.Close()
	io.WriteString(stream, "hello\n")
	buf := make([]byte, 64)
	n, _ := io.ReadAtLeast(stream, buf, len("echo hello\n"))
	if got := string(buf[:n]); got != "echo hello\n" {
		t.Errorf("stream answered %q", got)
	}
}

// fakeHost maps made-up host names to srv, which only a proxy knows: reaching the server through such a
// name proves the request went through the proxy.
func fakeHost(srv *httptest.Server) func(ctx context.Context, network, addr string) (net.Conn, error) {
	real := srv.Listener.Addr().String()
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasSuffix(strings.Split(addr, ":")[0], ".test") {
			addr = real
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

func TestProxies(t *testing.T) {
	tlsSrv := whoServer(t)
	plainSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "plain "+r.Proto) }))
	defer plainSrv.Close()
	_, tlsPort, _ := net.SplitHostPort(tlsSrv.Listener.Addr().String())
	_, plainPort, _ := net.SplitHostPort(plainSrv.Listener.Addr().String())

	type start func(testproxy.Options) (*testproxy.Proxy, error)
	tests := []struct {
		name       string
		start      start
		user, pass string
		clientUser string // user info put in proxy-url; defaults to user/pass
		clientPass string
		server     string
		wantBody   string
		wantCause  string
	}{
		{name: "http CONNECT", start: testproxy.NewHTTP, server: "https://apiserver.test:" + tlsPort, wantBody: "<none> HTTP/2.0"},
		{name: "http forward to an http server", start: testproxy.NewHTTP, server: "http://apiserver.test:" + plainPort, wantBody: "plain HTTP/1.1"},
		{name: "http with auth", start: testproxy.NewHTTP, user: "u", pass: "p", server: "https://apiserver.test:" + tlsPort, wantBody: "<none> HTTP/2.0"},
		{name: "http with wrong auth", start: testproxy.NewHTTP, user: "u", pass: "p", clientUser: "u", clientPass: "bad",
			server: "https://apiserver.test:" + tlsPort, wantCause: CauseProxy},
		{name: "https CONNECT", start: testproxy.NewHTTPS, server: "https://apiserver.test:" + tlsPort, wantBody: "<none> HTTP/2.0"},
		{name: "socks5", start: testproxy.NewSOCKS5, server: "https://apiserver.test:" + tlsPort, wantBody: "<none> HTTP/2.0"},
		{name: "socks5 with auth", start: testproxy.NewSOCKS5, user: "u", pass: "p", server: "https://apiserver.test:" + tlsPort, wantBody: "<none> HTTP/2.0"},
		{name: "socks5 with wrong auth", start: testproxy.NewSOCKS5, user: "u", pass: "p", clientUser: "u", clientPass: "bad",
			server: "https://apiserver.test:" + tlsPort, wantCause: CauseProxy},
		{name: "socks5 to loopback is still proxied", start: testproxy.NewSOCKS5, server: tlsSrv.URL, wantBody: "<none> HTTP/2.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := tlsSrv
			if strings.HasPrefix(tc.server, "http://") {
				target = plainSrv
			}
			p, err := tc.start(testproxy.Options{Username: tc.user, Password: tc.pass, Dial: fakeHost(target)})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			pu := *p.URL
			if tc.clientUser != "" {
				pu.User = url.UserPassword(tc.clientUser, tc.clientPass)
			}
			r := resolvedFor(tlsSrv)
			r.Server = tc.server
			r.TLSServerName = "example.com" // the name in httptest's certificate (also used for an https proxy)
			r.ProxyURL = pu.String()
			c := newClient(t, r, Options{})
			req, _ := c.NewRequest(t.Context(), http.MethodGet, "/", nil)
			resp, err := c.Do(req)
			if tc.wantCause != "" {
				if causeOf(err) != tc.wantCause {
					t.Fatalf("err = %v (cause %q), want cause %q", err, causeOf(err), tc.wantCause)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != tc.wantBody {
				t.Errorf("server says %q, want %q", b, tc.wantBody)
			}
			u, _ := url.Parse(tc.server)
			if got := p.Targets(); len(got) == 0 || got[0] != u.Host {
				t.Errorf("proxy targets %v, want %s", got, u.Host)
			}
		})
	}
}

func TestProxyURLScheme(t *testing.T) {
	_, err := New(&config.Resolved{Server: "https://x.test", ProxyURL: "ftp://proxy:21"}, Options{})
	if err == nil || err.Error() != `unsupported scheme "ftp", must be http, https, or socks5` {
		t.Errorf("err = %v", err)
	}
}

// The environment's proxy settings are read once per process by net/http, so each case runs in a child
// process of this test binary, re-running this test with the settings in its environment.
const envProxyChild = "KUBEX_TEST_ENV_PROXY_CHILD"

func TestEnvironmentProxy(t *testing.T) {
	if os.Getenv(envProxyChild) == "1" {
		envProxyChildMain(t)
		return
	}
	srv := whoServer(t)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, err := testproxy.NewHTTP(testproxy.Options{Dial: fakeHost(srv)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	self, _ := os.Executable()
	for _, tc := range []struct {
		name      string
		env       []string
		wantProxy bool
	}{
		{"HTTPS_PROXY", []string{"HTTPS_PROXY=" + p.URL.String()}, true},
		{"https_proxy", []string{"https_proxy=" + p.URL.String()}, true},
		{"NO_PROXY", []string{"HTTPS_PROXY=" + p.URL.String(), "NO_PROXY=.test"}, false},
		{"none", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(p.Targets())
			cmd := exec.Command(self, "-test.run=^TestEnvironmentProxy$", "-test.count=1")
			cmd.Env = append(filteredEnv(), envProxyChild+"=1", "GORACE=atexit_sleep_ms=0",
				"CHILD_SERVER=https://apiserver.test:"+port, "CHILD_CA="+string(certPEM(srv.Certificate())))
			if tc.wantProxy {
				cmd.Env = append(cmd.Env, "CHILD_WANT=ok")
			}
			cmd.Env = append(cmd.Env, tc.env...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if proxied := len(p.Targets()) > before; proxied != tc.wantProxy {
				t.Errorf("proxied = %v, want %v", proxied, tc.wantProxy)
			}
		})
	}
}

func filteredEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		k, _, _ := strings.Cut(e, "=")
		switch strings.ToUpper(k) {
		case "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY", "REQUEST_METHOD":
			continue
		}
		env = append(env, e)
	}
	return env
}

// envProxyChildMain sends one request to a .test host; it only resolves through the proxy.
func envProxyChildMain(t *testing.T) {
	r := &config.Resolved{Server: os.Getenv("CHILD_SERVER"), CertificateAuthorityData: []byte(os.Getenv("CHILD_CA")),
		TLSServerName: "example.com"}
	c := newClient(t, r, Options{})
	req, _ := c.NewRequest(t.Context(), http.MethodGet, "/", nil)
	resp, err := c.Do(req)
	if os.Getenv("CHILD_WANT") == "ok" {
		if err != nil {
			t.Fatalf("through the proxy: %v", err)
		}
		resp.Body.Close()
		return
	}
	// Direct: the made-up name does not resolve.
	if causeOf(err) != CauseDNS {
		t.Fatalf("direct request: err = %v (cause %q), want cause %q", err, causeOf(err), CauseDNS)
	}
}

func TestRequestTimeout(t *testing.T) {
	queries := make(chan string, 1)
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries <- r.URL.RawQuery
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	r := resolvedFor(srv)
	r.RequestTimeout = 200 * time.Millisecond
	c := newClient(t, r, Options{})
	req, _ := c.NewRequest(t.Context(), http.MethodGet, "/api/v1/pods", nil)
	start := time.Now()
	_, err := c.Do(req)
	if causeOf(err) != CauseTimeout {
		t.Errorf("err = %v (cause %q), want cause %q", err, causeOf(err), CauseTimeout)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if q := <-queries; q != "timeout=200ms" {
		t.Errorf("query %q, want timeout=200ms", q)
	}
}
