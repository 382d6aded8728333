package rollout

import (
	"bytes"
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

// undoOptions holds the flags of `kubex rollout undo`.
type undoOptions struct {
	targets
	Print      cmdutil.PrintFlags
	DryRun     cmdutil.DryRunFlags
	ToRevision int64
	dryRun     cmdutil.DryRunStrategy
}

func newCmdUndo(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &undoOptions{targets: targets{f: f, streams: streams}}
	cmd := &cobra.Command{
		Use:                   "undo (TYPE NAME | TYPE/NAME) [flags]",
		DisableFlagsInUseLine: true,
		Short:                 "Undo a previous rollout",
		Long:                  "Roll back to a previous rollout.",
		Example: `  # Roll back to the previous deployment
  kubex rollout undo deployment/abc
  
  # Roll back to daemonset revision 3
  kubex rollout undo daemonset/abc --to-revision=3
  
  # Roll back to the previous deployment with dry-run
  kubex rollout undo --dry-run=server deployment/abc`,
		ValidArgsFunction: cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !o.Files.Given() {
				return errors.New("required resource not specified")
			}
			var err error
			if o.dryRun, err = o.DryRun.Strategy(f.Warn); err != nil {
				return err
			}
			if err := o.Print.Complete(); err != nil {
				return err
			}
			return o.Run(cmd.Context(), args)
		},
	}
	o.addFlags(cmd, "identifying the resource to get from a server.")
	cmd.Flags().Int64Var(&o.ToRevision, "to-revision", 0, "The revision to rollback to. Default to 0 (last revision).")
	o.DryRun.AddFlags(cmd.Flags())
	o.Print.AddFlags(cmd.Flags())
	return cmd
}

// Run rolls each object back, stopping at the first failure as kubectl does.
func (o *undoOptions) Run(ctx context.Context, args []string) error {
	c, refs, err := o.refs(ctx, args)
	if err != nil {
		return err
	}
	p, err := newResultPrinter(&o.Print, o.streams, o.dryRun)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		result, err := o.rollback(ctx, c, ref)
		if err != nil {
			return err
		}
		raw, err := c.Resource(ref.Type, ref.Namespace).Get(ctx, ref.Name, client.GetOptions{})
		if err != nil {
			return err
		}
		if err := p.result(ref, raw, result); err != nil {
			return err
		}
	}
	return nil
}

func revisionNotFound(r int64) error {
	return fmt.Errorf("unable to find specified revision %v in history", r)
}

// rollback restores the pod template of revision ToRevision (0: the one before the latest) and says what
// it did.
func (o *undoOptions) rollback(ctx context.Context, c *client.Client, ref client.Ref) (string, error) {
	if o.ToRevision < 0 {
		return "", revisionNotFound(o.ToRevision)
	}
	switch kindOf(ref) {
	case "Deployment":
		return o.rollbackDeployment(ctx, c, ref)
	case "DaemonSet", "StatefulSet":
		return o.rollbackRevision(ctx, c, ref)
	}
	return "", fmt.Errorf("no rollbacker has been implemented for %q", groupKind(ref))
}

var annotationsToSkip = map[string]bool{
	"kubectl.kubernetes.io/last-applied-configuration": true,
	revisionAnnotation:                          true,
	"deployment.kubernetes.io/revision-history": true,
	"deployment.kubernetes.io/desired-replicas": true,
	"deployment.kubernetes.io/max-replicas":     true,
	"deprecated.deployment.rollback.to":         true,
}

func (o *undoOptions) rollbackDeployment(ctx context.Context, c *client.Client, ref client.Ref) (string, error) {
	d, rss, err := deploymentReplicaSets(ctx, c, ref)
	if err != nil {
		return "", fmt.Errorf("failed to retrieve Deployment %s: %v", ref.Name, err)
	}
	var to *replicaSetObject
	latest, previous := int64(-1), int64(-1)
	var latestRS, previousRS *replicaSetObject
	for i := range rss {
		rs := &rss[i].obj
		v, err := revisionOf(rs.Annotations)
		if err != nil {
			continue
		}
		switch {
		case o.ToRevision > 0:
			if v == o.ToRevision {
				to = rs
			}
		case latest < v:
			previous, previousRS = latest, latestRS
			latest, latestRS = v, rs
		case previous < v:
			previous, previousRS = v, rs
		}
		if to != nil {
			break
		}
	}
	switch {
	case o.ToRevision > 0 && to == nil:
		return "", revisionNotFound(o.ToRevision)
	case o.ToRevision == 0 && previousRS == nil:
		return "", fmt.Errorf("no rollout history found for deployment %q", d.Name)
	case o.ToRevision == 0:
		to = previousRS
	}
	if o.dryRun == cmdutil.DryRunClient {
		return describeTemplate(&to.Spec.Template), nil
	}
	if d.Spec.Paused {
		return "", errors.New("you cannot rollback a paused deployment; resume it first with 'kubex rollout resume' and try again")
	}
	template, err := to.Spec.Template.object()
	if err != nil {
		return "", err
	}
	dropHashLabel(template)
	current, err := d.Spec.Template.object()
	if err != nil {
		return "", err
	}
	dropHashLabel(current)
	a, _ := json.Marshal(template)
	b, _ := json.Marshal(current)
	if bytes.Equal(a, b) {
		return fmt.Sprintf("skipped rollback (current template already matches revision %d)", o.ToRevision), nil
	}
	annotations := map[string]string{}
	for k := range annotationsToSkip {
		if v, ok := d.Annotations[k]; ok {
			annotations[k] = v
		}
	}
	for k, v := range to.Annotations {
		if !annotationsToSkip[k] {
			annotations[k] = v
		}
	}
	patch := client.JSONOps(
		client.PatchOp{Op: "replace", Path: "/spec/template", Value: template},
		client.PatchOp{Op: "replace", Path: "/metadata/annotations", Value: annotations},
	)
	if _, err := c.Resource(ref.Type, ref.Namespace).Patch(ctx, ref.Name, patch, client.PatchOptions{DryRun: o.dryRun.Server()}); err != nil {
		return "", fmt.Errorf("failed restoring revision %d: %v", o.ToRevision, err)
	}
	return "rolled back", nil
}

