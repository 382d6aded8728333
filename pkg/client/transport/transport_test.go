package transport

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
	notPEM := write("not.pem", []byte("not pem"))

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
			wantNew: "certificate-authority-data: unable to load root certificates: unable to parse bytes as PEM block"},
		{name: "bad CA file", r: config.Resolved{CertificateAuthority: notPEM},
			wantNew: `certificate-authority "` + notPEM + `": unable to load root certificates: unable to parse bytes as PEM block`},
		{name: "missing CA file", r: config.Resolved{CertificateAuthority: filepath.Join(dir, "nope.pem")},
			wantNew: "certificate-authority: open " + filepath.Join(dir, "nope.pem") + ": no such file"},
		{name: "mismatched key", r: config.Resolved{CertificateAuthorityData: ca, ClientCertificateData: cert, ClientKeyData: []byte("junk")},
			wantNew: "client-certificate-data, client-key-data: tls: failed to find any PEM data in key input"},
		{name: "bad key file", r: config.Resolved{CertificateAuthorityData: ca, ClientCertificateData: cert, ClientKey: notPEM},
			wantNew: `client-certificate-data, client-key "` + notPEM + `": tls: failed to find any PEM data in key input`},
		{name: "bad certificate files", r: config.Resolved{CertificateAuthorityData: ca, ClientCertificate: notPEM, ClientKey: keyFile},
			wantNew: `client-certificate "` + notPEM + `", client-key "` + keyFile + `": tls: failed to find any PEM data in certificate input`},
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

	// A rotation caught half-way (new certificate, key not yet written) or a file briefly missing keeps
	// the last good pair, and the next good pair replaces it.
	c3, _ := selfSigned("third")
	os.WriteFile(certFile, c3, 0o600)
	now = now.Add(2 * certReloadInterval)
	if got := cn(); got != "second" {
		t.Errorf("mismatched pair: got %s, want the last good one", got)
	}
	os.Remove(keyFile)
	now = now.Add(2 * certReloadInterval)
	if got := cn(); got != "second" {
		t.Errorf("missing key: got %s, want the last good one", got)
	}
	writePair("fourth")
	now = now.Add(2 * certReloadInterval)
	if got := cn(); got != "fourth" {
		t.Errorf("after a good pair again: got %s", got)
	}
}

func TestClientCertificateFilesFirstLoadFails(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	os.WriteFile(certFile, []byte("junk"), 0o600)
	os.WriteFile(keyFile, []byte("junk"), 0o600)
	now := time.Now()
	l := &certFiles{cert: certFile, key: keyFile, now: func() time.Time { return now }}
	for i := range 2 { // also when asked again after the reload interval
		c, err := l.get()
		want := `client-certificate "` + certFile + `", client-key "` + keyFile + `": tls: failed to find any PEM data`
		if c != nil || err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("get %d = %v, %v; want no certificate and %q", i, c, err, want)
		}
		now = now.Add(2 * certReloadInterval)
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

// TestProxyPasswordNotInErrors covers every message that quotes a proxy-url.
func TestProxyPasswordNotInErrors(t *testing.T) {
	for _, tc := range []struct{ proxyURL, want string }{
		{"socks5://u:hunter22@proxy.test:bad", `could not parse: socks5://xxxxx@proxy.test:bad`},
		{"http://u:hunter22@proxy.test:1%zz", `could not parse: http://xxxxx@proxy.test:1%zz`},
	} {
		_, err := New(&config.Resolved{Server: "https://x.test", ProxyURL: tc.proxyURL}, Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("proxy-url %q: err = %v, want %q", tc.proxyURL, err, tc.want)
		}
	}

	// A proxy that cannot be reached: the connection error must not quote the proxy-url either.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for _, scheme := range []string{"http", "socks5"} {
		r := &config.Resolved{Server: "https://apiserver.test", InsecureSkipTLSVerify: true,
			ProxyURL: scheme + "://u:hunter22@" + addr}
		c := newClient(t, r, Options{})
		req, _ := c.NewRequest(t.Context(), http.MethodGet, "/", nil)
		_, err := c.Do(req)
		var ce *ConnectionError
		if !errors.As(err, &ce) || strings.Contains(err.Error(), "hunter22") || strings.Contains(ce.UserMessage(), "hunter22") {
			t.Errorf("%s proxy: err = %v", scheme, err)
		}
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

// TestResponseHeaderTimeout: a server that takes the request and never answers must not hang kubex, over
// HTTP/2 and HTTP/1.1 alike, while --request-timeout, when set, decides alone.
func TestResponseHeaderTimeout(t *testing.T) {
	for _, tc := range []struct {
		requestTimeout time.Duration
		want           time.Duration
	}{
		{0, defaultResponseHeaderTimeout},
		{10 * time.Second, 0},
		{10 * time.Minute, 0}, // longer than ours: not cut short at defaultResponseHeaderTimeout
	} {
		if got := responseHeaderTimeout(tc.requestTimeout); got != tc.want {
			t.Errorf("responseHeaderTimeout(%v) = %v, want %v", tc.requestTimeout, got, tc.want)
		}
	}

	release := make(chan struct{})
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/watch" { // headers at once, then a slow stream
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			time.Sleep(300 * time.Millisecond)
			io.WriteString(w, "event")
			return
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	h2Srv := tlsServer(t, hang)
	h1Srv := httptest.NewServer(hang)
	t.Cleanup(func() { close(release); h1Srv.Close() })

	for _, srv := range []*httptest.Server{h2Srv, h1Srv} {
		t.Run(srv.URL[:strings.Index(srv.URL, ":")], func(t *testing.T) {
			r := resolvedFor(srv)
			tr, err := newTransport(r, transportOptions{headerTimeout: 100 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			hc := &http.Client{Transport: tr, Timeout: 10 * time.Second} // a safety net, not the subject
			start := time.Now()
			_, err = hc.Get(srv.URL + "/hang")
			if err == nil || !strings.Contains(err.Error(), "timeout awaiting response headers") {
				t.Fatalf("no answer: err = %v after %v, want the response header timeout", err, time.Since(start))
			}
			if cause := classify(err); cause != CauseTimeout {
				t.Errorf("err = %v classified %q, want %q", err, cause, CauseTimeout)
			}
			// A stream whose headers come at once outlives the header timeout.
			resp, err := hc.Get(srv.URL + "/watch")
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(b) != "event" {
				t.Errorf("stream: %q, %v", b, err)
			}
		})
	}
}

// TestEnviron: DISABLE_HTTP2 comes from Options.Environ, not the process (for the plugin's environment see
// TestCredentialPluginEnviron).
func TestEnviron(t *testing.T) {
	t.Setenv("DISABLE_HTTP2", "1") // what the process has only matters when Environ is nil
	srv := whoServer(t)
	for _, tc := range []struct {
		environ []string
		want    string
	}{
		{nil, "<none> HTTP/1.1"},
		{[]string{"PATH=/bin"}, "<none> HTTP/2.0"},
		{[]string{"DISABLE_HTTP2=1"}, "<none> HTTP/1.1"},
		{[]string{"DISABLE_HTTP2=1", "DISABLE_HTTP2="}, "<none> HTTP/2.0"}, // the last one wins, as in os/exec
	} {
		c := newClient(t, resolvedFor(srv), Options{Environ: tc.environ})
		if _, body := get(t, c, "/"); body != tc.want {
			t.Errorf("Environ %q: server says %q, want %q", tc.environ, body, tc.want)
		}
	}
}
