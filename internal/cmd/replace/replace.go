// Package replace is `kubex replace`: PUT the objects of manifests in place of the server's, or, with
// --force, delete them, wait until they are gone and create them again.
package replace

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/internal/manifest"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/client/wait"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Options holds the flags of `kubex replace`.
type Options struct {
	Files        cmdutil.FilenameFlags
	Print        cmdutil.PrintFlags
	DryRun       cmdutil.DryRunFlags
	FieldManager cmdutil.FieldManagerFlags
	Subresource  string
	Validate     string
	Force        bool
	Cascade      string
	GracePeriod  int
	Timeout      time.Duration
	Wait         bool

	dryRun     cmdutil.DryRunStrategy
	validation string
	namespace  string
	explicit   bool

	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (*config.Resolved, error)
	warn     func(string)
}

// NewCmdReplace builds `kubex replace`.
func NewCmdReplace(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{Cascade: "background", GracePeriod: -1, Validate: "strict",
		FieldManager: cmdutil.FieldManagerFlags{FieldManager: "kubectl-replace"},
		Files:        cmdutil.FilenameFlags{Usage: "The files that contain the configurations to replace."},
		streams:      streams, client: f.Client, resolved: f.Resolved, warn: f.Warn}
	cmd := &cobra.Command{
		Use:                   "replace -f FILENAME",
		DisableFlagsInUseLine: true,
		Short:                 "Replace a resource by file name or stdin",
		Long: `Replace a resource by file name or stdin.

 JSON and YAML formats are accepted. If replacing an existing resource, the complete resource spec must be provided. This can be obtained by

        $ kubex get TYPE NAME -o yaml`,
		Example: `  # Replace a pod using the data in pod.json
  kubex replace -f ./pod.json

  # Replace a pod based on the JSON passed into stdin
  cat pod.json | kubex replace -f -

  # Update a single-container pod's image version (tag) to v4
  kubex get pod mypod -o yaml | sed 's/\(image: myimage\):.*$/\1:v4/' | kubex replace -f -

  # Force replace, delete and then re-create the resource
  kubex replace --force -f ./pod.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	o.Print.AddFlags(fs)
	o.Files.AddFlags(fs)
	fs.StringVar(&o.Cascade, "cascade", o.Cascade, `Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.`)
	fs.Lookup("cascade").NoOptDefVal = "background"
	fs.BoolVar(&o.Force, "force", false, "If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.")
	fs.IntVar(&o.GracePeriod, "grace-period", o.GracePeriod, "Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).")
	fs.DurationVar(&o.Timeout, "timeout", 0, "The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object")
	fs.BoolVar(&o.Wait, "wait", false, "If true, wait for resources to be gone before returning. This waits for finalizers.")
	fs.StringVar(&o.Validate, "validate", o.Validate, `Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.`)
	fs.Lookup("validate").NoOptDefVal = "strict"
	o.DryRun.AddFlags(fs)
	o.FieldManager.AddFlags(fs)
	fs.StringVar(&o.Subresource, "subresource", "", "If specified, replace will operate on the subresource of the requested object. Must be one of [status scale].")
	return cmd
}

// Complete checks the flags in kubectl's order and reads the namespace.
func (o *Options) Complete(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected args: %v", args)
	}
	var err error
	if o.dryRun, err = o.DryRun.Strategy(o.warn); err != nil {
		return err
	}
	if err := o.Print.Complete(); err != nil {
		return err
	}
	switch strings.ToLower(o.Validate) {
	case "strict", "true":
		o.validation = "Strict"
	case "warn":
		o.validation = "Warn"
	case "ignore", "false":
		o.validation = "Ignore"
	default:
		return fmt.Errorf(`invalid - validate option %q; must be one of: strict (or true), warn, ignore (or false)`, o.Validate)
	}
	switch o.Cascade {
	case "background", "foreground", "orphan":
	case "true":
		o.Cascade = "background"
	case "false":
		o.Cascade = "orphan"
	default:
		return fmt.Errorf(`invalid cascade value (%v). Must be "background", "foreground", or "orphan"`, o.Cascade)
	}
	if !o.Files.Given() {
		return errors.New("must specify one of -f and -k")
	}
	switch {
	case o.GracePeriod >= 0 && !o.Force:
		return errors.New("--grace-period must have --force specified")
	case o.Timeout != 0 && !o.Force:
		return errors.New("--timeout must have --force specified")
	case o.Force && o.dryRun != cmdutil.DryRunNone:
		return errors.New("--dry-run can not be used when --force is set")
	}
	r, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicit = r.Namespace, r.NamespaceExplicit
	return nil
}

// object is one manifest object with its resource and namespace.
type object struct {
	manifest.Object
	ref client.Ref
}

// Run replaces each object in turn; failures are reported together at the end.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	objs, err := o.Files.Read(o.streams.In)
	if err != nil {
		return err
	}
	sel := cmdutil.Selection{Namespace: o.namespace, Explicit: o.explicit}
	var list []object
	for _, m := range objs {
		res, err := cmdutil.ResolveKind(ctx, c.Discovery(), m)
		if err != nil {
			return err
		}
		ns, err := sel.ObjectNamespace(res, m.Namespace)
		if err != nil {
			return err
		}
		list = append(list, object{Object: m, ref: client.Ref{Type: res, Namespace: ns, Name: m.Name}})
	}
	objects, err := o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true})
	if err != nil {
		return err
	}
	out := &cmdutil.ResultPrinter{Out: o.streams.Out, Name: o.Print.Format().Name == "name", DryRun: o.dryRun}
	print := func(ref client.Ref, raw []byte) error {
		if objects == nil {
			return out.Print(ref, "replaced")
		}
		if err := objects.PrintObject(printers.Object{Raw: raw}); err != nil {
			return err
		}
		// A fresh printer per object, as kubectl's replace: each object printed on its own.
		objects, err = o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true})
		return err
	}
	if o.Force {
		return o.forceReplace(ctx, c, list, print)
	}
	var errs []error
	for _, obj := range list {
		if err := o.replaceOne(ctx, c, obj, print); err != nil {
			errs = append(errs, err)
		}
	}
	return cmdutil.Aggregate(errs)
}

// replaceOne PUTs the object; without a resourceVersion of its own it takes the server's, so that it
// replaces whatever is there (kubectl's overwrite).
func (o *Options) replaceOne(ctx context.Context, c *client.Client, obj object, print func(client.Ref, []byte) error) error {
	body, err := withNamespace(obj)
	if err != nil {
		return err
	}
	if o.dryRun == cmdutil.DryRunClient {
		return print(obj.ref, mustJSON(body))
	}
	r := c.Resource(obj.ref.Type, obj.ref.Namespace)
	if body.Metadata()["resourceVersion"] == nil || body.Metadata()["resourceVersion"] == "" {
		if cur, err := r.Get(ctx, obj.ref.Name, client.GetOptions{Subresource: o.Subresource}); err == nil {
			if have, err := cmdutil.DecodeObject(cur); err == nil && have.Metadata()["resourceVersion"] != nil {
				body.Metadata()["resourceVersion"] = have.Metadata()["resourceVersion"]
			}
		}
	}
	answer, err := r.Replace(ctx, obj.ref.Name, mustJSON(body), client.WriteOptions{FieldManager: o.FieldManager.FieldManager,
		DryRun: o.dryRun.Server(), FieldValidation: o.validation, Subresource: o.Subresource})
	if err != nil {
		return sourceError("replacing", obj.Source, err)
	}
	return print(obj.ref, answer)
}

// forceReplace deletes every object, waits until each is gone, then creates them all again.
func (o *Options) forceReplace(ctx context.Context, c *client.Client, list []object, print func(client.Ref, []byte) error) error {
	opts := client.DeleteOptions{Propagation: client.Propagation(strings.ToUpper(o.Cascade[:1]) + o.Cascade[1:])}
	if o.GracePeriod >= 0 {
		g := int64(o.GracePeriod)
		opts.GracePeriodSeconds = &g
	}
	deleted := &cmdutil.ResultPrinter{Out: o.streams.Out, Name: o.Print.Format().Name == "name"}
	var gone []client.Ref
	for _, obj := range list {
		answer, err := c.Resource(obj.ref.Type, obj.ref.Namespace).Delete(ctx, obj.ref.Name, opts)
		if transport.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		ref := obj.ref
		if a, err := cmdutil.DecodeObject(answer); err == nil {
			if uid, ok := a.Metadata()["uid"].(string); ok {
				ref.UID = uid
			}
		}
		op := "deleted" // kubectl's replace never says "force deleted"
		if ref.Type.Namespaced {
			op += " from " + ref.Namespace + " namespace"
		}
		if err := deleted.PrintQuoted(ref, op); err != nil {
			return err
		}
		gone = append(gone, ref)
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	err := wait.For(wctx, c, gone, wait.Deleted(), nil)
	cancel()
	if err != nil {
		return err
	}
	count := 0
	for _, obj := range list {
		body, err := withNamespace(obj)
		if err != nil {
			return err
		}
		delete(body.Metadata(), "resourceVersion")
		answer, err := c.Resource(obj.ref.Type, obj.ref.Namespace).Create(ctx, mustJSON(body),
			client.WriteOptions{FieldManager: o.FieldManager.FieldManager, FieldValidation: o.validation})
		if err != nil {
			return err
		}
		count++
		if err := print(obj.ref, answer); err != nil {
			return err
		}
	}
	if count == 0 {
		return errors.New("no objects passed to replace")
	}
	return nil
}

// withNamespace is the manifest object decoded, with the namespace it goes to.
func withNamespace(obj object) (client.Object, error) {
	body, err := cmdutil.DecodeObject(obj.JSON)
	if err != nil {
		return nil, err
	}
	if body.Metadata() == nil {
		body["metadata"] = map[string]any{}
	}
	if obj.ref.Type.Namespaced {
		body.Metadata()["namespace"] = obj.ref.Namespace
	}
	return body, nil
}

func mustJSON(o client.Object) []byte {
	info := cmdutil.Info{Object: o}
	b, _ := info.JSON() // decoded from JSON: encodes again
	return b
}

// sourceError names the file an object came from, as kubectl's AddSourceToErr: an API error keeps its
// reason, with `error when replacing "FILE": ` before its message.
func sourceError(verb, source string, err error) error {
	if source == "" {
		return err
	}
	var se *transport.StatusError
	if errors.As(err, &se) {
		c := *se
		c.Message = fmt.Sprintf("error when %s %q: %v", verb, source, se.Message)
		return &c
	}
	return fmt.Errorf("error when %s %q: %v", verb, source, err)
}
