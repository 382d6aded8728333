package config

import (
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	kubeconfig "github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// ViewOptions are the inputs of `kubex config view`.
type ViewOptions struct {
	Loader StackLoader
	Out    io.Writer

	Output  string
	Print   cmdutil.PrintFlags
	Minify  bool
	Flatten bool
	Raw     bool
	Merge   bool
	// Context is the global --context, which picks the context that --minify keeps.
	Context string

	mergeSet bool
	stack    *kubeconfig.Stack
}

// NewCmdConfigView builds `kubex config view`.
func NewCmdConfigView(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &ViewOptions{Loader: l, Out: streams.Out, Print: cmdutil.PrintFlags{Output: "yaml"}, Merge: true}
	cmd := &cobra.Command{
		Use:   "view",
		Short: "Display merged kubeconfig settings or a specified kubeconfig file",
		Long:  "Display merged kubeconfig settings or a specified kubeconfig file.",
		Example: `  # Show merged kubeconfig settings
  kubex config view

  # Show merged kubeconfig settings, raw certificate data, and exposed secrets
  kubex config view --raw

  # Show only the current context, its cluster and user, with certificates inlined
  kubex config view --minify --flatten`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run()
		},
	}
	f := cmd.Flags()
	o.Print.AddFlags(f)
	f.BoolVar(&o.Merge, "merge", o.Merge, "Merge the full hierarchy of kubeconfig files")
	f.BoolVar(&o.Raw, "raw", o.Raw, "Display raw byte data and sensitive data")
	f.BoolVar(&o.Flatten, "flatten", o.Flatten, "Flatten the resulting kubeconfig file into self-contained output (useful for creating portable kubeconfig files)")
	f.BoolVar(&o.Minify, "minify", o.Minify, "Remove all information not used by current-context from the output")
	return cmd
}

// Complete reads the global --context and loads the kubeconfig files.
func (o *ViewOptions) Complete(cmd *cobra.Command, args []string) error {
	if len(args) != 0 {
		return cmdutil.UsageErrorf(cmd, "unexpected arguments: %v", args)
	}
	if f := cmd.Flags().Lookup("context"); f != nil {
		o.Context = f.Value.String()
	}
	o.mergeSet = cmd.Flags().Changed("merge")
	s, err := readStack(o.Loader)
	if err != nil {
		return err
	}
	o.stack = s
	return nil
}

// Validate rejects an output format other than yaml or json, and --merge=false without --kubeconfig.
func (o *ViewOptions) Validate() error {
	o.Output = o.Print.Output
	if err := o.Print.Complete(); err != nil {
		return err
	}
	// kubectl turns merging off by default for --kubeconfig, which only changes what this check sees.
	if o.mergeSet && !o.Merge && !o.stack.Explicit() {
		return errors.New("if merge==false a precise file must be specified")
	}
	return nil
}

// Run prints the config.
func (o *ViewOptions) Run() error {
	c, err := o.stack.View(kubeconfig.ViewOptions{Minify: o.Minify, Flatten: o.Flatten, Raw: o.Raw, Context: o.Context})
	if err != nil {
		return err
	}
	var b []byte
	switch o.Print.Format().Name {
	case "json":
		b, err = kubeconfig.EncodeJSON(c)
	case "", "yaml":
		b, err = kubeconfig.EncodeYAML(c)
	default: // templates and name print the config as the object it is
		if b, err = kubeconfig.EncodeJSON(c); err != nil {
			return err
		}
		p, err := o.Print.ToPrinter(o.Out, printers.ObjectOptions{Single: true})
		if err != nil {
			return err
		}
		if p == nil {
			p = printers.NewName(o.Out, printers.ObjectOptions{Single: true})
		}
		if err := p.PrintObject(printers.Object{Raw: b}); err != nil {
			return err
		}
		return p.Close()
	}
	if err != nil {
		return err
	}
	_, err = o.Out.Write(b)
	return err
}
