package printers

import (
	"errors"
	"io"
)

// Object is one object to print: its JSON as the API server sent it. APIVersion and Kind are added to the
// output when Raw lacks them (items of a typed list, e.g. PodList, carry neither; kubectl's output always
// has both). As client-go does for a typed list's items, they are added only when Raw has neither (a
// missing, empty or non-string field counts as lacking) and at least one of them is given.
type Object struct {
	Raw        []byte
	APIVersion string
	Kind       string
}

// ObjectPrinter prints whole objects. PrintObject is called once per object in order, as list pages
// arrive; Close finishes the output (closes the List, runs a template over the list).
type ObjectPrinter interface {
	PrintObject(Object) error
	Close() error
}

// Flusher is implemented by every printer of this file's family. In Stream mode the custom-columns printer
// buffers rows so that its column widths settle over the initial list, as kubectl's watch does; call Flush
// after the initial list and after each watch event (kubectl flushes its tab writer at the same points).
// For the other printers Flush does nothing: they write each object as it comes.
type Flusher interface {
	Flush() error
}

// ObjectOptions says how objects are printed.
type ObjectOptions struct {
	// Single: exactly one object was named (`get pod x`, kubectl's singleItemImplied): print it as
	// itself. Otherwise, objects are wrapped in kubectl's List
	// {"apiVersion":"v1","items":[...],"kind":"List","metadata":{"resourceVersion":""}} — also when
	// there are zero or one objects.
	Single bool
	// Stream: watch output; every object is printed on its own as it comes: -o json as one compact line
	// per object (JSON lines), -o yaml as documents separated by "---\n" (as kubectl's YAML printer does
	// across calls), name/jsonpath/template/custom-columns per object. Stream wins over Single.
	Stream bool
	// ShowManagedFields is --show-managed-fields. When false, metadata.managedFields is dropped from
	// -o json and -o yaml, as kubectl does; kubectl never drops it for the other formats, nor does kubex.
	ShowManagedFields bool
	// AllowMissingKeys is --allow-missing-template-keys (kubectl's default is true), for jsonpath and
	// go-template.
	AllowMissingKeys bool
}

// errSecondSingle is returned when a printer told Single gets a second object.
var errSecondSingle = errors.New("printers: a second object given to a printer for a single object")

// listHeader and listFooter frame kubectl's List in the key order of its sorted map. An empty List has
// `"items": []` between them instead.
const (
	listHeaderJSON = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n"
	listFooterJSON = "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
	emptyListJSON  = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
)

// listValue builds kubectl's List as the unstructured content the jsonpath and template engines see.
func listValue(items []interface{}) map[string]interface{} {
	if items == nil {
		items = []interface{}{}
	}
	return map[string]interface{}{
		"apiVersion": "v1",
		"items":      items,
		"kind":       "List",
		"metadata":   map[string]interface{}{"resourceVersion": ""},
	}
}

// Unstructured decodes JSON the way kubectl's unstructured objects hold it: maps, slices, strings,
// bools, nil, int64 for integers and float64 for other numbers. d is reused from call to call.
func (d *Decoder) Unstructured(raw []byte) (any, error) {
	root, err := d.doc.parse(raw)
	if err != nil {
		return nil, err
	}
	return d.doc.value(root), nil
}

// Decoder turns JSON into kubectl's unstructured values, with its memory reused.
type Decoder struct{ doc jsonDoc }

// objectCollector gathers objects as unstructured values for the printers that run over the whole List
// (jsonpath, go-template) or over one object at a time (Stream, Single).
type objectCollector struct {
	doc   jsonDoc
	opts  ObjectOptions
	items []interface{}
	count int
}

// value decodes one object into its unstructured form.
func (c *objectCollector) value(o Object) (map[string]interface{}, error) {
	root, err := c.doc.parseObject(o, true)
	if err != nil {
		return nil, err
	}
	m, _ := c.doc.value(root).(map[string]interface{})
	return m, nil
}

// add takes one object: run is called at once for it in Stream or Single mode; otherwise it is kept for
// the List.
func (c *objectCollector) add(o Object, run func(interface{}) error) error {
	c.count++
	if c.opts.Single && !c.opts.Stream && c.count > 1 {
		return errSecondSingle
	}
	m, err := c.value(o)
	if err != nil {
		return err
	}
	if c.opts.Stream || c.opts.Single {
		return run(m)
	}
	c.items = append(c.items, m)
	return nil
}

// close runs the template over the List, when objects were collected for one.
func (c *objectCollector) close(run func(interface{}) error) error {
	if c.opts.Stream || c.opts.Single {
		return nil
	}
	l := listValue(c.items)
	c.items = nil
	return run(l)
}

// writeAll writes b to w, reporting a short write as an error.
func writeAll(w io.Writer, b []byte) error {
	n, err := w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	return err
}
