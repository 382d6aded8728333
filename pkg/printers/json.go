package printers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// kubectl prints objects it decoded into unstructured maps: encoding/json then writes object keys sorted,
// integers as int64 and every other number as a float64, strings in Go's escaping (with <, > and &
// escaped), and json.MarshalIndent indents by four spaces. Going through maps costs a dozen allocations per
// field, so kubex re-formats the server's JSON directly: one pass tokenizes an object into a flat node
// array (reused from object to object), object members are sorted by key, and the emitter writes the
// tokens back in Go's canonical form. The output is the bytes kubectl prints.

// Node kinds.
const (
	kindObject uint8 = iota + 1
	kindArray
	kindString
	kindNumber
	kindLiteral // true, false, null
)

// Node flags.
const (
	flagKeyInBuf   uint8 = 1 << iota // the key is in jsonDoc.buf (decoded), not in src
	flagKeyPlain                     // the key's bytes need no escaping: write them between quotes
	flagValueInBuf                   // a string value's token (quoted, canonical) is in jsonDoc.buf
	flagPlain                        // a string token is already canonical: copy it
	flagSkip                         // a member left out of the output
)

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// jnode is one JSON value. For a member of an object it also records the member's key.
type jnode struct {
	start, end       int32 // the value's token in src (or buf, flagValueInBuf); containers: their bytes in src
	keyStart, keyEnd int32 // the key's bytes, decoded, without quotes
	kid0, kid1       int32 // containers: their members are kids[kid0:kid1], objects sorted by key
	kind             uint8
	flags            uint8
}

// jsonDoc tokenizes and re-emits one JSON document. Its slices are reused from document to document, so
// once warmed up printing an object allocates nothing.
type jsonDoc struct {
	src     []byte
	nodes   []jnode
	kids    []int32
	stack   []int32
	buf     []byte // decoded keys and synthetic values
	scratch []byte // one decoded string at a time
	// unsorted leaves object members in their order, for reading values out (member still finds the
	// last of duplicate keys) rather than printing.
	unsorted bool
}

type syntaxError struct {
	msg string
	off int
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.off, e.msg)
}

// parseObject tokenizes o.Raw, which must hold one JSON object, and prepares its top level for printing:
// apiVersion and kind filled in from o when Raw lacks both, and (unless keepManaged) the
// metadata.managedFields member left out. It returns the root node.
func (d *jsonDoc) parseObject(o Object, keepManaged bool) (int32, error) {
	root, err := d.parse(o.Raw)
	if err != nil {
		return 0, err
	}
	if d.nodes[root].kind != kindObject {
		return 0, errors.New("printers: the object to print is not a JSON object")
	}
	d.prepareTop(root, o, keepManaged)
	return root, nil
}

func (d *jsonDoc) parse(src []byte) (int32, error) {
	d.src = src
	d.nodes = d.nodes[:0]
	d.kids = d.kids[:0]
	d.stack = d.stack[:0]
	d.buf = d.buf[:0]
	i := skipSpace(src, 0)
	root, i, err := d.parseValue(i, 0)
	if err != nil {
		return 0, err
	}
	if i = skipSpace(src, i); i != len(src) {
		return 0, &syntaxError{"data after the top-level value", i}
	}
	return root, nil
}

func skipSpace(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	return i
}

func (d *jsonDoc) newNode(kind uint8, start, end int) int32 {
	d.nodes = append(d.nodes, jnode{kind: kind, start: int32(start), end: int32(end)})
	return int32(len(d.nodes) - 1)
}

func (d *jsonDoc) parseValue(i, depth int) (int32, int, error) {
	s := d.src
	if i >= len(s) {
		return 0, i, &syntaxError{"unexpected end of input", i}
	}
	switch c := s[i]; {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return 0, i, &syntaxError{"exceeded max depth", i}
		}
		if c == '{' {
			return d.parseObjectBody(i, depth+1)
		}
		return d.parseArray(i, depth+1)
	case c == '"':
		end, plain, err := scanString(s, i)
		if err != nil {
			return 0, i, err
		}
		n := d.newNode(kindString, i, end)
		if plain {
			d.nodes[n].flags = flagPlain
		}
		return n, end, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if lit[0] == c && len(s)-i >= len(lit) && string(s[i:i+len(lit)]) == lit {
				return d.newNode(kindLiteral, i, i+len(lit)), i + len(lit), nil
			}
		}
		return 0, i, &syntaxError{"invalid literal", i}
	case c == '-' || (c >= '0' && c <= '9'):
		end, err := scanNumber(s, i)
		if err != nil {
			return 0, i, err
		}
		return d.newNode(kindNumber, i, end), end, nil
	default:
		return 0, i, &syntaxError{fmt.Sprintf("invalid character %q looking for a value", c), i}
	}
}

