package transport

import (
	"cmp"
	"net/http"
	"net/url"

	"github.com/kubex-cli/kubex/pkg/config"
)

// maxRetries is how many times a request is sent again after a Retry-After answer, as client-go's
// rest.Request does.
const maxRetries = 10

// chain composes the middleware. This is the one place that decides the order; a request meets the layers
// top to bottom, and the response travels back up:
//
//  1. connectionErrors  turns a failure to get any response into a *ConnectionError naming the server.
//  2. authentication    exactly one of: bearer token / token file, basic auth, credential plugin (which re-runs
//     once on 401 and resends). Client certificates are TLS, so they live in the transport.
//  3. impersonation     Impersonate-User, -Uid, -Group (repeated), -Extra-<key>.
//  4. warnings          the server's Warning headers (code 299) to Options.Warn, each text once.
//  5. urlAndHeaders     relative URLs get the server's scheme, host and path prefix; User-Agent, a default
//     Accept and Content-Type; ?timeout= from --request-timeout. Idempotent, so a resent request passes again.
//  6. retry             a 429 with Retry-After for any verb (the server promises it did not act, and
//     client-go retries it too); a 5xx with Retry-After only for idempotent methods (GET, HEAD, OPTIONS,
//     PUT, DELETE), since the server may have acted before failing; GETs cut by a reset connection. Only
//     requests whose body can be replayed; at most maxRetries times, stopping when the context ends.
//  7. debugLogger       -v6 and up. Below retry and authentication so that it prints every attempt with the
//     URL and headers really sent (masked); above compression so it shows bodies as the caller reads them,
//     as kubectl does.
//     Options.Middleware, the caller's own layers, sit here: below retry and debug, above compression.
//  8. compression       asks for gzip and decodes it, unless the cluster says disable-compression.
//  9. transport         (or Options.Base) TLS (CA, client certificate from kubeconfig or from the credential plugin, rotating),
//     HTTP/2, proxy (proxy-url or the environment), dial/TLS/keep-alive/response-header timeouts; HTTP/1.1
//     for upgrades.
//
// server is New's parsed r.Server; opts has its process defaults filled in.
func chain(r *config.Resolved, server *url.URL, opts Options) (http.RoundTripper, error) {
	secrets := &secretSet{}

	// Credentials are only sent over TLS: kubectl reads the user's auth info only for an https server.
	auth, err := newAuthentication(r, opts, server.Scheme == "https", secrets)
	if err != nil {
		return nil, err
	}
	rt := opts.Base
	if rt == nil {
		tr, err := newTransport(r, transportOptions{
			environ:        opts.Environ,
			headerTimeout:  responseHeaderTimeout(r.RequestTimeout),
			sendClientCert: auth.sendClientCert,
			pluginCert:     auth.pluginCert(),
		})
		if err != nil {
			return nil, err
		}
		if auth.plugin != nil {
			// A new client certificate from the plugin must not wait for old connections to die.
			auth.plugin.onCertRotate = tr.closeConnections
		}
		rt = tr
	}
	if !r.DisableCompression {
		rt = &compression{next: rt}
	}
	for i := len(opts.Middleware) - 1; i >= 0; i-- {
		rt = opts.Middleware[i](rt)
	}
	if opts.Verbosity >= 6 && opts.DebugOut != nil {
		rt = newDebugLogger(rt, opts.Verbosity, opts.DebugOut, secrets)
	}
	rt = &retry{next: rt, maxRetries: maxRetries, resetWait: defaultResetWait}
	rt = &urlAndHeaders{
		next:      rt,
		server:    server,
		userAgent: cmp.Or(opts.UserAgent, userAgent(opts.Version)),
		timeout:   r.RequestTimeout,
	}
	if opts.Warn != nil {
		rt = &warnings{next: rt, warn: opts.Warn, seen: map[string]bool{}}
	}
	if rt, err = impersonate(r, rt); err != nil {
		return nil, err
	}
	rt = auth.wrap(rt)
	rt = &connectionErrors{next: rt, server: server}
	return rt, nil
}
