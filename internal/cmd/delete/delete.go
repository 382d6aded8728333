// Package deletecmd is `kubex delete`: delete objects by name, file, selector or --all, then (by default)
// wait on the watch engine until they are gone.
package deletecmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/client/wait"
	"github.com/kubex-cli/kubex/pkg/config"
)

// Options holds the flags of `kubex delete`.
type Options struct {
	Files          cmdutil.FilenameFlags
	Selector       cmdutil.SelectorFlags
	All            bool
	AllNamespaces  bool
	IgnoreNotFound bool
	Cascade        string
	GracePeriod    int
	Now            bool
	Force          bool
	Wait           bool
	Timeout        time.Duration
	DryRun         cmdutil.DryRunFlags
	Print          cmdutil.PrintFlags

	args      []string
	namespace string
	explicit  bool
	dryRun    cmdutil.DryRunStrategy

	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (*config.Resolved, error)
	warn     func(string)
}

// NewCmdDelete builds `kubex delete`.
func NewCmdDelete(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{Cascade: "background", GracePeriod: -1, Wait: true,
		Files:    cmdutil.FilenameFlags{Usage: "containing the resource to delete."},
		Selector: cmdutil.SelectorFlags{WithFields: true},
		DryRun:   cmdutil.DryRunFlags{Usage: `Must be "none" or "server". If server, the server checks and answers as if it deleted, and deletes nothing.`},
		Print:    cmdutil.PrintFlags{Formats: []string{"name"}, Usage: `Output mode. Use "-o name" for shorter output (resource/name).`},
		streams:  streams, client: f.Client, resolved: f.Resolved, warn: f.Warn}
	cmd := &cobra.Command{
		Use:   "delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)])",
		Short: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
		Example: `  kubex delete pod web-1
  kubex delete -f manifest.yaml
  kubex delete pods -l app=web --wait=false`,
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	o.Files.AddFlags(fs)
	o.Selector.AddFlags(fs)
	fs.BoolVar(&o.All, "all", false, "Delete all resources, in the namespace of the specified resource types.")
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	fs.BoolVar(&o.IgnoreNotFound, "ignore-not-found", false, "Treat \"resource not found\" as a successful delete. Defaults to \"true\" when --all is specified.")
	fs.StringVar(&o.Cascade, "cascade", o.Cascade, `Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.`)
	fs.Lookup("cascade").NoOptDefVal = "background"
	fs.IntVar(&o.GracePeriod, "grace-period", o.GracePeriod, "Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).")
	fs.BoolVar(&o.Now, "now", false, "If true, resources are signaled for immediate shutdown (same as --grace-period=1).")
	fs.BoolVar(&o.Force, "force", false, "If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.")
	fs.BoolVar(&o.Wait, "wait", true, "If true, wait for resources to be gone before returning. This waits for finalizers.")
	fs.DurationVar(&o.Timeout, "timeout", 0, "The length of time to wait before giving up on a delete, zero means wait for a week")
	o.DryRun.AddFlags(fs)
	o.Print.AddFlags(fs)
	return cmd
}

// Complete reads the namespace and kubectl's defaults that depend on other flags.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	r, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicit = r.Namespace, r.NamespaceExplicit
	if o.All && !cmd.Flags().Changed("ignore-not-found") {
		o.IgnoreNotFound = true
	}
	if o.Now {
		if o.GracePeriod >= 0 {
			return errors.New("--now and --grace-period cannot be specified together")
		}
		o.GracePeriod = 1
	}
	if o.GracePeriod == 0 && !o.Force {
		o.GracePeriod = 1 // as kubectl: 0 without --force means "as fast as possible", not force
	}
	if o.Force && o.GracePeriod < 0 {
		o.GracePeriod = 0
	}
	return nil
}

