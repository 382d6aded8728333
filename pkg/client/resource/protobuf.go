package resource

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// ContentTypeProtobuf is the media type of the Kubernetes protobuf encoding, which the API server offers for
// built-in types.
const ContentTypeProtobuf = "application/vnd.kubernetes.protobuf"

// A Kubernetes protobuf body is the magic "k8s\x00" followed by a runtime.Unknown message:
//
//	message Unknown  { TypeMeta typeMeta = 1; bytes raw = 2; string contentEncoding = 3; string contentType = 4; }
//	message TypeMeta { string apiVersion = 1; string kind = 2; }
//
// whose raw is the object's own message; for a list, {ListMeta metadata = 1; repeated T items = 2;}.
// The API server (gogo's generated code and the streaming list encoder alike) always writes the four
// envelope fields in that order, contentEncoding and contentType even when empty, so a body that ends
// before its contentType has been cut short.
var protobufMagic = []byte("k8s\x00")

// Protobuf wire types.
const (
	wireVarint     = 0
	wireFixed64    = 1
	wireBytes      = 2
	wireStartGroup = 3
	wireEndGroup   = 4
	wireFixed32    = 5
)

// maxProtobufDepth bounds the nesting of groups being skipped.
const maxProtobufDepth = 100

// protobufBufferSize is the read buffer of DecodeProtobufList: items up to this size are handed to the
// caller straight from it.
const protobufBufferSize = 64 << 10

func malformed(format string, args ...any) error {
	return decodeError(fmt.Errorf("malformed protobuf: "+format, args...))
}

// DecodeProtobufList reads a list in the Kubernetes protobuf encoding from r as a stream, as DecodeList
// does for JSON: header is called once, when the items begin or, for a list without any, at its end,
// with h's Kind, APIVersion and list metadata filled in; then item is called with each item's bytes, the
// item type's own protobuf message (for k8s.io/api types, what its Unmarshal method takes). Those bytes
// are reused once item returns: copy what must outlive the call. An item over transport.MaxObjectBytes
// is an error. The list is never held whole: only the item at hand is in memory. A body that is a Status
// (kind Status) is returned as its *transport.StatusError.
func DecodeProtobufList(r io.Reader, h *Header, header func(*Header) error, item func([]byte) error) error {
	s := &pbStream{r: bufio.NewReaderSize(r, protobufBufferSize)}
	announced := false
	announce := func() error {
		if announced || header == nil {
			announced = true
			return nil
		}
		announced = true
		return header(h)
	}

	magic, err := s.r.Peek(len(protobufMagic))
	if err != nil && !bytes.HasPrefix(protobufMagic, magic) {
		err = errNotProtobuf
	}
	if err != nil {
		return decodeError(err)
	}
	if !bytes.Equal(magic, protobufMagic) {
		return decodeError(errNotProtobuf)
	}
	s.discard(int64(len(protobufMagic)))

	var sawRaw, sawContentType bool
	for {
		field, wt, err := s.tag()
		if err == io.EOF {
			break
		}
		if err != nil {
			return decodeError(err)
		}
		if wt != wireBytes || field > 4 {
			if err := s.skip(field, wt, 0); err != nil {
				return decodeError(err)
			}
			continue
		}
		n, err := s.length(-1)
		if err != nil {
			return decodeError(err)
		}
		if field == 2 {
			sawRaw = true
			if h.Kind == "Status" {
				b, err := s.take(n)
				if err != nil {
					return decodeError(err)
				}
				st, err := DecodeProtobufStatus(b)
				if err != nil {
					return err
				}
				return st
			}
			if err := s.list(n, h, announce, item); err != nil {
				return err
			}
			continue
		}
		b, err := s.take(n)
		if err != nil {
			return decodeError(err)
		}
		switch field {
		case 1:
			if h.APIVersion, h.Kind, err = parseTypeMeta(b); err != nil {
				return err
			}
		case 3:
			if len(b) > 0 {
				return decodeError(fmt.Errorf("unsupported protobuf content encoding %q", b))
			}
		case 4:
			sawContentType = true
		}
	}
	if !sawContentType {
		return decodeError(io.ErrUnexpectedEOF)
	}
	if !sawRaw {
		return malformed("the body holds no object")
	}
	return announce()
}

var errNotProtobuf = errors.New("not a Kubernetes protobuf body (no k8s\\x00 prefix)")

