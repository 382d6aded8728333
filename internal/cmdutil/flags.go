package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/internal/manifest"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// AddOverrideFlags registers kubectl's global connection flags on fs, bound to o, with kubectl's names,
// shorthands, defaults and help texts. It lives here rather than in pkg/config so that the kubeconfig
// package knows files and merging, not command lines.
func AddOverrideFlags(fs *pflag.FlagSet, o *config.Overrides) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "Path to the kubeconfig file to use for CLI requests.")
	fs.StringVar(&o.ClientCertificate, "client-certificate", o.ClientCertificate, "Path to a client certificate file for TLS")
	fs.StringVar(&o.ClientKey, "client-key", o.ClientKey, "Path to a client key file for TLS")
	fs.StringVar(&o.Token, "token", o.Token, "Bearer token for authentication to the API server")
	fs.StringVar(&o.Impersonate, "as", o.Impersonate, "Username to impersonate for the operation. User could be a regular user or a service account in a namespace.")
	fs.StringVar(&o.ImpersonateUID, "as-uid", o.ImpersonateUID, "UID to impersonate for the operation.")
	fs.StringArrayVar(&o.ImpersonateGroups, "as-group", o.ImpersonateGroups, "Group to impersonate for the operation, this flag can be repeated to specify multiple groups.")
	fs.StringVar(&o.Username, "username", o.Username, "Username for basic authentication to the API server")
	fs.StringVar(&o.Password, "password", o.Password, "Password for basic authentication to the API server")
	fs.StringVar(&o.Cluster, "cluster", o.Cluster, "The name of the kubeconfig cluster to use")
	fs.StringVar(&o.User, "user", o.User, "The name of the kubeconfig user to use")
	fs.StringVarP(&o.Namespace, "namespace", "n", o.Namespace, "If present, the namespace scope for this CLI request")
	fs.StringVar(&o.Context, "context", o.Context, "The name of the kubeconfig context to use")
	fs.StringVarP(&o.Server, "server", "s", o.Server, "The address and port of the Kubernetes API server")
	fs.StringVar(&o.TLSServerName, "tls-server-name", o.TLSServerName, "Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used")
	fs.BoolVar(&o.InsecureSkipTLSVerify, "insecure-skip-tls-verify", o.InsecureSkipTLSVerify, "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure")
	fs.StringVar(&o.CertificateAuthority, "certificate-authority", o.CertificateAuthority, "Path to a cert file for the certificate authority")
	// kubectl shows "0" as the default; config.ParseTimeout reads it as no timeout.
	if o.RequestTimeout == "" {
		o.RequestTimeout = "0"
	}
	fs.StringVar(&o.RequestTimeout, "request-timeout", o.RequestTimeout, "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.")
	fs.BoolVar(&o.DisableCompression, "disable-compression", o.DisableCompression, "If true, opt-out of response compression for all requests to the server")
}

// FilenameFlags is kubectl's -f/--filename (repeatable, comma-separated) and -R/--recursive: the
// manifests a command reads.
type FilenameFlags struct {
	Filenames []string
	Recursive bool
	// Kustomize is the slot for kubectl's -k/--kustomize ("Process a kustomization directory. This flag
	// can't be used together with -f or -R."): not registered, since kubex does not build kustomizations
	// yet.
	Kustomize string

	// Usage is the command's -f help text, as kubectl words it for that command.
	Usage string
}

// AddFlags registers -f and -R; -f completes files with kubectl's manifest extensions.
func (f *FilenameFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringSliceVarP(&f.Filenames, "filename", "f", f.Filenames, f.Usage)
	_ = fs.SetAnnotation("filename", cobra.BashCompFilenameExt, []string{"json", "yaml", "yml"})
	fs.BoolVarP(&f.Recursive, "recursive", "R", f.Recursive, "Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.")
}

// Given reports whether any -f was given.
func (f *FilenameFlags) Given() bool { return len(f.Filenames) > 0 }

// Read reads and parses every document of the inputs ("-" is stdin), in order; a broken document is an
// error naming its file, number and line.
func (f *FilenameFlags) Read(stdin io.Reader) ([]manifest.Object, error) {
	return manifest.Read(f.Filenames, f.Recursive, stdin)
}

