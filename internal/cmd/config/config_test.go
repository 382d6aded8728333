package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/internal/testutil"
	kubeconfig "github.com/kubex-cli/kubex/pkg/config"
)

// The golden files were produced by kubectl v1.34.4 on the same kubeconfig files.

// testLoader loads the stack the way the factory does, from a fake environment.
type testLoader struct {
	env map[string]string
	o   *kubeconfig.Overrides
}

func (l *testLoader) KubeconfigStack() (*kubeconfig.Stack, error) {
	loader := &kubeconfig.Loader{
		Getenv:       func(k string) string { return l.env[k] },
		Home:         l.env["HOME"],
		InClusterDir: "/nonexistent",
		LockWait:     100 * time.Millisecond,
	}
	return loader.Load(l.o)
}

type result struct {
	out, errOut string
	err         error
}

// userSees is what kubex's error printer shows for the error, without the final newline.
func (r result) userSees() string {
	var b strings.Builder
	cmdutil.PrintError(&b, r.err)
	return strings.TrimSuffix(b.String(), "\n")
}

// code is the exit code kubex ends with.
func (r result) code() int { return cmdutil.PrintError(io.Discard, r.err) }

// run executes `kubex <args>` with only the global flags and the config commands, as the root command wires them.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	if env["HOME"] == "" {
		env["HOME"] = t.TempDir()
	}
	streams, _, out, errOut := iostreams.Test()
	o := &kubeconfig.Overrides{}
	root := &cobra.Command{Use: "kubex", SilenceErrors: true, SilenceUsage: true}
	cmdutil.AddOverrideFlags(root.PersistentFlags(), o)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.AddCommand(NewCmdConfig(&testLoader{env: env, o: o}, streams))
	root.SetArgs(args)
	err := root.Execute()
	return result{out: out.String(), errOut: errOut.String(), err: err}
}