// list reads the n bytes of a List message, calling announce before its first item (the caller calls it
// at the end when there was none).
func (s *pbStream) list(n int64, h *Header, announce func() error, item func([]byte) error) error {
	end := s.pos + n
	for s.pos < end {
		field, wt, err := s.tag()
		if err != nil {
			return decodeError(eof(err))
		}
		if wt != wireBytes || (field != 1 && field != 2) {
			if err := s.skip(field, wt, 0); err != nil {
				return decodeError(err)
			}
			if s.pos > end {
				return malformed("field %d runs past the end of the list", field)
			}
			continue
		}
		m, err := s.length(end)
		if err != nil {
			return decodeError(err)
		}
		if field == 1 {
			b, err := s.take(m)
			if err != nil {
				return decodeError(err)
			}
			if err := parseListMeta(b, h); err != nil {
				return err
			}
			continue
		}
		if err := announce(); err != nil {
			return err
		}
		if m > transport.MaxObjectBytes {
			return decodeError(fmt.Errorf("an item of %d bytes is over the limit of %d bytes", m, transport.MaxObjectBytes))
		}
		if err := s.each(m, item); err != nil {
			return err
		}
	}
	if s.pos != end {
		return malformed("the list runs past its length")
	}
	return nil
}

// pbStream reads protobuf from a bufio.Reader, counting the bytes it has read.
type pbStream struct {
	r   *bufio.Reader
	pos int64
	buf []byte
}

var errVarintOverflow = errors.New("malformed protobuf: varint overflows 64 bits")

// uvarint reads a varint. It returns io.EOF only when there is no byte at all.
func (s *pbStream) uvarint() (uint64, error) {
	var x uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		c, err := s.r.ReadByte()
		if err != nil {
			if i > 0 {
				return 0, eof(err)
			}
			return 0, err
		}
		s.pos++
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				return 0, errVarintOverflow
			}
			return x | uint64(c)<<(7*i), nil
		}
		x |= uint64(c&0x7f) << (7 * i)
	}
	return 0, errVarintOverflow
}

// tag reads a field's tag; io.EOF when the stream ends cleanly before it.
func (s *pbStream) tag() (field uint64, wt int, err error) {
	v, err := s.uvarint()
	if err != nil {
		return 0, 0, err
	}
	return checkTag(v)
}

func checkTag(v uint64) (field uint64, wt int, err error) {
	field, wt = v>>3, int(v&7)
	if field == 0 || field > math.MaxInt32>>2 || wt > wireFixed32 {
		return 0, 0, fmt.Errorf("malformed protobuf: invalid tag %#x", v)
	}
	return field, wt, nil
}

// length reads the length of a length-delimited field that must end by end (unless end < 0).
func (s *pbStream) length(end int64) (int64, error) {
	v, err := s.uvarint()
	if err != nil {
		return 0, eof(err)
	}
	if v > math.MaxInt64/2 || (end >= 0 && s.pos+int64(v) > end) {
		return 0, fmt.Errorf("malformed protobuf: a field of %d bytes runs past its message", v)
	}
	return int64(v), nil
}

// take reads the next n bytes into s.buf, which the next take reuses.
func (s *pbStream) take(n int64) ([]byte, error) {
	if n > transport.MaxObjectBytes {
		return nil, fmt.Errorf("a field of %d bytes is over the limit of %d bytes", n, transport.MaxObjectBytes)
	}
	if int64(cap(s.buf)) < n {
		s.buf = make([]byte, n)
	}
	b := s.buf[:n]
	k, err := io.ReadFull(s.r, b)
	s.pos += int64(k)
	return b, eof(err)
}

// each passes the next n bytes to item: straight from the read buffer when they fit in it.
func (s *pbStream) each(n int64, item func([]byte) error) error {
	if n <= int64(s.r.Size()) {
		b, err := s.r.Peek(int(n))
		if err != nil {
			return decodeError(eof(err))
		}
		if err := item(b); err != nil {
			return err
		}
		return decodeError(s.discard(n))
	}
	b, err := s.take(n)
	if err != nil {
		return decodeError(err)
	}
	return item(b)
}

func (s *pbStream) discard(n int64) error {
	for n > 0 {
		k := int(min(n, math.MaxInt32))
		d, err := s.r.Discard(k)
		s.pos += int64(d)
		n -= int64(d)
		if err != nil {
			return eof(err)
		}
	}
	return nil
}

