package printers

import (
	"strings"
	"testing"
)

func TestGoTemplateGolden(t *testing.T) {
	runCases(t, []printCase{
		{name: "template-list", format: "go-template", arg: `{{range .items}}{{.kind}} {{.metadata.name}} {{.spec.replicas}} {{.spec.ratio}}{{"\n"}}{{end}}`, opts: allowed, objects: listOfThree},
		{name: "template-single", format: "go-template", arg: `{{.metadata.name}} {{index .metadata.labels "app"}} {{.nope}} {{if exists . "metadata" "labels" "app"}}yes{{end}} {{base64decode "aGVsbG8="}}`, opts: single, objects: []string{"deployment"}},
		{name: "template-list-empty", format: "go-template", arg: `{{.kind}} {{len .items}}`, opts: allowed},
		{name: "template-stream", format: "go-template", arg: `{{.metadata.name}}{{"\n"}}`, opts: stream, objects: listOfThree},
		{name: "template-missing-strict", format: "go-template", arg: `{{.metadata.name}} {{.nope.deeper}}`, opts: ObjectOptions{Single: true}, objects: []string{"widget"}},
		{name: "template-base64-error", format: "go-template", arg: `{{base64decode "!!"}}`, opts: single, objects: []string{"widget"}},
		{name: "template-parse-error", format: "go-template", arg: `{{.metadata.name`, opts: allowed, objects: listOfThree},
	})
}

func TestGoTemplateExists(t *testing.T) {
	var out strings.Builder
	p, err := NewGoTemplate(&out, `{{exists . "spec" "a" 1}} {{exists . "spec" "a" 5}} {{exists . "spec" "n"}} {{exists . "spec" "x"}} {{exists . "kind" 0}}`, single)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.PrintObject(Object{Raw: []byte(`{"apiVersion":"v1","kind":"X","spec":{"a":[1,2],"n":null}}`)}); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "true false false false true"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
