// Package get is `kubex get` and `kubex watch`: any served resource, in kubectl's output formats, with
// lists printed page by page as they arrive.
package get

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Options holds the flags of `kubex get` and what Complete derives from them.
type Options struct {
	Output            string
	Template          string
	NoHeaders         bool
	ShowLabels        bool
	ShowKind          bool
	ShowManagedFields bool
	AllowMissingKeys  bool
	LabelColumns      []string
	SortBy            string

	Watch             bool
	WatchOnly         bool
	OutputWatchEvents bool

	IgnoreNotFound bool
	LabelSelector  string
	FieldSelector  string
	AllNamespaces  bool
	Filenames      []string
	Recursive      bool
	ChunkSize      int64
	Subresource    string
	ServerPrint    bool
	Raw            string

	streamingList bool // the initial state from a watch with sendInitialEvents (hidden: for measuring)
	AllContexts   bool

	// Several contexts at once (--context a,b or --all-contexts): the contexts, and for the run of one
	// of them its name and where its rows or objects go.
	contexts    []string
	contextName string
	rows        printers.RowWriter
	objectsTo   func(printers.Object) error

	// Filled in by Complete.
	namespace         string
	explicitNamespace bool
	format            format
	args              []string

	factory  *cmdutil.Factory
	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (*config.Resolved, error)
	warn     func(string)
}

func newOptions(f *cmdutil.Factory, streams *iostreams.IOStreams) *Options {
	return &Options{
		ChunkSize:        500,
		ServerPrint:      true,
		AllowMissingKeys: true,
		factory:          f,
		streams:          streams,
		client:           f.Client,
		resolved:         f.Resolved,
		warn:             f.Warn,
	}
}

