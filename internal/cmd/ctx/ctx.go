// Package ctx is `kubex ctx` and `kubex ns`: kubectx's and kubens's fast context and namespace switching,
// with `-` for the previous one, written through the same kubeconfig writes as `config use-context` and
// `config set-context --current --namespace`.
package ctx

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/config"
)

// previous is the argument that switches back.
const previous = "-"

// NewCmdCtx builds `kubex ctx`. It never talks to a server.
func NewCmdCtx(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:                   "ctx [NAME | -]",
		DisableFlagsInUseLine: true,
		Short:                 "List the contexts, or switch to one (- for the previous one)",
		Long: `List the contexts of the kubeconfig, the current one highlighted on a terminal, or switch to the
context NAME, or with - to the one used before the last switch (as kubectx does).

The switch writes current-context as 'kubex config use-context' does and never contacts a server. The
previous context is remembered per kubeconfig file under the user's cache directory (kubex/switch/).`,
		Example: `  # List the contexts
  kubex ctx

  # Switch to the context prod, then back
  kubex ctx prod
  kubex ctx -`,
		ValidArgsFunction: cmdutil.FirstArg(cmdutil.KubeconfigNames(f.KubeconfigStack, config.KindContext)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.UsageErrorf(cmd, "Expected at most one context name, got %d.", len(args))
			}
			s, err := f.KubeconfigStack()
			if err != nil {
				return err
			}
			cfg := s.Merged()
			names := contextNames(cfg)
			if len(args) == 0 {
				// Listing only reads: a missing --kubeconfig is an error naming it, not an empty list.
				if err := s.MissingExplicit(); err != nil {
					return err
				}
				return printList(streams, names, cfg.CurrentContext)
			}
			statePath, err := statePath(f.Getenv, s.DefaultFile())
			if err != nil {
				return err
			}
			st := readState(statePath)
			target := args[0]
			if target == previous {
				if target = st.PreviousContext; target == "" {
					return errors.New("no previous context: switch to one with 'kubex ctx NAME' first")
				}
			}
			if !slices.Contains(names, target) {
				return unknownContext(target, names)
			}
			old := cfg.CurrentContext
			cfg.CurrentContext = target
			if err := s.Modify(cfg); err != nil {
				return err
			}
			if old != target && old != "" {
				st.PreviousContext = old
				if err := writeState(statePath, st); err != nil {
					return fmt.Errorf("remembering the previous context: %w", err)
				}
			}
			_, err = fmt.Fprintf(streams.Out, "Switched to context %q.\n", target)
			return err
		},
	}
}

// contextNames are the context names, sorted as kubectx lists them.
func contextNames(cfg *config.Config) []string {
	names := cfg.Names(config.KindContext)
	slices.Sort(names)
	return names
}

// unknownContext is the error for a context that does not exist, naming the ones that do.
func unknownContext(name string, names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("no context exists with the name: %q (the kubeconfig has no contexts)", name)
	}
	return fmt.Errorf("no context exists with the name: %q; the contexts are: %s", name, strings.Join(names, ", "))
}

// printList prints one name a line. On a terminal the current one stands out, in bold yellow with
// colour and followed by " (current)" without; in a pipe every line is the bare name, for scripts and
// fuzzy finders.
func printList(streams *iostreams.IOStreams, names []string, current string) error {
	w := streams.Out
	for _, n := range names {
		var err error
		switch {
		case n != current || !streams.IsStdoutTTY():
			_, err = fmt.Fprintln(w, n)
		case streams.ColorEnabled():
			_, err = fmt.Fprintf(w, "\x1b[1;33m%s\x1b[0m\n", n)
		default:
			_, err = fmt.Fprintf(w, "%s (current)\n", n)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
