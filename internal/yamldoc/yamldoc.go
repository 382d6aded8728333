// Package yamldoc cuts files of several YAML documents into their documents, keeping each document's
// bytes and its place in the file, so that errors can name the document and the file's line, and a writer
// can put untouched documents back byte for byte. kubeconfig files and manifests (-f) share it.
package yamldoc

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Chunk is a stretch of a file's bytes: one YAML document with the "---" line that opens it, or the
// comments before a file's first "---".
type Chunk struct {
	Raw  []byte
	Line int // 1-based line of the chunk's first byte in the file
	Doc  int // 1-based document number; 0 for a preamble that is no document
}

// Split cuts data at lines that start a YAML document ("---" alone or followed by blanks or a comment).
// Text before the first marker is a document only if it holds more than blanks and comments, which is how
// YAML parsers count them. The chunks add up to data.
func Split(data []byte) []Chunk {
	var chunks []Chunk
	start, startLine, line := 0, 1, 1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		if off > start && IsMarker(data[off:next]) {
			chunks = append(chunks, Chunk{Raw: data[start:off], Line: startLine})
			start, startLine = off, line
		}
		off = next
		line++
	}
	if start < len(data) || len(chunks) == 0 {
		chunks = append(chunks, Chunk{Raw: data[start:], Line: startLine})
	}
	n := 0
	for i := range chunks {
		// Preamble: an empty file, or only comments and directives (%YAML, %TAG: YAML allows them before a
		// "---", and kubectl reads such files) before the first "---".
		if i == 0 && !StartsWithMarker(chunks[0].Raw) && isBlank(chunks[0].Raw, len(chunks) > 1) {
			continue
		}
		n++
		chunks[i].Doc = n
	}
	return chunks
}

// StartsWithMarker reports whether b's first line is a "---" document marker.
func StartsWithMarker(b []byte) bool {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	}
	return IsMarker(b)
}

// IsMarker reports whether line is a "---" document marker line.
func IsMarker(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	rest := line[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n'
}

// isBlank reports whether b holds nothing but blank lines and comments, and directive lines (a "%" in
// column 1) if directives.
func isBlank(b []byte, directives bool) bool {
	for _, l := range strings.Split(string(b), "\n") {
		if directives && strings.HasPrefix(l, "%") {
			continue
		}
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

// ToJSON converts one chunk to JSON. YAML errors name the file's line, not the document's ("yaml: line N:
// ...", as kubectl reports them). An empty document is "null".
func ToJSON(c Chunk) ([]byte, error) {
	text := c.Raw
	if StartsWithMarker(text) {
		// Blank the marker rather than cut it so that line numbers stay right; what follows it stays.
		text = append([]byte("   "), text[3:]...)
	}
	j, err := yaml.YAMLToJSON(text)
	if err != nil {
		return nil, errors.New(ShiftLines(err.Error(), c.Line-1))
	}
	return j, nil
}

// ShiftLines adds offset to every "line N" in a YAML error message, turning a document's line numbers into
// the file's.
func ShiftLines(msg string, offset int) string {
	if offset == 0 {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.Index(msg, "line ")
		if i < 0 {
			break
		}
		b.WriteString(msg[:i+len("line ")])
		msg = msg[i+len("line "):]
		n := 0
		for n < len(msg) && msg[n] >= '0' && msg[n] <= '9' {
			n++
		}
		if v, err := strconv.Atoi(msg[:n]); err == nil {
			b.WriteString(strconv.Itoa(v + offset))
			msg = msg[n:]
		}
	}
	b.WriteString(msg)
	return b.String()
}
