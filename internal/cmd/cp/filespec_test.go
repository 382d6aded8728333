package cp

import "testing"

func TestParseFileSpec(t *testing.T) {
	for _, tc := range []struct {
		arg     string
		want    fileSpec
		invalid bool
	}{
		{arg: "/tmp/foo", want: fileSpec{Path: "/tmp/foo"}},
		{arg: "foo/", want: fileSpec{Path: "foo"}},
		{arg: "./a:b", want: fileSpec{Path: "./a:b"}},
		{arg: "pod:/tmp/foo", want: fileSpec{Pod: "pod", Path: "/tmp/foo"}},
		{arg: "ns/pod:dir/", want: fileSpec{Namespace: "ns", Pod: "pod", Path: "dir"}},
		{arg: `pod:c:\x`, want: fileSpec{Pod: "pod", Path: "c:/x"}},
		{arg: "pod:", want: fileSpec{Pod: "pod"}},
		{arg: ":x", invalid: true},
		{arg: "a/b/c:x", invalid: true},
		{arg: "/pod:x", want: fileSpec{Path: "/pod:x"}},
		{arg: "ns/:x", invalid: true},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			got, err := parseFileSpec(tc.arg)
			if tc.invalid {
				if err != errFileSpec {
					t.Fatalf("got %+v, %v; want the canonical-format error", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestArchivePrefix(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/foo":     "tmp/foo",
		"foo":          "foo",
		"./foo/../bar": "bar",
		"../../x/y":    "x/y",
		"/":            "",
		".":            "",
		"..":           "",
	} {
		if got := archivePrefix(in); got != want {
			t.Errorf("archivePrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
