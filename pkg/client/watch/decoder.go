package watch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// EventType is the type of a watch event, as the API server spells it.
type EventType string

// The event types of the watch protocol (k8s.io/apimachinery/pkg/watch).
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	Bookmark EventType = "BOOKMARK"
	Error    EventType = "ERROR"
)

// Event is one frame of a watch stream: {"type":"ADDED","object":{...}}. Object is the event's own copy of
// the bytes (it does not alias the decoder's buffer); nil only for an ERROR event that carried no object.
type Event struct {
	Type   EventType
	Object json.RawMessage
}

// FrameError is a watch stream that is not a sequence of watch events. It ends the stream: the decoder
// cannot know where the next event would start.
type FrameError struct {
	Offset  int64  // byte offset in the stream of the problem (0 is the first byte of the body)
	Reason  string // what is wrong, e.g. `invalid character 'x' looking for beginning of value`
	Excerpt string // up to excerptSize bytes of the stream around Offset
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("malformed watch event at byte %d: %s (near %q)", e.Offset, e.Reason, e.Excerpt)
}

const (
	// initialBuffer is the decoder's first buffer: a few pod-sized events.
	initialBuffer = 32 << 10
	// maxRetainedBuffer is the largest buffer kept once the event that needed it has been returned.
	maxRetainedBuffer = 1 << 20
	// MaxEventSize bounds one event. etcd keeps objects to 1.5 MiB by default; the bound is there so that
	// a stream that never closes its first brace cannot take all memory.
	MaxEventSize = 256 << 20
	// excerptSize is how much of the stream a FrameError quotes.
	excerptSize = 48
	// maxEmptyReads is how many (0, nil) reads in a row are taken before giving up, as bufio does.
	maxEmptyReads = 100
)

// Decoder reads a watch response body one event at a time. It holds at most one event (plus what the last
// read brought of the next one) and returns an event as soon as its closing brace has arrived, without
// waiting for more input. It is the JSON framing of the API server's watch: events are JSON objects,
// newline-separated in practice; any JSON whitespace between them is accepted.
//
// What Next accepts: a JSON object with a non-empty string "type" and, except for ERROR, an "object" that
// is a JSON object. Other fields are ignored; a repeated field counts by its last occurrence, as in
// encoding/json. Unknown types are returned as they are: what to make of them is the caller's business.
type Decoder struct {
	r          io.Reader
	buf        []byte
	head, tail int   // buf[head:tail] is read and not yet returned
	base       int64 // stream offset of buf[0]
	err        error // the reader's error, returned once buf is used up

	nested []span // reused: the top-level values of the current frame that are objects or arrays
}

// span is [start, end) relative to the frame's first byte.
type span struct{ start, end int }

// NewDecoder returns a decoder reading from r. It does not close r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: r}
}

// Next returns the next event. It returns io.EOF when the stream ends cleanly between events,
// io.ErrUnexpectedEOF when it ends inside one, a *FrameError for a malformed event, and the reader's own
// error as it is (for example a reset connection). Errors are final: every later call returns an error.
func (d *Decoder) Next() (Event, error) {
	if d.buf == nil {
		d.buf = make([]byte, initialBuffer)
	}
	// Whitespace between events.
	for {
		for d.head < d.tail && isSpace(d.buf[d.head]) {
			d.head++
		}
		if d.head < d.tail {
			break
		}
		if d.err != nil {
			return Event{}, d.err
		}
		d.fill()
	}
	if c := d.buf[d.head]; c != '{' {
		err := d.frameError(d.head, d.head, fmt.Sprintf("expected '{' to start a watch event, found %s", quoteChar(c)))
		return Event{}, d.fail(err)
	}

	// Find the closing brace. pos, depth and inString survive refills; pos is relative to the frame start
	// (d.head), which a refill may move.
	d.nested = d.nested[:0]
	pos, depth, inString := 0, 0, false
	for {
		end, done := d.scan(&pos, &depth, &inString)
		if done {
			frame := d.buf[d.head : d.head+end]
			start := d.head
			d.head += end
			ev, err := d.parse(frame, start)
			if err != nil {
				return Event{}, d.fail(err)
			}
			return ev, nil
		}
		if d.err != nil {
			if d.err == io.EOF {
				return Event{}, d.fail(io.ErrUnexpectedEOF)
			}
			return Event{}, d.err
		}
		if d.tail-d.head >= MaxEventSize {
			err := d.frameError(d.head, d.head, fmt.Sprintf("watch event larger than %d bytes", MaxEventSize))
			return Event{}, d.fail(err)
		}
		d.fill()
	}
}

