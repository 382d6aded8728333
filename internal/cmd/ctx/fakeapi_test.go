package ctx

import (
	"testing"

	"github.com/kubex-cli/kubex/internal/fakeapi"
)

// runFake runs the command with args against srv as a user would see it.
func runFake(t *testing.T, srv *fakeapi.Server, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return srv.Run(t, NewCmdNs, args...)
}

func TestNsFakeAPI(t *testing.T) {
	srv := fakeapi.Start(t)
	srv.Seed(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}`)
	out, stderr, code := runFake(t, srv)
	if want := "apps\ndefault\nkube-node-lease\nkube-public\nkube-system\n"; code != 0 || out != want || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, stderr, want)
	}
	if got := srv.Requests(); len(got) != 1 || got[0].String() != "GET /api/v1/namespaces?includeObject=None" {
		t.Errorf("requests %v", got)
	}
}
