package describe

import (
	"encoding/json"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// describeGeneric describes any other object, custom resources included, as kubectl's generic
// describer: metadata first, then every field as "Smart Label: value", nested by indentation.
func describeGeneric(e *env, o obj) (string, error) {
	if o.str("apiVersion") == "" {
		o["apiVersion"] = apiVersionOf(e.res)
	}
	if o.str("kind") == "" {
		o["kind"] = e.res.Kind
	}
	events := e.events(o)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", o.name())
		w.write(l0, "Namespace:\t%s\n", o.namespace())
		labelsMultiline(w, "Labels", o.labels())
		annotationsMultiline(w, "Annotations", o.annotations())
		unstructuredContent(w, l0, o, "", ".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations")
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func unstructuredContent(w *writer, level int, content map[string]any, skipPrefix string, skip ...string) {
	fields := make([]string, 0, len(content))
	for f := range content {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	skipped := func(expr string) bool {
		for _, s := range skip {
			if s == expr {
				return true
			}
		}
		return false
	}
	for _, f := range fields {
		expr := skipPrefix + "." + f
		if skipped(expr) {
			continue
		}
		switch v := content[f].(type) {
		case map[string]any:
			w.write(level, "%s:\n", smartLabel(f))
			unstructuredContent(w, level+1, v, expr, skip...)
		case obj:
			w.write(level, "%s:\n", smartLabel(f))
			unstructuredContent(w, level+1, v, expr, skip...)
		case []any:
			w.write(level, "%s:\n", smartLabel(f))
			for _, child := range v {
				if m, ok := child.(map[string]any); ok {
					unstructuredContent(w, level+1, m, expr, skip...)
				} else {
					w.write(level+1, "%v\n", plain(child))
				}
			}
		default:
			w.write(level, "%s:\t%v\n", smartLabel(f), plain(v))
		}
	}
}

// plain is a decoded JSON value as Go's %v shows it after unstructured decoding: integers as int64,
// other numbers as float64, null as <nil>.
func plain(v any) any {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i
		}
		f, _ := n.Float64()
		return f
	case []any:
		out := make([]any, len(n))
		for i, x := range n {
			out[i] = plain(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, x := range n {
			out[k] = plain(x)
		}
		return out
	}
	return v
}

// smartLabel turns a field name into kubectl's label: "apiVersion" → "API Version".
func smartLabel(field string) string {
	if strings.IndexFunc(field, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) != -1 {
		return field
	}
	acronyms := map[string]bool{"API": true, "URL": true, "UID": true, "OSB": true, "GUID": true}
	var parts []string
	for _, p := range camelSplit(field) {
		if p == "_" {
			continue
		}
		if acronyms[strings.ToUpper(p)] {
			p = strings.ToUpper(p)
		} else {
			p = title(p)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

// title upper-cases the first letter of each word, as strings.Title.
func title(s string) string {
	prev := ' '
	return strings.Map(func(r rune) rune {
		isSep := !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '\'')
		if isSep {
			prev = r
			return r
		}
		if !(unicode.IsLetter(prev) || unicode.IsDigit(prev) || prev == '_' || prev == '\'') {
			prev = r
			return unicode.ToTitle(r)
		}
		prev = r
		return r
	}, s)
}

// camelSplit splits a camel-case word as github.com/fatih/camelcase does: "PDFLoader" → PDF Loader.
func camelSplit(src string) []string {
	if !utf8.ValidString(src) {
		return []string{src}
	}
	var runes [][]rune
	last := 0
	for _, r := range src {
		class := 4
		switch {
		case unicode.IsLower(r):
			class = 1
		case unicode.IsUpper(r):
			class = 2
		case unicode.IsDigit(r):
			class = 3
		}
		if class == last && len(runes) > 0 {
			runes[len(runes)-1] = append(runes[len(runes)-1], r)
		} else {
			runes = append(runes, []rune{r})
		}
		last = class
	}
	for i := 0; i < len(runes)-1; i++ {
		if unicode.IsUpper(runes[i][0]) && unicode.IsLower(runes[i+1][0]) {
			runes[i+1] = append([]rune{runes[i][len(runes[i])-1]}, runes[i+1]...)
			runes[i] = runes[i][:len(runes[i])-1]
		}
	}
	var out []string
	for _, r := range runes {
		if len(r) > 0 {
			out = append(out, string(r))
		}
	}
	return out
}

func apiVersionOf(r discovery.Resource) string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}
