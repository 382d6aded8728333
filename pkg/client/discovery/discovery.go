// Package discovery finds out which API groups, versions and resources a server serves, caches the
// answer on disk per server, and resolves what users type ("po", "deploy.apps", "Pod", "all") into
// resources the way kubectl does.
//
// It prefers aggregated discovery (two requests, /api and /apis, revalidated with ETags so that a warm
// call costs two 304 answers) and falls back to legacy discovery (one more request per group version)
// for servers that do not offer it.
package discovery

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// Doer sends requests to one API server; *transport.Client is one.
type Doer interface {
	Server() *url.URL
	NewRequest(ctx context.Context, method, pathAndQuery string, body io.Reader) (*http.Request, error)
	Do(req *http.Request) (*http.Response, error)
}

const (
	// defaultTTL is kubectl's: how long PreferCache trusts the cache, and how long resources of a
	// legacy group version are reused while its group list is unchanged.
	defaultTTL = 6 * time.Hour
	// requestTimeout bounds discovery when the caller set no deadline, as client-go's 32s default does.
	requestTimeout = 32 * time.Second
)

// MaxDocumentBytes bounds one discovery document (/api, /apis, a group version's resource list): the
// aggregated documents of a cluster with hundreds of CRDs are a few MiB. Past it, a
// *transport.TooLargeError.
const MaxDocumentBytes = transport.MaxObjectBytes

// Option configures New.
type Option func(*Discovery)

// WithTTL overrides the 6-hour cache TTL.
func WithTTL(ttl time.Duration) Option { return func(d *Discovery) { d.ttl = ttl } }

// WithWarnings has warn told of what kubectl warns about while resolving names: a short name that
// also matches a lower-priority resource.
func WithWarnings(warn func(string)) Option { return func(d *Discovery) { d.warn = warn } }

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(d *Discovery) { d.now = now } }

// Discovery answers what one server serves. It loads at most once per process unless told otherwise
// (Invalidate, or a resolution miss), and is safe for concurrent use.
type Discovery struct {
	doer   Doer
	server string
	dir    string // per-server cache directory; "" disables the disk cache
	ttl    time.Duration
	now    func() time.Time
	warn   func(string)

	mu          sync.Mutex
	cache       *cacheFile // the disk cache as last read or written; nil if none
	cacheRead   bool
	doc         *document // nil until loaded
	preferCache bool
	invalidated bool // nothing unconfirmed by the server may be used
	reloaded    bool // an unconditional reload already happened
}

// document is the loaded discovery state: core group first, then /apis's groups in server order.
type document struct {
	groups   []apiGroup
	failed   map[GroupVersion]error // stale or unfetchable group versions
	complete bool                   // every served version is Listed (or failed)
}

// New returns discovery for the server doer talks to, cached under cacheDir (e.g. ~/.kube/cache, or
// $KUBECACHEDIR) in kubectl's per-server directory. An empty cacheDir disables the disk cache.
func New(doer Doer, cacheDir string, opts ...Option) *Discovery {
	d := &Discovery{doer: doer, ttl: defaultTTL, now: time.Now}
	if u := doer.Server(); u != nil {
		d.server = u.String()
	}
	if cacheDir != "" {
		d.dir = serverCacheDir(cacheDir, d.server)
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// CacheDir is the per-server directory kubex shares with kubectl, or "" without a disk cache.
func (d *Discovery) CacheDir() string { return d.dir }

// PreferCache lets later loads answer from a disk cache younger than the TTL without asking the server
// at all, as kubectl's `api-resources --cached` does.
func (d *Discovery) PreferCache() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.preferCache = true
}

// Invalidate drops what was loaded; the next call asks the server again and uses no cached data that
// the server does not confirm (aggregated answers may still be confirmed by a cheap 304).
func (d *Discovery) Invalidate() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.doc = nil
	d.invalidated = true
	d.preferCache = false
}

// Groups lists the served groups, core ("") first, then in the server's priority order.
func (d *Discovery) Groups(ctx context.Context) ([]Group, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.loadGroups(ctx, false)
	if err != nil {
		return nil, err
	}
	groups := make([]Group, 0, len(doc.groups))
	for _, g := range doc.groups {
		out := Group{Name: g.Name, PreferredVersion: g.Preferred}
		for _, v := range g.Versions {
			if !v.Stale {
				out.Versions = append(out.Versions, v.Version)
			}
		}
		groups = append(groups, out)
	}
	return groups, nil
}

