package printers

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/printers from the current output")

const testdataDir = "../../testdata/printers"

// fixtures are the objects of testdata/printers/objects: the pod is an item of a typed PodList (no
// apiVersion, no kind, managedFields, escaped JSON in an annotation, long and multi-line strings); the
// deployment and the custom resource carry apiVersion and kind.
func fixture(t testing.TB, name string) Object {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testdataDir, "objects", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	o := Object{Raw: bytes.TrimSpace(raw)}
	if name == "pod" {
		o.APIVersion, o.Kind = "v1", "Pod"
	}
	return o
}

// printCase is one run of a printer, compared with its golden file and (when KUBEX_KUBECTLREF names the
// binary built from testdata/printers/kubectlref) with kubectl's own printers.
type printCase struct {
	name      string
	format    string // json, yaml, name, jsonpath, jsonpath-as-json, go-template, custom-columns, custom-columns-file
	arg       string
	opts      ObjectOptions
	noHeaders bool
	objects   []string
	// differs: kubex deviates from kubectl on purpose (-o json in Stream mode is JSON lines, one compact
	// object per line, where kubectl's watch prints indented objects back to back).
	differs bool
}

func (c printCase) newPrinter(w *bytes.Buffer) (ObjectPrinter, error) {
	switch c.format {
	case "json":
		return NewJSON(w, c.opts), nil
	case "yaml":
		return NewYAML(w, c.opts), nil
	case "name":
		return NewName(w, c.opts), nil
	case "jsonpath":
		return NewJSONPath(w, c.arg, c.opts)
	case "jsonpath-as-json":
		return NewJSONPathAsJSON(w, c.arg, c.opts)
	case "go-template":
		return NewGoTemplate(w, c.arg, c.opts)
	case "custom-columns":
		return NewCustomColumns(w, c.arg, c.noHeaders, c.opts)
	case "custom-columns-file":
		return NewCustomColumnsFile(w, strings.NewReader(c.arg), c.opts)
	}
	return nil, fmt.Errorf("unknown format %q", c.format)
}

// run prints the case's objects and returns what a user sees: stdout, then any error as kubectl's
// CheckErr prints it on stderr.
func (c printCase) run(t testing.TB) string {
	t.Helper()
	var out bytes.Buffer
	err := func() error {
		p, err := c.newPrinter(&out)
		if err != nil {
			return err
		}
		for _, name := range c.objects {
			if err := p.PrintObject(fixture(t, name)); err != nil {
				return err
			}
			if c.opts.Stream {
				if err := p.(Flusher).Flush(); err != nil {
					return err
				}
			}
		}
		return p.Close()
	}()
	return out.String() + stderrText(err)
}

func stderrText(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	return "=== stderr\nerror: " + msg
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(testdataDir, name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// kubectlOutput runs the reference printer (kubectl's code) on the case.
func kubectlOutput(t *testing.T, bin string, c printCase) string {
	t.Helper()
	type object struct {
		Raw        json.RawMessage `json:"raw"`
		APIVersion string          `json:"apiVersion"`
		Kind       string          `json:"kind"`
	}
	in := map[string]interface{}{
		"format": c.format, "arg": c.arg, "single": c.opts.Single, "stream": c.opts.Stream,
		"showManagedFields": c.opts.ShowManagedFields, "allowMissing": c.opts.AllowMissingKeys,
		"noHeaders": c.noHeaders,
	}
	var objs []object
	for _, name := range c.objects {
		o := fixture(t, name)
		objs = append(objs, object{o.Raw, o.APIVersion, o.Kind})
	}
	in["objects"] = objs
	if c.format == "custom-columns-file" {
		f := filepath.Join(t.TempDir(), "columns.txt")
		if err := os.WriteFile(f, []byte(c.arg), 0o644); err != nil {
			t.Fatal(err)
		}
		in["arg"] = f
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Stdin = bytes.NewReader(data)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run()
	if stderr.Len() > 0 {
		return stdout.String() + "=== stderr\n" + stderr.String()
	}
	return stdout.String()
}

var (
	listOfThree = []string{"pod", "deployment", "widget"}
	allowed     = ObjectOptions{AllowMissingKeys: true}
	single      = ObjectOptions{Single: true, AllowMissingKeys: true}
	stream      = ObjectOptions{Stream: true, AllowMissingKeys: true}
)

// runCases checks every case against its golden file, and against kubectl when the reference is built.
func runCases(t *testing.T, cases []printCase) {
	t.Helper()
	ref := os.Getenv("KUBEX_KUBECTLREF")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.run(t)
			checkGolden(t, c.name, got)
			if ref != "" && !c.differs {
				if want := kubectlOutput(t, ref, c); got != want {
					t.Errorf("differs from kubectl:\n--- kubex\n%s\n--- kubectl\n%s", got, want)
				}
			}
		})
	}
}
