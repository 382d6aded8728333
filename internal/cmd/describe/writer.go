package describe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kubex-cli/kubex/pkg/printers"
)

// Indentation levels of kubectl's describe output: two spaces each.
const (
	l0 = iota
	l1
	l2
	l3
)

// writer writes describe lines at an indentation level, escaping terminal control characters as kubectl's
// PrefixWriter does, into a tab writer that aligns "Label:\tvalue" cells.
type writer struct {
	out    io.Writer
	indent int // added to every level: a nested writer
}

func (w *writer) write(level int, format string, a ...any) {
	s := fmt.Sprintf(strings.Repeat("  ", level+w.indent)+format, a...)
	io.WriteString(w.out, printers.EscapeTerminal(s))
}

// line writes a whole line with no indentation (kubectl's WriteLine).
func (w *writer) line(a ...any) {
	if w.indent > 0 {
		w.write(0, "%s", fmt.Sprintln(a...))
		return
	}
	io.WriteString(w.out, printers.EscapeTerminal(fmt.Sprintln(a...)))
}

func (w *writer) flush() {
	if f, ok := w.out.(interface{ Flush() error }); ok {
		f.Flush()
	}
}

// tabbed runs f with a writer on kubectl's describe tab writer (min width 0, tab width 8, padding 2) and
// returns what it wrote.
func tabbed(f func(w *writer) error) (string, error) {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 8, 2, ' ', 0)
	if err := f(&writer{out: tw}); err != nil {
		return "", err
	}
	tw.Flush()
	return buf.String(), nil
}

// obj is a decoded JSON object with path accessors that answer zero values for what is missing.
type obj map[string]any

func decodeObj(raw []byte) (obj, error) {
	var o obj
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&o); err != nil {
		return nil, fmt.Errorf("decoding an object: %w", err)
	}
	return o, nil
}

func (o obj) get(path ...string) any {
	var cur any = map[string]any(o)
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			if om, ok2 := cur.(obj); ok2 {
				m = om
			} else {
				return nil
			}
		}
		cur = m[p]
	}
	return cur
}

// has reports whether the field at path is present (even null is absent).
func (o obj) has(path ...string) bool { return o.get(path...) != nil }

