// Package label is `kubex label` and `kubex annotate`: set (KEY=VAL) or remove (KEY-) labels or annotations
// of objects, sent as one JSON merge patch of metadata per object.
package label

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// changeCause is the annotation --record writes.
const changeCause = cmdutil.ChangeCause

// kind is what differs between label and annotate.
type kind struct {
	noun  string // "label", "annotation"
	field string // metadata field: "labels", "annotations"
	done  string // "labeled", "annotated"
	files string // what --local's errors suggest: "pod.yaml", "rsrc.yaml"
}

var (
	labels      = kind{noun: "label", field: "labels", done: "labeled", files: "pod"}
	annotations = kind{noun: "annotation", field: "annotations", done: "annotated", files: "rsrc"}
)

// Options holds the flags of `kubex label` and `kubex annotate`.
type Options struct {
	Overwrite       bool
	List            bool
	Local           bool
	All             bool
	AllNamespaces   bool
	ResourceVersion string
	Record          bool
	Files           cmdutil.FilenameFlags
	Selector        cmdutil.SelectorFlags
	DryRun          cmdutil.DryRunFlags
	FieldManager    cmdutil.FieldManagerFlags
	Print           cmdutil.PrintFlags

	kind      kind
	resources []string
	set       map[string]string
	remove    []string
	dryRun    cmdutil.DryRunStrategy
	namespace string
	explicit  bool
	cause     string

	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (*config.Resolved, error)
	warn     func(string)
}

// NewCmdLabel builds `kubex label`.
func NewCmdLabel(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newOptions(f, streams, labels, "kubectl-label")
	cmd := &cobra.Command{
		Use:                   "label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
		DisableFlagsInUseLine: true,
		Short:                 "Update the labels on a resource",
		Long: fmt.Sprintf(`Update the labels on a resource.

  *  A label key and value must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to %d characters each.
  *  Optionally, the key can begin with a DNS subdomain prefix and a single '/', like example.com/my-app.
  *  If --overwrite is true, then existing labels can be overwritten, otherwise attempting to overwrite a label will result in an error.
  *  If --resource-version is specified, then updates will use this resource version, otherwise the existing resource-version will be used.`, labelValueMaxLength),
		Example: `  # Update pod 'foo' with the label 'unhealthy' and the value 'true'
  kubex label pods foo unhealthy=true

  # Update pod 'foo' with the label 'status' and the value 'unhealthy', overwriting any existing value
  kubex label --overwrite pods foo status=unhealthy

  # Update all pods in the namespace
  kubex label pods --all status=unhealthy

  # Update a pod identified by the type and name in "pod.json"
  kubex label -f pod.json status=unhealthy

  # Update pod 'foo' only if the resource is unchanged from version 1
  kubex label pods foo status=unhealthy --resource-version=1

  # Update pod 'foo' by removing a label named 'bar' if it exists
  # Does not require the --overwrite flag
  kubex label pods foo bar-`,
	}
	o.register(f, cmd, "identifying the resource to update the labels",
		"If true, allow labels to be overwritten, otherwise reject label updates that overwrite existing labels.",
		"If true, display the labels for a given resource.",
		"If true, label will NOT contact api-server but run locally.",
		"Select all resources, in the namespace of the specified resource types",
		"If non-empty, the labels update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.")
	return cmd
}

