package resource

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// scanner cuts a JSON stream into values without decoding them: it only tracks strings and nesting to
// find where a value ends, a few times faster than encoding/json's validating scanner. What it returns is
// checked later by whoever decodes it (encoding/json, or the printers' own parser), so malformed input
// still fails, just not here.
type scanner struct {
	r        io.Reader
	buf      []byte
	pos, end int // buf[pos:end] is read but not consumed
	off      int64
	err      error // the reader's error, once it has returned one
	max      int   // the largest value it holds: a longer one is a *transport.TooLargeError
}

const scanChunk = 64 << 10

func newScanner(r io.Reader) *scanner {
	return &scanner{r: r, buf: make([]byte, scanChunk), max: transport.MaxObjectBytes}
}

// fill reads more input, keeping buf[pos:end], which it may move to the front of buf by moved bytes. It
// returns false at the end of input.
func (s *scanner) fill() (moved int, ok bool) {
	if s.err != nil {
		return 0, false
	}
	if s.pos > 0 {
		moved = s.pos
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.off += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if s.end >= s.max {
			// One value fills the buffer at its largest.
			s.err = &transport.TooLargeError{What: "one item", Limit: int64(s.max)}
			return moved, false
		}
		s.buf = append(s.buf, make([]byte, min(len(s.buf), s.max-len(s.buf)))...)
	}
	n, err := s.r.Read(s.buf[s.end:])
	s.end += n
	if err != nil {
		s.err = err
	}
	return moved, n > 0 || err == nil
}

// peek skips whitespace and returns the next byte without consuming it.
func (s *scanner) peek() (byte, error) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, nil
			}
		}
		if _, ok := s.fill(); !ok {
			return 0, s.eof()
		}
	}
}

// expect consumes the next non-space byte, which must be one of want.
func (s *scanner) expect(want string) (byte, error) {
	c, err := s.peek()
	if err != nil {
		return 0, err
	}
	if bytes.IndexByte([]byte(want), c) < 0 {
		return 0, s.syntax(fmt.Sprintf("want one of %q, got %q", want, c))
	}
	s.pos++
	return c, nil
}

// value consumes the next value and returns its bytes, valid until the next call.
func (s *scanner) value() ([]byte, error) {
	c, err := s.peek()
	if err != nil {
		return nil, err
	}
	start := s.pos
	i := s.pos // scanned up to here, relative to buf; rebased on fill
	depth, inString := 0, false
	scalar := c != '{' && c != '[' && c != '"'
	for {
		for ; i < s.end; i++ {
			b := s.buf[i]
			switch {
			case inString:
				switch b {
				case '\\':
					if i+1 >= s.end {
						goto more // the escaped byte is not read yet
					}
					i++
				case '"':
					inString = false
					if depth == 0 {
						s.pos = i + 1
						return s.buf[start:s.pos], nil
					}
				}
			case scalar:
				switch b {
				case ',', '}', ']', ' ', '\t', '\n', '\r':
					s.pos = i
					return s.buf[start:i], nil
				}
			case b == '"':
				inString = true
			case b == '{' || b == '[':
				depth++
			case b == '}' || b == ']':
				depth--
				if depth == 0 {
					s.pos = i + 1
					return s.buf[start:s.pos], nil
				}
				if depth < 0 {
					return nil, s.syntax(fmt.Sprintf("unexpected %q", b))
				}
			}
		}
	more:
		moved, ok := s.fill() // s.pos is still start: the value moves with what is unread
		i, start = i-moved, start-moved
		if !ok {
			if scalar && i > start {
				s.pos = s.end
				return s.buf[start:s.end], nil
			}
			return nil, s.eof()
		}
	}
}

// str consumes a string and returns it decoded.
func (s *scanner) str() (string, error) {
	v, err := s.value()
	if err != nil {
		return "", err
	}
	if len(v) == 0 || v[0] != '"' {
		return "", s.syntax("want a string")
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1]), nil
	}
	var out string
	if err := json.Unmarshal(v, &out); err != nil {
		return "", s.syntax(err.Error())
	}
	return out, nil
}

func (s *scanner) eof() error {
	if s.err != nil && !errors.Is(s.err, io.EOF) {
		return s.err
	}
	return io.ErrUnexpectedEOF
}

func (s *scanner) syntax(msg string) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", s.off+int64(s.pos), msg)
}
