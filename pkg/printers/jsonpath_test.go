package printers

import (
	"io"
	"strings"
	"testing"
)

func TestJSONPathGolden(t *testing.T) {
	strict := ObjectOptions{AllowMissingKeys: false}
	runCases(t, []printCase{
		{name: "jsonpath-list-names", format: "jsonpath", arg: `{.items[*].metadata.name}`, opts: allowed, objects: listOfThree},
		{name: "jsonpath-list-range", format: "jsonpath", arg: `{range .items[*]}{.kind}/{.metadata.name} {.spec.replicas} {.spec.ratio} {.spec.whole} {.spec.bigint}{"\n"}{end}`, opts: allowed, objects: listOfThree},
		{name: "jsonpath-single", format: "jsonpath", arg: `{.metadata.name} {.spec.replicas} {.metadata.labels} {.metadata.managedFields[0].manager}`, opts: single, objects: []string{"deployment"}},
		{name: "jsonpath-single-missing", format: "jsonpath", arg: `{.metadata.name}{.nope}`, opts: single, objects: []string{"deployment"}},
		{name: "jsonpath-list-empty", format: "jsonpath", arg: `{.kind} {.items}`, opts: allowed},
		{name: "jsonpath-stream", format: "jsonpath", arg: `{.metadata.name}{"\n"}`, opts: stream, objects: listOfThree},
		{name: "jsonpath-as-json", format: "jsonpath-as-json", arg: `{.items[*].metadata.name}`, opts: allowed, objects: listOfThree},
		{name: "jsonpath-missing-strict", format: "jsonpath", arg: `{.spec.nope}`, opts: ObjectOptions{Single: true}, objects: []string{"widget"}},
		{name: "jsonpath-list-missing-strict", format: "jsonpath", arg: `{.items[0].metadata.name} {.items[0].nope}`, opts: strict, objects: []string{"widget"}},
		{name: "jsonpath-parse-error", format: "jsonpath", arg: `{.items[}`, opts: allowed, objects: listOfThree},
	})
}

func TestJSONPathNumbers(t *testing.T) {
	var out strings.Builder
	p, err := NewJSONPath(&out, `{.spec.replicas} {.spec.ratio} {.spec.whole} {.spec.sci}`, single)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.PrintObject(Object{Raw: []byte(`{"apiVersion":"v1","kind":"X","spec":{"replicas":3,"ratio":1.5,"whole":2.0,"sci":1e3}}`)}); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "3 1.5 2 1000"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := NewJSONPath(io.Discard, "{.a", allowed); err == nil || !strings.HasPrefix(err.Error(), "error parsing jsonpath {.a, ") {
		t.Errorf("parse error: %v", err)
	}
}
