// Package completion is `kubex completion SHELL`: the shell scripts that complete kubex's commands, flags
// and kubeconfig names (the names come from `kubex __complete`, cobra's hidden helper command).
package completion

import (
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

// shells maps each supported shell to the generator of its script.
func shells() map[string]func(root *cobra.Command, out io.Writer) error {
	return map[string]func(*cobra.Command, io.Writer) error{
		"bash":       func(r *cobra.Command, w io.Writer) error { return r.GenBashCompletionV2(w, true) },
		"zsh":        func(r *cobra.Command, w io.Writer) error { return r.GenZshCompletion(w) },
		"fish":       func(r *cobra.Command, w io.Writer) error { return r.GenFishCompletion(w, true) },
		"powershell": func(r *cobra.Command, w io.Writer) error { return r.GenPowerShellCompletionWithDesc(w) },
	}
}

// NewCmdCompletion builds `kubex completion`; unlike cobra's default command it rejects a missing or
// unknown shell with an error, as kubectl does.
func NewCmdCompletion(streams *iostreams.IOStreams) *cobra.Command {
	gens := shells()
	names := make([]string, 0, len(gens))
	for name := range gens {
		names = append(names, name)
	}
	slices.Sort(names)
	return &cobra.Command{
		Use:                   "completion SHELL",
		DisableFlagsInUseLine: true,
		Short:                 "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)",
		Long: `Output shell completion code for the specified shell (bash, zsh, fish, or powershell).

  # bash, for the current shell:
  source <(kubex completion bash)
  # zsh:
  source <(kubex completion zsh)
  # fish:
  kubex completion fish | source
  # PowerShell:
  kubex completion powershell | Out-String | Invoke-Expression

Release archives also ship these scripts in completions/.`,
		ValidArgs: names,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return cmdutil.UsageErrorf(cmd, "Shell not specified.")
			case len(args) > 1:
				return cmdutil.UsageErrorf(cmd, "Too many arguments. Expected only the shell type.")
			}
			gen, ok := gens[args[0]]
			if !ok {
				return cmdutil.UsageErrorf(cmd, "Unsupported shell type %q.", args[0])
			}
			return gen(cmd.Root(), streams.Out)
		},
	}
}
