// Package config holds `kubex config` and its subcommands, which read and edit kubeconfig files the way
// kubectl's do.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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
		// Without a subcommand, kubectl prints the help to stderr and fails: the error carries the help.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf(cmd, "unknown command %q", strings.Join(args, " "))
			}
			var help bytes.Buffer
			cmd.SetOut(&help)
			defer cmd.SetOut(streams.Out)
			if err := cmd.Help(); err != nil {
				return err
			}
			return &messageError{err: errors.New("no subcommand given"), msg: strings.TrimSuffix(help.String(), "\n")}
		},
	}
	cmd.AddCommand(
		NewCmdConfigView(l, streams),
		NewCmdConfigGetContexts(l, streams),
		NewCmdConfigCurrentContext(l, streams),
		NewCmdConfigUseContext(l, streams),
		NewCmdConfigSetContext(l, streams),
	)
	return cmd
}

// helpErrorf prints the command's help to stdout and returns the error, as kubectl does for wrong arguments.
func helpErrorf(cmd *cobra.Command, format string, args ...any) error {
	_ = cmd.Help()
	return fmt.Errorf(format, args...)
}

// messageError is an error that knows what the user should read; the root command's error printer shows
// UserMessage as it is.
type messageError struct {
	err error
	msg string
}

func (e *messageError) Error() string       { return e.err.Error() }
func (e *messageError) Unwrap() error       { return e.err }
func (e *messageError) UserMessage() string { return e.msg }

// usageErrorf reports a command-line mistake followed by a pointer to --help, worded like the rest of kubex.
func usageErrorf(cmd *cobra.Command, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &messageError{err: err, msg: fmt.Sprintf("error: %s\nSee '%s --help' for usage.", err, cmd.CommandPath())}
}

// aggregateError reports several problems at once. kubectl prints a single one as "error: ..." and several
// as bare lines; UserMessage gives the same text.
type aggregateError []error

func (e aggregateError) Error() string { return errors.Join(e...).Error() }

func (e aggregateError) Unwrap() []error { return e }

func (e aggregateError) UserMessage() string {
	if len(e) == 1 {
		return "error: " + e[0].Error()
	}
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "\n")
}

func aggregate(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return aggregateError(errs)
}
