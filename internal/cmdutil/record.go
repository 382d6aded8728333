package cmdutil

import (
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// ChangeCause is the annotation kubectl's deprecated --record writes the command line into.
const ChangeCause = "kubernetes.io/change-cause"

// RecordedCommand is the command line --record writes, as kubectl words it: the program's base name, the
// arguments, then every flag given as --name=value, read again from the process's arguments with a copy
// of the flags (so that the command's own values are not parsed twice).
func RecordedCommand(cmd *cobra.Command, argv []string) string {
	if len(argv) == 0 {
		return ""
	}
	fs := pflag.NewFlagSet(cmd.Name(), pflag.ContinueOnError)
	fs.ParseErrorsAllowlist.UnknownFlags = true
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		fs.AddFlag(&pflag.Flag{Name: f.Name, Shorthand: f.Shorthand, NoOptDefVal: f.NoOptDefVal, Value: &anyValue{}})
	})
	flags := ""
	if err := fs.ParseAll(argv[1:], func(f *pflag.Flag, value string) error {
		flags += " --" + f.Name + "=" + value
		return nil
	}); err != nil {
		return ""
	}
	args := ""
	if rest := fs.Args(); len(rest) > 0 {
		args = " " + strings.Join(rest, " ")
	}
	return filepath.Base(argv[0]) + args + flags
}

// anyValue takes any flag value: RecordedCommand only wants the text.
type anyValue struct{ s string }

func (v *anyValue) String() string     { return v.s }
func (v *anyValue) Set(s string) error { v.s = s; return nil }
func (v *anyValue) Type() string       { return "string" }