func (o obj) str(path ...string) string {
	switch v := o.get(path...).(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

func (o obj) num(path ...string) int64 {
	if n, ok := o.get(path...).(json.Number); ok {
		i, err := n.Int64()
		if err != nil {
			f, _ := n.Float64()
			return int64(f)
		}
		return i
	}
	return 0
}

func (o obj) boolean(path ...string) bool { b, _ := o.get(path...).(bool); return b }

func (o obj) m(path ...string) obj {
	switch v := o.get(path...).(type) {
	case map[string]any:
		return obj(v)
	case obj:
		return v
	}
	return nil
}

func (o obj) list(path ...string) []obj {
	a, _ := o.get(path...).([]any)
	out := make([]obj, 0, len(a))
	for _, v := range a {
		if m, ok := v.(map[string]any); ok {
			out = append(out, obj(m))
		}
	}
	return out
}

func (o obj) strs(path ...string) []string {
	a, _ := o.get(path...).([]any)
	out := make([]string, 0, len(a))
	for _, v := range a {
		switch s := v.(type) {
		case string:
			out = append(out, s)
		case json.Number:
			out = append(out, s.String())
		}
	}
	return out
}

func (o obj) strMap(path ...string) map[string]string {
	m := o.m(path...)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch s := v.(type) {
		case string:
			out[k] = s
		case json.Number:
			out[k] = s.String()
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

func (o obj) name() string      { return o.str("metadata", "name") }
func (o obj) namespace() string { return o.str("metadata", "namespace") }
func (o obj) uid() string       { return o.str("metadata", "uid") }
func (o obj) labels() map[string]string {
	return o.strMap("metadata", "labels")
}
func (o obj) annotations() map[string]string { return o.strMap("metadata", "annotations") }

// controller is "Kind/name" of the object's controller owner, "" without one.
func controller(o obj) string {
	for _, ref := range o.list("metadata", "ownerReferences") {
		if ref.boolean("controller") {
			return ref.str("kind") + "/" + ref.str("name")
		}
	}
	return ""
}

func controllerUID(o obj) string {
	for _, ref := range o.list("metadata", "ownerReferences") {
		if ref.boolean("controller") {
			return ref.str("uid")
		}
	}
	return ""
}

// rfc1123z formats an RFC 3339 timestamp as kubectl's describe does (time.RFC1123Z, in local time); a
// zero or missing time prints as Go's zero time.
func rfc1123z(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		t = time.Time{}
	}
	return t.Local().Format(time.RFC1123Z)
}

// since is the human age of an RFC 3339 timestamp, "<unknown>" when missing.
func since(ts string) string {
	if ts == "" {
		return "<unknown>"
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil || t.IsZero() {
		return "<unknown>"
	}
	return printers.HumanDuration(time.Since(t))
}

const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// labelsMultiline prints "Title:\tk=v" lines, sorted, "<none>" when empty.
func labelsMultiline(w *writer, title string, labels map[string]string) {
	labelsMultilineIndent(w, "", title, "\t", labels, nil)
}

func labelsMultilineIndent(w *writer, initialIndent, title, innerIndent string, labels map[string]string, skip map[string]bool) {
	w.write(l0, "%s%s:%s", initialIndent, title, innerIndent)
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if !skip[k] {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		w.line("<none>")
		return
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i != 0 {
			w.write(l0, "%s", initialIndent)
			w.write(l0, "%s", innerIndent)
		}
		w.write(l0, "%s=%s\n", k, labels[k])
	}
}

const maxAnnotationLen = 140

// annotationsMultiline prints annotations as kubectl does: sorted, without last-applied-configuration,
// long or multi-line values on lines of their own, shortened.
func annotationsMultiline(w *writer, title string, annotations map[string]string) {
	w.write(l0, "%s:\t", title)
	keys := make([]string, 0, len(annotations))
	for k := range annotations {
		if k != lastAppliedAnnotation {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		w.line("<none>")
		return
	}
	sort.Strings(keys)
	indent := "\t"
	for i, k := range keys {
		if i != 0 {
			w.write(l0, indent)
		}
		v := strings.TrimSuffix(annotations[k], "\n")
		if len(v)+len(k)+2 > maxAnnotationLen || strings.Contains(v, "\n") {
			w.write(l0, "%s:\n", k)
			for _, s := range strings.Split(v, "\n") {
				w.write(l0, "%s  %s\n", indent, shorten(s, maxAnnotationLen-2))
			}
		} else {
			w.write(l0, "%s: %s\n", k, v)
		}
	}
}

func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// tolerationsMultiline prints a pod's tolerations as kubectl does.
func tolerationsMultiline(w *writer, initialIndent, title, innerIndent string, tols []obj) {
	w.write(l0, "%s%s:%s", initialIndent, title, innerIndent)
	if len(tols) == 0 {
		w.line("<none>")
		return
	}
	sort.SliceStable(tols, func(i, j int) bool { return tols[i].str("key") < tols[j].str("key") })
	for i, t := range tols {
		if i != 0 {
			w.write(l0, "%s", initialIndent)
			w.write(l0, "%s", innerIndent)
		}
		key, value, effect := t.str("key"), t.str("value"), t.str("effect")
		w.write(l0, "%s", key)
		if value != "" {
			w.write(l0, "=%s", value)
		}
		if effect != "" {
			w.write(l0, ":%s", effect)
		}
		if t.str("operator") == "Exists" && value == "" {
			if key != "" || effect != "" {
				w.write(l0, " op=Exists")
			} else {
				w.write(l0, "op=Exists")
			}
		}
		if t.has("tolerationSeconds") {
			w.write(l0, " for %ds", t.num("tolerationSeconds"))
		}
		w.write(l0, "\n")
	}
}

// taintsMultiline prints a node's taints sorted by effect and key.
func taintsMultiline(w *writer, title string, taints []obj) {
	w.write(l0, "%s:\t", title)
	if len(taints) == 0 {
		w.line("<none>")
		return
	}
	key := func(t obj) string { return t.str("effect") + "," + t.str("key") }
	sort.SliceStable(taints, func(i, j int) bool { return key(taints[i]) < key(taints[j]) })
	for i, t := range taints {
		if i != 0 {
			w.write(l0, "\t")
		}
		s := t.str("key")
		if v := t.str("value"); v != "" {
			s += "=" + v
		}
		w.write(l0, "%s\n", s+":"+t.str("effect"))
	}
}

// formatLabelSelector prints a LabelSelector as metav1.FormatLabelSelector does.
func formatLabelSelector(sel obj) string {
	if sel == nil {
		return "<none>"
	}
	ml := sel.strMap("matchLabels")
	exprs := sel.list("matchExpressions")
	if len(ml) == 0 && len(exprs) == 0 {
		return "<none>"
	}
	keys := make([]string, 0, len(ml))
	for k := range ml {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+ml[k])
	}
	for _, e := range exprs {
		vals := e.strs("values")
		sort.Strings(vals)
		key := e.str("key")
		switch e.str("operator") {
		case "In":
			parts = append(parts, key+" in ("+strings.Join(vals, ",")+")")
		case "NotIn":
			parts = append(parts, key+" notin ("+strings.Join(vals, ",")+")")
		case "Exists":
			parts = append(parts, key)
		case "DoesNotExist":
			parts = append(parts, "!"+key)
		}
	}
	return strings.Join(parts, ",")
}

// selectorString is a LabelSelector as a query (labels.Selector.String): what a list by selector sends.
// matchLabels sort with the expressions by key.
func selectorString(sel obj) string {
	if sel == nil {
		return ""
	}
	type req struct{ key, s string }
	var reqs []req
	for k, v := range sel.strMap("matchLabels") {
		reqs = append(reqs, req{k, k + "=" + v})
	}
	for _, e := range sel.list("matchExpressions") {
		vals := e.strs("values")
		sort.Strings(vals)
		key := e.str("key")
		switch e.str("operator") {
		case "In":
			reqs = append(reqs, req{key, key + " in (" + strings.Join(vals, ",") + ")"})
		case "NotIn":
			reqs = append(reqs, req{key, key + " notin (" + strings.Join(vals, ",") + ")"})
		case "Exists":
			reqs = append(reqs, req{key, key})
		case "DoesNotExist":
			reqs = append(reqs, req{key, "!" + key})
		}
	}
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].key < reqs[j].key })
	parts := make([]string, len(reqs))
	for i, r := range reqs {
		parts[i] = r.s
	}
	return strings.Join(parts, ",")
}

// formatLabels is labels.FormatLabels: "k=v,k2=v2" sorted, "<none>" when empty.
func formatLabels(m map[string]string) string {
	if len(m) == 0 {
		return "<none>"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ",")
}

func stringOrNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

func printBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// resourceList prints a ResourceList map's entries sorted by name at level.
func resourceList(w *writer, level int, m obj) {
	for _, k := range sortedKeys(m) {
		w.write(level, "%s:\t%s\n", k, m.str(k))
	}
}
