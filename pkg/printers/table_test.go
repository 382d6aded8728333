package printers

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/resource"
)

// TestTablePrinter prints a server-side Table with kubectl's options; the golden files were checked
// against kubectl get on the same Table (the e2e tests compare the two tools on a real server).
func TestTablePrinter(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "printers", "tables", "widgets.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		opts   TableOptions
		event  string
		settle int
	}{
		{name: "plain"},
		{name: "wide", opts: TableOptions{Wide: true}},
		{name: "no-headers", opts: TableOptions{NoHeaders: true}},
		{name: "all-namespaces-kind", opts: TableOptions{WithNamespace: true, WithKind: true, Kind: "widget.e2e.kubex.io"}},
		{name: "labels", opts: TableOptions{ShowLabels: true, ColumnLabels: []string{"app", "example.com/tier"}}},
		{name: "terminal", opts: TableOptions{Terminal: true}},
		{name: "events", event: "MODIFIED"},
		{name: "settle-2", settle: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tp := NewTablePrinter(NewColumnWriter(&out, tt.settle), tt.opts)
			tp.SetEventColumn(tt.event != "")
			err := resource.DecodeList(bytes.NewReader(body), &resource.Header{},
				func(h *resource.Header) error { return tp.SetColumns(h.ColumnDefinitions) },
				func(raw json.RawMessage) error { return tp.PrintRawRow(raw, tt.event) })
			if err == nil {
				err = tp.Flush()
			}
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "tables/"+tt.name, out.String())
		})
	}
}

// TestTablePrinterHeaders prints pages and watch events: the header comes once, again only when the
// columns change; events after the first carry no columns.
func TestTablePrinterHeaders(t *testing.T) {
	var out bytes.Buffer
	cw := NewColumnWriter(&out, 0)
	tp := NewTablePrinter(cw, TableOptions{})
	cols := json.RawMessage(`[{"name":"Name","type":"string","format":"name"},{"name":"Age","type":"string"}]`)
	row := func(name string) {
		t.Helper()
		if err := tp.PrintRawRow([]byte(`{"cells":["`+name+`","1s"]}`), ""); err != nil {
			t.Fatal(err)
		}
	}
	_ = tp.SetColumns(cols)
	row("a")
	_ = tp.SetColumns(append(json.RawMessage(nil), cols...)) // the next page: same columns
	row("b")
	_ = tp.SetColumns(nil) // a watch event without columns
	row("c")
	_ = tp.SetColumns(json.RawMessage(`[{"name":"Name","type":"string","format":"name"}]`))
	if err := tp.PrintRawRow([]byte(`{"cells":["d"]}`), ""); err != nil {
		t.Fatal(err)
	}
	_ = cw.Flush()
	want := "NAME   AGE\na      1s\nb      1s\nc      1s\nNAME\nd\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestPrintObjectMeta(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tp := NewTablePrinter(NewColumnWriter(&out, 0), TableOptions{WithNamespace: true, Now: func() time.Time { return now }})
	for _, m := range []RowMeta{
		{Namespace: "a", Name: "x", CreationTimestamp: "2026-12-01T09:55:50Z"},
		{Namespace: "bb", Name: "longer-name", CreationTimestamp: "2026-11-20T10:00:00Z"},
		{Name: "no-time"},
	} {
		if err := tp.PrintObjectMeta(m); err != nil {
			t.Fatal(err)
		}
	}
	_ = tp.Flush()
	want := "NAMESPACE   NAME          AGE\na           x             4m10s\nbb          longer-name   11d\n            no-time       <unknown>\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-2 * time.Second:               "<invalid>",
		-time.Second:                   "0s",
		0:                              "0s",
		119 * time.Second:              "119s",
		2 * time.Minute:                "2m",
		4*time.Minute + 10*time.Second: "4m10s",
		10 * time.Minute:               "10m",
		179 * time.Minute:              "179m",
		3 * time.Hour:                  "3h",
		5*time.Hour + 3*time.Minute:    "5h3m",
		47 * time.Hour:                 "47h",
		50 * time.Hour:                 "2d2h",
		8 * 24 * time.Hour:             "8d",
		729 * 24 * time.Hour:           "729d",
		(2*365 + 10) * 24 * time.Hour:  "2y10d",
		9 * 365 * 24 * time.Hour:       "9y",
		(3 * 365) * 24 * time.Hour:     "3y",
	} {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestFormatLabels(t *testing.T) {
	if got := FormatLabels(nil); got != "<none>" {
		t.Errorf("nil: %q", got)
	}
	if got := FormatLabels(map[string]string{"b": "2", "a": "1", "a/b": ""}); got != "a=1,a/b=,b=2" {
		t.Errorf("got %q", got)
	}
}

// TestTablePrinterColor: with Color, the known values of the Status column are coloured, nothing else is,
// and the columns align as without colour.
func TestTablePrinterColor(t *testing.T) {
	cols := json.RawMessage(`[{"name":"Name","type":"string","format":"name"},{"name":"Status","type":"string"},{"name":"Note","type":"string"}]`)
	rows := []string{
		`{"cells":["a","Running","Running"]}`,
		`{"cells":["bb","Init:0/1","x"]}`,
		`{"cells":["ccc","CrashLoopBackOff","y"]}`,
		`{"cells":["d","Weird","z"]}`,
		`{"cells":["e","Pending","w"]}`,
	}
	render := func(color bool) string {
		var out bytes.Buffer
		tp := NewTablePrinter(NewColumnWriter(&out, 0), TableOptions{Color: color, Terminal: true})
		if err := tp.SetColumns(cols); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := tp.PrintRawRow([]byte(r), ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := tp.Flush(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	plain, colored := render(false), render(true)
	for _, want := range []string{
		"NAME   STATUS             NOTE\n",
		"a      \x1b[32mRunning\x1b[0m            Running\n",
		"bb     \x1b[33mInit:0/1\x1b[0m           x\n",
		"ccc    \x1b[31mCrashLoopBackOff\x1b[0m   y\n",
		"d      Weird              z\n",
		"e      \x1b[33mPending\x1b[0m            w\n",
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("want %q in\n%q", want, colored)
		}
	}
	if strings.Count(colored, "\x1b[") != 8 {
		t.Errorf("want 4 coloured cells, got %q", colored)
	}
	stripped := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(colored, "")
	if stripped != plain {
		t.Errorf("without the colour codes got\n%s\nwant\n%s", stripped, plain)
	}
	if strings.Contains(plain, "\x1b") {
		t.Errorf("Color false: %q", plain)
	}
}