// SelectorFlags is kubectl's -l/--selector and, when Fields is set, --field-selector.
type SelectorFlags struct {
	Labels string
	Fields string

	// WithFields registers --field-selector too.
	WithFields bool
	// LabelUsage overrides kubectl's usual -l help text (kubectl's wait words it differently).
	LabelUsage string
}

// LabelSelectorUsage is kubectl's usual -l help text.
const LabelSelectorUsage = "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints."

// AddFlags registers -l and, with WithFields, --field-selector.
func (s *SelectorFlags) AddFlags(fs *pflag.FlagSet) {
	usage := s.LabelUsage
	if usage == "" {
		usage = LabelSelectorUsage
	}
	fs.StringVarP(&s.Labels, "selector", "l", s.Labels, usage)
	if s.WithFields {
		fs.StringVar(&s.Fields, "field-selector", s.Fields, "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
	}
}

// Any reports whether a label or field selector was given.
func (s *SelectorFlags) Any() bool { return s.Labels != "" || s.Fields != "" }

// ListOptions are the selectors as the library takes them.
func (s *SelectorFlags) ListOptions() client.ListOptions {
	return client.ListOptions{LabelSelector: s.Labels, FieldSelector: s.Fields}
}

// Refs are the objects targets name and, for a collection target, those the selectors match (with all,
// every one), in order: what delete and wait act on.
func (s *SelectorFlags) Refs(ctx context.Context, c *client.Client, targets []Target, all bool) ([]client.Ref, error) {
	var refs []client.Ref
	for _, t := range targets {
		if t.Names == nil {
			if !all && !s.Any() {
				return nil, errors.New("resource(s) were provided, but no name was specified")
			}
			found, err := c.Resource(t.Res, t.Namespace).Refs(ctx, s.ListOptions())
			if err != nil {
				return nil, err
			}
			refs = append(refs, found...)
			continue
		}
		for _, n := range t.Names {
			refs = append(refs, client.Ref{Type: t.Res, Namespace: t.Namespace, Name: n})
		}
	}
	return refs, nil
}

// DryRunStrategy is a parsed --dry-run.
type DryRunStrategy int

const (
	// DryRunNone acts.
	DryRunNone DryRunStrategy = iota
	// DryRunClient prints what would be sent without sending it.
	DryRunClient
	// DryRunServer asks the server to check and answer as if it acted, storing nothing.
	DryRunServer
)

// Server is the library's DryRun: true for DryRunServer.
func (s DryRunStrategy) Server() client.DryRun { return client.DryRun(s == DryRunServer) }

// Suffix is what kubectl appends to a result line: " (server dry run)", " (dry run)" or "".
func (s DryRunStrategy) Suffix() string {
	switch s {
	case DryRunServer:
		return " (server dry run)"
	case DryRunClient:
		return " (dry run)"
	}
	return ""
}

// DryRunFlags is kubectl's --dry-run: "none" (the default), "server" or "client"; a bare --dry-run is the
// deprecated "client", as are the deprecated booleans true (client) and false (none).
type DryRunFlags struct {
	Value string
	// Usage overrides kubectl's help text, for a command that does not do every strategy.
	Usage string
}

// DryRunUsage is kubectl's --dry-run help text.
const DryRunUsage = `Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.`

// dryRunNoOpt is the value of a bare --dry-run, as in kubectl.
const dryRunNoOpt = "unchanged"

// AddFlags registers --dry-run.
func (d *DryRunFlags) AddFlags(fs *pflag.FlagSet) {
	if d.Value == "" {
		d.Value = "none"
	}
	usage := d.Usage
	if usage == "" {
		usage = DryRunUsage
	}
	fs.StringVar(&d.Value, "dry-run", d.Value, usage)
	fs.Lookup("dry-run").NoOptDefVal = dryRunNoOpt
}

// Strategy reads the flag as kubectl's GetDryRunStrategy does, with its deprecation warnings (through
// warn, when not nil) and its error for anything else.
func (d *DryRunFlags) Strategy(warn func(string)) (DryRunStrategy, error) {
	say := func(msg string) {
		if warn != nil {
			warn(msg)
		}
	}
	switch v := d.Value; v {
	case "", "none":
		return DryRunNone, nil
	case "server":
		return DryRunServer, nil
	case "client":
		return DryRunClient, nil
	case dryRunNoOpt:
		say("--dry-run is deprecated and can be replaced with --dry-run=client.")
		return DryRunClient, nil
	default:
		b, err := strconv.ParseBool(v)
		switch {
		case err != nil:
			//lint:ignore ST1005 kubectl's wording, capital and full stop included
			return DryRunNone, fmt.Errorf(`Invalid dry-run value (%v). Must be "none", "server", or "client".`, v)
		case b:
			say(fmt.Sprintf("--dry-run=%v is deprecated (boolean value) and can be replaced with --dry-run=client.", v))
			return DryRunClient, nil
		}
		say(fmt.Sprintf("--dry-run=%v is deprecated (boolean value) and can be replaced with --dry-run=none.", v))
		return DryRunNone, nil
	}
}

// FieldManagerFlags is --field-manager, with the command's default: kubectl's manager names
// ("kubectl-patch", "kubectl-label", ...), so that kubex and kubectl share ownership of the fields they set.
type FieldManagerFlags struct {
	FieldManager string
}

// AddFlags registers --field-manager with FieldManager as its default.
func (m *FieldManagerFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&m.FieldManager, "field-manager", m.FieldManager, "Name of the manager used to track field ownership.")
}

