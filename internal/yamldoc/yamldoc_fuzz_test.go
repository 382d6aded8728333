package yamldoc

import (
	"bytes"
	"testing"
)

// FuzzSplit: Split never panics, its chunks are pieces of the input in order, and ToJSON never panics.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"a: 1\n---\nb: 2\n", "---\n---\n", "{\"a\":1}\n---\n{\"b\":2}", "--- # c\nx: [1,\n---\n", "\xef\xbb\xbfa: 1\r\n---\r\nb: 2", "..."} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rest := data
		for _, c := range Split(data) {
			i := bytes.Index(rest, c.Raw)
			if i < 0 && len(c.Raw) > 0 {
				t.Fatalf("chunk %q is not in what follows the previous one", c.Raw)
			}
			if i >= 0 {
				rest = rest[i+len(c.Raw):]
			}
			_, _ = ToJSON(c)
		}
	})
}
