package printers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"k8s.io/client-go/util/jsonpath"
)

// customColumnsSettleRows is how many rows settle the column widths of -o custom-columns.
const customColumnsSettleRows = 500

// relaxedPath is kubectl's RelaxedJSONPathExpression pattern: "{.a.b}", "{a.b}", ".a.b" and "a.b" all mean
// {.a.b}.
var relaxedPath = regexp.MustCompile(`^\{\.?([^{}]+)\}$|^\.?([^{}]+)$`)

// RelaxedJSONPath is kubectl's RelaxedJSONPathExpression, used by custom-columns and --sort-by.
func RelaxedJSONPath(expr string) (string, error) {
	if expr == "" {
		return "", nil
	}
	m := relaxedPath.FindStringSubmatch(expr)
	if m == nil {
		return "", errors.New("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
	}
	if m[1] != "" {
		return "{." + m[1] + "}", nil
	}
	return "{." + m[2] + "}", nil
}

type column struct {
	header string
	path   string // a JSONPath template, already relaxed
}

// parseColumnsSpec parses "NAME:.metadata.name,IMAGE:.spec.containers[*].image" as kubectl does: split on
// every comma, then on the first colon.
func parseColumnsSpec(spec string) ([]column, error) {
	if spec == "" {
		return nil, errors.New("custom-columns format specified but no custom columns given")
	}
	parts := strings.Split(spec, ",")
	cols := make([]column, len(parts))
	for i, part := range parts {
		header, path, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", part)
		}
		p, err := RelaxedJSONPath(path)
		if err != nil {
			return nil, err
		}
		cols[i] = column{header: header, path: p}
	}
	return cols, nil
}

// parseColumnsFile reads kubectl's custom-columns-file: a line of headers and a line of JSONPaths, both
// split on white space.
func parseColumnsFile(r io.Reader) ([]column, error) {
	sc := bufio.NewScanner(r)
	if !sc.Scan() {
		//lint:ignore ST1005 kubectl's wording, full stop included
		return nil, errors.New("invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.")
	}
	headers := strings.Fields(sc.Text())
	if !sc.Scan() {
		//lint:ignore ST1005 kubectl's wording, full stop included
		return nil, errors.New("invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.")
	}
	specs := strings.Fields(sc.Text())
	if len(headers) != len(specs) {
		return nil, fmt.Errorf("number of headers (%d) and field specifications (%d) don't match", len(headers), len(specs))
	}
	cols := make([]column, len(headers))
	for i := range headers {
		p, err := RelaxedJSONPath(specs[i])
		if err != nil {
			return nil, err
		}
		cols[i] = column{header: headers[i], path: p}
	}
	return cols, nil
}

// ParseCustomColumnsFile reads kubectl's custom-columns-file format (a header line and a JSONPath line)
// and returns the equivalent -o custom-columns spec. A header holding ':' or ',' or a path holding ',' has
// no such spec: NewCustomColumnsFile takes the file exactly, and prints headers always, as kubectl does
// for a file (it ignores --no-headers there).
func ParseCustomColumnsFile(r io.Reader) (spec string, err error) {
	cols, err := parseColumnsFile(r)
	if err != nil {
		return "", err
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		if strings.ContainsAny(c.header, ":,") || strings.Contains(c.path, ",") {
			return "", fmt.Errorf("custom-columns-file column %q:%q cannot be written as a custom-columns spec", c.header, c.path)
		}
		parts[i] = c.header + ":" + c.path
	}
	return strings.Join(parts, ","), nil
}

type customColumnsPrinter struct {
	cols      []column
	parsers   []*jsonpath.JSONPath
	parseErr  error // kubectl reports a bad JSONPath when printing, after the header
	noHeaders bool
	opts      ObjectOptions
	cw        *ColumnWriter
	doc       jsonDoc
	count     int
	header    bool
}

// NewCustomColumns returns kubectl's -o custom-columns=SPEC printer: a header row (unless noHeaders),
// then one row per object; a value that is missing prints <none>, several values (from [*]) are joined by
// commas, and each is printed as fmt.Sprint prints it (a map as map[k:v]), escaped with EscapeTerminal.
// Rows go through a ColumnWriter settling widths over 500 rows. A spec that does not parse is an error in
// kubectl's words (`unexpected custom-columns spec: ...`).
func NewCustomColumns(w io.Writer, spec string, noHeaders bool, o ObjectOptions) (ObjectPrinter, error) {
	cols, err := parseColumnsSpec(spec)
	if err != nil {
		return nil, err
	}
	return newCustomColumns(w, cols, noHeaders, o), nil
}

// NewCustomColumnsFile returns kubectl's -o custom-columns-file printer for the file's contents r. kubectl
// always prints the header row for a file.
func NewCustomColumnsFile(w io.Writer, r io.Reader, o ObjectOptions) (ObjectPrinter, error) {
	cols, err := parseColumnsFile(r)
	if err != nil {
		return nil, err
	}
	return newCustomColumns(w, cols, false, o), nil
}

func newCustomColumns(w io.Writer, cols []column, noHeaders bool, o ObjectOptions) *customColumnsPrinter {
	p := &customColumnsPrinter{cols: cols, noHeaders: noHeaders, opts: o,
		cw: NewColumnWriter(w, customColumnsSettleRows)}
	for i, c := range cols {
		jp := jsonpath.New(fmt.Sprintf("column%d", i)).AllowMissingKeys(true)
		if err := jp.Parse(c.path); err != nil {
			p.parseErr = err
			break
		}
		p.parsers = append(p.parsers, jp)
	}
	return p
}

// start writes the header row once, as kubectl does on its first PrintObj.
func (p *customColumnsPrinter) start() error {
	if p.header {
		return p.parseErr
	}
	p.header = true
	if !p.noHeaders {
		h := make([]string, len(p.cols))
		for i, c := range p.cols {
			h[i] = c.header
		}
		if err := p.cw.Row(h); err != nil {
			return err
		}
	}
	if p.parseErr != nil {
		if err := p.cw.Flush(); err != nil {
			return err
		}
	}
	return p.parseErr
}

func (p *customColumnsPrinter) PrintObject(o Object) error {
	p.count++
	if p.opts.Single && !p.opts.Stream && p.count > 1 {
		return errSecondSingle
	}
	if err := p.start(); err != nil {
		return err
	}
	root, err := p.doc.parseObject(o, true)
	if err != nil {
		return err
	}
	obj := p.doc.value(root)
	cells := make([]string, len(p.parsers))
	var b bytes.Buffer
	for i, jp := range p.parsers {
		results, err := jp.FindResults(obj)
		if err != nil {
			return err
		}
		b.Reset()
		n := 0
		if len(results) == 0 || len(results[0]) == 0 {
			b.WriteString("<none>")
			n++
		}
		for _, vs := range results {
			for _, v := range vs {
				if n > 0 {
					b.WriteByte(',')
				}
				n++
				b.WriteString(EscapeTerminal(fmt.Sprint(v.Interface())))
			}
		}
		cells[i] = b.String()
	}
	return p.cw.Row(cells)
}

func (p *customColumnsPrinter) Close() error {
	if !p.opts.Stream {
		if err := p.start(); err != nil {
			return err
		}
	}
	return p.cw.Flush()
}

// Flush writes the buffered rows: in Stream mode, call it after the initial list and after each event.
func (p *customColumnsPrinter) Flush() error { return p.cw.Flush() }
