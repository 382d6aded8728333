package testproxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/proxy"
)

func backend(t *testing.T, tlsOn bool) *httptest.Server {
	t.Helper()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello "+r.URL.Path) })
	var srv *httptest.Server
	if tlsOn {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv
}

// viaProxy GETs target/x through p using net/http's own proxy support.
func viaProxy(t *testing.T, p *Proxy, target *httptest.Server, proxyURL *url.URL) (string, error) {
	t.Helper()
	pool := x509.NewCertPool()
	if target.TLS != nil {
		pool.AddCert(target.Certificate())
	}
	if p.Certificate != nil {
		pool.AddCert(p.Certificate)
	}
	tr := &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(target.URL + "/x")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Status + " " + string(b), nil
}

func TestProxies(t *testing.T) {
	tests := []struct {
		name      string
		start     func(Options) (*Proxy, error)
		tlsTarget bool
		user      string
		badCreds  bool
		want      string
		wantErr   string
	}{
		{name: "http CONNECT", start: NewHTTP, tlsTarget: true, want: "200 OK hello /x"},
		{name: "http forward", start: NewHTTP, want: "200 OK hello /x"},
		{name: "http auth", start: NewHTTP, tlsTarget: true, user: "u", want: "200 OK hello /x"},
		{name: "http bad auth forward", start: NewHTTP, user: "u", badCreds: true, want: "407 Proxy Authentication Required proxy authentication required\n"},
		{name: "http bad auth CONNECT", start: NewHTTP, tlsTarget: true, user: "u", badCreds: true, wantErr: "Proxy Authentication Required"},
		{name: "https CONNECT", start: NewHTTPS, tlsTarget: true, want: "200 OK hello /x"},
		{name: "socks5", start: NewSOCKS5, tlsTarget: true, want: "200 OK hello /x"},
		{name: "socks5 auth", start: NewSOCKS5, tlsTarget: true, user: "u", want: "200 OK hello /x"},
		{name: "socks5 bad auth", start: NewSOCKS5, tlsTarget: true, user: "u", badCreds: true, wantErr: "username/password authentication failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := backend(t, tc.tlsTarget)
			p, err := tc.start(Options{Username: tc.user, Password: "pw"})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			pu := *p.URL
			if tc.badCreds {
				pu.User = url.UserPassword(tc.user, "wrong")
			}
			got, err := viaProxy(t, p, target, &pu)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if tc.badCreds {
				return
			}
			host := strings.TrimPrefix(strings.TrimPrefix(target.URL, "https://"), "http://")
			if tg := p.Targets(); len(tg) != 1 || tg[0] != host {
				t.Errorf("Targets() = %v, want [%s]", tg, host)
			}
		})
	}
}

func TestDialMapsNames(t *testing.T) {
	target := backend(t, false)
	p, err := NewSOCKS5(Options{Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, target.Listener.Addr().String())
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d, err := proxy.FromURL(p.URL, proxy.Direct)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DialContext: d.(proxy.ContextDialer).DialContext}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://made-up.test:1234/y")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hello /y" || p.Targets()[0] != "made-up.test:1234" {
		t.Errorf("body %q, targets %v", b, p.Targets())
	}
}

func TestCloseCutsTunnels(t *testing.T) {
	// A target that never answers keeps the tunnel open until the proxy closes it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	p, err := NewHTTP(Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", p.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "CONNECT "+l.Addr().String()+" HTTP/1.1\r\nHost: "+l.Addr().String()+"\r\n\r\n")
	buf := make([]byte, 64)
	if n, _ := c.Read(buf); !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 200") {
		t.Fatalf("CONNECT answered %q", buf[:n])
	}
	done := make(chan struct{})
	go func() { p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on an open tunnel")
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(buf); err == nil {
		t.Error("tunnel still open after Close")
	}
}

func TestCarried(t *testing.T) {
	const upSize, downSize = 50_000, 200_000
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if n != upSize {
			http.Error(w, "short upload", http.StatusBadRequest)
			return
		}
		w.Write([]byte(strings.Repeat("x", downSize)))
	})
	tlsTarget := httptest.NewTLSServer(h)
	defer tlsTarget.Close()
	plainTarget := httptest.NewServer(h)
	defer plainTarget.Close()

	for _, tc := range []struct {
		name    string
		start   func(Options) (*Proxy, error)
		target  *httptest.Server
		counted bool
	}{
		{name: "http CONNECT", start: NewHTTP, target: tlsTarget, counted: true},
		{name: "socks5", start: NewSOCKS5, target: tlsTarget, counted: true},
		{name: "http forward", start: NewHTTP, target: plainTarget},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.start(Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			pool := x509.NewCertPool()
			pool.AddCert(tlsTarget.Certificate())
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
			if p.URL.Scheme == "socks5" {
				d, err := proxy.FromURL(p.URL, proxy.Direct)
				if err != nil {
					t.Fatal(err)
				}
				tr.DialContext = d.(proxy.ContextDialer).DialContext
			} else {
				tr.Proxy = http.ProxyURL(p.URL)
			}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Post(tc.target.URL, "text/plain", strings.NewReader(strings.Repeat("y", upSize)))
			if err != nil {
				t.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || n != downSize {
				t.Fatalf("%s, %d bytes", resp.Status, n)
			}
			// Read at once, tunnel still open: what the client has received is already counted.
			up, down := p.Carried()
			if !tc.counted {
				if up != 0 || down != 0 {
					t.Errorf("Carried() = %d, %d; want 0, 0 for forwarded requests", up, down)
				}
				return
			}
			// The bodies plus TLS and HTTP overhead, which is a few kilobytes at most.
			if up < upSize || up > upSize+10_000 {
				t.Errorf("up = %d, want %d plus a little", up, upSize)
			}
			if down < downSize || down > downSize+10_000 {
				t.Errorf("down = %d, want %d plus a little", down, downSize)
			}
		})
	}
}