func (o *undoOptions) rollbackRevision(ctx context.Context, c *client.Client, ref client.Ref) (string, error) {
	obj, revs, err := controllerRevisions(ctx, c, ref)
	if err != nil {
		return "", err
	}
	if o.ToRevision == 0 && len(revs) <= 1 {
		return "", errors.New("no last revision to roll back to")
	}
	var to *controllerRevision
	if o.ToRevision == 0 {
		to = revs[len(revs)-2]
	} else {
		for _, r := range revs {
			if r.Revision == o.ToRevision {
				to = r
			}
		}
	}
	if to == nil {
		return "", revisionNotFound(o.ToRevision)
	}
	if o.dryRun == cmdutil.DryRunClient {
		applied, err := applyRevision(obj, to)
		if err != nil {
			return "", err
		}
		var t struct {
			Spec struct {
				Template json.RawMessage `json:"template"`
			} `json:"spec"`
		}
		if err := json.Unmarshal(applied, &t); err != nil {
			return "", err
		}
		var tmpl struct {
			Template podTemplateSpec `json:"template"`
		}
		if err := json.Unmarshal([]byte(`{"template":`+string(t.Spec.Template)+`}`), &tmpl); err != nil {
			return "", err
		}
		return "will roll back to " + describeTemplate(&tmpl.Template), nil
	}
	current, err := templatePatch(obj)
	if err != nil {
		return "", err
	}
	if bytes.Equal(current, to.Data.Raw) {
		return fmt.Sprintf("skipped rollback (current template already matches revision %d)", o.ToRevision), nil
	}
	p, err := client.NewPatch(client.PatchStrategic, to.Data.Raw)
	if err != nil {
		return "", err
	}
	if _, err := c.Resource(ref.Type, ref.Namespace).Patch(ctx, ref.Name, p, client.PatchOptions{DryRun: o.dryRun.Server()}); err != nil {
		return "", fmt.Errorf("failed restoring revision %d: %v", o.ToRevision, err)
	}
	return "rolled back", nil
}

// templatePatch is the patch the controllers store in a ControllerRevision for obj's current template:
// {"spec":{"template":{...,"$patch":"replace"}}}.
func templatePatch(obj []byte) ([]byte, error) {
	var raw map[string]any
	if err := json.Unmarshal(obj, &raw); err != nil {
		return nil, err
	}
	spec, _ := raw["spec"].(map[string]any)
	template, _ := spec["template"].(map[string]any)
	if template == nil {
		return nil, errors.New("the object has no pod template")
	}
	template["$patch"] = "replace"
	return json.Marshal(map[string]any{"spec": map[string]any{"template": template}})
}

// applyRevision is obj (typed JSON) with the revision's data applied: the revisions the daemon set and
// stateful set controllers store replace spec.template whole ("$patch": "replace"), so applying one is
// setting the template.
func applyRevision(obj []byte, cr *controllerRevision) ([]byte, error) {
	var o, data map[string]any
	if err := json.Unmarshal(obj, &o); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(cr.Data.Raw, &data); err != nil {
		return nil, err
	}
	dspec, _ := data["spec"].(map[string]any)
	tmpl, _ := dspec["template"].(map[string]any)
	if tmpl == nil {
		return nil, errors.New("the revision has no pod template")
	}
	delete(tmpl, "$patch")
	spec, _ := o["spec"].(map[string]any)
	if spec == nil {
		spec = map[string]any{}
		o["spec"] = spec
	}
	spec["template"] = tmpl
	return json.Marshal(o)
}

func mustType(group, version, name, kind string) discovery.Resource {
	return discovery.Resource{Group: group, Version: version, Name: name, Kind: kind, Namespaced: true}
}

// dropHashLabel deletes the pod-template-hash label of a pod template (decoded JSON), and the labels
// when none is left, as the typed template marshals them (omitempty).
func dropHashLabel(template map[string]any) {
	meta, _ := template["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	if labels == nil {
		return
	}
	delete(labels, podTemplateHashLabel)
	if len(labels) == 0 {
		delete(meta, "labels")
	}
}
