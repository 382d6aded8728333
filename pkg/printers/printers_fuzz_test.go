package printers

import (
	"bytes"
	"io"
	"testing"
)

// FuzzRowDecoder: any row gives cells or an error, never a panic; a row that decodes prints.
func FuzzRowDecoder(f *testing.F) {
	for _, s := range []string{
		`{"cells":["a",1,true,null,{"x":1}],"object":{"metadata":{"name":"a","namespace":"n","labels":{"k":"v"},"creationTimestamp":"2024-01-01T00:00:00Z"}}}`,
		`{"cells":[]}`, `{"cells":["\u001b]0;x\u0007"]}`, `{"object":null}`, `[`, `{"cells":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var rd RowDecoder
		if _, err := rd.Decode(data); err != nil {
			return
		}
		var out bytes.Buffer
		tp := NewTablePrinter(NewColumnWriter(&out, 0), TableOptions{Terminal: true})
		_ = tp.SetColumns([]byte(`[{"name":"Name","type":"string","format":"name"},{"name":"B","type":"string"}]`))
		_ = tp.PrintRawRow(data, "")
	})
}

// FuzzJSONPath: any template parses or fails, and one that parses runs on an object without panicking.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"{.metadata.name}", "{range .items[*]}{.metadata.name}{\"\\n\"}{end}", "{.a[?(@.b==\"c\")].d}", "{.a[-1:]}", "{$}", "{", "{.a..b}", "{.a[1:2:3]}"} {
		f.Add(s)
	}
	obj := Object{Raw: []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"y"}},"a":[{"b":"c","d":1}],"items":[{"metadata":{"name":"i"}}]}`)}
	f.Fuzz(func(t *testing.T, tmpl string) {
		p, err := NewJSONPath(io.Discard, tmpl, ObjectOptions{Single: true})
		if err != nil {
			return
		}
		_ = p.PrintObject(obj)
		_ = p.Close()
	})
}

// FuzzCustomColumns: any spec parses or fails, and one that parses prints without panicking.
func FuzzCustomColumns(f *testing.F) {
	for _, s := range []string{"NAME:.metadata.name,LABELS:.metadata.labels", "A:{.a[*].b}", "X:.a[0]", "BAD", ":", "A:.a,B", "N:.metadata.name\n"} {
		f.Add(s)
	}
	obj := Object{Raw: []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"y"}},"a":[{"b":"c"}]}`)}
	f.Fuzz(func(t *testing.T, spec string) {
		if _, err := ParseCustomColumnsFile(bytes.NewReader([]byte(spec))); err != nil {
			_ = err
		}
		p, err := NewCustomColumns(io.Discard, spec, false, ObjectOptions{Single: true})
		if err != nil {
			return
		}
		_ = p.PrintObject(obj)
		_ = p.Close()
	})
}
