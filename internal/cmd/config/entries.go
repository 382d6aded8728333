package config

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	kubeconfig "github.com/kubex-cli/kubex/pkg/config"
)

// NewCmdConfigGetClusters builds `kubex config get-clusters`.
func NewCmdConfigGetClusters(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	return newGetNamesCmd(l, streams, kubeconfig.KindCluster, "get-clusters", "clusters",
		"  # List the clusters that kubex knows about\n  kubex config get-clusters")
}

// NewCmdConfigGetUsers builds `kubex config get-users`.
func NewCmdConfigGetUsers(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	return newGetNamesCmd(l, streams, kubeconfig.KindUser, "get-users", "users",
		"  # List the users that kubex knows about\n  kubex config get-users")
}

// newGetNamesCmd prints "NAME" and one name a line. kubectl ignores arguments here, and so do we. kubectl
// lists clusters in map order; sorted names are one of the orders it may print.
func newGetNamesCmd(l StackLoader, streams *iostreams.IOStreams, kind kubeconfig.EntryKind, use, what, example string) *cobra.Command {
	return &cobra.Command{
		Use:     use,
		Short:   "Display " + what + " defined in the kubeconfig",
		Long:    "Display " + what + " defined in the kubeconfig.",
		Example: example,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readStack(l)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintln(streams.Out, "NAME"); err != nil {
				return err
			}
			for _, n := range s.Merged().Names(kind) {
				if _, err := fmt.Fprintln(streams.Out, n); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// DeleteOptions are the inputs of `kubex config delete-context`, `delete-cluster` and `delete-user`.
type DeleteOptions struct {
	Loader StackLoader
	Out    io.Writer
	ErrOut io.Writer

	Kind kubeconfig.EntryKind
	Name string

	stack *kubeconfig.Stack
	// file is the file kubectl names in its messages: the --kubeconfig file or DefaultFile(), which is not
	// necessarily the one the entry is removed from.
	file string
	// help is set when the arguments are wrong in the way that makes kubectl print the help and succeed.
	help bool
}

// NewCmdConfigDeleteContext builds `kubex config delete-context`.
func NewCmdConfigDeleteContext(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	return newDeleteCmd(l, streams, kubeconfig.KindContext, "delete-context", "context",
		"  # Delete the context for the minikube cluster\n  kubex config delete-context minikube")
}

// NewCmdConfigDeleteCluster builds `kubex config delete-cluster`.
func NewCmdConfigDeleteCluster(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	return newDeleteCmd(l, streams, kubeconfig.KindCluster, "delete-cluster", "cluster",
		"  # Delete the minikube cluster\n  kubex config delete-cluster minikube")
}

// NewCmdConfigDeleteUser builds `kubex config delete-user`.
func NewCmdConfigDeleteUser(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	return newDeleteCmd(l, streams, kubeconfig.KindUser, "delete-user", "user",
		"  # Delete the minikube user\n  kubex config delete-user minikube")
}

func newDeleteCmd(l StackLoader, streams *iostreams.IOStreams, kind kubeconfig.EntryKind, use, what, example string) *cobra.Command {
	o := &DeleteOptions{Loader: l, Out: streams.Out, ErrOut: streams.ErrOut, Kind: kind}
	return &cobra.Command{
		Use:                   use + " NAME",
		DisableFlagsInUseLine: true,
		Short:                 "Delete the specified " + what + " from the kubeconfig",
		Long:                  "Delete the specified " + what + " from the kubeconfig.",
		Example:               example,
		ValidArgsFunction:     cmdutil.FirstArg(cmdutil.KubeconfigNames(l.KubeconfigStack, kind)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if o.help {
				return cmd.Help()
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
}

// Complete loads the stack before looking at the arguments, as kubectl does, so that a broken kubeconfig
// is reported first.
func (o *DeleteOptions) Complete(cmd *cobra.Command, args []string) error {
	s, err := o.Loader.KubeconfigStack()
	if err != nil {
		return err
	}
	o.stack = s
	o.file = s.DefaultFile()
	if len(args) != 1 {
		// kubectl's delete-user is the only one that calls this an error.
		if o.Kind == kubeconfig.KindUser {
			return cmdutil.UsageErrorf(cmd, "user to delete is required")
		}
		o.help = true
		return nil
	}
	o.Name = args[0]
	return nil
}

// Validate checks that the merged config has the entry.
func (o *DeleteOptions) Validate() error {
	if !slices.Contains(o.stack.Merged().Names(o.Kind), o.Name) {
		return fmt.Errorf("cannot delete %s %s, not in %s", o.Kind, o.Name, o.file)
	}
	return nil
}

// Run removes the entry from the file (and document) that defines it, leaving any shadowed definition in
// a later file in place, as kubectl does.
func (o *DeleteOptions) Run() error {
	cfg := o.stack.Merged()
	isName := func(n string) bool { return n == o.Name }
	switch o.Kind {
	case kubeconfig.KindCluster:
		cfg.Clusters = slices.DeleteFunc(cfg.Clusters, func(c kubeconfig.NamedCluster) bool { return isName(c.Name) })
	case kubeconfig.KindUser:
		cfg.AuthInfos = slices.DeleteFunc(cfg.AuthInfos, func(u kubeconfig.NamedUser) bool { return isName(u.Name) })
	case kubeconfig.KindContext:
		if cfg.CurrentContext == o.Name {
			// kubectl's words, including its name, so that scripts matching them keep working.
			fmt.Fprint(o.ErrOut, "warning: this removed your active context, use \"kubex config use-context\" to select a different one\n")
		}
		cfg.Contexts = slices.DeleteFunc(cfg.Contexts, func(c kubeconfig.NamedContext) bool { return isName(c.Name) })
	}
	if err := o.stack.Modify(cfg); err != nil {
		return err
	}
	_, err := fmt.Fprintf(o.Out, "deleted %s %s from %s\n", o.Kind, o.Name, o.file)
	return err
}

// RenameContextOptions are the inputs of `kubex config rename-context`.
type RenameContextOptions struct {
	Loader StackLoader
	Out    io.Writer

	ContextName string
	NewName     string
}

// NewCmdConfigRenameContext builds `kubex config rename-context`.
func NewCmdConfigRenameContext(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &RenameContextOptions{Loader: l, Out: streams.Out}
	return &cobra.Command{
		Use:                   "rename-context CONTEXT_NAME NEW_NAME",
		DisableFlagsInUseLine: true,
		Short:                 "Rename a context from the kubeconfig file",
		Long: `Renames a context from the kubeconfig file.

CONTEXT_NAME is the context name that you want to change.

NEW_NAME is the new name you want to set.

Note: If the context being renamed is the 'current-context', this field will also be updated.`,
		Example:           "  # Rename the context 'old-name' to 'new-name' in your kubeconfig file\n  kubex config rename-context old-name new-name",
		ValidArgsFunction: cmdutil.FirstArg(cmdutil.KubeconfigNames(l.KubeconfigStack, kubeconfig.KindContext)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			if err := o.Run(); err != nil {
				return err
			}
			_, err := fmt.Fprintf(o.Out, "Context %q renamed to %q.\n", o.ContextName, o.NewName)
			return err
		},
	}
}

// Complete takes the old and the new name.
func (o *RenameContextOptions) Complete(cmd *cobra.Command, args []string) error {
	if len(args) != 2 {
		return helpErrorf(cmd, "Unexpected args: %v", args)
	}
	o.ContextName, o.NewName = args[0], args[1]
	return nil
}

// Validate wants a new name; kubectl's message starts with a capital.
func (o *RenameContextOptions) Validate() error {
	if o.NewName == "" {
		//lint:ignore ST1005 kubectl's wording
		return errors.New("You must specify a new non-empty context name")
	}
	return nil
}

// Run renames the context where it is defined, and current-context with it.
func (o *RenameContextOptions) Run() error {
	s, err := o.Loader.KubeconfigStack()
	if err != nil {
		return err
	}
	file := s.DefaultFile()
	cfg := s.Merged()
	i := slices.IndexFunc(cfg.Contexts, func(c kubeconfig.NamedContext) bool { return c.Name == o.ContextName })
	if i < 0 {
		return fmt.Errorf("cannot rename the context %q, it's not in %s", o.ContextName, file)
	}
	if slices.ContainsFunc(cfg.Contexts, func(c kubeconfig.NamedContext) bool { return c.Name == o.NewName }) {
		return fmt.Errorf("cannot rename the context %q, the context %q already exists in %s", o.ContextName, o.NewName, file)
	}
	cfg.Contexts[i].Name = o.NewName
	if cfg.CurrentContext == o.ContextName {
		cfg.CurrentContext = o.NewName
	}
	return s.ModifyRenamed(cfg, kubeconfig.KindContext, o.ContextName, o.NewName)
}