// NewCmdAnnotate builds `kubex annotate`.
func NewCmdAnnotate(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newOptions(f, streams, annotations, "kubectl-annotate")
	cmd := &cobra.Command{
		Use:                   "annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version]",
		DisableFlagsInUseLine: true,
		Short:                 "Update the annotations on a resource",
		Long: `Update the annotations on one or more resources.

 All Kubernetes objects support the ability to store additional data with the object as annotations. Annotations are key/value pairs that can be larger than labels and include arbitrary string values such as structured JSON. Tools and system extensions may use annotations to store their own data.

 Attempting to set an annotation that already exists will fail unless --overwrite is set. If --resource-version is specified and does not match the current resource version on the server the command will fail.

Use "kubex api-resources" for a complete list of supported resources.`,
		Example: `  # Update pod 'foo' with the annotation 'description' and the value 'my frontend'
  # If the same annotation is set multiple times, only the last value will be applied
  kubex annotate pods foo description='my frontend'

  # Update a pod identified by type and name in "pod.json"
  kubex annotate -f pod.json description='my frontend'

  # Update pod 'foo' with the annotation 'description' and the value 'my frontend running nginx', overwriting any existing value
  kubex annotate --overwrite pods foo description='my frontend running nginx'

  # Update all pods in the namespace
  kubex annotate pods --all description='my frontend running nginx'

  # Update pod 'foo' only if the resource is unchanged from version 1
  kubex annotate pods foo description='my frontend running nginx' --resource-version=1

  # Update pod 'foo' by removing an annotation named 'description' if it exists
  # Does not require the --overwrite flag
  kubex annotate pods foo description-`,
	}
	o.register(f, cmd, "identifying the resource to update the annotation",
		"If true, allow annotations to be overwritten, otherwise reject annotation updates that overwrite existing annotations.",
		"If true, display the annotations for a given resource.",
		"If true, annotation will NOT contact api-server but run locally.",
		"Select all resources, in the namespace of the specified resource types.",
		"If non-empty, the annotation update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.")
	return cmd
}

func newOptions(f *cmdutil.Factory, streams *iostreams.IOStreams, k kind, manager string) *Options {
	return &Options{kind: k, FieldManager: cmdutil.FieldManagerFlags{FieldManager: manager},
		Selector: cmdutil.SelectorFlags{WithFields: true},
		streams:  streams, client: f.Client, resolved: f.Resolved, warn: f.Warn}
}

func (o *Options) register(f *cmdutil.Factory, cmd *cobra.Command, fileUsage, overwrite, list, local, all, rv string) {
	o.Files.Usage = "Filename, directory, or URL to files " + fileUsage
	cmd.ValidArgsFunction = cmdutil.CompleteResources(f)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := o.Complete(cmd, args); err != nil {
			return err
		}
		if err := o.Validate(); err != nil {
			return err
		}
		return o.Run(cmd.Context())
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.Record, "record", false, "Record current kubectl command in the resource annotation. If set to false, do not record the command. If set to true, record the command. If not set, default to updating the existing annotation value only if one already exists.")
	_ = fs.MarkDeprecated("record", "--record will be removed in the future")
	o.Print.AddFlags(fs)
	fs.BoolVar(&o.Overwrite, "overwrite", false, overwrite)
	fs.BoolVar(&o.List, "list", false, list)
	fs.BoolVar(&o.Local, "local", false, local)
	fs.BoolVar(&o.All, "all", false, all)
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If true, check the specified action in all namespaces.")
	fs.StringVar(&o.ResourceVersion, "resource-version", "", rv)
	o.Files.AddFlags(fs)
	o.DryRun.AddFlags(fs)
	o.FieldManager.AddFlags(fs)
	o.Selector.AddFlags(fs)
}

