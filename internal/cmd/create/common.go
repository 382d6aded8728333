package create

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// fieldManager is the default --field-manager of every create. kubex uses kubectl's manager names, so
// that objects changed by either tool keep one owner per field and switching tools causes no conflicts.
const fieldManager = "kubectl-create"

// validateUsage is kubectl's --validate help text.
const validateUsage = `Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.`

const saveConfigUsage = "If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future."

// common is what every create shares: -o and its template flags, --dry-run, --save-config, --validate
// and --field-manager, and the namespace; each generator adds its own flags and builds its object.
type common struct {
	Print        cmdutil.PrintFlags
	DryRun       cmdutil.DryRunFlags
	FieldManager cmdutil.FieldManagerFlags
	SaveConfig   bool
	Validate     string

	dryRun     cmdutil.DryRunStrategy
	validation string
	namespace  string
	explicit   bool

	f       *cmdutil.Factory
	streams *iostreams.IOStreams
}

func newCommon(f *cmdutil.Factory, streams *iostreams.IOStreams) common {
	return common{FieldManager: cmdutil.FieldManagerFlags{FieldManager: fieldManager}, Validate: "strict", f: f, streams: streams}
}

// addFlags registers the shared flags.
func (o *common) addFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	o.Print.AddFlags(fs)
	fs.BoolVar(&o.SaveConfig, "save-config", false, saveConfigUsage)
	fs.StringVar(&o.Validate, "validate", o.Validate, validateUsage)
	fs.Lookup("validate").NoOptDefVal = "strict"
	o.DryRun.AddFlags(fs)
	o.FieldManager.AddFlags(fs)
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(cmdutil.ObjectFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("dry-run", cobra.FixedCompletions([]cobra.Completion{"none", "server", "client"}, cobra.ShellCompDirectiveNoFileComp))
}

// complete reads the shared flags in kubectl's order (dry run, printer, validation) and the namespace.
func (o *common) complete() error {
	var err error
	if o.dryRun, err = o.DryRun.Strategy(o.f.Warn); err != nil {
		return err
	}
	if err := o.Print.Complete(); err != nil {
		return err
	}
	if o.validation, err = validation(o.Validate); err != nil {
		return err
	}
	r, err := o.f.Resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicit = r.Namespace, r.NamespaceExplicit
	return nil
}

// enforced is the namespace a generated namespaced object carries in its metadata: kubectl sets it only
// when -n was given.
func (o *common) enforced() string {
	if o.explicit {
		return o.namespace
	}
	return ""
}

// run creates obj (or, with --dry-run=client, only prints it) and prints the result.
//
// typedClient says that kubectl creates this kind through a typed client and so prints the server's
// answer in the type's field order (-o json); else it prints it with sorted keys.
func (o *common) run(ctx context.Context, obj generated, wrap func(error) error, typedClient bool) error {
	if err := annotateTyped(obj, o.SaveConfig); err != nil {
		return err
	}
	b := obj.object()
	typ := discovery.Resource{Kind: b.Kind}
	typ.Group, typ.Version = splitAPIVersion(b.APIVersion)
	if o.dryRun == cmdutil.DryRunClient {
		return o.print(typ, b.Metadata.Name, nil, obj)
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	c, err := o.f.Client()
	if err != nil {
		return err
	}
	r, err := c.ResourceForKind(ctx, b.APIVersion, b.Kind, o.namespace)
	if err != nil {
		return err
	}
	out, err := r.Create(ctx, body, client.WriteOptions{FieldManager: o.FieldManager.FieldManager, DryRun: o.dryRun.Server(), FieldValidation: o.validation})
	if err != nil {
		if wrap != nil {
			return wrap(err)
		}
		return err
	}
	var created struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(out, &created)
	if !typedClient {
		obj = nil
	}
	return o.print(r.Type, created.Metadata.Name, out, obj)
}

// print writes the result: the line "kind.group/name created", the name, or the object (raw as the
// server answered, else typed as generated).
func (o *common) print(typ discovery.Resource, name string, raw []byte, typed generated) error {
	f := o.Print.Format()
	if !o.Print.Objects() {
		p := &cmdutil.ResultPrinter{Out: o.streams.Out, Name: f.Name == "name", DryRun: o.dryRun}
		return p.Print(client.Ref{Type: typ, Name: name}, "created")
	}
	if f.Name == "json" && raw != nil && typed != nil {
		// A typed client's answer: printed in the server's (Go field) order.
		b, err := indentTyped(raw, o.Print.ShowManagedFields)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.streams.Out, "%s\n", b)
		return err
	}
	if raw == nil {
		if f.Name == "json" {
			// kubectl prints a typed object in its Go field order.
			b, err := json.MarshalIndent(typed, "", "    ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(o.streams.Out, "%s\n", b)
			return err
		}
		var err error
		if raw, err = json.Marshal(typed); err != nil {
			return err
		}
	}
	p, err := o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true})
	if err != nil {
		return err
	}
	if err := p.PrintObject(printers.Object{Raw: raw}); err != nil {
		return err
	}
	return p.Close()
}

