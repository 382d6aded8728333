package apiresources

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/config"
)

const testdata = "../../../testdata/apiresources"

// server serves the recorded cluster's aggregated discovery with ETags, counting requests.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
}

func newServer(t *testing.T) *server {
	docs := map[string][]byte{}
	for path, file := range map[string]string{"/api": "aggregated-api.json", "/apis": "aggregated-apis.json"} {
		b, err := os.ReadFile(filepath.Join(testdata, "discovery", file))
		if err != nil {
			t.Fatal(err)
		}
		docs[path] = b
	}
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := docs[r.URL.Path]
		status := http.StatusOK
		etag := fmt.Sprintf(`"%X"`, sha256.Sum256(body))
		switch {
		case !ok:
			status = http.StatusNotFound
		case r.Header.Get("If-None-Match") == etag:
			status = http.StatusNotModified
		}
		s.mu.Lock()
		s.requests = append(s.requests, fmt.Sprintf("%s %d", r.URL.Path, status))
		s.mu.Unlock()
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
		w.WriteHeader(status)
		if status == http.StatusOK {
			w.Write(body)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// newLegacyServer serves the same cluster's legacy discovery, where metrics.k8s.io/v1beta1 fails.
func newLegacyServer(t *testing.T) *server {
	b, err := os.ReadFile(filepath.Join(testdata, "discovery", "legacy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var docs map[string]json.RawMessage
	if err := json.Unmarshal(b, &docs); err != nil {
		t.Fatal(err)
	}
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := docs[r.URL.Path]
		var failed struct{ Status int }
		switch {
		case !ok:
			w.WriteHeader(http.StatusNotFound)
		case json.Unmarshal(body, &failed) == nil && failed.Status != 0:
			w.WriteHeader(failed.Status)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.requests
	s.requests = nil
	return r
}

// deps builds a fresh client (and so Discovery) per command run, as a new kubex process would, sharing
// cacheDir.
type deps struct {
	srv      *server
	cacheDir string
}

func (d deps) Client() (*client.Client, error) {
	return client.New(&config.Resolved{Server: d.srv.URL}, client.WithCacheDir(d.cacheDir))
}

func run(t *testing.T, d Deps, build func(Deps, *iostreams.IOStreams) *cobra.Command, args ...string) (string, error) {
	t.Helper()
	streams, _, out, _ := iostreams.Test()
	cmd := build(d, streams)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// The golden files are the reference kubectl's output for the same arguments against the server the
// discovery documents were recorded from.
func TestGolden(t *testing.T) {
	d := deps{srv: newServer(t), cacheDir: t.TempDir()}
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"plain", nil},
		{"wide", []string{"-o", "wide"}},
		{"name", []string{"-o", "name"}},
		{"cluster", []string{"--namespaced=false"}},
		{"namespaced", []string{"--namespaced=true"}},
		{"apps", []string{"--api-group", "apps"}},
		{"core", []string{"--api-group", ""}},
		{"example", []string{"--api-group", "example.com", "-o", "wide"}},
		{"sortname", []string{"--sort-by", "name"}},
		{"sortkind", []string{"--sort-by", "kind"}},
		{"noheaders", []string{"--no-headers"}},
		{"noheaders-rbac", []string{"--no-headers", "--api-group", "rbac.authorization.k8s.io"}},
		{"verbs", []string{"--verbs", "list,get", "--verbs", "watch"}},
		{"categories", []string{"--categories", "all", "-o", "wide"}},
		{"none", []string{"--api-group", "nope.example"}},
		{"json", []string{"-o", "json", "--api-group", "apps"}},
		{"json-empty", []string{"-o", "json", "--api-group", "nope"}},
		{"yaml", []string{"-o", "yaml", "--api-group", "example.com"}},
		{"JSONupper", []string{"-o", "JSON", "--api-group", "policy"}},
		{"cached", []string{"--cached", "--api-group", "batch"}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(testdata, "golden", c.golden+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := run(t, d, NewCmdAPIResources, c.args...)
			if err != nil {
				t.Fatalf("api-resources %v: %v", c.args, err)
			}
			if got != string(want) {
				t.Errorf("api-resources %v:\n%s\nwant (kubectl):\n%s", c.args, got, want)
			}
		})
	}

	want, _ := os.ReadFile(filepath.Join(testdata, "golden", "versions.txt"))
	if got, err := run(t, d, NewCmdAPIVersions); err != nil || got != string(want) {
		t.Errorf("api-versions = %q, %v\nwant %q", got, err, want)
	}
}

// Without aggregated discovery the table is the same; a group version that cannot be listed is
// reported after it, as kubectl reports it.
func TestLegacyServer(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(testdata, "golden", "plain.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := run(t, deps{srv: newLegacyServer(t)}, NewCmdAPIResources)
	if got != string(want) {
		t.Errorf("api-resources:\n%s\nwant (kubectl):\n%s", got, want)
	}
	if err == nil || !strings.HasPrefix(err.Error(), "unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: ") {
		t.Errorf("error = %v", err)
	}
	// Legacy discovery lists metrics.k8s.io/v1beta1, which aggregated discovery hides as stale.
	got, err = run(t, deps{srv: newLegacyServer(t)}, NewCmdAPIVersions)
	if err != nil || !strings.Contains(got, "apps/v1\n") || !strings.Contains(got, "metrics.k8s.io/v1beta1\n") {
		t.Errorf("api-versions = %q, %v", got, err)
	}
}

func TestErrors(t *testing.T) {
	d := deps{srv: newServer(t)}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "foo"}, `unable to match a printer suitable for the output format "foo", allowed formats are: json,name,wide,yaml`},
		{[]string{"-o", "Wide"}, `unable to match a printer suitable for the output format "Wide", allowed formats are: json,name,wide,yaml`},
		{[]string{"--sort-by", "foo"}, "--sort-by accepts only name or kind"},
		{[]string{"pods"}, "unexpected arguments: [pods]"},
	} {
		out, err := run(t, d, NewCmdAPIResources, c.args...)
		if err == nil || err.Error() != c.want || out != "" {
			t.Errorf("api-resources %v = %q, %v; want error %q", c.args, out, err, c.want)
		}
	}
	if _, err := run(t, d, NewCmdAPIVersions, "foo"); err == nil || err.Error() != "unexpected arguments: [foo]" {
		t.Errorf("api-versions foo: %v", err)
	}
	if got := d.srv.take(); len(got) != 0 {
		t.Errorf("invalid invocations sent %v", got)
	}
}

// Two invocations in a row: the second revalidates both endpoints and downloads nothing; --cached asks
// nothing at all.
func TestWarmInvocations(t *testing.T) {
	d := deps{srv: newServer(t), cacheDir: t.TempDir()}
	count := func(args ...string) []string {
		t.Helper()
		if _, err := run(t, d, NewCmdAPIResources, args...); err != nil {
			t.Fatal(err)
		}
		return d.srv.take()
	}
	if got := count(); len(got) != 2 || got[0][len(got[0])-3:] != "200" || got[1][len(got[1])-3:] != "200" {
		t.Errorf("cold: %v", got)
	}
	if got := count(); len(got) != 2 || got[0][len(got[0])-3:] != "304" || got[1][len(got[1])-3:] != "304" {
		t.Errorf("warm: %v", got)
	}
	if got := count("--cached"); len(got) != 0 {
		t.Errorf("--cached: %v", got)
	}
}
