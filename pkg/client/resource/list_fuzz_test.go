package resource

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/iotest"
)

// FuzzDecodeList: any body gives items or an error, never a panic, and the items do not depend on how
// the body is cut across reads.
func FuzzDecodeList(f *testing.F) {
	for _, s := range []string{
		`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"abc"},"items":[{"a":1},{"b":"x"}]}`,
		`{"kind":"Table","columnDefinitions":[{"name":"Name"}],"rows":[{"cells":["a",1]}]}`,
		`{"items":[{"s":"}]\"{[\\"},"x\\\\",["]"]]}`, `{"items":null}`, `{}`, `{"items":[1, true ,null,-2.5e3]}`, `{"items":[`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		decode := func(whole bool) ([]string, bool) {
			var items []string
			var h Header
			r := bytes.NewReader(data)
			var err error
			if whole {
				err = DecodeList(r, &h, nil, func(raw json.RawMessage) error { items = append(items, string(raw)); return nil })
			} else {
				err = DecodeList(iotest.OneByteReader(r), &h, nil, func(raw json.RawMessage) error { items = append(items, string(raw)); return nil })
			}
			return items, err == nil
		}
		a, okA := decode(true)
		b, okB := decode(false)
		if okA != okB || len(a) != len(b) {
			t.Fatalf("cuts change the outcome: %v %v / %v %v", okA, a, okB, b)
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("item %d: %q / %q", i, a[i], b[i])
			}
		}
	})
}

// FuzzDecodeProtobufList: any body gives items or an error, never a panic or an allocation beyond the
// item limit.
func FuzzDecodeProtobufList(f *testing.F) {
	f.Add([]byte("k8s\x00\n\x0c\n\x02v1\x12\x06PodList\x12\x00\x1a\x00"))
	f.Add([]byte("k8s\x00\n\x04\n\x02v1\x12\x10\n\x02\x12\x00\x12\x04abcd\x12\x02xy"))
	f.Add([]byte("k8s\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var h Header
		_ = DecodeProtobufList(bytes.NewReader(data), &h, nil, func([]byte) error { return nil })
	})
}
