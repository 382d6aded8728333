package get

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseFormat(t *testing.T) {
	file := filepath.Join(t.TempDir(), "t")
	if err := os.WriteFile(file, []byte("{.metadata.name}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		output, template string
		want             format
		wantErr          string
	}{
		{output: "", want: format{}},
		{output: "wide", want: format{name: "wide"}},
		{output: "json", want: format{name: "json"}},
		{output: "jsonpath={.a}", want: format{name: "jsonpath", arg: "{.a}"}},
		{output: "jsonpath", template: "{.b}", want: format{name: "jsonpath", arg: "{.b}"}},
		{template: "{{.a}}", want: format{name: "go-template", arg: "{{.a}}"}},
		{output: "template={{.a}}", want: format{name: "go-template", arg: "{{.a}}"}},
		{output: "jsonpath-file=" + file, want: format{name: "jsonpath", arg: "{.metadata.name}"}},
		{output: "templatefile=" + file, want: format{name: "go-template", arg: "{.metadata.name}"}},
		{output: "custom-columns-file=" + file, want: format{name: "custom-columns-file", arg: "{.metadata.name}"}},
		{output: "custom-columns=A:.a", want: format{name: "custom-columns", arg: "A:.a"}},
		{output: "custom-columns", wantErr: "custom-columns format specified but no custom columns given"},
		{output: "jsonpath", wantErr: "template format specified but no template given"},
		{output: "json=x", wantErr: `unable to match a printer suitable for the output format "json=x", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`},
		{output: "yamll", wantErr: `unable to match a printer suitable for the output format "yamll"`},
		{output: "go-template-file=/nope", wantErr: "error reading --template /nope"},
	}
	for _, tt := range tests {
		got, err := parseFormat(tt.output, tt.template)
		switch {
		case tt.wantErr != "":
			if err == nil || len(err.Error()) < len(tt.wantErr) || err.Error()[:len(tt.wantErr)] != tt.wantErr {
				t.Errorf("%q %q: error %v, want %q", tt.output, tt.template, err, tt.wantErr)
			}
		case err != nil || got != tt.want:
			t.Errorf("%q %q: %+v, %v; want %+v", tt.output, tt.template, got, err, tt.want)
		}
	}
}

func TestSortField(t *testing.T) {
	for in, want := range map[string]string{
		"metadata.name":    "{.metadata.name}",
		".metadata.name":   "{.metadata.name}",
		"{.metadata.name}": "{.metadata.name}",
		"{metadata.name}":  "{.metadata.name}",
		"{.a}{.b}":         "{.a}{.b}",
	} {
		if got := sortField(in); got != want {
			t.Errorf("sortField(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLessValue(t *testing.T) {
	tests := []struct {
		a, b    any
		less    bool
		wantErr bool
	}{
		{a: int64(1), b: int64(2), less: true},
		{a: 2.5, b: 1.0},
		{a: "100m", b: "1", less: true},    // quantities
		{a: "1Ki", b: "1000", less: false}, // 1024 > 1000
		{a: "2e3", b: "3k", less: true},
		{a: "pod-10", b: "pod-9", less: true}, // strings
		{a: "10", b: "9"},                     // both quantities: 10 > 9
		{a: nil, b: "x", less: true},
		{a: "x", b: nil},
		{a: nil, b: nil},
		{a: true, b: false, wantErr: true},
		{a: int64(1), b: 1.5, wantErr: true},
	}
	for _, tt := range tests {
		less, err := lessValue(tt.a, tt.b)
		if less != tt.less || (err != nil) != tt.wantErr {
			t.Errorf("lessValue(%v, %v) = %v, %v", tt.a, tt.b, less, err)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	for in, want := range map[string]string{
		"1": "1", "1.5": "3/2", "100m": "1/10", "1Ki": "1024", "2Mi": "2097152", "1e3": "1000", "1E-2": "1/100",
		"-5k": "-5000", ".5": "1/2", "5.": "5", "1E": "1000000000000000000", "+3": "3",
	} {
		r, ok := parseQuantity(in)
		if !ok || r.RatString() != want {
			t.Errorf("parseQuantity(%q) = %v, %v; want %s", in, r, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "1.2.3", "5x", "1e", "Ki", "-", "1 k", "0x10"} {
		if _, ok := parseQuantity(in); ok {
			t.Errorf("parseQuantity(%q) accepted", in)
		}
	}
}
