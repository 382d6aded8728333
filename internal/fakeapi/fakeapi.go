// Package fakeapi is an in-memory Kubernetes API server for command tests that do not need the real
// cluster: a command test starts it in a line.
//
//	srv := fakeapi.Start(t)
//	srv.Seed(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"}}`)
//	f := cmdutil.New(streams, srv.Env())
//
// Discovery and /version are the documents recorded from this repository's test cluster (testdata,
// rewritten by `go test ./internal/fakeapi -run TestRecord -record`). Every resource they list is kept in
// one generic store: get, list (selectors, paging), create, update, patch, delete, deletecollection and
// watch, with the API server's Status errors. What a real server cannot be made to do (410, 429, dropped
// connections) is injected with Handle; Requests tells what a command sent.
package fakeapi

import (
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Server is a running fake API server.
type Server struct {
	URL string // https://127.0.0.1:port

	tb         testing.TB
	ts         *httptest.Server
	dir        string
	kubeconfig string
	disc       *discoveryDocs

	mu       sync.Mutex
	routes   []route
	requests []Request
	store
}

// Request is what the server was asked: the method, the unescaped path and the raw query.
type Request struct {
	Method, Path, Query string
}

// String is "GET /api/v1/pods?limit=500".
func (r Request) String() string {
	if r.Query == "" {
		return r.Method + " " + r.Path
	}
	return r.Method + " " + r.Path + "?" + r.Query
}

type route struct {
	method, prefix string
	h              http.HandlerFunc
}

// Start starts a TLS (HTTP/2) fake API server stopped by tb's cleanup, with the namespaces a new cluster
// has (default, kube-system, kube-public, kube-node-lease), and writes a kubeconfig for it.
func Start(tb testing.TB) *Server {
	tb.Helper()
	disc, err := loadDiscovery()
	if err != nil {
		tb.Fatalf("fakeapi: %v", err)
	}
	s := &Server{tb: tb, dir: tb.TempDir(), disc: disc}
	s.store.init(disc)
	s.ts = httptest.NewUnstartedServer(s)
	s.ts.EnableHTTP2 = true
	s.ts.StartTLS()
	tb.Cleanup(s.ts.Close)
	s.URL = s.ts.URL
	for _, ns := range []string{"default", "kube-node-lease", "kube-public", "kube-system"} {
		s.Seed(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"` + ns + `"}}`)
	}
	s.kubeconfig = filepath.Join(s.dir, "kubeconfig")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: fake
  user:
    token: fake-token
contexts:
- name: fake
  context:
    cluster: fake
    user: fake
    namespace: default
current-context: fake
`, s.URL, base64.StdEncoding.EncodeToString(ca))
	if err := os.WriteFile(s.kubeconfig, []byte(kc), 0o600); err != nil {
		tb.Fatalf("fakeapi: %v", err)
	}
	return s
}

// Kubeconfig is the path of a kubeconfig whose current context ("fake", namespace "default") points at
// the server.
func (s *Server) Kubeconfig() string { return s.kubeconfig }

// Env is an environment for cmdutil.New: KUBECONFIG, and HOME and KUBECACHEDIR in a temporary directory
// so that nothing of the user's is read or written.
func (s *Server) Env() []string {
	return []string{"KUBECONFIG=" + s.kubeconfig, "HOME=" + s.dir, "KUBECACHEDIR=" + filepath.Join(s.dir, "cache")}
}

// Handle serves requests of method ("" for any) whose path starts with pathPrefix with h instead of the
// fake API. The latest matching Handle wins; h may call ServeAPI to pass a request on
// (after a delay, say).
func (s *Server) Handle(method, pathPrefix string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes = append(s.routes, route{method, pathPrefix, h})
}

// Requests is every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Seed creates objects (JSON or YAML, with apiVersion and kind) as if POSTed, creating their namespace
// if it does not exist; namespaced objects without a namespace go to "default". It fails tb on error.
func (s *Server) Seed(objs ...string) {
	s.tb.Helper()
	for _, o := range objs {
		if err := s.seed([]byte(o)); err != nil {
			s.tb.Fatalf("fakeapi: seeding %s: %v", o, err)
		}
	}
}

// ServeHTTP logs r, then passes it to the latest matching Handle, or serves the fake API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{r.Method, r.URL.Path, r.URL.RawQuery})
	var h http.HandlerFunc
	for i := len(s.routes) - 1; i >= 0; i-- {
		rt := s.routes[i]
		if (rt.method == "" || rt.method == r.Method) && strings.HasPrefix(r.URL.Path, rt.prefix) {
			h = rt.h
			break
		}
	}
	s.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	s.ServeAPI(w, r)
}

// ServeAPI answers r from the recorded discovery or the store, bypassing Handle and the request log.
func (s *Server) ServeAPI(w http.ResponseWriter, r *http.Request) {
	if s.disc.serve(w, r) {
		return
	}
	s.serveResource(w, r)
}
