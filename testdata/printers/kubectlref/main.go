// Command kubectlref prints objects with kubectl's own printers (cli-runtime and kubectl v0.34.4), the way
// `kubectl get` (printGeneric) and `kubectl get -w` do, so that pkg/printers can be compared against the real
// thing. It lives under testdata so that kubex's module never builds it; run it from this directory:
//
//	go run . < case.json
//
// The input is one JSON case: {"format": "json", "arg": "", "single": false, "stream": false,
// "showManagedFields": false, "allowMissing": true, "noHeaders": false, "objects": [{"raw": {...},
// "apiVersion": "v1", "kind": "Pod"}]}. Printer errors go to stderr after "error: ", as kubectl's CheckErr
// prints them.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/kubectl/pkg/cmd/get"
)

type object struct {
	Raw        json.RawMessage `json:"raw"`
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
}

type testCase struct {
	Format            string   `json:"format"`
	Arg               string   `json:"arg"`
	Single            bool     `json:"single"`
	Stream            bool     `json:"stream"`
	ShowManagedFields bool     `json:"showManagedFields"`
	AllowMissing      *bool    `json:"allowMissing"`
	NoHeaders         bool     `json:"noHeaders"`
	Objects           []object `json:"objects"`
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		msg := err.Error()
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		fmt.Fprint(os.Stderr, "error: "+msg)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var tc testCase
	if err := json.NewDecoder(in).Decode(&tc); err != nil {
		return err
	}
	flags := get.NewGetPrintFlags()
	format := tc.Format
	if tc.Arg != "" {
		format += "=" + tc.Arg
	}
	*flags.OutputFormat = format
	*flags.NoHeaders = tc.NoHeaders
	flags.JSONYamlPrintFlags.ShowManagedFields = tc.ShowManagedFields
	if tc.AllowMissing != nil {
		*flags.TemplateFlags.AllowMissingKeys = *tc.AllowMissing
	}
	printer, err := flags.ToPrinter()
	if err != nil {
		return err
	}

	var objs []runtime.Object
	for _, o := range tc.Objects {
		u := &unstructured.Unstructured{}
		if _, _, err := unstructured.UnstructuredJSONScheme.Decode(fillTypeMeta(o), nil, u); err != nil {
			return err
		}
		objs = append(objs, u)
	}

	if tc.Stream {
		// kubectl get -w: every object through one tab writer, flushed after each.
		w := printers.GetNewTabWriter(out)
		for _, o := range objs {
			if err := printer.PrintObj(o, w); err != nil {
				return fmt.Errorf("unable to output the provided object: %v", err)
			}
			w.Flush()
		}
		return nil
	}
	if tc.Single && len(objs) == 1 {
		return printer.PrintObj(objs[0], out)
	}
	// printGeneric: compose a corev1.List, round-trip it through the unstructured scheme, then print a fresh
	// UnstructuredList holding its items.
	list := corev1.List{TypeMeta: metav1.TypeMeta{Kind: "List", APIVersion: "v1"}}
	for _, o := range objs {
		list.Items = append(list.Items, runtime.RawExtension{Object: o})
	}
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	converted, err := runtime.Decode(unstructured.UnstructuredJSONScheme, data)
	if err != nil {
		return err
	}
	items, err := meta.ExtractList(converted)
	if err != nil {
		return err
	}
	ul := &unstructured.UnstructuredList{Object: map[string]interface{}{
		"kind": "List", "apiVersion": "v1", "metadata": map[string]interface{}{},
	}}
	if lm, err := meta.ListAccessor(converted); err == nil {
		ul.Object["metadata"] = map[string]interface{}{"resourceVersion": lm.GetResourceVersion()}
	}
	for _, it := range items {
		ul.Items = append(ul.Items, *it.(*unstructured.Unstructured))
	}
	return printer.PrintObj(ul, out)
}

// fillTypeMeta gives an item of a typed list the apiVersion and kind of its list, as client-go's
// unstructured list decoding does (only when it has neither).
func fillTypeMeta(o object) []byte {
	var m map[string]interface{}
	if err := json.Unmarshal(o.Raw, &m); err != nil {
		return o.Raw
	}
	_, hasKind := m["kind"]
	_, hasAV := m["apiVersion"]
	if hasKind || hasAV {
		return o.Raw
	}
	// Splice rather than re-marshal, so the numbers and strings reach the scheme exactly as sent.
	s := strings.TrimSpace(string(o.Raw))
	prefix := fmt.Sprintf(`{"apiVersion":%q,"kind":%q`, o.APIVersion, o.Kind)
	if strings.TrimSpace(s[1:]) == "}" {
		return []byte(prefix + "}")
	}
	return []byte(prefix + "," + s[1:])
}
