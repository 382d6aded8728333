package cmd

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

// run executes kubex with args and no environment, as a user would see it.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	streams, _, out, errOut := iostreams.Test()
	f := cmdutil.New(streams, []string{})
	root := NewRootCmd(f)
	root.SetArgs(args)
	code = cmdutil.PrintError(errOut, root.Execute())
	return out.String(), errOut.String(), code
}

// The completion scripts shipped in releases are generated; this keeps the committed copies current.
func TestCompletionsUpToDate(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		got, stderr, code := run(t, "completion", shell)
		if code != 0 {
			t.Fatalf("completion %s: exit %d: %s", shell, code, stderr)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "completions", "kubex."+shell))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal([]byte(got), want) {
			t.Errorf("completions/kubex.%s is stale: run `make completions`", shell)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"unknown flag", []string{"version", "--bogus"}, "error: unknown flag: --bogus\nSee 'kubex version --help' for usage.\n"},
		{"bad output", []string{"version", "--client", "-o", "xml"}, "error: --output must be 'yaml' or 'json'\n"},
		{"missing kubeconfig", []string{"--kubeconfig", "/nonexistent/kubeconfig", "version"}, "/nonexistent/kubeconfig"},
		{"bad request timeout", []string{"--request-timeout", "soon", "version"}, "--request-timeout"},
		{"completion without shell", []string{"completion"}, "error: Shell not specified.\nSee 'kubex completion -h' for help and examples\n"},
		{"completion of an unknown shell", []string{"completion", "tcsh"}, "error: Unsupported shell type \"tcsh\".\n"},
		{"completion of two shells", []string{"completion", "bash", "zsh"}, "error: Too many arguments. Expected only the shell type.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, tt.args...)
			if code != 1 || !strings.Contains(stderr, tt.wantStderr) || strings.Count(stderr, "\n") > 2 {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, stderr, tt.wantStderr)
			}
		})
	}
}

func TestVersionClient(t *testing.T) {
	out, stderr, code := run(t, "version", "--client", "-o", "json")
	if code != 0 || !strings.Contains(out, `"clientVersion"`) || strings.Contains(out, "serverVersion") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	out, _, _ = run(t, "version", "--client")
	if !strings.HasPrefix(out, "Client Version: v") || strings.Count(out, "\n") != 1 {
		t.Errorf("version --client: %q", out)
	}
}

// fakeAPIServer answers /version and one pod path, and NotFound (as a Status) for everything else.
func fakeAPIServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/version":
			fmt.Fprint(w, `{"major":"1","minor":"34","gitVersion":"v1.34.4","platform":"linux/amd64"}`)
		case "/api/v1/namespaces/default/pods/a b":
			fmt.Fprint(w, `{"kind":"Pod","metadata":{"name":"a b"}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVersionServer(t *testing.T) {
	srv := fakeAPIServer(t)
	out, stderr, code := run(t, "--server", srv.URL, "version")
	if code != 0 || !strings.HasSuffix(out, "Server Version: v1.34.4\n") || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	out, _, _ = run(t, "--server", srv.URL, "version", "-o", "json")
	if !strings.Contains(out, `"serverVersion": {`) || !strings.Contains(out, `"gitVersion": "v1.34.4"`) {
		t.Errorf("version -o json: %q", out)
	}
	// A server that can't be reached: the client part is still printed, then one error line.
	srv.Close()
	out, stderr, code = run(t, "--server", srv.URL, "version")
	if code != 1 || !strings.HasPrefix(out, "Client Version: ") || strings.Contains(out, "Server") ||
		!strings.Contains(stderr, "was refused") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("unreachable: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, stderr, code := run(t, "version", "extra"); code != 1 || stderr != "error: extra arguments: [extra]\n" {
		t.Errorf("version extra: exit %d, stderr %q", code, stderr)
	}
}

func TestGetRaw(t *testing.T) {
	srv := fakeAPIServer(t)
	tests := []struct {
		name                string
		args                []string
		wantCode            int
		wantStdout, wantErr string
	}{
		{"escaped path", []string{"get", "--raw", "/api/v1/namespaces/default/pods/a%20b"}, 0, `{"kind":"Pod","metadata":{"name":"a b"}}`, ""},
		{"whole URL", []string{"get", "--raw", "https://elsewhere:6443/api/v1/namespaces/default/pods/a%20b"}, 0, `{"kind":"Pod","metadata":{"name":"a b"}}`, ""},
		{"not found", []string{"get", "--raw", "/apis/nope/v1/things"}, 1, "", "Error from server (NotFound): the server could not find the requested resource\n"},
		{"arguments", []string{"get", "--raw", "/version", "pods"}, 1, "", "error: arguments may not be passed when --raw is specified\n"},
		{"with -o", []string{"get", "--raw", "/version", "-o", "json"}, 1, "", "error: --raw and --output are mutually exclusive\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := run(t, append([]string{"--server", srv.URL}, tt.args...)...)
			if code != tt.wantCode || out != tt.wantStdout || stderr != tt.wantErr {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, stderr, tt.wantCode, tt.wantStdout, tt.wantErr)
			}
		})
	}
}

func TestCompleteKubeconfigNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	kc := `apiVersion: v1
kind: Config
clusters: [{name: prod, cluster: {server: "https://prod:6443"}}, {name: dev, cluster: {server: "https://dev:6443"}}]
users: [{name: alice, user: {token: x}}]
contexts: [{name: prod-admin, context: {cluster: prod, user: alice}}, {name: dev, context: {cluster: dev, user: alice}}]
`
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"config", "use-context", ""}, "dev\nprod-admin\n:4\n"},
		{[]string{"config", "use-context", "pr"}, "prod-admin\n:4\n"},
		{[]string{"config", "use-context", "dev", ""}, ":4\n"}, // one argument only
		{[]string{"--context", "d"}, "dev\n:4\n"},
		{[]string{"--cluster", "p"}, "prod\n:4\n"},
		{[]string{"--user", ""}, "alice\n:4\n"},
	}
	for _, tt := range tests {
		out, _, code := run(t, append([]string{"__complete", "--kubeconfig", path}, tt.args...)...)
		if code != 0 || out != tt.want {
			t.Errorf("complete %v: exit %d, %q; want %q", tt.args, code, out, tt.want)
		}
	}
}