func testdata(t *testing.T, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "..", "testdata", "kubeconfig"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(testdata(t, "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func stackEnv(dir string) map[string]string {
	sep := string(os.PathListSeparator)
	return map[string]string{"KUBECONFIG": strings.Join([]string{
		filepath.Join(dir, "a.yaml"), filepath.Join(dir, "missing.yaml"), filepath.Join(dir, "b.yaml"), filepath.Join(dir, "sub", "c.yaml"),
	}, sep)}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// missingKubeconfig is what a read of a --kubeconfig file that does not exist says.
const missingKubeconfig = "error: stat /nonexistent/config: no such file or directory"

func TestReadCommands(t *testing.T) {
	stack := testdata(t, "stack")
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantOut  string
		wantUser string // what the user reads on stderr, "" for success
	}{
		{name: "view", args: []string{"config", "view"}, wantOut: golden(t, "stack-view.yaml")},
		{name: "view -o json", args: []string{"config", "view", "-o", "json"}, wantOut: golden(t, "stack-view.json")},
		{name: "view --raw", args: []string{"config", "view", "--raw"}, wantOut: golden(t, "stack-view-raw.yaml")},
		{name: "view --minify", args: []string{"config", "view", "--minify"}, wantOut: golden(t, "stack-view-minify.yaml")},
		{name: "view --minify --flatten with the global --context", args: []string{"--context", "ctx1", "config", "view", "--minify", "--flatten"},
			wantOut: golden(t, "stack-view-minify-flatten-ctx1.yaml")},
		{name: "view of a multi-document file", env: map[string]string{"KUBECONFIG": testdata(t, "multidoc", "config")},
			args: []string{"config", "view"}, wantOut: golden(t, "multidoc-view.yaml")},
		// kubectl prints an empty config for these; kubex names the file that is not there.
		{name: "view of a missing --kubeconfig", env: map[string]string{},
			args: []string{"config", "view", "--kubeconfig", "/nonexistent/config"}, wantUser: missingKubeconfig},
		{name: "view -o json of a missing --kubeconfig", env: map[string]string{},
			args: []string{"config", "view", "-o", "json", "--kubeconfig", "/nonexistent/config"}, wantUser: missingKubeconfig},
		{name: "get-contexts of a missing --kubeconfig", env: map[string]string{},
			args: []string{"config", "get-contexts", "--kubeconfig", "/nonexistent/config"}, wantUser: missingKubeconfig},
		{name: "get-clusters of a missing --kubeconfig", env: map[string]string{},
			args: []string{"config", "get-clusters", "--kubeconfig", "/nonexistent/config"}, wantUser: missingKubeconfig},
		{name: "get-users of a missing --kubeconfig", env: map[string]string{},
			args: []string{"config", "get-users", "--kubeconfig", "/nonexistent/config"}, wantUser: missingKubeconfig},
		{name: "current-context of a missing --kubeconfig", env: map[string]string{},
			args: []string{"config", "current-context", "--kubeconfig", "/nonexistent/config"}, wantUser: missingKubeconfig},
		{name: "view --minify with an unknown --context", args: []string{"config", "view", "--minify", "--context", "nope"},
			wantUser: "error: cannot locate context nope"},
		{name: "view -o with an unsupported format", args: []string{"config", "view", "-o", "wide"},
			wantUser: `error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`},
		{name: "view --merge=false needs --kubeconfig", args: []string{"config", "view", "--merge=false"},
			wantUser: "error: if merge==false a precise file must be specified"},
		{name: "view with an argument", args: []string{"config", "view", "extra"},
			wantUser: "error: unexpected arguments: [extra]\nSee 'kubex config view -h' for help and examples"},

		{name: "get-contexts", args: []string{"config", "get-contexts"}, wantOut: golden(t, "stack-get-contexts.txt")},
		{name: "get-contexts -o name", args: []string{"config", "get-contexts", "-o", "name"}, wantOut: "ctx1\nctx2\nctx3\nshared\n"},
		{name: "get-contexts NAME", args: []string{"config", "get-contexts", "ctx2"},
			wantOut: "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n*         ctx2   c2        u3         \n"},
		{name: "get-contexts with an unknown name prints the header, then the error", args: []string{"config", "get-contexts", "nope"},
			wantOut: "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n", wantUser: "error: context nope not found"},
		{name: "get-contexts with unknown names, kubectl's bare lines", args: []string{"config", "get-contexts", "--no-headers", "shared", "nope1", "nope2"},
			wantOut: "      shared   shared   u2    \n", wantUser: "context nope1 not found\ncontext nope2 not found"},
		{name: "get-contexts -o wide", args: []string{"config", "get-contexts", "-o", "wide"},
			wantUser: "error: --output wide is not available in kubex config get-contexts; resetting to default output format"},
		{name: "get-contexts without any kubeconfig", env: map[string]string{}, args: []string{"config", "get-contexts"},
			wantOut: "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n"},

		{name: "current-context", args: []string{"config", "current-context"}, wantOut: "ctx2\n"},
		{name: "current-context unset", env: map[string]string{"KUBECONFIG": filepath.Join(stack, "a.yaml")},
			args: []string{"config", "current-context"}, wantUser: "error: current-context is not set"},

		{name: "a broken kubeconfig", env: map[string]string{"KUBECONFIG": testdata(t, "multidoc", "broken")}, args: []string{"config", "view"},
			wantUser: `error: error loading config file "` + testdata(t, "multidoc", "broken") + `": document 2: yaml: line 11: mapping values are not allowed in this context`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if env == nil {
				env = stackEnv(stack)
			}
			r := run(t, env, tt.args...)
			if r.out != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.out, tt.wantOut)
			}
			if r.userSees() != tt.wantUser {
				t.Errorf("error:\n%s\nwant:\n%s", r.userSees(), tt.wantUser)
			}
			if r.errOut != "" {
				t.Errorf("stderr = %q", r.errOut)
			}
		})
	}
}

