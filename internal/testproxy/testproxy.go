// Package testproxy runs small forward proxies on loopback for tests: an HTTP proxy (CONNECT tunnels and
// absolute-URI forwarding), the same over TLS, and a SOCKS5 server. The unit tests of pkg/client and the
// end-to-end tests against the real cluster both use them to prove that traffic really went through a proxy.
package testproxy

import (
	"bufio"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a proxy.
type Options struct {
	// Username and Password, when Username is set, are demanded from clients: as Basic
	// Proxy-Authorization for the HTTP(S) proxies, as RFC 1929 username/password for SOCKS5.
	Username, Password string

	// Dial opens the connection to a target. Nil uses a plain net.Dialer. Tests pass a function that
	// maps made-up host names (which only the proxy can "resolve") to loopback addresses.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	// TLSConfig is the serving configuration of NewHTTPS. Nil uses httptest's built-in certificate
	// (valid for 127.0.0.1, ::1 and example.com).
	TLSConfig *tls.Config
}

// Proxy is a running proxy. Close it when done.
type Proxy struct {
	// URL is what a client puts in its proxy setting: http://, https:// or socks5://127.0.0.1:PORT,
	// with the user info of Options when set.
	URL *url.URL
	// Certificate is the serving certificate of an HTTPS proxy built with httptest's certificate.
	Certificate *x509.Certificate

	opts Options

	up, down atomic.Int64 // bytes tunnels carried: see Carried

	mu      sync.Mutex
	targets []string
	conns   map[net.Conn]struct{}
	closed  bool

	srv      *httptest.Server // HTTP(S) proxies
	forward  *http.Transport  // HTTP proxies: absolute-URI requests
	listener net.Listener     // SOCKS5
	wg       sync.WaitGroup
}

// Targets lists the host:port of every tunnel opened and every request forwarded, in order.
func (p *Proxy) Targets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...)
}

// Carried returns how many bytes the tunnels (CONNECT and SOCKS5; TLS records included, the proxy's own
// handshakes not) have carried so far: up from clients to targets, down from targets to clients. Requests
// forwarded by absolute URI are not counted. A byte is counted when the proxy reads it, before passing it
// on, so whatever a client has received is already in the count: a test may read it as soon as its client
// is done, without waiting for the tunnel to close.
func (p *Proxy) Carried() (up, down int64) { return p.up.Load(), p.down.Load() }

// counter adds the bytes read through it to n.
type counter struct {
	r io.Reader
	n *atomic.Int64
}

func (c counter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// Close stops the proxy and cuts every open tunnel.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	if p.srv != nil {
		p.srv.Close()
	}
	if p.forward != nil {
		p.forward.CloseIdleConnections()
	}
	var err error
	if p.listener != nil {
		err = p.listener.Close()
	}
	p.wg.Wait()
	return err
}

func newProxy(opts Options) *Proxy {
	return &Proxy{opts: opts, conns: map[net.Conn]struct{}{}}
}

func (p *Proxy) record(target string) {
	p.mu.Lock()
	p.targets = append(p.targets, target)
	p.mu.Unlock()
}

// track remembers c so that Close can cut it; it reports false when the proxy is already closing.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

func (p *Proxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if p.opts.Dial != nil {
		return p.opts.Dial(ctx, network, addr)
	}
	d := net.Dialer{Timeout: 10 * time.Second}
	return d.DialContext(ctx, network, addr)
}

func (p *Proxy) userinfo() *url.Userinfo {
	if p.opts.Username == "" {
		return nil
	}
	return url.UserPassword(p.opts.Username, p.opts.Password)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// NewHTTP starts a plain-HTTP proxy.
func NewHTTP(opts Options) (*Proxy, error) {
	p := newProxy(opts)
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serveHTTP))
	p.srv.Start()
	p.forward = &http.Transport{DialContext: p.dial, Proxy: nil}
	p.URL = &url.URL{Scheme: "http", Host: p.srv.Listener.Addr().String(), User: p.userinfo()}
	return p, nil
}

// NewHTTPS starts an HTTP proxy that clients reach over TLS.
func NewHTTPS(opts Options) (*Proxy, error) {
	p := newProxy(opts)
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serveHTTP))
	if opts.TLSConfig != nil {
		p.srv.TLS = opts.TLSConfig.Clone()
	}
	p.srv.StartTLS()
	if opts.TLSConfig == nil {
		p.Certificate = p.srv.Certificate()
	}
	p.forward = &http.Transport{DialContext: p.dial, Proxy: nil}
	p.URL = &url.URL{Scheme: "https", Host: p.srv.Listener.Addr().String(), User: p.userinfo()}
	return p, nil
}

func (p *Proxy) authorized(h string) bool {
	if p.opts.Username == "" {
		return true
	}
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return false
	}
	u, pw, _ := strings.Cut(string(raw), ":")
	return equal(u, p.opts.Username) && equal(pw, p.opts.Password)
}

