// Package patch is `kubex patch`: one typed Patch (strategic, merge, json or apply) sent to named objects.
package patch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Options holds the flags of `kubex patch`.
type Options struct {
	Patch          string
	PatchFile      string
	Type           string
	Subresource    string
	FieldManager   cmdutil.FieldManagerFlags
	ForceConflicts bool
	DryRun         cmdutil.DryRunFlags
	Print          cmdutil.PrintFlags
	Files          cmdutil.FilenameFlags

	args      []string
	namespace string
	explicit  bool
	patch     client.Patch
	dryRun    cmdutil.DryRunStrategy

	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (*config.Resolved, error)
	warn     func(string)
}

// NewCmdPatch builds `kubex patch`.
func NewCmdPatch(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{Type: "strategic", FieldManager: cmdutil.FieldManagerFlags{FieldManager: "kubectl-patch"},
		DryRun:  cmdutil.DryRunFlags{Usage: `Must be "none" or "server".`},
		Files:   cmdutil.FilenameFlags{Usage: "Filename, directory, or URL to files identifying the resource to update"},
		streams: streams, client: f.Client, resolved: f.Resolved, warn: f.Warn}
	cmd := &cobra.Command{
		Use:   "patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]",
		Short: "Update fields of a resource",
		Long: `Update fields of a resource using a strategic merge patch (the default), a JSON merge patch, a JSON
patch or a server-side apply patch. The patch is checked before anything is sent.`,
		Example: `  kubex patch deploy web -p '{"spec":{"replicas":3}}'
  kubex patch deploy/web --type json -p '[{"op":"replace","path":"/spec/replicas","value":3}]'
  kubex patch deploy web --subresource scale --type merge -p '{"spec":{"replicas":2}}'`,
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
	fs.StringVarP(&o.Patch, "patch", "p", "", "The patch to be applied to the resource JSON file.")
	fs.StringVar(&o.PatchFile, "patch-file", "", "A file containing a patch to be applied to the resource.")
	fs.StringVar(&o.Type, "type", o.Type, "The type of patch being provided; one of [apply json merge strategic]")
	fs.StringVar(&o.Subresource, "subresource", "", "If specified, patch will operate on the subresource of the requested object. Must be one of [status scale].")
	o.FieldManager.AddFlags(fs)
	fs.BoolVar(&o.ForceConflicts, "force-conflicts", false, "With --type apply, take the fields other managers own.")
	o.DryRun.AddFlags(fs)
	o.Print.AddFlags(fs)
	o.Files.AddFlags(fs)
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions([]cobra.Completion{"strategic", "merge", "json", "apply"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Complete reads and checks the patch before anything is sent.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	switch {
	case o.Patch != "" && o.PatchFile != "":
		return errors.New("cannot specify --patch and --patch-file together")
	case o.Patch == "" && o.PatchFile == "":
		return errors.New("must specify --patch or --patch-file containing the contents of the patch")
	case client.PatchType(o.Type).ContentType() == "":
		return fmt.Errorf("--type must be one of [json merge strategic apply], not %q", o.Type)
	case o.ForceConflicts && o.Type != "apply":
		return errors.New("--force-conflicts only works with --type apply")
	}
	var err error
	if o.dryRun, err = o.DryRun.Strategy(o.warn); err != nil {
		return err
	}
	if o.dryRun == cmdutil.DryRunClient {
		return errors.New(`--dry-run=client is not supported: use --dry-run=server, which asks the server what the patch would make`)
	}
	if err := o.Print.Complete(); err != nil {
		return err
	}
	data := []byte(o.Patch)
	if o.PatchFile != "" {
		var err error
		if data, err = os.ReadFile(o.PatchFile); err != nil {
			return fmt.Errorf("unable to read patch file: %v", err)
		}
	}
	if o.patch, err = client.NewPatch(client.PatchType(o.Type), data); err != nil {
		return err
	}
	r, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicit = r.Namespace, r.NamespaceExplicit
	return nil
}

// Run patches each named object in order.
func (o *Options) Run(ctx context.Context) error {
	sel := cmdutil.Selection{Args: o.args, Filenames: o.Files.Filenames, Recursive: o.Files.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicit, Subresource: o.Subresource}
	c, targets, err := cmdutil.ClientAndTargets(ctx, sel, o.client)
	if err != nil {
		return err
	}
	objects, err := o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Stream: true})
	if err != nil {
		return err
	}
	out := &cmdutil.ResultPrinter{Out: o.streams.Out, Name: o.Print.Format().Name == "name", DryRun: o.dryRun}
	var errs []error
	count := 0
	for _, t := range targets {
		if t.Names == nil {
			return errors.New("resource(s) were provided, but no name was specified")
		}
		for _, name := range t.Names {
			count++
			if err := o.patchOne(ctx, c, client.Ref{Type: t.Res, Namespace: t.Namespace, Name: name}, objects, out); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if count == 0 {
		return errors.New("no objects passed to patch")
	}
	return cmdutil.Aggregate(errs)
}

func (o *Options) patchOne(ctx context.Context, c *client.Client, ref client.Ref, objects printers.ObjectPrinter, out *cmdutil.ResultPrinter) error {
	r := c.Resource(ref.Type, ref.Namespace)
	before, err := r.Get(ctx, ref.Name, client.GetOptions{Subresource: o.Subresource}) // a missing object is the error
	if err != nil {
		return err
	}
	after, err := r.Patch(ctx, ref.Name, o.patch, client.PatchOptions{FieldManager: o.FieldManager.FieldManager, Force: o.ForceConflicts, DryRun: o.dryRun.Server(), Subresource: o.Subresource})
	if err != nil {
		var se *transport.StatusError
		if errors.As(err, &se) && se.Code == 415 {
			return fmt.Errorf("%s is not supported by %s: %w", o.patch.Type.ContentType(), ref.Type.GroupVersion().String()+", Kind="+ref.Type.Kind, err)
		}
		return err
	}
	if objects != nil {
		return objects.PrintObject(printers.Object{Raw: after})
	}
	op := "patched"
	if sameObject(before, after) {
		op = "patched (no change)"
	}
	return out.Print(ref, op)
}

// sameObject is kubectl's test for "(no change)": the object as decoded, before and after, is equal.
func sameObject(a, b []byte) bool {
	var d printers.Decoder
	va, errA := d.Unstructured(a)
	vb, errB := d.Unstructured(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}
