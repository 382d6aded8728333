// Package deletecmd is `kubex delete`: delete objects by name, file, selector or --all, then (by default)
// wait on the watch engine until they are gone.
package deletecmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmd/wait"
	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

// Options holds the flags of `kubex delete`.
type Options struct {
	Filenames      []string
	Recursive      bool
	LabelSelector  string
	FieldSelector  string
	All            bool
	AllNamespaces  bool
	IgnoreNotFound bool
	Cascade        string
	GracePeriod    int
	Now            bool
	Force          bool
	Wait           bool
	Timeout        time.Duration
	DryRun         string
	Output         string

	args      []string
	namespace string
	explicit  bool

	streams   *iostreams.IOStreams
	client    func() (*client.Client, error)
	discovery func() (*discovery.Discovery, error)
	resolved  func() (*config.Resolved, error)
	warn      func(string)
}

// NewCmdDelete builds `kubex delete`.
func NewCmdDelete(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{Cascade: "background", GracePeriod: -1, Wait: true, DryRun: "none",
		streams: streams, client: f.Client, discovery: f.Discovery, resolved: f.Resolved, warn: f.Warn}
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
	fs.StringSliceVarP(&o.Filenames, "filename", "f", nil, "containing the resource to delete.")
	fs.BoolVarP(&o.Recursive, "recursive", "R", false, "Process the directory used in -f, --filename recursively.")
	fs.StringVarP(&o.LabelSelector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.")
	fs.StringVar(&o.FieldSelector, "field-selector", "", "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
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
	fs.StringVar(&o.DryRun, "dry-run", "none", `Must be "none" or "server". If server, the server checks and answers as if it deleted, and deletes nothing.`)
	fs.Lookup("dry-run").NoOptDefVal = "unchanged"
	fs.StringVarP(&o.Output, "output", "o", "", "Output mode. Use \"-o name\" for shorter output (resource/name).")
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
	case o.Output != "" && o.Output != "name":
		return fmt.Errorf("unexpected -o output mode: %v. We only support '-o name'", o.Output)
	case o.All && (o.LabelSelector != "" || o.FieldSelector != ""):
		// kubectl's resource builder words it so, trailing space included.
		return errors.New("setting 'all' parameter but found a non empty selector. ")
	case o.GracePeriod > 0 && o.Force:
		return errors.New("--force and --grace-period greater than 0 cannot be specified together")
	case o.DryRun == "client":
		return errors.New(`--dry-run=client is not supported: use --dry-run=server, which asks the server what it would delete`)
	case o.DryRun != "none" && o.DryRun != "server":
		//lint:ignore ST1005 kubectl's wording, capital and full stop included
		return fmt.Errorf(`Invalid dry-run value (%v). Must be "none" or "server".`, o.DryRun)
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
	sel := cmdutil.Selection{Args: o.args, Filenames: o.Filenames, Recursive: o.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicit, AllNamespaces: o.AllNamespaces,
		LabelSelector: o.LabelSelector, FieldSelector: o.FieldSelector}
	c, targets, err := cmdutil.ClientAndTargets(ctx, sel, o.client)
	if err != nil {
		return err
	}
	var objs []wait.Object
	for _, t := range targets {
		if t.Names != nil {
			for _, n := range t.Names {
				objs = append(objs, wait.Object{Res: t.Res, Namespace: t.Namespace, Name: n})
			}
			continue
		}
		if !o.All && o.LabelSelector == "" && o.FieldSelector == "" {
			return errors.New("resource(s) were provided, but no name was specified")
		}
		found, err := wait.List(ctx, c, t, o.LabelSelector, o.FieldSelector)
		if err != nil {
			return err
		}
		objs = append(objs, found...)
	}

	var errs []error
	var deleted []wait.Object
	for _, obj := range objs {
		uid, err := o.delete(ctx, c, obj)
		switch {
		case err == nil:
			obj.UID = uid
			deleted = append(deleted, obj)
			o.print(obj)
		case transport.IsNotFound(err) && o.IgnoreNotFound:
		default:
			errs = append(errs, err)
		}
	}
	if len(objs) == 0 {
		fmt.Fprintln(o.streams.Out, "No resources found")
		return nil
	}
	if o.Wait && o.DryRun == "none" && len(deleted) > 0 {
		timeout := o.Timeout
		if timeout <= 0 {
			timeout = 168 * time.Hour
		}
		wctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		err := wait.For(wctx, c, deleted, wait.Condition{Delete: true}, func(wait.Object) {})
		// As kubectl: not being allowed to watch is no reason to fail a delete that worked.
		if err != nil && !transport.IsForbidden(err) {
			errs = append(errs, err)
		}
	}
	return cmdutil.Aggregate(errs)
}

// delete sends one DELETE and returns the uid of what it deleted.
func (o *Options) delete(ctx context.Context, c *client.Client, obj wait.Object) (string, error) {
	opts := client.DeleteOptions{Propagation: client.Propagation(capitalize(o.Cascade)), DryRun: o.DryRun == "server"}
	if o.GracePeriod >= 0 {
		g := int64(o.GracePeriod)
		opts.GracePeriodSeconds = &g
	}
	b, err := c.Resource(obj.Res, obj.Namespace).Delete(ctx, obj.Name, opts)
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

// print writes kubectl 1.34's line for a deletion.
func (o *Options) print(obj wait.Object) {
	if o.Output == "name" {
		fmt.Fprintln(o.streams.Out, obj.Describe())
		return
	}
	kind, _, _ := strings.Cut(obj.Describe(), "/")
	op := "deleted"
	if o.GracePeriod == 0 {
		op = "force deleted"
	}
	if obj.Res.Namespaced {
		op += " from " + obj.Namespace + " namespace"
	}
	if o.DryRun == "server" {
		op += " (server dry run)"
	}
	fmt.Fprintf(o.streams.Out, "%s \"%s\" %s\n", kind, obj.Name, op)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
