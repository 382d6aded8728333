// Package wait is `kubex wait`: wait for objects to be deleted, to report a condition or to hold a value
// at a JSONPath, on the library's wait engine (pkg/client/wait: a list, then one watch, never polling).
package wait

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/wait"
	"github.com/kubex-cli/kubex/pkg/config"
)

// Options holds the flags of `kubex wait`.
type Options struct {
	For           string
	Timeout       time.Duration
	Files         cmdutil.FilenameFlags
	Selector      cmdutil.SelectorFlags
	All           bool
	AllNamespaces bool

	args      []string
	namespace string
	explicit  bool
	cond      wait.Condition

	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (*config.Resolved, error)
}

// NewCmdWait builds `kubex wait`.
func NewCmdWait(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{Timeout: 30 * time.Second, streams: streams, client: f.Client, resolved: f.Resolved,
		Files:    cmdutil.FilenameFlags{Usage: "identifying the resource.", Recursive: true},
		Selector: cmdutil.SelectorFlags{WithFields: true, LabelUsage: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2)"}}
	cmd := &cobra.Command{
		Use:   "wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
		Short: "Wait for a specific condition on one or many resources",
		Long: `Wait for a specific condition on one or many resources: their deletion, a status condition
(condition=NAME, or condition=NAME=VALUE), or a value at a JSONPath (jsonpath='{.status.phase}'=Running).
Each object is watched, not polled: kubex returns as soon as the server reports the change.`,
		Example: `  kubex wait --for=condition=Ready pod/busybox1
  kubex wait --for=jsonpath='{.status.phase}'=Running pod -l app=web
  kubex wait --for=delete pod/busybox1 --timeout=60s`,
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.For, "for", "", "The condition to wait on: [delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]]. The default condition-value is true.  Condition values are compared after Unicode simple case folding, which is a more general form of case-insensitivity.")
	fs.DurationVar(&o.Timeout, "timeout", o.Timeout, "The length of time to wait before giving up.  Zero means check once and don't wait, negative means wait for a week.")
	o.Files.AddFlags(fs)
	o.Selector.AddFlags(fs)
	fs.BoolVar(&o.All, "all", false, "Select all resources in the namespace of the specified resource types")
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	return cmd
}

// Complete reads the condition and the namespace.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	if o.For == "" {
		return errors.New("--for must be set")
	}
	var err error
	if o.cond, err = wait.Parse(o.For); err != nil {
		return err
	}
	if o.Timeout < 0 {
		o.Timeout = 168 * time.Hour
	}
	r, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicit = r.Namespace, r.NamespaceExplicit
	return nil
}

// Run waits for every selected object, printing "kind/name condition met" for each, in order.
func (o *Options) Run(ctx context.Context) error {
	sel := cmdutil.Selection{Args: o.args, Filenames: o.Files.Filenames, Recursive: o.Files.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicit, AllNamespaces: o.AllNamespaces,
		LabelSelector: o.Selector.Labels, FieldSelector: o.Selector.Fields}
	c, targets, err := cmdutil.ClientAndTargets(ctx, sel, o.client)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, max(o.Timeout, time.Millisecond))
	defer cancel()
	refs, err := o.Selector.Refs(ctx, c, targets, o.All)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		if o.cond.IsDelete() {
			return nil
		}
		return errors.New("no matching resources found")
	}
	return wait.For(ctx, c, refs, o.cond, func(ref client.Ref) {
		fmt.Fprintf(o.streams.Out, "%s condition met\n", ref)
	})
}
