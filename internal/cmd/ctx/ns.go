package ctx

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/config"
)

// NewCmdNs builds `kubex ns`.
func NewCmdNs(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:                   "ns [NAME | -]",
		DisableFlagsInUseLine: true,
		Short:                 "List the namespaces, or switch the current context to one (- for the previous one)",
		Long: `List the namespaces of the current context's cluster (one list request), the active one highlighted
on a terminal, or make NAME the current context's namespace, or with - the one it used before the last
switch (as kubens does).

A switch checks that the namespace exists (one GET) and writes the context's namespace as
'kubex config set-context --current --namespace' does. --context picks another context to list or change.`,
		Example: `  # List the namespaces
  kubex ns

  # Work in kube-system, then go back
  kubex ns kube-system
  kubex ns -`,
		ValidArgsFunction: cmdutil.FirstArg(cmdutil.CompleteNamespaces(f)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.UsageErrorf(cmd, "Expected at most one namespace name, got %d.", len(args))
			}
			s, err := f.KubeconfigStack()
			if err != nil {
				return err
			}
			// Listing and switching both read the cluster: a missing --kubeconfig is the first error, before
			// "no current context is set" (which is all an empty config could say).
			if err := s.MissingExplicit(); err != nil {
				return err
			}
			cfg := s.Merged()
			name := f.Overrides.Context
			if name == "" {
				name = cfg.CurrentContext
			}
			if name == "" {
				return errors.New("no current context is set: choose one with 'kubex ctx NAME'")
			}
			i := slices.IndexFunc(cfg.Contexts, func(c config.NamedContext) bool { return c.Name == name })
			if i < 0 {
				return unknownContext(name, contextNames(cfg))
			}
			active := cfg.Contexts[i].Context.Namespace
			if active == "" {
				active = "default"
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			if len(args) == 0 {
				names, err := c.Namespaces().ListNames(cmd.Context(), client.ListOptions{})
				if err != nil {
					return err
				}
				slices.Sort(names)
				return printList(streams, names, active)
			}

			statePath, err := statePath(f.Getenv, s.DefaultFile())
			if err != nil {
				return err
			}
			st := readState(statePath)
			target := args[0]
			if target == previous {
				if target = st.PreviousNamespace[name]; target == "" {
					return fmt.Errorf("no previous namespace for context %q: switch to one with 'kubex ns NAME' first", name)
				}
			}
			if err := checkNamespace(cmd, c, target, name); err != nil {
				return err
			}
			cfg.Contexts[i].Context.Namespace = target
			if err := s.Modify(cfg); err != nil {
				return err
			}
			if active != target {
				if st.PreviousNamespace == nil {
					st.PreviousNamespace = map[string]string{}
				}
				st.PreviousNamespace[name] = active
				if err := writeState(statePath, st); err != nil {
					return fmt.Errorf("remembering the previous namespace: %w", err)
				}
			}
			_, err = fmt.Fprintf(streams.Out, "Context %q modified.\nActive namespace is %q.\n", name, target)
			return err
		},
	}
}

// checkNamespace makes sure namespace ns exists, with one GET.
func checkNamespace(cmd *cobra.Command, c *client.Client, ns, context string) error {
	if ns == "" {
		return errors.New("empty namespace names are not allowed")
	}
	_, err := c.Namespaces().Get(cmd.Context(), ns, client.GetOptions{})
	var se *client.StatusError
	if errors.As(err, &se) && se.Code == http.StatusNotFound {
		return fmt.Errorf("namespace %q not found in the cluster of context %q (see 'kubex ns' for the namespaces)", ns, context)
	}
	return err
}
