package cmdutil

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/printers"
)

const evil = "evil\x1b]0;pwned\x07\x1b[2J\rover\u009b31m\x9b\x7f\x08end"

// controlByte is the first character a terminal could act on in s, or "".
func controlByte(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f || r == utf8.RuneError && size == 1 && s[i] >= 0x80 && s[i] <= 0x9f {
			return s[i : i+size]
		}
		i += size
	}
	return ""
}

// What the server writes reaches stderr with no control character left (colour off, so kubex itself
// writes none either), its text otherwise whole.
func TestServerTextOnStderrNeutralised(t *testing.T) {
	webhook := &transport.StatusError{Code: 400, Reason: "BadRequest", Status: "Failure",
		Message: `admission webhook "deny.example.com" denied the request: ` + evil}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"webhook-like Status", webhook},
		{"wrapped", fmt.Errorf("applying: %w", webhook)},
		{"plain", errors.New("the server said " + evil)},
		{"several", Aggregate([]error{webhook, errors.New(evil)})},
		{"exit code", &ExitError{Code: 3, Err: errors.New(evil)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			PrintError(&b, tc.err)
			if c := controlByte(b.String()); c != "" {
				t.Errorf("%q survives in %q", c, b.String())
			}
			if !strings.Contains(b.String(), "evil^[]0;pwned^G^[[2J\\rover\\u009b31m\\x9b^?^Hend") {
				t.Errorf("the message is not all there: %q", b.String())
			}
		})
	}
	// Lines and tabs are the message's own.
	var b bytes.Buffer
	PrintError(&b, errors.New("a\n\tb"))
	if b.String() != "error: a\n\tb\n" {
		t.Errorf("got %q", b.String())
	}

	streams, _, _, errOut := iostreams.Test()
	f := New(streams, nil)
	f.Warn("deprecated: " + evil)
	if c := controlByte(errOut.String()); c != "" || !strings.HasPrefix(errOut.String(), "Warning: deprecated: evil^[") {
		t.Errorf("warning %q (control %q)", errOut.String(), c)
	}
}

// apply -o json and patch -o json on a terminal: JSON leaves DEL and C1 controls raw.
func TestPrintFlagsOnATerminal(t *testing.T) {
	for _, output := range []string{"json", "yaml", "jsonpath={.metadata.name}", "go-template={{.metadata.name}}"} {
		p := &PrintFlags{Output: output, Terminal: true}
		if err := p.Complete(); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		pr, err := p.ToPrinter(&out, printers.ObjectOptions{Stream: true})
		if err != nil {
			t.Fatal(err)
		}
		name := strings.ReplaceAll(strings.ReplaceAll(evil, "\x1b", `\u001b`), "\x07", `\u0007`)
		name = strings.NewReplacer("\r", `\r`, "\x08", `\b`, "\x9b", "").Replace(name)
		if err := pr.PrintObject(printers.Object{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"` + name + `"}}`)}); err != nil {
			t.Fatal(err)
		}
		if err := pr.Close(); err != nil {
			t.Fatal(err)
		}
		if c := controlByte(out.String()); c != "" || !strings.Contains(out.String(), "evil") {
			t.Errorf("-o %s: %q survives in %q", output, c, out.String())
		}
	}
}
