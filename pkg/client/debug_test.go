package client

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
			want:    []string{`^I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ debug\.go\] "Response" verb="GET" url="https://127\.0\.0\.1:\d+/api/v1/pods\?limit=1" status="200 OK" milliseconds=\d+\n$`},
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
