package printers

import (
	"bytes"
	"fmt"
	"io"

	"k8s.io/client-go/util/jsonpath"
)

// jsonPathPrinter is kubectl's -o jsonpath (cli-runtime's JSONPathPrinter), run with client-go's own
// jsonpath package over the same unstructured values kubectl gives it, so that results and errors match.
type jsonPathPrinter struct {
	w   io.Writer
	raw string
	jp  *jsonpath.JSONPath
	c   objectCollector
}

// NewJSONPath returns kubectl's -o jsonpath=TEMPLATE printer (also jsonpath-file, whose contents the caller
// reads). The template runs over kubectl's List of all objects ({.items[*].metadata.name}), over the one
// object when o.Single, and over each object in Stream mode. A template that does not parse is reported in
// kubectl's words: `error parsing jsonpath TEMPLATE, ERROR`.
func NewJSONPath(w io.Writer, tmpl string, o ObjectOptions) (ObjectPrinter, error) {
	return newJSONPath(w, tmpl, o, false)
}

// NewJSONPathAsJSON is kubectl's -o jsonpath-as-json=TEMPLATE: the results printed as a JSON array.
func NewJSONPathAsJSON(w io.Writer, tmpl string, o ObjectOptions) (ObjectPrinter, error) {
	return newJSONPath(w, tmpl, o, true)
}

func newJSONPath(w io.Writer, tmpl string, o ObjectOptions, asJSON bool) (ObjectPrinter, error) {
	jp := jsonpath.New("out")
	if err := jp.Parse(tmpl); err != nil {
		return nil, fmt.Errorf("error parsing jsonpath %s, %v", tmpl, err)
	}
	jp.AllowMissingKeys(o.AllowMissingKeys)
	if asJSON {
		jp.EnableJSONOutput(true)
	}
	return &jsonPathPrinter{w: w, raw: tmpl, jp: jp, c: objectCollector{opts: o}}, nil
}

func (p *jsonPathPrinter) PrintObject(o Object) error { return p.c.add(o, p.run) }
func (p *jsonPathPrinter) Close() error               { return p.c.close(p.run) }
func (p *jsonPathPrinter) Flush() error               { return nil }

// run executes the template; its error reads as kubectl's, with the debugging text kubectl puts in it
// (which ends in newlines: kubectl's "error: " line prints it as it is).
func (p *jsonPathPrinter) run(obj interface{}) error {
	if err := p.jp.Execute(p.w, obj); err != nil {
		var b bytes.Buffer
		fmt.Fprintf(&b, "Error executing template: %v. Printing more information for debugging the template:\n", err)
		fmt.Fprintf(&b, "\ttemplate was:\n\t\t%v\n", p.raw)
		fmt.Fprintf(&b, "\tobject given to jsonpath engine was:\n\t\t%#v\n\n", obj)
		//lint:ignore ST1005 kubectl's wording, trailing newline included
		return fmt.Errorf("error executing jsonpath %q: %v\n", p.raw, b.String())
	}
	return nil
}
