package printers

import (
	"errors"
	"io"
	"strings"
)

// namePrinter is kubectl's -o name (cli-runtime's NamePrinter): one line per object,
// "<lower-case kind>[.<group>]/<name>", the items of a List one by one.
type namePrinter struct {
	w     io.Writer
	opts  ObjectOptions
	doc   jsonDoc
	line  []byte
	count int
}

// NewName returns kubectl's -o name printer: pod/x, deployment.apps/x. A List prints nothing of its own,
// so an empty list prints nothing.
func NewName(w io.Writer, o ObjectOptions) ObjectPrinter {
	return &namePrinter{w: w, opts: o}
}

func (p *namePrinter) PrintObject(o Object) error {
	p.count++
	if p.opts.Single && !p.opts.Stream && p.count > 1 {
		return errSecondSingle
	}
	root, err := p.doc.parseObject(o, true)
	if err != nil {
		return err
	}
	apiVersion, _ := p.doc.stringValue(p.doc.member(root, "apiVersion"))
	apiVersion = []byte(string(apiVersion)) // stringValue's bytes may be reused by the next call
	kind, _ := p.doc.stringValue(p.doc.member(root, "kind"))
	kindStr := string(kind)
	name := "<unknown>"
	if md := p.doc.member(root, "metadata"); md >= 0 && p.doc.nodes[md].kind == kindObject {
		if n, ok := p.doc.stringValue(p.doc.member(md, "name")); ok && len(n) > 0 {
			name = string(n)
		}
	}
	group, version, ok := parseGroupVersion(string(apiVersion))
	if !ok { // unstructured's GroupVersionKind() is empty when apiVersion does not parse
		group, version, kindStr = "", "", ""
	}
	if group == "" && version == "" && kindStr == "" {
		return errors.New("missing apiVersion or kind; try GetObjectKind().SetGroupVersionKind() if you know the type")
	}
	if kindStr == "" { // GetObjectGroupKind's fallback
		kindStr, group = "<unknown>", ""
	}
	b := append(p.line[:0], strings.ToLower(kindStr)...)
	if group != "" {
		b = append(b, '.')
		b = append(b, group...)
	}
	b = append(b, '/')
	b = append(b, name...)
	b = append(b, '\n')
	p.line = b
	return writeAll(p.w, b)
}

// parseGroupVersion splits an apiVersion as apimachinery's schema.ParseGroupVersion does: "v1" is the
// core group's v1, "apps/v1" the apps group's; more than one slash does not parse.
func parseGroupVersion(gv string) (group, version string, ok bool) {
	if gv == "" || gv == "/" {
		return "", "", true
	}
	switch strings.Count(gv, "/") {
	case 0:
		return "", gv, true
	case 1:
		i := strings.IndexByte(gv, '/')
		return gv[:i], gv[i+1:], true
	}
	return "", "", false
}

func (p *namePrinter) Close() error { return nil }
func (p *namePrinter) Flush() error { return nil }