// Complete splits the arguments into resources and changes and reads the flags.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	if o.Record {
		o.cause = cmdutil.RecordedCommand(cmd, os.Args)
	}
	var err error
	if o.dryRun, err = o.DryRun.Strategy(o.warn); err != nil {
		return err
	}
	var pairs []string
	if o.resources, pairs, err = ResourcesAndPairs(args, o.kind.noun); err != nil {
		return err
	}
	if o.kind == labels {
		o.set, o.remove, err = parseLabels(pairs)
	} else {
		o.set, o.remove, err = ParsePairs(pairs, "annotation", true)
	}
	if err != nil {
		return err
	}
	if o.List && o.Print.Output != "" {
		return errors.New("--list and --output may not be specified together")
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

// Validate rejects contradictory flags in kubectl's order (which differs between label and annotate).
func (o *Options) Validate() error {
	if o.All && o.Selector.Labels != "" {
		return errors.New("cannot set --all and --selector at the same time")
	}
	if o.All && o.Selector.Fields != "" {
		return errors.New("cannot set --all and --field-selector at the same time")
	}
	localFiles := fmt.Sprintf("-f %[1]s.yaml or --filename=%[1]s.json", o.kind.files)
	switch {
	case !o.Local && len(o.resources) == 0 && !o.Files.Given():
		return errors.New("one or more resources must be specified as <resource> <name> or <resource>/<name>")
	case o.Local && o.dryRun == cmdutil.DryRunServer:
		return errors.New("cannot specify --local and --dry-run=server - did you mean --dry-run=client?")
	case o.Local && len(o.resources) > 0:
		return fmt.Errorf("can only use local files by %s when --local=true is set", localFiles)
	case o.Local && !o.Files.Given():
		return fmt.Errorf("one or more files must be specified as %s", localFiles)
	}
	if len(o.set) == 0 && len(o.remove) == 0 && !o.List {
		return fmt.Errorf("at least one %s update is required", o.kind.noun)
	}
	if o.kind == annotations {
		var both []string
		for _, k := range o.remove {
			if _, ok := o.set[k]; ok {
				both = append(both, k)
			}
		}
		if len(both) > 0 {
			return fmt.Errorf("can not both modify and remove the following annotation(s) in the same command: %s", strings.Join(both, ", "))
		}
	}
	return nil
}

// Run changes each object in turn; failures are reported together at the end.
func (o *Options) Run(ctx context.Context) error {
	out := &cmdutil.ResultPrinter{Out: o.streams.Out, Name: o.Print.Format().Name == "name", DryRun: o.dryRun}
	if o.Local {
		objs, err := o.Files.Read(o.streams.In)
		if err != nil {
			return err
		}
		single := len(objs) == 1 && len(o.Files.Filenames) == 1 && objs[0].Source == o.Files.Filenames[0]
		if !single && o.ResourceVersion != "" {
			return errors.New("--resource-version may only be used with a single resource")
		}
		return cmdutil.VisitLocal(objs, o.namespace, func(i *cmdutil.Info) error { return o.change(ctx, nil, i, single, out) })
	}
	sel := cmdutil.Selection{Args: o.resources, Filenames: o.Files.Filenames, Recursive: o.Files.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicit, AllNamespaces: o.AllNamespaces,
		LabelSelector: o.Selector.Labels, FieldSelector: o.Selector.Fields}
	c, err := o.client()
	if err != nil {
		return err
	}
	targets, single, err := sel.Targets(ctx, c.Discovery())
	if err != nil {
		return err
	}
	if !single && o.ResourceVersion != "" {
		return errors.New("--resource-version may only be used with a single resource")
	}
	return cmdutil.VisitLatest(ctx, c, targets, o.Selector.ListOptions(), o.All, func(i *cmdutil.Info) error {
		return o.change(ctx, c, i, single, out)
	})
}

// change changes one object: locally (--local, --list, --dry-run=client) or with a merge patch.
func (o *Options) change(ctx context.Context, c *client.Client, i *cmdutil.Info, single bool, out *cmdutil.ResultPrinter) error {
	meta := i.Object.Metadata()
	if meta == nil {
		meta = map[string]any{}
		i.Object["metadata"] = meta
	}
	if o.ResourceVersion != "" {
		delete(meta, "resourceVersion") // so that the patch always carries it
	}
	before, err := i.JSON()
	if err != nil {
		return err
	}
	old := stringMap(meta[o.kind.field])
	local := o.dryRun == cmdutil.DryRunClient || o.Local || o.List
	if !local && o.kind == labels {
		for _, k := range o.remove {
			if _, ok := old[k]; !ok {
				fmt.Fprintf(o.streams.Out, "label %q not found.\n", k)
			}
		}
	}
	if !o.Overwrite {
		if err := o.noOverwrites(old); err != nil {
			return err
		}
	}
	updated := maps.Clone(old)
	if updated == nil {
		updated = map[string]string{}
	}
	maps.Copy(updated, o.set)
	for _, k := range o.remove {
		delete(updated, k)
	}
	setStringMap(meta, o.kind.field, updated)
	if o.ResourceVersion != "" {
		meta["resourceVersion"] = o.ResourceVersion
	}
	recorded := !local && o.recordCause(meta)
	if recorded {
		updated = stringMap(meta[o.kind.field])
	}
	after, err := i.JSON()
	if err != nil {
		return err
	}

	shown := after
	if !local {
		patch := metadataPatch(o.kind.field, old, updated, stringMap(meta["annotations"]), recorded && o.kind == labels)
		if o.ResourceVersion != "" {
			patch["resourceVersion"] = o.ResourceVersion
		}
		body := map[string]any{}
		if len(patch) > 0 {
			body["metadata"] = patch
		}
		answer, err := c.Resource(i.Ref.Type, i.Ref.Namespace).Patch(ctx, i.Ref.Name, client.Merge(body),
			client.PatchOptions{FieldManager: o.FieldManager.FieldManager, DryRun: o.dryRun.Server()})
		if err != nil {
			return err
		}
		if o.kind == annotations { // label shows the object as it sent it, annotate as the server answered
			shown = answer
		}
	}

	if o.List {
		return o.list(i, stringMap(meta[o.kind.field]), single)
	}
	objects, err := o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true})
	if err != nil {
		return err
	}
	if objects != nil {
		if err := objects.PrintObject(printers.Object{Raw: shown}); err != nil {
			return err
		}
		return objects.Close()
	}
	op := o.kind.done
	if o.kind == labels {
		op = changeMessage(before, after, o.Overwrite)
	}
	return out.Print(i.Ref, op)
}

