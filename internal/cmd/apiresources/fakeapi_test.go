package apiresources

import (
	"testing"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/fakeapi"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/spf13/cobra"
)

// runFake runs the command with args against srv as a user would see it.
func runFake(t *testing.T, srv *fakeapi.Server, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return srv.Run(t, func(f *cmdutil.Factory, s *iostreams.IOStreams) *cobra.Command { return NewCmdAPIResources(f, s) }, args...)
}

func TestAPIResourcesFakeAPI(t *testing.T) {
	srv := fakeapi.Start(t)
	tests := []struct {
		name                   string
		args                   []string
		wantCode               int
		wantStdout, wantStderr string
	}{
		{"apps names", []string{"--api-group=apps", "-o", "name"}, 0, "controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n", ""},
		{"apps table", []string{"--api-group=apps", "--sort-by=name", "--no-headers"}, 0, "controllerrevisions            apps/v1   true   ControllerRevision\n" +
			"daemonsets            ds       apps/v1   true   DaemonSet\n" +
			"deployments           deploy   apps/v1   true   Deployment\n" +
			"replicasets           rs       apps/v1   true   ReplicaSet\n" +
			"statefulsets          sts      apps/v1   true   StatefulSet\n", ""},
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