// Resources lists every resource of every served group version (subresources folded into their
// parents), in discovery order: groups as Groups lists them, versions most preferred first. When some
// group versions could not be listed, the rest is returned with a *GroupDiscoveryError.
func (d *Discovery) Resources(ctx context.Context) ([]Resource, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.loadResources(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []Resource
	for _, g := range doc.groups {
		for _, v := range g.Versions {
			out = append(out, v.Resources...)
		}
	}
	return out, doc.partialError()
}

// PreferredResources lists each resource once, in the version kubectl's api-resources shows (client-go's
// ServerPreferredResources): the group's preferred version when it has the resource, else the first
// version that does. Order is discovery order; errors are as for Resources.
func (d *Discovery) PreferredResources(ctx context.Context) ([]Resource, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.loadResources(ctx, false)
	if err != nil {
		return nil, err
	}
	type pick struct{ v, i int } // version index within the group, resource index within the version
	var out []Resource
	for _, g := range doc.groups {
		chosen := map[string]pick{}
		for vi, v := range g.Versions {
			for ri, r := range v.Resources {
				if _, seen := chosen[r.Name]; seen && v.Version != g.Preferred {
					continue
				}
				chosen[r.Name] = pick{vi, ri}
			}
		}
		for vi, v := range g.Versions {
			for ri, r := range v.Resources {
				if chosen[r.Name] == (pick{vi, ri}) {
					out = append(out, r)
				}
			}
		}
	}
	return out, doc.partialError()
}

func (doc *document) partialError() error {
	if len(doc.failed) == 0 {
		return nil
	}
	return &GroupDiscoveryError{Failed: doc.failed}
}

// reload forgets everything and fetches afresh, bypassing the disk cache: used once on a resolution
// miss, so that a type created a moment ago is found.
func (d *Discovery) reload(ctx context.Context) (*document, error) {
	d.doc = nil
	d.reloaded = true
	return d.loadResources(ctx, true)
}

// loadGroups makes d.doc hold the group lists of /api and /apis. fresh ignores the disk cache.
func (d *Discovery) loadGroups(ctx context.Context, fresh bool) (*document, error) {
	if d.doc != nil {
		return d.doc, nil
	}
	if !d.cacheRead {
		d.cache = readCache(d.dir, d.server)
		d.cacheRead = true
	}
	old := d.cache
	if fresh {
		old = nil
	}
	if d.usableWithoutServer(old) {
		d.doc = newDocument(old.API.Groups, old.APIs.Groups)
		return d.doc, nil
	}

	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	var oldAPI, oldAPIs *cachedEndpoint
	if old != nil {
		oldAPI, oldAPIs = old.API, old.APIs
	}
	// Both endpoints at once, so that a warm call costs one round trip, but on one connection: started
	// together before any connection exists, net/http would dial (and handshake) twice. So /apis waits
	// until /api holds a connection; over HTTP/2 it then joins that connection at once, while over
	// HTTP/1.1, which cannot share it, it waits for /api to finish and reuses it.
	var (
		wg              sync.WaitGroup
		api, apis       *cachedEndpoint
		apiChg, apisChg bool
		apiErr, apisErr error
		startAPIs       = make(chan struct{})
		startOnce       sync.Once
	)
	start := func() { startOnce.Do(func() { close(startAPIs) }) }
	apiCtx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if multiplexed(info.Conn) {
				start()
			}
		},
	})
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer start() // also when /api got no connection at all
		api, apiChg, apiErr = d.fetchEndpoint(apiCtx, "/api", oldAPI, true)
	}()
	go func() {
		defer wg.Done()
		<-startAPIs
		apis, apisChg, apisErr = d.fetchEndpoint(ctx, "/apis", oldAPIs, false)
	}()
	wg.Wait()
	if apiErr != nil {
		return nil, apiErr
	}
	if apisErr != nil {
		return nil, apisErr
	}

	next := &cacheFile{Format: cacheFormat, Server: d.server, API: api, APIs: apis, modTime: d.now()}
	if d.cache != nil {
		next.Legacy = d.cache.Legacy
	}
	switch {
	case apiChg || apisChg || d.cache == nil:
		_ = writeCache(d.dir, next)
	default:
		touchCache(d.dir, next.modTime)
	}
	d.cache = next
	d.doc = newDocument(api.Groups, apis.Groups)
	return d.doc, nil
}

// usableWithoutServer reports whether PreferCache may answer from cf without any request.
func (d *Discovery) usableWithoutServer(cf *cacheFile) bool {
	return d.preferCache && !d.invalidated && cf != nil && cf.API != nil && cf.APIs != nil &&
		d.now().Sub(cf.modTime) < d.ttl
}

// loadResources makes d.doc complete: for servers without aggregated discovery, it lists each group
// version's resources, in parallel, reusing cached lists younger than the TTL unless fresh or
// invalidated.
func (d *Discovery) loadResources(ctx context.Context, fresh bool) (*document, error) {
	doc, err := d.loadGroups(ctx, fresh)
	if err != nil || doc.complete {
		return doc, err
	}
	reuse := !fresh && !d.invalidated && d.cache != nil
	type job struct {
		g, v int
		gv   GroupVersion
	}
	var jobs []job
	legacy := map[string]*cachedList{}
	for gi, g := range doc.groups {
		for vi, v := range g.Versions {
			if v.Stale || v.Listed {
				continue
			}
			gv := GroupVersion{g.Name, v.Version}
			if c := d.cachedList(gv); reuse && c != nil && d.now().Sub(c.Fetched) < d.ttl {
				doc.groups[gi].Versions[vi].Resources = c.Resources
				doc.groups[gi].Versions[vi].Listed = true
				legacy[gv.String()] = c
				continue
			}
			jobs = append(jobs, job{gi, vi, gv})
		}
	}

	if len(jobs) > 0 {
		ctx, cancel := withDefaultTimeout(ctx)
		defer cancel()
		results := make([]error, len(jobs))
		lists := make([][]Resource, len(jobs))
		var wg sync.WaitGroup
		for i, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				lists[i], results[i] = d.fetchResourceList(ctx, j.gv)
			}()
		}
		wg.Wait()
		now := d.now()
		for i, j := range jobs {
			if results[i] != nil {
				doc.failed[j.gv] = results[i]
				continue
			}
			doc.groups[j.g].Versions[j.v].Resources = lists[i]
			doc.groups[j.g].Versions[j.v].Listed = true
			legacy[j.gv.String()] = &cachedList{Fetched: now, Resources: lists[i]}
		}
		if d.cache != nil {
			next := *d.cache
			next.Legacy = legacy
			next.modTime = now
			_ = writeCache(d.dir, &next)
			d.cache = &next
		}
	}
	doc.complete = true
	return doc, nil
}

