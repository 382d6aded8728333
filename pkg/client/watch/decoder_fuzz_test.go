package watch

import (
	"bytes"
	"io"
	"reflect"
	"testing"
	"testing/iotest"
)

// FuzzDecoder: the events read do not depend on where the stream is cut across reads.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{
		`{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a"}}}` + "\n" + `{"type":"DELETED","object":{"s":"}\"{"}}`,
		`{"type":"BOOKMARK","object":{}} {"type":"ERROR","object":{"kind":"Status","code":410}}`,
		`{"type":"ADDED"`, `garbage`, "\n\n{}\n",
	} {
		f.Add([]byte(s), uint8(7))
	}
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		whole := events(NewDecoder(bytes.NewReader(data)))
		cut := events(NewDecoder(iotest.OneByteReader(bytes.NewReader(data))))
		chunked := events(NewDecoder(&fuzzChunkReader{r: bytes.NewReader(data), n: int(step%31) + 1}))
		if !reflect.DeepEqual(whole, cut) || !reflect.DeepEqual(whole, chunked) {
			t.Fatalf("events depend on the cuts:\nwhole   %v\nbytes   %v\nchunked %v", whole, cut, chunked)
		}
	})
}

type fuzzChunkReader struct {
	r io.Reader
	n int
}

func (c *fuzzChunkReader) Read(p []byte) (int, error) {
	if len(p) > c.n {
		p = p[:c.n]
	}
	return c.r.Read(p)
}

// events is what a decoder returns to its end: each event as type and object, then the error's text.
func events(d *Decoder) []string {
	var out []string
	for range 10000 {
		ev, err := d.Next()
		if err != nil {
			if err != io.EOF {
				out = append(out, "error")
			}
			return out
		}
		out = append(out, string(ev.Type)+" "+string(ev.Object))
	}
	return out
}
