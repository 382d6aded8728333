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
	"github.com/kubex-cli/kubex/pkg/client/watch"
)

// statusOptions holds the flags of `kubex rollout status`.
type statusOptions struct {
	targets
	Watch    bool
	Revision int64
	Timeout  time.Duration
}

func newCmdStatus(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &statusOptions{targets: targets{f: f, streams: streams}, Watch: true}
	cmd := &cobra.Command{
		Use:                   "status (TYPE NAME | TYPE/NAME) [flags]",
		DisableFlagsInUseLine: true,
		Short:                 "Show the status of the rollout",
		Long: `Show the status of the rollout.

 By default 'rollout status' will watch the status of the latest rollout until it's done. If you don't want to wait for the rollout to finish then you can use --watch=false. Note that if a new rollout starts in-between, then 'rollout status' will continue watching the latest revision. If you want to pin to a specific revision and abort if it is rolled over by another revision, use --revision=N where N is the revision you need to watch for.`,
		Example: `  # Watch the rollout status of a deployment
  kubex rollout status deployment/nginx`,
		ValidArgsFunction: cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !o.Files.Given() {
				return errors.New("required resource not specified")
			}
			if o.Revision < 0 {
				return fmt.Errorf("revision must be a positive integer: %v", o.Revision)
			}
			return o.Run(cmd.Context(), args)
		},
	}
	o.addFlags(cmd, "identifying the resource to get from a server.")
	fs := cmd.Flags()
	fs.BoolVarP(&o.Watch, "watch", "w", o.Watch, "Watch the status of the rollout until it's done.")
	fs.Int64Var(&o.Revision, "revision", 0, "Pin to a specific revision for showing its status. Defaults to 0 (last revision).")
	fs.DurationVar(&o.Timeout, "timeout", 0, "The length of time to wait before ending watch, zero means never. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).")
	return cmd
}

// errDone ends the watch of one object.
var errDone = errors.New("done")

// Run watches each object in turn until its rollout is done (or, with --watch=false, prints its state once).
func (o *statusOptions) Run(ctx context.Context, args []string) error {
	c, refs, err := o.refs(ctx, args)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		o.noResources()
		return nil
	}
	for _, ref := range refs {
		if err := o.one(ctx, c, ref); err != nil {
			return err
		}
	}
	return nil
}

func (o *statusOptions) one(ctx context.Context, c *client.Client, ref client.Ref) error {
	viewer := statusViewers[kindOf(ref)]
	if viewer == nil {
		return fmt.Errorf("no status viewer has been implemented for %s", groupKind(ref))
	}
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	r := c.Resource(ref.Type, ref.Namespace)
	if _, err := r.Get(ctx, ref.Name, client.GetOptions{}); err != nil { // a missing object is the error
		return err
	}
	opts := client.WatchOptions{ListOptions: client.ListOptions{FieldSelector: "metadata.name=" + ref.Name}}
	err := r.Watch(ctx, opts, func(ch watch.Change) error {
		switch ch.Type {
		case watch.Added, watch.Modified:
			status, done, err := viewer(ch.Item.Raw, o.Revision)
			if err != nil {
				return err
			}
			fmt.Fprint(o.streams.Out, status)
			if done || !o.Watch {
				return errDone
			}
			return nil
		case watch.Deleted:
			return errors.New("object has been deleted")
		}
		return nil
	})
	switch {
	case errors.Is(err, errDone):
		return nil
	case err != nil:
		return err
	case ctx.Err() == context.DeadlineExceeded:
		return errors.New("timed out waiting for the condition")
	}
	return ctx.Err()
}

// statusViewers say, for one object, the progress line and whether its rollout is done.
var statusViewers = map[string]func(raw []byte, revision int64) (string, bool, error){
	"Deployment":  deploymentStatus,
	"DaemonSet":   daemonSetStatus,
	"StatefulSet": statefulSetStatus,
}

