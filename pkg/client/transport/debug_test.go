package transport

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/pkg/config"
)

func TestDebugLevels(t *testing.T) {
	big := `{"items":"` + strings.Repeat("x", 3000) + `"}`
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Answer", "42")
		io.WriteString(w, big)
	}))
	tests := []struct {
		v       int
		want    []string // regexps
		notWant []string
	}{
		{v: 5, notWant: []string{`.`}},
		{v: 6,
			want:    []string{`^I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ debug\.go:\d+\] "Response" verb="GET" url="https://127\.0\.0\.1:\d+/api/v1/pods\?limit=1" status="200 OK" milliseconds=\d+\n$`},
			notWant: []string{`"Request"`, `headers=`, `Response Body`}},
		{v: 7,
			want: []string{`"Request" verb="GET" url="https://[^"]+/api/v1/pods\?limit=1" headers=<\n\tAccept: application/json\n\tAuthorization: Bearer <masked>\n\tUser-Agent: kubex/`,
				`"Response" status="200 OK" milliseconds=\d+\n`},
			notWant: []string{`X-Answer`, `Response Body`}},
		{v: 8,
			want: []string{`"Response" status="200 OK" headers=<\n(\t.*\n)*\tX-Answer: 42\n >`,
				`"Response Body" body="\{\\"items\\":\\"x+ \[truncated 1988 chars\]"`}},
		{v: 9,
			want: []string{`"Request" curlCommand=<\n\tcurl -v -XGET  -H "Accept: application/json" -H "Authorization: Bearer <masked>" -H "User-Agent: [^"]+" 'https://[^']+/api/v1/pods\?limit=1'\n >`,
				`"Response" verb="GET" url="[^"]+" status="200 OK" headers=<`,
				`"Response Body" body="\{\\"items\\":\\"x+\\"\}"`}},
		{v: 10, want: []string{`"Response Body" body="\{\\"items\\":\\"x+\\"\}"`}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("v%d", tc.v), func(t *testing.T) {
			r := resolvedFor(srv)
			r.Token = "the-secret-token"
			var out bytes.Buffer
			c := newClient(t, r, Options{Verbosity: tc.v, DebugOut: &out, Version: "v1"})
			get(t, c, "/api/v1/pods?limit=1")
			for _, w := range tc.want {
				if !regexp.MustCompile(`(?m)` + w).MatchString(out.String()) {
					t.Errorf("output does not match %s:\n%s", w, out.String())
				}
			}
			for _, w := range tc.notWant {
				if regexp.MustCompile(w).MatchString(out.String()) {
					t.Errorf("output matches %s:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestDebugRedactsEverything(t *testing.T) {
	const (
		token    = "tok-ABCDEF-0123456789"
		fileTok  = "filetok-ZYXWVU-987654"
		password = "pa55w0rd-very-secret"
		cookie   = "session=cookie-value-42"
	)
	basic := base64.StdEncoding.EncodeToString([]byte("admin:" + password))
	// The server echoes what it got (a badly behaved proxy or webhook might), sets a cookie and returns
	// a token field of its own.
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=server-cookie-99")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"echo":%q,"status":{"token":"server-issued-token-77"}}`, r.Header.Get("Authorization"))
	}))
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(fileTok), 0o600); err != nil {
		t.Fatal(err)
	}

	cases := map[string]func(r *config.Resolved){
		"token":      func(r *config.Resolved) { r.Token = token },
		"token file": func(r *config.Resolved) { r.TokenFile = tokenFile },
		"basic":      func(r *config.Resolved) { r.Username, r.Password = "admin", password },
		"exec plugin": func(r *config.Resolved) {
			r.Exec, _ = pluginConfig(t, "client.authentication.k8s.io/v1", "Never",
				map[string]string{"PLUGIN_TOKEN": "plugin-token-secret", "PLUGIN_CERT": "1"})
		},
	}
	for name, set := range cases {
		t.Run(name, func(t *testing.T) {
			r := resolvedFor(srv)
			set(r)
			var out, stderr bytes.Buffer
			c := newClient(t, r, Options{Verbosity: 10, DebugOut: &out, Stderr: &stderr})
			req, _ := c.NewRequest(t.Context(), http.MethodPost, "/api/v1/namespaces/default/secrets",
				strings.NewReader(`{"stringData":{"password":"`+password+`"}}`))
			req.Header.Set("Cookie", cookie)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(resp.Body)
			resp.Body.Close()

			got := out.String()
			for _, secret := range []string{token, fileTok, password, basic, "cookie-value-42", "server-cookie-99",
				"server-issued-token-77", "plugin-token-secret", "PRIVATE KEY", "BEGIN CERTIFICATE"} {
				if strings.Contains(got, secret) {
					t.Errorf("debug output contains %q:\n%s", secret, got)
				}
			}
			for _, want := range []string{"<masked>", `"Request Body"`, `"Response Body"`, "Cookie: <masked>", "Set-Cookie: <masked>"} {
				if !strings.Contains(got, want) {
					t.Errorf("debug output lacks %q:\n%s", want, got)
				}
			}
		})
	}
}

func TestMaskHeader(t *testing.T) {
	for _, tc := range []struct{ k, v, want string }{
		{"Authorization", "Bearer abc", "Bearer <masked>"},
		{"authorization", "basic YWJj", "basic <masked>"},
		{"Authorization", "Negotiate", "Negotiate"},
		{"Authorization", "abc", "<masked>"},
		{"Authorization", "Token abc", "<masked>"},
		{"Proxy-Authorization", "Basic YWJj", "Basic <masked>"},
		{"Cookie", "a=b", "<masked>"},
		{"X-Auth-Token", "abc", "<masked>"},
		{"Accept", "application/json", "application/json"},
	} {
		if got := maskHeader(tc.k, tc.v); got != tc.want {
			t.Errorf("maskHeader(%q, %q) = %q, want %q", tc.k, tc.v, got, tc.want)
		}
	}
}

// TestDebugBinaryBodies: a body shown as a hex dump is masked and scrubbed like a text body. The dump
// spreads a value over lines of 16 bytes, so both must happen before it.
func TestDebugBinaryBodies(t *testing.T) {
	const secret = "s3cr3t-value-0123456789" // longer than a dump line
	secrets := &secretSet{}
	secrets.add(secret)
	d := newDebugLogger(nil, 8, io.Discard, secrets)
	for _, tc := range []struct {
		name    string
		body    string
		total   int // 0: len(body)
		hexDump bool
		want    []string
		notWant []string
	}{
		{name: "JSON token field in a binary body", body: "\x01\x02" + `{"token":"field-token-abcdefghijkl"}`, hexDump: true,
			want: []string{`"token":"<masked>"`}, notWant: []string{"field-token", "abcdefghijkl"}},
		{name: "known secret across dump lines", body: "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09" + secret + "\x00", hexDump: true,
			want: []string{"<masked>"}, notWant: []string{secret, secret[:8], secret[8:16], secret[16:]}},
		{name: "text body", body: `{"password":"pw-123456","note":"` + secret + `"}`,
			want: []string{`"password":"<masked>"`, `"note":"<masked>"`}, notWant: []string{"pw-123456", secret}},
		{name: "truncation counts the body as sent", body: "\x01" + secret, total: 1000, hexDump: true,
			want: []string{"<masked>", fmt.Sprintf(" [truncated %d chars]", 1000-1-len(secret))}, notWant: []string{secret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			total := tc.total
			if total == 0 {
				total = len(tc.body)
			}
			got := d.formatBody([]byte(tc.body), total)
			shown := got
			if tc.hexDump {
				// What the dump encodes, both as its hex bytes and as its text column.
				if !strings.HasPrefix(got, "00000000  ") {
					t.Fatalf("not a hex dump:\n%s", got)
				}
				shown = string(undump(t, got))
			}
			for _, w := range tc.want {
				if !strings.Contains(shown, w) {
					t.Errorf("body %q lacks %q", shown, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(shown, w) || strings.Contains(strings.ReplaceAll(got, "\n", ""), w) {
					t.Errorf("body shows %q:\n%s", w, got)
				}
			}
		})
	}
}

// undump reads the bytes back out of hex.Dump's output, plus whatever follows the dump.
func undump(t *testing.T, dump string) []byte {
	t.Helper()
	var out []byte
	lines := strings.Split(dump, "\n")
	for i, line := range lines {
		hexPart, _, ok := strings.Cut(line, "|")
		if !ok || len(hexPart) < 10 {
			out = append(out, strings.Join(lines[i:], "\n")...)
			break
		}
		for _, f := range strings.Fields(hexPart[10:]) {
			var b byte
			if _, err := fmt.Sscanf(f, "%02x", &b); err != nil {
				t.Fatalf("dump line %q: %v", line, err)
			}
			out = append(out, b)
		}
	}
	return out
}