// fail makes err the answer to every later call.
func (d *Decoder) fail(err error) error {
	d.err = err
	d.head, d.tail = 0, 0
	return err
}

// scan advances over buf[head+*pos:tail] looking for the end of the top-level value that starts at head.
// It records the top-level nested values in d.nested. It returns the frame's length once found.
func (d *Decoder) scan(pos, depth *int, inString *bool) (int, bool) {
	b := d.buf[d.head:d.tail]
	i, dep, str := *pos, *depth, *inString
	for i < len(b) {
		if str {
			// Inside a string only '"' and '\\' matter; IndexByte finds them far faster than a loop.
			rest := b[i:]
			q := bytes.IndexByte(rest, '"')
			seg := rest
			if q >= 0 {
				seg = rest[:q]
			}
			if e := bytes.IndexByte(seg, '\\'); e >= 0 {
				i += e + 2 // the escaped byte too; i may pass len(b), and the next scan resumes there
				continue
			}
			if q < 0 {
				i = len(b)
				break
			}
			i += q + 1
			str = false
			continue
		}
		c := b[i]
		i++
		switch c {
		case '"':
			str = true
		case '{', '[':
			dep++
			if dep == 2 {
				d.nested = append(d.nested, span{start: i - 1})
			}
		case '}', ']':
			dep--
			if dep == 1 && len(d.nested) > 0 {
				d.nested[len(d.nested)-1].end = i
			}
			if dep == 0 {
				return i, true
			}
		}
	}
	*pos, *depth, *inString = i, dep, str
	return 0, false
}

