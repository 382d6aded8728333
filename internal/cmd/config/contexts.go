package config

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	kubeconfig "github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// GetContextsOptions are the inputs of `kubex config get-contexts`.
type GetContextsOptions struct {
	Loader StackLoader
	Out    io.Writer

	Output    string
	NoHeaders bool
	Names     []string
}

// NewCmdConfigGetContexts builds `kubex config get-contexts`.
func NewCmdConfigGetContexts(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &GetContextsOptions{Loader: l, Out: streams.Out}
	cmd := &cobra.Command{
		Use:                   "get-contexts [(-o|--output=)name)]",
		DisableFlagsInUseLine: true,
		Short:                 "Describe one or many contexts",
		Long:                  "Display one or many contexts from the kubeconfig file.",
		Example: `  # List all the contexts in your kubeconfig file
  kubex config get-contexts

  # Describe one context in your kubeconfig file
  kubex config get-contexts my-context`,
		ValidArgsFunction: cmdutil.FirstArg(cmdutil.KubeconfigNames(l.KubeconfigStack, kubeconfig.KindContext)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			return o.Run()
		},
	}
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", o.NoHeaders, "When using the default or custom-column output format, don't print headers (default print headers).")
	cmd.Flags().StringVarP(&o.Output, "output", "o", o.Output, "Output format. One of: (name).")
	return cmd
}

// Complete takes the context names and checks the output format.
func (o *GetContextsOptions) Complete(cmd *cobra.Command, args []string) error {
	if o.Output != "" && o.Output != "name" {
		return fmt.Errorf("--output %v is not available in %s; resetting to default output format", o.Output, cmd.CommandPath())
	}
	o.Names = args
	return nil
}

// Run prints kubectl's table (CURRENT NAME CLUSTER AUTHINFO NAMESPACE) sorted by name, or only the names;
// names that don't exist are reported after the table.
func (o *GetContextsOptions) Run() error {
	s, err := readStack(o.Loader)
	if err != nil {
		return err
	}
	cfg := s.Merged()
	byName := map[string]kubeconfig.Context{}
	for _, c := range cfg.Contexts {
		byName[c.Name] = c.Context
	}
	var errs []error
	var names []string
	if len(o.Names) == 0 {
		for n := range byName {
			names = append(names, n)
		}
	}
	for _, n := range o.Names {
		if _, ok := byName[n]; ok {
			names = append(names, n)
		} else {
			errs = append(errs, fmt.Errorf("context %v not found", n))
		}
	}
	slices.Sort(names)

	nameOnly := o.Output == "name"
	w := printers.NewTabWriter(o.Out)
	if !o.NoHeaders && !nameOnly {
		fmt.Fprintln(w, strings.Join([]string{"CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"}, "\t"))
	}
	for _, n := range names {
		if nameOnly {
			fmt.Fprintln(w, n)
			continue
		}
		mark := " "
		if n == cfg.CurrentContext {
			mark = "*"
		}
		c := byName[n]
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", mark, n, c.Cluster, c.AuthInfo, c.Namespace)
	}
	if err := w.Flush(); err != nil {
		errs = append(errs, err)
	}
	return aggregate(errs)
}

// NewCmdConfigCurrentContext builds `kubex config current-context`.
func NewCmdConfigCurrentContext(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "current-context",
		Short:   "Display the current-context",
		Long:    "Display the current-context.",
		Example: "  # Display the current-context\n  kubex config current-context",
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readStack(l)
			if err != nil {
				return err
			}
			cur := s.Merged().CurrentContext
			if cur == "" {
				return errors.New("current-context is not set")
			}
			_, err = fmt.Fprintln(streams.Out, cur)
			return err
		},
	}
}

// UseContextOptions are the inputs of `kubex config use-context`.
type UseContextOptions struct {
	Loader StackLoader
	Out    io.Writer

	ContextName string
}

// NewCmdConfigUseContext builds `kubex config use-context`.
func NewCmdConfigUseContext(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &UseContextOptions{Loader: l, Out: streams.Out}
	return &cobra.Command{
		Use:                   "use-context CONTEXT_NAME",
		DisableFlagsInUseLine: true,
		Short:                 "Set the current-context in a kubeconfig file",
		Aliases:               []string{"use"},
		Long:                  "Set the current-context in a kubeconfig file.",
		Example:               "  # Use the context for the minikube cluster\n  kubex config use-context minikube",
		ValidArgsFunction:     cmdutil.FirstArg(cmdutil.KubeconfigNames(l.KubeconfigStack, kubeconfig.KindContext)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Run(); err != nil {
				return err
			}
			_, err := fmt.Fprintf(o.Out, "Switched to context %q.\n", o.ContextName)
			return err
		},
	}
}

