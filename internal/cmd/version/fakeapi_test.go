package version

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/fakeapi"
)

// runFake runs the command with args against srv as a user would see it.
func runFake(t *testing.T, srv *fakeapi.Server, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return srv.Run(t, NewCmdVersion, args...)
}

func TestVersionFakeAPI(t *testing.T) {
	srv := fakeapi.Start(t)
	out, stderr, code := runFake(t, srv)
	if code != 0 || !strings.HasPrefix(out, "Client Version: ") || !strings.HasSuffix(out, "\nServer Version: v1.34.4\n") || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	srv.Handle("GET", "/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"forbidden: User \"x\" cannot get path \"/version\"","reason":"Forbidden","code":403}`))
	})
	out, stderr, code = runFake(t, srv)
	if code != 1 || strings.Contains(out, "Server") || stderr != "Error from server (Forbidden): forbidden: User \"x\" cannot get path \"/version\"\n" {
		t.Errorf("forbidden: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}
