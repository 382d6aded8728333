package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/printers"
)

const (
	revisionAnnotation    = "deployment.kubernetes.io/revision"
	changeCauseAnnotation = "kubernetes.io/change-cause"
	podTemplateHashLabel  = "pod-template-hash"
)

// historyOptions holds the flags of `kubex rollout history`.
type historyOptions struct {
	targets
	Print    cmdutil.PrintFlags
	Revision int64
}

func newCmdHistory(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &historyOptions{targets: targets{f: f, streams: streams}}
	cmd := &cobra.Command{
		Use:                   "history (TYPE NAME | TYPE/NAME) [flags]",
		DisableFlagsInUseLine: true,
		Short:                 "View rollout history",
		Long:                  "View previous rollout revisions and configurations.",
		Example: `  # View the rollout history of a deployment
  kubex rollout history deployment/abc
  
  # View the details of daemonset revision 3
  kubex rollout history daemonset/abc --revision=3`,
		ValidArgsFunction: cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !o.Files.Given() {
				return errors.New("required resource not specified")
			}
			if o.Revision < 0 {
				return fmt.Errorf("revision must be a positive integer: %v", o.Revision)
			}
			if err := o.Print.Complete(); err != nil {
				return err
			}
			return o.Run(cmd.Context(), args)
		},
	}
	o.addFlags(cmd, "identifying the resource to get from a server.")
	cmd.Flags().Int64Var(&o.Revision, "revision", 0, "See the details, including podTemplate of the revision specified")
	o.Print.AddFlags(cmd.Flags())
	return cmd
}

