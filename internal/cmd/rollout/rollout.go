// Package rollout is `kubex rollout`: status, history, undo, restart, pause and resume of deployments,
// daemon sets and stateful sets.
package rollout

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// NewCmdRollout builds `kubex rollout` with its subcommands.
func NewCmdRollout(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:                   "rollout SUBCOMMAND",
		DisableFlagsInUseLine: true,
		Short:                 "Manage the rollout of a resource",
		Long: `Manage the rollout of one or many resources.
		
 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets`,
		Example: `  # Rollback to the previous deployment
  kubex rollout undo deployment/abc
  
  # Check the rollout status of a daemonset
  kubex rollout status daemonset/foo
  
  # Restart a deployment
  kubex rollout restart deployment/abc
  
  # Restart deployments with the 'app=nginx' label
  kubex rollout restart deployment --selector=app=nginx`,
		RunE: cmdutil.ParentRunE(streams),
	}
	cmd.AddCommand(
		newCmdHistory(f, streams),
		newCmdPatcher(f, streams, pauseSpec),
		newCmdPatcher(f, streams, restartSpec),
		newCmdPatcher(f, streams, resumeSpec),
		newCmdStatus(f, streams),
		newCmdUndo(f, streams),
	)
	return cmd
}

// targets is what every subcommand shares: TYPE NAME, TYPE/NAME, -f and -l, in the command's namespace.
type targets struct {
	Files    cmdutil.FilenameFlags
	Selector cmdutil.SelectorFlags

	f       *cmdutil.Factory
	streams *iostreams.IOStreams
	ns      string
}

func (t *targets) addFlags(cmd *cobra.Command, fileUsage string) {
	t.Files.Usage = fileUsage
	t.Files.AddFlags(cmd.Flags())
	t.Selector.AddFlags(cmd.Flags())
}

// refs resolves the arguments to objects: named ones, or every one of a type the selector matches.
func (t *targets) refs(ctx context.Context, args []string) (*client.Client, []client.Ref, error) {
	if len(args) == 0 && !t.Files.Given() {
		return nil, nil, errors.New("required resource not specified")
	}
	r, err := t.f.Resolved()
	if err != nil {
		return nil, nil, err
	}
	t.ns = r.Namespace
	sel := cmdutil.Selection{Args: args, Filenames: t.Files.Filenames, Recursive: t.Files.Recursive, Stdin: t.streams.In,
		Namespace: r.Namespace, Explicit: r.NamespaceExplicit, LabelSelector: t.Selector.Labels}
	c, ts, err := cmdutil.ClientAndTargets(ctx, sel, t.f.Client)
	if err != nil {
		return nil, nil, err
	}
	refs, err := t.Selector.Refs(ctx, c, ts, true)
	return c, refs, err
}

// noResources is kubectl's line on stderr when a type matched nothing.
func (t *targets) noResources() {
	fmt.Fprintf(t.streams.ErrOut, "No resources found in %s namespace.\n", t.ns)
}

// resultPrinter prints "kind.group/name operation" lines, or the objects for the other -o formats.
type resultPrinter struct {
	print   *cmdutil.PrintFlags
	out     *cmdutil.ResultPrinter
	objects printers.ObjectPrinter
}

func newResultPrinter(p *cmdutil.PrintFlags, streams *iostreams.IOStreams, dryRun cmdutil.DryRunStrategy) (*resultPrinter, error) {
	objects, err := p.ToPrinter(streams.Out, printers.ObjectOptions{Stream: true})
	if err != nil {
		return nil, err
	}
	return &resultPrinter{print: p, objects: objects,
		out: &cmdutil.ResultPrinter{Out: streams.Out, Name: p.Format().Name == "name", DryRun: dryRun}}, nil
}

func (p *resultPrinter) result(ref client.Ref, obj []byte, operation string) error {
	if p.objects != nil {
		return p.objects.PrintObject(printers.Object{Raw: obj})
	}
	return p.out.Print(ref, operation)
}

// kindOf is the group and kind of ref, for the per-kind behaviour.
func kindOf(ref client.Ref) string {
	switch {
	case ref.Type.Group == "apps" && ref.Type.Kind == "Deployment":
		return "Deployment"
	case ref.Type.Group == "apps" && ref.Type.Kind == "DaemonSet":
		return "DaemonSet"
	case ref.Type.Group == "apps" && ref.Type.Kind == "StatefulSet":
		return "StatefulSet"
	}
	return ""
}

// groupKind is kubectl's GroupKind.String(): "Pod", "ReplicaSet.apps".
func groupKind(ref client.Ref) string {
	if ref.Type.Group == "" {
		return ref.Type.Kind
	}
	return ref.Type.Kind + "." + ref.Type.Group
}

// resourceString is "deployments.apps", as kubectl names a resource in its patch errors.
func resourceString(ref client.Ref) string {
	if ref.Type.Group == "" {
		return ref.Type.Name
	}
	return ref.Type.Name + "." + ref.Type.Group
}