func TestWriteCommands(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantOut  string
		wantUser string
		files    map[string]string // file -> golden, other files unchanged
	}{
		{name: "use-context", args: []string{"config", "use-context", "ctx3"}, wantOut: "Switched to context \"ctx3\".\n",
			files: map[string]string{"a.yaml": "stack-a-after-use-context-ctx3.yaml"}},
		{name: "use alias", args: []string{"config", "use", "ctx3"}, wantOut: "Switched to context \"ctx3\".\n",
			files: map[string]string{"a.yaml": "stack-a-after-use-context-ctx3.yaml"}},
		{name: "use-context of the current context changes nothing", args: []string{"config", "use-context", "ctx2"}, wantOut: "Switched to context \"ctx2\".\n"},
		{name: "use-context unknown", args: []string{"config", "use-context", "nope"}, wantUser: `error: no context exists with the name: "nope"`},
		{name: "set-context --current --namespace", args: []string{"config", "set-context", "--current", "--namespace=nsy"},
			wantOut: "Context \"ctx2\" modified.\n", files: map[string]string{"b.yaml": "stack-b-after-set-context-ctx2.yaml"}},
		{name: "set-context NAME changes the first definition", args: []string{"config", "set-context", "shared", "--namespace=nsx", "--user=u9"},
			wantOut: "Context \"shared\" modified.\n", files: map[string]string{"a.yaml": "stack-a-after-set-context-shared.yaml"}},
		{name: "set-context with both a name and --current", args: []string{"config", "set-context", "x", "--current"},
			wantUser: "error: you cannot specify both a context name and --current"},
		{name: "set-context without a name", args: []string{"config", "set-context"},
			wantUser: "error: you must specify a non-empty context name or --current"},
		{name: "set-context -n is not its flag, as in kubectl", args: []string{"config", "set-context", "--current", "-n", "x"},
			wantUser: "error: unknown shorthand flag: 'n' in -n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testutil.CopyTree(t, testdata(t, "stack"))
			before := map[string]string{}
			for _, f := range []string{"a.yaml", "b.yaml", "sub/c.yaml"} {
				before[f] = read(t, filepath.Join(dir, f))
			}
			r := run(t, stackEnv(dir), tt.args...)
			if r.out != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.out, tt.wantOut)
			}
			if r.userSees() != tt.wantUser {
				t.Errorf("error:\n%s\nwant:\n%s", r.userSees(), tt.wantUser)
			}
			for f, content := range before {
				want := content
				if g, ok := tt.files[f]; ok {
					want = golden(t, g)
				}
				if got := read(t, filepath.Join(dir, f)); got != want {
					t.Errorf("%s:\n%s\nwant:\n%s", f, got, want)
				}
			}
		})
	}
}

func TestSetContextCreates(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "new", "config")
	r := run(t, map[string]string{}, "config", "set-context", "dev", "--cluster=c", "--user=u", "--namespace=team", "--kubeconfig", kc)
	if r.err != nil || r.out != "Context \"dev\" created.\n" {
		t.Fatalf("out %q err %v", r.out, r.err)
	}
	want := "apiVersion: v1\nclusters: null\ncontexts:\n- context:\n    cluster: c\n    namespace: team\n    user: u\n  name: dev\ncurrent-context: \"\"\nkind: Config\nusers: null\n"
	if got := read(t, kc); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	// Once created, the file reads like any other.
	r = run(t, map[string]string{}, "config", "get-contexts", "-o", "name", "--kubeconfig", kc)
	if r.err != nil || r.out != "dev\n" {
		t.Errorf("get-contexts of the created file: out %q err %v", r.out, r.err)
	}
	r = run(t, map[string]string{}, "config", "set-context", "--current", "--namespace=x", "--kubeconfig", kc)
	if r.userSees() != "error: no current context is set" {
		t.Errorf("error = %q", r.userSees())
	}
	r = run(t, map[string]string{}, "config", "use-context", "dev", "--kubeconfig", kc)
	r = run(t, map[string]string{}, "config", "set-context", "--current", "--namespace=", "--kubeconfig", kc)
	if r.err != nil || !strings.Contains(read(t, kc), "- context:\n    cluster: c\n    user: u\n") {
		t.Errorf("--namespace= did not clear the namespace: %v\n%s", r.err, read(t, kc))
	}
}

func TestArgumentErrorsShowHelp(t *testing.T) {
	env := stackEnv(testdata(t, "stack"))
	r := run(t, env, "config", "use-context")
	if r.userSees() != "error: Unexpected args: []" || !strings.Contains(r.out, "kubex config use-context CONTEXT_NAME") {
		t.Errorf("use-context without a name: out %q, error %q", r.out, r.userSees())
	}
	r = run(t, env, "config", "set-context", "a", "b")
	if r.userSees() != "error: Unexpected args: [a b]" || !strings.Contains(r.out, "set-context [NAME | --current]") {
		t.Errorf("set-context with two names: out %q, error %q", r.out, r.userSees())
	}
	// kubectl prints the help to stderr and exits 1 without a message.
	r = run(t, env, "config")
	if r.code() != 1 || !strings.HasPrefix(r.errOut, "Modify kubeconfig files using subcommands") || r.out != "" || r.userSees() != "" {
		t.Errorf("bare config: exit %d, out %q, stderr %q, error %q", r.code(), r.out, r.errOut, r.userSees())
	}
	r = run(t, env, "config", "frobnicate")
	if r.userSees() != "error: unknown command \"frobnicate\"\nSee 'kubex config -h' for help and examples" {
		t.Errorf("unknown subcommand: %q", r.userSees())
	}
}
