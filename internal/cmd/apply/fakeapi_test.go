package apply

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kubex-cli/kubex/internal/fakeapi"
)

// runFake runs the command with args against srv as a user would see it.
func runFake(t *testing.T, srv *fakeapi.Server, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return srv.Run(t, NewCmdApply, args...)
}

func TestApplyFakeAPI(t *testing.T) {
	srv := fakeapi.Start(t)
	file := filepath.Join(t.TempDir(), "m.yaml")
	manifest := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: b\n---\n" +
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                   string
		args                   []string
		wantCode               int
		wantStdout, wantStderr string
	}{
		{"creates", []string{"--server-side", "-f", file}, 0, "configmap/cfg serverside-applied\ndeployment.apps/web serverside-applied\n", ""},
		{"again", []string{"--server-side", "-f", file}, 0, "configmap/cfg serverside-applied\ndeployment.apps/web serverside-applied\n", ""},
		{"missing namespace", []string{"--server-side", "-f", file, "-n", "nope"}, 1, "", "Error from server (NotFound): configmap/cfg (" + file + ": document 1 (line 1)): namespaces \"nope\" not found\n" +
			"Error from server (NotFound): deployment.apps/web (" + file + ": document 2 (line 7)): namespaces \"nope\" not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runFake(t, srv, tt.args...)
			if code != tt.wantCode || out != tt.wantStdout || stderr != tt.wantStderr {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
	var patches []string
	for _, r := range srv.Requests() {
		if r.Method == "PATCH" {
			patches = append(patches, r.String())
		}
	}
	if !slices.Contains(patches, "PATCH /api/v1/namespaces/default/configmaps/cfg?fieldManager=kubex&fieldValidation=Strict") {
		t.Errorf("patches sent: %q", patches)
	}
}