// ObjectFormats are the -o formats of a command that prints the objects it changed (kubectl's
// PrintFlags without the table formats), in kubectl's help order.
var ObjectFormats = []string{"json", "yaml", "name", "go-template", "go-template-file", "template", "templatefile", "jsonpath", "jsonpath-as-json", "jsonpath-file"}

// PrintFlags is kubectl's -o/--output with, when its formats include templates, --template,
// --allow-missing-template-keys and --show-managed-fields; ToPrinter turns them into a printer.
type PrintFlags struct {
	Output                   string
	Template                 string
	ShowManagedFields        bool
	AllowMissingTemplateKeys bool

	// Formats are what -o takes, in help order (ObjectFormats when nil).
	Formats []string
	// Usage overrides the -o help text built from Formats.
	Usage string
	// Terminal says the printer's writer is a terminal (ToPrinter also finds out by itself for a
	// terminal *os.File): the server's strings are then neutralised as printers.NewTerminalWriter does.
	Terminal bool

	format Format
}

// Format is a parsed -o: the printer's name and its argument (a template or a column spec, files read).
type Format struct {
	Name string // "", "json", "yaml", "name", "jsonpath", "jsonpath-as-json", "go-template", "custom-columns", ...
	Arg  string
}

func (p *PrintFlags) formats() []string {
	if p.Formats == nil {
		return ObjectFormats
	}
	return p.Formats
}

func (p *PrintFlags) templates() bool {
	return slices.Contains(p.formats(), "go-template") || slices.Contains(p.formats(), "jsonpath")
}