func (d *jsonDoc) parseObjectBody(i, depth int) (int32, int, error) {
	s := d.src
	n := d.newNode(kindObject, i, i)
	base := len(d.stack)
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		d.closeContainer(n, base, i+1)
		return n, i + 1, nil
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return 0, i, &syntaxError{"expected a member name", i}
		}
		kend, plain, err := scanString(s, i)
		if err != nil {
			return 0, i, err
		}
		ks, ke, flags := int32(i+1), int32(kend-1), uint8(0)
		if plain {
			flags = flagKeyPlain
		} else if key := s[i+1 : kend-1]; bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) {
			d.scratch = unquote(d.scratch[:0], key)
			ks = int32(len(d.buf))
			d.buf = append(d.buf, d.scratch...)
			ke = int32(len(d.buf))
			flags = flagKeyInBuf
		}
		i = skipSpace(s, kend)
		if i >= len(s) || s[i] != ':' {
			return 0, i, &syntaxError{"expected ':' after a member name", i}
		}
		var v int32
		v, i, err = d.parseValue(skipSpace(s, i+1), depth)
		if err != nil {
			return 0, i, err
		}
		m := &d.nodes[v]
		m.keyStart, m.keyEnd = ks, ke
		m.flags |= flags
		d.stack = append(d.stack, v)
		i = skipSpace(s, i)
		if i >= len(s) {
			return 0, i, &syntaxError{"unexpected end of input in an object", i}
		}
		if s[i] == ',' {
			i = skipSpace(s, i+1)
			continue
		}
		if s[i] != '}' {
			return 0, i, &syntaxError{"expected ',' or '}' in an object", i}
		}
		d.closeContainer(n, base, i+1)
		if !d.unsorted {
			d.sortMembers(n)
		}
		return n, i + 1, nil
	}
}

func (d *jsonDoc) parseArray(i, depth int) (int32, int, error) {
	s := d.src
	n := d.newNode(kindArray, i, i)
	base := len(d.stack)
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == ']' {
		d.closeContainer(n, base, i+1)
		return n, i + 1, nil
	}
	for {
		v, j, err := d.parseValue(i, depth)
		if err != nil {
			return 0, j, err
		}
		d.stack = append(d.stack, v)
		i = skipSpace(s, j)
		if i >= len(s) {
			return 0, i, &syntaxError{"unexpected end of input in an array", i}
		}
		if s[i] == ',' {
			i = skipSpace(s, i+1)
			continue
		}
		if s[i] != ']' {
			return 0, i, &syntaxError{"expected ',' or ']' in an array", i}
		}
		d.closeContainer(n, base, i+1)
		return n, i + 1, nil
	}
}

// closeContainer moves a container's members from the stack into kids and records where its bytes end.
func (d *jsonDoc) closeContainer(n int32, base, end int) {
	d.nodes[n].end = int32(end)
	d.nodes[n].kid0 = int32(len(d.kids))
	d.kids = append(d.kids, d.stack[base:]...)
	d.nodes[n].kid1 = int32(len(d.kids))
	d.stack = d.stack[:base]
}

func (d *jsonDoc) key(n int32) []byte {
	m := &d.nodes[n]
	if m.flags&flagKeyInBuf != 0 {
		return d.buf[m.keyStart:m.keyEnd]
	}
	return d.src[m.keyStart:m.keyEnd]
}

// sortMembers orders an object's members as encoding/json orders a map's keys: by the bytes of the decoded
// key. The sort is stable, so of duplicate keys the last one is last; the emitter keeps only that one, as
// decoding into a map does.
func (d *jsonDoc) sortMembers(n int32) {
	k := d.kids[d.nodes[n].kid0:d.nodes[n].kid1]
	sorted := true
	for i := 1; i < len(k); i++ {
		if bytes.Compare(d.key(k[i-1]), d.key(k[i])) > 0 {
			sorted = false
			break
		}
	}
	if !sorted {
		slices.SortStableFunc(k, func(a, b int32) int { return bytes.Compare(d.key(a), d.key(b)) })
	}
}

