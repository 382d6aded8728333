// Package config holds `kubex config` and its subcommands, which read and edit kubeconfig files the way
// kubectl's do.
package config

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	kubeconfig "github.com/kubex-cli/kubex/pkg/config"
)

// StackLoader gives the commands the kubeconfig files chosen by --kubeconfig, $KUBECONFIG or the home
// file. *cmdutil.Factory implements it; tests pass a fixed stack.
type StackLoader interface {
	KubeconfigStack() (*kubeconfig.Stack, error)
}

// NewCmdConfig builds `kubex config` with its subcommands.
func NewCmdConfig(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:                   "config SUBCOMMAND",
		DisableFlagsInUseLine: true,
		Short:                 "Modify kubeconfig files",
		Long: `Modify kubeconfig files using subcommands like "kubex config use-context my-context".

The loading order follows these rules:

  1. If the --kubeconfig flag is set, then only that file is loaded. The flag may only be set once and no merging takes place.
  2. If $KUBECONFIG environment variable is set, then it is used as a list of paths (normal path delimiting rules for your system). These paths are merged. When a value is modified, it is modified in the file that defines the stanza. When a value is created, it is created in the first file that exists. If no files in the chain exist, then it creates the last file in the list.
  3. Otherwise, ${HOME}/.kube/config is used and no merging takes place.

Unlike kubectl, every YAML document of a file (separated by "---") takes part in the merge, and a change
rewrites only the document that holds the entry.`,
		// Without a subcommand, kubectl prints the help to stderr and exits 1 without a message.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.UsageErrorf(cmd, "unknown command %q", strings.Join(args, " "))
			}
			cmd.SetOut(streams.ErrOut)
			defer cmd.SetOut(streams.Out)
			if err := cmd.Help(); err != nil {
				return err
			}
			return &cmdutil.ExitError{Code: 1}
		},
	}
	cmd.AddCommand(
		NewCmdConfigView(l, streams),
		NewCmdConfigGetContexts(l, streams),
		NewCmdConfigCurrentContext(l, streams),
		NewCmdConfigUseContext(l, streams),
		NewCmdConfigSetContext(l, streams),
		NewCmdConfigGetClusters(l, streams),
		NewCmdConfigGetUsers(l, streams),
		NewCmdConfigDeleteContext(l, streams),
		NewCmdConfigDeleteCluster(l, streams),
		NewCmdConfigDeleteUser(l, streams),
		NewCmdConfigRenameContext(l, streams),
		NewCmdConfigSetCluster(l, streams),
		NewCmdConfigSetCredentials(l, streams),
		NewCmdConfigSet(l, streams),
		NewCmdConfigUnset(l, streams),
	)
	return cmd
}

// readStack loads the stack for a command that only reads it: a --kubeconfig file that does not exist is
// an error naming it (kubectl prints an empty config), while the writes still create it.
func readStack(l StackLoader) (*kubeconfig.Stack, error) {
	s, err := l.KubeconfigStack()
	if err != nil {
		return nil, err
	}
	if err := s.MissingExplicit(); err != nil {
		return nil, err
	}
	return s, nil
}

// helpErrorf prints the command's help to stdout and returns the error, as kubectl does for wrong arguments.
func helpErrorf(cmd *cobra.Command, format string, args ...any) error {
	_ = cmd.Help()
	return fmt.Errorf(format, args...)
}

// aggregate reports several problems at once, as kubectl does: one as "error: ...", several as bare lines.
func aggregate(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return kubeconfig.LoadErrors(errs)
}
