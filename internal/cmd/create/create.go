// Package create is `kubex create`: objects from manifests (-f), or built by a generator (create
// namespace, configmap, secret, deployment, role, ...), created with one POST each.
package create

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/internal/manifest"
	"github.com/kubex-cli/kubex/internal/selector"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Options holds the flags of `kubex create -f`.
type Options struct {
	common
	Files       cmdutil.FilenameFlags
	Selector    cmdutil.SelectorFlags
	Raw         string
	Edit        bool
	Concurrency int
}

// defaultConcurrency is how many objects are created at once, as for apply.
const defaultConcurrency = 32

// NewCmdCreate builds `kubex create` and its generators.
func NewCmdCreate(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{common: newCommon(f, streams), Concurrency: defaultConcurrency,
		Files: cmdutil.FilenameFlags{Usage: "Filename, directory, or URL to files to use to create the resource"}}
	cmd := &cobra.Command{
		Use:   "create -f FILENAME",
		Short: "Create a resource from a file or from stdin",
		Long: `Create a resource from a file or from stdin.

 JSON and YAML formats are accepted.`,
		Example: `  # Create a pod using the data in pod.json
  kubex create -f ./pod.json

  # Create a pod based on the JSON passed into stdin
  cat pod.json | kubex create -f -

  # Create every object of a directory, then print them as the server stored them
  kubex create -f ./manifests -R -o yaml`,
		DisableFlagsInUseLine: true,
		GroupID:               "basic",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	o.Files.AddFlags(fs)
	o.Selector.AddFlags(fs)
	fs.BoolVar(&o.Edit, "edit", false, "Edit the API resource before creating (not supported by kubex).")
	fs.StringVar(&o.Raw, "raw", "", "Raw URI to POST to the server.  Uses the transport specified by the kubeconfig file.")
	fs.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "How many objects are created at once.")
	o.addFlags(cmd)

	cmd.AddCommand(
		newCmdNamespace(f, streams),
		newCmdServiceAccount(f, streams),
		newCmdConfigMap(f, streams),
		newCmdSecret(f, streams),
	)
	for _, c := range extraGenerators {
		cmd.AddCommand(c(f, streams))
	}
	return cmd
}

// extraGenerators are the generators registered by the other files of this package.
var extraGenerators []func(*cmdutil.Factory, *iostreams.IOStreams) *cobra.Command

// Complete reads the shared flags.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	if len(args) != 0 {
		return cmdutil.UsageErrorf(cmd, "Unexpected args: %v", args)
	}
	return o.complete()
}

// Validate checks -f and --raw as kubectl does.
func (o *Options) Validate(cmd *cobra.Command) error {
	if !o.Files.Given() {
		return errors.New("must specify one of -f and -k")
	}
	if o.Raw != "" {
		switch {
		case o.Edit:
			return errors.New("--raw and --edit are mutually exclusive")
		case len(o.Files.Filenames) != 1:
			return errors.New("--raw can only use a single local file or stdin")
		case strings.HasPrefix(o.Files.Filenames[0], "http://") || strings.HasPrefix(o.Files.Filenames[0], "https://"):
			return errors.New("--raw cannot read from a url")
		case o.Files.Recursive:
			return errors.New("--raw and --recursive are mutually exclusive")
		case o.Selector.Labels != "":
			return errors.New("--raw and --selector (-l) are mutually exclusive")
		case o.Print.Output != "":
			return errors.New("--raw and --output are mutually exclusive")
		}
		if _, err := url.ParseRequestURI(o.Raw); err != nil {
			return fmt.Errorf("--raw must be a valid URL path: %v", err)
		}
	}
	if o.Edit {
		return errors.New("--edit is not supported by kubex: edit the file, then create it")
	}
	if o.Concurrency < 1 {
		return cmdutil.UsageErrorf(cmd, "--concurrency must be at least 1")
	}
	return nil
}