// noOverwrites is kubectl's refusal to change a value without --overwrite.
func (o *Options) noOverwrites(old map[string]string) error {
	var clashes []string
	for _, k := range slices.Sorted(maps.Keys(o.set)) {
		if k == changeCause && o.kind == annotations {
			continue
		}
		if v, ok := old[k]; ok && v != o.set[k] {
			clashes = append(clashes, fmt.Sprintf("'%s' already has a value (%s)", k, v))
		}
	}
	switch {
	case len(clashes) == 0:
		return nil
	case o.kind == annotations:
		return fmt.Errorf("--overwrite is false but found the following declared annotation(s): %s", strings.Join(clashes, "; "))
	case len(clashes) == 1:
		return fmt.Errorf("%s, and --overwrite is false", clashes[0])
	}
	for n := range clashes {
		clashes[n] += ", and --overwrite is false"
	}
	return fmt.Errorf("[%s]", strings.Join(clashes, ", "))
}

// recordCause writes the command line into the change-cause annotation with --record; it reports whether
// it did.
func (o *Options) recordCause(meta map[string]any) bool {
	if !o.Record {
		return false
	}
	ann := stringMap(meta["annotations"])
	if ann == nil {
		ann = map[string]string{}
	}
	ann[changeCause] = o.cause
	setStringMap(meta, "annotations", ann)
	return true
}

// list prints the labels or annotations, sorted (kubectl's order is Go's map order).
func (o *Options) list(i *cmdutil.Info, m map[string]string, single bool) error {
	indent := ""
	if !single {
		indent = " "
		noun := "labels"
		if o.kind == annotations {
			noun = "annotations"
		}
		fmt.Fprintf(o.streams.Out, "Listing %s for %s.%s/%s:\n", noun, i.Object.Kind(), i.Ref.Type.Group, i.Ref.Name)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(o.streams.Out, "%s%s=%s\n", indent, k, m[k])
	}
	return nil
}

