// Package printers holds output helpers shared by commands, matching kubectl's output byte for byte.
package printers

import (
	"io"
	"text/tabwriter"
)

// kubectl's table layout (cli-runtime's GetNewTabWriter): cells padded by three spaces and at least six
// wide, so that a column of empty cells still shows as a gap.
const (
	tabMinWidth = 6
	tabWidth    = 4
	tabPadding  = 3
	tabPadChar  = ' '
)

// NewTabWriter returns a writer that aligns tab-separated cells into columns as kubectl does. Call Flush
// when the table is complete.
//
// kubectl uses a fork of text/tabwriter with a RememberWidths flag, which keeps columns from shrinking
// across flushes (for watch output); output written with a single Flush is identical.
func NewTabWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, tabMinWidth, tabWidth, tabPadding, tabPadChar, 0)
}