func (d *Discovery) cachedList(gv GroupVersion) *cachedList {
	if d.cache == nil {
		return nil
	}
	return d.cache.Legacy[gv.String()]
}

// newDocument merges the core group (from /api) and the named groups (from /apis), copying the versions
// so that filling in legacy resources never changes what is cached for the endpoints.
func newDocument(core, named []apiGroup) *document {
	doc := &document{failed: map[GroupVersion]error{}, complete: true}
	for _, src := range [][]apiGroup{core, named} {
		for _, g := range src {
			g.Versions = append([]apiVersion(nil), g.Versions...)
			for _, v := range g.Versions {
				if v.Stale {
					gv := GroupVersion{g.Name, v.Version}
					doc.failed[gv] = &StaleError{GroupVersion: gv}
				} else if !v.Listed {
					doc.complete = false
				}
			}
			doc.groups = append(doc.groups, g)
		}
	}
	return doc
}

// fetchEndpoint GETs /api or /apis, revalidating old with If-None-Match when it has an ETag. It returns
// the endpoint's state and whether it differs from old.
func (d *Discovery) fetchEndpoint(ctx context.Context, path string, old *cachedEndpoint, core bool) (*cachedEndpoint, bool, error) {
	req, err := d.doer.NewRequest(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Accept", acceptDiscovery)
	if old != nil && old.ETag != "" {
		req.Header.Set("If-None-Match", old.ETag)
	}
	resp, err := d.doer.Do(req)
	if err != nil {
		return nil, false, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && old != nil:
		transport.DrainAndClose(resp)
		return old, false, nil
	case resp.StatusCode == http.StatusNotFound && core:
		// Tolerated as client-go does: aggregated API servers may serve no core group.
		transport.DrainAndClose(resp)
		return &cachedEndpoint{Groups: []apiGroup{}}, true, nil
	}
	if err := transport.UnstructuredErrorFromResponse(resp); err != nil {
		return nil, false, err
	}
	if resp.StatusCode == http.StatusNotModified {
		transport.DrainAndClose(resp)
		return nil, false, fmt.Errorf("GET %s: the server answered 304 Not Modified to an unconditional request", path)
	}
	defer resp.Body.Close()
	body, err := transport.ReadAllLimited(resp.Body, MaxDocumentBytes, "the server's "+path)
	if err != nil {
		return nil, false, err
	}
	ep := &cachedEndpoint{ETag: resp.Header.Get("ETag")}
	switch {
	case isAggregated(resp.Header.Get("Content-Type")):
		ep.Groups, err = parseAggregated(body)
	case core:
		ep.Groups, err = parseLegacyCore(body)
	default:
		ep.Groups, err = parseLegacyGroups(body)
	}
	if err != nil {
		return nil, false, fmt.Errorf("decoding the server's %s: %w", path, err)
	}
	if ep.Groups == nil {
		ep.Groups = []apiGroup{}
	}
	return ep, true, nil
}

// fetchResourceList GETs one legacy group version's APIResourceList.
func (d *Discovery) fetchResourceList(ctx context.Context, gv GroupVersion) ([]Resource, error) {
	path := "/apis/" + gv.Group + "/" + gv.Version
	if gv.Group == "" {
		path = "/api/" + gv.Version
	}
	req, err := d.doer.NewRequest(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := d.doer.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound && gv == (GroupVersion{Version: "v1"}) {
		// client-go tolerates a missing core/v1 list.
		transport.DrainAndClose(resp)
		return []Resource{}, nil
	}
	if err := transport.UnstructuredErrorFromResponse(resp); err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := transport.ReadAllLimited(resp.Body, MaxDocumentBytes, "the server's "+path)
	if err != nil {
		return nil, err
	}
	rs, err := parseResourceList(gv, body)
	if err != nil {
		return nil, fmt.Errorf("decoding the server's %s: %w", path, err)
	}
	return rs, nil
}

// multiplexed reports whether c carries HTTP/2, so that more requests can share it.
func multiplexed(c net.Conn) bool {
	tc, ok := c.(interface{ ConnectionState() tls.ConnectionState })
	return ok && tc.ConnectionState().NegotiatedProtocol == "h2"
}

func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, requestTimeout)
}
