package cmdutil

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

func TestPrintError(t *testing.T) {
	cmd := &cobra.Command{Use: "get"}
	tests := []struct {
		name     string
		err      error
		wantCode int
		wantOut  string
	}{
		{"no error", nil, 0, ""},
		{"plain", errors.New("boom"), 1, "error: boom\n"},
		{"already prefixed", errors.New("error: boom"), 1, "error: boom\n"},
		{"API status", fmt.Errorf("wrapped: %w", &transport.StatusError{Code: 404, Reason: "NotFound", Message: `pods "x" not found`}),
			1, "Error from server (NotFound): pods \"x\" not found\n"},
		{"connection", &transport.ConnectionError{Server: "127.0.0.1:1", Cause: transport.CauseRefused, Err: errors.New("refused")},
			1, "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n"},
		{"usage", UsageErrorf(cmd, "bad %s", "mix"), 1, "error: bad mix\nSee 'get -h' for help and examples\n"},
		{"flag", FlagError(cmd, errors.New("unknown flag: --x")), 1, "error: unknown flag: --x\nSee 'get --help' for usage.\n"},
		{"exit code only", &ExitError{Code: 3}, 3, ""},
		{"exit code with message", &ExitError{Code: 2, Err: errors.New("remote failed")}, 2, "error: remote failed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if code := PrintError(&out, tt.err); code != tt.wantCode || out.String() != tt.wantOut {
				t.Errorf("PrintError = %d, %q; want %d, %q", code, out.String(), tt.wantCode, tt.wantOut)
			}
		})
	}
}