// Run prints the revisions of each object, or one revision's pod template.
func (o *historyOptions) Run(ctx context.Context, args []string) error {
	c, refs, err := o.refs(ctx, args)
	if err != nil {
		return err
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

func (o *historyOptions) one(ctx context.Context, c *client.Client, ref client.Ref, p *resultPrinter) error {
	h, err := historyOf(ctx, c, ref)
	if err != nil {
		return err
	}
	if o.Print.Format().Name != "" {
		objects := p.objects
		if objects == nil { // -o name
			objects = printers.NewName(o.streams.Out, printers.ObjectOptions{Stream: true})
		}
		revs := h.revisions()
		if o.Revision > 0 {
			if _, ok := h.raw[o.Revision]; !ok {
				return errors.New("unable to find the specified revision")
			}
			revs = []int64{o.Revision}
		}
		for _, r := range revs {
			if err := objects.PrintObject(printers.Object{Raw: h.raw[r]}); err != nil {
				return err
			}
		}
		return nil
	}
	view, err := h.view(o.Revision)
	if err != nil {
		return err
	}
	with := ""
	if o.Revision > 0 {
		with = fmt.Sprintf("with revision #%d", o.Revision)
	}
	return p.out.Print(ref, with+"\n"+view)
}

// history is the revisions of one object: its pod template, change cause and stored object at each.
type history struct {
	templates map[int64]*podTemplateSpec
	causes    map[int64]string
	raw       map[int64][]byte // what -o prints: the ReplicaSet, or the object as it was at the revision
}

func (h *history) revisions() []int64 {
	var revs []int64
	for r := range h.templates {
		revs = append(revs, r)
	}
	slices.Sort(revs)
	return revs
}

// view is kubectl's REVISION/CHANGE-CAUSE table, or the pod template of revision.
func (h *history) view(revision int64) (string, error) {
	if len(h.templates) == 0 {
		return "No rollout history found.", nil
	}
	if revision > 0 {
		t, ok := h.templates[revision]
		if !ok {
			return "", errors.New("unable to find the specified revision")
		}
		return describeTemplate(t), nil
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	fmt.Fprintf(w, "REVISION\tCHANGE-CAUSE\n")
	for _, r := range h.revisions() {
		cause := h.causes[r]
		if cause == "" {
			cause = "<none>"
		}
		fmt.Fprintf(w, "%d\t%s\n", r, cause)
	}
	w.Flush()
	return b.String(), nil
}

// historyOf reads the revisions of a deployment (its ReplicaSets) or of a daemon set or stateful set (its
// ControllerRevisions).
func historyOf(ctx context.Context, c *client.Client, ref client.Ref) (*history, error) {
	h := &history{templates: map[int64]*podTemplateSpec{}, causes: map[int64]string{}, raw: map[int64][]byte{}}
	switch kindOf(ref) {
	case "Deployment":
		_, rss, err := deploymentReplicaSets(ctx, c, ref)
		if err != nil {
			return nil, err
		}
		for _, rs := range rss {
			v, err := revisionOf(rs.obj.Annotations)
			if err != nil {
				continue
			}
			t := rs.obj.Spec.Template
			if cause := rs.obj.Annotations[changeCauseAnnotation]; cause != "" {
				if t.Annotations == nil {
					t.Annotations = map[string]string{}
				}
				t.Annotations[changeCauseAnnotation] = cause
			}
			h.templates[v], h.causes[v], h.raw[v] = &t, t.Annotations[changeCauseAnnotation], withKind(rs.raw, "apps/v1", "ReplicaSet")
		}
		return h, nil
	case "DaemonSet", "StatefulSet":
		obj, revs, err := controllerRevisions(ctx, c, ref)
		if err != nil {
			return nil, err
		}
		for _, cr := range revs {
			applied, err := applyRevision(obj, cr)
			if err != nil {
				return nil, fmt.Errorf("unable to parse history %s", cr.Name)
			}
			var t struct {
				Spec struct {
					Template podTemplateSpec `json:"template"`
				} `json:"spec"`
			}
			if err := json.Unmarshal(applied, &t); err != nil {
				return nil, err
			}
			h.templates[cr.Revision], h.causes[cr.Revision], h.raw[cr.Revision] = &t.Spec.Template, cr.Annotations[changeCauseAnnotation], applied
		}
		return h, nil
	}
	return nil, fmt.Errorf("no history viewer has been implemented for %q", groupKind(ref))
}

// revisionOf is a deployment's or ReplicaSet's revision annotation: 0 when it has none.
func revisionOf(annotations map[string]string) (int64, error) {
	v, ok := annotations[revisionAnnotation]
	if !ok {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

type replicaSet struct {
	obj replicaSetObject
	raw []byte
}

var (
	replicaSetsType         = mustType("apps", "v1", "replicasets", "ReplicaSet")
	controllerRevisionsType = mustType("apps", "v1", "controllerrevisions", "ControllerRevision")
)

// deploymentReplicaSets are the deployment and the ReplicaSets it controls.
func deploymentReplicaSets(ctx context.Context, c *client.Client, ref client.Ref) (*deployment, []replicaSet, error) {
	raw, err := c.Resource(ref.Type, ref.Namespace).Get(ctx, ref.Name, client.GetOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("failed to retrieve deployment %s: %v", ref.Name, err)
	}
	var d deployment
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, nil, err
	}
	sel, err := selectorString(d.Spec.Selector)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to retrieve replica sets from deployment %s: %v", ref.Name, err)
	}
	var out []replicaSet
	for item, err := range c.Resource(replicaSetsType, ref.Namespace).Items(ctx, client.ListOptions{LabelSelector: sel}) {
		if err != nil {
			return nil, nil, fmt.Errorf("failed to retrieve replica sets from deployment %s: %v", ref.Name, err)
		}
		var rs replicaSetObject
		if err := json.Unmarshal(item, &rs); err != nil {
			return nil, nil, err
		}
		if controlledBy(rs.OwnerReferences, d.UID) {
			out = append(out, replicaSet{obj: rs, raw: item})
		}
	}
	return &d, out, nil
}

// controllerRevisions are the object (its JSON as the server wrote it, which is its typed JSON) and the ControllerRevisions it controls.
func controllerRevisions(ctx context.Context, c *client.Client, ref client.Ref) ([]byte, []*controllerRevision, error) {
	kind := kindOf(ref)
	what := map[string]string{"DaemonSet": "DaemonSet", "StatefulSet": "Statefulset"}[kind]
	raw, err := c.Resource(ref.Type, ref.Namespace).Get(ctx, ref.Name, client.GetOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("failed to retrieve %s %s: %v", what, ref.Name, err)
	}
	var obj struct {
		objectMeta `json:"metadata"`
		Spec       struct {
			Selector *labelSelector `json:"selector"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, nil, err
	}
	sel, err := selectorString(obj.Spec.Selector)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to create selector for %s %s: %v", kind, ref.Name, err)
	}
	var out []*controllerRevision
	for item, err := range c.Resource(controllerRevisionsType, ref.Namespace).Items(ctx, client.ListOptions{LabelSelector: sel}) {
		if err != nil {
			return nil, nil, fmt.Errorf("unable to find history controlled by %s %s: %v", kind, ref.Name, err)
		}
		var cr controllerRevision
		if err := json.Unmarshal(item, &cr); err != nil {
			return nil, nil, err
		}
		if controlledBy(cr.OwnerReferences, obj.UID) {
			out = append(out, &cr)
		}
	}
	slices.SortStableFunc(out, func(a, b *controllerRevision) int { return compareInt(a.Revision, b.Revision) })
	return raw, out, nil
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func controlledBy(refs []ownerReference, uid any) bool {
	for _, r := range refs {
		if r.Controller != nil && *r.Controller && fmt.Sprint(r.UID) == fmt.Sprint(uid) {
			return true
		}
	}
	return false
}

// withKind is a list item with the apiVersion and kind that list items go without.
func withKind(raw []byte, apiVersion, kind string) []byte {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	m["apiVersion"], m["kind"] = apiVersion, kind
	b, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return b
}