func (p *Proxy) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.authorized(r.Header.Get("Proxy-Authorization")) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="testproxy"`)
		http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
		return
	}
	if r.Method == http.MethodConnect {
		p.tunnel(w, r)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "this is a proxy: send CONNECT or an absolute URI", http.StatusBadRequest)
		return
	}
	p.record(r.URL.Host)
	out := r.Clone(r.Context())
	out.RequestURI = ""
	for _, h := range []string{"Proxy-Authorization", "Proxy-Connection", "Connection", "Keep-Alive"} {
		out.Header.Del(h)
	}
	resp, err := p.forward.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vv := range resp.Header {
		w.Header()[k] = vv
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *Proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	p.record(r.Host)
	target, err := p.dial(r.Context(), "tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		target.Close()
		http.Error(w, "cannot hijack", http.StatusInternalServerError)
		return
	}
	client, rw, err := hj.Hijack()
	if err != nil {
		target.Close()
		return
	}
	if _, err := client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		client.Close()
		target.Close()
		return
	}
	p.pipe(client, rw.Reader, target)
}

// pipe copies both ways until either side ends; buffered holds bytes the client already sent.
func (p *Proxy) pipe(client net.Conn, buffered *bufio.Reader, target net.Conn) {
	if !p.track(client) {
		client.Close()
		target.Close()
		return
	}
	if !p.track(target) {
		p.untrack(client)
		client.Close()
		target.Close()
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		done := make(chan struct{}, 2)
		go func() {
			var src io.Reader = client
			if buffered != nil {
				src = io.MultiReader(io.LimitReader(buffered, int64(buffered.Buffered())), client)
			}
			_, _ = io.Copy(target, counter{src, &p.up})
			done <- struct{}{}
		}()
		go func() {
			_, _ = io.Copy(client, counter{target, &p.down})
			done <- struct{}{}
		}()
		<-done
		client.Close()
		target.Close()
		<-done
		p.untrack(client)
		p.untrack(target)
	}()
}

// NewSOCKS5 starts a SOCKS5 server (RFC 1928, CONNECT only; RFC 1929 authentication when Username is set).
func NewSOCKS5(opts Options) (*Proxy, error) {
	p := newProxy(opts)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.listener = l
	p.URL = &url.URL{Scheme: "socks5", Host: l.Addr().String(), User: p.userinfo()}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.serveSOCKS(c)
			}()
		}
	}()
	return p, nil
}

const (
	socksVersion      = 5
	socksNoAuth       = 0x00
	socksUserPass     = 0x02
	socksNoAcceptable = 0xff
	socksConnect      = 0x01
	socksIPv4         = 0x01
	socksDomain       = 0x03
	socksIPv6         = 0x04
)

func (p *Proxy) serveSOCKS(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	target, err := p.socksHandshake(c)
	if err != nil {
		c.Close()
		return
	}
	_ = c.SetDeadline(time.Time{})
	p.pipe(c, nil, target)
}

func (p *Proxy) socksHandshake(c net.Conn) (net.Conn, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		return nil, err
	}
	if hdr[0] != socksVersion {
		return nil, fmt.Errorf("socks version %d", hdr[0])
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return nil, err
	}
	want := byte(socksNoAuth)
	if p.opts.Username != "" {
		want = socksUserPass
	}
	if !strings.ContainsRune(string(methods), rune(want)) {
		_, _ = c.Write([]byte{socksVersion, socksNoAcceptable})
		return nil, errors.New("no acceptable authentication method")
	}
	if _, err := c.Write([]byte{socksVersion, want}); err != nil {
		return nil, err
	}
	if want == socksUserPass {
		if err := p.socksAuth(c); err != nil {
			return nil, err
		}
	}

	var req [4]byte // VER CMD RSV ATYP
	if _, err := io.ReadFull(c, req[:]); err != nil {
		return nil, err
	}
	var host string
	switch req[3] {
	case socksIPv4, socksIPv6:
		ip := make([]byte, 4)
		if req[3] == socksIPv6 {
			ip = make([]byte, 16)
		}
		if _, err := io.ReadFull(c, ip); err != nil {
			return nil, err
		}
		host = net.IP(ip).String()
	case socksDomain:
		var n [1]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return nil, err
		}
		name := make([]byte, n[0])
		if _, err := io.ReadFull(c, name); err != nil {
			return nil, err
		}
		host = string(name)
	default:
		p.socksReply(c, 0x08) // address type not supported
		return nil, fmt.Errorf("address type %d", req[3])
	}
	var port [2]byte
	if _, err := io.ReadFull(c, port[:]); err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(host, fmt.Sprint(int(port[0])<<8|int(port[1])))
	if req[1] != socksConnect {
		p.socksReply(c, 0x07) // command not supported
		return nil, fmt.Errorf("command %d", req[1])
	}
	p.record(addr)
	target, err := p.dial(context.Background(), "tcp", addr)
	if err != nil {
		p.socksReply(c, 0x05) // connection refused
		return nil, err
	}
	if err := p.socksReply(c, 0x00); err != nil {
		target.Close()
		return nil, err
	}
	return target, nil
}

func (p *Proxy) socksAuth(c net.Conn) error {
	var ver [2]byte // VER ULEN
	if _, err := io.ReadFull(c, ver[:]); err != nil {
		return err
	}
	user := make([]byte, ver[1])
	if _, err := io.ReadFull(c, user); err != nil {
		return err
	}
	var plen [1]byte
	if _, err := io.ReadFull(c, plen[:]); err != nil {
		return err
	}
	pass := make([]byte, plen[0])
	if _, err := io.ReadFull(c, pass); err != nil {
		return err
	}
	if !equal(string(user), p.opts.Username) || !equal(string(pass), p.opts.Password) {
		_, _ = c.Write([]byte{1, 1})
		return errors.New("bad socks credentials")
	}
	_, err := c.Write([]byte{1, 0})
	return err
}

func (p *Proxy) socksReply(c net.Conn, code byte) error {
	// The bound address is not meaningful to clients of a test proxy: report 0.0.0.0:0.
	_, err := c.Write([]byte{socksVersion, code, 0, socksIPv4, 0, 0, 0, 0, 0, 0})
	return err
}
