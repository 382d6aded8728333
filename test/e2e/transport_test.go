package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
	"github.com/kubex-cli/kubex/internal/testproxy"
)

// The transport seen from outside: proxies (HTTP CONNECT, HTTPS, SOCKS5; from kubeconfig and from the
// environment), gzip, -v output and what it must never show, --request-timeout and HTTP/2.

// madeUpHost is a cluster host name that only the test proxies resolve (to 127.0.0.1). net/http never
// proxies a request for localhost or a loopback address when the proxy comes from the environment, so
// HTTPS_PROXY can only be tested with a name. The apiserver's certificate has the DNS SAN "localhost",
// which the kubeconfigs using this name set as tls-server-name.
const madeUpHost = "kube.test"

// apiHostPort is the apiserver's host:port, as a proxy sees it as the target of a tunnel.
func apiHostPort(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(cluster().Server)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// madeUpHostPort is the apiserver's address with the host name madeUpHost.
func madeUpHostPort(t *testing.T) string {
	t.Helper()
	_, port, err := net.SplitHostPort(apiHostPort(t))
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort(madeUpHost, port)
}

// apiserverCert is the apiserver's serving certificate (signed by the cluster's CA, for 127.0.0.1 and
// localhost), for test servers that must be trusted as the apiserver is. testcluster does not export the
// paths.
func apiserverCert(t *testing.T) tls.Certificate {
	t.Helper()
	dir := cluster().Dir
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "apiserver.crt"), filepath.Join(dir, "apiserver.key"))
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// resolveMadeUp is a proxy's Dial that resolves madeUpHost to 127.0.0.1.
func resolveMadeUp(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, port, err := net.SplitHostPort(addr); err == nil && host == madeUpHost {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// adminKubeconfig writes a kubeconfig for the admin token with the given server and extra lines for the
// cluster block (e.g. "proxy-url: http://..."), and returns the KUBECONFIG=... entry.
func adminKubeconfig(t *testing.T, server string, clusterLines ...string) string {
	t.Helper()
	return testKubeconfig(t, t.TempDir(), server, clusterLines, "    token: "+cluster().AdminToken)
}

// testProxyCredentials checks a proxy that demands a user name and password: the right ones work and never
// show at -v 10; wrong ones give one line ending in wantRefusal, without the password.
func testProxyCredentials(t *testing.T, start func(testproxy.Options) (*testproxy.Proxy, error), wantRefusal string) {
	t.Helper()
	const password, wrong = "proxy-pass-8d1f", "wrong-pass-5e2a"
	p := startProxy(t, start, testproxy.Options{Username: "kubex", Password: password})
	env := append(proxyEnv("", ""), adminKubeconfig(t, cluster().Server, "proxy-url: "+p.URL.String()))
	r := runKubex(t, env, "-v", "10", "get", "--raw", podsPath)
	wantPods(t, "proxy with credentials", r)
	wantTargets(t, p, apiHostPort(t))
	if strings.Contains(r.Stderr, password) {
		t.Errorf("-v 10 shows the proxy password: %s", r)
	}

	bad := *p.URL
	bad.User = url.UserPassword("kubex", wrong)
	env = append(proxyEnv("", ""), adminKubeconfig(t, cluster().Server, "proxy-url: "+bad.String()))
	r = runKubex(t, env, "get", "--raw", podsPath)
	wantOneLineError(t, "wrong proxy credentials", r, apiHostPort(t), wantRefusal)
	if strings.Contains(r.Stderr, wrong) {
		t.Errorf("the error shows the proxy password: %s", r)
	}
}

// proxyEnv sets the proxy variables in both spellings, so that whatever the machine running the tests has
// set does not leak into a test; net/http reads the upper-case ones first.
func proxyEnv(httpsProxy, noProxy string) []string {
	return []string{
		"HTTPS_PROXY=" + httpsProxy, "https_proxy=" + httpsProxy,
		"HTTP_PROXY=", "http_proxy=",
		"NO_PROXY=" + noProxy, "no_proxy=" + noProxy,
	}
}

func startProxy(t *testing.T, start func(testproxy.Options) (*testproxy.Proxy, error), opts testproxy.Options) *testproxy.Proxy {
	t.Helper()
	p, err := start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// wantTargets fails unless the proxy was used, and only for want.
func wantTargets(t *testing.T, p *testproxy.Proxy, want string) {
	t.Helper()
	got := p.Targets()
	if len(got) == 0 {
		t.Errorf("the proxy was not used")
	}
	for _, g := range got {
		if g != want {
			t.Errorf("proxy targets %v, want only %s", got, want)
			break
		}
	}
}

// wantPods fails unless r is a successful listing of podsPath.
func wantPods(t *testing.T, what string, r result) {
	t.Helper()
	if r.Code != 0 || !strings.Contains(r.Stdout, `"kind":"PodList"`) {
		t.Errorf("%s: want the pod list: %s", what, r)
	}
}

// wantOneLineError fails unless r failed with exit code 1, printing nothing on stdout and a single line
// on stderr that contains every one of parts.
func wantOneLineError(t *testing.T, what string, r result, parts ...string) {
	t.Helper()
	if r.Code != 1 || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 || !strings.HasSuffix(r.Stderr, "\n") {
		t.Errorf("%s: want exit code 1 and one line on stderr: %s", what, r)
		return
	}
	for _, p := range parts {
		if !strings.Contains(r.Stderr, p) {
			t.Errorf("%s: want an error containing %q: %s", what, p, r)
		}
	}
}

func TestProxyHTTP(t *testing.T) {
	t.Parallel()
	c := cluster()
	t.Run("proxy-url", func(t *testing.T) {
		t.Parallel()
		p := startProxy(t, testproxy.NewHTTP, testproxy.Options{})
		env := append(proxyEnv("", ""), adminKubeconfig(t, c.Server, "proxy-url: "+p.URL.String()))
		wantPods(t, "proxy-url", runKubex(t, env, "get", "--raw", podsPath))
		wantTargets(t, p, apiHostPort(t))
	})

	t.Run("credentials", func(t *testing.T) {
		t.Parallel()
		testProxyCredentials(t, testproxy.NewHTTP, "Proxy Authentication Required")
	})

	t.Run("environment", func(t *testing.T) {
		t.Parallel()
		p := startProxy(t, testproxy.NewHTTP, testproxy.Options{Dial: resolveMadeUp})
		target := madeUpHostPort(t)
		kc := adminKubeconfig(t, "https://"+target, "tls-server-name: localhost")
		wantPods(t, "HTTPS_PROXY", runKubex(t, append(proxyEnv(p.URL.String(), ""), kc), "get", "--raw", podsPath))
		wantTargets(t, p, target)

		// NO_PROXY sends the request past the proxy, to a name that nothing else resolves.
		used := len(p.Targets())
		r := runKubex(t, append(proxyEnv(p.URL.String(), "127.0.0.1,"+madeUpHost), kc), "get", "--raw", podsPath)
		wantOneLineError(t, "HTTPS_PROXY with NO_PROXY="+madeUpHost, r, target)
		if len(p.Targets()) != used {
			t.Errorf("NO_PROXY=%s: the proxy was used: %v", madeUpHost, p.Targets())
		}

		// The kubeconfig's proxy-url wins over the environment (here a proxy that is not listening).
		kc = adminKubeconfig(t, "https://"+target, "tls-server-name: localhost", "proxy-url: "+p.URL.String())
		wantPods(t, "proxy-url and HTTPS_PROXY", runKubex(t, append(proxyEnv("http://127.0.0.1:1", ""), kc), "get", "--raw", podsPath))
		if len(p.Targets()) != used+1 {
			t.Errorf("proxy-url with HTTPS_PROXY set: want the proxy-url proxy used once more: %v", p.Targets())
		}
	})
}

func TestProxySOCKS5(t *testing.T) {
	t.Parallel()
	c := cluster()
	t.Run("plain", func(t *testing.T) {
		t.Parallel()
		p := startProxy(t, testproxy.NewSOCKS5, testproxy.Options{})
		env := append(proxyEnv("", ""), adminKubeconfig(t, c.Server, "proxy-url: "+p.URL.String()))
		wantPods(t, "socks5", runKubex(t, env, "get", "--raw", podsPath))
		wantTargets(t, p, apiHostPort(t))
	})

	t.Run("names resolved by the proxy", func(t *testing.T) {
		t.Parallel()
		// As with socks5h: kubex must hand the name to the proxy, not look it up itself.
		p := startProxy(t, testproxy.NewSOCKS5, testproxy.Options{Dial: resolveMadeUp})
		env := append(proxyEnv("", ""), adminKubeconfig(t, "https://"+madeUpHostPort(t), "tls-server-name: localhost", "proxy-url: "+p.URL.String()))
		wantPods(t, "socks5 to "+madeUpHost, runKubex(t, env, "get", "--raw", podsPath))
		wantTargets(t, p, madeUpHostPort(t))
	})

	t.Run("credentials", func(t *testing.T) {
		t.Parallel()
		testProxyCredentials(t, testproxy.NewSOCKS5, "authentication failed")
	})
}

// TestProxyHTTPS: net/http (so kubectl as well) verifies an https proxy with the cluster's TLS settings:
// the kubeconfig's CA, not the system roots, when it has one. A proxy serving the apiserver's own
// certificate is therefore trusted, and httptest's certificate is not.
func TestProxyHTTPS(t *testing.T) {
	t.Parallel()
	c := cluster()
	t.Run("trusted", func(t *testing.T) {
		t.Parallel()
		p := startProxy(t, testproxy.NewHTTPS, testproxy.Options{TLSConfig: &tls.Config{Certificates: []tls.Certificate{apiserverCert(t)}}})
		env := append(proxyEnv("", ""), adminKubeconfig(t, c.Server, "proxy-url: "+p.URL.String()))
		wantPods(t, "https proxy", runKubex(t, env, "get", "--raw", podsPath))
		wantTargets(t, p, apiHostPort(t))
		wantPods(t, "kubectl through the same https proxy", runKubectl(t, env, "get", "--raw", podsPath))
	})

	t.Run("untrusted", func(t *testing.T) {
		t.Parallel()
		p := startProxy(t, testproxy.NewHTTPS, testproxy.Options{})
		env := append(proxyEnv("", ""), adminKubeconfig(t, c.Server, "proxy-url: "+p.URL.String()))
		r := runKubex(t, env, "get", "--raw", podsPath)
		wantOneLineError(t, "https proxy with an unknown certificate", r, apiHostPort(t), "proxyconnect", "certificate signed by unknown authority")
		if len(p.Targets()) != 0 {
			t.Errorf("a tunnel was opened through an untrusted proxy: %v", p.Targets())
		}
	})
}

func TestProxyRefused(t *testing.T) {
	t.Parallel()
	c := cluster()
	// Nothing listens on port 1: the error must name the proxy, not only the server behind it.
	for _, proxyURL := range []string{"http://127.0.0.1:1", "https://127.0.0.1:1", "socks5://127.0.0.1:1"} {
		t.Run(strings.Split(proxyURL, ":")[0], func(t *testing.T) {
			t.Parallel()
			env := append(proxyEnv("", ""), adminKubeconfig(t, c.Server, "proxy-url: "+proxyURL))
			r := runKubex(t, env, "get", "--raw", podsPath)
			wantOneLineError(t, "proxy "+proxyURL, r, apiHostPort(t), "127.0.0.1:1", "connection refused")
		})
	}

	t.Run("server refused behind the proxy", func(t *testing.T) {
		t.Parallel()
		p := startProxy(t, testproxy.NewHTTP, testproxy.Options{})
		env := append(proxyEnv("", ""), adminKubeconfig(t, "https://127.0.0.1:1", "proxy-url: "+p.URL.String()))
		r := runKubex(t, env, "get", "--raw", podsPath)
		wantOneLineError(t, "proxy cannot reach the server", r, "127.0.0.1:1", "Bad Gateway")
		wantTargets(t, p, "127.0.0.1:1")
	})
}

// TestGzip fetches the OpenAPI document (2 MB of JSON, which the apiserver gzips when asked) through a
// proxy that counts the bytes, with compression on and off.
func TestGzip(t *testing.T) {
	t.Parallel()
	c := cluster()
	type fetch struct {
		name    string
		flags   []string
		kcLines []string
		out     string
		down    int64 // bytes from the server, TLS included
	}
	fetches := []*fetch{
		{name: "gzip"},
		{name: "--disable-compression", flags: []string{"--disable-compression"}},
		{name: "disable-compression: true", kcLines: []string{"disable-compression: true"}},
	}
	// The three run in parallel; the group returns once all are done.
	t.Run("fetch", func(t *testing.T) {
		for _, f := range fetches {
			t.Run(f.name, func(t *testing.T) {
				t.Parallel()
				p := startProxy(t, testproxy.NewHTTP, testproxy.Options{})
				env := append(proxyEnv("", ""), adminKubeconfig(t, c.Server, append(f.kcLines, "proxy-url: "+p.URL.String())...))
				r := runKubex(t, env, append(f.flags, "get", "--raw", "/openapi/v2")...)
				if r.Code != 0 || r.Stderr != "" {
					t.Fatalf("exit code %d, %d bytes of output, stderr:\n%s", r.Code, len(r.Stdout), r.Stderr)
				}
				f.out = r.Stdout
				_, f.down = p.Carried()
			})
		}
	})
	if t.Failed() {
		return
	}

	gz, out := fetches[0], fetches[0].out
	if len(out) < 1<<20 || !json.Valid([]byte(out)) {
		t.Fatalf("want over 1 MiB of JSON, got %d bytes (valid: %v)", len(out), json.Valid([]byte(out)))
	}
	// JSON compresses about tenfold; a quarter leaves room for TLS and HTTP/2 framing.
	if gz.down > int64(len(out))/4 {
		t.Errorf("with compression %d bytes came from the server for %d of output: not gzipped", gz.down, len(out))
	}
	for _, f := range fetches[1:] {
		if f.out != out {
			t.Errorf("%s: output differs from the gzipped fetch's (%d bytes, not %d)", f.name, len(f.out), len(out))
		}
		if f.down < int64(len(out)) {
			t.Errorf("%s: %d bytes came from the server for %d of output: still compressed", f.name, f.down, len(out))
		}
	}
	t.Logf("%d bytes of output; from the server: %d with gzip, %d and %d without", len(out), gz.down, fetches[1].down, fetches[2].down)
}

// logHead is the head of a -v line: I<mmdd hh:mm:ss.uuuuuu> <pid> <file>] (<file>:<line>] for kubectl).
const logHead = `I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [\w.]+(?::\d+)?\] `

var logLine = regexp.MustCompile(`(?m)^` + logHead)

func TestVerbosity(t *testing.T) {
	t.Parallel()
	c := cluster()
	// /api/v1 is stable between runs (a list's resourceVersion is not) and longer than -v 8 shows.
	const path = "/api/v1"
	apiURL := c.Server + path
	tokenKC := adminKubeconfig(t, c.Server)
	plain := runKubex(t, []string{tokenKC}, "get", "--raw", path)
	if plain.Code != 0 || len(plain.Stdout) < 2048 || plain.Stderr != "" {
		t.Fatalf("get --raw %s: %s", path, plain)
	}

	t.Run("6", func(t *testing.T) {
		t.Parallel()
		r := runKubex(t, []string{tokenKC}, "-v", "6", "get", "--raw", path)
		if r.Code != 0 || r.Stdout != plain.Stdout {
			t.Errorf("-v 6 changed the output: %s", r)
		}
		// One line per request, as kubectl's round_trippers.go writes it.
		want := regexp.MustCompile(`^` + logHead + `"Response" verb="GET" url="` + regexp.QuoteMeta(apiURL) + `" status="200 OK" milliseconds=\d+\n$`)
		if !want.MatchString(r.Stderr) {
			t.Errorf("-v 6: want one line matching %s:\n%s", want, r.Stderr)
		}
		k := runKubectl(t, []string{tokenKC}, "-v", "6", "get", "--raw", path)
		if got, kubectl := logLine.ReplaceAllString(r.Stderr, ""), responseLines(k.Stderr); stripMillis(got) != stripMillis(kubectl) {
			t.Errorf("-v 6 request line differs from kubectl's\n=== kubex:\n%s=== kubectl:\n%s", got, kubectl)
		}
	})

	t.Run("8", func(t *testing.T) {
		t.Parallel()
		r := runKubex(t, []string{tokenKC}, "-v", "8", "get", "--raw", path)
		if r.Code != 0 || r.Stdout != plain.Stdout {
			t.Errorf("-v 8 changed the output: %s", r)
		}
		for _, want := range []string{
			`] "Request" verb="GET" url="` + apiURL + `" headers=<` + "\n",
			"\tAuthorization: Bearer <masked>\n",
			"\tAccept: application/json\n",
			`] "Response" status="200 OK" headers=<` + "\n",
			"\tContent-Type: application/json\n",
			`] "Response Body" body=` + strings.TrimSuffix(fmt.Sprintf("%q", plain.Stdout[:1024]), `"`),
			fmt.Sprintf(" [truncated %d chars]", len(plain.Stdout)-1024),
		} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("-v 8: want %q in\n%s", want, r.Stderr)
			}
		}
		if !regexp.MustCompile(`(?m)^ > milliseconds=\d+$`).MatchString(r.Stderr) {
			t.Errorf("-v 8: want the response's milliseconds after its headers:\n%s", r.Stderr)
		}
	})

	// At -v 10 bodies are whole and the request is a curl command; no credential may show, however the
	// token was obtained.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte(c.AdminToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plugin := fmt.Sprintf(`#!/bin/sh
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}'
`, c.AdminToken)
	if err := os.WriteFile(filepath.Join(dir, "plugin.sh"), []byte(plugin), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{name: "token", env: []string{tokenKC}},
		{name: "tokenFile", env: []string{userKubeconfig(t, filepath.Join(dir), "    tokenFile: token")}},
		{name: "exec plugin", env: []string{userKubeconfig(t, t.TempDir(), `    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: `+filepath.Join(dir, "plugin.sh")+`
      interactiveMode: Never`)}},
		{name: "--token", env: []string{writeKubeconfig(t, testcluster.KubeconfigOptions{})}, args: []string{"--token", c.AdminToken}},
	} {
		t.Run("10 "+tc.name, func(t *testing.T) {
			t.Parallel()
			r := runKubex(t, tc.env, append(tc.args, "-v", "10", "get", "--raw", path)...)
			if r.Code != 0 || r.Stdout != plain.Stdout {
				t.Errorf("-v 10 changed the output: %s", r)
			}
			if strings.Contains(r.Stderr, c.AdminToken) {
				t.Errorf("-v 10 shows the token:\n%s", r.Stderr)
			}
			for _, want := range []string{
				`] "Request" curlCommand=<` + "\n\tcurl -v -XGET ",
				` -H "Authorization: Bearer <masked>" `,
				` '` + apiURL + `'` + "\n",
				`] "Response" verb="GET" url="` + apiURL + `" status="200 OK" headers=<`,
				"] \"Response Body\" body=<\n\t" + strings.TrimSuffix(plain.Stdout, "\n") + "\n >\n",
			} {
				if !strings.Contains(r.Stderr, want) {
					t.Errorf("-v 10: want %.200q in\n%.3000s", want, r.Stderr)
				}
			}
		})
	}
}

// responseLines keeps kubectl's "Response" lines, without their heads.
func responseLines(stderr string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if h := logLine.FindString(l); h != "" && strings.HasPrefix(l[len(h):], `"Response" `) {
			b.WriteString(l[len(h):])
		}
	}
	return b.String()
}

var millis = regexp.MustCompile(`milliseconds=\d+`)

func stripMillis(s string) string { return millis.ReplaceAllString(s, "milliseconds=N") }

// relays holds the connections of the test's TCP relays, so that they are cut when the test ends even if a
// client is still connected.
type relays struct {
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

func newRelays(t *testing.T) *relays {
	rs := &relays{}
	t.Cleanup(func() {
		rs.mu.Lock()
		defer rs.mu.Unlock()
		rs.closed = true
		for _, c := range rs.conns {
			c.Close()
		}
	})
	return rs
}

// track reports false, having closed c, when the test is over.
func (rs *relays) track(c net.Conn) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.closed {
		c.Close()
		return false
	}
	rs.conns = append(rs.conns, c)
	return true
}

// listen accepts connections on loopback until the test ends and hands each to serve.
func (rs *relays) listen(t *testing.T, l net.Listener, serve func(net.Conn)) string {
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if rs.track(c) {
				go serve(c)
			}
		}
	}()
	return l.Addr().String()
}

// stallingRelay forwards TCP connections to the apiserver but passes on only the first budget bytes of
// what it answers, then holds the rest back until the client goes away. With budget 0 the server seems to
// hang before the TLS handshake; with a budget past the response headers, in the middle of the body.
func stallingRelay(t *testing.T, budget int64) string {
	rs := newRelays(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	api := apiHostPort(t)
	return rs.listen(t, l, func(client net.Conn) {
		defer client.Close()
		server, err := net.Dial("tcp", api)
		if err != nil || !rs.track(server) {
			return
		}
		defer server.Close()
		go io.Copy(client, io.LimitReader(server, budget))
		_, _ = io.Copy(server, client) // until the client closes
	})
}

// timedOut is how net/http words a request that --request-timeout ended. Which of the two depends on a race
// inside http.Client between its timer and the request's context deadline, and kubectl is no different.
var timedOut = regexp.MustCompile(`\(Client\.Timeout |context deadline exceeded`)

func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	t.Run("no answer", func(t *testing.T) {
		t.Parallel()
		server := stallingRelay(t, 0)
		kc := adminKubeconfig(t, "https://"+server, "tls-server-name: localhost")
		start := time.Now()
		r := runKubex(t, []string{kc}, "--request-timeout=300ms", "get", "--raw", podsPath)
		wantOneLineError(t, "--request-timeout=300ms, no answer", r, "Unable to connect to the server "+server+": ")
		if !timedOut.MatchString(r.Stderr) {
			t.Errorf("--request-timeout=300ms, no answer: want a timeout error: %s", r)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("--request-timeout=300ms took %v", d)
		}
	})

	t.Run("stalled body", func(t *testing.T) {
		t.Parallel()
		// 32 KiB gets the TLS handshake and the response headers through, but not the 200 KiB of gzipped
		// OpenAPI document: the timeout must also end a body that stops coming, as kubectl's does.
		server := stallingRelay(t, 32<<10)
		kc := adminKubeconfig(t, "https://"+server, "tls-server-name: localhost")
		r := runKubex(t, []string{kc}, "--request-timeout=500ms", "get", "--raw", "/openapi/v2")
		// What came before the stall has been written: get --raw streams.
		if r.Code != 1 || len(r.Stdout) == 0 || !strings.HasPrefix(r.Stderr, "error: ") || strings.Count(r.Stderr, "\n") != 1 || !timedOut.MatchString(r.Stderr) {
			t.Errorf("--request-timeout=500ms, body stalled: want part of the output, exit code 1 and a one-line timeout error: exit code %d, %d bytes of stdout, stderr:\n%s",
				r.Code, len(r.Stdout), r.Stderr)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		t.Parallel()
		r := runKubex(t, nil, "--request-timeout=soon", "get", "--raw", podsPath)
		wantOneLineError(t, "--request-timeout=soon", r, "--request-timeout", `"soon"`)
	})
}

// alpnTap is a TLS endpoint in front of the apiserver that records the protocol each client negotiated,
// which nothing in kubex's output shows. It serves the apiserver's own certificate (so it is trusted as the
// apiserver) and relays the decrypted stream over a second TLS connection offering only that protocol.
// Client certificates cannot pass through it: use a token.
type alpnTap struct {
	addr   string
	mu     sync.Mutex
	protos []string
}

func (a *alpnTap) negotiated() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.protos...)
}

func startALPNTap(t *testing.T) *alpnTap {
	ca, err := os.ReadFile(cluster().CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca)
	// The apiserver's own offer.
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{apiserverCert(t)}, NextProtos: []string{"h2", "http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	rs := newRelays(t)
	tap := &alpnTap{}
	api := apiHostPort(t)
	tap.addr = rs.listen(t, l, func(client net.Conn) {
		defer client.Close()
		tc := client.(*tls.Conn)
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		if tc.Handshake() != nil {
			return
		}
		_ = tc.SetDeadline(time.Time{})
		proto := tc.ConnectionState().NegotiatedProtocol
		tap.mu.Lock()
		tap.protos = append(tap.protos, proto)
		tap.mu.Unlock()
		cfg := &tls.Config{RootCAs: roots}
		if proto != "" {
			cfg.NextProtos = []string{proto}
		}
		server, err := tls.Dial("tcp", api, cfg)
		if err != nil || !rs.track(server) {
			return
		}
		defer server.Close()
		go func() {
			_, _ = io.Copy(client, server)
			client.Close()
		}()
		_, _ = io.Copy(server, client)
	})
	return tap
}

// TestHTTP2 checks that kubex speaks HTTP/2 to the apiserver, and HTTP/1.1 (offering no ALPN at all) when
// DISABLE_HTTP2 is set, client-go's switch; kubectl through the same tap must negotiate the same.
func TestHTTP2(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, disable, want string
	}{
		{name: "h2", disable: "", want: "h2"},
		{name: "DISABLE_HTTP2", disable: "1", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tap := startALPNTap(t)
			env := []string{"DISABLE_HTTP2=" + tc.disable, adminKubeconfig(t, "https://"+tap.addr)}
			wantPods(t, "kubex", runKubex(t, env, "get", "--raw", podsPath))
			if got := tap.negotiated(); len(got) != 1 || got[0] != tc.want {
				t.Errorf("kubex negotiated %q, want [%q]", got, tc.want)
			}
			wantPods(t, "kubectl", runKubectl(t, env, "get", "--raw", podsPath))
			for _, got := range tap.negotiated() {
				if got != tc.want {
					t.Errorf("kubex and kubectl negotiated %q, want only %q", tap.negotiated(), tc.want)
					break
				}
			}
		})
	}
}
