package transport

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// -v8 and above show bodies and headers from the server: none of their control characters reach stderr.
func TestDebugNeutralisesControls(t *testing.T) {
	var out bytes.Buffer
	d := newDebugLogger(nil, 8, &out, &secretSet{})
	for _, body := range []string{"{\"m\":\"\x1b]0;pwned\x07\"}", "text \x1b[2J\r", "c1 \u009b31m", "raw \x9b31m", "del \x7f"} {
		if got := d.formatBody([]byte(body), len(body)); !strings.HasPrefix(got, "00000000  ") {
			t.Errorf("body %q shown as %q, want a hex dump", body, got)
		}
	}
	d.log("Response", "headers", "X-Evil: a\x1b[2Jb\u009bc\x9bd\r\n")
	for i, r := range out.String() {
		if r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f || r == utf8.RuneError {
			t.Errorf("control %q at %d survives in %q", r, i, out.String())
		}
	}
}
