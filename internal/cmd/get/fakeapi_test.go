package get

import (
	"testing"

	"github.com/kubex-cli/kubex/internal/fakeapi"
)

// runFake runs the command with args against srv as a user would see it.
func runFake(t *testing.T, srv *fakeapi.Server, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return srv.Run(t, NewCmdGet, args...)
}

func TestGetFakeAPI(t *testing.T) {
	srv := fakeapi.Start(t)
	srv.Seed(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"db"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"other","namespace":"kube-system"}}`)
	tests := []struct {
		name                   string
		args                   []string
		wantCode               int
		wantStdout, wantStderr string
	}{
		{"names", []string{"pods", "-o", "name"}, 0, "pod/db\npod/web\n", ""},
		{"names in a namespace", []string{"pods", "-n", "kube-system", "-o", "name"}, 0, "pod/other\n", ""},
		{"not found", []string{"pod", "x"}, 1, "", "Error from server (NotFound): pods \"x\" not found\n"},
		{"nothing found", []string{"pods", "-n", "kube-public"}, 0, "", "No resources found in kube-public namespace.\n"},
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
