package printers

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// Evil is what a hostile server puts in names, column names and messages: a window retitle, a screen
// clear, a carriage return, a CSI as a C1 control (UTF-8 and a lone byte), DEL and backspace.
const Evil = "evil\x1b]0;pwned\x07\x1b[2J\rover\u009b31m\x9b\x7f\x08end"

// controlByte is the first character a terminal could act on in s, or "".
func controlByte(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f || r == utf8.RuneError && size == 1 && s[i] >= 0x80 && s[i] <= 0x9f {
			return s[i : i+size]
		}
		i += size
	}
	return ""
}

func TestEvilStringsNeutralisedOnATerminal(t *testing.T) {
	evil, _ := json.Marshal(Evil)
	var out bytes.Buffer
	cw := NewColumnWriter(&out, 0)
	tp := NewTablePrinter(cw, TableOptions{Terminal: true, Wide: true})
	if err := tp.SetColumns(json.RawMessage(`[{"name":"Name","type":"string","format":"name"},{"name":` + string(evil) + `,"type":"string"}]`)); err != nil {
		t.Fatal(err)
	}
	if err := tp.PrintRawRow([]byte(`{"cells":[`+string(evil)+`,`+string(evil)+`]}`), ""); err != nil {
		t.Fatal(err)
	}
	_ = cw.Flush()
	if c := controlByte(out.String()); c != "" {
		t.Errorf("table: %q survives in\n%q", c, out.String())
	}

	// JSON escapes C0 controls itself; DEL and C1 it leaves raw.
	for _, name := range []string{"json", "yaml", "name"} {
		var out bytes.Buffer
		w := NewTerminalWriter(&out)
		obj := Object{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":` + string(evil) + `},"data":{"k":` + string(evil) + `}}`)}
		var p ObjectPrinter
		switch name {
		case "json":
			p = NewJSON(w, ObjectOptions{})
		case "yaml":
			p = NewYAML(w, ObjectOptions{})
		case "name":
			p = NewName(w, ObjectOptions{})
		}
		if err := p.PrintObject(obj); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if c := controlByte(out.String()); c != "" {
			t.Errorf("-o %s: %q survives in\n%q", name, c, out.String())
		}
	}
}
