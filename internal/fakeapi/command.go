package fakeapi

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

// Run runs the command newCmd builds with args against s, as a user would see it: stdout, stderr and the
// exit code, with the global connection flags registered as the root command registers them.
func (s *Server) Run(t testing.TB, newCmd func(*cmdutil.Factory, *iostreams.IOStreams) *cobra.Command, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	streams, _, out, errOut := iostreams.Test()
	f := cmdutil.New(streams, s.Env())
	cmd := newCmd(f, streams)
	cmdutil.AddOverrideFlags(cmd.PersistentFlags(), f.Overrides)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetArgs(args)
	code = cmdutil.PrintError(errOut, cmd.ExecuteContext(t.Context()))
	return out.String(), errOut.String(), code
}
