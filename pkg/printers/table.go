package printers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// TableColumn is a meta.k8s.io TableColumnDefinition.
type TableColumn struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Format   string `json:"format"`
	Priority int32  `json:"priority"`
}

// RowMeta is what the printers need of a row's object: the metadata of the PartialObjectMetadata (or
// whole object) the server puts in each Table row.
type RowMeta struct {
	Namespace         string            `json:"namespace"`
	Name              string            `json:"name"`
	UID               string            `json:"uid"`
	ResourceVersion   string            `json:"resourceVersion"`
	CreationTimestamp string            `json:"creationTimestamp"`
	Labels            map[string]string `json:"labels"`
}

// Row is one decoded Table row: its cells as the server sent them and its object's metadata.
type Row struct {
	Cells     []json.RawMessage
	Meta      RowMeta
	HasObject bool // the row carried an object (includeObject was not None)
}

// RowDecoder decodes Table rows: one validating pass, and only the cells and the object's metadata read
// out, so that the rest of a row (managedFields, a whole object) costs only the pass.
type RowDecoder struct{ d jsonDoc }

// Decode decodes raw. The cells are slices of raw: they are valid as long as raw is.
func (rd *RowDecoder) Decode(raw []byte) (Row, error) {
	d := &rd.d
	d.unsorted = true
	root, err := d.parse(raw)
	if err == nil && d.nodes[root].kind != kindObject {
		err = errors.New("not an object")
	}
	if err != nil {
		return Row{}, fmt.Errorf("decoding a table row: %w", err)
	}
	var r Row
	if cells := d.member(root, "cells"); cells >= 0 && d.nodes[cells].kind == kindArray {
		kids := d.kids[d.nodes[cells].kid0:d.nodes[cells].kid1]
		r.Cells = make([]json.RawMessage, len(kids))
		for i, k := range kids {
			r.Cells[i] = d.token(k)
		}
	}
	obj := d.member(root, "object")
	if obj < 0 || d.nodes[obj].kind != kindObject {
		return r, nil
	}
	r.HasObject = true
	m := d.member(obj, "metadata")
	if m < 0 || d.nodes[m].kind != kindObject {
		return r, nil
	}
	str := func(name string) string {
		s, _ := d.stringValue(d.member(m, name))
		return string(s)
	}
	r.Meta = RowMeta{Namespace: str("namespace"), Name: str("name"), UID: str("uid"),
		ResourceVersion: str("resourceVersion"), CreationTimestamp: str("creationTimestamp")}
	if l := d.member(m, "labels"); l >= 0 && d.nodes[l].kind == kindObject {
		kids := d.kids[d.nodes[l].kid0:d.nodes[l].kid1]
		r.Meta.Labels = make(map[string]string, len(kids))
		for _, k := range kids {
			if v, ok := d.stringValue(k); ok {
				r.Meta.Labels[string(d.key(k))] = string(v)
			}
		}
	}
	return r, nil
}

// RowWriter takes rows of cells: a ColumnWriter, or a collector that merges several tables (one per
// context) into one.
type RowWriter interface {
	Row(cells []string) error
	Flush() error
}

// TableOptions are kubectl's human-readable print options.
type TableOptions struct {
	NoHeaders     bool
	Wide          bool     // -o wide: also the columns of priority > 0
	WithNamespace bool     // -A: a leading NAMESPACE column
	WithKind      bool     // names printed as kind/name (--show-kind, or several types in one get)
	Kind          string   // lower-case kind and group, "pod" or "deployment.apps"
	ShowLabels    bool     // --show-labels: a trailing LABELS column
	ColumnLabels  []string // -L: a column per label key
	Terminal      bool     // stdout is a terminal: neutralise every control character in cells
	Context       string   // several contexts at once: a leading CONTEXT column holding this
	Color         bool     // colour the known values of a Status column (stdout is a terminal that wants colour)
	Now           func() time.Time
}

// TablePrinter prints the rows of server-side Tables as kubectl's human-readable printer does, a row at a
// time: a header before the first row, again only when the columns change.
type TablePrinter struct {
	w    RowWriter
	opts TableOptions

	columns        []TableColumn
	rawColumns     []byte
	nameColumn     int
	statusColumn   int // the index of the column named Status, or -1
	printedHeaders bool
	eventColumn    bool
	rows           RowDecoder
	values         Decoder
}

