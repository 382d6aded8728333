// Package scale is `kubex scale`: set the replicas of objects through their scale subresource and, with
// --timeout, wait on the watch engine until they are there.
package scale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/client/wait"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Options holds the flags of `kubex scale`.
type Options struct {
	Replicas        int
	CurrentReplicas int
	ResourceVersion string
	All             bool
	Timeout         time.Duration
	Record          bool
	Files           cmdutil.FilenameFlags
	Selector        cmdutil.SelectorFlags
	DryRun          cmdutil.DryRunFlags
	Print           cmdutil.PrintFlags

	args      []string
	cause     string
	dryRun    cmdutil.DryRunStrategy
	namespace string
	explicit  bool

	// conflictRetry is how long a Conflict is retried, as kubectl does (every second for five minutes).
	conflictRetry time.Duration

	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (*config.Resolved, error)
	warn     func(string)
}

// NewCmdScale builds `kubex scale`.
func NewCmdScale(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{CurrentReplicas: -1, conflictRetry: 5 * time.Minute,
		Files:   cmdutil.FilenameFlags{Usage: "Filename, directory, or URL to files identifying the resource to set a new size"},
		streams: streams, client: f.Client, resolved: f.Resolved, warn: f.Warn}
	cmd := &cobra.Command{
		Use:                   "scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)",
		DisableFlagsInUseLine: true,
		Short:                 "Set a new size for a deployment, replica set, or replication controller",
		Long: `Set a new size for a deployment, replica set, replication controller, or stateful set.

 Scale also allows users to specify one or more preconditions for the scale action.

 If --current-replicas or --resource-version is specified, it is validated before the scale is attempted, and it is guaranteed that the precondition holds true when the scale is sent to the server.`,
		Example: `  # Scale a replica set named 'foo' to 3
  kubex scale --replicas=3 rs/foo

  # Scale a resource identified by type and name specified in "foo.yaml" to 3
  kubex scale --replicas=3 -f foo.yaml

  # If the deployment named mysql's current size is 2, scale mysql to 3
  kubex scale --current-replicas=2 --replicas=3 deployment/mysql

  # Scale multiple replication controllers
  kubex scale --replicas=5 rc/example1 rc/example2 rc/example3

  # Scale stateful set named 'web' to 3
  kubex scale --replicas=3 statefulset/web`,
		ValidArgsFunction: cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Record {
				o.cause = cmdutil.RecordedCommand(cmd, os.Args)
			}
			if err := o.Complete(args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.Record, "record", false, "Record current kubectl command in the resource annotation. If set to false, do not record the command. If set to true, record the command. If not set, default to updating the existing annotation value only if one already exists.")
	_ = fs.MarkDeprecated("record", "--record will be removed in the future")
	o.Print.AddFlags(fs)
	fs.BoolVar(&o.All, "all", false, "Select all resources in the namespace of the specified resource types")
	fs.StringVar(&o.ResourceVersion, "resource-version", "", "Precondition for resource version. Requires that the current resource version match this value in order to scale.")
	fs.IntVar(&o.CurrentReplicas, "current-replicas", o.CurrentReplicas, "Precondition for current size. Requires that the current size of the resource match this value in order to scale. -1 (default) for no condition.")
	fs.IntVar(&o.Replicas, "replicas", 0, "The new desired number of replicas. Required.")
	_ = cmd.MarkFlagRequired("replicas")
	fs.DurationVar(&o.Timeout, "timeout", 0, "The length of time to wait before giving up on a scale operation, zero means don't wait. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).")
	o.Files.AddFlags(fs)
	o.DryRun.AddFlags(fs)
	o.Selector.AddFlags(fs)
	return cmd
}

// Complete reads the flags and the namespace.
func (o *Options) Complete(args []string) error {
	o.args = args
	var err error
	if o.dryRun, err = o.DryRun.Strategy(o.warn); err != nil {
		return err
	}
	if err := o.Print.Complete(); err != nil {
		return err
	}
	r, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicit = r.Namespace, r.NamespaceExplicit
	return nil
}

// Validate checks the counts, in kubectl's words.
func (o *Options) Validate() error {
	if o.Replicas < 0 {
		//lint:ignore ST1005 kubectl's wording
		return errors.New("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
	}
	if o.CurrentReplicas < -1 {
		//lint:ignore ST1005 kubectl's wording
		return errors.New("The --current-replicas must specify an integer of -1 or greater")
	}
	return nil
}

// Run reads the objects, then scales each in turn: the first failure to scale stops it; objects that
// could not be read are reported at the end.
func (o *Options) Run(ctx context.Context) error {
	sel := cmdutil.Selection{Args: o.args, Filenames: o.Files.Filenames, Recursive: o.Files.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicit, LabelSelector: o.Selector.Labels}
	c, targets, err := cmdutil.ClientAndTargets(ctx, sel, o.client)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.Names == nil && !o.All && !o.Selector.Any() {
			return errors.New("resource(s) were provided, but no name was specified")
		}
	}
	var infos []*cmdutil.Info
	readErr := cmdutil.VisitLatest(ctx, c, targets, o.Selector.ListOptions(), o.All, func(i *cmdutil.Info) error {
		infos = append(infos, i)
		return nil
	})
	if o.ResourceVersion != "" && len(infos) > 1 {
		return errors.New("cannot use --resource-version with multiple resources")
	}
	if len(infos) == 0 {
		if readErr != nil {
			return fmt.Errorf("no objects passed to scale %s", readErr.Error())
		}
		return errors.New("no objects passed to scale")
	}
	objects, err := o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true})
	if err != nil {
		return err
	}
	out := &cmdutil.ResultPrinter{Out: o.streams.Out, Name: o.Print.Format().Name == "name", DryRun: o.dryRun}
	for _, i := range infos {
		if o.dryRun != cmdutil.DryRunClient {
			if err := o.scale(ctx, c, i.Ref); err != nil {
				return err
			}
		}
		if objects == nil {
			if err := out.Print(i.Ref, "scaled"); err != nil {
				return err
			}
			continue
		}
		raw, err := i.JSON()
		if err != nil {
			return err
		}
		if err := objects.PrintObject(printers.Object{Raw: raw}); err != nil {
			return err
		}
		// A fresh printer per object, as kubectl's: no "---" between YAML documents.
		if objects, err = o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true}); err != nil {
			return err
		}
	}
	return readErr
}