// Run creates.
func (o *Options) Run(ctx context.Context) error {
	if o.Raw != "" {
		return o.rawPost(ctx)
	}
	objs, err := o.Files.Read(o.streams.In)
	if err != nil {
		return err
	}
	sel, err := selector.Parse(o.Selector.Labels)
	if err != nil {
		return err
	}
	objs = slices.DeleteFunc(objs, func(obj manifest.Object) bool { return !sel.Matches(obj.Labels) })
	if len(objs) == 0 {
		return errors.New("no objects passed to create")
	}
	c, err := o.f.Client()
	if err != nil {
		return err
	}
	items := make([]*item, len(objs))
	scope := cmdutil.Selection{Namespace: o.namespace, Explicit: o.explicit}
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	for i, obj := range objs {
		it := &item{obj: obj}
		items[i] = it
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			it.err = o.createOne(ctx, c, scope, it)
		})
	}
	wg.Wait()

	// kubectl prints each object on its own: JSON objects one after the other, YAML documents with
	// "---" between them.
	var objects printers.ObjectPrinter
	if o.Print.Objects() && o.Print.Format().Name == "yaml" {
		if objects, err = o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Stream: true}); err != nil {
			return err
		}
	}
	lines := &cmdutil.ResultPrinter{Out: o.streams.Out, Name: o.Print.Format().Name == "name", DryRun: o.dryRun}
	var errs []error
	for _, it := range items {
		if it.err != nil {
			errs = append(errs, it.err)
			continue
		}
		switch {
		case objects != nil:
			err = objects.PrintObject(printers.Object{Raw: it.result})
		case o.Print.Objects():
			err = o.printOne(it.result)
		default:
			err = lines.Print(client.Ref{Type: it.res, Name: it.name}, "created")
		}
		if err != nil {
			return err
		}
	}
	if objects != nil {
		if err := objects.Close(); err != nil {
			return err
		}
	}
	return cmdutil.Aggregate(errs)
}

// item is one object of the input and its outcome.
type item struct {
	obj    manifest.Object
	res    discovery.Resource
	name   string
	result []byte
	err    error
}

// createOne sends one object: its namespace set, its last-applied annotation written or refreshed.
func (o *Options) createOne(ctx context.Context, c *client.Client, scope cmdutil.Selection, it *item) error {
	var err error
	if it.res, err = cmdutil.ResolveKind(ctx, c.Discovery(), it.obj); err != nil {
		if strings.Contains(err.Error(), "no matches for kind") {
			return fmt.Errorf("resource mapping not found for name: %q namespace: %q from %q: no matches for kind %q in version %q\nensure CRDs are installed first",
				it.obj.Name, it.obj.Namespace, it.obj.Source, it.obj.Kind, it.obj.APIVersion)
		}
		return err
	}
	ns, err := scope.ObjectNamespace(it.res, it.obj.Namespace)
	if err != nil {
		return err
	}
	m, err := decodeObject(it.obj.JSON)
	if err != nil {
		return err
	}
	if it.res.Namespaced {
		md, _ := m["metadata"].(map[string]any)
		if md == nil {
			md = map[string]any{}
			m["metadata"] = md
		}
		md["namespace"] = ns
	}
	if err := annotateUnstructured(m, o.SaveConfig); err != nil {
		return sourceError(it.obj.Source, err)
	}
	it.name = it.obj.Name
	body, err := encode(m)
	if err != nil {
		return err
	}
	if o.dryRun == cmdutil.DryRunClient {
		it.result = body
		return nil
	}
	out, err := c.Resource(it.res, ns).Create(ctx, body, client.WriteOptions{FieldManager: o.FieldManager.FieldManager, DryRun: o.dryRun.Server(), FieldValidation: o.validation})
	if err != nil {
		return sourceError(it.obj.Source, err)
	}
	it.result = out
	return nil
}

// sourceError is kubectl's AddSourceToErr for "creating": the file named in the message, a server error
// keeping its reason.
func sourceError(source string, err error) error {
	var se *transport.StatusError
	if errors.As(err, &se) {
		e := *se
		e.Message = fmt.Sprintf("error when creating %q: %s", source, se.Message)
		return &e
	}
	return fmt.Errorf("error when creating %q: %w", source, err)
}

// rawPost sends the file as it is to the --raw path and copies the answer out.
func (o *Options) rawPost(ctx context.Context) error {
	var data []byte
	var err error
	if name := o.Files.Filenames[0]; name == "-" {
		data, err = io.ReadAll(o.streams.In)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return err
	}
	c, err := o.f.Client()
	if err != nil {
		return err
	}
	resp, err := c.Verb("POST").AbsPath(o.Raw).Body("application/json", data).Stream(ctx)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(o.streams.Out, resp.Body)
	return err
}

// printOne prints one object with a printer of its own, as kubectl's -o json and templates do.
func (o *Options) printOne(raw []byte) error {
	p, err := o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true})
	if err != nil {
		return err
	}
	if err := p.PrintObject(printers.Object{Raw: raw}); err != nil {
		return err
	}
	return p.Close()
}
