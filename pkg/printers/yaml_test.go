package printers

import (
	"bytes"
	"io"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestYAMLGolden(t *testing.T) {
	runCases(t, []printCase{
		{name: "yaml-single", format: "yaml", opts: single, objects: []string{"pod"}},
		{name: "yaml-single-managed", format: "yaml", opts: ObjectOptions{Single: true, ShowManagedFields: true}, objects: []string{"deployment"}},
		{name: "yaml-list", format: "yaml", opts: allowed, objects: listOfThree},
		{name: "yaml-list-empty", format: "yaml", opts: allowed},
		{name: "yaml-stream", format: "yaml", opts: stream, objects: listOfThree},
	})
}

// TestYAMLMatchesSigsYAML checks the item-by-item List against kubectl's route by construction:
// sigs.k8s.io/yaml.Marshal of the whole List as a map, with long strings that fold, multi-line and empty
// strings.
func TestYAMLMatchesSigsYAML(t *testing.T) {
	long := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"long","annotations":{"a":"` +
		`one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen",` +
		`"b":"line\nline\n","c":"","d":" x ","e":"a: b","f":"123","g":"yes","h":"~","i":"null","j":"- x","k":"\u00e9\u2028\t tab"}},` +
		`"data":{"nested":"deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep"},` +
		`"x":{"y":{"z":[{"w":"deeper deeper deeper deeper deeper deeper deeper deeper deeper deeper deeper deeper deeper"}]}},` +
		`"n":[1,1.5,1e21,1e-7,12345678901234567890,-3,true,null]}`
	cases := map[string][]Object{
		"fixtures": {fixture(t, "pod"), fixture(t, "deployment"), fixture(t, "widget")},
		"long":     {{Raw: []byte(long)}, fixture(t, "pod")},
		"one":      {fixture(t, "widget")},
		"none":     nil,
	}
	for name, objs := range cases {
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			p := NewYAML(&got, ObjectOptions{})
			for _, o := range objs {
				if err := p.PrintObject(o); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			want, err := yaml.Marshal(kubectlList(t, objs, true))
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf("differs from yaml.Marshal of the List:\n%s", diffLines(got.String(), string(want)))
			}
		})
	}
}

// BenchmarkYAMLList is `get pods -A -o yaml` of 3000 pods, item by item.
func BenchmarkYAMLList(b *testing.B) {
	objs := benchPods(3000)
	b.SetBytes(benchBytes(objs))
	b.ReportAllocs()
	for b.Loop() {
		p := NewYAML(io.Discard, ObjectOptions{})
		for _, o := range objs {
			if err := p.PrintObject(o); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkYAMLListMaps is kubectl's route: the List as maps, yaml.Marshal of the whole.
func BenchmarkYAMLListMaps(b *testing.B) {
	objs := benchPods(3000)
	b.SetBytes(benchBytes(objs))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := yaml.Marshal(kubectlList(b, objs, true)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEscapeForYAML(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":"plain"}`:                  `{"a":"plain"}`,
		"{\"a\":\"x\u007fy\"}":           `{"a":"x\u007fy"}`,
		"{\"a\":\"\u009b1A\u0085\"}":     "{\"a\":\"\\u009b1A\u0085\"}",
		"{\"a\":\"\uffff\ufffe\ufffd\"}": "{\"a\":\"\\uffff\\ufffe\ufffd\"}",
	} {
		if got := string(escapeForYAML([]byte(in))); got != want {
			t.Errorf("escapeForYAML(%q) = %q, want %q", in, got, want)
		}
		if _, err := yaml.JSONToYAML(escapeForYAML([]byte(in))); err != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
}
