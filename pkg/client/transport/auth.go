package transport

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/kubex-cli/kubex/pkg/config"
)

// tokenFileRefresh is how long a token read from tokenFile is used before the file is read again, so that
// rotated (projected service-account) tokens keep working; client-go's cachingTokenSource uses a minute.
const tokenFileRefresh = time.Minute

// authentication is the credential the chain presents. Like client-go's transport config, at most one
// header credential applies: a bearer token (or token file) and basic auth are an error together; a
// credential plugin is only used when neither they nor a client certificate are configured.
type authentication struct {
	wrap           func(http.RoundTripper) http.RoundTripper
	sendClientCert bool              // the kubeconfig's client certificate goes into TLS
	plugin         *credentialPlugin // nil unless a credential plugin is the credential
}

func (a *authentication) pluginCert() func() (*tls.Certificate, error) {
	if a.plugin == nil {
		return nil
	}
	return a.plugin.handshakeCert
}

func newAuthentication(r *config.Resolved, opts Options, secure bool, secrets *secretSet) (*authentication, error) {
	a := &authentication{wrap: func(rt http.RoundTripper) http.RoundTripper { return rt }}
	if !secure {
		// clientcmd reads the user's credentials only when the server is https, so they never cross
		// the network in the clear.
		return a, nil
	}
	hasToken := r.Token != "" || r.TokenFile != ""
	hasBasic := r.Username != ""
	if hasToken && hasBasic {
		return nil, errors.New("username/password or bearer token may be set, but not both")
	}
	if hasCert(r) && !hasKey(r) {
		return nil, fmt.Errorf("client-key-data or client-key must be specified for %s to use the clientCert authentication method", userName(r))
	}
	a.sendClientCert = hasCert(r) && hasKey(r)
	secrets.add(string(r.ClientKeyData))

	switch {
	case hasToken:
		b := &bearerAuth{static: r.Token, secrets: secrets}
		secrets.add(r.Token)
		if r.TokenFile != "" {
			b.file = &fileToken{path: r.TokenFile, period: tokenFileRefresh, now: time.Now, secrets: secrets}
			if r.Token == "" {
				// As clientcmd does, an unreadable token file is an error now rather than at the first request.
				if _, err := b.file.token(); err != nil {
					return nil, err
				}
			}
		}
		a.wrap = func(rt http.RoundTripper) http.RoundTripper { b.next = rt; return b }
	case hasBasic:
		secrets.add(r.Password)
		secrets.add(base64.StdEncoding.EncodeToString([]byte(r.Username + ":" + r.Password)))
		a.wrap = func(rt http.RoundTripper) http.RoundTripper {
			return &basicAuth{username: r.Username, password: r.Password, next: rt}
		}
	case r.Exec != nil && !a.sendClientCert:
		ex, err := newCredentialPlugin(r, opts, secrets)
		if err != nil {
			return nil, err
		}
		a.plugin = ex
		a.wrap = func(rt http.RoundTripper) http.RoundTripper { return &pluginAuth{a: ex, next: rt} }
	}
	return a, nil
}

func userName(r *config.Resolved) string {
	if r.UserName != "" {
		return r.UserName
	}
	return "the user"
}

// bearerAuth sets "Authorization: Bearer" unless the request already carries an Authorization header.
type bearerAuth struct {
	static  string
	file    *fileToken // nil without tokenFile; when readable it wins over static, as in client-go
	secrets *secretSet
	next    http.RoundTripper
}

func (b *bearerAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return b.next.RoundTrip(req)
	}
	tok := b.static
	if b.file != nil {
		if t, err := b.file.token(); err == nil {
			tok = t
		}
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+tok)
	return b.next.RoundTrip(req)
}

// fileToken reads a token file at most once per period and keeps the last good token when a re-read fails.
type fileToken struct {
	path    string
	period  time.Duration
	now     func() time.Time
	secrets *secretSet

	mu     sync.Mutex
	tok    string
	readAt time.Time
}

func (f *fileToken) token() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if f.tok != "" && now.Sub(f.readAt) < f.period {
		return f.tok, nil
	}
	b, err := os.ReadFile(f.path)
	var tok string
	if err == nil {
		if tok = strings.TrimSpace(string(b)); tok == "" {
			err = fmt.Errorf("read empty token from file %q", f.path)
		}
	} else {
		err = fmt.Errorf("failed to read token file %q: %w", f.path, err)
	}
	if err != nil {
		if f.tok != "" {
			// A file being rewritten is briefly empty or missing; the previous token is still our best bet.
			return f.tok, nil
		}
		return "", err
	}
	f.secrets.add(tok)
	f.tok, f.readAt = tok, now
	return tok, nil
}

// basicAuth sets HTTP basic credentials unless the request already carries an Authorization header.
type basicAuth struct {
	username, password string
	next               http.RoundTripper
}

func (b *basicAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return b.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.SetBasicAuth(b.username, b.password)
	return b.next.RoundTrip(req)
}

// impersonation sets the Impersonate-* headers unless the request already names a user to impersonate.
type impersonation struct {
	user, uid string
	groups    []string
	extra     map[string][]string
	next      http.RoundTripper
}

// impersonate wraps next when r asks to impersonate someone.
func impersonate(r *config.Resolved, next http.RoundTripper) (http.RoundTripper, error) {
	if r.Impersonate == "" && r.ImpersonateUID == "" && len(r.ImpersonateGroups) == 0 && len(r.ImpersonateUserExtra) == 0 {
		return next, nil
	}
	if r.Impersonate == "" {
		return nil, fmt.Errorf("requesting uid, groups or user-extra for %s without impersonating a user", userName(r))
	}
	return &impersonation{
		user: r.Impersonate, uid: r.ImpersonateUID,
		groups: r.ImpersonateGroups, extra: r.ImpersonateUserExtra,
		next: next,
	}, nil
}

func (i *impersonation) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Impersonate-User") != "" {
		return i.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.Header.Set("Impersonate-User", i.user)
	if i.uid != "" {
		req.Header.Set("Impersonate-Uid", i.uid)
	}
	for _, g := range i.groups {
		req.Header.Add("Impersonate-Group", g)
	}
	for k, vv := range i.extra {
		for _, v := range vv {
			req.Header.Add("Impersonate-Extra-"+escapeHeaderKey(k), v)
		}
	}
	return i.next.RoundTrip(req)
}

// escapeHeaderKey percent-encodes the bytes that may not appear in a header name (and '%' itself), which is
// how the apiserver expects extra keys such as "example.com/scopes" to arrive.
func escapeHeaderKey(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !isTokenByte(c) || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isTokenByte reports whether c may appear in an HTTP header name (RFC 7230 tchar).
func isTokenByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
