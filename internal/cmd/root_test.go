package cmd

import (
	"bytes"
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
	f := cmdutil.New(streams, func(string) string { return "" })
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
