package yamldoc

import "testing"

func TestSplitDocuments(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantDocs  []int // doc number of each chunk
		wantLines []int
	}{
		{name: "empty file", in: "", wantDocs: []int{0}, wantLines: []int{1}},
		{name: "one document", in: "a: 1\nb: 2\n", wantDocs: []int{1}, wantLines: []int{1}},
		{name: "leading marker", in: "---\na: 1\n", wantDocs: []int{1}, wantLines: []int{1}},
		{name: "comment before the first marker is no document", in: "# c\n\n---\na: 1\n---\nb: 2\n", wantDocs: []int{0, 1, 2}, wantLines: []int{1, 3, 5}},
		{name: "a directive before the first marker is no document", in: "%YAML 1.1\n# c\n---\na: 1\n", wantDocs: []int{0, 1}, wantLines: []int{1, 3}},
		{name: "content before the first marker is a document", in: "a: 1\n--- # two\nb: 2\n", wantDocs: []int{1, 2}, wantLines: []int{1, 2}},
		{name: "empty documents count", in: "a: 1\n---\n---\nb: 2", wantDocs: []int{1, 2, 3}, wantLines: []int{1, 2, 3}},
		{name: "CRLF line ends", in: "a: 1\r\n---\r\nb: 2\r\n", wantDocs: []int{1, 2}, wantLines: []int{1, 2}},
		{name: "dashes that are no marker", in: "a: ----\n----\n--- \n", wantDocs: []int{1, 2}, wantLines: []int{1, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks := Split([]byte(tt.in))
			var docs, lines []int
			var joined string
			for _, c := range chunks {
				docs, lines = append(docs, c.Doc), append(lines, c.Line)
				joined += string(c.Raw)
			}
			if joined != tt.in {
				t.Errorf("chunks don't add up to the input: %q", joined)
			}
			if !equalInts(docs, tt.wantDocs) || !equalInts(lines, tt.wantLines) {
				t.Errorf("docs %v lines %v, want docs %v lines %v", docs, lines, tt.wantDocs, tt.wantLines)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestShiftLines(t *testing.T) {
	for _, tc := range []struct {
		msg    string
		offset int
		want   string
	}{
		{"yaml: line 3: mapping values are not allowed in this context", 10, "yaml: line 13: mapping values are not allowed in this context"},
		{"yaml: line 2, column 4: did not find expected key", 5, "yaml: line 7, column 4: did not find expected key"},
		{"yaml: control characters are not allowed", 5, "yaml: control characters are not allowed"},
		{"line x", 1, "line x"},
		{"yaml: line 3: x", 0, "yaml: line 3: x"},
	} {
		if got := ShiftLines(tc.msg, tc.offset); got != tc.want {
			t.Errorf("ShiftLines(%q, %d) = %q, want %q", tc.msg, tc.offset, got, tc.want)
		}
	}
}
