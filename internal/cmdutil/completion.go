package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/pkg/config"
)

// KubeconfigNames completes the names of one kind of kubeconfig entry (config.KindContext, KindCluster or
// KindUser) from the files the command line selects, for flags such as --context and for arguments such
// as `config use-context NAME` (wrapped in FirstArg).
func KubeconfigNames(load func() (*config.Stack, error), kind config.EntryKind) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		s, err := load()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, n := range s.Merged().Names(kind) {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// FirstArg completes only a command's first argument with complete.
func FirstArg(complete cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, args, toComplete)
	}
}
