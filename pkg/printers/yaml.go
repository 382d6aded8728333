package printers

import (
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// kubectl's -o yaml is sigs.k8s.io/yaml.Marshal of the unstructured object: json.Marshal, then JSONToYAML
// (yaml.v2 re-reads the JSON and writes it with its own key order and line folding). kubex feeds
// JSONToYAML the same JSON (NormalizeJSON). A List is streamed: its items are written one at a time as
// the YAML of a one-element sequence, "- apiVersion: ...\n  kind: ...", which is byte for byte what
// yaml.v2 writes for that item under "items:" (it does not indent a sequence inside a mapping, so the item
// starts at the same column either way, and long strings fold at the same places).
const (
	listHeaderYAML = "apiVersion: v1\nitems:\n"
	listFooterYAML = "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
	emptyListYAML  = "apiVersion: v1\nitems: []\n" + listFooterYAML
)

type yamlPrinter struct {
	w     io.Writer
	opts  ObjectOptions
	doc   jsonDoc
	buf   []byte
	count int
}

// NewYAML returns kubectl's -o yaml printer. In Stream mode objects are separate documents with "---\n"
// between them, as kubectl's YAMLPrinter writes across calls.
func NewYAML(w io.Writer, o ObjectOptions) ObjectPrinter {
	return &yamlPrinter{w: w, opts: o}
}

func (p *yamlPrinter) PrintObject(o Object) error {
	p.count++
	inList := !p.opts.Stream && !p.opts.Single
	if p.opts.Single && !p.opts.Stream && p.count > 1 {
		return errSecondSingle
	}
	b := p.buf[:0]
	if inList {
		b = append(b, '[')
	}
	b, err := p.doc.normalize(b, o, p.opts.ShowManagedFields, 0, false)
	if err != nil {
		return err
	}
	if inList {
		b = append(b, ']')
	}
	b = escapeForYAML(b)
	p.buf = b[:0]
	out, err := yaml.JSONToYAML(b)
	if err != nil {
		return err
	}
	switch {
	case p.opts.Stream && p.count > 1:
		err = writeAll(p.w, []byte("---\n"))
	case inList && p.count == 1:
		err = writeAll(p.w, []byte(listHeaderYAML))
	}
	if err != nil {
		return err
	}
	return writeAll(p.w, out)
}

func (p *yamlPrinter) Close() error {
	if p.opts.Stream || p.opts.Single {
		return nil
	}
	if p.count == 0 {
		return writeAll(p.w, []byte(emptyListYAML))
	}
	return writeAll(p.w, []byte(listFooterYAML))
}

func (p *yamlPrinter) Flush() error { return nil }

// escapeForYAML writes as \u escapes the characters that encoding/json leaves raw but a YAML reader
// refuses (DEL, the C1 controls but NEL, U+FFFE and U+FFFF), inside JSON strings, where nothing else can
// hold them. yaml.v2 then prints them escaped. kubectl instead fails the whole output with "yaml: control
// characters are not allowed" because of one such string in one object.
func escapeForYAML(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		var r rune
		n := 1
		switch {
		case c == 0x7f:
			r = 0x7f
		case c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f && b[i+1] != 0x85:
			r, n = rune(b[i+1]), 2
		case c == 0xef && i+2 < len(b) && b[i+1] == 0xbf && (b[i+2] == 0xbe || b[i+2] == 0xbf):
			r, n = 0xffc0|rune(b[i+2]&0x3f), 3
		default:
			continue
		}
		out = append(out, b[last:i]...)
		out = fmt.Appendf(out, `\u%04x`, r)
		i += n - 1
		last = i + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}
