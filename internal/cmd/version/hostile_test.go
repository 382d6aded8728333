package version

import (
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/fakeapi"
	"github.com/kubex-cli/kubex/internal/hostile"
)

// A server whose /version never ends gets a clear error, not all the memory there is.
func TestVersionHostileServer(t *testing.T) {
	srv := fakeapi.Start(t)
	srv.Handle("GET", "/version", hostile.Endless("application/json", `{"gitVersion":"`, 'x'))
	var stdout, stderr string
	var code int
	hostile.CheckBounded(t, 16<<20, func() { stdout, stderr, code = runFake(t, srv) })
	if code != 1 || strings.Contains(stdout, "Server") || !strings.Contains(stderr, "/version is larger than 1 MiB") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