// metadataPatch is the merge patch of metadata that turns old into updated for field (values set, removed
// keys null); with record, the change-cause annotation goes along.
func metadataPatch(field string, old, updated, ann map[string]string, record bool) map[string]any {
	diff := map[string]any{}
	for k, v := range updated {
		if ov, ok := old[k]; !ok || ov != v {
			diff[k] = v
		}
	}
	for k := range old {
		if _, ok := updated[k]; !ok {
			diff[k] = nil
		}
	}
	patch := map[string]any{}
	if len(diff) > 0 {
		patch[field] = diff
	}
	if cause, ok := ann[changeCause]; ok && record {
		patch["annotations"] = map[string]any{changeCause: cause}
	}
	return patch
}

// changeMessage is kubectl's label outcome: "not labeled" when nothing changed, "unlabeled" when the
// object only got shorter without --overwrite, else "labeled".
func changeMessage(before, after []byte, overwrite bool) string {
	if reflect.DeepEqual(before, after) {
		return "not labeled"
	}
	if !overwrite && len(after) < len(before) {
		return "unlabeled"
	}
	return "labeled"
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

func setStringMap(meta map[string]any, field string, m map[string]string) {
	v := make(map[string]any, len(m))
	for k, s := range m {
		v[k] = s
	}
	meta[field] = v
}

// ResourcesAndPairs splits arguments into resources and the KEY=VAL / KEY- changes that must follow them,
// as kubectl does.
func ResourcesAndPairs(args []string, pairType string) (resources, pairs []string, err error) {
	found := false
	for _, s := range args {
		pair := (strings.Contains(s, "=") && s[0] != '=') || (strings.HasSuffix(s, "-") && s != "-")
		switch {
		case pair:
			found = true
			pairs = append(pairs, s)
		case found:
			return nil, nil, fmt.Errorf("all resources must be specified before %s changes: %s", pairType, s)
		default:
			resources = append(resources, s)
		}
	}
	return resources, pairs, nil
}

// ParsePairs reads KEY=VALUE (the value may hold "=") and, with remove, KEY- arguments, as kubectl's
// annotate and set env do.
func ParsePairs(args []string, pairType string, remove bool) (map[string]string, []string, error) {
	set := map[string]string{}
	var removed []string
	if remove {
		removed = []string{}
	}
	var invalid []string
	for _, a := range args {
		switch {
		case strings.Contains(a, "=") && a[0] != '=':
			k, v, _ := strings.Cut(a, "=")
			set[k] = v
		case remove && strings.HasSuffix(a, "-") && a != "-":
			removed = append(removed, a[:len(a)-1])
		default:
			invalid = append(invalid, a)
		}
	}
	if len(invalid) > 0 {
		return nil, nil, fmt.Errorf("invalid %s format: %s", pairType, strings.Join(invalid, ", "))
	}
	return set, removed, nil
}

// parseLabels is kubectl's label argument check: one "=" at most and a valid value.
func parseLabels(args []string) (map[string]string, []string, error) {
	set := map[string]string{}
	var removed []string
	for _, a := range args {
		switch {
		case strings.Contains(a, "="):
			parts := strings.Split(a, "=")
			if len(parts) != 2 {
				return nil, nil, fmt.Errorf("invalid label spec: %v", a)
			}
			if errs := isValidLabelValue(parts[1]); len(errs) != 0 {
				return nil, nil, fmt.Errorf("invalid label value: %q: %s", a, strings.Join(errs, ";"))
			}
			set[parts[0]] = parts[1]
		case strings.HasSuffix(a, "-"):
			removed = append(removed, a[:len(a)-1])
		default:
			return nil, nil, fmt.Errorf("unknown label spec: %v", a)
		}
	}
	for _, k := range removed {
		if _, ok := set[k]; ok {
			return nil, nil, errors.New("can not both modify and remove a label in the same command")
		}
	}
	return set, removed, nil
}