// member returns the effective member (the last of duplicates) of object n named name, or -1.
func (d *jsonDoc) member(n int32, name string) int32 {
	found := int32(-1)
	for _, k := range d.kids[d.nodes[n].kid0:d.nodes[n].kid1] {
		if d.nodes[k].flags&flagSkip == 0 && string(d.key(k)) == name {
			found = k
		}
	}
	return found
}

// stringValue decodes a string node; ok is false for other kinds.
func (d *jsonDoc) stringValue(n int32) (s []byte, ok bool) {
	if n < 0 || d.nodes[n].kind != kindString {
		return nil, false
	}
	tok := d.token(n)
	if d.nodes[n].flags&flagPlain != 0 {
		return tok[1 : len(tok)-1], true
	}
	d.scratch = unquote(d.scratch[:0], tok[1:len(tok)-1])
	return d.scratch, true
}

func (d *jsonDoc) token(n int32) []byte {
	m := &d.nodes[n]
	if m.flags&flagValueInBuf != 0 {
		return d.buf[m.start:m.end]
	}
	return d.src[m.start:m.end]
}

// lacks reports whether unstructured's GetAPIVersion/GetKind would return "" for member name.
func (d *jsonDoc) lacks(root int32, name string) bool {
	s, ok := d.stringValue(d.member(root, name))
	return !ok || len(s) == 0
}

func (d *jsonDoc) prepareTop(root int32, o Object, keepManaged bool) {
	if (o.APIVersion != "" || o.Kind != "") && d.lacks(root, "apiVersion") && d.lacks(root, "kind") {
		for _, kv := range [2][2]string{{"apiVersion", o.APIVersion}, {"kind", o.Kind}} {
			for _, k := range d.kids[d.nodes[root].kid0:d.nodes[root].kid1] {
				if string(d.key(k)) == kv[0] {
					d.nodes[k].flags |= flagSkip
				}
			}
			ks := int32(len(d.buf))
			d.buf = append(d.buf, kv[0]...)
			ke := int32(len(d.buf))
			d.buf = appendString(d.buf, []byte(kv[1]))
			d.nodes = append(d.nodes, jnode{kind: kindString, start: ke, end: int32(len(d.buf)),
				keyStart: ks, keyEnd: ke, flags: flagKeyInBuf | flagKeyPlain | flagValueInBuf})
			// The root's members are the last range of kids, so the new member can be appended to it.
			d.kids = append(d.kids, int32(len(d.nodes)-1))
			d.nodes[root].kid1++
		}
		d.sortMembers(root)
	}
	if !keepManaged {
		if md := d.member(root, "metadata"); md >= 0 && d.nodes[md].kind == kindObject {
			for _, k := range d.kids[d.nodes[md].kid0:d.nodes[md].kid1] {
				if string(d.key(k)) == "managedFields" {
					d.nodes[k].flags |= flagSkip
				}
			}
		}
	}
}

// emitted reports whether member i of kids k is written: not skipped, and not followed by a duplicate.
func (d *jsonDoc) emitted(k []int32, i int) bool {
	if d.nodes[k[i]].flags&flagSkip != 0 {
		return false
	}
	key := d.key(k[i])
	for j := i + 1; j < len(k); j++ {
		if !bytes.Equal(d.key(k[j]), key) {
			break
		}
		if d.nodes[k[j]].flags&flagSkip == 0 {
			return false
		}
	}
	return true
}

const spaces = "                                                                "

func appendNewline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for n := depth * 4; n > 0; {
		k := min(n, len(spaces))
		dst = append(dst, spaces[:k]...)
		n -= k
	}
	return dst
}