// NewTablePrinter prints to w with o.
func NewTablePrinter(w RowWriter, o TableOptions) *TablePrinter {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &TablePrinter{w: w, opts: o, nameColumn: -1, statusColumn: -1}
}

// SetColumns takes the column definitions of the next rows, as the raw JSON of a Table's
// columnDefinitions. Tables in watch events after the first carry none: nil keeps the last ones.
func (p *TablePrinter) SetColumns(raw json.RawMessage) error {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) || bytes.Equal(raw, p.rawColumns) {
		return nil
	}
	var cols []TableColumn
	if err := json.Unmarshal(raw, &cols); err != nil {
		return fmt.Errorf("decoding table columns: %w", err)
	}
	p.setColumns(cols)
	p.rawColumns = append(p.rawColumns[:0], raw...)
	return nil
}

func (p *TablePrinter) setColumns(cols []TableColumn) {
	if slices.Equal(cols, p.columns) {
		return
	}
	p.columns, p.printedHeaders, p.nameColumn, p.statusColumn = cols, false, -1, -1
	if p.opts.Color {
		p.statusColumn = slices.IndexFunc(cols, func(c TableColumn) bool { return strings.EqualFold(c.Name, "Status") })
	}
	if p.opts.WithKind && p.opts.Kind != "" {
		for i, c := range cols {
			if c.Format == "name" && c.Type == "string" {
				p.nameColumn = i
				break
			}
		}
	}
}

// SetEventColumn adds kubectl's leading EVENT column (--output-watch-events) to the rows that follow.
func (p *TablePrinter) SetEventColumn(on bool) { p.eventColumn = on }

// PrintRawRow decodes and prints one row given as the JSON of a TableRow.
func (p *TablePrinter) PrintRawRow(raw []byte, eventType string) error {
	r, err := p.rows.Decode(raw)
	if err != nil {
		return err
	}
	return p.PrintRow(r, eventType)
}

// PrintRow prints one row. eventType is its watch event ("ADDED", ...) when the EVENT column is on.
func (p *TablePrinter) PrintRow(r Row, eventType string) error {
	if !p.printedHeaders {
		p.printedHeaders = true
		if !p.opts.NoHeaders {
			if err := p.w.Row(p.header()); err != nil {
				return err
			}
		}
	}
	cells := make([]string, 0, len(p.columns)+4+len(p.opts.ColumnLabels))
	if p.opts.Context != "" {
		cells = append(cells, p.escape(p.opts.Context))
	}
	if p.eventColumn {
		cells = append(cells, p.escape(formatEventType(eventType)))
	}
	if p.opts.WithNamespace {
		cells = append(cells, p.escape(r.Meta.Namespace))
	}
	for i, c := range r.Cells {
		if i >= len(p.columns) {
			break // more cells than columns: kubectl ignores the extra ones
		}
		if !p.opts.Wide && p.columns[i].Priority != 0 {
			continue
		}
		s := p.cell(c)
		if i == p.nameColumn {
			s = p.opts.Kind + "/" + s
		}
		if i == p.statusColumn {
			s = colorStatus(s)
		}
		cells = append(cells, s)
	}
	// A row with fewer cells than columns still fills the columns kubectl would pad with nil.
	for i := len(r.Cells); i < len(p.columns); i++ {
		if p.opts.Wide || p.columns[i].Priority == 0 {
			cells = append(cells, "")
		}
	}
	return p.w.Row(p.appendLabels(cells, r))
}

func (p *TablePrinter) header() []string {
	var h []string
	if p.opts.Context != "" {
		h = append(h, "CONTEXT")
	}
	if p.eventColumn {
		h = append(h, "EVENT")
	}
	if p.opts.WithNamespace {
		h = append(h, "NAMESPACE")
	}
	for _, c := range p.columns {
		if p.opts.Wide || c.Priority == 0 {
			h = append(h, p.escapeHeader(strings.ToUpper(c.Name)))
		}
	}
	return p.appendLabelHeaders(h)
}

func (p *TablePrinter) appendLabelHeaders(h []string) []string {
	for _, l := range p.opts.ColumnLabels {
		h = append(h, strings.ToUpper(l[strings.LastIndex(l, "/")+1:]))
	}
	if p.opts.ShowLabels {
		h = append(h, "LABELS")
	}
	return h
}

