package client

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

// Client talks to one API server: the transport chain, the discovery of what the server serves (cached on
// disk, loaded on first use), and the namespace the kubeconfig context names. It is safe for concurrent use.
type Client struct {
	http      *transport.Client
	namespace string

	discoveryOnce sync.Once
	discovery     *discovery.Discovery
	discoveryOpts []discovery.Option
	cacheDir      string
}

// Option changes what Load and New build.
type Option func(*settings)

type settings struct {
	overrides config.Overrides
	transport transport.Options
	cacheDir  string
	getenv    func(string) string
	discovery []discovery.Option
}

// WithKubeconfig reads only this kubeconfig file instead of $KUBECONFIG or ~/.kube/config.
func WithKubeconfig(path string) Option { return func(s *settings) { s.overrides.Kubeconfig = path } }

// WithContext selects a kubeconfig context other than the current one.
func WithContext(name string) Option { return func(s *settings) { s.overrides.Context = name } }

// WithNamespace replaces the context's namespace as the client's default (Client.Namespace).
func WithNamespace(ns string) Option { return func(s *settings) { s.overrides.Namespace = ns } }

// WithUserAgent replaces the User-Agent header ("kubex/VERSION (OS/ARCH)").
func WithUserAgent(ua string) Option { return func(s *settings) { s.transport.UserAgent = ua } }

// WithMiddleware adds layers to the request chain, outermost first. They sit just above compression, so
// they see each request as it is sent (URL, credentials and headers set) and each response as it comes:
// the place to record requests, add headers or inject failures.
func WithMiddleware(layers ...func(http.RoundTripper) http.RoundTripper) Option {
	return func(s *settings) { s.transport.Middleware = append(s.transport.Middleware, layers...) }
}

// WithTransport replaces the bottom of the chain (TLS, HTTP/2, proxies): a mock server, or a transport of
// the caller's. TLS settings and client certificates from kubeconfig are then that transport's business.
func WithTransport(base http.RoundTripper) Option {
	return func(s *settings) { s.transport.Base = base }
}

// WithTransportOptions sets everything the command line sets (verbosity, warnings, the exec plugin's
// terminal); the options above still apply on top.
func WithTransportOptions(o transport.Options) Option {
	return func(s *settings) {
		mw, base, ua := s.transport.Middleware, s.transport.Base, s.transport.UserAgent
		s.transport = o
		s.transport.Middleware = append(o.Middleware, mw...)
		if base != nil {
			s.transport.Base = base
		}
		if ua != "" {
			s.transport.UserAgent = ua
		}
	}
}

// WithOverrides applies kubectl's connection flags (--server, --token, --as, ...) over the kubeconfig.
func WithOverrides(o config.Overrides) Option {
	return func(s *settings) {
		kc, ctx, ns := s.overrides.Kubeconfig, s.overrides.Context, s.overrides.Namespace
		s.overrides = o
		if kc != "" {
			s.overrides.Kubeconfig = kc
		}
		if ctx != "" {
			s.overrides.Context = ctx
		}
		if ns != "" {
			s.overrides.Namespace = ns
		}
	}
}

// WithCacheDir is where discovery is cached; the default is $KUBECACHEDIR or ~/.kube/cache, shared with
// kubectl. "" after this option turns the disk cache off.
func WithCacheDir(dir string) Option { return func(s *settings) { s.cacheDir = dir } }

// WithEnv looks environment variables up with getenv instead of os.Getenv: KUBECONFIG, HOME,
// KUBECACHEDIR.
func WithEnv(getenv func(string) string) Option { return func(s *settings) { s.getenv = getenv } }

// WithDiscoveryOptions tunes the discovery cache (its warnings, time to live).
func WithDiscoveryOptions(opts ...discovery.Option) Option {
	return func(s *settings) { s.discovery = append(s.discovery, opts...) }
}

// Load builds a client the way kubectl finds its cluster: $KUBECONFIG (stacked) or ~/.kube/config, or the
// pod's service account when neither exists and the program runs in a cluster. Nothing is dialled until
// the first request.
func Load(opts ...Option) (*Client, error) {
	s := newSettings(opts)
	stack, err := (&config.Loader{Getenv: s.getenv}).Load(&s.overrides)
	if err != nil {
		return nil, err
	}
	r, err := stack.Resolve(&s.overrides)
	if err != nil {
		return nil, err
	}
	return build(r, s)
}

