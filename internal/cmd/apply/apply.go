// Package apply is `kubex apply`: server-side apply of every object of the input, checked whole before
// anything is sent, Namespaces and CRDs first, the rest in parallel, results in input order.
package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/config"
)

// Options holds the flags of `kubex apply`.
type Options struct {
	Files          cmdutil.FilenameFlags
	ServerSide     bool
	FieldManager   cmdutil.FieldManagerFlags
	ForceConflicts bool
	DryRun         cmdutil.DryRunFlags
	Print          cmdutil.PrintFlags
	Selector       cmdutil.SelectorFlags
	Validation     string
	Concurrency    int
	Wait           bool
	Timeout        time.Duration

	namespace string
	explicit  bool
	dryRun    cmdutil.DryRunStrategy

	streams   *iostreams.IOStreams
	client    func() (*client.Client, error)
	discovery func() (*discovery.Discovery, error)
	resolved  func() (*config.Resolved, error)
	warn      func(string)
}

// defaultConcurrency is how many objects are applied at once over the one HTTP/2 connection: enough to
// hide a cloud round-trip time, far below the API server's stream limit and its fairness queues.
const defaultConcurrency = 32

// NewCmdApply builds `kubex apply`.
func NewCmdApply(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{ServerSide: true, FieldManager: cmdutil.FieldManagerFlags{FieldManager: "kubex"}, Validation: "strict",
		Concurrency: defaultConcurrency, Timeout: 5 * time.Minute,
		Files:   cmdutil.FilenameFlags{Usage: "The files that contain the configurations to apply."},
		DryRun:  cmdutil.DryRunFlags{Usage: `Must be "none" or "server". If server, the server checks and answers as if it applied, and stores nothing.`},
		streams: streams, client: f.Client, discovery: f.Discovery, resolved: f.Resolved, warn: f.Warn}
	cmd := &cobra.Command{
		Use:   "apply --server-side -f FILENAME",
		Short: "Apply a configuration to resources with server-side apply",
		Long: `Apply a configuration to resources with server-side apply: the server merges each object into what
it stores and records kubex (or --field-manager) as the manager of the fields the input sets.

Every document of the input is read and checked before anything is sent: a broken document is an error
naming its file, number and line, and then nothing is applied. Namespaces and CustomResourceDefinitions
are applied first (a CRD is waited for until it is Established), so that custom resources can share a
file with their CRD; everything else is applied in parallel. Results are printed in input order.`,
		Example: `  kubex apply -f manifest.yaml
  kubex apply -f ./k8s -R --dry-run=server
  cat objects.json | kubex apply -f - --field-manager ci --force-conflicts`,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	o.Files.AddFlags(fs)
	fs.BoolVar(&o.ServerSide, "server-side", true, "Server-side apply, kubex's only way to apply (the default).")
	o.FieldManager.AddFlags(fs)
	fs.BoolVar(&o.ForceConflicts, "force-conflicts", false, "If true, take the fields other managers own instead of failing with a conflict.")
	o.DryRun.AddFlags(fs)
	o.Print.AddFlags(fs)
	o.Selector.AddFlags(fs)
	fs.StringVar(&o.Validation, "validate", o.Validation, `Must be one of: strict (or true), warn, ignore (or false). How the server treats unknown or duplicate fields.`)
	fs.Lookup("validate").NoOptDefVal = "strict"
	fs.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "How many objects are applied at once.")
	fs.BoolVar(&o.Wait, "wait", false, "After applying, wait until every applied object that has conditions is Ready, Available or Established.")
	fs.DurationVar(&o.Timeout, "timeout", o.Timeout, "With --wait, how long to wait before giving up.")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(cmdutil.ObjectFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("dry-run", cobra.FixedCompletions([]cobra.Completion{"none", "server"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Complete reads the namespace.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return cmdutil.UsageErrorf(cmd, "Unexpected args: %v", args)
	}
	r, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicit = r.Namespace, r.NamespaceExplicit
	return nil
}

// Validate rejects what kubex does not do, saying why.
func (o *Options) Validate(cmd *cobra.Command) error {
	switch {
	case !o.Files.Given():
		return cmdutil.UsageErrorf(cmd, "must specify one of -f and -k")
	case !o.ServerSide:
		return errors.New("--server-side=false: kubex applies only with server-side apply, which keeps field ownership on the server and needs no last-applied annotation; use kubectl for client-side apply")
	}
	var err error
	if o.dryRun, err = o.DryRun.Strategy(o.warn); err != nil {
		return err
	}
	switch {
	case o.dryRun == cmdutil.DryRunClient:
		return errors.New("--dry-run=client doesn't work with server-side apply (did you mean --dry-run=server instead?)")
	case o.Concurrency < 1:
		return cmdutil.UsageErrorf(cmd, "--concurrency must be at least 1")
	}
	if err := o.Print.Complete(); err != nil {
		return err
	}
	switch o.Validation {
	case "strict", "true":
		o.Validation = "Strict"
	case "warn":
		o.Validation = "Warn"
	case "ignore", "false":
		o.Validation = "Ignore"
	default:
		return fmt.Errorf("invalid - validate option %q; must be one of: strict (true), warn, ignore (false)", o.Validation)
	}
	return nil
}

// Run applies.
func (o *Options) Run(ctx context.Context) error {
	p, err := o.plan(ctx)
	if err != nil {
		return err
	}
	return p.run(ctx)
}
