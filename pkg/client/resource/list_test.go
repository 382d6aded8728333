package resource

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func decodeAll(r io.Reader) (Header, []string, int, error) {
	var h Header
	var items []string
	headers := 0
	err := DecodeList(r, &h, func(*Header) error { headers++; return nil }, func(raw json.RawMessage) error {
		items = append(items, string(raw))
		return nil
	})
	return h, items, headers, err
}

func TestDecodeList(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantKind  string
		wantCont  string
		wantCols  string
		wantItems []string
	}{
		{name: "list", body: `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"abc"},"items":[{"a":1},{"b":"x"}]}`,
			wantKind: "PodList", wantCont: "abc", wantItems: []string{`{"a":1}`, `{"b":"x"}`}},
		{name: "table", body: "{\n  \"kind\": \"Table\",\n  \"columnDefinitions\": [{\"name\":\"Name\"}],\n  \"rows\": [ {\"cells\":[\"a\",1]} ,\n {\"cells\":[\"b\",2]} ]\n}\n",
			wantKind: "Table", wantCols: `[{"name":"Name"}]`, wantItems: []string{`{"cells":["a",1]}`, `{"cells":["b",2]}`}},
		{name: "strings with braces, quotes and escapes", body: `{"items":[{"s":"}]\"{[\\"},"x\\\\",["]"]]}`,
			wantItems: []string{`{"s":"}]\"{[\\"}`, `"x\\\\"`, `["]"]`}},
		{name: "scalars", body: `{"items":[1, true ,null,-2.5e3]}`, wantItems: []string{"1", "true", "null", "-2.5e3"}},
		{name: "empty and null items", body: `{"kind":"List","items":[],"rows":null}`, wantKind: "List"},
		{name: "no items", body: `{"kind":"Status","metadata":{}}`, wantKind: "Status"},
		{name: "empty object", body: `{}`},
		{name: "escaped key", body: `{"ki\u006ed":"X","items":[0]}`, wantKind: "X", wantItems: []string{"0"}},
	}
	for _, tt := range tests {
		// Whole, and one byte per read: values cut anywhere across reads.
		for _, reader := range []func(string) io.Reader{
			func(s string) io.Reader { return strings.NewReader(s) },
			func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
			func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) },
		} {
			t.Run(tt.name, func(t *testing.T) {
				h, items, headers, err := decodeAll(reader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				if h.Kind != tt.wantKind || h.Metadata.Continue != tt.wantCont || string(h.ColumnDefinitions) != tt.wantCols {
					t.Errorf("header %+v", h)
				}
				if strings.Join(items, "|") != strings.Join(tt.wantItems, "|") {
					t.Errorf("items %q, want %q", items, tt.wantItems)
				}
				if headers != 1 {
					t.Errorf("header called %d times", headers)
				}
			})
		}
	}
}

func TestDecodeListTruncated(t *testing.T) {
	body := `{"kind":"PodList","metadata":{"continue":"c"},"items":[{"a":"b\"c"},{"d":[1,2]}]}`
	for n := 0; n < len(body); n++ {
		_, _, _, err := decodeAll(strings.NewReader(body[:n]))
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("cut at %d (%q): %v, want unexpected EOF", n, body[:n], err)
		}
	}
}

func TestDecodeListMalformed(t *testing.T) {
	for _, body := range []string{`[]`, `{"items":{}}`, `{"items":[1 2]}`, `{"kind" "x"}`, `{"items":[}]}`, `{"metadata":"x"}`} {
		if _, _, _, err := decodeAll(strings.NewReader(body)); err == nil || errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: %v, want a syntax error", body, err)
		}
	}
}

func TestDecodeListLargeItem(t *testing.T) {
	big := `{"data":"` + strings.Repeat("x", 3<<20) + `"}`
	_, items, _, err := decodeAll(iotest.HalfReader(strings.NewReader(`{"items":[` + big + `,{}]}`)))
	if err != nil || len(items) != 2 || items[0] != big || items[1] != "{}" {
		t.Fatalf("err %v, %d items", err, len(items))
	}
}

func TestListOptionsEncode(t *testing.T) {
	o := ListOptions{LabelSelector: "app in (a,b)", FieldSelector: "metadata.name=x", Limit: 500, Continue: "c=",
		Watch: true, AllowBookmarks: true, ResourceVersion: "12", IncludeObject: "None"}
	want := "allowWatchBookmarks=true&continue=c%3D&fieldSelector=metadata.name%3Dx&includeObject=None&labelSelector=app+in+%28a%2Cb%29&limit=500&resourceVersion=12&watch=true"
	if got := o.Encode(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := (ListOptions{SendInitialEvents: true, ResourceVersionType: "NotOlderThan"}).Encode(); got != "resourceVersion=&resourceVersionMatch=NotOlderThan&sendInitialEvents=true" {
		t.Errorf("streaming list: %s", got)
	}
}