// New builds a client for an already resolved kubeconfig context. Options that pick a kubeconfig or a
// context have no effect here; WithNamespace does.
func New(r *config.Resolved, opts ...Option) (*Client, error) {
	return build(r, newSettings(opts))
}

func newSettings(opts []Option) *settings {
	s := &settings{getenv: os.Getenv, cacheDir: "\x00"}
	for _, o := range opts {
		o(s)
	}
	if s.cacheDir == "\x00" {
		s.cacheDir = DefaultCacheDir(s.getenv)
	}
	return s
}

func build(r *config.Resolved, s *settings) (*Client, error) {
	if r == nil {
		return nil, errors.New("client: no resolved configuration")
	}
	hc, err := transport.New(r, s.transport)
	if err != nil {
		return nil, err
	}
	ns := r.Namespace
	if s.overrides.Namespace != "" {
		ns = s.overrides.Namespace
	}
	if ns == "" {
		ns = "default"
	}
	return &Client{http: hc, namespace: ns, cacheDir: s.cacheDir, discoveryOpts: s.discovery}, nil
}

// DefaultCacheDir is $KUBECACHEDIR, else ~/.kube/cache: the directory kubectl caches discovery in.
func DefaultCacheDir(getenv func(string) string) string {
	if d := getenv("KUBECACHEDIR"); d != "" {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".kube", "cache")
}

// Namespace is the default namespace: WithNamespace's, else the kubeconfig context's, else "default".
func (c *Client) Namespace() string { return c.namespace }

// Transport is the HTTP layer under the client: for requests no verb covers, and for packages (stream,
// watch) that take it directly.
func (c *Client) Transport() *transport.Client { return c.http }

// Discovery is what the server serves, cached on disk and revalidated with ETags.
func (c *Client) Discovery() *discovery.Discovery {
	c.discoveryOnce.Do(func() {
		c.discovery = discovery.New(c.http, c.cacheDir, c.discoveryOpts...)
	})
	return c.discovery
}

// ResourceFor resolves what a user typed for a resource type ("pods", "deploy", "deployments.v1.apps",
// "Ingress") with kubectl's rules, and returns its handle in namespace (ignored for cluster-scoped types;
// "" means every namespace for listing).
func (c *Client) ResourceFor(ctx context.Context, typed, namespace string) (*Resource, error) {
	t, err := c.Discovery().Resolve(ctx, typed)
	if err != nil {
		return nil, err
	}
	return c.Resource(t, namespace), nil
}

// ResourceForKind finds the resource that serves kind in apiVersion ("apps/v1", "Deployment").
func (c *Client) ResourceForKind(ctx context.Context, apiVersion, kind, namespace string) (*Resource, error) {
	t, err := c.Discovery().ResolveKind(ctx, apiVersion, kind)
	if err != nil {
		return nil, err
	}
	return c.Resource(t, namespace), nil
}

// Resource is the handle for one resource type in one namespace: the verbs of this package.
func (c *Client) Resource(t discovery.Resource, namespace string) *Resource {
	if !t.Namespaced {
		namespace = ""
	}
	return &Resource{c: c, Type: t, Namespace: namespace}
}

// Errors are those of the transport; these aliases keep errors.As and the predicates in one import.
type (
	// StatusError is an API error: the server's Status, in kubectl's wording.
	StatusError = transport.StatusError
	// ConnectionError is a failure to get any answer from the server.
	ConnectionError = transport.ConnectionError
	// StatusDetails are a StatusError's details: the object's name and kind, the causes.
	StatusDetails = transport.StatusDetails
	// StatusCause is one cause of a StatusError: a field and what is wrong with it.
	StatusCause = transport.StatusCause
)

// IsNotFound reports whether err is an API NotFound error.
func IsNotFound(err error) bool { return transport.IsNotFound(err) }

// IsAlreadyExists reports whether err is an API AlreadyExists error.
func IsAlreadyExists(err error) bool { return transport.IsAlreadyExists(err) }

// IsConflict reports whether err is an API Conflict error (a stale resourceVersion, an apply conflict).
func IsConflict(err error) bool { return transport.IsConflict(err) }

// IsForbidden reports whether err is an API Forbidden error.
func IsForbidden(err error) bool { return transport.IsForbidden(err) }

// IsGone reports whether err is 410 Gone (an expired resourceVersion or continue token).
func IsGone(err error) bool { return transport.IsGone(err) }