func splitAPIVersion(apiVersion string) (group, version string) {
	for i := 0; i < len(apiVersion); i++ {
		if apiVersion[i] == '/' {
			return apiVersion[:i], apiVersion[i+1:]
		}
	}
	return "", apiVersion
}

// genSpec describes one generator command.
type genSpec struct {
	use, short, long, example string
	aliases                   []string
	// build checks the generator's own flags and args (after NAME) and builds the object.
	build func(ctx context.Context, name string, args []string) (generated, error)
	// wrap words a server error as the generator's kubectl does ("failed to create configmap: %v").
	wrap func(error) error
	// unstructured: kubectl creates this kind through its dynamic client (sorted keys in -o json).
	unstructured bool
}

// newGenerator builds a generator command over o: NAME, then kubectl's order of checks.
func newGenerator(o *common, s genSpec) *cobra.Command {
	cmd := &cobra.Command{
		Use:                   s.use,
		Aliases:               s.aliases,
		Short:                 s.short,
		Long:                  s.long,
		Example:               s.example,
		DisableFlagsInUseLine: true,
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		name, err := nameFromArgs(cmd.ArgsLenAtDash(), args)
		if err != nil {
			return cmdutil.UsageErrorf(cmd, "%s", err.Error())
		}
		if err := o.complete(); err != nil {
			return err
		}
		obj, err := s.build(cmd.Context(), name, args[1:])
		if err != nil {
			return err
		}
		return o.run(cmd.Context(), obj, s.wrap, !s.unstructured)
	}
	o.addFlags(cmd)
	return cmd
}

// wrapf is a wrap that prefixes kubectl's words ("failed to create configmap: ").
func wrapf(prefix string) func(error) error {
	return func(err error) error { return fmt.Errorf("%s%v", prefix, err) }
}

// indentTyped indents a server's JSON answer keeping its key order, without metadata.managedFields
// unless asked for: what kubectl's -o json prints for a typed object.
func indentTyped(raw []byte, managedFields bool) ([]byte, error) {
	top, err := orderedFields(raw)
	if err != nil {
		return nil, err
	}
	if !managedFields {
		for i, kv := range top {
			if kv.key != "metadata" {
				continue
			}
			md, err := orderedFields(kv.val)
			if err != nil {
				return nil, err
			}
			md = slices.DeleteFunc(md, func(kv field) bool { return kv.key == "managedFields" })
			top[i].val = joinFields(md)
		}
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, joinFields(top), "", "    "); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type field struct {
	key string
	val json.RawMessage
}

// orderedFields splits a JSON object into its members, in order.
func orderedFields(raw []byte) ([]field, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out []field
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, field{k, v})
	}
	return out, nil
}

func joinFields(fields []field) []byte {
	b := []byte{'{'}
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(f.key)
		b = append(append(append(b, k...), ':'), f.val...)
	}
	return append(b, '}')
}
