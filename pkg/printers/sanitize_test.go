package printers

import (
	"bytes"
	"testing"
)

func TestEscapeTerminal(t *testing.T) {
	for in, want := range map[string]string{
		"plain":              "plain",
		"\x1b[31mred\x1b[0m": "^[[31mred^[[0m",
		"over\rwrite":        `over\rwrite`,
		"bell\x07 tab\t":     "bell\x07 tab\t",
	} {
		if got := EscapeTerminal(in); got != want {
			t.Errorf("EscapeTerminal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSanitizeTerminal(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "hello, wörld 日本 😀\ttab\nnl", "hello, wörld 日本 😀\ttab\nnl"},
		{"escape", "\x1b]0;title\x07", "^[]0;title^G"},
		{"cr", "a\rb", `a\rb`},
		{"nul and backspace", "a\x00b\x08c", "a^@b^Hc"},
		{"form feed and vt", "\f\v", "^L^K"},
		{"del", "x\x7fy", "x^?y"},
		{"c1 rune", "a\u009b31mb\u0085", `a\u009b31mb\u0085`},
		{"raw c1 byte", "a\x9bb", `a\x9bb`},
		{"other broken utf8", "a\xffb", "a\xffb"},
		{"u+00a0 kept", "a\u00a0b", "a\u00a0b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SanitizeTerminal(tc.in); got != tc.want {
				t.Errorf("SanitizeTerminal(%q) = %q, want %q", tc.in, got, tc.want)
			}
			// The writer gives the same bytes however the input is split.
			for _, step := range []int{1, 2, 3, len(tc.in) + 1} {
				var b bytes.Buffer
				w := NewTerminalWriter(&b)
				for i := 0; i < len(tc.in); i += step {
					w.Write([]byte(tc.in[i:min(i+step, len(tc.in))]))
				}
				w.(Flusher).Flush()
				if b.String() != tc.want {
					t.Errorf("writer, %d-byte writes: %q, want %q", step, b.String(), tc.want)
				}
			}
		})
	}
}