func deploymentStatus(raw []byte, revision int64) (string, bool, error) {
	var d deployment
	if err := json.Unmarshal(raw, &d); err != nil {
		return "", false, err
	}
	if revision > 0 {
		rev, err := revisionOf(d.Annotations)
		if err != nil {
			return "", false, fmt.Errorf("cannot get the revision of deployment %q: %v", d.Name, err)
		}
		if revision != rev {
			return "", false, fmt.Errorf("desired revision (%d) is different from the running revision (%d)", revision, rev)
		}
	}
	if d.Generation > d.Status.ObservedGeneration {
		return "Waiting for deployment spec update to be observed...\n", false, nil
	}
	for _, c := range d.Status.Conditions {
		if c.Type == deploymentProgressing && c.Reason == "ProgressDeadlineExceeded" {
			return "", false, fmt.Errorf("deployment %q exceeded its progress deadline", d.Name)
		}
	}
	st := d.Status
	switch {
	case d.Spec.Replicas != nil && st.UpdatedReplicas < *d.Spec.Replicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...\n", d.Name, st.UpdatedReplicas, *d.Spec.Replicas), false, nil
	case st.Replicas > st.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...\n", d.Name, st.Replicas-st.UpdatedReplicas), false, nil
	case st.AvailableReplicas < st.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...\n", d.Name, st.AvailableReplicas, st.UpdatedReplicas), false, nil
	}
	return fmt.Sprintf("deployment %q successfully rolled out\n", d.Name), true, nil
}

func daemonSetStatus(raw []byte, _ int64) (string, bool, error) {
	var ds daemonSet
	if err := json.Unmarshal(raw, &ds); err != nil {
		return "", false, err
	}
	if ds.Spec.UpdateStrategy.Type != rollingUpdateDaemonSetStrategyType {
		return "", true, fmt.Errorf("rollout status is only available for %s strategy type", rollingUpdateStatefulSetStrategyType)
	}
	if ds.Generation > ds.Status.ObservedGeneration {
		return "Waiting for daemon set spec update to be observed...\n", false, nil
	}
	st := ds.Status
	switch {
	case st.UpdatedNumberScheduled < st.DesiredNumberScheduled:
		return fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d out of %d new pods have been updated...\n", ds.Name, st.UpdatedNumberScheduled, st.DesiredNumberScheduled), false, nil
	case st.NumberAvailable < st.DesiredNumberScheduled:
		return fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d of %d updated pods are available...\n", ds.Name, st.NumberAvailable, st.DesiredNumberScheduled), false, nil
	}
	return fmt.Sprintf("daemon set %q successfully rolled out\n", ds.Name), true, nil
}

func statefulSetStatus(raw []byte, _ int64) (string, bool, error) {
	var sts statefulSet
	if err := json.Unmarshal(raw, &sts); err != nil {
		return "", false, err
	}
	if sts.Spec.UpdateStrategy.Type != rollingUpdateStatefulSetStrategyType {
		return "", true, fmt.Errorf("rollout status is only available for %s strategy type", rollingUpdateStatefulSetStrategyType)
	}
	st := sts.Status
	if st.ObservedGeneration == 0 || sts.Generation > st.ObservedGeneration {
		return "Waiting for statefulset spec update to be observed...\n", false, nil
	}
	if sts.Spec.Replicas != nil && st.ReadyReplicas < *sts.Spec.Replicas {
		return fmt.Sprintf("Waiting for %d pods to be ready...\n", *sts.Spec.Replicas-st.ReadyReplicas), false, nil
	}
	if ru := sts.Spec.UpdateStrategy.RollingUpdate; ru != nil {
		if sts.Spec.Replicas != nil && ru.Partition != nil && st.UpdatedReplicas < *sts.Spec.Replicas-*ru.Partition {
			return fmt.Sprintf("Waiting for partitioned roll out to finish: %d out of %d new pods have been updated...\n", st.UpdatedReplicas, *sts.Spec.Replicas-*ru.Partition), false, nil
		}
		return fmt.Sprintf("partitioned roll out complete: %d new pods have been updated...\n", st.UpdatedReplicas), true, nil
	}
	if st.UpdateRevision != st.CurrentRevision {
		return fmt.Sprintf("waiting for statefulset rolling update to complete %d pods at revision %s...\n", st.UpdatedReplicas, st.UpdateRevision), false, nil
	}
	return fmt.Sprintf("statefulset rolling update complete %d pods at revision %s...\n", st.CurrentReplicas, st.CurrentRevision), true, nil
}
