// Package node is the node commands: cordon and uncordon.
package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// NodesType is the core/v1 nodes resource, known without discovery.
var NodesType = discovery.Resource{Version: "v1", Name: "nodes", SingularName: "node", Kind: "Node", ShortNames: []string{"no"}}

// CordonOptions holds the flags of `kubex cordon` and `kubex uncordon`.
type CordonOptions struct {
	Selector cmdutil.SelectorFlags
	DryRun   cmdutil.DryRunFlags

	desired bool
	dryRun  cmdutil.DryRunStrategy
	f       *cmdutil.Factory
	streams *iostreams.IOStreams
}

// NewCmdCordon builds `kubex cordon`.
func NewCmdCordon(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	return newCmd(f, streams, true, "cordon NODE", "Mark node as unschedulable", "Mark node as unschedulable.", `  # Mark node "foo" as unschedulable
  kubex cordon foo`)
}

// NewCmdUncordon builds `kubex uncordon`.
func NewCmdUncordon(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	return newCmd(f, streams, false, "uncordon NODE", "Mark node as schedulable", "Mark node as schedulable.", `  # Mark node "foo" as schedulable
  kubex uncordon foo`)
}

func newCmd(f *cmdutil.Factory, streams *iostreams.IOStreams, desired bool, use, short, long, example string) *cobra.Command {
	o := &CordonOptions{desired: desired, f: f, streams: streams}
	cmd := &cobra.Command{
		Use:                   use,
		DisableFlagsInUseLine: true,
		Short:                 short,
		Long:                  long,
		Example:               example,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !cmd.Flags().Changed("selector") {
				return cmdutil.UsageErrorf(cmd, "USAGE: %s [flags]", cmd.Use)
			}
			if len(args) > 0 && o.Selector.Labels != "" {
				return cmdutil.UsageErrorf(cmd, "cannot specify both a node name and a --selector option")
			}
			var err error
			if o.dryRun, err = o.DryRun.Strategy(f.Warn); err != nil {
				return err
			}
			return o.Run(cmd.Context(), args)
		},
	}
	o.Selector.AddFlags(cmd.Flags())
	o.DryRun.AddFlags(cmd.Flags())
	return cmd
}

// Run marks each node, printing kubectl's line for each and an error line for each failure.
func (o *CordonOptions) Run(ctx context.Context, args []string) error {
	c, err := o.f.Client()
	if err != nil {
		return err
	}
	nodes := c.Resource(NodesType, "")
	names := args
	if len(args) == 0 {
		if o.Selector.Labels == "" {
			return errors.New("resource(s) were provided, but no name was specified")
		}
		refs, err := nodes.Refs(ctx, o.Selector.ListOptions())
		if err != nil {
			return err
		}
		for _, r := range refs {
			names = append(names, r.Name)
		}
	}
	verb := "cordon"
	if !o.desired {
		verb = "uncordon"
	}
	out := &cmdutil.ResultPrinter{Out: o.streams.Out, DryRun: o.dryRun}
	var unschedulable any
	if o.desired {
		unschedulable = true
	}
	var errs []error
	for _, name := range names {
		raw, err := nodes.Get(ctx, name, client.GetOptions{})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var n struct {
			Spec struct {
				Unschedulable bool `json:"unschedulable"`
			} `json:"spec"`
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			return err
		}
		ref := client.Ref{Type: NodesType, Name: name}
		if n.Spec.Unschedulable == o.desired {
			_ = out.Print(ref, "already "+verb+"ed")
			continue
		}
		if o.dryRun != cmdutil.DryRunClient {
			patch := client.Strategic(map[string]any{"spec": map[string]any{"unschedulable": unschedulable}})
			if _, err := nodes.Patch(ctx, name, patch, client.PatchOptions{DryRun: o.dryRun.Server()}); err != nil {
				fmt.Fprintf(o.streams.ErrOut, "error: unable to %s node %q: %v\n", verb, name, err)
				continue
			}
		}
		_ = out.Print(ref, verb+"ed")
	}
	return cmdutil.Aggregate(errs)
}
