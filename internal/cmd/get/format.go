package get

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// format is a parsed -o: the printer's name and its argument (a template, a column spec, a file).
type format struct {
	name string // "", "wide", "json", "yaml", "name", "jsonpath", "go-template", "custom-columns"
	arg  string // template text or column spec, files already read
}

// human is kubectl's human-readable output: a server-side table.
func (f format) human() bool { return f.name == "" || f.name == "wide" }

// formats lists what -o takes, for the error on anything else.
var formats = []string{"custom-columns", "custom-columns-file", "go-template", "go-template-file", "json", "jsonpath",
	"jsonpath-as-json", "jsonpath-file", "name", "template", "templatefile", "wide", "yaml"}

// parseFormat reads -o and --template as every command does (cmdutil.ParseFormat); get words an unknown
// format with its own, longer list.
func parseFormat(output, template string) (format, error) {
	f, err := cmdutil.ParseFormat(output, template)
	if errors.Is(err, cmdutil.ErrUnknownFormat) {
		return format{}, unknownFormat(output)
	}
	return format{name: f.Name, arg: f.Arg}, err
}

func unknownFormat(output string) error {
	return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: %s", output, strings.Join(formats, ","))
}

// objectPrinter builds the printer of a non-table format.
func (o *Options) objectPrinter(w io.Writer, opts printers.ObjectOptions) (printers.ObjectPrinter, error) {
	opts.ShowManagedFields = o.ShowManagedFields
	opts.AllowMissingKeys = o.AllowMissingKeys
	if o.streams.IsStdoutTTY() {
		// Names, templates and columns carry the server's strings as they are, and even JSON leaves
		// DEL and the C1 controls raw.
		w = printers.NewTerminalWriter(w)
	}
	switch o.format.name {
	case "json":
		return printers.NewJSON(w, opts), nil
	case "yaml":
		return printers.NewYAML(w, opts), nil
	case "name":
		return printers.NewName(w, opts), nil
	case "jsonpath":
		return printers.NewJSONPath(w, o.format.arg, opts)
	case "jsonpath-as-json":
		return printers.NewJSONPathAsJSON(w, o.format.arg, opts)
	case "go-template":
		return printers.NewGoTemplate(w, o.format.arg, opts)
	case "custom-columns":
		return printers.NewCustomColumns(w, o.format.arg, o.NoHeaders, opts)
	case "custom-columns-file":
		return printers.NewCustomColumnsFile(w, strings.NewReader(o.format.arg), opts)
	}
	return nil, unknownFormat(o.Output)
}
