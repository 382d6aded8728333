package printers

import (
	"io"
	"strings"
	"unicode/utf8"
)

// kubectl's tab writer (cli-runtime's GetNewTabWriter: github.com/liggitt/tabwriter, a fork of
// text/tabwriter with RememberWidths): minimum cell width 6, padding 3, padded with spaces, left-aligned.
const (
	colMinWidth = 6
	colPadding  = 3
)

// ColumnWriter aligns rows of cells into columns exactly as kubectl's tab writer does: a column is as wide
// as its widest cell + 3, at least 6; the last cell of a row is not padded; widths count runes. As in the
// tab writer, a cell holding a tab or vertical tab splits into cells, a newline or form feed starts a new
// line (a form feed also flushes), and a column's width is settled per block of consecutive lines that
// have it.
//
// Rows are buffered until settleRows rows have come (or Flush), and the column widths are settled from
// them; after that each row is written at once, and a later, wider cell widens its column from then on
// (never narrower): kubectl's RememberWidths behaviour in watch output. So for up to settleRows rows the
// output is byte-identical to kubectl's. settleRows <= 0 buffers until Flush.
type ColumnWriter struct {
	w       io.Writer
	settle  int
	lines   [][]string // buffered lines of cells
	rows    int        // rows buffered since the last Reset
	settled bool
	max     []int // remembered widths per column (the fork's maxwidths)
	widths  []int // widths of the columns being formatted (the fork's widths stack)
	out     []byte
	err     error
}

// NewColumnWriter returns a ColumnWriter writing to w.
func NewColumnWriter(w io.Writer, settleRows int) *ColumnWriter {
	return &ColumnWriter{w: w, settle: settleRows}
}

// Row adds one row. The cells are already escaped; the writer may keep the slice until it is written, so
// callers pass a fresh slice.
func (c *ColumnWriter) Row(cells []string) error {
	if c.err != nil {
		return c.err
	}
	if !hasTabOrBreak(cells) {
		c.lines = append(c.lines, cells)
	} else if err := c.splitRow(cells); err != nil {
		return err
	}
	c.rows++
	if c.settled || (c.settle > 0 && c.rows >= c.settle) {
		return c.Flush()
	}
	return nil
}

func hasTabOrBreak(cells []string) bool {
	for _, s := range cells {
		if strings.ContainsAny(s, "\t\v\n\f") {
			return true
		}
	}
	return false
}

// splitRow adds the lines the tab writer would see for the row's cells joined by tabs.
func (c *ColumnWriter) splitRow(cells []string) error {
	var line []string
	var cell strings.Builder
	for i, s := range cells {
		if i > 0 {
			line = append(line, cell.String())
			cell.Reset()
		}
		for _, r := range s {
			switch r {
			case '\t', '\v':
				line = append(line, cell.String())
				cell.Reset()
			case '\n', '\f':
				c.lines = append(c.lines, append(line, cell.String()))
				line = nil
				cell.Reset()
				if r == '\f' {
					if err := c.write(); err != nil {
						return err
					}
				}
			default:
				cell.WriteRune(r)
			}
		}
	}
	c.lines = append(c.lines, append(line, cell.String()))
	return nil
}

// Flush writes what is buffered; the widths are remembered, and later rows are written at once.
func (c *ColumnWriter) Flush() error {
	c.settled = true
	return c.write()
}

// Reset starts a new table (after Flush): widths are forgotten and rows are buffered again.
func (c *ColumnWriter) Reset() {
	c.lines = c.lines[:0]
	c.rows = 0
	c.settled = false
	c.max = c.max[:0]
}

func (c *ColumnWriter) write() error {
	if c.err != nil {
		return c.err
	}
	if len(c.lines) == 0 {
		return nil
	}
	c.out = c.out[:0]
	c.format(0, len(c.lines))
	clear(c.lines)
	c.lines = c.lines[:0]
	if _, err := c.w.Write(c.out); err != nil {
		c.err = err
	}
	if cap(c.out) > 1<<20 {
		c.out = nil
	}
	return c.err
}

// format lays out lines [line0, line1) for the columns from len(c.widths) on, as the tab writer does: a
// block of consecutive lines having a cell in this column gets one width, then the columns to its right
// are formatted within that block.
func (c *ColumnWriter) format(line0, line1 int) {
	column := len(c.widths)
	for this := line0; this < line1; this++ {
		if column >= len(c.lines[this])-1 {
			continue
		}
		c.writeLines(line0, this)
		line0 = this
		width := colMinWidth
		for ; this < line1; this++ {
			line := c.lines[this]
			if column >= len(line)-1 {
				break
			}
			if w := cellWidth(line[column]) + colPadding; w > width {
				width = w
			}
		}
		// RememberWidths: a column never gets narrower than it has been.
		if len(c.max) < len(c.widths) {
			c.max = append(c.max, c.widths[len(c.max):]...)
		}
		switch {
		case len(c.max) == len(c.widths):
			c.max = append(c.max, width)
		case c.max[column] > width:
			width = c.max[column]
		default:
			c.max[column] = width
		}
		c.widths = append(c.widths, width)
		c.format(line0, this)
		c.widths = c.widths[:len(c.widths)-1]
		line0 = this
	}
	c.writeLines(line0, line1)
}

func (c *ColumnWriter) writeLines(line0, line1 int) {
	for _, line := range c.lines[line0:line1] {
		for j, cell := range line {
			c.out = append(c.out, cell...)
			if j < len(c.widths) {
				for n := c.widths[j] - cellWidth(cell); n > 0; {
					k := min(n, len(spaces))
					c.out = append(c.out, spaces[:k]...)
					n -= k
				}
			}
		}
		c.out = append(c.out, '\n')
	}
}

// cellWidth is a cell's width in runes, not counting CSI SGR sequences (ESC [ parameters m): the status
// colours of the table printer. Cells never hold a raw ESC otherwise (escaping shows it as ^[).
func cellWidth(s string) int {
	if strings.IndexByte(s, '\x1b') < 0 {
		return utf8.RuneCountInString(s)
	}
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\x1b' && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';') {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				i = j + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