// fill reads more of the stream into buf, making room first: moving the unread bytes to the front when
// the buffer is full, growing it when they fill it, and dropping a buffer a large event left behind.
func (d *Decoder) fill() {
	unread := d.tail - d.head
	switch {
	case cap(d.buf) > maxRetainedBuffer && unread < initialBuffer/2:
		nb := make([]byte, initialBuffer)
		copy(nb, d.buf[d.head:d.tail])
		d.buf = nb
		d.base += int64(d.head)
		d.head, d.tail = 0, unread
	case d.tail == len(d.buf) && d.head > 0:
		copy(d.buf, d.buf[d.head:d.tail])
		d.base += int64(d.head)
		d.head, d.tail = 0, unread
	}
	if d.tail == len(d.buf) {
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[d.head:d.tail])
		d.buf = nb
		d.base += int64(d.head)
		d.head, d.tail = 0, unread
	}
	for range maxEmptyReads {
		n, err := d.r.Read(d.buf[d.tail:])
		d.tail += n
		if err != nil {
			d.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	d.err = io.ErrNoProgress
}

// parse reads the fields of one complete frame; start is its index in d.buf.
func (d *Decoder) parse(frame []byte, start int) (Event, error) {
	if !json.Valid(frame) {
		var v struct{}
		err := json.Unmarshal(frame, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			at := start + int(se.Offset) - 1
			if at < start {
				at = start
			}
			return Event{}, d.frameError(start, at, se.Error())
		}
		return Event{}, d.frameError(start, start, "invalid JSON")
	}

	var typ, object []byte
	typeAt, objectAt := -1, -1
	// frame is valid JSON and starts with '{', so this walk needs no error handling beyond the shape.
	i := skipSpace(frame, 1)
	for i < len(frame) && frame[i] != '}' {
		keyEnd := stringEnd(frame, i)
		key := frame[i:keyEnd]
		i = skipSpace(frame, keyEnd)
		i = skipSpace(frame, i+1) // ':'
		valEnd := d.valueEnd(frame, i)
		switch {
		case jsonStringIs(key, "type"):
			typ, typeAt = frame[i:valEnd], i
		case jsonStringIs(key, "object"):
			object, objectAt = frame[i:valEnd], i
		}
		i = skipSpace(frame, valEnd)
		if i < len(frame) && frame[i] == ',' {
			i = skipSpace(frame, i+1)
		}
	}

	if typ == nil {
		return Event{}, d.frameError(start, start, `watch event has no "type"`)
	}
	if typ[0] != '"' {
		return Event{}, d.frameError(start, start+typeAt, fmt.Sprintf(`"type" is %s, want a string`, kindOf(typ)))
	}
	et, err := eventType(typ)
	if err != nil || et == "" {
		return Event{}, d.frameError(start, start+typeAt, `"type" is empty`)
	}

	if object == nil || object[0] == 'n' { // absent or null
		if et == Error {
			return Event{Type: et}, nil
		}
		return Event{}, d.frameError(start, start, fmt.Sprintf(`%s event has no "object"`, et))
	}
	if object[0] != '{' && et != Error {
		return Event{}, d.frameError(start, start+objectAt, fmt.Sprintf(`"object" of %s event is %s, want a JSON object`, et, kindOf(object)))
	}
	return Event{Type: et, Object: append(json.RawMessage(nil), object...)}, nil
}

// valueEnd is the end of the (valid) JSON value starting at frame[i].
func (d *Decoder) valueEnd(frame []byte, i int) int {
	switch frame[i] {
	case '"':
		return stringEnd(frame, i)
	case '{', '[':
		for _, s := range d.nested {
			if s.start == i {
				return s.end
			}
		}
		return len(frame) // not reached: every top-level container was recorded by scan
	}
	for j := i; j < len(frame); j++ {
		switch frame[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j
		}
	}
	return len(frame)
}

// eventType unquotes the JSON string lit, without allocating for the protocol's own types.
func eventType(lit []byte) (EventType, error) {
	switch string(lit) {
	case `"ADDED"`:
		return Added, nil
	case `"MODIFIED"`:
		return Modified, nil
	case `"DELETED"`:
		return Deleted, nil
	case `"BOOKMARK"`:
		return Bookmark, nil
	case `"ERROR"`:
		return Error, nil
	}
	var s string
	err := json.Unmarshal(lit, &s)
	return EventType(s), err
}

// stringEnd is the index after the closing quote of the JSON string starting at b[i].
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// jsonStringIs reports whether the JSON string literal lit (quotes included) means s.
func jsonStringIs(lit []byte, s string) bool {
	if len(lit) == len(s)+2 && string(lit[1:len(lit)-1]) == s {
		return true
	}
	for _, c := range lit {
		if c == '\\' { // rare: an escaped key such as "typ\u0065"
			var v string
			return json.Unmarshal(lit, &v) == nil && v == s
		}
	}
	return false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// kindOf names the kind of a valid JSON value for messages.
func kindOf(v []byte) string {
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func quoteChar(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// frameError builds a FrameError for a problem at buf[at] inside the frame starting at buf[start]; the
// excerpt starts no earlier than the frame and stays within what is buffered.
func (d *Decoder) frameError(start, at int, reason string) *FrameError {
	from := max(at-excerptSize/2, start)
	to := min(from+excerptSize, d.tail)
	return &FrameError{Offset: d.base + int64(at), Reason: reason, Excerpt: string(d.buf[from:to])}
}
