package cmd

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

// runIn is run with a private HOME and discovery cache.
func runIn(t *testing.T, home string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	streams, _, out, errOut := iostreams.Test()
	f := cmdutil.New(streams, []string{"HOME=" + home, "KUBECACHEDIR=" + filepath.Join(home, "cache")})
	root := NewRootCmd(f)
	root.SetArgs(args)
	code = cmdutil.PrintError(errOut, root.Execute())
	return out.String(), errOut.String(), code
}

// completionServer serves legacy discovery of pods, namespaces and configmaps, and names of each as a
// Table (which it insists be asked for without objects). hits counts requests.
func completionServer(t *testing.T, hits *atomic.Int64) *httptest.Server {
	t.Helper()
	table := func(names ...string) string {
		var rows []string
		for _, n := range names {
			rows = append(rows, fmt.Sprintf(`{"cells":[%q,"Running"]}`, n))
		}
		return `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":[{"name":"Name","type":"string","format":"name"},{"name":"Status","type":"string","format":""}],"rows":[` + strings.Join(rows, ",") + `]}`
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		lists := map[string]string{
			"/api/v1/namespaces/default/pods":       table("web-1", "web-2", "db-0"),
			"/api/v1/namespaces/other/pods":         table("other-pod"),
			"/api/v1/pods":                          table("web-1", "other-pod"),
			"/api/v1/namespaces":                    table("default", "kube-system", "other"),
			"/api/v1/namespaces/default/configmaps": table("settings"),
		}
		if body, ok := lists[r.URL.Path]; ok {
			if r.URL.Query().Get("includeObject") != "None" || !strings.Contains(r.Header.Get("Accept"), "as=Table") {
				http.Error(w, "names only, please", http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, body)
			return
		}
		switch r.URL.Path {
		case "/api":
			fmt.Fprint(w, `{"kind":"APIVersions","versions":["v1"]}`)
		case "/apis":
			fmt.Fprint(w, `{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`)
		case "/api/v1":
			fmt.Fprint(w, `{"kind":"APIResourceList","groupVersion":"v1","resources":[
{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","delete"],"shortNames":["po"]},
{"name":"pods/log","singularName":"","namespaced":true,"kind":"Pod","verbs":["get"]},
{"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["get","list"],"shortNames":["ns"]},
{"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["get","list"],"shortNames":["cm"]},
{"name":"bindings","singularName":"binding","namespaced":true,"kind":"Binding","verbs":["create"]}]}`)
		case "/api/v1/namespaces/default/pods/web-1":
			fmt.Fprint(w, `{"kind":"Pod","metadata":{"name":"web-1"},"spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"app"},{"name":"sidecar"}]}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"not found","reason":"NotFound","code":404}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCompleteFromServer(t *testing.T) {
	var hits atomic.Int64
	srv := completionServer(t, &hits)
	home := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"types", []string{"get", ""}, "configmaps\nnamespaces\npods\n:4\n"},
		{"types by prefix", []string{"delete", "p"}, "pods\n:4\n"},
		{"names", []string{"get", "pods", ""}, "db-0\nweb-1\nweb-2\n:4\n"},
		{"names by short name and prefix", []string{"get", "po", "we"}, "web-1\nweb-2\n:4\n"},
		{"names already typed are left out", []string{"delete", "pods", "web-1", ""}, "db-0\nweb-2\n:4\n"},
		{"names in -n", []string{"-n", "other", "get", "pods", ""}, "other-pod\n:4\n"},
		{"names in --namespace after the type", []string{"wait", "pods", "--namespace=other", ""}, "other-pod\n:4\n"},
		{"names in all namespaces", []string{"get", "pods", "-A", ""}, "other-pod\nweb-1\n:4\n"},
		{"TYPE/NAME", []string{"get", "pod/"}, "pod/db-0\npod/web-1\npod/web-2\n:4\n"},
		{"TYPE/NAME by prefix", []string{"patch", "cm/s"}, "cm/settings\n:4\n"},
		{"cluster-scoped names", []string{"get", "ns", "kube"}, "kube-system\n:4\n"},
		{"unknown type", []string{"get", "gadgets", ""}, ":4\n"},
		{"namespaces for -n", []string{"get", "pods", "-n", ""}, "default\nkube-system\nother\n:4\n"},
		{"namespaces for --namespace=", []string{"--namespace", "o"}, "other\n:4\n"},
		{"pods of exec", []string{"exec", "w"}, "web-1\nweb-2\n:4\n"},
		{"pods of logs in -n", []string{"logs", "-n", "other", ""}, "other-pod\n:4\n"},
		{"pods of port-forward as TYPE/NAME", []string{"port-forward", "pod/d"}, "pod/db-0\n:4\n"},
		{"containers for -c", []string{"exec", "web-1", "-c", ""}, "init\napp\nsidecar\n:4\n"},
		{"containers of pod/NAME for logs", []string{"logs", "pod/web-1", "-c", "s"}, "sidecar\n:4\n"},
		{"containers without a pod", []string{"attach", "-c", ""}, ":4\n"},
		{"ns", []string{"ns", "k"}, "kube-system\n:4\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runIn(t, home, append([]string{"__complete", "--server", srv.URL}, tt.args...)...)
			if code != 0 || out != tt.want {
				t.Errorf("complete %v: exit %d, %q; want %q (stderr %q)", tt.args, code, out, tt.want, stderr)
			}
		})
	}

	// Once discovery is cached, a type completion asks the server nothing.
	hits.Store(0)
	if out, _, _ := runIn(t, home, "__complete", "--server", srv.URL, "get", ""); !strings.HasPrefix(out, "configmaps\n") || hits.Load() != 0 {
		t.Errorf("warm type completion: %d requests, %q", hits.Load(), out)
	}
}

// An unreachable server gives no completions, quickly and silently.
func TestCompleteUnreachable(t *testing.T) {
	home := t.TempDir()
	// A closed port (refused at once), a server that accepts connections and never answers a TLS
	// handshake, and one that never answers a request: the last two have to time out.
	for _, server := range []string{closedServer(t), silentListener(t), hangingServer(t)} {
		for _, args := range [][]string{{"get", ""}, {"get", "pods", ""}, {"get", "pod/"}, {"-n", ""}, {"exec", "p", "-c", ""}, {"logs", ""}} {
			t.Run(server+" "+strings.Join(args, " "), func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				out, stderr, code := runIn(t, home, append([]string{"__complete", "--server", server}, args...)...)
				took := time.Since(start)
				// cobra's own line, which the shell scripts discard, is all there is on stderr.
				if code != 0 || out != ":4\n" || stderr != "Completion ended with directive: ShellCompDirectiveNoFileComp\n" || took > 1500*time.Millisecond {
					t.Errorf("exit %d after %v, stdout %q, stderr %q", code, took, out, stderr)
				}
			})
		}
	}
}

// silentListener accepts TCP connections and never says anything.
func silentListener(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return "https://" + l.Addr().String()
}

// hangingServer takes requests and answers none of them until the client gives up.
func hangingServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	return srv.URL
}

func closedServer(t *testing.T) string {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// completion, config reads and version --client never contact the server.
func TestNoNetwork(t *testing.T) {
	var hits atomic.Int64
	srv := completionServer(t, &hits)
	home := t.TempDir()
	kc := filepath.Join(home, "config")
	if err := os.WriteFile(kc, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: %q}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: a, context: {cluster: c, user: u}}, {name: b, context: {cluster: c, user: u, namespace: other}}]
current-context: a
`, srv.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"completion", "bash"}, {"completion", "zsh"}, {"version", "--client"}, {"config", "view"},
		{"config", "current-context"}, {"config", "get-contexts"}, {"ctx"}, {"ctx", "b"}, {"ctx", "-"},
		{"__complete", "ctx", ""}, {"__complete", "--context", ""},
	} {
		out, stderr, code := runIn(t, home, append([]string{"--kubeconfig", kc}, args...)...)
		if code != 0 || hits.Load() != 0 {
			t.Errorf("%v: exit %d, %d requests, stdout %q, stderr %q", args, code, hits.Load(), out, stderr)
		}
	}
}