// Validate rejects contradictory flags in kubectl's words.
func (o *Options) Validate() error {
	switch {
	case o.Print.Output != "" && o.Print.Output != "name":
		return fmt.Errorf("unexpected -o output mode: %v. We only support '-o name'", o.Print.Output)
	case o.All && o.Selector.Any():
		// kubectl's resource builder words it so, trailing space included.
		return errors.New("setting 'all' parameter but found a non empty selector. ")
	case o.GracePeriod > 0 && o.Force:
		return errors.New("--force and --grace-period greater than 0 cannot be specified together")
	}
	var err error
	if o.dryRun, err = o.DryRun.Strategy(o.warn); err != nil {
		return err
	}
	if o.dryRun == cmdutil.DryRunClient {
		return errors.New(`--dry-run=client is not supported: use --dry-run=server, which asks the server what it would delete`)
	}
	switch o.Cascade {
	case "background", "foreground", "orphan":
	case "true":
		o.Cascade = "background"
	case "false":
		o.Cascade = "orphan"
	default:
		return fmt.Errorf(`invalid cascade value (%v). Must be "background", "foreground", or "orphan"`, o.Cascade)
	}
	return nil
}

// Run deletes every selected object, in order, then waits for them to be gone.
func (o *Options) Run(ctx context.Context) error {
	sel := cmdutil.Selection{Args: o.args, Filenames: o.Files.Filenames, Recursive: o.Files.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicit, AllNamespaces: o.AllNamespaces,
		LabelSelector: o.Selector.Labels, FieldSelector: o.Selector.Fields}
	c, targets, err := cmdutil.ClientAndTargets(ctx, sel, o.client)
	if err != nil {
		return err
	}
	refs, err := o.Selector.Refs(ctx, c, targets, o.All)
	if err != nil {
		return err
	}

	out := cmdutil.ResultPrinter{Out: o.streams.Out, Name: o.Print.Output == "name", DryRun: o.dryRun}
	var errs []error
	var deleted []client.Ref
	for _, ref := range refs {
		uid, err := o.delete(ctx, c, ref)
		switch {
		case err == nil:
			ref.UID = uid
			deleted = append(deleted, ref)
			_ = out.PrintQuoted(ref, o.operation(ref))
		case transport.IsNotFound(err) && o.IgnoreNotFound:
		default:
			errs = append(errs, err)
		}
	}
	if len(refs) == 0 {
		fmt.Fprintln(o.streams.Out, "No resources found")
		return nil
	}
	if o.Wait && o.dryRun == cmdutil.DryRunNone && len(deleted) > 0 {
		timeout := o.Timeout
		if timeout <= 0 {
			timeout = 168 * time.Hour
		}
		wctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		err := wait.For(wctx, c, deleted, wait.Deleted(), nil)
		// As kubectl: not being allowed to watch is no reason to fail a delete that worked.
		if err != nil && !transport.IsForbidden(err) {
			errs = append(errs, err)
		}
	}
	return cmdutil.Aggregate(errs)
}

// delete sends one DELETE and returns the uid of what it deleted.
func (o *Options) delete(ctx context.Context, c *client.Client, ref client.Ref) (string, error) {
	opts := client.DeleteOptions{Propagation: client.Propagation(capitalize(o.Cascade)), DryRun: o.dryRun.Server()}
	if o.GracePeriod >= 0 {
		g := int64(o.GracePeriod)
		opts.GracePeriodSeconds = &g
	}
	b, err := c.Resource(ref.Type, ref.Namespace).Delete(ctx, ref.Name, opts)
	if err != nil {
		return "", err
	}
	var answer struct {
		Metadata struct{ UID string }
		Details  struct{ UID string } // a Status for some resources
	}
	_ = json.Unmarshal(b, &answer) // the uid only helps the wait: deleted is deleted
	if answer.Metadata.UID != "" {
		return answer.Metadata.UID, nil
	}
	return answer.Details.UID, nil
}

// operation is kubectl 1.34's word for a deletion: "deleted from NS namespace", "force deleted".
func (o *Options) operation(ref client.Ref) string {
	op := "deleted"
	if o.GracePeriod == 0 {
		op = "force deleted"
	}
	if ref.Type.Namespaced {
		op += " from " + ref.Namespace + " namespace"
	}
	return op
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
