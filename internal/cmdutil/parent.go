package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/iostreams"
)

// ParentRunE is the RunE of a command that only groups subcommands (auth, rollout, top): as kubectl's
// DefaultSubCommandRun, it prints the help to stderr and exits 1 without a message; an argument that
// names no subcommand is a usage error.
func ParentRunE(streams *iostreams.IOStreams) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return UsageErrorf(cmd, "unknown command %q", strings.Join(args, " "))
		}
		cmd.SetOut(streams.ErrOut)
		defer cmd.SetOut(streams.Out)
		if err := cmd.Help(); err != nil {
			return err
		}
		return &ExitError{Code: 1}
	}
}