// emit appends node n in encoding/json's form: MarshalIndent's with four spaces per level when indent is
// true (depth being the level n starts at), else Marshal's compact form.
func (d *jsonDoc) emit(dst []byte, n int32, depth int, indent bool) ([]byte, error) {
	m := d.nodes[n]
	switch m.kind {
	case kindString:
		tok := d.token(n)
		if m.flags&(flagPlain|flagValueInBuf) != 0 {
			return append(dst, tok...), nil
		}
		d.scratch = unquote(d.scratch[:0], tok[1:len(tok)-1])
		return appendString(dst, d.scratch), nil
	case kindNumber:
		return appendNumber(dst, d.src[m.start:m.end])
	case kindLiteral:
		return append(dst, d.src[m.start:m.end]...), nil
	}
	open, close := byte('['), byte(']')
	if m.kind == kindObject {
		open, close = '{', '}'
	}
	dst = append(dst, open)
	k := d.kids[m.kid0:m.kid1]
	written := 0
	var err error
	for i, kid := range k {
		if m.kind == kindObject && !d.emitted(k, i) {
			continue
		}
		if written > 0 {
			dst = append(dst, ',')
		}
		written++
		if indent {
			dst = appendNewline(dst, depth+1)
		}
		if m.kind == kindObject {
			km := &d.nodes[kid]
			if km.flags&flagKeyPlain != 0 {
				dst = append(dst, '"')
				dst = append(dst, d.key(kid)...)
				dst = append(dst, '"')
			} else {
				dst = appendString(dst, d.key(kid))
			}
			dst = append(dst, ':')
			if indent {
				dst = append(dst, ' ')
			}
		}
		if dst, err = d.emit(dst, kid, depth+1, indent); err != nil {
			return dst, err
		}
	}
	if written > 0 && indent {
		dst = appendNewline(dst, depth)
	}
	return append(dst, close), nil
}

// scanString finds the end of the string token starting at s[i] == '"' and reports whether the token is
// already in encoding/json's canonical form: printable ASCII only, no escapes, none of <, > and &.
func scanString(s []byte, i int) (end int, plain bool, err error) {
	plain = true
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if plainByte[c] {
			continue
		}
		switch {
		case c == '"':
			return j + 1, plain, nil
		case c == '\\':
			plain = false
			if j+1 >= len(s) {
				return 0, false, &syntaxError{"unexpected end of input in a string", j}
			}
			switch s[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if j+5 >= len(s) || hex4(s[j+2:j+6]) < 0 {
					return 0, false, &syntaxError{"invalid \\u escape in a string", j}
				}
				j += 5
			default:
				return 0, false, &syntaxError{"invalid escape in a string", j}
			}
		case c < 0x20:
			return 0, false, &syntaxError{"control character in a string", j}
		default: // <, >, & or a byte of a multi-byte (or broken) UTF-8 sequence
			plain = false
		}
	}
	return 0, false, &syntaxError{"unexpected end of input in a string", len(s)}
}

