package rollout

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
)

// patchSpec is one of pause, resume and restart: the patch it makes of an object, or why it cannot.
type patchSpec struct {
	use, short, long, example, done string
	// patch is the strategic merge patch for obj (kind is kindOf's), nil when the object is already as
	// asked, or the reason it cannot be (worded to follow `deployments.apps "web"`).
	patch func(kind string, obj *workload) (map[string]any, error)
	// already is printed when the patch is empty; "" makes an empty patch an error.
	already string
}

// workload is what pause, resume and restart read of an object.
type workload struct {
	Spec struct {
		Paused   bool `json:"paused"`
		Template struct {
			Metadata struct {
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
		} `json:"template"`
	} `json:"spec"`
}

var pauseSpec = patchSpec{
	use: "pause RESOURCE", short: "Mark the provided resource as paused", done: "paused", already: "already paused",
	long: `Mark the provided resource as paused.

 Paused resources will not be reconciled by a controller. Use "kubex rollout resume" to resume a paused resource. Currently only deployments support being paused.`,
	example: `  # Mark the nginx deployment as paused
  # Any current state of the deployment will continue its function; new updates
  # to the deployment will not have an effect as long as the deployment is paused
  kubex rollout pause deployment/nginx`,
	patch: func(kind string, w *workload) (map[string]any, error) {
		if kind != "Deployment" {
			return nil, errors.New("pausing is not supported")
		}
		if w.Spec.Paused {
			return nil, errors.New("is already paused")
		}
		return map[string]any{"spec": map[string]any{"paused": true}}, nil
	},
}

var resumeSpec = patchSpec{
	use: "resume RESOURCE", short: "Resume a paused resource", done: "resumed", already: "already resumed",
	long: `Resume a paused resource.

 Paused resources will not be reconciled by a controller. By resuming a resource, we allow it to be reconciled again. Currently only deployments support being resumed.`,
	example: `  # Resume an already paused deployment
  kubex rollout resume deployment/nginx`,
	patch: func(kind string, w *workload) (map[string]any, error) {
		if kind != "Deployment" {
			return nil, errors.New("resuming is not supported")
		}
		if !w.Spec.Paused {
			return nil, errors.New("is not paused")
		}
		return map[string]any{"spec": map[string]any{"paused": nil}}, nil
	},
}

var restartSpec = patchSpec{
	use: "restart RESOURCE", short: "Restart a resource", done: "restarted",
	long: `Restart a resource.

        Resource rollout will be restarted.`,
	example: `  # Restart all deployments in the test-namespace namespace
  kubex rollout restart deployment -n test-namespace
  
  # Restart a deployment
  kubex rollout restart deployment/nginx
  
  # Restart a daemon set
  kubex rollout restart daemonset/abc
  
  # Restart deployments with the app=nginx label
  kubex rollout restart deployment --selector=app=nginx`,
	patch: func(kind string, w *workload) (map[string]any, error) {
		switch kind {
		case "":
			return nil, errors.New("restarting is not supported")
		case "Deployment":
			if w.Spec.Paused {
				return nil, errors.New("can't restart paused deployment (run rollout resume first)")
			}
		}
		now := time.Now().Format(time.RFC3339)
		if w.Spec.Template.Metadata.Annotations[restartedAt] == now {
			return nil, nil
		}
		return map[string]any{"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{
			"annotations": map[string]any{restartedAt: now}}}}}, nil
	},
}

const restartedAt = "kubectl.kubernetes.io/restartedAt"

// patcherOptions holds the flags of pause, resume and restart.
type patcherOptions struct {
	targets
	Print        cmdutil.PrintFlags
	FieldManager cmdutil.FieldManagerFlags
	spec         patchSpec
}

func newCmdPatcher(f *cmdutil.Factory, streams *iostreams.IOStreams, spec patchSpec) *cobra.Command {
	o := &patcherOptions{targets: targets{f: f, streams: streams}, spec: spec,
		FieldManager: cmdutil.FieldManagerFlags{FieldManager: "kubectl-rollout"}}
	cmd := &cobra.Command{
		Use:                   spec.use,
		DisableFlagsInUseLine: true,
		Short:                 spec.short,
		Long:                  spec.long,
		Example:               spec.example,
		ValidArgsFunction:     cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Print.Complete(); err != nil {
				return err
			}
			return o.Run(cmd.Context(), args)
		},
	}
	o.addFlags(cmd, "identifying the resource to get from a server.")
	o.FieldManager.AddFlags(cmd.Flags())
	o.Print.AddFlags(cmd.Flags())
	return cmd
}

// Run patches every object, reporting each failure and going on with the others.
func (o *patcherOptions) Run(ctx context.Context, args []string) error {
	c, refs, err := o.refs(ctx, args)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		o.noResources()
		return nil
	}
	p, err := newResultPrinter(&o.Print, o.streams, cmdutil.DryRunNone)
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range refs {
		if err := o.one(ctx, c, ref, p); err != nil {
			errs = append(errs, err)
		}
	}
	return cmdutil.Aggregate(errs)
}

func (o *patcherOptions) one(ctx context.Context, c *client.Client, ref client.Ref, p *resultPrinter) error {
	r := c.Resource(ref.Type, ref.Namespace)
	raw, err := r.Get(ctx, ref.Name, client.GetOptions{})
	if err != nil {
		return err
	}
	var w workload
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	patch, err := o.spec.patch(kindOf(ref), &w)
	if err != nil {
		return fmt.Errorf("error: %s %q %v", resourceString(ref), ref.Name, err)
	}
	if patch == nil {
		if o.spec.already == "" {
			return fmt.Errorf("failed to create patch for %v: if restart has already been triggered within the past second, please wait before attempting to trigger another", ref.Name)
		}
		return p.result(ref, raw, o.spec.already)
	}
	after, err := r.Patch(ctx, ref.Name, client.Strategic(patch), client.PatchOptions{FieldManager: o.FieldManager.FieldManager})
	if err != nil {
		return fmt.Errorf("failed to patch: %v", err)
	}
	return p.result(ref, after, o.spec.done)
}
