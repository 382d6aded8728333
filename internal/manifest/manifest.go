// Package manifest reads the objects of -f arguments: files, directories (their .json, .yaml and .yml
// files in name order, recursively with -R) and standard input, each file holding any number of YAML
// documents or JSON objects, a `kind: List` standing for its items. Errors name the file, the document and
// its line, and come before anything is used: a caller gets all objects or none.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kubex-cli/kubex/internal/yamldoc"
)

// Object is one object read from a manifest.
type Object struct {
	Source string // the file, or "STDIN"
	Doc    int    // 1-based document number in Source
	Line   int    // the document's first line in Source

	JSON       []byte // the object as JSON
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	Labels     map[string]string
}

// Where names the object's place for error messages: "FILE: document N (line L)".
func (o Object) Where() string { return where(o.Source, o.Doc, o.Line) }

func where(source string, doc, line int) string {
	return fmt.Sprintf("%s: document %d (line %d)", source, doc, line)
}

// Extensions are the files a directory contributes, as kubectl's.
var extensions = []string{".json", ".yaml", ".yml"}

// Read reads every path ("-" is stdin, read once) in order.
func Read(paths []string, recursive bool, stdin io.Reader) ([]Object, error) {
	var out []Object
	usedStdin := false
	for _, p := range paths {
		if p == "-" {
			if usedStdin {
				return nil, errors.New("standard input cannot be used for multiple arguments")
			}
			usedStdin = true
			data, err := io.ReadAll(stdin)
			if err != nil {
				return nil, fmt.Errorf("reading standard input: %w", err)
			}
			objs, err := Parse("STDIN", data)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
			continue
		}
		files, err := expand(p, recursive)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", f, err)
			}
			objs, err := Parse(f, data)
			if err != nil {
				return nil, err
			}
			out = append(out, objs...)
		}
	}
	return out, nil
}

// expand is p itself for a file, or the manifest files of a directory.
func expand(p string, recursive bool) ([]string, error) {
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the path %q does not exist", p)
	}
	if err != nil {
		return nil, fmt.Errorf("the path %q cannot be accessed: %w", p, err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != p && !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		if slices.Contains(extensions, filepath.Ext(path)) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading directory %s: %w", p, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("error reading %s: recognized file extensions are %v", p, extensions)
	}
	return files, nil
}

// Parse reads the objects of one file's contents.
func Parse(source string, data []byte) ([]Object, error) {
	var out []Object
	for _, c := range yamldoc.Split(data) {
		if c.Doc == 0 {
			continue
		}
		j, err := yamldoc.ToJSON(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where(source, c.Doc, c.Line), err)
		}
		j = bytes.TrimSpace(j)
		if len(j) == 0 || bytes.Equal(j, []byte("null")) {
			continue // an empty document, as kubectl skips it
		}
		objs, err := objects(j)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where(source, c.Doc, c.Line), err)
		}
		for i := range objs {
			objs[i].Source, objs[i].Doc, objs[i].Line = source, c.Doc, c.Line
		}
		out = append(out, objs...)
	}
	return out, nil
}

// objects is the object j holds, or a List's items.
func objects(j []byte) ([]Object, error) {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string            `json:"name"`
			Namespace string            `json:"namespace"`
			Labels    map[string]string `json:"labels"`
		} `json:"metadata"`
		Items []json.RawMessage `json:"items"`
	}
	if j[0] != '{' {
		return nil, errors.New("not an object: a manifest document must be a mapping with apiVersion and kind")
	}
	if err := json.Unmarshal(j, &head); err != nil {
		return nil, err
	}
	switch {
	case head.Kind == "":
		return nil, errors.New("Object 'Kind' is missing")
	case head.APIVersion == "":
		return nil, errors.New("Object 'apiVersion' is missing")
	}
	if head.Kind == "List" || strings.HasSuffix(head.Kind, "List") && head.Items != nil {
		var out []Object
		for i, item := range head.Items {
			objs, err := objects(bytes.TrimSpace(item))
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			out = append(out, objs...)
		}
		return out, nil
	}
	if head.Metadata.Name == "" {
		return nil, fmt.Errorf("%s %s: metadata.name is missing", head.APIVersion, head.Kind)
	}
	return []Object{{JSON: j, APIVersion: head.APIVersion, Kind: head.Kind, Name: head.Metadata.Name,
		Namespace: head.Metadata.Namespace, Labels: head.Metadata.Labels}}, nil
}
