package patch

import (
	"testing"

	"github.com/kubex-cli/kubex/internal/fakeapi"
)

// runFake runs the command with args against srv as a user would see it.
func runFake(t *testing.T, srv *fakeapi.Server, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return srv.Run(t, NewCmdPatch, args...)
}

func TestPatchFakeAPI(t *testing.T) {
	srv := fakeapi.Start(t)
	srv.Seed(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}}}`)
	tests := []struct {
		name                   string
		args                   []string
		wantCode               int
		wantStdout, wantStderr string
	}{
		{"merge", []string{"pod", "web", "-p", `{"metadata":{"labels":{"a":"b"}}}`}, 0, "pod/web patched\n", ""},
		{"no change", []string{"pod", "web", "-p", `{"metadata":{"labels":{"a":"b"}}}`}, 0, "pod/web patched (no change)\n", ""},
		{"json", []string{"pod", "web", "--type=json", "-p", `[{"op":"remove","path":"/metadata/labels/a"}]`}, 0, "pod/web patched\n", ""},
		{"dry run", []string{"pod", "web", "-p", `{"metadata":{"labels":{"a":"c"}}}`, "--dry-run=server", "-o", "name"}, 0, "pod/web\n", ""},
		{"not found", []string{"pod", "x", "-p", `{}`}, 1, "", "Error from server (NotFound): pods \"x\" not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runFake(t, srv, tt.args...)
			if code != tt.wantCode || out != tt.wantStdout || stderr != tt.wantStderr {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}