// NewCmdGet builds `kubex get`.
func NewCmdGet(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newOptions(f, streams)
	cmd := &cobra.Command{
		Use:   "get [(-o|--output=)json|yaml|name|wide|jsonpath=...|custom-columns=...|go-template=...] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
		Short: "Display one or many resources",
		Long: `Display one or many resources.

Prints a table of the most important information about the specified resources. You can filter the
list using a label selector and the --selector flag. If the desired resource type is namespaced you will
only see results in the current namespace if you don't specify any namespace.

Lists are printed page by page as they arrive (--chunk-size), never held whole in memory.`,
		Example: `  kubex get pods
  kubex get pods -A -o wide
  kubex get deployments.apps/web -o yaml
  kubex get pods -o jsonpath='{.items[*].metadata.name}'
  kubex get pods -w`,
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     completeTypes(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(cmd); err != nil {
				return err
			}
			if o.Watch || o.WatchOnly {
				cmd.Annotations = map[string]string{cmdutil.InterruptEndsCommand: "true"}
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	o.addOutputFlags(cmd)
	o.addSelectionFlags(cmd)
	fs.StringVar(&o.Raw, "raw", "", "Raw URI to request from the server.  Uses the transport specified by the kubeconfig file.")
	fs.BoolVarP(&o.Watch, "watch", "w", false, "After listing/getting the requested object, watch for changes.")
	fs.BoolVar(&o.WatchOnly, "watch-only", false, "Watch for changes to the requested object(s), without listing/getting first.")
	fs.BoolVar(&o.OutputWatchEvents, "output-watch-events", false, "Output watch event objects when --watch or --watch-only is used. Existing objects are output as initial ADDED events.")
	fs.BoolVar(&o.IgnoreNotFound, "ignore-not-found", false, "If set to true, suppresses NotFound error for specific objects that do not exist. Using this flag with commands that query for collections of resources has no effect when no resources are found.")
	fs.BoolVar(&o.ServerPrint, "server-print", true, "If true, have the server return the appropriate table output. Supports extension APIs and CRDs.")
	fs.StringSliceVarP(&o.Filenames, "filename", "f", nil, "Filename, directory, or URL to files identifying the resource to get from a server.")
	fs.BoolVarP(&o.Recursive, "recursive", "R", false, "Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
	fs.StringVar(&o.Subresource, "subresource", "", "If specified, gets the subresource of the requested object.")
	_ = cmd.RegisterFlagCompletionFunc("filename", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{"json", "yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	})
	_ = cmd.RegisterFlagCompletionFunc("subresource", cobra.FixedCompletions([]cobra.Completion{"status", "scale"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// addOutputFlags registers the printing flags get and watch share.
func (o *Options) addOutputFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVarP(&o.Output, "output", "o", "", "Output format. One of: (json, yaml, name, wide, jsonpath, jsonpath-file, custom-columns, custom-columns-file, go-template, go-template-file, template, templatefile).")
	fs.StringVar(&o.Template, "template", "", "Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
	fs.BoolVar(&o.NoHeaders, "no-headers", false, "When using the default or custom-column output format, don't print headers (default print headers).")
	fs.BoolVar(&o.ShowLabels, "show-labels", false, "When printing, show all labels as the last column (default hide labels column)")
	fs.BoolVar(&o.ShowKind, "show-kind", false, "If present, list the resource type for the requested object(s).")
	fs.BoolVar(&o.ShowManagedFields, "show-managed-fields", false, "If true, keep the managedFields when printing objects in JSON or YAML format.")
	fs.BoolVar(&o.AllowMissingKeys, "allow-missing-template-keys", true, "If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
	fs.StringSliceVarP(&o.LabelColumns, "label-columns", "L", nil, "Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive. You can also use multiple flag options like -L label1 -L label2...")
	fs.StringVar(&o.SortBy, "sort-by", "", "If non-empty, sort list types using this field specification.  The field specification is expressed as a JSONPath expression (e.g. '{.metadata.name}'). The field in the API resource specified by this JSONPath expression must be an integer or a string.")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]cobra.Completion{
		"json", "yaml", "name", "wide", "jsonpath=", "jsonpath-file=", "custom-columns=", "custom-columns-file=",
		"go-template=", "go-template-file=", "template=", "templatefile=",
	}, cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace))
}

// addSelectionFlags registers what narrows the request, shared by get and watch.
func (o *Options) addSelectionFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVarP(&o.LabelSelector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.")
	fs.StringVar(&o.FieldSelector, "field-selector", "", "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	fs.BoolVar(&o.streamingList, "streaming-list", false, "Get a watch's initial state from the watch itself (sendInitialEvents).")
	_ = fs.MarkHidden("streaming-list")
	fs.BoolVar(&o.AllContexts, "all-contexts", false, "Ask every context of the kubeconfig, in parallel, and print one table (a leading CONTEXT column) or one List. --context a,b,c asks those.")
	fs.Int64Var(&o.ChunkSize, "chunk-size", 500, "Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.")
}

// Complete reads the namespace and the output format.
func (o *Options) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	if o.Raw != "" {
		return nil
	}
	var err error
	if o.format, err = parseFormat(o.Output, o.Template); err != nil {
		return err
	}
	switch {
	case o.Watch && o.SortBy != "":
		fmt.Fprintf(o.streams.ErrOut, "warning: --watch requested, --sort-by will be ignored for watch events received\n")
	case o.WatchOnly && o.SortBy != "":
		fmt.Fprintf(o.streams.ErrOut, "warning: --watch-only requested, --sort-by will be ignored\n")
	case !o.Watch && !o.WatchOnly && len(args) == 0 && len(o.Filenames) == 0:
		fmt.Fprintf(o.streams.ErrOut, "You must specify the type of resource to get. Use \"%s api-resources\" for a complete list of supported resources.\n\n", cmd.Root().Name())
		return cmdutil.UsageErrorf(cmd, "Required resource not specified.")
	}
	if o.contexts, err = o.selectedContexts(); err != nil || len(o.contexts) > 0 {
		return err // each context has its own namespace
	}
	r, err := o.resolved()
	if err != nil {
		return err
	}
	o.namespace, o.explicitNamespace = r.Namespace, r.NamespaceExplicit
	if o.AllNamespaces {
		o.explicitNamespace = false
	}
	return nil
}

// Validate rejects flags that contradict each other, in kubectl's words.
func (o *Options) Validate(cmd *cobra.Command) error {
	if o.Raw != "" {
		if len(o.args) > 0 {
			return fmt.Errorf("arguments may not be passed when --raw is specified")
		}
		if o.Watch || o.WatchOnly || o.LabelSelector != "" {
			return fmt.Errorf("--raw may not be specified with other flags that filter the server request or alter the output")
		}
		if o.Output != "" {
			return fmt.Errorf("--raw and --output are mutually exclusive")
		}
		u, err := url.ParseRequestURI(o.Raw)
		if err != nil {
			return fmt.Errorf("--raw must be a valid URL path: %v", err)
		}
		if u.Host != "" {
			// As kubectl: of a whole URL only the path and query count; the server is the configured one.
			o.Raw = u.RequestURI()
		}
		return nil
	}
	if o.ShowLabels && o.Output != "" && o.Output != "wide" {
		return fmt.Errorf("--show-labels option cannot be used with %s printer", o.Output)
	}
	if o.OutputWatchEvents && !o.Watch && !o.WatchOnly {
		return fmt.Errorf("--output-watch-events option can only be used with --watch or --watch-only")
	}
	if o.ChunkSize < 0 {
		return cmdutil.UsageErrorf(cmd, "--chunk-size must be 0 or more, not %d", o.ChunkSize)
	}
	return nil
}

// Run does the work: --raw, a watch, or a get.
func (o *Options) Run(ctx context.Context) error {
	if o.Raw != "" {
		return o.runRaw(ctx)
	}
	if len(o.contexts) > 0 {
		return o.runContexts(ctx)
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	sel := cmdutil.Selection{Args: o.args, Filenames: o.Filenames, Recursive: o.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicitNamespace, AllNamespaces: o.AllNamespaces,
		LabelSelector: o.LabelSelector, FieldSelector: o.FieldSelector, Subresource: o.Subresource}
	targets, single, err := sel.Targets(ctx, c.Discovery())
	if err != nil {
		return err
	}
	if o.Watch || o.WatchOnly {
		return o.runWatch(ctx, c, targets)
	}
	if o.format.human() {
		return o.printHuman(ctx, c, targets)
	}
	return o.printObjects(ctx, c, targets, single)
}

// runRaw streams the answer to stdout without holding it in memory.
func (o *Options) runRaw(ctx context.Context) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	// As kubectl's --raw: the error names no resource, since the path may not be one.
	resp, err := c.Verb(http.MethodGet).AbsPath(o.Raw).RawErrors().Stream(ctx)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(o.streams.Out, resp.Body)
	return err
}
