package printers

import (
	"io"
	"strings"
	"testing"
)

func TestCustomColumnsGolden(t *testing.T) {
	spec := "NAME:.metadata.name,KIND:kind,LABELS:{.metadata.labels},REPLICAS:{.spec.replicas},RATIO:.spec.ratio,NESTED:.spec.nested,IMAGES:.spec.containers[*].image,OWNER:.metadata.ownerReferences[0].name,MULTI:.metadata.annotations.multi"
	runCases(t, []printCase{
		{name: "columns-list", format: "custom-columns", arg: spec, opts: allowed, objects: listOfThree},
		{name: "columns-list-noheaders", format: "custom-columns", arg: "NAME:.metadata.name,NS:.metadata.namespace", noHeaders: true, opts: allowed, objects: listOfThree},
		{name: "columns-single", format: "custom-columns", arg: "NAME:.metadata.name,UID:.metadata.uid", opts: single, objects: []string{"pod"}},
		{name: "columns-list-empty", format: "custom-columns", arg: "NAME:.metadata.name", opts: allowed},
		{name: "columns-stream", format: "custom-columns", arg: "NAME:.metadata.name,KIND:.kind", opts: stream, objects: listOfThree},
		{name: "columns-file", format: "custom-columns-file", arg: "NAME   KIND\n.metadata.name {.kind}\n", opts: allowed, objects: listOfThree},
		{name: "columns-bad-path", format: "custom-columns", arg: "NAME:.metadata.name,X:{.a[}", opts: allowed, objects: listOfThree},
		{name: "columns-bad-spec", format: "custom-columns", arg: "NAME", opts: allowed, objects: listOfThree},
		{name: "columns-bad-relaxed", format: "custom-columns", arg: "NAME:{{.x}}", opts: allowed, objects: listOfThree},
	})
}

func TestCustomColumnsErrors(t *testing.T) {
	for _, tc := range []struct{ spec, err string }{
		{"", "custom-columns format specified but no custom columns given"},
		{"NAME:.a,BAD", "unexpected custom-columns spec: BAD, expected <header>:<json-path-expr>"},
		{"A:{.x}}", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"},
	} {
		if _, err := NewCustomColumns(io.Discard, tc.spec, false, allowed); err == nil || err.Error() != tc.err {
			t.Errorf("%q: got %v, want %q", tc.spec, err, tc.err)
		}
	}
}

func TestParseCustomColumnsFile(t *testing.T) {
	for _, tc := range []struct{ in, spec, err string }{
		{"NAME  NS\n.metadata.name  {.metadata.namespace}\n", "NAME:{.metadata.name},NS:{.metadata.namespace}", ""},
		{"", "", "invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs."},
		{"NAME\n", "", "invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs."},
		{"A B\n.a\n", "", "number of headers (2) and field specifications (1) don't match"},
	} {
		spec, err := ParseCustomColumnsFile(strings.NewReader(tc.in))
		if spec != tc.spec || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("%q: got %q, %v; want %q, %q", tc.in, spec, err, tc.spec, tc.err)
		}
	}
}