// plainByte marks the bytes encoding/json writes unchanged in a string (with HTML escaping on).
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unquote appends the decoded content of a (valid) string token without its quotes, as encoding/json
// decodes it: broken UTF-8 and unpaired surrogates become U+FFFD.
func unquote(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch e := s[i+1]; e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, hex4(s[i+2:])); dec != unicode.ReplacementChar {
							dst = utf8.AppendRune(dst, dec)
							i += 6
							continue
						}
					}
					r = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default: // " \ /
				dst = append(dst, e)
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, r)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendString appends s (valid UTF-8 or not) as encoding/json writes a string with HTML escaping.
func appendString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainByte[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default: // other controls, <, > and &
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// scanNumber finds the end of the number token at s[i], checking JSON's grammar.
func scanNumber(s []byte, i int) (int, error) {
	j := i
	if s[j] == '-' {
		j++
	}
	digits := func() bool {
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(s) && s[j] == '0' {
		j++
	} else if !digits() {
		return 0, &syntaxError{"invalid number", i}
	}
	if j < len(s) && s[j] == '.' {
		j++
		if !digits() {
			return 0, &syntaxError{"invalid number", i}
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if !digits() {
			return 0, &syntaxError{"invalid number", i}
		}
	}
	return j, nil
}

// isInt reports whether a number token holds only an optional minus and digits.
func isInt(tok []byte) bool {
	for _, c := range tok {
		if c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

// appendNumber appends a number as it prints after unstructured decoding (sigs.k8s.io/json with
// preserveInts: no '.' and fits int64 → int64, else float64) and encoding/json's re-encoding.
func appendNumber(dst, tok []byte) ([]byte, error) {
	if isInt(tok) {
		digits := len(tok)
		if tok[0] == '-' {
			digits--
		}
		if digits < 19 { // always fits int64
			if len(tok) == 2 && tok[0] == '-' && tok[1] == '0' {
				return append(dst, '0'), nil
			}
			return append(dst, tok...), nil
		}
		if v, err := strconv.ParseInt(string(tok), 10, 64); err == nil {
			return strconv.AppendInt(dst, v, 10), nil
		}
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return dst, fmt.Errorf("printers: number %s: %w", tok, err)
	}
	return appendFloat(dst, f), nil
}

// numberValue is a number token's unstructured value: int64 or float64.
func numberValue(tok []byte) (interface{}, error) {
	if isInt(tok) {
		if v, err := strconv.ParseInt(string(tok), 10, 64); err == nil {
			return v, nil
		}
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return nil, fmt.Errorf("printers: number %s: %w", tok, err)
	}
	return f, nil
}

// appendFloat writes a float64 as encoding/json does: shortest form, exponent only below 1e-6 or from
// 1e21 on, and a two-digit negative exponent shortened (1e-07 → 1e-7).
func appendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// value converts node n to its unstructured form: map[string]interface{}, []interface{}, string, int64,
// float64, bool or nil. Number errors were ruled out by the caller's emit or are reported as float zero.
func (d *jsonDoc) value(n int32) interface{} {
	m := d.nodes[n]
	switch m.kind {
	case kindObject:
		k := d.kids[m.kid0:m.kid1]
		out := make(map[string]interface{}, len(k))
		for i, kid := range k {
			if d.emitted(k, i) {
				out[string(d.key(kid))] = d.value(kid)
			}
		}
		return out
	case kindArray:
		k := d.kids[m.kid0:m.kid1]
		out := make([]interface{}, len(k))
		for i, kid := range k {
			out[i] = d.value(kid)
		}
		return out
	case kindString:
		if m.flags&flagValueInBuf != 0 {
			d.scratch = unquote(d.scratch[:0], d.buf[m.start+1:m.end-1])
			return string(d.scratch)
		}
		s, _ := d.stringValue(n)
		return string(s)
	case kindNumber:
		v, err := numberValue(d.src[m.start:m.end])
		if err != nil {
			return float64(0)
		}
		return v
	default:
		switch d.src[m.start] {
		case 't':
			return true
		case 'f':
			return false
		}
		return nil
	}
}

// NormalizeJSON appends to dst the compact JSON kubectl's unstructured form of o marshals to (json.Marshal
// of the map: sorted keys, canonical numbers and strings), with apiVersion and kind added when Raw lacks
// both, and metadata.managedFields dropped unless showManagedFields.
func NormalizeJSON(dst []byte, o Object, showManagedFields bool) ([]byte, error) {
	var d jsonDoc
	return d.normalize(dst, o, showManagedFields, 0, false)
}

func (d *jsonDoc) normalize(dst []byte, o Object, showManagedFields bool, depth int, indent bool) ([]byte, error) {
	root, err := d.parseObject(o, showManagedFields)
	if err != nil {
		return dst, err
	}
	return d.emit(dst, root, depth, indent)
}

// jsonPrinter is kubectl's -o json.
type jsonPrinter struct {
	w     io.Writer
	opts  ObjectOptions
	doc   jsonDoc
	buf   []byte
	count int
}

// NewJSON returns kubectl's -o json printer: json.MarshalIndent of each object or of the List, the List
// streamed item by item; in Stream mode one compact line per object.
func NewJSON(w io.Writer, o ObjectOptions) ObjectPrinter {
	return &jsonPrinter{w: w, opts: o}
}

func (p *jsonPrinter) PrintObject(o Object) error {
	p.count++
	b := p.buf[:0]
	var err error
	switch {
	case p.opts.Stream:
		b, err = p.doc.normalize(b, o, p.opts.ShowManagedFields, 0, false)
		b = append(b, '\n')
	case p.opts.Single:
		if p.count > 1 {
			return errSecondSingle
		}
		b, err = p.doc.normalize(b, o, p.opts.ShowManagedFields, 0, true)
		b = append(b, '\n')
	default:
		if p.count == 1 {
			b = append(b, listHeaderJSON...)
		} else {
			b = append(b, ",\n"...)
		}
		b = append(b, "        "...)
		b, err = p.doc.normalize(b, o, p.opts.ShowManagedFields, 2, true)
	}
	if err != nil {
		return err
	}
	p.buf = b[:0]
	if cap(p.buf) > 4<<20 { // don't keep one huge object's buffer for the rest of the list
		p.buf = nil
	}
	return writeAll(p.w, b)
}

func (p *jsonPrinter) Close() error {
	if p.opts.Stream || p.opts.Single {
		return nil
	}
	if p.count == 0 {
		return writeAll(p.w, []byte(emptyListJSON))
	}
	return writeAll(p.w, []byte(listFooterJSON))
}

func (p *jsonPrinter) Flush() error { return nil }
