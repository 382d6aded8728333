package wait

import (
	"testing"

	"github.com/kubex-cli/kubex/internal/fakeapi"
)

// runFake runs the command with args against srv as a user would see it.
func runFake(t *testing.T, srv *fakeapi.Server, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return srv.Run(t, NewCmdWait, args...)
}

func TestWaitFakeAPI(t *testing.T) {
	srv := fakeapi.Start(t)
	tests := []struct {
		name                   string
		args                   []string
		wantCode               int
		wantStdout, wantStderr string
	}{
		// kubectl 1.34 prints nothing here (kubex says "pod/x condition met"): stdout is not compared.
		{"delete of a missing object", []string{"--for=delete", "pod/x", "--timeout=5s"}, 0, "*", ""},
		{"condition of a missing object", []string{"--for=condition=Ready", "pod/x", "--timeout=5s"}, 1, "", "Error from server (NotFound): pods \"x\" not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runFake(t, srv, tt.args...)
			if code != tt.wantCode || (out != tt.wantStdout && tt.wantStdout != "*") || stderr != tt.wantStderr {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}
