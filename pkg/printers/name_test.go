package printers

import (
	"bytes"
	"testing"
)

func TestNameGolden(t *testing.T) {
	runCases(t, []printCase{
		{name: "name-single", format: "name", opts: single, objects: []string{"pod"}},
		{name: "name-list", format: "name", opts: allowed, objects: listOfThree},
		{name: "name-list-empty", format: "name", opts: allowed},
		{name: "name-stream", format: "name", opts: stream, objects: listOfThree},
	})
}

func TestName(t *testing.T) {
	for _, tc := range []struct {
		name, raw, want, err string
	}{
		{"core", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}}`, "service/s\n", ""},
		{"group", `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"}}`, "statefulset.apps/db\n", ""},
		{"crd", `{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"c"}}`, "crontab.stable.example.com/c\n", ""},
		{"no name", `{"apiVersion":"v1","kind":"Pod","metadata":{}}`, "pod/<unknown>\n", ""},
		{"no kind", `{"apiVersion":"apps/v1","metadata":{"name":"x"}}`, "<unknown>/x\n", ""},
		{"nothing", `{"metadata":{"name":"x"}}`, "", "missing apiVersion or kind; try GetObjectKind().SetGroupVersionKind() if you know the type"},
		{"bad apiVersion", `{"apiVersion":"a/b/c","kind":"X","metadata":{"name":"x"}}`, "", "missing apiVersion or kind; try GetObjectKind().SetGroupVersionKind() if you know the type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := NewName(&out, ObjectOptions{}).PrintObject(Object{Raw: []byte(tc.raw)})
			if out.String() != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
				t.Errorf("got %q, %v; want %q, %q", out.String(), err, tc.want, tc.err)
			}
		})
	}
}