// skip reads past the value of a field the decoder does not want, of any wire type.
func (s *pbStream) skip(field uint64, wt int, depth int) error {
	switch wt {
	case wireVarint:
		_, err := s.uvarint()
		return eof(err)
	case wireFixed64:
		return s.discard(8)
	case wireFixed32:
		return s.discard(4)
	case wireBytes:
		n, err := s.length(-1)
		if err != nil {
			return err
		}
		return s.discard(n)
	case wireStartGroup:
		if depth >= maxProtobufDepth {
			return errors.New("malformed protobuf: groups nested too deep")
		}
		for {
			f, w, err := s.tag()
			if err != nil {
				return eof(err)
			}
			if w == wireEndGroup {
				if f != field {
					return fmt.Errorf("malformed protobuf: group %d ended as %d", field, f)
				}
				return nil
			}
			if err := s.skip(f, w, depth+1); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("malformed protobuf: unexpected end of group %d", field)
}

func eof(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// pbSlice reads protobuf from bytes in memory.
type pbSlice []byte

// next reads a field: its number, wire type and, for a varint, its value or, for a length-delimited
// field, its bytes (a subslice of p). Other wire types are skipped over and reported with neither.
func (p *pbSlice) next() (field uint64, wt int, v uint64, b []byte, err error) {
	t, err := p.uvarint()
	if err != nil {
		return 0, 0, 0, nil, err
	}
	if field, wt, err = checkTag(t); err != nil {
		return 0, 0, 0, nil, err
	}
	switch wt {
	case wireVarint:
		v, err = p.uvarint()
	case wireBytes:
		b, err = p.bytes()
	default:
		err = p.skip(field, wt, 0)
	}
	return field, wt, v, b, err
}

func (p *pbSlice) uvarint() (uint64, error) {
	v, n := binary.Uvarint(*p)
	if n == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if n < 0 {
		return 0, errVarintOverflow
	}
	*p = (*p)[n:]
	return v, nil
}

func (p *pbSlice) bytes() ([]byte, error) {
	n, err := p.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(*p)) {
		return nil, io.ErrUnexpectedEOF
	}
	b := (*p)[:n:n]
	*p = (*p)[n:]
	return b, nil
}

func (p *pbSlice) advance(n int) error {
	if n > len(*p) {
		return io.ErrUnexpectedEOF
	}
	*p = (*p)[n:]
	return nil
}

func (p *pbSlice) skip(field uint64, wt int, depth int) error {
	switch wt {
	case wireVarint:
		_, err := p.uvarint()
		return err
	case wireFixed64:
		return p.advance(8)
	case wireFixed32:
		return p.advance(4)
	case wireBytes:
		_, err := p.bytes()
		return err
	case wireStartGroup:
		if depth >= maxProtobufDepth {
			return errors.New("malformed protobuf: groups nested too deep")
		}
		for {
			t, err := p.uvarint()
			if err != nil {
				return err
			}
			f, w, err := checkTag(t)
			if err != nil {
				return err
			}
			if w == wireEndGroup {
				if f != field {
					return fmt.Errorf("malformed protobuf: group %d ended as %d", field, f)
				}
				return nil
			}
			if err := p.skip(f, w, depth+1); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("malformed protobuf: unexpected end of group %d", field)
}

// parseTypeMeta decodes a runtime.TypeMeta.
func parseTypeMeta(b []byte) (apiVersion, kind string, err error) {
	p := pbSlice(b)
	for len(p) > 0 {
		field, wt, _, v, err := p.next()
		if err != nil {
			return "", "", decodeError(err)
		}
		if wt != wireBytes {
			continue
		}
		switch field {
		case 1:
			apiVersion = string(v)
		case 2:
			kind = string(v)
		}
	}
	return apiVersion, kind, nil
}

// parseListMeta decodes a metav1.ListMeta into h.Metadata.
func parseListMeta(b []byte, h *Header) error {
	p := pbSlice(b)
	for len(p) > 0 {
		field, wt, n, v, err := p.next()
		if err != nil {
			return decodeError(err)
		}
		switch {
		case field == 2 && wt == wireBytes:
			h.Metadata.ResourceVersion = string(v)
		case field == 3 && wt == wireBytes:
			h.Metadata.Continue = string(v)
		case field == 4 && wt == wireVarint:
			c := int64(n)
			h.Metadata.RemainingItemCount = &c
		}
	}
	return nil
}

// UnwrapProtobuf opens the envelope of a body in the Kubernetes protobuf encoding, a single object read
// whole: it returns the object's apiVersion and kind and its protobuf message (for k8s.io/api types, what
// their Unmarshal method takes), which is a subslice of b.
func UnwrapProtobuf(b []byte) (apiVersion, kind string, raw []byte, err error) {
	if !bytes.HasPrefix(b, protobufMagic) {
		if len(b) < len(protobufMagic) && bytes.HasPrefix(protobufMagic, b) {
			return "", "", nil, decodeError(io.ErrUnexpectedEOF)
		}
		return "", "", nil, decodeError(errNotProtobuf)
	}
	p := pbSlice(b[len(protobufMagic):])
	var sawRaw, sawContentType bool
	for len(p) > 0 {
		field, wt, _, v, err := p.next()
		if err != nil {
			return "", "", nil, decodeError(err)
		}
		if wt != wireBytes {
			continue
		}
		switch field {
		case 1:
			if apiVersion, kind, err = parseTypeMeta(v); err != nil {
				return "", "", nil, err
			}
		case 2:
			raw, sawRaw = v, true
		case 3:
			if len(v) > 0 {
				return "", "", nil, decodeError(fmt.Errorf("unsupported protobuf content encoding %q", v))
			}
		case 4:
			sawContentType = true
		}
	}
	if !sawContentType {
		return "", "", nil, decodeError(io.ErrUnexpectedEOF)
	}
	if !sawRaw {
		return "", "", nil, malformed("the body holds no object")
	}
	return apiVersion, kind, raw, nil
}

// DecodeProtobufStatus decodes a metav1.Status in protobuf: the raw of its envelope, or a whole body
// ("k8s\x00" and the envelope, whose kind must be Status), as the API server sends for an error when
// protobuf was asked for. Code is the Status's own (0 if it gave none: the caller knows the HTTP code);
// Details is nil when the Status had none.
func DecodeProtobufStatus(raw []byte) (*transport.StatusError, error) {
	if bytes.HasPrefix(raw, protobufMagic) {
		_, kind, b, err := UnwrapProtobuf(raw)
		if err != nil {
			return nil, err
		}
		if kind != "Status" {
			return nil, decodeError(fmt.Errorf("expected a Status, got kind %q", kind))
		}
		raw = b
	}
	st := &transport.StatusError{}
	p := pbSlice(raw)
	for len(p) > 0 {
		field, wt, n, v, err := p.next()
		if err != nil {
			return nil, decodeError(err)
		}
		switch {
		case field == 2 && wt == wireBytes:
			st.Status = string(v)
		case field == 3 && wt == wireBytes:
			st.Message = string(v)
		case field == 4 && wt == wireBytes:
			st.Reason = string(v)
		case field == 5 && wt == wireBytes:
			if st.Details, err = parseStatusDetails(v); err != nil {
				return nil, err
			}
		case field == 6 && wt == wireVarint:
			st.Code = int(int32(n))
		}
	}
	return st, nil
}

func parseStatusDetails(b []byte) (*transport.StatusDetails, error) {
	d := &transport.StatusDetails{}
	p := pbSlice(b)
	for len(p) > 0 {
		field, wt, n, v, err := p.next()
		if err != nil {
			return nil, decodeError(err)
		}
		switch {
		case field == 1 && wt == wireBytes:
			d.Name = string(v)
		case field == 2 && wt == wireBytes:
			d.Group = string(v)
		case field == 3 && wt == wireBytes:
			d.Kind = string(v)
		case field == 6 && wt == wireBytes:
			d.UID = string(v)
		case field == 4 && wt == wireBytes:
			c, err := parseStatusCause(v)
			if err != nil {
				return nil, err
			}
			d.Causes = append(d.Causes, c)
		case field == 5 && wt == wireVarint:
			d.RetryAfterSeconds = int(int32(n))
		}
	}
	return d, nil
}

func parseStatusCause(b []byte) (transport.StatusCause, error) {
	var c transport.StatusCause
	p := pbSlice(b)
	for len(p) > 0 {
		field, wt, _, v, err := p.next()
		if err != nil {
			return c, decodeError(err)
		}
		if wt != wireBytes {
			continue
		}
		switch field {
		case 1:
			c.Type = string(v)
		case 2:
			c.Message = string(v)
		case 3:
			c.Field = string(v)
		}
	}
	return c, nil
}
