package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	data := `# leading comment
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: ns}
---
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Service, metadata: {name: s}}
- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}
--- # JSON is YAML
{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}}
`
	objs, err := Parse("f.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, strings.Join([]string{o.Where(), o.APIVersion, o.Kind, o.Namespace, o.Name}, " "))
	}
	want := []string{
		"f.yaml: document 1 (line 1) v1 ConfigMap ns a",
		"f.yaml: document 3 (line 6) v1 Service  s",
		"f.yaml: document 3 (line 6) apps/v1 Deployment  d",
		"f.yaml: document 4 (line 12) v1 Secret  x",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseErrors(t *testing.T) {
	for data, want := range map[string]string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [\n": "f.yaml: document 2 (line 4): yaml: line 6: ",
		"apiVersion: v1\nmetadata: {name: a}\n":                                                "f.yaml: document 1 (line 1): Object 'Kind' is missing",
		"kind: ConfigMap\nmetadata: {name: a}\n":                                               "f.yaml: document 1 (line 1): Object 'apiVersion' is missing",
		"apiVersion: v1\nkind: ConfigMap\n":                                                    "f.yaml: document 1 (line 1): v1 ConfigMap: metadata.name is missing",
		"- a\n- b\n":                                                                           "f.yaml: document 1 (line 1): not an object",
		"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {}}\n": "f.yaml: document 1 (line 1): item 0: v1 ConfigMap: metadata.name is missing",
	} {
		_, err := Parse("f.yaml", []byte(data))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: error %v, want %q...", data, err, want)
		}
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, kind, objName string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("apiVersion: v1\nkind: "+kind+"\nmetadata: {name: "+objName+"}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b.yaml", "ConfigMap", "b")
	write("a.json", "ConfigMap", "a")
	write("notes.txt", "ConfigMap", "ignored")
	write("sub/c.yml", "ConfigMap", "c")
	names := func(objs []Object) string {
		var n []string
		for _, o := range objs {
			n = append(n, o.Name)
		}
		return strings.Join(n, ",")
	}
	if objs, err := Read([]string{dir}, false, nil); err != nil || names(objs) != "a,b" {
		t.Errorf("dir: %s, %v", names(objs), err)
	}
	if objs, err := Read([]string{dir}, true, nil); err != nil || names(objs) != "a,b,c" {
		t.Errorf("dir -R: %s, %v", names(objs), err)
	}
	if objs, err := Read([]string{"-"}, false, strings.NewReader("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")); err != nil || names(objs) != "p" || objs[0].Source != "STDIN" {
		t.Errorf("stdin: %v, %v", objs, err)
	}
	if _, err := Read([]string{"-", "-"}, false, strings.NewReader("")); err == nil {
		t.Error("stdin twice: want an error")
	}
	if _, err := Read([]string{filepath.Join(dir, "nope.yaml")}, false, nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing: %v", err)
	}
	empty := t.TempDir()
	if _, err := Read([]string{empty}, false, nil); err == nil || !strings.Contains(err.Error(), "recognized file extensions are [.json .yaml .yml]") {
		t.Errorf("empty dir: %v", err)
	}
}
