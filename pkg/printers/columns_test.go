package printers

import (
	"bytes"
	"strings"
	"testing"
	"text/tabwriter"
)

// viaTabwriter is what kubectl's tab writer prints for rows written in one flush, when no column is split
// into blocks (there the fork's RememberWidths and text/tabwriter agree).
func viaTabwriter(rows [][]string) string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 6, 4, 3, ' ', 0)
	for _, r := range rows {
		tw.Write([]byte(strings.Join(r, "\t") + "\n"))
	}
	tw.Flush()
	return b.String()
}

func TestColumnWriter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		settle int
		rows   [][]string
		flush  int // Flush after this many rows (0: only at the end)
		want   string
	}{
		{name: "basic", rows: [][]string{{"NAME", "READY", "STATUS"}, {"web-0", "1/1", "Running"}, {"a-much-longer-name", "0/1", "Pending"}}},
		{name: "narrow", rows: [][]string{{"A", "B"}, {"x", "y"}}},
		{name: "runes", rows: [][]string{{"NAME", "X"}, {"café-über", "ü"}, {"日本語", "y"}}},
		{name: "empty cells", rows: [][]string{{"A", "", "C"}, {"", "", ""}, {"aaaa", "bbbbbbbbbb", ""}}},
		{name: "ragged", rows: [][]string{{"A", "B", "C"}, {"x"}, {"y", "z"}}},
		{name: "settled then wider", settle: 2, rows: [][]string{{"A", "B"}, {"x", "y"}, {"a-long-cell", "z"}, {"q", "r"}},
			want: "A     B\nx     y\na-long-cell   z\nq             r\n"},
		{name: "flush then narrower", rows: [][]string{{"LONGHEADER", "B"}, {"x", "y"}, {"q", "r"}}, flush: 1,
			want: "LONGHEADER   B\nx            y\nq            r\n"},
		{name: "cell with tab", rows: [][]string{{"A", "B"}, {"x\ty", "z"}}},
		{name: "cell with newline", rows: [][]string{{"A", "B"}, {"line1\nline2", "z"}, {"q", "r"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			cw := NewColumnWriter(&b, tc.settle)
			for i, r := range tc.rows {
				if err := cw.Row(append([]string(nil), r...)); err != nil {
					t.Fatal(err)
				}
				if tc.flush == i+1 {
					cw.Flush()
				}
			}
			if err := cw.Flush(); err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "" {
				want = viaTabwriter(tc.rows)
			}
			if b.String() != want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), want)
			}
		})
	}
}

func TestColumnWriterSettleAndReset(t *testing.T) {
	var b bytes.Buffer
	cw := NewColumnWriter(&b, 3)
	cw.Row([]string{"A", "B"})
	cw.Row([]string{"x", "y"})
	if b.Len() != 0 {
		t.Fatalf("wrote before settling: %q", b.String())
	}
	cw.Row([]string{"longer", "y"})
	if got, want := b.String(), "A        B\nx        y\nlonger   y\n"; got != want {
		t.Fatalf("settled output %q, want %q", got, want)
	}
	cw.Row([]string{"z", "w"}) // written at once, remembered widths
	if got, want := b.String()[len("A        B\nx        y\nlonger   y\n"):], "z        w\n"; got != want {
		t.Fatalf("row after settling %q, want %q", got, want)
	}
	cw.Flush()
	cw.Reset()
	b.Reset()
	cw.Row([]string{"N", "M"})
	cw.Flush()
	if got, want := b.String(), "N     M\n"; got != want {
		t.Fatalf("after Reset %q, want %q", got, want)
	}
}
