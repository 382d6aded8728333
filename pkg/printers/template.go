package printers

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"text/template"
)

// templatePrinter is kubectl's -o go-template (cli-runtime's GoTemplatePrinter).
type templatePrinter struct {
	w   io.Writer
	raw string
	t   *template.Template
	c   objectCollector
}

// NewGoTemplate returns kubectl's -o go-template=TEMPLATE printer (also template=, go-template-file= and
// templatefile=, whose contents the caller reads). The template is named "output" and has kubectl's two
// functions besides text/template's own: exists and base64decode. With o.AllowMissingKeys a missing map key
// prints "<no value>" (missingkey=default), else it is an error. It runs over kubectl's List, over the one
// object when o.Single, and over each object in Stream mode. A template that does not parse is reported in
// kubectl's words: `error parsing template TEMPLATE, ERROR`.
func NewGoTemplate(w io.Writer, tmpl string, o ObjectOptions) (ObjectPrinter, error) {
	t, err := template.New("output").Funcs(template.FuncMap{
		"exists":       exists,
		"base64decode": base64decode,
	}).Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("error parsing template %s, %v", tmpl, err)
	}
	if o.AllowMissingKeys {
		t.Option("missingkey=default")
	} else {
		t.Option("missingkey=error")
	}
	return &templatePrinter{w: w, raw: tmpl, t: t, c: objectCollector{opts: o}}, nil
}

func (p *templatePrinter) PrintObject(o Object) error { return p.c.add(o, p.run) }
func (p *templatePrinter) Close() error               { return p.c.close(p.run) }
func (p *templatePrinter) Flush() error               { return nil }

// run executes the template. On failure kubectl writes its debugging text to the output itself, then
// returns `error executing template "TEMPLATE": ERROR`; so does kubex.
func (p *templatePrinter) run(obj interface{}) error {
	err := p.execute(obj)
	if err == nil {
		return nil
	}
	data, _ := json.Marshal(obj) // what kubectl shows as the raw data: the object's compact JSON
	fmt.Fprintf(p.w, "Error executing template: %v. Printing more information for debugging the template:\n", err)
	fmt.Fprintf(p.w, "\ttemplate was:\n\t\t%v\n", p.raw)
	fmt.Fprintf(p.w, "\traw data was:\n\t\t%v\n", string(data))
	fmt.Fprintf(p.w, "\tobject given to template engine was:\n\t\t%+v\n\n", obj)
	return fmt.Errorf("error executing template %q: %v", p.raw, err)
}

// execute turns a panic inside the template into an error, as kubectl does.
func (p *templatePrinter) execute(obj interface{}) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("caught panic: %+v", x)
		}
	}()
	return p.t.Execute(p.w, obj)
}

// base64decode is kubectl's template function: standard base64, with kubectl's error wording.
func base64decode(v string) (string, error) {
	data, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "", fmt.Errorf("base64 decode failed: %v", err)
	}
	return string(data), nil
}

// exists is kubectl's template function: whether item has a non-nil value at the given path of map keys
// and slice (or string) indices, e.g. {{if exists . "metadata" "labels" "app"}}.
func exists(item interface{}, indices ...interface{}) bool {
	v := reflect.ValueOf(item)
	for _, i := range indices {
		idx := reflect.ValueOf(i)
		var isNil bool
		if v, isNil = indirectValue(v); isNil {
			return false
		}
		switch v.Kind() {
		case reflect.Array, reflect.Slice, reflect.String:
			var x int64
			switch idx.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				x = idx.Int()
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				x = int64(idx.Uint())
			default:
				return false
			}
			if x < 0 || x >= int64(v.Len()) {
				return false
			}
			v = v.Index(int(x))
		case reflect.Map:
			if !idx.IsValid() {
				idx = reflect.Zero(v.Type().Key())
			}
			if !idx.Type().AssignableTo(v.Type().Key()) {
				return false
			}
			if x := v.MapIndex(idx); x.IsValid() {
				v = x
			} else {
				v = reflect.Zero(v.Type().Elem())
			}
		default:
			return false
		}
	}
	_, isNil := indirectValue(v)
	return !isNil
}

// indirectValue follows pointers and empty interfaces, reporting a nil on the way.
func indirectValue(v reflect.Value) (reflect.Value, bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
		if v.Kind() == reflect.Interface && v.NumMethod() > 0 {
			break
		}
	}
	return v, false
}
