package printers

import (
	"io"
	"strings"
	"unicode/utf8"
)

// kubectl's terminal escaping (cli-runtime's EscapeTerminal, for kubernetes issue 101695): ESC and CR in
// values from the server are made visible, so a name cannot carry an escape sequence or overwrite its
// line.
var terminalEscaper = strings.NewReplacer("\x1b", "^[", "\r", `\r`)

// EscapeTerminal is kubectl's own escaping, always applied to table cells: ESC becomes "^[", CR becomes
// `\r` (a backslash and an r).
func EscapeTerminal(s string) string {
	return terminalEscaper.Replace(s)
}

// SanitizeTerminal is for output to a terminal: besides EscapeTerminal's ESC and CR, every other C0
// control except tab and newline is shown in caret notation (BEL as ^G), DEL as ^?, and the C1 controls
// U+0080..U+009F (and the raw bytes 0x80..0x9F, which some terminals take for C1 too) as \u009b or \x9b, so
// nothing from the server can move the cursor, retitle the window or rewrite the user's terminal.
func SanitizeTerminal(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !isC1(r, size, c) {
				i += size
				continue
			}
		}
		break
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	b, _ = appendSanitized(b, []byte(s[i:]), true)
	return string(b)
}

// isC1 reports whether the rune r (of size bytes, first byte c) is a C1 control or a lone byte 0x80..0x9F.
func isC1(r rune, size int, c byte) bool {
	if r == utf8.RuneError && size == 1 {
		return c >= 0x80 && c <= 0x9f
	}
	return r >= 0x80 && r <= 0x9f
}

// appendSanitized appends p sanitized. Unless final, a trailing incomplete UTF-8 sequence is not consumed:
// n is how many bytes of p were.
func appendSanitized(dst, p []byte, final bool) (out []byte, n int) {
	start := 0
	i := 0
	for i < len(p) {
		c := p[i]
		if c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' {
			i++
			continue
		}
		if c < 0x20 || c == 0x7f {
			dst = append(dst, p[start:i]...)
			switch c {
			case '\r':
				dst = append(dst, '\\', 'r')
			case 0x7f:
				dst = append(dst, '^', '?')
			default: // ESC is ^[, as in EscapeTerminal
				dst = append(dst, '^', c+'@')
			}
			i++
			start = i
			continue
		}
		if !final && !utf8.FullRune(p[i:]) {
			break
		}
		r, size := utf8.DecodeRune(p[i:])
		if isC1(r, size, c) {
			dst = append(dst, p[start:i]...)
			if size == 1 {
				dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xF])
			} else {
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xF])
			}
			start = i + size
		}
		i += size
	}
	dst = append(dst, p[start:i]...)
	return dst, i
}

// terminalWriter applies SanitizeTerminal to a byte stream.
type terminalWriter struct {
	w       io.Writer
	pending []byte // the start of a UTF-8 sequence split across writes
	buf     []byte
}

// NewTerminalWriter returns a writer applying SanitizeTerminal to a byte stream, correct across writes
// that split UTF-8 sequences, for jsonpath and template output on a terminal. The writer also has a
// Flush() error method, which writes a held incomplete sequence as it is sanitized at the end of the
// stream (printers end their output with complete text, so it is rarely needed).
func NewTerminalWriter(w io.Writer) io.Writer {
	return &terminalWriter{w: w}
}

func (t *terminalWriter) Write(p []byte) (int, error) {
	in := p
	if len(t.pending) > 0 {
		t.pending = append(t.pending, p...)
		in = t.pending
	}
	out, n := appendSanitized(t.buf[:0], in, false)
	t.buf = out[:0]
	rest := in[n:]
	if len(rest) > 0 {
		t.pending = append(t.pending[:0:0], rest...)
	} else {
		t.pending = t.pending[:0]
	}
	if len(out) > 0 {
		if err := writeAll(t.w, out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes a held incomplete UTF-8 sequence.
func (t *terminalWriter) Flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	out, _ := appendSanitized(t.buf[:0], t.pending, true)
	t.pending = t.pending[:0]
	return writeAll(t.w, out)
}
