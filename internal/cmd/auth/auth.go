// Package auth is `kubex auth`: can-i (access reviews) and whoami (self subject review).
package auth

import (
	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

// NewCmdAuth builds `kubex auth` with its subcommands.
func NewCmdAuth(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Inspect authorization",
		Long:  "Inspect authorization.",
		RunE:  cmdutil.ParentRunE(streams),
	}
	cmd.AddCommand(NewCmdCanI(f, streams), NewCmdWhoAmI(f, streams))
	return cmd
}
