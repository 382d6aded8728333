package deletecmd

import (
	"testing"

	"github.com/kubex-cli/kubex/internal/fakeapi"
)

// runFake runs the command with args against srv as a user would see it.
func runFake(t *testing.T, srv *fakeapi.Server, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return srv.Run(t, NewCmdDelete, args...)
}

func TestDeleteFakeAPI(t *testing.T) {
	srv := fakeapi.Start(t)
	srv.Seed(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"db"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"cache","labels":{"app":"web"}}}`)
	tests := []struct {
		name                   string
		args                   []string
		wantCode               int
		wantStdout, wantStderr string
	}{
		{"dry run", []string{"pod", "web", "--dry-run=server"}, 0, "pod \"web\" deleted from default namespace (server dry run)\n", ""},
		{"delete", []string{"pod", "web"}, 0, "pod \"web\" deleted from default namespace\n", ""},
		{"deleted already", []string{"pod", "web"}, 1, "", "Error from server (NotFound): pods \"web\" not found\n"},
		{"ignore not found", []string{"pod", "web", "--ignore-not-found"}, 0, "", ""},
		{"by label", []string{"pods", "-l", "app=web", "-o", "name"}, 0, "pod/cache\n", ""},
		{"all", []string{"pods", "--all"}, 0, "pod \"db\" deleted from default namespace\n", ""},
		{"none left", []string{"pods", "--all"}, 0, "No resources found\n", ""},
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