// AddFlags registers -o and, for template formats, kubectl's template flags.
func (p *PrintFlags) AddFlags(fs *pflag.FlagSet) {
	usage := p.Usage
	if usage == "" {
		usage = "Output format. One of: (" + strings.Join(p.formats(), ", ") + ")."
	}
	fs.StringVarP(&p.Output, "output", "o", p.Output, usage)
	if p.templates() {
		p.AllowMissingTemplateKeys = true
		fs.BoolVar(&p.AllowMissingTemplateKeys, "allow-missing-template-keys", true, "If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
		fs.BoolVar(&p.ShowManagedFields, "show-managed-fields", false, "If true, keep the managedFields when printing objects in JSON or YAML format.")
		fs.StringVar(&p.Template, "template", "", "Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
	}
}

// Complete parses -o (and --template) against the command's formats, reading template files; the error
// is kubectl's for a format the command does not print.
func (p *PrintFlags) Complete() error {
	f, err := ParseFormat(p.Output, p.Template)
	if err == nil && f.Name != "" && !slices.Contains(p.formats(), f.Name) && !slices.Contains(p.formats(), strings.TrimSuffix(f.Name, "-file")) {
		err = ErrUnknownFormat
	}
	if errors.Is(err, ErrUnknownFormat) {
		allowed := slices.Clone(p.formats())
		slices.Sort(allowed)
		return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: %s", p.Output, strings.Join(allowed, ","))
	}
	p.format = f
	return err
}

// Format is the parsed -o, after Complete.
func (p *PrintFlags) Format() Format { return p.format }

// Objects reports whether -o asks for the objects themselves (any format but "" and "name"), after
// Complete.
func (p *PrintFlags) Objects() bool { return p.format.Name != "" && p.format.Name != "name" }

// ToPrinter builds the object printer for -o, after Complete; nil for "" and "name", which a
// ResultPrinter writes.
func (p *PrintFlags) ToPrinter(w io.Writer, opts printers.ObjectOptions) (printers.ObjectPrinter, error) {
	opts.ShowManagedFields = p.ShowManagedFields
	opts.AllowMissingKeys = p.AllowMissingTemplateKeys
	if p.format.Name != "" && p.format.Name != "name" && (p.Terminal || iostreams.IsTerminalWriter(w)) {
		// Names, templates and columns carry the server's strings as they are, and even JSON leaves
		// DEL and the C1 controls raw.
		w = printers.NewTerminalWriter(w)
	}
	switch p.format.Name {
	case "", "name":
		return nil, nil
	case "json":
		return printers.NewJSON(w, opts), nil
	case "yaml":
		return printers.NewYAML(w, opts), nil
	case "jsonpath":
		return printers.NewJSONPath(w, p.format.Arg, opts)
	case "jsonpath-as-json":
		return printers.NewJSONPathAsJSON(w, p.format.Arg, opts)
	case "go-template":
		return printers.NewGoTemplate(w, p.format.Arg, opts)
	case "custom-columns":
		return printers.NewCustomColumns(w, p.format.Arg, false, opts)
	case "custom-columns-file":
		return printers.NewCustomColumnsFile(w, strings.NewReader(p.format.Arg), opts)
	}
	return nil, fmt.Errorf("unable to match a printer suitable for the output format %q", p.Output)
}

// ErrUnknownFormat is ParseFormat's error for a format it does not know; each command words it with its list.
var ErrUnknownFormat = errors.New("unknown output format")

// ParseFormat reads -o and --template as kubectl does: "-o jsonpath=T" or "-o jsonpath --template T"; a
// --template alone means a go-template; "template" and "templatefile" are go-template's other names.
// Files named by *-file formats are read here (except custom-columns-file, whose name says that its
// header is printed even with --no-headers). An unknown format is ErrUnknownFormat.
func ParseFormat(output, template string) (Format, error) {
	if output == "" && template != "" {
		output = "go-template"
	}
	name, arg, hasArg := strings.Cut(output, "=")
	if !hasArg {
		arg = template
	}
	switch name {
	case "", "wide", "json", "yaml", "name":
		if hasArg {
			return Format{}, ErrUnknownFormat
		}
		return Format{Name: name}, nil
	case "template":
		name = "go-template"
	case "templatefile":
		name = "go-template-file"
	case "jsonpath", "jsonpath-as-json", "jsonpath-file", "go-template", "go-template-file", "custom-columns", "custom-columns-file":
	default:
		return Format{}, ErrUnknownFormat
	}
	switch {
	case arg == "" && strings.HasPrefix(name, "custom-columns"):
		return Format{}, errors.New("custom-columns format specified but no custom columns given")
	case arg == "":
		return Format{}, errors.New("template format specified but no template given")
	}
	if base, isFile := strings.CutSuffix(name, "-file"); isFile {
		b, err := os.ReadFile(arg)
		if err != nil {
			// kubectl's wording: its template flags name --template, its custom columns "template".
			if name == "custom-columns-file" {
				return Format{}, fmt.Errorf("error reading template %s, %w", arg, err)
			}
			return Format{}, fmt.Errorf("error reading --template %s, %w", arg, err)
		}
		if name != "custom-columns-file" {
			name = base
		}
		arg = string(b)
	}
	return Format{Name: name, Arg: arg}, nil
}