func (p *TablePrinter) appendLabels(cells []string, r Row) []string {
	if !r.HasObject && (len(p.opts.ColumnLabels) > 0 || p.opts.ShowLabels) {
		// kubectl fills the columns of a row without an object with empty cells.
		for range len(p.opts.ColumnLabels) {
			cells = append(cells, "")
		}
		if p.opts.ShowLabels {
			cells = append(cells, "")
		}
		return cells
	}
	for _, l := range p.opts.ColumnLabels {
		cells = append(cells, p.escape(r.Meta.Labels[l]))
	}
	if p.opts.ShowLabels {
		cells = append(cells, p.escape(FormatLabels(r.Meta.Labels)))
	}
	return cells
}

// PrintObjectMeta prints the NAME and AGE row kubectl makes of an object when the server sends no Table
// (an aggregated API without tables): header NAME, AGE.
func (p *TablePrinter) PrintObjectMeta(m RowMeta) error {
	p.setColumns([]TableColumn{{Name: "Name", Type: "string", Format: "name"}, {Name: "Age", Type: "string"}})
	name, _ := json.Marshal(m.Name)
	age, _ := json.Marshal(Age(m.CreationTimestamp, p.opts.Now()))
	return p.PrintRow(Row{Cells: []json.RawMessage{name, age}, Meta: m, HasObject: true}, "")
}

// Flush writes what the column writer holds.
func (p *TablePrinter) Flush() error { return p.w.Flush() }

// cell prints one cell as kubectl does: a string up to its first line break (then "..."), anything
// else as Go prints the decoded JSON value; null is empty. Always escaped for a terminal.
func (p *TablePrinter) cell(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	switch raw[0] {
	case '"':
		if bytes.IndexByte(raw, '\\') < 0 {
			s = string(raw[1 : len(raw)-1])
		} else if err := json.Unmarshal(raw, &s); err != nil {
			return ""
		}
		if i := strings.IndexAny(s, "\f\n\r"); i >= 0 {
			return p.escape(s[:i]) + "..."
		}
	case 'n':
		return ""
	default:
		v, err := p.values.Unstructured(raw)
		if err != nil {
			return ""
		}
		s = fmt.Sprint(v)
	}
	return p.escape(s)
}

// escapeHeader neutralises a column name from the server on a terminal; elsewhere it is printed as
// kubectl prints it.
func (p *TablePrinter) escapeHeader(s string) string {
	if p.opts.Terminal {
		return SanitizeTerminal(s)
	}
	return s
}

func (p *TablePrinter) escape(s string) string {
	if p.opts.Terminal {
		return SanitizeTerminal(s)
	}
	return EscapeTerminal(s)
}

// FormatLabels is "k1=v1,k2=v2" in key order, or "<none>".
func FormatLabels(labels map[string]string) string {
	if len(labels) == 0 {
		return "<none>"
	}
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(labels)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(labels[k])
	}
	return b.String()
}

// SGR sequences of the status colours. ColumnWriter does not count them toward a cell's width.
const (
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
	sgrRed    = "\x1b[31m"
	sgrReset  = "\x1b[0m"
)

// colorStatus wraps a known status value in its colour: green for healthy, yellow for in-between, red for
// failed. Any other value is returned as it is.
func colorStatus(s string) string {
	var sgr string
	switch s {
	case "Running", "Completed", "Succeeded", "Active", "Bound", "Ready", "Available", "True", "Complete":
		sgr = sgrGreen
	case "Pending", "ContainerCreating", "PodInitializing", "Terminating", "Unknown":
		sgr = sgrYellow
	case "Failed", "Error", "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "Evicted", "OOMKilled",
		"CreateContainerError", "False", "Lost":
		sgr = sgrRed
	default:
		if !strings.HasPrefix(s, "Init:") {
			return s
		}
		sgr = sgrYellow
	}
	return sgr + s + sgrReset
}

// formatEventType pads the event types to one width, as kubectl does.
func formatEventType(t string) string {
	switch t {
	case "ADDED":
		return "ADDED   "
	case "DELETED":
		return "DELETED "
	case "ERROR":
		return "ERROR   "
	}
	return t
}