// scale sets one object's replicas: a merge patch of the scale subresource, or, with a precondition, a
// replace of the scale read and checked just before (retried on Conflict); then, with --timeout, waits.
func (o *Options) scale(ctx context.Context, c *client.Client, ref client.Ref) error {
	r := c.Resource(ref.Type, ref.Namespace)
	dry := o.dryRun.Server()
	if o.CurrentReplicas == -1 && o.ResourceVersion == "" {
		if _, err := r.Scale(ctx, ref.Name, int32(o.Replicas), client.PatchOptions{DryRun: dry}); err != nil {
			return err
		}
	} else if err := o.scaleChecked(ctx, r, ref.Name, dry); err != nil {
		return err
	}
	if o.Record { // as kubectl, a failure to record is no failure of the command
		_, _ = r.Patch(ctx, ref.Name, client.Merge(map[string]any{"metadata": map[string]any{"annotations": map[string]string{cmdutil.ChangeCause: o.cause}}}), client.PatchOptions{})
	}
	if o.Timeout == 0 || o.dryRun != cmdutil.DryRunNone {
		return nil
	}
	return o.waitForReplicas(ctx, c, ref)
}

func (o *Options) scaleChecked(ctx context.Context, r *client.Resource, name string, dry client.DryRun) error {
	deadline := time.Now().Add(o.conflictRetry)
	for {
		s, err := r.GetScale(ctx, name)
		if err != nil {
			return err
		}
		if o.CurrentReplicas != -1 && int(s.Spec.Replicas) != o.CurrentReplicas {
			return preconditionError("replicas", strconv.Itoa(o.CurrentReplicas), strconv.Itoa(int(s.Spec.Replicas)))
		}
		if o.ResourceVersion != "" && s.Metadata.ResourceVersion != o.ResourceVersion {
			return preconditionError("resource version", o.ResourceVersion, s.Metadata.ResourceVersion)
		}
		s.Spec.Replicas = int32(o.Replicas)
		body, err := json.Marshal(s)
		if err != nil {
			return err
		}
		_, err = r.Replace(ctx, name, body, client.WriteOptions{Subresource: "scale", DryRun: dry})
		var se *transport.StatusError
		if !errors.As(err, &se) || se.Code != 409 || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func preconditionError(what, want, got string) error {
	//lint:ignore ST1005 kubectl's wording
	return fmt.Errorf("Expected %s to be %s, was %s", what, want, got)
}

// waitForReplicas watches the object until the replicas its spec asks for are there, or until its spec
// asks for another number (someone else scaled it), as kubectl's scale --timeout does.
func (o *Options) waitForReplicas(ctx context.Context, c *client.Client, ref client.Ref) error {
	want := int64(o.Replicas)
	cond := wait.Func(func(raw []byte) (bool, error) {
		var obj struct {
			Spec struct {
				Replicas *int64 `json:"replicas"`
			} `json:"spec"`
			Status struct {
				Replicas int64 `json:"replicas"`
			} `json:"status"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return false, err
		}
		spec := int64(1)
		if obj.Spec.Replicas != nil {
			spec = *obj.Spec.Replicas
		}
		return spec != want || obj.Status.Replicas == want, nil
	})
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	err := wait.One(ctx, c, ref, cond)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("timed out waiting for %q to be synced", ref.Name)
	}
	return err
}