// Complete takes the one context name.
func (o *UseContextOptions) Complete(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return helpErrorf(cmd, "Unexpected args: %v", args)
	}
	o.ContextName = args[0]
	return nil
}

// Run checks that the context exists and writes current-context.
func (o *UseContextOptions) Run() error {
	s, err := o.Loader.KubeconfigStack()
	if err != nil {
		return err
	}
	if o.ContextName == "" {
		return errors.New("empty context names are not allowed")
	}
	cfg := s.Merged()
	if !slices.ContainsFunc(cfg.Contexts, func(c kubeconfig.NamedContext) bool { return c.Name == o.ContextName }) {
		return fmt.Errorf("no context exists with the name: %q", o.ContextName)
	}
	cfg.CurrentContext = o.ContextName
	return s.Modify(cfg)
}

// SetContextOptions are the inputs of `kubex config set-context`.
type SetContextOptions struct {
	Loader StackLoader
	Out    io.Writer

	Name      string
	Current   bool
	Cluster   string
	User      string
	Namespace string

	clusterSet, userSet, namespaceSet bool
}

// NewCmdConfigSetContext builds `kubex config set-context`.
func NewCmdConfigSetContext(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &SetContextOptions{Loader: l, Out: streams.Out}
	cmd := &cobra.Command{
		Use:                   "set-context [NAME | --current] [--cluster=cluster_nickname] [--user=user_nickname] [--namespace=namespace]",
		DisableFlagsInUseLine: true,
		Short:                 "Set a context entry in kubeconfig",
		Long: `Set a context entry in kubeconfig.

Specifying a name that already exists will merge new fields on top of existing values for those fields.`,
		Example: `  # Set the user field on the gce context entry without touching other values
  kubex config set-context gce --user=cluster-admin

  # Switch the current context to another namespace
  kubex config set-context --current --namespace=kube-system`,
		ValidArgsFunction: cmdutil.FirstArg(cmdutil.KubeconfigNames(l.KubeconfigStack, kubeconfig.KindContext)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			name, existed, err := o.Run()
			if err != nil {
				return err
			}
			verb := "created"
			if existed {
				verb = "modified"
			}
			_, err = fmt.Fprintf(o.Out, "Context %q %s.\n", name, verb)
			return err
		},
	}
	// These shadow the global --cluster, --user and --namespace (and so -n is not accepted), as in kubectl.
	f := cmd.Flags()
	f.BoolVar(&o.Current, "current", o.Current, "Modify the current context")
	f.StringVar(&o.Cluster, "cluster", "", "cluster for the context entry in kubeconfig")
	f.StringVar(&o.User, "user", "", "user for the context entry in kubeconfig")
	f.StringVar(&o.Namespace, "namespace", "", "namespace for the context entry in kubeconfig")
	return cmd
}

// Complete takes the optional name and notes which fields were given (an empty value is a value).
func (o *SetContextOptions) Complete(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return helpErrorf(cmd, "Unexpected args: %v", args)
	}
	if len(args) == 1 {
		o.Name = args[0]
	}
	f := cmd.Flags()
	o.clusterSet, o.userSet, o.namespaceSet = f.Changed("cluster"), f.Changed("user"), f.Changed("namespace")
	return nil
}

// Validate wants exactly one of a name and --current.
func (o *SetContextOptions) Validate() error {
	if o.Name == "" && !o.Current {
		return errors.New("you must specify a non-empty context name or --current")
	}
	if o.Name != "" && o.Current {
		return errors.New("you cannot specify both a context name and --current")
	}
	return nil
}

// Run changes or creates the context and reports its name and whether it existed.
func (o *SetContextOptions) Run() (string, bool, error) {
	s, err := o.Loader.KubeconfigStack()
	if err != nil {
		return "", false, err
	}
	cfg := s.Merged()
	name := o.Name
	if o.Current {
		if cfg.CurrentContext == "" {
			return "", false, errors.New("no current context is set")
		}
		name = cfg.CurrentContext
	}
	i := slices.IndexFunc(cfg.Contexts, func(c kubeconfig.NamedContext) bool { return c.Name == name })
	existed := i >= 0
	if !existed {
		cfg.Contexts = append(cfg.Contexts, kubeconfig.NamedContext{Name: name})
		i = len(cfg.Contexts) - 1
	}
	c := &cfg.Contexts[i].Context
	if o.clusterSet {
		c.Cluster = o.Cluster
	}
	if o.userSet {
		c.AuthInfo = o.User
	}
	if o.namespaceSet {
		c.Namespace = o.Namespace
	}
	return name, existed, s.Modify(cfg)
}
